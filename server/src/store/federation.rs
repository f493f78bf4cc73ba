//! Federated sign-in: facility identity providers, administrators' subject links, and sign-ins in
//! flight (state, PKCE verifier, nonce), taken exactly once.

use sqlx::Row;

use super::{Conn, StoreError};

/// A facility's OpenID provider. The secret never leaves the server.
#[derive(Clone, Debug)]
pub struct ProviderRow {
    pub facility_id: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

/// A facility offering federated sign-in, as the sign-in page lists it.
#[derive(Clone, Debug)]
pub struct ProviderListing {
    pub facility_id: String,
    pub facility_name: String,
    pub issuer: String,
    pub client_id: String,
}

pub async fn provider(conn: &mut Conn, facility_id: &str) -> Result<Option<ProviderRow>, StoreError> {
    let row = sqlx::query("select facility_id, issuer, client_id, client_secret from identity_provider where facility_id = $1")
        .bind(facility_id)
        .fetch_optional(conn)
        .await?;
    row.map(|row| -> Result<ProviderRow, StoreError> {
        Ok(ProviderRow {
            facility_id: row.try_get("facility_id")?,
            issuer: row.try_get("issuer")?,
            client_id: row.try_get("client_id")?,
            client_secret: row.try_get("client_secret")?,
        })
    })
    .transpose()
}

/// Every facility with a provider, by facility name.
pub async fn providers(conn: &mut Conn) -> Result<Vec<ProviderListing>, StoreError> {
    let rows = sqlx::query(
        "select p.facility_id, f.name, p.issuer, p.client_id from identity_provider p
         join facility f on f.facility_id = p.facility_id order by f.name, p.facility_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ProviderListing {
                facility_id: row.try_get("facility_id")?,
                facility_name: row.try_get("name")?,
                issuer: row.try_get("issuer")?,
                client_id: row.try_get("client_id")?,
            })
        })
        .collect()
}

/// Sets (or replaces) a facility's provider.
pub async fn set_provider(conn: &mut Conn, provider: &ProviderRow, by: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("delete from identity_provider where facility_id = $1").bind(&provider.facility_id).execute(&mut *conn).await?;
    sqlx::query(
        "insert into identity_provider (facility_id, issuer, client_id, client_secret, updated_by_account_id, updated_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&provider.facility_id)
    .bind(&provider.issuer)
    .bind(&provider.client_id)
    .bind(&provider.client_secret)
    .bind(by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a facility's provider; returns whether it had one.
pub async fn remove_provider(conn: &mut Conn, facility_id: &str) -> Result<bool, StoreError> {
    let result = sqlx::query("delete from identity_provider where facility_id = $1").bind(facility_id).execute(conn).await?;
    Ok(result.rows_affected() > 0)
}

/// "This provider's subject is this clinician", as an administrator made it.
#[derive(Clone, Debug)]
pub struct LinkRow {
    pub federated_link_id: String,
    pub issuer: String,
    pub subject: String,
    pub account_id: String,
    pub facility_id: String,
    pub created_by_account_id: String,
    pub created_at: i64,
    /// Unix ms; `None` while a link to an account that can already read awaits a second
    /// administrator's approval. Sign-in refuses a held link.
    pub approved_at: Option<i64>,
}

const LINK_COLUMNS: &str = "federated_link_id, issuer, subject, account_id, facility_id, created_by_account_id, created_at, approved_at";

fn link_from_row(row: &sqlx::any::AnyRow) -> Result<LinkRow, StoreError> {
    Ok(LinkRow {
        federated_link_id: row.try_get("federated_link_id")?,
        issuer: row.try_get("issuer")?,
        subject: row.try_get("subject")?,
        account_id: row.try_get("account_id")?,
        facility_id: row.try_get("facility_id")?,
        created_by_account_id: row.try_get("created_by_account_id")?,
        created_at: row.try_get("created_at")?,
        approved_at: row.try_get("approved_at")?,
    })
}

/// Approves a held link; false if there was none awaiting approval with this id.
pub async fn approve_link(conn: &mut Conn, federated_link_id: &str, by: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update federated_link set approved_at = $2, approved_by_account_id = $3 where federated_link_id = $1 and approved_at is null",
    )
    .bind(federated_link_id)
    .bind(now)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A link by its id.
pub async fn link(conn: &mut Conn, federated_link_id: &str) -> Result<Option<LinkRow>, StoreError> {
    let row = sqlx::query(&format!("select {LINK_COLUMNS} from federated_link where federated_link_id = $1"))
        .bind(federated_link_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(link_from_row).transpose()
}

/// Inserts a link; `Conflict` if the subject is already linked.
pub async fn insert_link(conn: &mut Conn, link: &LinkRow) -> Result<(), StoreError> {
    sqlx::query(&format!("insert into federated_link ({LINK_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)"))
        .bind(&link.federated_link_id)
        .bind(&link.issuer)
        .bind(&link.subject)
        .bind(&link.account_id)
        .bind(&link.facility_id)
        .bind(&link.created_by_account_id)
        .bind(link.created_at)
        .bind(link.approved_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn link_by_subject(conn: &mut Conn, issuer: &str, subject: &str) -> Result<Option<LinkRow>, StoreError> {
    let row = sqlx::query(&format!("select {LINK_COLUMNS} from federated_link where issuer = $1 and subject = $2"))
        .bind(issuer)
        .bind(subject)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(link_from_row).transpose()
}

pub async fn links_of_account(conn: &mut Conn, account_id: &str) -> Result<Vec<LinkRow>, StoreError> {
    let rows =
        sqlx::query(&format!("select {LINK_COLUMNS} from federated_link where account_id = $1 order by created_at, federated_link_id"))
            .bind(account_id)
            .fetch_all(conn)
            .await?;
    rows.iter().map(link_from_row).collect()
}

/// Deletes one link and returns it, or `None` if there was no such link.
pub async fn remove_link(conn: &mut Conn, federated_link_id: &str) -> Result<Option<LinkRow>, StoreError> {
    let row = sqlx::query(&format!("select {LINK_COLUMNS} from federated_link where federated_link_id = $1"))
        .bind(federated_link_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(link) = row.as_ref().map(link_from_row).transpose()? else { return Ok(None) };
    sqlx::query("delete from federated_link where federated_link_id = $1").bind(federated_link_id).execute(conn).await?;
    Ok(Some(link))
}

/// Removes a facility's links made under another issuer (after the facility changed provider);
/// returns how many.
pub async fn remove_links_not_of(conn: &mut Conn, facility_id: &str, issuer: &str) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from federated_link where facility_id = $1 and issuer <> $2")
        .bind(facility_id)
        .bind(issuer)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}

/// A sign-in at a provider in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginRow {
    pub browser_hash: String,
    /// `clinician` (a facility's provider) or `citizen` (the national identity provider).
    pub purpose: String,
    pub facility_id: Option<String>,
    pub pkce_verifier: String,
    pub nonce: String,
    pub expires_at: i64,
}

pub async fn insert_login(conn: &mut Conn, state_hash: &str, login: &LoginRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into oidc_login (state_hash, browser_hash, purpose, facility_id, pkce_verifier, nonce, expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(state_hash)
    .bind(&login.browser_hash)
    .bind(&login.purpose)
    .bind(&login.facility_id)
    .bind(&login.pkce_verifier)
    .bind(&login.nonce)
    .bind(login.expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Reads and deletes the sign-in in the caller's transaction: a second take finds nothing.
pub async fn take_login(conn: &mut Conn, state_hash: &str) -> Result<Option<LoginRow>, StoreError> {
    let row =
        sqlx::query("select browser_hash, purpose, facility_id, pkce_verifier, nonce, expires_at from oidc_login where state_hash = $1")
            .bind(state_hash)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let deleted = sqlx::query("delete from oidc_login where state_hash = $1").bind(state_hash).execute(&mut *conn).await?;
    if deleted.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some(LoginRow {
        browser_hash: row.try_get("browser_hash")?,
        purpose: row.try_get("purpose")?,
        facility_id: row.try_get("facility_id")?,
        pkce_verifier: row.try_get("pkce_verifier")?,
        nonce: row.try_get("nonce")?,
        expires_at: row.try_get("expires_at")?,
    }))
}

pub async fn delete_expired_logins(conn: &mut Conn, now: i64) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from oidc_login where expires_at <= $1").bind(now).execute(conn).await?;
    Ok(result.rows_affected())
}

/// Row counts of what a federated sign-in could create, for tests and the `counts` command.
pub async fn count(conn: &mut Conn, table: CountedTable) -> Result<i64, StoreError> {
    let sql = match table {
        CountedTable::Accounts => "select count(*) as n from account",
        CountedTable::Sessions => "select count(*) as n from session",
        CountedTable::Links => "select count(*) as n from federated_link",
        CountedTable::EnrolledPatients => "select count(*) as n from patient where account_id is not null",
        CountedTable::Passkeys => "select count(*) as n from passkey",
        CountedTable::PendingLogins => "select count(*) as n from oidc_login",
        CountedTable::AuditEvents => "select count(*) as n from audit_event",
        CountedTable::ApiTokens => "select count(*) as n from api_token",
        CountedTable::Patients => "select count(*) as n from patient",
        CountedTable::PatientIdentifiers => "select count(*) as n from patient_identifier",
        CountedTable::ClinicalResources => "select count(*) as n from clinical_resource",
        CountedTable::DirectoryResources => "select count(*) as n from directory_resource",
        CountedTable::ImportProvenance => "select count(*) as n from import_provenance",
    };
    Ok(sqlx::query(sql).fetch_one(conn).await?.try_get("n")?)
}

#[derive(Clone, Copy, Debug)]
pub enum CountedTable {
    Accounts,
    Sessions,
    Links,
    EnrolledPatients,
    Passkeys,
    PendingLogins,
    /// The audit trail's rows (a request refused before it reached anything writes none).
    AuditEvents,
    ApiTokens,
    /// Every record (enrolled or not) and the identifiers they are found by (CCCD, BHYT, …).
    Patients,
    PatientIdentifiers,
    /// The stored FHIR resources of records, and the facilities' directories (Practitioner,
    /// Organization, Location, Medication).
    ClinicalResources,
    DirectoryResources,
    /// Which facility sent which resource (one row per imported resource).
    ImportProvenance,
}
