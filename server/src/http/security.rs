//! Middleware. Guarantees for every response: a request id; CSP with a per-request nonce,
//! `frame-ancestors 'none'`, `nosniff`, `Referrer-Policy: same-origin` (a stricter
//! `no-referrer` would make browsers send `Origin: null` on our own form posts, which the origin
//! check below refuses); `Cache-Control: no-store` on
//! everything except the versioned static bundle. Unsafe methods from another origin are refused.
//! Requests under a host other than the public URL's are redirected there (passkeys need it).
//! Logs carry method, path (never the query), status, latency and request id: no bodies, no cookies.

use std::time::Instant;

use app::port::{CspNonce, RequestMeta, SessionToken};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngCore;

use super::AppState;
use crate::auth::session::token_from_cookie_header;

#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn random(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// Outermost: request id, and one log line per request.
pub async fn trace(mut request: Request, next: Next) -> Response {
    let request_id = random(12);
    request.extensions_mut().insert(RequestId(request_id.clone()));
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let mut response = next.run(request).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros();
    if path != "/healthz" {
        tracing::info!(request_id = %request_id, %method, %path, status, micros, "request");
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Where the portal publishes its health-card keys (SMART Health Cards: `<iss>/.well-known/jwks.json`).
pub const JWKS_PATH: &str = "/.well-known/jwks.json";

/// Host redirect and cross-origin refusal, before anything else runs.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let public = &state.portal.config.public_url;
    let expected_host = match public.port() {
        Some(port) => format!("{}:{port}", public.host_str().unwrap_or_default()),
        None => public.host_str().unwrap_or_default().to_string(),
    };
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok()).map(str::to_string);
    if let Some(host) = host {
        if !host.eq_ignore_ascii_case(&expected_host) {
            if matches!(*request.method(), Method::GET | Method::HEAD) {
                let path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let origin = public.origin().ascii_serialization();
                return Redirect::permanent(&format!("{origin}{path}")).into_response();
            }
            return (StatusCode::MISDIRECTED_REQUEST, "Use the portal's public address.").into_response();
        }
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let origin = request.headers().get(header::ORIGIN).and_then(|value| value.to_str().ok());
        if let Some(origin) = origin {
            if origin != public.origin().ascii_serialization() {
                return (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response();
            }
        }
    }
    next.run(request).await
}

/// The request body limit (`HOSO_MAX_BODY_BYTES`), except for a facility's `POST /fhir`, whose
/// handler streams the body to disk and holds it to `HOSO_IMPORT_MAX_BYTES` itself.
///
/// The body is read here, whole and bounded, before any handler or server function sees it: a
/// declared or streamed (chunked) body over the limit is a 413, a body that breaks off is a 400,
/// and neither reaches code that could answer 500 for it. A query string that is not UTF-8 once
/// percent-decoded is a 400 too.
pub async fn body_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    use http_body_util::BodyExt;
    // An address whose query holds bytes that are not UTF-8 once percent-decoded is the caller's
    // mistake, whatever the route: a 400 before any extractor reads it lossily or fails.
    if let Some(query) = request.uri().query() {
        if percent_encoding::percent_decode_str(query).decode_utf8().is_err() {
            return (StatusCode::BAD_REQUEST, "The address holds bytes that are not UTF-8.").into_response();
        }
    }
    if request.method() == Method::POST && request.uri().path() == "/fhir" {
        return next.run(request).await;
    }
    let limit = state.portal.config.max_body_bytes;
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.").into_response();
    }
    let (parts, body) = request.into_parts();
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => next.run(Request::from_parts(parts, Body::from(collected.to_bytes()))).await,
        Err(error) if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large.").into_response()
        }
        Err(_) => (StatusCode::BAD_REQUEST, "The request body could not be read.").into_response(),
    }
}

/// The header `server_fn` marks its error answers with.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// A server function that cannot decode its arguments (missing, malformed, not UTF-8, a JSON
/// body where a form is expected) is answered by `server_fn` itself with status 500 and our
/// error's JSON (`{"kind":"bad_request"}`). This gives such answers the status the error names
/// ([`app::error::AppError::status`]), so a caller's mistake is a 4xx, never a 5xx.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Paths any site may use: static assets, the published card keys, the liveness probe, the
/// OpenID callback (providers send the browser back from their own site) and the machine
/// credentials' token endpoint (no browser involved).
pub fn open_to_other_sites(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/favicon.svg"
        || path == JWKS_PATH
        || path == "/healthz"
        || path == crate::auth::federation::CALLBACK_PATH
        || path == super::import_routes::TOKEN_PATH
}

/// What Fetch Metadata says about where a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Initiator {
    /// The portal's own pages, a typed address or bookmark, or a client that sends no Fetch
    /// Metadata (not a browser, or one too old to send it: the origin check below still applies).
    OwnPages,
    /// A top-level navigation from another site (a link followed from elsewhere).
    OtherSiteNavigation,
    /// Anything else from another site or a sibling site (`<img>`, `fetch`, a form post, a frame).
    OtherSite,
}

/// Classifies a request by its `Sec-Fetch-Site`, `Sec-Fetch-Mode` and `Sec-Fetch-Dest` headers
/// (W3C Fetch Metadata Request Headers). `same-site` counts as another site: a sibling
/// subdomain (or another port of the same host) is not the portal.
pub fn initiator(headers: &axum::http::HeaderMap, method: &Method) -> Initiator {
    let value = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::to_ascii_lowercase);
    match value("sec-fetch-site").as_deref() {
        None | Some("same-origin") | Some("none") => Initiator::OwnPages,
        Some(_) => {
            let navigate = value("sec-fetch-mode").as_deref() == Some("navigate");
            let document = matches!(value("sec-fetch-dest").as_deref(), None | Some("document") | Some("empty"));
            if navigate && document && matches!(*method, Method::GET | Method::HEAD) {
                Initiator::OtherSiteNavigation
            } else {
                Initiator::OtherSite
            }
        }
    }
}

/// Resource isolation: a request that another site (or a sibling site) makes the browser send is
/// refused before anything reads health data, writes an audit row or changes state. A bearer
/// token on `/fhir` is not ambient (the browser never adds it by itself), so such calls pass. A
/// link followed from another site to a page, carrying the session cookie (only a sibling site's
/// links do: the cookie is `SameSite=Strict`), gets a page with a link to continue instead of the
/// page itself, so that nothing is read in the person's name until they click on the portal's
/// own page.
pub async fn fetch_metadata(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let initiator = initiator(request.headers(), request.method());
    if initiator == Initiator::OwnPages || open_to_other_sites(path) {
        return next.run(request).await;
    }
    let bearer = request.headers().get(header::AUTHORIZATION).is_some() && (path == "/fhir" || path.starts_with("/fhir/"));
    if bearer && request.method() == Method::GET {
        return next.run(request).await;
    }
    let cookies: Vec<&str> = request.headers().get_all(header::COOKIE).iter().filter_map(|value| value.to_str().ok()).collect();
    let signed_in = cookies.iter().any(|header| token_from_cookie_header(header).is_some());
    if initiator == Initiator::OtherSiteNavigation {
        if !signed_in {
            return next.run(request).await;
        }
        let lang = cookies.iter().map(|header| app::i18n::Lang::from_cookie_header(header)).next().unwrap_or_default();
        let wanted = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let target = super::redirect::same_origin_or(&state.portal.config.public_url, Some(wanted), "/");
        return continue_page(lang, &target);
    }
    tracing::info!(%path, "request from another site refused");
    if path.starts_with("/api/") {
        return super::error_response(app::error::AppError::Forbidden);
    }
    (StatusCode::FORBIDDEN, "Request from another site refused.").into_response()
}

/// The page a link from another site lands on while signed in: what happened and a link to go on.
fn continue_page(lang: app::i18n::Lang, target: &str) -> Response {
    use app::i18n::Key;
    let link = format!(
        "<p><a class=\"button\" data-testid=\"cross-site-continue\" href=\"{}\">{}</a></p>",
        super::federation_routes::escape(target),
        Key::CrossSiteContinue.text(lang)
    );
    let mut response =
        super::message_page(StatusCode::OK, lang, Key::CrossSiteTitle.text(lang), Key::CrossSiteMessage.text(lang), &link, None);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Request metadata for the app (session cookie, request id, the one clock reading, CSP nonce)
/// and the security headers of the response.
pub async fn request_meta(State(state): State<AppState>, mut request: Request<Body>, next: Next) -> Response {
    let now_ms = state.portal.clock.now_ms();
    let request_id = request.extensions().get::<RequestId>().map(|id| id.0.clone()).unwrap_or_else(|| random(12));
    let session_token = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(token_from_cookie_header)
        .map(SessionToken);
    // On the FHIR API an `Authorization: Bearer` token stands for the person instead of the cookie.
    let path = request.uri().path();
    let bearer_token = (path == "/fhir" || path.starts_with("/fhir/"))
        .then(|| request.headers().get(header::AUTHORIZATION).and_then(|value| value.to_str().ok()))
        .flatten()
        .and_then(|value| value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")))
        .map(|token| SessionToken(token.trim().to_string()));
    let session_token = if bearer_token.is_some() { None } else { session_token };
    let zone = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(app::zone::Zone::from_cookie_header)
        .find(|zone| *zone != app::zone::Zone::default())
        .unwrap_or_default();
    let nonce = random(16);
    request.extensions_mut().insert(RequestMeta { session_token, bearer_token, request_id, now_ms, zone });
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = request.uri().path().to_string();
    // Public keys are meant to be cached by verifiers; the verifier page may use the camera.
    let public_keys = path == JWKS_PATH;
    let camera = path == "/verify";
    let mut response = next.run(request).await;
    let status = response.status();
    let headers = response.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(if camera {
            "camera=(self), microphone=(), geolocation=(), payment=()"
        } else {
            "camera=(), microphone=(), geolocation=(), payment=()"
        }),
    );
    if state.portal.config.public_url.scheme() == "https" {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    // Static files: a year for content-named ones, revalidation for the rest (http::assets);
    // a refusal or a missing file is never cached. Their precompressed copies depend on
    // Accept-Encoding, so caches must key on it.
    let static_cache = if status.is_success() { super::assets::names().cache_control(&path) } else { None };
    match static_cache {
        Some(cache_control) => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
            if !headers.get_all(header::VARY).iter().any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding")) {
                headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
            }
        }
        None if public_keys && status.is_success() => {}
        None => {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    response
}
