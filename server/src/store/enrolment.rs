//! One-time enrolment codes (stored as SHA-256).

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug)]
pub struct EnrolmentCodeRow {
    pub enrolment_code_id: String,
    pub cccd: String,
    pub patient_id: Option<String>,
    pub account_id: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    /// Set when an administrator cancelled the code before use.
    pub cancelled_at: Option<i64>,
    pub created_by_account_id: Option<String>,
    /// Unix ms; `None` while the code is held for a second administrator's approval (a code for
    /// an account that can already read). Enrolment refuses a held code.
    pub approved_at: Option<i64>,
}

pub async fn insert(conn: &mut Conn, code_hash: &str, code: &EnrolmentCodeRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into enrolment_code (enrolment_code_id, code_hash, cccd, patient_id, account_id, expires_at, used_at, created_at, cancelled_at, created_by_account_id, approved_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&code.enrolment_code_id)
    .bind(code_hash)
    .bind(&code.cccd)
    .bind(&code.patient_id)
    .bind(&code.account_id)
    .bind(code.expires_at)
    .bind(code.used_at)
    .bind(now)
    .bind(code.cancelled_at)
    .bind(&code.created_by_account_id)
    .bind(code.approved_at)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<EnrolmentCodeRow, StoreError> {
    Ok(EnrolmentCodeRow {
        enrolment_code_id: row.try_get("enrolment_code_id")?,
        cccd: row.try_get("cccd")?,
        patient_id: row.try_get("patient_id")?,
        account_id: row.try_get("account_id")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
        cancelled_at: row.try_get("cancelled_at")?,
        created_by_account_id: row.try_get("created_by_account_id")?,
        approved_at: row.try_get("approved_at")?,
    })
}

const COLUMNS: &str =
    "enrolment_code_id, cccd, patient_id, account_id, expires_at, used_at, cancelled_at, created_by_account_id, approved_at";

pub async fn by_hash(conn: &mut Conn, code_hash: &str) -> Result<Option<EnrolmentCodeRow>, StoreError> {
    let row =
        sqlx::query(&format!("select {COLUMNS} from enrolment_code where code_hash = $1")).bind(code_hash).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut Conn, enrolment_code_id: &str) -> Result<Option<EnrolmentCodeRow>, StoreError> {
    let row = sqlx::query(&format!("select {COLUMNS} from enrolment_code where enrolment_code_id = $1"))
        .bind(enrolment_code_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks the code used if it still is unused, uncancelled and unexpired. Returns false if someone was first.
pub async fn consume(conn: &mut Conn, enrolment_code_id: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update enrolment_code set used_at = $1 where enrolment_code_id = $2 and used_at is null and cancelled_at is null and expires_at > $1",
    )
    .bind(now)
    .bind(enrolment_code_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An unused code as the administrators' list shows it, with whom it enrols.
#[derive(Clone, Debug)]
pub struct OpenCodeRow {
    pub code: EnrolmentCodeRow,
    pub name: String,
    pub created_at: i64,
}

/// Codes neither used, cancelled nor expired, newest first.
pub async fn open_codes(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<OpenCodeRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {}, e.created_at, coalesce(p.family_name || ' ' || p.given_names, a.display_name, '') as name
         from enrolment_code e
         left join patient p on p.patient_id = e.patient_id
         left join account a on a.account_id = e.account_id
         where e.used_at is null and e.cancelled_at is null and e.expires_at > $1
         order by e.created_at desc, e.enrolment_code_id limit $2",
        COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ")
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| -> Result<OpenCodeRow, StoreError> {
            Ok(OpenCodeRow { code: from_row(row)?, name: row.try_get("name")?, created_at: row.try_get("created_at")? })
        })
        .collect()
}

/// Cancels an unused code. Returns false if it was used, cancelled or unknown.
pub async fn cancel(conn: &mut Conn, enrolment_code_id: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update enrolment_code set cancelled_at = $1 where enrolment_code_id = $2 and used_at is null and cancelled_at is null",
    )
    .bind(now)
    .bind(enrolment_code_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The staff account a CCCD was bound to by its enrolment codes (staff have no patient row), if any.
pub async fn staff_account_by_cccd(conn: &mut Conn, cccd: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query(
        "select account_id from enrolment_code where cccd = $1 and account_id is not null order by created_at desc, enrolment_code_id limit 1",
    )
    .bind(cccd)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| row.try_get("account_id")).transpose()?)
}

/// Marks a code as issued by identity proofing (the proofed enrolment path accepts only these).
pub async fn mark_proofing(conn: &mut Conn, code_hash: &str) -> Result<(), StoreError> {
    sqlx::query("update enrolment_code set source = 'identity_proofing' where code_hash = $1").bind(code_hash).execute(conn).await?;
    Ok(())
}

/// Whether identity proofing issued this code.
pub async fn is_proofing(conn: &mut Conn, code_hash: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("select source from enrolment_code where code_hash = $1").bind(code_hash).fetch_optional(conn).await?;
    Ok(match row {
        Some(row) => row.try_get::<String, _>("source")? == "identity_proofing",
        None => false,
    })
}

/// Holds a code for a second administrator's approval (it cannot enrol until [`approve`]).
pub async fn hold(conn: &mut Conn, code_hash: &str) -> Result<(), StoreError> {
    sqlx::query("update enrolment_code set approved_at = null where code_hash = $1").bind(code_hash).execute(conn).await?;
    Ok(())
}

/// Approves a held code that is still open (not used, cancelled or expired at `now`); false if
/// there was no such code.
pub async fn approve(conn: &mut Conn, enrolment_code_id: &str, by: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update enrolment_code set approved_at = $2, approved_by_account_id = $3
         where enrolment_code_id = $1 and approved_at is null and used_at is null and cancelled_at is null and expires_at > $2",
    )
    .bind(enrolment_code_id)
    .bind(now)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}
