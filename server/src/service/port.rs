//! The adapter from the UI's port to the service layer: unwraps `Authorized` values and maps errors.

use app::dto::{
    AccessLog, AccessLogQuery, CardCheck, CardPage, ClinicianView, DirectoryEntry, Me, Overview, PasskeyInfo, PatientMatch, Role, Sharing, Vaccinations,
    VisitDetail, Visits,
};
use app::error::{AppError, InvalidInput};
use app::port::{NewGrantForm, PortalPort, RequestMeta};

use super::consent::NewGrant;
use super::Portal;
use crate::policy::Purpose;
use crate::error::ServiceError;

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

    async fn sharing(&self, request: &RequestMeta) -> Result<Sharing, AppError> {
        Ok(Portal::sharing(self, request).await?)
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
        };
        Ok(Portal::create_grant(self, request, new).await?)
    }

    async fn revoke_grant(&self, request: &RequestMeta, grant_id: String) -> Result<(), AppError> {
        Ok(Portal::revoke_grant(self, request, &grant_id).await?)
    }

    async fn access_log(&self, request: &RequestMeta, query: AccessLogQuery) -> Result<AccessLog, AppError> {
        Ok(Portal::access_log(self, request, query).await?)
    }

    async fn health_card(&self, request: &RequestMeta, selection: Option<String>) -> Result<CardPage, AppError> {
        Ok(Portal::health_card(self, request, selection).await?.into_inner().page)
    }

    async fn check_card(&self, request: &RequestMeta, code: String) -> Result<CardCheck, AppError> {
        Ok(Portal::check_card(self, request, &code))
    }
}
