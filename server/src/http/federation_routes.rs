//! Federated sign-in over HTTP: `/auth/oidc/start` sends the browser to a provider,
//! `/auth/oidc/callback` is where it comes back, `/auth/enrol/proofed/start` begins the passkey
//! step after identity proofing. These are browser navigations, so outcomes are small pages in
//! the person's language (with the precise status), not JSON.

use app::dto::CeremonyStarted;
use app::i18n::{Key, Lang};
use app::port::RequestMeta;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde::Deserialize;

use super::{message_page, AppState};
use crate::auth::federation::{
    CallbackQuery, Completed, FederationError, Provider, Refusal, Refused, BROWSER_COOKIE, LOGIN_TTL_MS, PROOF_CODE_TTL_MS, PROOF_COOKIE,
};
use crate::auth::session::{cookie, set_cookie};
use crate::auth::AuthError;

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    /// A facility id: a clinician signs in at that facility's provider.
    facility: Option<String>,
    /// `national`: a citizen proves who they are at the national identity provider.
    provider: Option<String>,
}

fn cookies(headers: &HeaderMap) -> &str {
    headers.get(header::COOKIE).and_then(|value| value.to_str().ok()).unwrap_or_default()
}

fn lang(headers: &HeaderMap) -> Lang {
    Lang::from_cookie_header(cookies(headers))
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn refusal_page(refused: &Refused, lang: Lang) -> Response {
    let message = match refused.refusal {
        Refusal::MissingState | Refusal::UnknownState | Refusal::ExpiredState | Refusal::BrowserMismatch | Refusal::MissingCode => {
            Key::FedStateInvalid
        }
        Refusal::ProviderError => Key::FedProviderDenied,
        Refusal::UnknownProvider => Key::FedUnknownProvider,
        Refusal::ProviderUnavailable => Key::FedProviderUnavailable,
        Refusal::CodeRejected
        | Refusal::NoIdToken
        | Refusal::WrongIssuer
        | Refusal::WrongAudience
        | Refusal::ExpiredIdToken
        | Refusal::WrongNonce
        | Refusal::BadSignature
        | Refusal::InvalidIdToken => Key::FedTokenInvalid,
        Refusal::UnknownSubject => Key::FedUnknownSubject,
        Refusal::AccountSuspended => Key::FedSuspended,
        Refusal::ClaimMissing => Key::FedClaimMissing,
        Refusal::NoMatchingRecord => Key::FedNoRecord,
        Refusal::AlreadyEnrolled => Key::FedAlreadyEnrolled,
    };
    let detail = refused
        .subject
        .as_deref()
        .map(|subject| {
            format!("<p>{}: <code data-testid=\"provider-subject\">{}</code></p>", Key::FedSubjectLabel.text(lang), escape(subject))
        })
        .unwrap_or_default();
    let status = StatusCode::from_u16(refused.refusal.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = message_page(status, lang, Key::FedTitle.text(lang), message.text(lang), &detail, None);
    if let Ok(value) = HeaderValue::from_str(refused.refusal.code()) {
        response.headers_mut().insert("x-hoso-refusal", value);
    }
    response
}

fn failure(error: FederationError, lang: Lang) -> Response {
    match error {
        FederationError::Refused(refused) => refusal_page(&refused, lang),
        FederationError::Store(error) => {
            tracing::error!(error = %error, "federated sign-in failed on storage");
            message_page(StatusCode::SERVICE_UNAVAILABLE, lang, Key::FedTitle.text(lang), Key::ErrUnavailable.text(lang), "", None)
        }
    }
}

/// `GET /auth/oidc/start?facility=<id>` or `?provider=national`: to the provider's sign-in page.
pub async fn start(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    headers: HeaderMap,
    Query(query): Query<StartQuery>,
) -> Response {
    let lang = lang(&headers);
    let provider = match (query.facility.filter(|id| !id.is_empty() && id.len() <= 64), query.provider.as_deref()) {
        (Some(facility_id), None) => Provider::Facility(facility_id),
        (None, Some("national")) => Provider::National,
        _ => return refusal_page(&Refused { refusal: Refusal::UnknownProvider, subject: None, patient_id: None }, lang),
    };
    match state.portal.federation_start(&meta, provider).await {
        Ok(started) => {
            // Lax, not Strict: the provider sends the browser back with a cross-site navigation.
            // `__Host-` (Path=/, no Domain): no sibling host can plant or overwrite it.
            let binding = format!(
                "{BROWSER_COOKIE}={}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={}",
                started.browser_token,
                LOGIN_TTL_MS / 1000
            );
            with_cookie(Redirect::to(&started.authorize_url).into_response(), &binding)
        }
        Err(error) => failure(error, lang),
    }
}

/// `GET /auth/oidc/callback?code=…&state=…`: the provider sent the browser back.
pub async fn callback(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = lang(&headers);
    let browser = cookie(cookies(&headers), BROWSER_COOKIE);
    // A query that does not parse (e.g. a repeated `state`) is treated as carrying no state:
    // refused with the page, and audited, like every other refusal.
    let query = query.map(|Query(query)| query).unwrap_or_default();
    match state.portal.federation_callback(&meta, &query, browser.as_deref()).await {
        // The session cookie is SameSite=Strict, and this response ends a cross-site navigation:
        // the next page is loaded from our own page (a refresh), where the browser sends it.
        Ok(Completed::SignedIn(session)) => {
            let home = if session.role == "clinician" { "/clinician" } else { "/" };
            let page = message_page(StatusCode::OK, lang, Key::FedTitle.text(lang), Key::Loading.text(lang), "", Some(home));
            let page = with_cookie(page, &set_cookie(&session.token, session.max_age_secs));
            match &session.time_zone {
                Some(zone) => with_cookie(page, &super::auth_routes::zone_cookie(zone)),
                None => page,
            }
        }
        Ok(Completed::Proofed { enrolment_code }) => {
            let proof = format!(
                "{PROOF_COOKIE}={}; Path=/auth/enrol; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
                enrolment_code.replace('-', ""),
                PROOF_CODE_TTL_MS / 1000
            );
            let page = message_page(StatusCode::OK, lang, Key::FedTitle.text(lang), Key::Loading.text(lang), "", Some("/enrol?proofed=1"));
            with_cookie(page, &proof)
        }
        Err(error) => failure(error, lang),
    }
}

/// `POST /auth/enrol/proofed/start`: the passkey step after identity proofing (the code comes
/// from the HttpOnly cookie the callback set; the page never sees it).
pub async fn proofed_start(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    headers: HeaderMap,
) -> Result<Json<CeremonyStarted>, AuthError> {
    let code = cookie(cookies(&headers), PROOF_COOKIE).ok_or(AuthError::EnrolmentRefused("no proofing cookie"))?;
    Ok(Json(state.portal.enrol_start_proofed(&meta, &code).await?))
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            other => other.to_string(),
        })
        .collect()
}
