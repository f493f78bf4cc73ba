//! The server-side port: the use cases the UI may ask for, as a trait the `server` crate implements.
//! Server functions hold no rules and no SQL; they translate a request into one call here.

use std::sync::Arc;

use crate::dto::{Me, Overview, PasskeyInfo, Vaccinations, VisitDetail, Visits};
use crate::error::AppError;

/// What the server's middleware learned about the request before any handler ran.
/// The clock is read once per request, here.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    /// The raw session cookie value, if any. Never logged.
    pub session_token: Option<SessionToken>,
    pub request_id: String,
    /// Unix time in milliseconds.
    pub now_ms: i64,
}

/// A session token; its `Debug` never prints the value.
#[derive(Clone)]
pub struct SessionToken(pub String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

/// The per-request CSP nonce chosen by the server's middleware.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

#[async_trait::async_trait]
pub trait PortalPort: Send + Sync + 'static {
    /// The signed-in person, `None` without a session cookie; an invalid cookie is `Unauthenticated`.
    async fn me(&self, request: &RequestMeta) -> Result<Option<Me>, AppError>;
    /// `patient_id = None` means the caller's own record.
    async fn overview(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Overview, AppError>;
    async fn vaccinations(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Vaccinations, AppError>;
    async fn visits(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Visits, AppError>;
    async fn visit_detail(&self, request: &RequestMeta, visit_id: String) -> Result<VisitDetail, AppError>;
    async fn passkeys(&self, request: &RequestMeta) -> Result<Vec<PasskeyInfo>, AppError>;
}

/// The handle placed in the Leptos context by the server.
#[derive(Clone)]
pub struct Port(pub Arc<dyn PortalPort>);
