//! Accounts, staff records and passkeys.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug)]
pub struct AccountRow {
    pub account_id: String,
    pub role: String,
    pub display_name: String,
    pub user_handle: String,
    pub status: String,
}

/// The signed-in principal: an account with what it is linked to.
#[derive(Clone, Debug)]
pub struct Principal {
    pub account: AccountRow,
    pub patient_id: Option<String>,
    pub clinician_id: Option<String>,
    pub facility_id: Option<String>,
    /// False for a staff account an administrator created that no second administrator has
    /// confirmed yet (the policy refuses it every record).
    pub confirmed: bool,
}

/// Inserts a confirmed account (a citizen at enrolment, the seed's and the operator's staff).
pub async fn insert(conn: &mut Conn, account: &AccountRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into account (account_id, role, display_name, user_handle, status, created_at, confirmed_at, display_name_folded)
         values ($1, $2, $3, $4, $5, $6, $6, $7)",
    )
    .bind(&account.account_id)
    .bind(&account.role)
    .bind(&account.display_name)
    .bind(&account.user_handle)
    .bind(&account.status)
    .bind(now)
    .bind(super::fold(&account.display_name))
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a staff account an administrator (`created_by`) made, unconfirmed, bound to the CCCD
/// `staff_cccd` they verified: it reads nothing until [`confirm_staff`].
pub async fn insert_unconfirmed_staff(
    conn: &mut Conn,
    account: &AccountRow,
    created_by: &str,
    staff_cccd: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into account (account_id, role, display_name, user_handle, status, created_at, created_by_account_id, staff_cccd, display_name_folded)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&account.account_id)
    .bind(&account.role)
    .bind(&account.display_name)
    .bind(&account.user_handle)
    .bind(&account.status)
    .bind(now)
    .bind(created_by)
    .bind(staff_cccd)
    .bind(super::fold(&account.display_name))
    .execute(conn)
    .await?;
    Ok(())
}

/// Who made a staff account and who confirmed it, and the identity its codes bind to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffFacts {
    pub created_by_account_id: Option<String>,
    /// Unix ms; `None` while awaiting a second administrator.
    pub confirmed_at: Option<i64>,
    pub confirmed_by_account_id: Option<String>,
    /// The 12-digit CCCD verified for this account; a staff enrolment code must carry it.
    pub staff_cccd: Option<String>,
}

/// The separation-of-duties facts of an account (`None`: no such account).
pub async fn staff_facts(conn: &mut Conn, account_id: &str) -> Result<Option<StaffFacts>, StoreError> {
    let row =
        sqlx::query("select created_by_account_id, confirmed_at, confirmed_by_account_id, staff_cccd from account where account_id = $1")
            .bind(account_id)
            .fetch_optional(conn)
            .await?;
    row.map(|row| -> Result<StaffFacts, StoreError> {
        Ok(StaffFacts {
            created_by_account_id: row.try_get("created_by_account_id")?,
            confirmed_at: row.try_get("confirmed_at")?,
            confirmed_by_account_id: row.try_get("confirmed_by_account_id")?,
            staff_cccd: row.try_get("staff_cccd")?,
        })
    })
    .transpose()
}

/// Confirms an unconfirmed staff account; false if it was not awaiting confirmation.
pub async fn confirm_staff(conn: &mut Conn, account_id: &str, by: &str, now: i64) -> Result<bool, StoreError> {
    let result =
        sqlx::query("update account set confirmed_at = $2, confirmed_by_account_id = $3 where account_id = $1 and confirmed_at is null")
            .bind(account_id)
            .bind(now)
            .bind(by)
            .execute(conn)
            .await?;
    Ok(result.rows_affected() == 1)
}

/// Binds a staff account that has no verified CCCD yet to `cccd` (the seed's and older accounts).
pub async fn bind_staff_cccd(conn: &mut Conn, account_id: &str, cccd: &str) -> Result<(), StoreError> {
    sqlx::query("update account set staff_cccd = $2 where account_id = $1 and staff_cccd is null")
        .bind(account_id)
        .bind(cccd)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn principal(conn: &mut Conn, account_id: &str) -> Result<Option<Principal>, StoreError> {
    let row = sqlx::query(
        "select a.account_id, a.role, a.display_name, a.user_handle, a.status, a.confirmed_at, p.patient_id, c.clinician_id, c.facility_id
         from account a
         left join patient p on p.account_id = a.account_id
         left join clinician c on c.account_id = a.account_id
         where a.account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| -> Result<Principal, StoreError> {
        Ok(Principal {
            account: AccountRow {
                account_id: row.try_get("account_id")?,
                role: row.try_get("role")?,
                display_name: row.try_get("display_name")?,
                user_handle: row.try_get("user_handle")?,
                status: row.try_get("status")?,
            },
            patient_id: row.try_get("patient_id")?,
            clinician_id: row.try_get("clinician_id")?,
            facility_id: row.try_get("facility_id")?,
            confirmed: row.try_get::<Option<i64>, _>("confirmed_at")?.is_some(),
        })
    })
    .transpose()
}

/// The IANA time zone the account chose (`None`: never chose; the default applies). Read at
/// sign-in so the zone follows the person to a new browser.
pub async fn time_zone(conn: &mut Conn, account_id: &str) -> Result<Option<String>, StoreError> {
    let zone: Option<Option<String>> =
        sqlx::query_scalar("select time_zone from account where account_id = $1").bind(account_id).fetch_optional(conn).await?;
    Ok(zone.flatten())
}

/// Keeps `zone` (an IANA name the caller has validated) as the account's time zone.
pub async fn set_time_zone(conn: &mut Conn, account_id: &str, zone: &str) -> Result<(), StoreError> {
    sqlx::query("update account set time_zone = $1 where account_id = $2").bind(zone).bind(account_id).execute(conn).await?;
    Ok(())
}

pub async fn account_id_by_user_handle(conn: &mut Conn, user_handle: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar("select account_id from account where user_handle = $1").bind(user_handle).fetch_optional(conn).await?)
}

pub async fn insert_facility(conn: &mut Conn, facility_id: &str, name: &str, province_code: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("insert into facility (facility_id, name, province_code, created_at, name_folded) values ($1, $2, $3, $4, $5)")
        .bind(facility_id)
        .bind(name)
        .bind(province_code)
        .bind(now)
        .bind(super::fold(name))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_clinician(
    conn: &mut Conn,
    clinician_id: &str,
    account_id: &str,
    facility_id: &str,
    full_name: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into clinician (clinician_id, account_id, facility_id, full_name, created_at, full_name_folded) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(clinician_id)
    .bind(account_id)
    .bind(facility_id)
    .bind(full_name)
    .bind(now)
    .bind(super::fold(full_name))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct PasskeyRow {
    pub passkey_id: String,
    pub account_id: String,
    pub credential_id: String,
    pub name: String,
    pub credential_json: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    /// How it was added ([`AddedVia`]).
    pub added_via: String,
    /// The enrolment code it was added with, if any.
    pub added_with_code_id: Option<String>,
}

/// How a passkey came to an account (`passkey.added_via`), shown to its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddedVia {
    /// The account's first passkey, with an enrolment code.
    Enrolment,
    /// With an enrolment code, to an account that already had a passkey (announced to its owner).
    EnrolmentCode,
    /// By the owner while signed in.
    SignedIn,
    /// Added before this was recorded.
    Unrecorded,
}

impl AddedVia {
    pub fn as_str(self) -> &'static str {
        match self {
            AddedVia::Enrolment => "enrolment",
            AddedVia::EnrolmentCode => "enrolment_code",
            AddedVia::SignedIn => "signed_in",
            AddedVia::Unrecorded => "unrecorded",
        }
    }
}

fn passkey_from_row(row: &sqlx::any::AnyRow) -> Result<PasskeyRow, StoreError> {
    Ok(PasskeyRow {
        passkey_id: row.try_get("passkey_id")?,
        account_id: row.try_get("account_id")?,
        credential_id: row.try_get("credential_id")?,
        name: row.try_get("name")?,
        credential_json: row.try_get("credential_json")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        added_via: row.try_get("added_via")?,
        added_with_code_id: row.try_get("added_with_code_id")?,
    })
}

const PASSKEY_COLUMNS: &str =
    "passkey_id, account_id, credential_id, name, credential_json, created_at, last_used_at, added_via, added_with_code_id";

pub async fn insert_passkey(conn: &mut Conn, passkey: &PasskeyRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into passkey (passkey_id, account_id, credential_id, name, credential_json, created_at, last_used_at, added_via, added_with_code_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&passkey.passkey_id)
    .bind(&passkey.account_id)
    .bind(&passkey.credential_id)
    .bind(&passkey.name)
    .bind(&passkey.credential_json)
    .bind(passkey.created_at)
    .bind(passkey.last_used_at)
    .bind(&passkey.added_via)
    .bind(&passkey.added_with_code_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn passkeys_of(conn: &mut Conn, account_id: &str) -> Result<Vec<PasskeyRow>, StoreError> {
    let rows = sqlx::query(&format!("select {PASSKEY_COLUMNS} from passkey where account_id = $1 order by created_at, passkey_id"))
        .bind(account_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(passkey_from_row).collect()
}

pub async fn passkey_by_credential_id(conn: &mut Conn, credential_id: &str) -> Result<Option<PasskeyRow>, StoreError> {
    let row = sqlx::query(&format!("select {PASSKEY_COLUMNS} from passkey where credential_id = $1"))
        .bind(credential_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(passkey_from_row).transpose()
}

pub async fn update_passkey_use(conn: &mut Conn, passkey_id: &str, credential_json: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("update passkey set credential_json = $1, last_used_at = $2 where passkey_id = $3")
        .bind(credential_json)
        .bind(now)
        .bind(passkey_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes a passkey of this account unless it is the account's last one. Returns whether it was deleted.
pub async fn delete_passkey_keeping_one(conn: &mut Conn, account_id: &str, passkey_id: &str) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "delete from passkey where passkey_id = $1 and account_id = $2
         and (select count(*) from passkey where account_id = $2) > 1",
    )
    .bind(passkey_id)
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}
