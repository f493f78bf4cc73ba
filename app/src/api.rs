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
