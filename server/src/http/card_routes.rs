//! Health-card routes outside the Leptos app: the issuer's public keys, and the card as a
//! `.smart-health-card` file.

use app::port::RequestMeta;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;

use super::AppState;

/// `GET /.well-known/jwks.json`: every public key, current and retired. Any origin may fetch it
/// (SMART Health Cards require CORS here) and cache it for an hour.
pub async fn jwks(State(state): State<AppState>) -> Response {
    let mut response = Json(state.portal.cards.jwks()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}

#[derive(Deserialize)]
pub struct CardQuery {
    selection: String,
    /// A child's record the reader is the guardian of; absent: their own.
    #[serde(default, rename = "for")]
    patient_id: Option<String>,
}

/// `GET /record/vaccinations/card/download?selection=…`: the signed card as a file
/// (`{"verifiableCredential":[jws]}`), through the same guarded, audited read as the page.
pub async fn download(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    query: Result<Query<CardQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return (StatusCode::BAD_REQUEST, "selection is required").into_response();
    };
    match state.portal.health_card(&meta, Some(query.selection), query.patient_id.filter(|id| !id.is_empty())).await {
        Ok(issued) => match issued.into_inner().jws {
            Some(jws) => {
                let body = serde_json::json!({ "verifiableCredential": [jws] }).to_string();
                (
                    [
                        (header::CONTENT_TYPE, "application/smart-health-card"),
                        (header::CONTENT_DISPOSITION, "attachment; filename=\"hoso-vaccination.smart-health-card\""),
                    ],
                    body,
                )
                    .into_response()
            }
            None => (StatusCode::BAD_REQUEST, "selection is required").into_response(),
        },
        Err(error) => super::error_response(error),
    }
}
