//! Bearer tokens for the FHIR API: a signed-in person gives an API client (a citizen's app, a
//! clinic's system) read access on their behalf, limited to chosen categories and a lifetime.
//!
//! Guarantees: the token is shown once and stored as SHA-256; it is accepted only on `/fhir`
//! (never for the portal's pages or functions, so it cannot change anything); it reads as its owner
//! would, narrowed to its categories ([`Session::scopes`]); a revoked, expired or unknown token, or
//! one whose owner is suspended, is `Unauthenticated`; creating and revoking are audited.

use app::dto::ApiTokenInfo;
use app::error::InvalidInput;
use app::port::RequestMeta;

use super::{actor_of, Portal, Session, TOUCH_INTERVAL_MS};
use crate::audit::{self, AuditEvent};
use crate::auth::session::{hash_token, new_token};
use crate::error::ServiceError;
use crate::policy::Category;
use crate::service::consent::iso;
use crate::store::api_token::ApiTokenRow;
use crate::store::{self, StoreError};

/// The longest a token may live.
pub const MAX_TOKEN_DAYS: u32 = 90;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Prefix of every token, so a leaked one is recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "hoso_pat_";

fn parse_scopes(text: &str) -> Vec<Category> {
    text.split(',').filter_map(Category::parse).collect()
}

fn info(row: ApiTokenRow, now: i64) -> ApiTokenInfo {
    let state = match (row.revoked_at, row.expires_at <= now) {
        (Some(_), _) => "revoked",
        (None, true) => "expired",
        (None, false) => "active",
    };
    ApiTokenInfo {
        token_id: row.api_token_id,
        name: row.name,
        categories: parse_scopes(&row.scopes)
            .into_iter()
            .filter(|c| *c != Category::Administrative)
            .map(|c| c.as_str().to_string())
            .collect(),
        created_at: iso(row.created_at),
        expires_at: iso(row.expires_at),
        last_used_at: row.last_used_at.map(iso),
        state: state.into(),
    }
}

impl Portal {
    /// The person behind a bearer token, narrowed to the token's categories.
    pub(super) async fn token_session(&self, meta: &RequestMeta, token: &str) -> Result<Session, ServiceError> {
        let now = meta.now_ms;
        let token_hash = hash_token(token);
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let row = store::api_token::by_hash(&mut conn, &token_hash).await?.ok_or(ServiceError::Unauthenticated)?;
        if row.revoked_at.is_some() || row.expires_at <= now {
            return Err(ServiceError::Unauthenticated);
        }
        let principal = store::account::principal(&mut conn, &row.account_id).await?.ok_or(ServiceError::Unauthenticated)?;
        drop(conn);
        if row.last_used_at.is_none_or(|at| now - at >= TOUCH_INTERVAL_MS) {
            let mut tx = self.store.begin().await?;
            store::api_token::touch(&mut tx, &row.api_token_id, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(Session {
            actor: actor_of(&principal),
            principal,
            token_hash: format!("api:{token_hash}"),
            reauth_at: None,
            scopes: Some(parse_scopes(&row.scopes)),
        })
    }

    async fn browser_session(&self, meta: &RequestMeta) -> Result<Session, ServiceError> {
        match self.session(meta).await? {
            Some(session) if session.scopes.is_none() => Ok(session),
            _ => Err(ServiceError::Unauthenticated),
        }
    }

    pub async fn api_tokens(&self, meta: &RequestMeta) -> Result<Vec<ApiTokenInfo>, ServiceError> {
        let session = self.browser_session(meta).await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let rows = store::api_token::of_account(&mut conn, &session.principal.account.account_id).await?;
        Ok(rows.into_iter().map(|row| info(row, meta.now_ms)).collect())
    }

    /// Creates a token and returns it (shown once). Categories are the shareable ones; the
    /// administrative part (name, birth date, identifiers) comes with any token, as with grants.
    pub async fn create_api_token(&self, meta: &RequestMeta, name: &str, categories: &[String], days: u32) -> Result<String, ServiceError> {
        let session = self.browser_session(meta).await?;
        let name = name.trim();
        if name.chars().count() < 2 {
            return Err(ServiceError::Invalid(InvalidInput::TextTooShort));
        }
        if name.chars().count() > 100 {
            return Err(ServiceError::Invalid(InvalidInput::TextTooLong));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(ServiceError::Invalid(InvalidInput::ExpiryTooFar));
        }
        let mut scopes = vec![Category::Administrative];
        for code in categories {
            let category = Category::parse(code)
                // Billing and the access history are the citizen's own (no grant covers them), so
                // only their tokens can use them, and only when chosen.
                .filter(|category| {
                    Category::SHAREABLE.contains(category) || matches!(category, Category::Billing | Category::AccessHistory)
                })
                .ok_or(ServiceError::Invalid(InvalidInput::UnknownCategory))?;
            if !scopes.contains(&category) {
                scopes.push(category);
            }
        }
        if scopes.len() == 1 {
            return Err(ServiceError::Invalid(InvalidInput::NoCategories));
        }
        let token = format!("{TOKEN_PREFIX}{}", new_token());
        let now = meta.now_ms;
        let row = ApiTokenRow {
            api_token_id: store::new_id(),
            account_id: session.principal.account.account_id.clone(),
            name: name.to_string(),
            scopes: scopes.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","),
            created_at: now,
            expires_at: now + i64::from(days) * DAY_MS,
            revoked_at: None,
            last_used_at: None,
        };
        let mut tx = self.store.begin().await?;
        store::api_token::insert(&mut tx, &hash_token(&token), &row).await?;
        let account = &session.principal.account;
        audit::record(
            &mut tx,
            AuditEvent::ApiTokenCreated { account_id: &account.account_id, role: &account.role, token_id: &row.api_token_id },
            &meta.request_id,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(token)
    }

    pub async fn revoke_api_token(&self, meta: &RequestMeta, token_id: &str) -> Result<(), ServiceError> {
        let session = self.browser_session(meta).await?;
        let account = &session.principal.account;
        let mut tx = self.store.begin().await?;
        if !store::api_token::revoke(&mut tx, &account.account_id, token_id, meta.now_ms).await? {
            return Err(ServiceError::Invalid(InvalidInput::UnknownTarget));
        }
        audit::record(
            &mut tx,
            AuditEvent::ApiTokenRevoked { account_id: &account.account_id, role: &account.role, token_id },
            &meta.request_id,
            meta.now_ms,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
