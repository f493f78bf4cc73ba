//! The administrators' part of the HTTP surface: the gate every administrator path passes, and
//! the audit export. Everything an administrator can reach lives under [`is_admin_path`]: the
//! console pages (`/admin…`), their server functions (`/api/admin_…`) and [`ADMIN_HTTP_ROUTES`].

use app::dto::AuditQuery;
use app::error::AppError;
use app::i18n::{Key, Lang};
use app::port::RequestMeta;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::AppState;

/// The audit export (CSV), a plain download rather than a server function.
pub const AUDIT_CSV_PATH: &str = "/admin/audit.csv";

/// Administrator routes that are neither console pages nor server functions (for the tests that
/// enumerate every administrator route).
pub const ADMIN_HTTP_ROUTES: &[&str] = &[AUDIT_CSV_PATH];

/// Whether a path belongs to the administrators' console.
pub fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/api/admin_")
}

/// The one gate in front of every administrator path: anyone but an active administrator is
/// refused here, before any page renders or server function decodes its arguments, and the
/// refusal is audited with the path; a state-changing function (any non-GET `/api/admin_…`) also
/// needs a passkey confirmation within the last five minutes. (The service checks again.)
pub async fn gate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if !is_admin_path(&path) {
        return next.run(request).await;
    }
    let Some(meta) = request.extensions().get::<RequestMeta>().cloned() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // Every console function that changes anything is a POST (reads are GET server functions and
    // pages): all of them need the fresh passkey confirmation, here, whatever the function does.
    let changes_state = path.starts_with("/api/admin_") && request.method() != axum::http::Method::GET;
    let admitted =
        if changes_state { state.portal.fresh_administrator(&meta, &path).await } else { state.portal.administrator(&meta, &path).await };
    match admitted {
        Ok(_) => next.run(request).await,
        Err(error) => {
            let lang = request
                .headers()
                .get(header::COOKIE)
                .and_then(|value| value.to_str().ok())
                .map(Lang::from_cookie_header)
                .unwrap_or_default();
            refusal(&path, AppError::from(error), lang)
        }
    }
}

/// A refusal in the shape the caller expects: the server-function error JSON under `/api`, a
/// small page otherwise.
fn refusal(path: &str, error: AppError, lang: Lang) -> Response {
    if path.starts_with("/api/") {
        return super::error_response(error);
    }
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN);
    let message = match error {
        AppError::Unauthenticated => Key::ErrUnauthenticated,
        AppError::Forbidden => Key::ErrNotAdministrator,
        _ => Key::ErrUnavailable,
    };
    super::message_page(status, lang, Key::Brand.text(lang), message.text(lang), "", None)
}

/// `GET /admin/audit.csv?…`: the audit search as a CSV file (UTF-8 with a byte-order mark, so
/// spreadsheet programs read Vietnamese names correctly).
pub async fn audit_csv(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return super::error_response(AppError::BadRequest);
    };
    match state.portal.admin_audit_csv(&meta, query).await {
        Ok(csv) => {
            let day = meta.zone.date_at(meta.now_ms).format("%Y%m%d");
            let mut response = format!("\u{feff}{csv}").into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"hoso-audit-{day}.csv\"")) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(error) => super::error_response(error),
    }
}
