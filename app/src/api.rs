//! Server functions: public HTTP endpoints under `/api`. Each one only translates:
//! it takes the request's metadata, calls one port method, and maps the error to a status.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto;
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod entry {
    use leptos::prelude::*;

    use crate::error::AppError;
    use crate::port::{Port, RequestMeta};

    /// The port and the request's metadata, or `Unavailable` if the server forgot to provide them.
    pub fn context() -> Result<(Port, RequestMeta), AppError> {
        let port = use_context::<Port>().ok_or(AppError::Unavailable)?;
        let meta = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<RequestMeta>().cloned())
            .ok_or(AppError::Unavailable)?;
        Ok((port, meta))
    }

    /// Sets the HTTP status of the response (the server fn's, or the page's during SSR) from the error.
    pub fn fail(error: AppError) -> AppError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status()) {
                response.set_status(status);
            }
        }
        error
    }
}

#[server(prefix = "/api", endpoint = "me", input = GetUrl)]
pub async fn me() -> Result<Option<dto::Me>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.me(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "overview", input = GetUrl)]
pub async fn overview(patient_id: Option<String>) -> Result<dto::Overview, AppError> {
    let (port, meta) = entry::context()?;
    port.0.overview(&meta, patient_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "vaccinations", input = GetUrl)]
pub async fn vaccinations(patient_id: Option<String>) -> Result<dto::Vaccinations, AppError> {
    let (port, meta) = entry::context()?;
    port.0.vaccinations(&meta, patient_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "visits", input = GetUrl)]
pub async fn visits(patient_id: Option<String>) -> Result<dto::Visits, AppError> {
    let (port, meta) = entry::context()?;
    port.0.visits(&meta, patient_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "visit", input = GetUrl)]
pub async fn visit_detail(visit_id: String) -> Result<dto::VisitDetail, AppError> {
    let (port, meta) = entry::context()?;
    port.0.visit_detail(&meta, visit_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "passkeys", input = GetUrl)]
pub async fn passkeys() -> Result<Vec<dto::PasskeyInfo>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.passkeys(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "my_sessions", input = GetUrl)]
pub async fn my_sessions() -> Result<Vec<dto::SessionInfo>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.my_sessions(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "find_patient", input = GetUrl)]
pub async fn find_patient(identifier: String) -> Result<Option<dto::PatientMatch>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.find_patient(&meta, identifier).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "clinician_view", input = GetUrl)]
pub async fn clinician_view(patient_id: String, purpose: Option<String>) -> Result<dto::ClinicianView, AppError> {
    let (port, meta) = entry::context()?;
    port.0.clinician_view(&meta, patient_id, purpose.unwrap_or_else(|| "treatment".into())).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "break_glass")]
pub async fn declare_break_glass(patient_id: String, reason: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.declare_break_glass(&meta, patient_id, reason).await.map_err(entry::fail)
}

/// `patient_id`: the record whose sharing the caller manages for someone; none for their own.
#[server(prefix = "/api", endpoint = "sharing", input = GetUrl)]
pub async fn sharing(#[server(default)] patient_id: Option<String>) -> Result<dto::Sharing, AppError> {
    let (port, meta) = entry::context()?;
    port.0.sharing(&meta, patient_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "directory", input = GetUrl)]
pub async fn directory(term: String) -> Result<Vec<dto::DirectoryEntry>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.directory(&meta, term).await.map_err(entry::fail)
}

/// `grantee` is `clinician:<id>` or `facility:<id>`; `categories` lists codes or `all`;
/// `patient_id` is the record when made for someone (a child, a person one helps).
#[allow(clippy::too_many_arguments, reason = "one argument per form field, as the server function's form decodes them")]
#[server(prefix = "/api", endpoint = "create_grant")]
pub async fn create_grant(
    grantee: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] purpose: String,
    #[server(default)] written_request: Option<String>,
    #[server(default)] starts_on: String,
    #[server(default)] expires_on: String,
    #[server(default)] patient_id: Option<String>,
    #[server(default)] child_consents: Option<String>,
) -> Result<String, AppError> {
    let (port, meta) = entry::context()?;
    let form = crate::port::NewGrantForm {
        child_consents: child_consents.is_some_and(|v| v == "on" || v == "true"),
        grantee,
        categories,
        purpose,
        written_request: written_request.is_some_and(|v| v == "on" || v == "true"),
        starts_on,
        expires_on,
        patient_id: patient_id.filter(|id| !id.is_empty()),
    };
    port.0.create_grant(&meta, form).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "revoke_grant")]
pub async fn revoke_grant(grant_id: String, #[server(default)] patient_id: Option<String>) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.revoke_grant(&meta, grant_id, patient_id.filter(|id| !id.is_empty())).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "access_log", input = GetUrl)]
pub async fn access_log(
    from: Option<String>,
    to: Option<String>,
    person: Option<String>,
    basis: Option<String>,
    page: Option<u32>,
    #[server(default)] patient_id: Option<String>,
) -> Result<dto::AccessLog, AppError> {
    let (port, meta) = entry::context()?;
    port.0.access_log(&meta, dto::AccessLogQuery { patient_id, from, to, person, basis, page }).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "health_card", input = GetUrl)]
pub async fn health_card(selection: Option<String>, #[server(default)] patient_id: Option<String>) -> Result<dto::CardPage, AppError> {
    let (port, meta) = entry::context()?;
    port.0.health_card(&meta, selection, patient_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "family", input = GetUrl)]
pub async fn family() -> Result<dto::Family, AppError> {
    let (port, meta) = entry::context()?;
    port.0.family(&meta).await.map_err(entry::fail)
}

/// The young person (from 16) ends their guardian's link; `reason` is optional for them.
#[server(prefix = "/api", endpoint = "end_guardianship")]
pub async fn end_guardianship(guardianship_id: String, #[server(default)] reason: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.end_guardianship(&meta, guardianship_id, reason).await.map_err(entry::fail)
}

/// The person signed in nominates a helper: the helper's CCCD and date of birth (`YYYY-MM-DD`),
/// the parts they may see (`categories`: codes or `all`), whether they may also manage sharing
/// (`manage_sharing` = `on`), and for how many days (1 to 365).
#[server(prefix = "/api", endpoint = "nominate_helper")]
pub async fn nominate_helper(
    helper_cccd: String,
    #[server(default)] helper_birth_date: String,
    #[server(default)] categories: Vec<String>,
    #[server(default)] manage_sharing: Option<String>,
    #[server(default)] days: String,
) -> Result<String, AppError> {
    let (port, meta) = entry::context()?;
    let manage_sharing = manage_sharing.is_some_and(|v| v == "on" || v == "true");
    port.0.nominate_helper(&meta, helper_cccd, helper_birth_date, categories, manage_sharing, days).await.map_err(entry::fail)
}

/// The nominee accepts a helper nomination.
#[server(prefix = "/api", endpoint = "accept_helper")]
pub async fn accept_helper(helper_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.accept_helper(&meta, helper_id).await.map_err(entry::fail)
}

/// The person or the helper ends a helper link.
#[server(prefix = "/api", endpoint = "end_helper")]
pub async fn end_helper(helper_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.end_helper(&meta, helper_id).await.map_err(entry::fail)
}

/// `basis` is `birth_registration`, `guardianship_decision` or `national_identity`.
#[server(prefix = "/api", endpoint = "admin_link_guardian")]
pub async fn admin_link_guardian(
    guardian_cccd: String,
    child_cccd: String,
    #[server(default)] basis: String,
    #[server(default)] document_ref: String,
) -> Result<String, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_link_guardian(&meta, guardian_cccd, child_cccd, basis, document_ref).await.map_err(entry::fail)
}

/// An administrator ends a link, with a reason both people read.
#[server(prefix = "/api", endpoint = "admin_end_guardianship")]
pub async fn admin_end_guardianship(guardianship_id: String, #[server(default)] reason: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.end_guardianship(&meta, guardianship_id, reason).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_guardianships", input = GetUrl)]
pub async fn admin_guardianships() -> Result<Vec<dto::FamilyLink>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_guardianships(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "check_card")]
pub async fn check_card(code: String) -> Result<dto::CardCheck, AppError> {
    let (port, meta) = entry::context()?;
    port.0.check_card(&meta, code).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "api_tokens", input = GetUrl)]
pub async fn api_tokens() -> Result<Vec<dto::ApiTokenInfo>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.api_tokens(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "create_api_token")]
pub async fn create_api_token(name: String, #[server(default)] categories: Vec<String>, days: u32) -> Result<String, AppError> {
    let (port, meta) = entry::context()?;
    port.0.create_api_token(&meta, name, categories, days).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(token_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.revoke_api_token(&meta, token_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "sign_in_options", input = GetUrl)]
pub async fn sign_in_options() -> Result<dto::SignInOptions, AppError> {
    let (port, meta) = entry::context()?;
    port.0.sign_in_options(&meta).await.map_err(entry::fail)
}

// ---------------------------------------------------------------------------------------------
// Administrators. Every path here starts with `/api/admin_`: the server's gate refuses anyone but
// an active administrator before the function runs (and the service checks again).

#[server(prefix = "/api", endpoint = "admin_home", input = GetUrl)]
pub async fn admin_home() -> Result<dto::AdminHome, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_home(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_people", input = GetUrl)]
pub async fn admin_people(term: Option<String>, role: Option<String>) -> Result<Vec<dto::AdminPerson>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_people(&meta, term.unwrap_or_default(), role.unwrap_or_default()).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_person", input = GetUrl)]
pub async fn admin_person(account_id: String) -> Result<dto::AdminPersonDetail, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_person(&meta, account_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_facilities", input = GetUrl)]
pub async fn admin_facilities() -> Result<Vec<dto::AdminFacility>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_facilities(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_facility", input = GetUrl)]
pub async fn admin_facility(facility_id: String) -> Result<dto::AdminFacilityDetail, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_facility(&meta, facility_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_create_facility")]
pub async fn admin_create_facility(name: String, #[server(default)] province_code: String) -> Result<String, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_create_facility(&meta, name, province_code).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_create_clinician")]
pub async fn admin_create_clinician(facility_id: String, full_name: String, cccd: String) -> Result<dto::IssuedCode, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_create_clinician(&meta, facility_id, full_name, cccd).await.map_err(entry::fail)
}

/// Without `account_id`, a code for the citizen whose record has this CCCD; with it, a code for that staff account.
#[server(prefix = "/api", endpoint = "admin_issue_code")]
pub async fn admin_issue_code(cccd: String, #[server(default)] account_id: Option<String>) -> Result<dto::IssuedCode, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_issue_code(&meta, cccd, account_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_open_codes", input = GetUrl)]
pub async fn admin_open_codes() -> Result<Vec<dto::OpenCode>, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_open_codes(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_cancel_code")]
pub async fn admin_cancel_code(code_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_cancel_code(&meta, code_id).await.map_err(entry::fail)
}

/// Approves a held enrolment code (another administrator issued it).
#[server(prefix = "/api", endpoint = "admin_approve_code")]
pub async fn admin_approve_code(code_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_approve_code(&meta, code_id).await.map_err(entry::fail)
}

/// Approves a held federated link (another administrator made it).
#[server(prefix = "/api", endpoint = "admin_approve_link")]
pub async fn admin_approve_link(link_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_approve_link(&meta, link_id).await.map_err(entry::fail)
}

/// Confirms a staff account another administrator created; until then it reads nothing.
#[server(prefix = "/api", endpoint = "admin_confirm_staff")]
pub async fn admin_confirm_staff(account_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_confirm_staff(&meta, account_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_suspend")]
pub async fn admin_suspend(account_id: String, #[server(default)] reason: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_set_suspended(&meta, account_id, true, reason).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_reinstate")]
pub async fn admin_reinstate(account_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_set_suspended(&meta, account_id, false, String::new()).await.map_err(entry::fail)
}

/// Ends one session of the account (`session_id`), or all of them.
#[server(prefix = "/api", endpoint = "admin_end_sessions")]
pub async fn admin_end_sessions(account_id: String, #[server(default)] session_id: Option<String>) -> Result<u64, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_end_sessions(&meta, account_id, session_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_revoke_grant")]
pub async fn admin_revoke_grant(grant_id: String, #[server(default)] reason: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_revoke_grant(&meta, grant_id, reason).await.map_err(entry::fail)
}

/// Revokes every live grant held by a clinician (`holder_kind = clinician`, their account id) or a facility.
#[server(prefix = "/api", endpoint = "admin_revoke_held")]
pub async fn admin_revoke_held(holder_kind: String, holder_id: String, #[server(default)] reason: String) -> Result<u32, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_revoke_held(&meta, holder_kind, holder_id, reason).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_reviews", input = GetUrl)]
pub async fn admin_reviews() -> Result<dto::ReviewQueue, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_reviews(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_review")]
pub async fn admin_review(
    break_glass_id: String,
    #[server(default)] outcome: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_review(&meta, break_glass_id, outcome, note).await.map_err(entry::fail)
}

#[allow(clippy::too_many_arguments, reason = "one query parameter per filter keeps the URL flat, as the CSV export's")]
#[server(prefix = "/api", endpoint = "admin_audit", input = GetUrl)]
pub async fn admin_audit(
    patient: Option<String>,
    actor: Option<String>,
    facility: Option<String>,
    basis: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
) -> Result<dto::AuditPage, AppError> {
    let (port, meta) = entry::context()?;
    let query = dto::AuditQuery { patient, actor, facility, basis, outcome, from, to, page };
    port.0.admin_audit(&meta, query).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_set_provider")]
pub async fn admin_set_provider(facility_id: String, issuer: String, client_id: String, client_secret: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_set_provider(&meta, facility_id, issuer, client_id, client_secret).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_remove_provider")]
pub async fn admin_remove_provider(facility_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_remove_provider(&meta, facility_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_link_subject")]
pub async fn admin_link_subject(account_id: String, subject: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_link_subject(&meta, account_id, subject).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_unlink")]
pub async fn admin_unlink(link_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_unlink(&meta, link_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_issue_facility_client")]
pub async fn admin_issue_facility_client(facility_id: String, name: String) -> Result<crate::dto::IssuedFacilityClient, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_issue_facility_client(&meta, facility_id, name).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_revoke_facility_client")]
pub async fn admin_revoke_facility_client(client_id: String) -> Result<(), AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_revoke_facility_client(&meta, client_id).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_transfers", input = GetUrl)]
pub async fn admin_transfers() -> Result<crate::dto::Transfers, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_transfers(&meta).await.map_err(entry::fail)
}

#[server(prefix = "/api", endpoint = "admin_start_export")]
pub async fn admin_start_export() -> Result<String, AppError> {
    let (port, meta) = entry::context()?;
    port.0.admin_start_export(&meta).await.map_err(entry::fail)
}
