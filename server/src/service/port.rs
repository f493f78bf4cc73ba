//! The adapter from the UI's port to the service layer: unwraps `Authorized` values and maps errors.

use app::dto::{Me, Overview, PasskeyInfo, Role, Vaccinations, VisitDetail, Visits};
use app::error::AppError;
use app::port::{PortalPort, RequestMeta};

use super::Portal;
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
        Ok(Some(Me {
            display_name: session.principal.account.display_name.clone(),
            role,
            patient_id: session.principal.patient_id.clone(),
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
}
