//! What the administrators' console lists: accounts with what they are linked to, facilities,
//! and a few counts. Changes go through the other store modules.

use sqlx::Row;

use super::{Conn, StoreError};

/// An account as the console lists it.
#[derive(Clone, Debug)]
pub struct PersonRow {
    pub account_id: String,
    pub role: String,
    pub display_name: String,
    pub status: String,
    pub suspended_at: Option<i64>,
    pub suspension_reason: Option<String>,
    pub clinician_id: Option<String>,
    pub facility_id: Option<String>,
    pub facility_name: Option<String>,
    pub patient_id: Option<String>,
    pub sessions: i64,
}

const PERSON_SELECT: &str = "select a.account_id, a.role, a.display_name, a.status, a.suspended_at, a.suspension_reason,
        c.clinician_id, c.facility_id, f.name as facility_name, p.patient_id,
        (select count(*) from session s where s.account_id = a.account_id) as sessions
     from account a
     left join clinician c on c.account_id = a.account_id
     left join facility f on f.facility_id = c.facility_id
     left join patient p on p.account_id = a.account_id";

fn person_from_row(row: &sqlx::any::AnyRow) -> Result<PersonRow, StoreError> {
    Ok(PersonRow {
        account_id: row.try_get("account_id")?,
        role: row.try_get("role")?,
        display_name: row.try_get("display_name")?,
        status: row.try_get("status")?,
        suspended_at: row.try_get("suspended_at")?,
        suspension_reason: row.try_get("suspension_reason")?,
        clinician_id: row.try_get("clinician_id")?,
        facility_id: row.try_get("facility_id")?,
        facility_name: row.try_get("facility_name")?,
        patient_id: row.try_get("patient_id")?,
        sessions: row.try_get("sessions")?,
    })
}

/// Accounts whose name contains `term` literally, without regard to case or diacritics
/// ([`super::fold`]; `%` and `_` are plain characters, an empty term matches every name), optionally of one role and of one facility (its
/// clinicians); staff first, then by name.
pub async fn people(
    conn: &mut Conn,
    term: &str,
    role: Option<&str>,
    facility_id: Option<&str>,
    limit: i64,
) -> Result<Vec<PersonRow>, StoreError> {
    let pattern = super::like_contains(&super::fold(term));
    let rows = sqlx::query(&format!(
        "{PERSON_SELECT} where a.display_name_folded like $1 escape '\\' and ($2 = '' or a.role = $2) and ($3 = '' or c.facility_id = $3)
         order by case a.role when 'clinician' then 0 when 'administrator' then 1 else 2 end, a.display_name, a.account_id
         limit $4"
    ))
    .bind(pattern)
    .bind(role.unwrap_or_default().to_string())
    .bind(facility_id.unwrap_or_default().to_string())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(person_from_row).collect()
}

pub async fn person(conn: &mut Conn, account_id: &str) -> Result<Option<PersonRow>, StoreError> {
    let row = sqlx::query(&format!("{PERSON_SELECT} where a.account_id = $1")).bind(account_id).fetch_optional(conn).await?;
    row.as_ref().map(person_from_row).transpose()
}

/// Suspends (`reason = Some`) or reinstates (`None`) an account. Returns false if the account was
/// already in that state (or does not exist).
pub async fn set_suspended(conn: &mut Conn, account_id: &str, reason: Option<&str>, now: i64) -> Result<bool, StoreError> {
    let result = match reason {
        Some(reason) => {
            sqlx::query(
                "update account set status = 'suspended', suspended_at = $1, suspension_reason = $2
                 where account_id = $3 and status = 'active'",
            )
            .bind(now)
            .bind(reason)
            .bind(account_id)
            .execute(conn)
            .await?
        }
        None => {
            sqlx::query(
                "update account set status = 'active', suspended_at = null, suspension_reason = null
                 where account_id = $1 and status = 'suspended'",
            )
            .bind(account_id)
            .execute(conn)
            .await?
        }
    };
    Ok(result.rows_affected() == 1)
}

/// A facility with how many clinicians work there and how many live grants it holds.
#[derive(Clone, Debug)]
pub struct FacilityRow {
    pub facility_id: String,
    pub name: String,
    pub province_code: String,
    pub clinicians: i64,
    pub live_grants: i64,
}

const FACILITY_SELECT: &str = "select f.facility_id, f.name, f.province_code,
        (select count(*) from clinician c where c.facility_id = f.facility_id) as clinicians,
        (select count(*) from consent_grant g where g.grantee_facility_id = f.facility_id
            and g.revoked_at is null and g.expires_at > $1) as live_grants
     from facility f";

fn facility_from_row(row: &sqlx::any::AnyRow) -> Result<FacilityRow, StoreError> {
    Ok(FacilityRow {
        facility_id: row.try_get("facility_id")?,
        name: row.try_get("name")?,
        province_code: row.try_get("province_code")?,
        clinicians: row.try_get("clinicians")?,
        live_grants: row.try_get("live_grants")?,
    })
}

pub async fn facilities(conn: &mut Conn, now: i64) -> Result<Vec<FacilityRow>, StoreError> {
    let rows = sqlx::query(&format!("{FACILITY_SELECT} order by f.name, f.facility_id")).bind(now).fetch_all(conn).await?;
    rows.iter().map(facility_from_row).collect()
}

pub async fn facility(conn: &mut Conn, facility_id: &str, now: i64) -> Result<Option<FacilityRow>, StoreError> {
    let row = sqlx::query(&format!("{FACILITY_SELECT} where f.facility_id = $2")).bind(now).bind(facility_id).fetch_optional(conn).await?;
    row.as_ref().map(facility_from_row).transpose()
}

/// The console's headline counts.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub pending_reviews: i64,
    pub open_codes: i64,
    pub suspended: i64,
    pub accounts: i64,
}

pub async fn counts(conn: &mut Conn, now: i64) -> Result<Counts, StoreError> {
    let row = sqlx::query(
        "select (select count(*) from break_glass where review_status = 'pending') as pending_reviews,
                (select count(*) from enrolment_code where used_at is null and cancelled_at is null and expires_at > $1) as open_codes,
                (select count(*) from account where status = 'suspended') as suspended,
                (select count(*) from account) as accounts",
    )
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Counts {
        pending_reviews: row.try_get("pending_reviews")?,
        open_codes: row.try_get("open_codes")?,
        suspended: row.try_get("suspended")?,
        accounts: row.try_get("accounts")?,
    })
}
