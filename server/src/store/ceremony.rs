//! WebAuthn ceremony state: written at start, taken (deleted) exactly once at finish.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug)]
pub struct CeremonyRow {
    pub purpose: String,
    pub account_id: Option<String>,
    pub enrolment_code_id: Option<String>,
    pub state_json: String,
    pub expires_at: i64,
}

pub async fn insert(conn: &mut Conn, id_hash: &str, ceremony: &CeremonyRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into webauthn_ceremony (ceremony_id_hash, purpose, account_id, enrolment_code_id, state_json, expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id_hash)
    .bind(&ceremony.purpose)
    .bind(&ceremony.account_id)
    .bind(&ceremony.enrolment_code_id)
    .bind(&ceremony.state_json)
    .bind(ceremony.expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Reads and deletes the ceremony in the caller's transaction: a second take finds nothing.
pub async fn take(conn: &mut Conn, id_hash: &str) -> Result<Option<CeremonyRow>, StoreError> {
    let row = sqlx::query(
        "select purpose, account_id, enrolment_code_id, state_json, expires_at from webauthn_ceremony where ceremony_id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let deleted = sqlx::query("delete from webauthn_ceremony where ceremony_id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    if deleted.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some(CeremonyRow {
        purpose: row.try_get("purpose")?,
        account_id: row.try_get("account_id")?,
        enrolment_code_id: row.try_get("enrolment_code_id")?,
        state_json: row.try_get("state_json")?,
        expires_at: row.try_get("expires_at")?,
    }))
}

pub async fn delete_expired(conn: &mut Conn, now: i64) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from webauthn_ceremony where expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}
