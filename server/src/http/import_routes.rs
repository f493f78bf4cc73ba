//! Facility systems over HTTP: the OAuth2 token endpoint (client credentials) and `POST /fhir`,
//! which imports a `transaction` or `batch` Bundle. The body is streamed to a spool file (never
//! held whole in memory), size-checked as it arrives, and removed when the request ends.

use std::path::PathBuf;

use app::port::RequestMeta;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use base64::Engine;
use futures_util::StreamExt;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use super::fhir_routes::{fhir, outcome};
use super::AppState;
use crate::import::{outcome_of, ImportError};
use crate::service::facility_import::{ImportRefusal, TOKEN_SECONDS};
use crate::transfers::{Handle, Kind};
use sha2::{Digest, Sha256};

pub const TOKEN_PATH: &str = "/oauth/token";

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (status, Json(json!({ "error": error, "error_description": description }))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"hoso\""));
    }
    response
}

/// Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1) or the form body.
fn client_credentials(headers: &HeaderMap, form: &std::collections::HashMap<String, String>) -> Option<(String, String)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |text: &str| url::form_urlencoded::parse(format!("x={text}").as_bytes()).next().map(|(_, v)| v.into_owned());
            Some((decode(id)?, decode(secret)?))
        });
    basic.or_else(|| Some((form.get("client_id")?.clone(), form.get("client_secret")?.clone())))
}

/// `POST /oauth/token`: `grant_type=client_credentials`, the client authenticated by its secret.
pub async fn token(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    headers: HeaderMap,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Response {
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
    }
    if let Some(scope) = form.get("scope") {
        if scope.split(' ').any(|s| !s.is_empty() && s != "system/Bundle.write" && s != "system/*.write") {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "Facility clients may ask for system/Bundle.write only.");
        }
    }
    let Some((client_id, secret)) = client_credentials(&headers, &form) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Send the client id and secret (HTTP Basic or the form).");
    };
    match state.portal.client_credentials_token(&client_id, &secret, meta.now_ms).await {
        Ok(Some(token)) => Json(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": "system/Bundle.write",
        }))
        .into_response(),
        Ok(None) => oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unknown client, wrong secret, or revoked credentials."),
        Err(error) => {
            tracing::error!(%error, "token endpoint failed on storage");
            oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable", "Try again shortly.")
        }
    }
}

/// A spool file removed when the request ends, whatever happened.
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn spool_file(dir: &std::path::Path) -> std::io::Result<(Spool, tokio::fs::File)> {
    tokio::fs::create_dir_all(dir).await?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tokio::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).await?;
    }
    let path = dir.join(format!("{}.json", crate::store::new_id()));
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let file = options.open(&path).await?;
    Ok((Spool(path), file))
}

fn too_large(limit: usize) -> Response {
    outcome(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-costly",
        &format!("The bundle is larger than this server accepts ({limit} bytes); split it into several bundles."),
        None,
    )
}

/// `POST /fhir`: imports a transaction or batch Bundle from a facility's system.
pub async fn import(State(state): State<AppState>, Extension(meta): Extension<RequestMeta>, headers: HeaderMap, body: Body) -> Response {
    let caller = match state.portal.import_caller(&meta).await {
        Ok(caller) => caller,
        Err(ImportRefusal::NotAFacility) => {
            return outcome(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Bundles are imported by a facility's system with its machine credentials (OAuth2 client credentials at /oauth/token), never with a person's session or token.",
                None,
            )
        }
        Err(refusal) => {
            let mut response = outcome(
                StatusCode::UNAUTHORIZED,
                "login",
                if refusal == ImportRefusal::BadToken {
                    "The bearer token is unknown or expired, or its client was revoked."
                } else {
                    "Send a facility access token (Authorization: Bearer) from /oauth/token."
                },
                None,
            );
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"hoso\""));
            return response;
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if media != "application/fhir+json" && media != "application/json" {
        return outcome(StatusCode::UNSUPPORTED_MEDIA_TYPE, "not-supported", "Send the Bundle as application/fhir+json.", None);
    }
    let limit = state.portal.config.import_max_bytes;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return too_large(limit);
    }
    let transfer = state.portal.transfers.start(Kind::Import, format!("{} · {}", caller.facility_name, caller.client_name), meta.now_ms);
    let now = || state.portal.clock.now_ms();
    let (spool, sha256) = match receive(&state, body, declared, &transfer).await {
        Ok(received) => received,
        Err((response, why)) => {
            transfer.fail(now(), why.to_string());
            return response;
        }
    };
    let started = std::time::Instant::now();
    let result = state.portal.import_bundle(&meta, &caller, &spool.0, sha256, &transfer).await;
    drop(spool);
    match result {
        Ok(summary) => {
            tracing::info!(
                facility = %caller.facility_id,
                entries = summary.entries,
                created = summary.created,
                updated = summary.updated,
                unchanged = summary.unchanged,
                failed = summary.failed,
                millis = started.elapsed().as_millis() as u64,
                "bundle imported"
            );
            transfer.finish(
                now(),
                vec![
                    ("entries", summary.entries.to_string()),
                    ("created", summary.created.to_string()),
                    ("updated", summary.updated.to_string()),
                    ("unchanged", summary.unchanged.to_string()),
                    ("failed", summary.failed.to_string()),
                ],
            );
            fhir(StatusCode::OK, &summary.response)
        }
        Err(ImportError::Refused(problems)) => {
            let status = if problems.iter().any(|p| p.status == 400) {
                StatusCode::BAD_REQUEST
            } else if problems.iter().any(|p| p.status == 409) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            tracing::warn!(facility = %caller.facility_id, problems = problems.len(), "bundle refused");
            let first = problems.first().map(|p| format!(": {} at {}", p.message, p.location)).unwrap_or_default();
            transfer.fail(now(), format!("refused ({} problems){first}; nothing was written", problems.len()));
            fhir(status, &outcome_of(&problems))
        }
        Err(ImportError::Store(error)) => {
            transfer.fail(now(), "storage failed; nothing was written".into());
            unavailable(&error)
        }
        Err(ImportError::Io(error)) => {
            transfer.fail(now(), "reading the spooled bundle failed; nothing was written".into());
            unavailable(&error)
        }
    }
}

fn unavailable(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "import failed on storage or the spool");
    outcome(StatusCode::SERVICE_UNAVAILABLE, "exception", "The service is temporarily unavailable.", None)
}

/// Streams the body to a spool file, hashing it and checking its size as it arrives.
async fn receive(
    state: &AppState,
    body: Body,
    declared: Option<usize>,
    transfer: &Handle,
) -> Result<(Spool, String), (Response, &'static str)> {
    let limit = state.portal.config.import_max_bytes;
    let (spool, mut file) = spool_file(&state.portal.config.data_dir.join("import-spool"))
        .await
        .map_err(|error| (unavailable(&error), "the spool could not be created"))?;
    let total = declared.unwrap_or(0) as u64;
    let mut hasher = Sha256::new();
    let mut received = 0usize;
    let mut reported = 0usize;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|_| (outcome(StatusCode::BAD_REQUEST, "incomplete", "The request body ended early.", None), "the body ended early"))?;
        received += chunk.len();
        if received > limit {
            return Err((too_large(limit), "larger than the import limit"));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(|error| (unavailable(&error), "the spool could not be written"))?;
        if received - reported >= 1 << 20 {
            reported = received;
            transfer.progress("receiving", "", received as u64, total);
        }
    }
    file.flush().await.map_err(|error| (unavailable(&error), "the spool could not be written"))?;
    Ok((spool, hex::encode(hasher.finalize())))
}
