//! The server-side port: the use cases the UI may ask for, as a trait the `server` crate implements.
//! Server functions hold no rules and no SQL; they translate a request into one call here.

use std::sync::Arc;

use crate::dto::{
    AccessLog, AccessLogQuery, CardCheck, CardPage, ClinicianView, DirectoryEntry, Me, Overview, PasskeyInfo, PatientMatch, Sharing,
    Vaccinations, VisitDetail, Visits,
};
use crate::error::AppError;

/// What the server's middleware learned about the request before any handler ran.
/// The clock is read once per request, here.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    /// The raw session cookie value, if any. Never logged.
    pub session_token: Option<SessionToken>,
    /// An `Authorization: Bearer` token, read only on the FHIR API (`/fhir…`), where it replaces
    /// the cookie. Never logged.
    pub bearer_token: Option<SessionToken>,
    pub request_id: String,
    /// Unix time in milliseconds.
    pub now_ms: i64,
    /// The reader's time zone (the `hoso_tz` cookie; Asia/Ho_Chi_Minh without one): what "today"
    /// and a local day (a grant's dates, a search's date range) mean for this request.
    pub zone: crate::zone::Zone,
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
    /// The sharing page of the caller's record, or of `patient_id`'s when the caller manages it
    /// for them (a guardian, a helper with sharing).
    async fn sharing(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Sharing, AppError>;
    async fn directory(&self, request: &RequestMeta, term: String) -> Result<Vec<DirectoryEntry>, AppError>;
    async fn create_grant(&self, request: &RequestMeta, grant: NewGrantForm) -> Result<String, AppError>;
    async fn revoke_grant(&self, request: &RequestMeta, grant_id: String, patient_id: Option<String>) -> Result<(), AppError>;
    async fn access_log(&self, request: &RequestMeta, query: AccessLogQuery) -> Result<AccessLog, AppError>;

    // Families (guardians of children, helpers of adults)
    /// The links where the caller is the guardian, and those on their own record.
    async fn family(&self, request: &RequestMeta) -> Result<crate::dto::Family, AppError>;
    /// Ends a link: the young person from 16, or an administrator (with a reason).
    async fn end_guardianship(&self, request: &RequestMeta, guardianship_id: String, reason: String) -> Result<(), AppError>;
    /// Links a guardian (by CCCD) to a child (by CCCD) on a basis, naming the papers. Returns its id.
    async fn admin_link_guardian(
        &self,
        request: &RequestMeta,
        guardian_cccd: String,
        child_cccd: String,
        basis: String,
        document_ref: String,
    ) -> Result<String, AppError>;
    /// Nominates the enrolled person with this CCCD and date of birth as the caller's helper for
    /// `days` days, seeing `categories` (and managing sharing when `manage_sharing`). Returns the
    /// link's id.
    async fn nominate_helper(
        &self,
        request: &RequestMeta,
        helper_cccd: String,
        helper_birth_date: String,
        categories: Vec<String>,
        manage_sharing: bool,
        days: String,
    ) -> Result<String, AppError>;
    /// The nominee accepts a nomination.
    async fn accept_helper(&self, request: &RequestMeta, helper_id: String) -> Result<(), AppError>;
    /// The person or the helper ends a helper link at once.
    async fn end_helper(&self, request: &RequestMeta, helper_id: String) -> Result<(), AppError>;
    /// The most recent links, for the console.
    async fn admin_guardianships(&self, request: &RequestMeta) -> Result<Vec<crate::dto::FamilyLink>, AppError>;

    // Vaccination certificates
    /// The dose choices for a card; with a selection, the signed card. The caller's own record only.
    async fn health_card(&self, request: &RequestMeta, selection: Option<String>, patient_id: Option<String>)
        -> Result<CardPage, AppError>;
    /// Checks a `shc:/` code. Needs no session.
    async fn check_card(&self, request: &RequestMeta, code: String) -> Result<CardCheck, AppError>;

    // Administrators (every call refuses anyone else; destructive ones need a fresh passkey confirmation)
    async fn admin_home(&self, request: &RequestMeta) -> Result<crate::dto::AdminHome, AppError>;
    async fn admin_people(&self, request: &RequestMeta, term: String, role: String) -> Result<Vec<crate::dto::AdminPerson>, AppError>;
    async fn admin_person(&self, request: &RequestMeta, account_id: String) -> Result<crate::dto::AdminPersonDetail, AppError>;
    async fn admin_facilities(&self, request: &RequestMeta) -> Result<Vec<crate::dto::AdminFacility>, AppError>;
    async fn admin_facility(&self, request: &RequestMeta, facility_id: String) -> Result<crate::dto::AdminFacilityDetail, AppError>;
    async fn admin_create_facility(&self, request: &RequestMeta, name: String, province_code: String) -> Result<String, AppError>;
    async fn admin_create_clinician(
        &self,
        request: &RequestMeta,
        facility_id: String,
        full_name: String,
        cccd: String,
    ) -> Result<crate::dto::IssuedCode, AppError>;
    async fn admin_issue_code(
        &self,
        request: &RequestMeta,
        cccd: String,
        account_id: Option<String>,
    ) -> Result<crate::dto::IssuedCode, AppError>;
    async fn admin_open_codes(&self, request: &RequestMeta) -> Result<Vec<crate::dto::OpenCode>, AppError>;
    async fn admin_cancel_code(&self, request: &RequestMeta, code_id: String) -> Result<(), AppError>;
    /// Separation of duties: a second administrator approves a held code, or a held federated
    /// link, or confirms a staff account another administrator created.
    async fn admin_approve_code(&self, request: &RequestMeta, code_id: String) -> Result<(), AppError>;
    async fn admin_approve_link(&self, request: &RequestMeta, link_id: String) -> Result<(), AppError>;
    async fn admin_confirm_staff(&self, request: &RequestMeta, account_id: String) -> Result<(), AppError>;
    async fn admin_set_suspended(&self, request: &RequestMeta, account_id: String, suspend: bool, reason: String) -> Result<(), AppError>;
    async fn admin_end_sessions(&self, request: &RequestMeta, account_id: String, session_id: Option<String>) -> Result<u64, AppError>;
    async fn admin_revoke_grant(&self, request: &RequestMeta, grant_id: String, reason: String) -> Result<(), AppError>;
    async fn admin_revoke_held(
        &self,
        request: &RequestMeta,
        holder_kind: String,
        holder_id: String,
        reason: String,
    ) -> Result<u32, AppError>;
    async fn admin_reviews(&self, request: &RequestMeta) -> Result<crate::dto::ReviewQueue, AppError>;
    async fn admin_review(&self, request: &RequestMeta, break_glass_id: String, outcome: String, note: String) -> Result<(), AppError>;
    async fn admin_audit(&self, request: &RequestMeta, query: crate::dto::AuditQuery) -> Result<crate::dto::AuditPage, AppError>;
    async fn admin_set_provider(
        &self,
        request: &RequestMeta,
        facility_id: String,
        issuer: String,
        client_id: String,
        client_secret: String,
    ) -> Result<(), AppError>;
    async fn admin_remove_provider(&self, request: &RequestMeta, facility_id: String) -> Result<(), AppError>;
    async fn admin_link_subject(&self, request: &RequestMeta, account_id: String, subject: String) -> Result<(), AppError>;
    async fn admin_unlink(&self, request: &RequestMeta, link_id: String) -> Result<(), AppError>;
    /// Machine credentials for a facility's system (the secret shown once), and their revocation.
    async fn admin_issue_facility_client(
        &self,
        request: &RequestMeta,
        facility_id: String,
        name: String,
    ) -> Result<crate::dto::IssuedFacilityClient, AppError>;
    async fn admin_revoke_facility_client(&self, request: &RequestMeta, client_id: String) -> Result<(), AppError>;
    /// Exports and facility imports with their progress.
    async fn admin_transfers(&self, request: &RequestMeta) -> Result<crate::dto::Transfers, AppError>;
    /// Starts a complete export on the server; returns the transfer's id.
    async fn admin_start_export(&self, request: &RequestMeta) -> Result<String, AppError>;

    // Sign-in
    /// The facilities whose clinicians can sign in at their own identity provider, and the
    /// national identity provider if configured. Needs no session.
    async fn sign_in_options(&self, request: &RequestMeta) -> Result<crate::dto::SignInOptions, AppError>;

    // API access tokens (the FHIR API on the person's behalf)
    async fn api_tokens(&self, request: &RequestMeta) -> Result<Vec<crate::dto::ApiTokenInfo>, AppError>;
    async fn create_api_token(&self, request: &RequestMeta, name: String, categories: Vec<String>, days: u32) -> Result<String, AppError>;
    async fn revoke_api_token(&self, request: &RequestMeta, token_id: String) -> Result<(), AppError>;
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
    /// The record the grant is on when made for someone; `None`: the caller's own.
    pub patient_id: Option<String>,
    /// A guardian confirms that the child (7 or older) agrees.
    pub child_consents: bool,
}

/// The handle placed in the Leptos context by the server.
#[derive(Clone)]
pub struct Port(pub Arc<dyn PortalPort>);
