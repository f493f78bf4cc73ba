//! Consent grants, break-glass declarations, and the directory a citizen picks grantees from.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantRow {
    pub consent_grant_id: String,
    pub patient_id: String,
    pub granted_by_account_id: String,
    pub grantee_clinician_id: Option<String>,
    pub grantee_facility_id: Option<String>,
    /// Comma-separated category codes.
    pub categories: String,
    pub purpose: String,
    pub written_request: bool,
    pub starts_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<String>,
    pub created_at: i64,
}

/// A grant with its grantee's display name.
#[derive(Clone, Debug)]
pub struct GrantListRow {
    pub grant: GrantRow,
    pub grantee_name: String,
    pub grantee_facility_name: Option<String>,
}

const GRANT_COLUMNS: &str = "g.consent_grant_id, g.patient_id, g.granted_by_account_id, g.grantee_clinician_id, g.grantee_facility_id, \
     g.categories, g.purpose, g.written_request, g.starts_at, g.expires_at, g.revoked_at, g.revocation_reason, g.created_at";

fn grant_from_row(row: &sqlx::any::AnyRow) -> Result<GrantRow, StoreError> {
    Ok(GrantRow {
        consent_grant_id: row.try_get("consent_grant_id")?,
        patient_id: row.try_get("patient_id")?,
        granted_by_account_id: row.try_get("granted_by_account_id")?,
        grantee_clinician_id: row.try_get("grantee_clinician_id")?,
        grantee_facility_id: row.try_get("grantee_facility_id")?,
        categories: row.try_get("categories")?,
        purpose: row.try_get("purpose")?,
        written_request: row.try_get::<i64, _>("written_request")? != 0,
        starts_at: row.try_get("starts_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
        revocation_reason: row.try_get("revocation_reason")?,
        created_at: row.try_get("created_at")?,
    })
}

pub async fn insert_grant(conn: &mut Conn, grant: &GrantRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into consent_grant (consent_grant_id, patient_id, granted_by_account_id, grantee_clinician_id, grantee_facility_id,
            categories, purpose, written_request, starts_at, expires_at, revoked_at, revocation_reason, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&grant.consent_grant_id)
    .bind(&grant.patient_id)
    .bind(&grant.granted_by_account_id)
    .bind(&grant.grantee_clinician_id)
    .bind(&grant.grantee_facility_id)
    .bind(&grant.categories)
    .bind(&grant.purpose)
    .bind(i64::from(grant.written_request))
    .bind(grant.starts_at)
    .bind(grant.expires_at)
    .bind(grant.revoked_at)
    .bind(&grant.revocation_reason)
    .bind(grant.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every grant on a patient's record (any state), with grantee names, newest first.
pub async fn grants_for_patient(conn: &mut Conn, patient_id: &str) -> Result<Vec<GrantListRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {GRANT_COLUMNS}, coalesce(c.full_name, f.name) as grantee_name, cf.name as grantee_facility_name
         from consent_grant g
         left join clinician c on c.clinician_id = g.grantee_clinician_id
         left join facility cf on cf.facility_id = c.facility_id
         left join facility f on f.facility_id = g.grantee_facility_id
         where g.patient_id = $1 order by g.created_at desc, g.consent_grant_id"
    ))
    .bind(patient_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| -> Result<GrantListRow, StoreError> {
            Ok(GrantListRow {
                grant: grant_from_row(row)?,
                grantee_name: row.try_get::<Option<String>, _>("grantee_name")?.unwrap_or_default(),
                grantee_facility_name: row.try_get("grantee_facility_name")?,
            })
        })
        .collect()
}

/// Just the grants, for the policy.
pub async fn grant_rows_for_patient(conn: &mut Conn, patient_id: &str) -> Result<Vec<GrantRow>, StoreError> {
    let rows = sqlx::query(&format!("select {GRANT_COLUMNS} from consent_grant g where g.patient_id = $1"))
        .bind(patient_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(grant_from_row).collect()
}

/// Revokes a grant of this patient that is not revoked yet. Returns whether a row changed.
pub async fn revoke_grant(
    conn: &mut Conn,
    patient_id: &str,
    grant_id: &str,
    by_account_id: &str,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update consent_grant set revoked_at = $1, revoked_by_account_id = $2, revocation_reason = $3
         where consent_grant_id = $4 and patient_id = $5 and revoked_at is null",
    )
    .bind(now)
    .bind(by_account_id)
    .bind(reason)
    .bind(grant_id)
    .bind(patient_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlassRow {
    pub break_glass_id: String,
    pub clinician_account_id: String,
    pub facility_id: Option<String>,
    pub patient_id: String,
    pub reason: String,
    pub starts_at: i64,
    pub expires_at: i64,
    pub review_status: String,
    pub created_at: i64,
}

/// A break-glass with the clinician's and facility's names (for the patient and the review queue).
#[derive(Clone, Debug)]
pub struct BreakGlassListRow {
    pub break_glass: BreakGlassRow,
    pub clinician_name: String,
    pub facility_name: Option<String>,
    pub review_note: Option<String>,
    pub reviewed_at: Option<i64>,
}

const BREAK_GLASS_COLUMNS: &str =
    "b.break_glass_id, b.clinician_account_id, b.facility_id, b.patient_id, b.reason, b.starts_at, b.expires_at, b.review_status, b.created_at";

fn break_glass_from_row(row: &sqlx::any::AnyRow) -> Result<BreakGlassRow, StoreError> {
    Ok(BreakGlassRow {
        break_glass_id: row.try_get("break_glass_id")?,
        clinician_account_id: row.try_get("clinician_account_id")?,
        facility_id: row.try_get("facility_id")?,
        patient_id: row.try_get("patient_id")?,
        reason: row.try_get("reason")?,
        starts_at: row.try_get("starts_at")?,
        expires_at: row.try_get("expires_at")?,
        review_status: row.try_get("review_status")?,
        created_at: row.try_get("created_at")?,
    })
}

fn break_glass_list_row(row: &sqlx::any::AnyRow) -> Result<BreakGlassListRow, StoreError> {
    Ok(BreakGlassListRow {
        break_glass: break_glass_from_row(row)?,
        clinician_name: row.try_get("clinician_name")?,
        facility_name: row.try_get("facility_name")?,
        review_note: row.try_get("review_note")?,
        reviewed_at: row.try_get("reviewed_at")?,
    })
}

/// The tail every break-glass listing shares: the review columns, and the joins for the clinician's
/// and facility's names (follows `select {BREAK_GLASS_COLUMNS}, <names>`).
const BREAK_GLASS_LIST_FROM: &str =
    ", b.review_note, b.reviewed_at from break_glass b join account a on a.account_id = b.clinician_account_id
         left join facility f on f.facility_id = b.facility_id";

pub async fn insert_break_glass(conn: &mut Conn, row: &BreakGlassRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into break_glass (break_glass_id, clinician_account_id, facility_id, patient_id, reason, starts_at, expires_at, review_status, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&row.break_glass_id)
    .bind(&row.clinician_account_id)
    .bind(&row.facility_id)
    .bind(&row.patient_id)
    .bind(&row.reason)
    .bind(row.starts_at)
    .bind(row.expires_at)
    .bind(&row.review_status)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn break_glass_for_patient(conn: &mut Conn, patient_id: &str) -> Result<Vec<BreakGlassListRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {BREAK_GLASS_COLUMNS}, a.display_name as clinician_name, f.name as facility_name {BREAK_GLASS_LIST_FROM}
         where b.patient_id = $1 order by b.created_at desc"
    ))
    .bind(patient_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(break_glass_list_row).collect()
}

/// The administrators' review queue: break-glass declarations not yet reviewed, oldest first.
pub async fn review_queue(conn: &mut Conn, limit: i64) -> Result<Vec<BreakGlassListRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {BREAK_GLASS_COLUMNS}, a.display_name as clinician_name, f.name as facility_name {BREAK_GLASS_LIST_FROM}
         where b.review_status = 'pending' order by b.created_at, b.break_glass_id limit $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(break_glass_list_row).collect()
}

/// Active break-glass declarations of one clinician (for the banner), with the patient's name.
pub async fn active_break_glass_of(
    conn: &mut Conn,
    clinician_account_id: &str,
    now: i64,
) -> Result<Vec<(BreakGlassRow, String)>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {BREAK_GLASS_COLUMNS}, p.family_name || ' ' || p.given_names as patient_name
         from break_glass b join patient p on p.patient_id = b.patient_id
         where b.clinician_account_id = $1 and b.starts_at <= $2 and b.expires_at > $2 order by b.expires_at"
    ))
    .bind(clinician_account_id)
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| -> Result<(BreakGlassRow, String), StoreError> { Ok((break_glass_from_row(row)?, row.try_get("patient_name")?)) })
        .collect()
}

/// One entry of the directory of grantees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// `clinician` or `facility`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub facility_name: Option<String>,
}

/// Clinicians and facilities whose name contains `term` literally, without regard to case or
/// diacritics ([`super::fold`]: "cho ray" finds "Chợ Rẫy"; `%` and `_` are plain characters), at
/// most `limit`.
pub async fn search_directory(conn: &mut Conn, term: &str, limit: i64) -> Result<Vec<DirectoryEntry>, StoreError> {
    let pattern = super::like_contains(&super::fold(term));
    let rows = sqlx::query(
        "select 'facility' as kind, facility_id as id, name, null as facility_name from facility where name_folded like $1 escape '\\'
         union all
         select 'clinician' as kind, c.clinician_id as id, c.full_name as name, f.name as facility_name
         from clinician c join facility f on f.facility_id = c.facility_id
         join account a on a.account_id = c.account_id
         where c.full_name_folded like $1 escape '\\' and a.status = 'active'
         order by name limit $2",
    )
    .bind(pattern)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| -> Result<DirectoryEntry, StoreError> {
            Ok(DirectoryEntry {
                kind: row.try_get("kind")?,
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                facility_name: row.try_get("facility_name")?,
            })
        })
        .collect()
}

pub async fn clinician_exists(conn: &mut Conn, clinician_id: &str) -> Result<bool, StoreError> {
    let found: Option<String> =
        sqlx::query_scalar("select clinician_id from clinician where clinician_id = $1").bind(clinician_id).fetch_optional(conn).await?;
    Ok(found.is_some())
}

pub async fn facility_exists(conn: &mut Conn, facility_id: &str) -> Result<bool, StoreError> {
    let found: Option<String> =
        sqlx::query_scalar("select facility_id from facility where facility_id = $1").bind(facility_id).fetch_optional(conn).await?;
    Ok(found.is_some())
}

/// One grant by id (any patient, any state).
pub async fn grant_by_id(conn: &mut Conn, grant_id: &str) -> Result<Option<GrantRow>, StoreError> {
    let row = sqlx::query(&format!("select {GRANT_COLUMNS} from consent_grant g where g.consent_grant_id = $1"))
        .bind(grant_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(grant_from_row).transpose()
}

/// Who holds a grant: one clinician, or a whole facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder<'a> {
    Clinician(&'a str),
    Facility(&'a str),
}

impl Holder<'_> {
    fn condition(&self) -> &'static str {
        match self {
            Holder::Clinician(_) => "g.grantee_clinician_id = $1",
            Holder::Facility(_) => "g.grantee_facility_id = $1",
        }
    }

    fn id(&self) -> &str {
        match self {
            Holder::Clinician(id) | Holder::Facility(id) => id,
        }
    }
}

/// Grants a clinician or facility holds that are not revoked and not yet expired, newest first.
pub async fn live_grants_held(conn: &mut Conn, holder: Holder<'_>, now: i64) -> Result<Vec<GrantRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {GRANT_COLUMNS} from consent_grant g where {} and g.revoked_at is null and g.expires_at > $2
         order by g.created_at desc, g.consent_grant_id",
        holder.condition()
    ))
    .bind(holder.id())
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter().map(grant_from_row).collect()
}

/// One break-glass declaration with names.
pub async fn break_glass_by_id(conn: &mut Conn, break_glass_id: &str) -> Result<Option<BreakGlassListRow>, StoreError> {
    let row = sqlx::query(&format!(
        "select {BREAK_GLASS_COLUMNS}, a.display_name as clinician_name, f.name as facility_name {BREAK_GLASS_LIST_FROM}
         where b.break_glass_id = $1"
    ))
    .bind(break_glass_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(break_glass_list_row).transpose()
}

/// Records the review of a pending break-glass. Returns false if it was already reviewed.
pub async fn mark_reviewed(
    conn: &mut Conn,
    break_glass_id: &str,
    status: &str,
    by_account_id: &str,
    note: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update break_glass set review_status = $1, reviewed_by_account_id = $2, reviewed_at = $3, review_note = $4
         where break_glass_id = $5 and review_status = 'pending'",
    )
    .bind(status)
    .bind(by_account_id)
    .bind(now)
    .bind(note)
    .bind(break_glass_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The most recently reviewed break-glass declarations, newest review first.
pub async fn recently_reviewed(conn: &mut Conn, limit: i64) -> Result<Vec<BreakGlassListRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {BREAK_GLASS_COLUMNS}, a.display_name as clinician_name, f.name as facility_name {BREAK_GLASS_LIST_FROM}
         where b.review_status <> 'pending' order by b.reviewed_at desc, b.break_glass_id limit $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(break_glass_list_row).collect()
}
