//! Facility systems: machine credentials (OAuth2 client credentials, RFC 6749 §4.4) issued by an
//! administrator, short-lived access tokens, and the import of FHIR Bundles with them. A person's
//! session or token never imports: records come from a facility, and say so in their Provenance.

use app::port::RequestMeta;

use super::Portal;
use crate::auth::session::{hash_token, new_token};
use crate::import::{ImportError, ImportSummary};
use crate::store::import::{FacilityClientRow, ImportCaller};
use crate::store::{self, StoreError};
use crate::transfers::Handle;

/// How long an access token from the token endpoint lives.
pub const TOKEN_SECONDS: i64 = 15 * 60;

/// Why an import request is not let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportRefusal {
    /// No credentials at all (401).
    NoCredentials,
    /// A bearer token that is unknown, expired or of a revoked client (401).
    BadToken,
    /// A person's session or token: imports are for facility systems only (403).
    NotAFacility,
}

/// New machine credentials: the client id and the secret (shown once).
#[derive(Clone, Debug)]
pub struct IssuedClient {
    pub client_id: String,
    pub client_secret: String,
}

/// Issues machine credentials to a facility, in its own transaction (the caller has checked who
/// may). `None` if there is no such facility.
pub async fn issue_client(
    store: &store::Store,
    facility_id: &str,
    name: &str,
    created_by: Option<&str>,
    now: i64,
) -> Result<Option<IssuedClient>, StoreError> {
    let mut tx = store.begin().await?;
    let issued = issue_client_in(&mut tx, facility_id, name, created_by, now).await?;
    tx.commit().await?;
    Ok(issued)
}

/// [`issue_client`] in the caller's transaction (the console audits it in the same one).
pub async fn issue_client_in(
    conn: &mut store::Conn,
    facility_id: &str,
    name: &str,
    created_by: Option<&str>,
    now: i64,
) -> Result<Option<IssuedClient>, StoreError> {
    if store::admin::facility(conn, facility_id, now).await?.is_none() {
        return Ok(None);
    }
    let issued = IssuedClient { client_id: format!("fc-{}", store::new_id()), client_secret: new_token() };
    let row = FacilityClientRow {
        facility_client_id: issued.client_id.clone(),
        facility_id: facility_id.to_string(),
        name: name.trim().chars().take(200).collect(),
        created_at: now,
        revoked_at: None,
        last_used_at: None,
    };
    store::import::insert_client(conn, &row, &hash_token(&issued.client_secret), created_by).await?;
    Ok(Some(issued))
}

impl Portal {
    /// The token endpoint's work: an access token for valid client credentials.
    pub async fn client_credentials_token(&self, client_id: &str, client_secret: &str, now: i64) -> Result<Option<String>, StoreError> {
        let mut tx = self.store.begin().await?;
        let Some(caller) = store::import::authenticate_client(&mut tx, client_id, &hash_token(client_secret)).await? else {
            return Ok(None);
        };
        let token = new_token();
        store::import::insert_token(&mut tx, &hash_token(&token), &caller.facility_client_id, now, now + TOKEN_SECONDS * 1000).await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Who is importing: a live facility token, and nothing a person holds.
    pub async fn import_caller(&self, meta: &RequestMeta) -> Result<ImportCaller, ImportRefusal> {
        let Some(token) = &meta.bearer_token else {
            return Err(if meta.session_token.is_some() { ImportRefusal::NotAFacility } else { ImportRefusal::NoCredentials });
        };
        let mut conn = self.store.reader().acquire().await.map_err(|_| ImportRefusal::BadToken)?;
        let hash = hash_token(&token.0);
        if let Ok(Some(caller)) = store::import::caller_by_token(&mut conn, &hash, meta.now_ms).await {
            return Ok(caller);
        }
        if store::api_token::by_hash(&mut conn, &hash).await.ok().flatten().is_some() {
            return Err(ImportRefusal::NotAFacility);
        }
        Err(ImportRefusal::BadToken)
    }

    /// Imports a spooled bundle (see [`crate::import`]), reporting to the console's transfer list.
    pub async fn import_bundle(
        &self,
        meta: &RequestMeta,
        caller: &ImportCaller,
        spooled: &std::path::Path,
        sha256: String,
        progress: &Handle,
    ) -> Result<ImportSummary, ImportError> {
        crate::import::import(&self.store, caller, spooled, sha256, &meta.request_id, meta.now_ms, progress).await
    }
}
