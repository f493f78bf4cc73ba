//! Bearer tokens for the FHIR API (stored as SHA-256 only).

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub api_token_id: String,
    pub account_id: String,
    pub name: String,
    /// Category codes, comma-separated.
    pub scopes: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

const COLUMNS: &str = "api_token_id, account_id, name, scopes, created_at, expires_at, revoked_at, last_used_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ApiTokenRow, StoreError> {
    Ok(ApiTokenRow {
        api_token_id: row.try_get("api_token_id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        scopes: row.try_get("scopes")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

pub async fn insert(conn: &mut Conn, token_hash: &str, token: &ApiTokenRow) -> Result<(), StoreError> {
    sqlx::query(&format!("insert into api_token (token_hash, {COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(token_hash)
        .bind(&token.api_token_id)
        .bind(&token.account_id)
        .bind(&token.name)
        .bind(&token.scopes)
        .bind(token.created_at)
        .bind(token.expires_at)
        .bind(token.revoked_at)
        .bind(token.last_used_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn by_hash(conn: &mut Conn, token_hash: &str) -> Result<Option<ApiTokenRow>, StoreError> {
    let row = sqlx::query(&format!("select {COLUMNS} from api_token where token_hash = $1")).bind(token_hash).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// An account's tokens, newest first.
pub async fn of_account(conn: &mut Conn, account_id: &str) -> Result<Vec<ApiTokenRow>, StoreError> {
    let rows = sqlx::query(&format!("select {COLUMNS} from api_token where account_id = $1 order by created_at desc, api_token_id"))
        .bind(account_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Revokes one of the account's tokens; false if it has no such live token.
pub async fn revoke(conn: &mut Conn, account_id: &str, api_token_id: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query("update api_token set revoked_at = $1 where api_token_id = $2 and account_id = $3 and revoked_at is null")
        .bind(now)
        .bind(api_token_id)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The ids of the account's tokens that still work at `now` (not revoked, not expired).
pub async fn live_ids(conn: &mut Conn, account_id: &str, now: i64) -> Result<Vec<String>, StoreError> {
    let ids = sqlx::query_scalar::<_, String>(
        "select api_token_id from api_token where account_id = $1 and revoked_at is null and expires_at > $2 order by api_token_id",
    )
    .bind(account_id)
    .bind(now)
    .fetch_all(conn)
    .await?;
    Ok(ids)
}

pub async fn touch(conn: &mut Conn, api_token_id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("update api_token set last_used_at = $1 where api_token_id = $2").bind(now).bind(api_token_id).execute(conn).await?;
    Ok(())
}
