//! Authentication routes (JSON for the passkey ceremonies; HTML forms for sign-out, passkey
//! removal and language). Each handler reads the request metadata, calls one service function,
//! and maps the result.

use app::dto::{CeremonyFinish, CeremonyStarted, EnrolStart};
use app::i18n::{Lang, LANG_COOKIE};
use app::port::RequestMeta;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form, Json};
use serde::Deserialize;

use super::AppState;
use crate::auth::passkeys::IssuedSession;
use crate::auth::session::{clear_cookie, set_cookie};
use crate::auth::AuthError;

/// The static baseline route of the benchmark, and a liveness probe.
pub async fn health() -> &'static str {
    "ok"
}

fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, AuthError> {
    match payload {
        Ok(Json(value)) => Ok(value),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AuthError::TooLarge),
        Err(_) => Err(AuthError::BadRequest("malformed JSON body")),
    }
}

fn with_session(session: IssuedSession) -> Response {
    let home = match session.role.as_str() {
        "clinician" => "/clinician",
        "administrator" => "/admin",
        _ => "/record",
    };
    let mut response = Json(serde_json::json!({ "ok": true, "home": home })).into_response();
    if let Ok(value) = HeaderValue::from_str(&set_cookie(&session.token, session.max_age_secs)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    // The zone the person chose on another browser follows them here.
    if let Some(zone) = &session.time_zone {
        if let Ok(value) = HeaderValue::from_str(&zone_cookie(zone)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The reader's zone cookie (`hoso_tz`, a year, readable by the page for its own formatting).
pub fn zone_cookie(zone: &app::zone::Zone) -> String {
    format!("{}={}; Path=/; SameSite=Lax; Max-Age=31536000", app::zone::ZONE_COOKIE, zone.name())
}

pub async fn enrol_start(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    payload: Result<Json<EnrolStart>, JsonRejection>,
) -> Result<Json<CeremonyStarted>, AuthError> {
    let request = body(payload)?;
    Ok(Json(state.portal.enrol_start(&meta, &request.cccd, &request.code).await?))
}

pub async fn enrol_finish(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    payload: Result<Json<CeremonyFinish>, JsonRejection>,
) -> Result<Response, AuthError> {
    let finish = body(payload)?;
    Ok(with_session(state.portal.enrol_finish(&meta, finish).await?))
}

pub async fn sign_in_start(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
) -> Result<Json<CeremonyStarted>, AuthError> {
    Ok(Json(state.portal.sign_in_start(&meta).await?))
}

pub async fn sign_in_finish(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    payload: Result<Json<CeremonyFinish>, JsonRejection>,
) -> Result<Response, AuthError> {
    let finish = body(payload).map_err(|error| match error {
        AuthError::TooLarge => AuthError::TooLarge,
        _ => AuthError::SignInFailed("malformed body"),
    })?;
    Ok(with_session(state.portal.sign_in_finish(&meta, finish).await?))
}

pub async fn add_passkey_start(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
) -> Result<Json<CeremonyStarted>, AuthError> {
    Ok(Json(state.portal.add_passkey_start(&meta).await?))
}

pub async fn add_passkey_finish(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    payload: Result<Json<CeremonyFinish>, JsonRejection>,
) -> Result<Json<serde_json::Value>, AuthError> {
    let finish = body(payload)?;
    state.portal.add_passkey_finish(&meta, finish).await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// Confirms the signed-in person with a passkey (before destructive administrator actions), step 1.
pub async fn reauth_start(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
) -> Result<Json<CeremonyStarted>, AuthError> {
    Ok(Json(state.portal.reauth_start(&meta).await?))
}

pub async fn reauth_finish(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    payload: Result<Json<CeremonyFinish>, JsonRejection>,
) -> Result<Json<serde_json::Value>, AuthError> {
    let finish = body(payload)?;
    state.portal.reauth_finish(&meta, finish).await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

#[derive(Deserialize)]
pub struct RemovePasskeyForm {
    passkey_id: String,
}

/// HTML form: removes a passkey and goes back to the list with the outcome in the query.
pub async fn remove_passkey(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Form(form): Form<RemovePasskeyForm>,
) -> Response {
    match state.portal.remove_passkey(&meta, &form.passkey_id).await {
        Ok(()) => Redirect::to("/account/passkeys?status=removed").into_response(),
        Err(AuthError::LastPasskey) => Redirect::to("/account/passkeys?error=last_passkey").into_response(),
        Err(AuthError::NotSignedIn) => Redirect::to("/").into_response(),
        Err(AuthError::BadRequest(_)) => Redirect::to("/account/passkeys?error=bad_request").into_response(),
        Err(other) => other.into_response(),
    }
}

#[derive(Deserialize)]
pub struct EndSessionForm {
    /// One session to end; without it, every session but this one ends.
    session_id: Option<String>,
    /// `on` (a ticked checkbox): revoke the person's API tokens too.
    revoke_tokens: Option<String>,
}

/// HTML form: ends one of the person's other sessions, or all of them ("sign out other devices").
pub async fn end_sessions(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Form(form): Form<EndSessionForm>,
) -> Response {
    let id = form.session_id.filter(|id| !id.is_empty());
    let revoke_tokens = form.revoke_tokens.is_some_and(|value| !value.is_empty());
    match state.portal.end_sessions(&meta, id.as_deref(), revoke_tokens).await {
        // The page says what ended and what stays active (API tokens are not devices).
        Ok(ended) => Redirect::to(&format!(
            "/account/passkeys?status=sessions_ended&tokens_revoked={}&tokens_active={}",
            ended.tokens_revoked, ended.tokens_still_active
        ))
        .into_response(),
        Err(AuthError::NotSignedIn) => Redirect::to("/").into_response(),
        Err(AuthError::BadRequest(_)) => Redirect::to("/account/passkeys?error=bad_request").into_response(),
        Err(other) => other.into_response(),
    }
}

/// HTML form: signs out and clears the cookie.
pub async fn sign_out(State(state): State<AppState>, Extension(meta): Extension<RequestMeta>) -> Response {
    let outcome = state.portal.sign_out(&meta).await;
    let mut response = match outcome {
        Ok(()) => Redirect::to("/?signed_out=1").into_response(),
        Err(error) => error.into_response(),
    };
    if let Ok(value) = HeaderValue::from_str(&clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    to: String,
    back: Option<String>,
}

/// `/tz?zone=<tz database name>&back=<path>`.
#[derive(Deserialize)]
pub struct ZoneQuery {
    zone: String,
    back: Option<String>,
}

/// Sets the reader's time zone (the `hoso_tz` cookie, [`app::zone`]) and goes back to the page
/// the person was on (same origin only, as [`switch_language`]). A name the IANA tz database does
/// not know (`ICT`, `+07:00`, a typo) is a 400 page that says so, and no cookie is set.
pub async fn switch_zone(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    headers: axum::http::HeaderMap,
    Query(query): Query<ZoneQuery>,
) -> Response {
    let Some(zone) = app::zone::Zone::named(query.zone.trim()) else {
        let cookies = headers.get(header::COOKIE).and_then(|value| value.to_str().ok()).unwrap_or_default();
        let lang = Lang::from_cookie_header(cookies);
        return super::message_page(
            StatusCode::BAD_REQUEST,
            lang,
            app::i18n::Key::ZoneTitle.text(lang),
            app::i18n::Key::ZoneUnknown.text(lang),
            "",
            None,
        );
    };
    // Signed in: the choice is kept with the account too, so it follows the person to other
    // browsers (a session that has ended just sets the cookie, as for anyone signed out).
    if let Err(error) = state.portal.remember_zone(&meta, &zone).await {
        tracing::warn!(%error, "time zone not kept with the account");
    }
    let back = super::redirect::same_origin_or(&state.portal.config.public_url, query.back.as_deref(), "/");
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&zone_cookie(&zone)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Sets the language cookie and goes back to the page the person was on: only a path of the
/// portal's own origin, as a browser would parse it ([`super::redirect::same_origin`]); anything
/// else goes to the home page. An undecodable query is a 400 (the extractor's rejection).
pub async fn switch_language(State(state): State<AppState>, Query(query): Query<LanguageQuery>) -> Response {
    let lang = Lang::from_code(&query.to).unwrap_or_default();
    let back = super::redirect::same_origin_or(&state.portal.config.public_url, query.back.as_deref(), "/");
    let mut response = Redirect::to(&back).into_response();
    let cookie = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.code());
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
