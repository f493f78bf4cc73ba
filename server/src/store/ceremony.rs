//! WebAuthn ceremony state: written at start, taken (deleted) exactly once at finish.
//!
//! Storage is bounded: storing a ceremony first deletes the expired ones, and an anonymous
//! ceremony (no signed-in account: sign-in, enrolment) is refused with
//! [`StoreError::LimitReached`] while [`MAX_LIVE_CEREMONIES`] of its purpose are live, so
//! anonymous sign-in starts cannot grow the table without end.

use sqlx::Row;

use super::{Conn, StoreError};

/// How many anonymous ceremonies of one purpose may be live at once. Callers of [`insert`] get
/// this cap; [`insert_bounded`] takes another (tests use a small one).
pub const MAX_LIVE_CEREMONIES: i64 = 10_000;

/// One ceremony in flight.
#[derive(Clone, Debug)]
pub struct CeremonyRow {
    pub purpose: String,
    pub account_id: Option<String>,
    pub enrolment_code_id: Option<String>,
    pub state_json: String,
    pub expires_at: i64,
}

/// Stores a ceremony under the hash of its id, with the default cap [`MAX_LIVE_CEREMONIES`]:
/// see [`insert_bounded`].
pub async fn insert(conn: &mut Conn, id_hash: &str, ceremony: &CeremonyRow, now: i64) -> Result<(), StoreError> {
    insert_bounded(conn, id_hash, ceremony, now, MAX_LIVE_CEREMONIES).await
}

/// Stores a ceremony after deleting every expired one (`expires_at <= now`). An anonymous
/// ceremony (`account_id` none) is refused with [`StoreError::LimitReached`], and nothing is
/// written, when `max_live` anonymous ceremonies of its purpose are already live; a signed-in
/// account's ceremony is not counted against the cap.
///
/// Run it in a write transaction. On SQLite writes are serialised, so the cap is exact; on
/// PostgreSQL concurrent starts may overshoot it by at most the number of concurrent writers.
pub async fn insert_bounded(conn: &mut Conn, id_hash: &str, ceremony: &CeremonyRow, now: i64, max_live: i64) -> Result<(), StoreError> {
    delete_expired(&mut *conn, now).await?;
    if ceremony.account_id.is_none() {
        let live: i64 =
            sqlx::query_scalar("select count(*) from webauthn_ceremony where purpose = $1 and account_id is null and expires_at > $2")
                .bind(&ceremony.purpose)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?;
        if live >= max_live {
            return Err(StoreError::LimitReached("live anonymous webauthn ceremonies"));
        }
    }
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
    let deleted = sqlx::query("delete from webauthn_ceremony where ceremony_id_hash = $1").bind(id_hash).execute(&mut *conn).await?;
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

/// Deletes every ceremony that expired (`expires_at <= now`); returns how many.
pub async fn delete_expired(conn: &mut Conn, now: i64) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from webauthn_ceremony where expires_at <= $1").bind(now).execute(conn).await?;
    Ok(result.rows_affected())
}
