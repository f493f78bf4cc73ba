//! The adapter from the UI's port to the service layer: unwraps `Authorized` values and maps errors.

use app::dto::{
    AccessLog, AccessLogQuery, CardCheck, CardPage, ClinicianView, DirectoryEntry, Me, Overview, PasskeyInfo, PatientMatch, Role, Sharing,
    Vaccinations, VisitDetail, Visits,
};
use app::error::{AppError, InvalidInput};
use app::port::{NewGrantForm, PortalPort, RequestMeta};

use super::consent::NewGrant;
use super::Portal;
use crate::error::ServiceError;
use crate::policy::Purpose;

#[async_trait::async_trait]
impl PortalPort for Portal {
    async fn me(&self, request: &RequestMeta) -> Result<Option<Me>, AppError> {
        let Some(session) = self.session(request).await? else { return Ok(None) };
        let role = match session.principal.account.role.as_str() {
            "clinician" => Role::Clinician,
            "administrator" => Role::Administrator,
            _ => Role::Citizen,
        };
        let emergencies = match role {
            Role::Clinician => self.emergencies_of(&session.principal.account.account_id, request.now_ms).await?,
            _ => Vec::new(),
        };
        Ok(Some(Me {
            display_name: session.principal.account.display_name.clone(),
            role,
            patient_id: session.principal.patient_id.clone(),
            emergencies,
        }))
    }

    async fn overview(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Overview, AppError> {
        Ok(Portal::overview(self, request, patient_id).await?.into_inner())
    }

    async fn vaccinations(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Vaccinations, AppError> {
        Ok(Portal::vaccinations(self, request, patient_id).await?.into_inner())
    }

    async fn visits(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Visits, AppError> {
        Ok(Portal::visits(self, request, patient_id).await?.into_inner())
    }

    async fn visit_detail(&self, request: &RequestMeta, visit_id: String) -> Result<VisitDetail, AppError> {
        Ok(Portal::visit_detail(self, request, visit_id).await?.into_inner())
    }

    async fn passkeys(&self, request: &RequestMeta) -> Result<Vec<PasskeyInfo>, AppError> {
        Ok(self.list_passkeys(request).await.map_err(ServiceError::from)?)
    }

    async fn my_sessions(&self, request: &RequestMeta) -> Result<Vec<app::dto::SessionInfo>, AppError> {
        Ok(Portal::my_sessions(self, request).await.map_err(ServiceError::from)?)
    }

    async fn find_patient(&self, request: &RequestMeta, identifier: String) -> Result<Option<PatientMatch>, AppError> {
        Ok(Portal::find_patient(self, request, &identifier).await?)
    }

    async fn clinician_view(&self, request: &RequestMeta, patient_id: String, purpose: String) -> Result<ClinicianView, AppError> {
        let purpose = Purpose::parse(&purpose).ok_or(AppError::Invalid(InvalidInput::PurposeNotAllowed))?;
        Ok(Portal::clinician_view(self, request, &patient_id, purpose).await?)
    }

    async fn declare_break_glass(&self, request: &RequestMeta, patient_id: String, reason: String) -> Result<(), AppError> {
        Ok(Portal::declare_break_glass(self, request, &patient_id, &reason).await?)
    }

    async fn sharing(&self, request: &RequestMeta, patient_id: Option<String>) -> Result<Sharing, AppError> {
        Ok(Portal::sharing(self, request, patient_id).await?)
    }

    async fn directory(&self, request: &RequestMeta, term: String) -> Result<Vec<DirectoryEntry>, AppError> {
        Ok(Portal::directory(self, request, &term).await?)
    }

    async fn create_grant(&self, request: &RequestMeta, grant: NewGrantForm) -> Result<String, AppError> {
        let (kind, id) = grant.grantee.split_once(':').unwrap_or(("", ""));
        let new = NewGrant {
            grantee_kind: kind.to_string(),
            grantee_id: id.to_string(),
            categories: grant.categories,
            purpose: grant.purpose,
            written_request: grant.written_request,
            starts_on: grant.starts_on,
            expires_on: grant.expires_on,
            patient_id: grant.patient_id,
            child_consents: grant.child_consents,
        };
        Ok(Portal::create_grant(self, request, new).await?)
    }

    async fn revoke_grant(&self, request: &RequestMeta, grant_id: String, patient_id: Option<String>) -> Result<(), AppError> {
        Ok(Portal::revoke_grant(self, request, &grant_id, patient_id.as_deref()).await?)
    }

    async fn access_log(&self, request: &RequestMeta, query: AccessLogQuery) -> Result<AccessLog, AppError> {
        Ok(Portal::access_log(self, request, query).await?)
    }

    async fn health_card(
        &self,
        request: &RequestMeta,
        selection: Option<String>,
        patient_id: Option<String>,
    ) -> Result<CardPage, AppError> {
        Ok(Portal::health_card(self, request, selection, patient_id).await?.into_inner().page)
    }

    async fn family(&self, request: &RequestMeta) -> Result<app::dto::Family, AppError> {
        Ok(Portal::family(self, request).await?.into_inner())
    }

    async fn end_guardianship(&self, request: &RequestMeta, guardianship_id: String, reason: String) -> Result<(), AppError> {
        Ok(Portal::end_guardianship(self, request, &guardianship_id, &reason).await?)
    }

    async fn admin_link_guardian(
        &self,
        request: &RequestMeta,
        guardian_cccd: String,
        child_cccd: String,
        basis: String,
        document_ref: String,
    ) -> Result<String, AppError> {
        Ok(Portal::admin_link_guardian(self, request, &guardian_cccd, &child_cccd, &basis, &document_ref).await?)
    }

    async fn nominate_helper(
        &self,
        request: &RequestMeta,
        helper_cccd: String,
        helper_birth_date: String,
        categories: Vec<String>,
        manage_sharing: bool,
        days: String,
    ) -> Result<String, AppError> {
        Ok(Portal::nominate_helper(self, request, &helper_cccd, &helper_birth_date, &categories, manage_sharing, &days).await?)
    }

    async fn accept_helper(&self, request: &RequestMeta, helper_id: String) -> Result<(), AppError> {
        Ok(Portal::accept_helper(self, request, &helper_id).await?)
    }

    async fn end_helper(&self, request: &RequestMeta, helper_id: String) -> Result<(), AppError> {
        Ok(Portal::end_helper(self, request, &helper_id).await?)
    }

    async fn admin_guardianships(&self, request: &RequestMeta) -> Result<Vec<app::dto::FamilyLink>, AppError> {
        Ok(Portal::admin_guardianships(self, request).await?)
    }

    async fn check_card(&self, request: &RequestMeta, code: String) -> Result<CardCheck, AppError> {
        Ok(Portal::check_card(self, request, &code))
    }

    async fn admin_home(&self, request: &RequestMeta) -> Result<app::dto::AdminHome, AppError> {
        Ok(Portal::admin_home(self, request).await?)
    }

    async fn admin_people(&self, request: &RequestMeta, term: String, role: String) -> Result<Vec<app::dto::AdminPerson>, AppError> {
        Ok(Portal::admin_people(self, request, &term, &role).await?)
    }

    async fn admin_person(&self, request: &RequestMeta, account_id: String) -> Result<app::dto::AdminPersonDetail, AppError> {
        Ok(Portal::admin_person(self, request, &account_id).await?)
    }

    async fn admin_facilities(&self, request: &RequestMeta) -> Result<Vec<app::dto::AdminFacility>, AppError> {
        Ok(Portal::admin_facilities(self, request).await?)
    }

    async fn admin_facility(&self, request: &RequestMeta, facility_id: String) -> Result<app::dto::AdminFacilityDetail, AppError> {
        Ok(Portal::admin_facility(self, request, &facility_id).await?)
    }

    async fn admin_create_facility(&self, request: &RequestMeta, name: String, province_code: String) -> Result<String, AppError> {
        Ok(Portal::admin_create_facility(self, request, &name, &province_code).await?)
    }

    async fn admin_create_clinician(
        &self,
        request: &RequestMeta,
        facility_id: String,
        full_name: String,
        cccd: String,
    ) -> Result<app::dto::IssuedCode, AppError> {
        Ok(Portal::admin_create_clinician(self, request, &facility_id, &full_name, &cccd).await?)
    }

    async fn admin_issue_code(
        &self,
        request: &RequestMeta,
        cccd: String,
        account_id: Option<String>,
    ) -> Result<app::dto::IssuedCode, AppError> {
        Ok(Portal::admin_issue_code(self, request, &cccd, account_id.as_deref().filter(|id| !id.is_empty())).await?)
    }

    async fn admin_open_codes(&self, request: &RequestMeta) -> Result<Vec<app::dto::OpenCode>, AppError> {
        Ok(Portal::admin_open_codes(self, request).await?)
    }

    async fn admin_cancel_code(&self, request: &RequestMeta, code_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_cancel_code(self, request, &code_id).await?)
    }
    async fn admin_approve_code(&self, request: &RequestMeta, code_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_approve_code(self, request, &code_id).await?)
    }
    async fn admin_approve_link(&self, request: &RequestMeta, link_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_approve_link(self, request, &link_id).await?)
    }
    async fn admin_confirm_staff(&self, request: &RequestMeta, account_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_confirm_staff(self, request, &account_id).await?)
    }

    async fn admin_set_suspended(&self, request: &RequestMeta, account_id: String, suspend: bool, reason: String) -> Result<(), AppError> {
        Ok(Portal::admin_set_suspended(self, request, &account_id, suspend, &reason).await?)
    }

    async fn admin_end_sessions(&self, request: &RequestMeta, account_id: String, session_id: Option<String>) -> Result<u64, AppError> {
        Ok(Portal::admin_end_sessions(self, request, &account_id, session_id.as_deref().filter(|id| !id.is_empty())).await?)
    }

    async fn admin_revoke_grant(&self, request: &RequestMeta, grant_id: String, reason: String) -> Result<(), AppError> {
        Ok(Portal::admin_revoke_grant(self, request, &grant_id, &reason).await?)
    }

    async fn admin_revoke_held(
        &self,
        request: &RequestMeta,
        holder_kind: String,
        holder_id: String,
        reason: String,
    ) -> Result<u32, AppError> {
        Ok(Portal::admin_revoke_held(self, request, &holder_kind, &holder_id, &reason).await?)
    }

    async fn admin_reviews(&self, request: &RequestMeta) -> Result<app::dto::ReviewQueue, AppError> {
        Ok(Portal::admin_reviews(self, request).await?)
    }

    async fn admin_review(&self, request: &RequestMeta, break_glass_id: String, outcome: String, note: String) -> Result<(), AppError> {
        Ok(Portal::admin_review(self, request, &break_glass_id, &outcome, &note).await?)
    }

    async fn admin_audit(&self, request: &RequestMeta, query: app::dto::AuditQuery) -> Result<app::dto::AuditPage, AppError> {
        Ok(Portal::admin_audit(self, request, query).await?)
    }

    async fn admin_set_provider(
        &self,
        request: &RequestMeta,
        facility_id: String,
        issuer: String,
        client_id: String,
        client_secret: String,
    ) -> Result<(), AppError> {
        Ok(Portal::admin_set_provider(self, request, &facility_id, &issuer, &client_id, &client_secret).await?)
    }

    async fn admin_remove_provider(&self, request: &RequestMeta, facility_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_remove_provider(self, request, &facility_id).await?)
    }

    async fn admin_link_subject(&self, request: &RequestMeta, account_id: String, subject: String) -> Result<(), AppError> {
        Ok(Portal::admin_link_subject(self, request, &account_id, &subject).await?)
    }

    async fn admin_unlink(&self, request: &RequestMeta, link_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_unlink(self, request, &link_id).await?)
    }

    async fn admin_issue_facility_client(
        &self,
        request: &RequestMeta,
        facility_id: String,
        name: String,
    ) -> Result<app::dto::IssuedFacilityClient, AppError> {
        Ok(Portal::admin_issue_facility_client(self, request, &facility_id, &name).await?)
    }

    async fn admin_revoke_facility_client(&self, request: &RequestMeta, client_id: String) -> Result<(), AppError> {
        Ok(Portal::admin_revoke_facility_client(self, request, &client_id).await?)
    }

    async fn admin_transfers(&self, request: &RequestMeta) -> Result<app::dto::Transfers, AppError> {
        Ok(Portal::admin_transfers(self, request).await?)
    }

    async fn admin_start_export(&self, request: &RequestMeta) -> Result<String, AppError> {
        Ok(Portal::admin_start_export(self, request).await?)
    }

    async fn sign_in_options(&self, _request: &RequestMeta) -> Result<app::dto::SignInOptions, AppError> {
        Ok(Portal::sign_in_options(self).await?)
    }

    async fn api_tokens(&self, request: &RequestMeta) -> Result<Vec<app::dto::ApiTokenInfo>, AppError> {
        Ok(Portal::api_tokens(self, request).await?)
    }

    async fn create_api_token(&self, request: &RequestMeta, name: String, categories: Vec<String>, days: u32) -> Result<String, AppError> {
        Ok(Portal::create_api_token(self, request, &name, &categories, days).await?)
    }

    async fn revoke_api_token(&self, request: &RequestMeta, token_id: String) -> Result<(), AppError> {
        Ok(Portal::revoke_api_token(self, request, &token_id).await?)
    }
}
