//! The server-side port: the use cases the UI may ask for, as a trait the `server` crate implements.
//! Server functions hold no rules and no SQL; they translate a request into one call here.

use std::sync::Arc;

use crate::dto::{
    AccessLog, AccessLogQuery, CardCheck, CardPage, ClinicianView, DirectoryEntry, Me, Overview, PasskeyInfo, PatientMatch, Sharing, Vaccinations,
    VisitDetail, Visits,
};
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
    /// The caller's own sessions (browsers and devices where they are signed in).
    async fn my_sessions(&self, request: &RequestMeta) -> Result<Vec<crate::dto::SessionInfo>, AppError>;

    // Clinicians
    async fn find_patient(&self, request: &RequestMeta, identifier: String) -> Result<Option<PatientMatch>, AppError>;
    async fn clinician_view(&self, request: &RequestMeta, patient_id: String, purpose: String) -> Result<ClinicianView, AppError>;
    async fn declare_break_glass(&self, request: &RequestMeta, patient_id: String, reason: String) -> Result<(), AppError>;

    // Citizens: consent and the access log
    async fn sharing(&self, request: &RequestMeta) -> Result<Sharing, AppError>;
    async fn directory(&self, request: &RequestMeta, term: String) -> Result<Vec<DirectoryEntry>, AppError>;
    async fn create_grant(&self, request: &RequestMeta, grant: NewGrantForm) -> Result<String, AppError>;
    async fn revoke_grant(&self, request: &RequestMeta, grant_id: String) -> Result<(), AppError>;
    async fn access_log(&self, request: &RequestMeta, query: AccessLogQuery) -> Result<AccessLog, AppError>;

    // Vaccination certificates
    /// The dose choices for a card; with a selection, the signed card. The caller's own record only.
    async fn health_card(&self, request: &RequestMeta, selection: Option<String>) -> Result<CardPage, AppError>;
    /// Checks a `shc:/` code. Needs no session.
    async fn check_card(&self, request: &RequestMeta, code: String) -> Result<CardCheck, AppError>;
}

/// A new grant as the form submits it.
#[derive(Clone, Debug, Default)]
pub struct NewGrantForm {
    pub grantee: String,
    pub categories: Vec<String>,
    pub purpose: String,
    pub written_request: bool,
    pub starts_on: String,
    pub expires_on: String,
}

/// The handle placed in the Leptos context by the server.
#[derive(Clone)]
pub struct Port(pub Arc<dyn PortalPort>);
