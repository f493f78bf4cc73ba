//! Federated sign-in with OpenID Connect: clinicians through their facility's identity provider,
//! and citizens' identity proofing through a national identity provider (the role VNeID plays).
//!
//! Built on the `openidconnect` crate, which is the `oauth2` crate's authorization-code flow
//! (PKCE, state, token exchange) plus what OAuth2 alone lacks and must not be hand-rolled: provider
//! discovery, the JWKS, and ID-token validation (signature, issuer, audience, expiry, nonce).
//!
//! Guarantees:
//! - `state`, the PKCE verifier and the nonce live only on the server ([`store::federation`]),
//!   bound to the browser that started the sign-in (a cookie's hash), for ten minutes, and are
//!   taken exactly once: a replayed or tampered callback finds nothing.
//! - A provider's subject reaches an account only through a link an administrator made
//!   ([`store::federation::LinkRow`]); an unknown subject is refused and nothing is created.
//! - Identity proofing binds only a record that carries the verified identity number and that no
//!   one has enrolled; it then issues a ten-minute single-use enrolment code for the passkey step.
//! - Every refusal is audited (`oidc_sign_in` or `identity_proof`, outcome `denied`, a reason code).
//! - The HTTP client follows no redirects (the provider's endpoints come from its discovery
//!   document; a redirect would let a provider point the server anywhere) and gives up after 10 s.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use app::port::RequestMeta;
use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RequestTokenError, Scope, TokenResponse,
};

use super::passkeys::IssuedSession;
use super::session::{hash_token, new_token};
use crate::audit::{self, AuditEvent};
use crate::config::{Config, NationalIdp};
use crate::seed::{issue_enrolment_code_by, Enrols};
use crate::service::Portal;
use crate::store::federation::{LoginRow, ProviderRow};
use crate::store::{self, StoreError};

/// A sign-in at a provider must come back within this long.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// The enrolment code identity proofing issues is valid this long (the passkey step follows at once).
pub const PROOF_CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Discovery documents (endpoints and signing keys) are reused this long.
const DISCOVERY_TTL_MS: i64 = 5 * 60 * 1000;
/// The cookie binding a sign-in in flight to the browser that started it.
pub const BROWSER_COOKIE: &str = "__Host-hoso_oidc";
/// The cookie carrying the proofed citizen's enrolment code to the passkey step (never readable by scripts).
pub const PROOF_COOKIE: &str = "hoso_proof";
/// Where providers send people back.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// Which provider a sign-in starts at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provider {
    /// A facility's own provider: a clinician of that facility signs in.
    Facility(String),
    /// The national identity provider: a citizen proves who they are to enrol.
    National,
}

/// Why a federated sign-in was refused. Each is audited with its [`Refusal::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The callback carried no `state`.
    MissingState,
    /// No sign-in in flight has this `state`: tampered, forged, or already used (a replay).
    UnknownState,
    ExpiredState,
    /// The callback arrived in another browser than the one that started the sign-in.
    BrowserMismatch,
    /// The provider answered with an error (the person cancelled, or was not allowed).
    ProviderError,
    MissingCode,
    UnknownProvider,
    ProviderUnavailable,
    /// The provider refused the authorization code (already used, wrong PKCE verifier, expired).
    CodeRejected,
    NoIdToken,
    WrongIssuer,
    WrongAudience,
    ExpiredIdToken,
    WrongNonce,
    BadSignature,
    InvalidIdToken,
    /// The provider's subject is not linked to any clinician of this facility.
    UnknownSubject,
    AccountSuspended,
    /// The national provider sent no (valid) personal identification number.
    ClaimMissing,
    NoMatchingRecord,
    AlreadyEnrolled,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::MissingState => "missing_state",
            Refusal::UnknownState => "unknown_state",
            Refusal::ExpiredState => "expired_state",
            Refusal::BrowserMismatch => "browser_mismatch",
            Refusal::ProviderError => "provider_error",
            Refusal::MissingCode => "missing_code",
            Refusal::UnknownProvider => "unknown_provider",
            Refusal::ProviderUnavailable => "provider_unavailable",
            Refusal::CodeRejected => "code_rejected",
            Refusal::NoIdToken => "no_id_token",
            Refusal::WrongIssuer => "wrong_issuer",
            Refusal::WrongAudience => "wrong_audience",
            Refusal::ExpiredIdToken => "expired_id_token",
            Refusal::WrongNonce => "wrong_nonce",
            Refusal::BadSignature => "bad_signature",
            Refusal::InvalidIdToken => "invalid_id_token",
            Refusal::UnknownSubject => "unknown_subject",
            Refusal::AccountSuspended => "account_suspended",
            Refusal::ClaimMissing => "claim_missing",
            Refusal::NoMatchingRecord => "no_matching_record",
            Refusal::AlreadyEnrolled => "already_enrolled",
        }
    }

    /// The HTTP status of the page that explains the refusal.
    pub fn status(self) -> u16 {
        match self {
            Refusal::MissingState
            | Refusal::UnknownState
            | Refusal::ExpiredState
            | Refusal::BrowserMismatch
            | Refusal::ProviderError
            | Refusal::MissingCode
            | Refusal::ClaimMissing => 400,
            Refusal::UnknownProvider => 404,
            Refusal::ProviderUnavailable => 502,
            Refusal::CodeRejected
            | Refusal::NoIdToken
            | Refusal::WrongIssuer
            | Refusal::WrongAudience
            | Refusal::ExpiredIdToken
            | Refusal::WrongNonce
            | Refusal::BadSignature
            | Refusal::InvalidIdToken => 401,
            Refusal::UnknownSubject | Refusal::AccountSuspended | Refusal::NoMatchingRecord | Refusal::AlreadyEnrolled => 403,
        }
    }
}

/// A refusal with what the person needs to act on it.
#[derive(Debug)]
pub struct Refused {
    pub refusal: Refusal,
    /// For [`Refusal::UnknownSubject`]: the provider's identifier to give an administrator.
    pub subject: Option<String>,
    /// For [`Refusal::AlreadyEnrolled`]: the record someone tried to enrol again, for the audit
    /// row (so its owner reads the attempt in their log); never shown to the person refused.
    pub patient_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("refused: {}", .0.refusal.code())]
    Refused(Refused),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
}

impl From<Refusal> for FederationError {
    fn from(refusal: Refusal) -> Self {
        FederationError::Refused(Refused { refusal, subject: None, patient_id: None })
    }
}

/// Where a sign-in at a provider goes next.
#[derive(Debug)]
pub struct Started {
    pub authorize_url: String,
    /// The browser-binding cookie's value (a new one, or the one the browser already had).
    pub browser_token: String,
}

/// A successful callback.
#[derive(Debug)]
pub enum Completed {
    /// A clinician is signed in.
    SignedIn(IssuedSession),
    /// A citizen proved who they are; the code (for [`PROOF_COOKIE`]) enrols their passkey next.
    Proofed { enrolment_code: String },
}

/// The provider-facing half: the HTTP client and cached discovery documents.
pub struct Federation {
    http: reqwest::Client,
    discovered: Mutex<HashMap<String, (i64, CoreProviderMetadata)>>,
    national: Option<NationalIdp>,
    redirect_url: String,
}

impl Federation {
    pub fn new(config: &Config) -> anyhow::Result<Federation> {
        // Built once; a failure stops the server rather than fall back to a client that follows redirects.
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(10)).build()?;
        let redirect_url = format!("{}{CALLBACK_PATH}", config.public_url.as_str().trim_end_matches('/'));
        Ok(Federation { http, discovered: Mutex::new(HashMap::new()), national: config.national_idp.clone(), redirect_url })
    }

    /// The national identity provider's display name, if the deployment configured one.
    pub fn national_name(&self) -> Option<&str> {
        self.national.as_ref().map(|national| national.name.as_str())
    }

    /// The redirect URI to register at every provider.
    pub fn redirect_url(&self) -> &str {
        &self.redirect_url
    }

    /// Whether the issuer answers discovery (checked before an administrator saves a provider).
    pub async fn reachable(&self, issuer: &str, now: i64) -> bool {
        self.metadata(issuer, now).await.is_ok()
    }

    async fn metadata(&self, issuer: &str, now: i64) -> Result<CoreProviderMetadata, Refusal> {
        if let Ok(cache) = self.discovered.lock() {
            if let Some((at, metadata)) = cache.get(issuer) {
                if now - at < DISCOVERY_TTL_MS {
                    return Ok(metadata.clone());
                }
            }
        }
        let issuer_url = IssuerUrl::new(issuer.to_string()).map_err(|_| Refusal::UnknownProvider)?;
        let metadata = CoreProviderMetadata::discover_async(issuer_url, &self.http).await.map_err(|error| {
            tracing::warn!(%issuer, error = %error, "identity provider discovery failed");
            Refusal::ProviderUnavailable
        })?;
        if let Ok(mut cache) = self.discovered.lock() {
            cache.insert(issuer.to_string(), (now, metadata.clone()));
        }
        Ok(metadata)
    }
}

/// What one provider is, wherever it was configured.
struct ProviderConfig {
    issuer: String,
    client_id: String,
    client_secret: String,
    facility_id: Option<String>,
}

impl From<ProviderRow> for ProviderConfig {
    fn from(row: ProviderRow) -> Self {
        ProviderConfig {
            issuer: row.issuer,
            client_id: row.client_id,
            client_secret: row.client_secret,
            facility_id: Some(row.facility_id),
        }
    }
}

/// An issuer URL the portal accepts: https, or http on a loopback host (development and tests).
pub fn acceptable_issuer(issuer: &str) -> bool {
    let Ok(url) = url::Url::parse(issuer) else { return false };
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && (url.scheme() == "https" || (url.scheme() == "http" && loopback))
}

/// A claim of the ID token's payload, read after the token's signature and claims were verified.
fn payload_claim(id_token: &str, name: &str) -> Option<String> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    match value.get(name)? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn claims_refusal(error: &ClaimsVerificationError) -> Refusal {
    match error {
        ClaimsVerificationError::Expired(_) => Refusal::ExpiredIdToken,
        ClaimsVerificationError::InvalidAudience(_) => Refusal::WrongAudience,
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::WrongIssuer,
        ClaimsVerificationError::InvalidNonce(_) => Refusal::WrongNonce,
        ClaimsVerificationError::SignatureVerification(_) => Refusal::BadSignature,
        _ => Refusal::InvalidIdToken,
    }
}

impl Portal {
    async fn provider_config(&self, provider: &Provider) -> Result<ProviderConfig, FederationError> {
        match provider {
            Provider::National => {
                let national = self.federation.national.as_ref().ok_or(Refusal::UnknownProvider)?;
                Ok(ProviderConfig {
                    issuer: national.issuer.clone(),
                    client_id: national.client_id.clone(),
                    client_secret: national.client_secret.clone(),
                    facility_id: None,
                })
            }
            Provider::Facility(facility_id) => {
                let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
                let row = store::federation::provider(&mut conn, facility_id).await?.ok_or(Refusal::UnknownProvider)?;
                Ok(row.into())
            }
        }
    }

    fn oidc_client(
        &self,
        provider: &ProviderConfig,
        metadata: CoreProviderMetadata,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Refusal,
    > {
        let redirect = RedirectUrl::new(self.federation.redirect_url.clone()).map_err(|_| Refusal::UnknownProvider)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in at a provider: stores state, PKCE verifier and nonce, and answers where to
    /// send the browser, with a new browser-binding token (never one the browser brought, so no one
    /// can plant a binding they also hold).
    pub async fn federation_start(&self, meta: &RequestMeta, provider: Provider) -> Result<Started, FederationError> {
        let now = meta.now_ms;
        let config = self.provider_config(&provider).await?;
        let metadata = self.federation.metadata(&config.issuer, now).await?;
        let client = self.oidc_client(&config, metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        if matches!(provider, Provider::Facility(_)) {
            request = request.add_scope(Scope::new("profile".into()));
        }
        let (url, state, nonce) = request.url();
        let browser_token = new_token();
        let login = LoginRow {
            browser_hash: hash_token(&browser_token),
            purpose: match provider {
                Provider::Facility(_) => "clinician".into(),
                Provider::National => "citizen".into(),
            },
            facility_id: config.facility_id,
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
            expires_at: now + LOGIN_TTL_MS,
        };
        let mut tx = self.store.begin().await?;
        store::federation::delete_expired_logins(&mut tx, now).await?;
        store::federation::insert_login(&mut tx, &hash_token(state.secret()), &login, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Started { authorize_url: url.to_string(), browser_token })
    }

    /// The provider sent the browser back. Takes the sign-in in flight (once), exchanges the code
    /// with the PKCE verifier, validates the ID token, and either signs a linked clinician in or
    /// proofs a citizen's identity. Every refusal is audited and creates nothing.
    pub async fn federation_callback(
        &self,
        meta: &RequestMeta,
        query: &CallbackQuery,
        browser_token: Option<&str>,
    ) -> Result<Completed, FederationError> {
        let mut purpose = "clinician".to_string();
        let mut facility_id = None;
        let outcome = self.callback_inner(meta, query, browser_token, &mut purpose, &mut facility_id).await;
        if let Err(FederationError::Refused(refused)) = &outcome {
            tracing::info!(reason = refused.refusal.code(), "federated sign-in refused");
            let mut tx = self.store.begin().await?;
            audit::record(
                &mut tx,
                AuditEvent::FederationRefused {
                    action: if purpose == "citizen" { "identity_proof" } else { "oidc_sign_in" },
                    facility_id: facility_id.as_deref(),
                    patient_id: refused.patient_id.as_deref(),
                    reason: refused.refusal.code(),
                },
                &meta.request_id,
                meta.now_ms,
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        outcome
    }

    async fn callback_inner(
        &self,
        meta: &RequestMeta,
        query: &CallbackQuery,
        browser_token: Option<&str>,
        purpose: &mut String,
        facility_id: &mut Option<String>,
    ) -> Result<Completed, FederationError> {
        let now = meta.now_ms;
        let state = query.state.as_deref().filter(|state| !state.is_empty() && state.len() <= 512).ok_or(Refusal::MissingState)?;
        let mut tx = self.store.begin().await?;
        let login = store::federation::take_login(&mut tx, &hash_token(state)).await?;
        tx.commit().await.map_err(StoreError::from)?;
        let login = login.ok_or(Refusal::UnknownState)?;
        purpose.clone_from(&login.purpose);
        facility_id.clone_from(&login.facility_id);
        if login.expires_at <= now {
            return Err(Refusal::ExpiredState.into());
        }
        if browser_token.map(hash_token).as_deref() != Some(login.browser_hash.as_str()) {
            return Err(Refusal::BrowserMismatch.into());
        }
        if query.error.is_some() {
            return Err(Refusal::ProviderError.into());
        }
        let code = query.code.as_deref().filter(|code| !code.is_empty() && code.len() <= 2048).ok_or(Refusal::MissingCode)?;
        let provider = match &login.facility_id {
            Some(facility) if login.purpose == "clinician" => Provider::Facility(facility.clone()),
            None if login.purpose == "citizen" => Provider::National,
            _ => return Err(Refusal::UnknownProvider.into()),
        };
        let config = self.provider_config(&provider).await?;
        if query.iss.as_deref().is_some_and(|iss| iss.trim_end_matches('/') != config.issuer.trim_end_matches('/')) {
            return Err(Refusal::WrongIssuer.into());
        }
        let metadata = self.federation.metadata(&config.issuer, now).await?;
        let client = self.oidc_client(&config, metadata)?;
        let exchange = client.exchange_code(AuthorizationCode::new(code.to_string())).map_err(|_| Refusal::ProviderUnavailable)?;
        let response = exchange
            .set_pkce_verifier(PkceCodeVerifier::new(login.pkce_verifier.clone()))
            .request_async(&self.federation.http)
            .await
            .map_err(|error| match error {
                RequestTokenError::ServerResponse(response) => {
                    tracing::info!(error = %response.error(), "the provider refused the authorization code");
                    Refusal::CodeRejected
                }
                other => {
                    tracing::warn!(error = %other, "token request failed");
                    Refusal::ProviderUnavailable
                }
            })?;
        let id_token = response.id_token().ok_or(Refusal::NoIdToken)?;
        let verifier = client.id_token_verifier();
        let claims = id_token.claims(&verifier, &Nonce::new(login.nonce.clone())).map_err(|error| {
            tracing::info!(error = %error, "ID token rejected");
            claims_refusal(&error)
        })?;
        let subject = claims.subject().as_str().to_string();
        match provider {
            Provider::Facility(facility) => self.sign_in_linked(meta, &config.issuer, &facility, subject).await,
            Provider::National => {
                let claim = self.federation.national.as_ref().map(|national| national.id_claim.clone()).unwrap_or_default();
                let number = payload_claim(&id_token.to_string(), &claim).ok_or(Refusal::ClaimMissing)?;
                self.proof_identity(meta, &number).await
            }
        }
    }

    async fn sign_in_linked(
        &self,
        meta: &RequestMeta,
        issuer: &str,
        facility_id: &str,
        subject: String,
    ) -> Result<Completed, FederationError> {
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let unknown =
            || FederationError::Refused(Refused { refusal: Refusal::UnknownSubject, subject: Some(subject.clone()), patient_id: None });
        let Some(link) = store::federation::link_by_subject(&mut tx, issuer, &subject).await? else { return Err(unknown()) };
        // A held link (to an account that could already read, awaiting a second administrator) signs no one in.
        if link.facility_id != facility_id || link.approved_at.is_none() {
            return Err(unknown());
        }
        let principal = store::account::principal(&mut tx, &link.account_id).await?.ok_or_else(unknown)?;
        if principal.account.role != "clinician" || principal.facility_id.as_deref() != Some(facility_id) {
            return Err(unknown());
        }
        if principal.account.status != "active" {
            return Err(Refusal::AccountSuspended.into());
        }
        let session = self.create_session(&mut tx, &link.account_id, &principal.account.role, now).await.map_err(|error| match error {
            super::AuthError::Store(error) => FederationError::Store(error),
            _ => FederationError::from(Refusal::InvalidIdToken),
        })?;
        audit::record(
            &mut tx,
            AuditEvent::FederatedSignIn { account_id: &link.account_id, role: &principal.account.role, facility_id },
            &meta.request_id,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Completed::SignedIn(session))
    }

    /// Binds a verified identity number to the one record that carries it and no one enrolled.
    async fn proof_identity(&self, meta: &RequestMeta, number: &str) -> Result<Completed, FederationError> {
        let now = meta.now_ms;
        let cccd = crate::cccd::parse(number).map_err(|_| Refusal::ClaimMissing)?;
        let mut tx = self.store.begin().await?;
        let patient = store::patient::by_cccd(&mut tx, &cccd).await?.ok_or(Refusal::NoMatchingRecord)?;
        if patient.account_id.is_some() {
            return Err(FederationError::Refused(Refused {
                refusal: Refusal::AlreadyEnrolled,
                subject: None,
                patient_id: Some(patient.patient_id),
            }));
        }
        let code =
            issue_enrolment_code_by(&mut tx, Enrols::Patient(patient.patient_id.clone()), &cccd, now, PROOF_CODE_TTL_MS, None).await?;
        store::enrolment::mark_proofing(&mut tx, &crate::auth::passkeys::hash_code(&code)).await?;
        audit::record(&mut tx, AuditEvent::IdentityProofed { patient_id: &patient.patient_id }, &meta.request_id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Completed::Proofed { enrolment_code: code })
    }
}

/// The query a provider sends the browser back with.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// RFC 9207: the issuer that sent the browser back, when the provider says (mix-up defence).
    pub iss: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_except_on_loopback() {
        assert!(acceptable_issuer("https://id.bvcr.vn"));
        assert!(acceptable_issuer("https://id.bvcr.vn/realms/staff"));
        assert!(acceptable_issuer("http://127.0.0.1:3200"));
        assert!(acceptable_issuer("http://localhost:8080/oidc"));
        assert!(!acceptable_issuer("http://id.bvcr.vn"));
        assert!(!acceptable_issuer("ftp://id.bvcr.vn"));
        assert!(!acceptable_issuer("https://user@id.bvcr.vn"));
        assert!(!acceptable_issuer("https://id.bvcr.vn/?x=1"));
        assert!(!acceptable_issuer("not a url"));
    }

    #[test]
    fn payload_claims_are_read_as_text() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"a","pid":"079123456789","n":42}"#);
        let token = format!("e30.{payload}.c2ln");
        assert_eq!(payload_claim(&token, "pid").as_deref(), Some("079123456789"));
        assert_eq!(payload_claim(&token, "n").as_deref(), Some("42"));
        assert_eq!(payload_claim(&token, "missing"), None);
        assert_eq!(payload_claim("garbage", "pid"), None);
    }

    #[test]
    fn refusals_have_distinct_codes_and_client_error_statuses() {
        let all = [
            Refusal::MissingState,
            Refusal::UnknownState,
            Refusal::ExpiredState,
            Refusal::BrowserMismatch,
            Refusal::ProviderError,
            Refusal::MissingCode,
            Refusal::UnknownProvider,
            Refusal::ProviderUnavailable,
            Refusal::CodeRejected,
            Refusal::NoIdToken,
            Refusal::WrongIssuer,
            Refusal::WrongAudience,
            Refusal::ExpiredIdToken,
            Refusal::WrongNonce,
            Refusal::BadSignature,
            Refusal::InvalidIdToken,
            Refusal::UnknownSubject,
            Refusal::AccountSuspended,
            Refusal::ClaimMissing,
            Refusal::NoMatchingRecord,
            Refusal::AlreadyEnrolled,
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(|refusal| refusal.code()).collect();
        assert_eq!(codes.len(), all.len());
        for refusal in all {
            let status = refusal.status();
            assert!((400..500).contains(&status) || refusal == Refusal::ProviderUnavailable, "{refusal:?} → {status}");
        }
    }
}
