//! The HTTP surface: axum routes for authentication and health checks, the Leptos app and its
//! server functions, and the middleware every request passes (request id, security headers,
//! host and origin checks, body limit, request metadata).

pub mod admin_routes;
pub mod assets;
pub mod auth_routes;
pub mod card_routes;
pub mod federation_routes;
pub mod fhir_routes;
pub mod import_routes;
pub mod limits;
pub mod redirect;
pub mod security;

use std::sync::Arc;

use app::port::Port;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use crate::service::Portal;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub portal: Arc<Portal>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// A service error as the JSON body and status a server function would answer with (for the
/// plain routes beside them: downloads, the administrators' gate).
pub fn error_response(error: impl Into<app::error::AppError>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let error = error.into();
    let status = axum::http::StatusCode::from_u16(error.status()).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

/// A small page of its own (no app shell): a heading, a message, optional extra HTML (escaped by
/// the caller) and, with `next`, an immediate refresh to that same-site path.
pub fn message_page(
    status: axum::http::StatusCode,
    lang: app::i18n::Lang,
    heading: &str,
    message: &str,
    extra_html: &str,
    next: Option<&str>,
) -> axum::response::Response {
    use app::i18n::Key;
    use axum::response::IntoResponse;
    let (refresh, class, link) = match next {
        Some(path) => (
            format!("<meta http-equiv=\"refresh\" content=\"0;url={path}\">"),
            "notice",
            format!("<a href=\"{path}\">{}</a>", Key::FedContinue.text(lang)),
        ),
        None => (String::new(), "notice notice-error", format!("<a href=\"/\">{}</a>", Key::BackHome.text(lang))),
    };
    let role = if next.is_some() { "status" } else { "alert" };
    let page = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         {refresh}<title>{} · {}</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"{css}\"></head><body><main id=\"main\">\
         <h1>{heading}</h1><p class=\"{class}\" role=\"{role}\">{message}</p>{extra_html}<p>{link}</p></main></body></html>",
        lang.code(),
        heading,
        Key::Brand.text(lang),
        css = assets::names().css_href,
    );
    (status, axum::response::Html(page)).into_response()
}

/// Every plain HTTP route [`router`] adds besides the Leptos pages and the server functions
/// (those come from `generate_route_list` and `server_fn_paths`), as (method, path with `{param}`
/// segments). Tests go through this list (redirects, malformed input, other-site requests); a test
/// checks it against the `.route(` calls below, so a route added there must be added here.
pub const PLAIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/lang"),
    ("GET", "/tz"),
    ("POST", "/auth/enrol/start"),
    ("POST", "/auth/enrol/finish"),
    ("POST", "/auth/signin/start"),
    ("POST", "/auth/signin/finish"),
    ("POST", "/auth/passkeys/start"),
    ("POST", "/auth/passkeys/finish"),
    ("POST", "/auth/passkeys/remove"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/sessions/end"),
    ("POST", "/auth/reauth/start"),
    ("POST", "/auth/reauth/finish"),
    ("GET", "/auth/oidc/start"),
    ("GET", crate::auth::federation::CALLBACK_PATH),
    ("POST", "/auth/enrol/proofed/start"),
    ("GET", "/fhir/metadata"),
    ("GET", "/fhir/Patient/{id}/$everything"),
    ("GET", "/fhir/{resource_type}"),
    ("GET", "/fhir/{resource_type}/{id}"),
    ("GET", "/fhir"),
    ("POST", "/fhir"),
    ("POST", import_routes::TOKEN_PATH),
    ("GET", admin_routes::AUDIT_CSV_PATH),
    ("GET", security::JWKS_PATH),
    ("GET", "/record/vaccinations/card/download"),
];

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let port = Port(state.portal.clone());
    let max_body = state.portal.config.max_body_bytes;
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(auth_routes::health))
        .route("/lang", get(auth_routes::switch_language))
        .route("/tz", get(auth_routes::switch_zone))
        .route("/auth/enrol/start", post(auth_routes::enrol_start))
        .route("/auth/enrol/finish", post(auth_routes::enrol_finish))
        .route("/auth/signin/start", post(auth_routes::sign_in_start))
        .route("/auth/signin/finish", post(auth_routes::sign_in_finish))
        .route("/auth/passkeys/start", post(auth_routes::add_passkey_start))
        .route("/auth/passkeys/finish", post(auth_routes::add_passkey_finish))
        .route("/auth/passkeys/remove", post(auth_routes::remove_passkey))
        .route("/auth/logout", post(auth_routes::sign_out))
        .route("/auth/sessions/end", post(auth_routes::end_sessions))
        .route("/auth/reauth/start", post(auth_routes::reauth_start))
        .route("/auth/reauth/finish", post(auth_routes::reauth_finish))
        .route("/auth/oidc/start", get(federation_routes::start))
        .route(crate::auth::federation::CALLBACK_PATH, get(federation_routes::callback))
        .route("/auth/enrol/proofed/start", post(federation_routes::proofed_start))
        .route("/fhir/metadata", get(fhir_routes::metadata))
        .route("/fhir/Patient/{id}/$everything", get(fhir_routes::everything))
        .route("/fhir/{resource_type}", get(fhir_routes::search))
        .route("/fhir/{resource_type}/{id}", get(fhir_routes::read))
        .route("/fhir", get(fhir_routes::fallback).post(import_routes::import))
        .route(import_routes::TOKEN_PATH, post(import_routes::token))
        .route(admin_routes::AUDIT_CSV_PATH, get(admin_routes::audit_csv))
        .route(security::JWKS_PATH, get(card_routes::jwks))
        .route("/record/vaccinations/card/download", get(card_routes::download))
        .leptos_routes_with_context(&state, routes, move || provide_context(port.clone()), move || app::shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        // Innermost: a server function's refusal to decode its arguments gets the error's own 4xx.
        .layer(axum::middleware::from_fn(security::server_fn_status))
        // Inside `request_meta`: the gate reads the request's session from its metadata.
        .layer(axum::middleware::from_fn_with_state(state.clone(), admin_routes::gate))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::request_meta))
        // Before any ceremony or search touches the database: abuse limits (429).
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits::rate_limit))
        // Before anything reads a session: requests another site makes the browser send are refused.
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::fetch_metadata))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::guard))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::body_limit))
        // A request that cannot finish in 30 s answers 503 instead of hanging the browser.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            std::time::Duration::from_secs(30),
        ))
        // Pages, server-function answers and FHIR JSON compressed as they are sent (brotli or
        // gzip, as the browser accepts); /pkg files arrive with their precompressed copy's
        // Content-Encoding and are left alone. Safe against BREACH-style guessing because no
        // response body carries a secret that stays the same across requests: the session is
        // only in an HttpOnly cookie, there are no CSRF tokens (Fetch Metadata and Origin checks
        // instead), and the CSP nonce is new in every response; and another site cannot make a
        // signed-in browser fetch a page with its own text in it (security::fetch_metadata).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(security::trace))
        .with_state(state)
}
