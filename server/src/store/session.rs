//! Server-side sessions. Only the SHA-256 of the token is stored.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub account_id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub absolute_expires_at: i64,
    /// When the person last proved it was them with a passkey in this session (sign-in counts).
    pub reauth_at: Option<i64>,
}

pub async fn insert(conn: &mut Conn, token_hash: &str, account_id: &str, now: i64, absolute_expires_at: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into session (session_id_hash, account_id, created_at, last_seen_at, absolute_expires_at, reauth_at) values ($1, $2, $3, $3, $4, $3)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(absolute_expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut Conn, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let row =
        sqlx::query("select account_id, created_at, last_seen_at, absolute_expires_at, reauth_at from session where session_id_hash = $1")
            .bind(token_hash)
            .fetch_optional(conn)
            .await?;
    row.map(|row| -> Result<SessionRow, StoreError> {
        Ok(SessionRow {
            account_id: row.try_get("account_id")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            absolute_expires_at: row.try_get("absolute_expires_at")?,
            reauth_at: row.try_get("reauth_at")?,
        })
    })
    .transpose()
}

pub async fn touch(conn: &mut Conn, token_hash: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("update session set last_seen_at = $1 where session_id_hash = $2").bind(now).bind(token_hash).execute(conn).await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("delete from session where session_id_hash = $1").bind(token_hash).execute(conn).await?;
    Ok(())
}

/// Removes sessions past their idle or absolute limit.
pub async fn delete_expired(conn: &mut Conn, now: i64, idle_ms: i64) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from session where absolute_expires_at <= $1 or last_seen_at <= $2")
        .bind(now)
        .bind(now - idle_ms)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}

/// One of an account's live sessions, as its owner sees it.
#[derive(Clone, Debug)]
pub struct AccountSession {
    pub token_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// An account's sessions, most recently used first.
pub async fn for_account(conn: &mut Conn, account_id: &str) -> Result<Vec<AccountSession>, StoreError> {
    let rows = sqlx::query(
        "select session_id_hash, created_at, last_seen_at from session where account_id = $1 order by last_seen_at desc, created_at desc",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(AccountSession {
                token_hash: row.try_get("session_id_hash")?,
                created_at: row.try_get("created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
            })
        })
        .collect()
}

/// Ends one session of this account; `false` if the account has no such session.
pub async fn delete_of_account(conn: &mut Conn, account_id: &str, token_hash: &str) -> Result<bool, StoreError> {
    let result = sqlx::query("delete from session where account_id = $1 and session_id_hash = $2")
        .bind(account_id)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() > 0)
}

/// Ends every session of this account but `keep`; returns how many ended.
pub async fn delete_others(conn: &mut Conn, account_id: &str, keep: &str) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from session where account_id = $1 and session_id_hash <> $2")
        .bind(account_id)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(result.rows_affected())
}

/// Records a passkey confirmation in this session (sudo mode for destructive actions).
pub async fn set_reauth(conn: &mut Conn, token_hash: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("update session set reauth_at = $1 where session_id_hash = $2").bind(now).bind(token_hash).execute(conn).await?;
    Ok(())
}

/// Ends every session of an account (suspension, or an administrator ending them all).
pub async fn delete_all_of_account(conn: &mut Conn, account_id: &str) -> Result<u64, StoreError> {
    let result = sqlx::query("delete from session where account_id = $1").bind(account_id).execute(conn).await?;
    Ok(result.rows_affected())
}
