//! Browser-only code: the passkey ceremonies, spoken to `/auth/*` with JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::dto::{AuthErrorBody, AuthErrorCode, CeremonyFinish, CeremonyStarted, EnrolStart};

#[wasm_bindgen(module = "/src/webauthn.js")]
extern "C" {
    #[wasm_bindgen(js_name = passkeysSupported)]
    fn passkeys_supported_js() -> bool;
    #[wasm_bindgen(js_name = createPasskey, catch)]
    async fn create_passkey(options: String) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = getPasskey, catch)]
    async fn get_passkey(options: String) -> Result<JsValue, JsValue>;
}

/// Why a ceremony did not complete, as the page reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CeremonyError {
    /// The authenticator or the person cancelled, or the browser refused.
    Cancelled,
    Server(AuthErrorCode),
}

pub fn passkeys_supported() -> bool {
    passkeys_supported_js()
}

async fn post_json<B: Serialize, R: DeserializeOwned>(path: &str, body: &B) -> Result<R, CeremonyError> {
    let request = gloo_net::http::Request::post(path).json(body).map_err(|_| CeremonyError::Server(AuthErrorCode::BadRequest))?;
    let response = request.send().await.map_err(|_| CeremonyError::Server(AuthErrorCode::Unavailable))?;
    if response.ok() {
        response.json::<R>().await.map_err(|_| CeremonyError::Server(AuthErrorCode::Unavailable))
    } else {
        let code = response.json::<AuthErrorBody>().await.map(|body| body.error).unwrap_or(AuthErrorCode::Unavailable);
        Err(CeremonyError::Server(code))
    }
}

/// Posts the credential; returns the home page the server names for the signed-in role.
async fn finish(path: &str, ceremony_id: String, credential: Result<JsValue, JsValue>) -> Result<String, CeremonyError> {
    let credential = credential.map_err(|_| CeremonyError::Cancelled)?;
    let credential = credential.as_string().ok_or(CeremonyError::Cancelled)?;
    let credential: serde_json::Value = serde_json::from_str(&credential).map_err(|_| CeremonyError::Cancelled)?;
    let answer: serde_json::Value = post_json(path, &CeremonyFinish { ceremony_id, credential }).await?;
    Ok(answer.get("home").and_then(|home| home.as_str()).filter(|home| home.starts_with('/')).unwrap_or("/record").to_string())
}

fn options_text(started: &CeremonyStarted) -> Result<String, CeremonyError> {
    serde_json::to_string(&started.options).map_err(|_| CeremonyError::Server(AuthErrorCode::BadRequest))
}

/// Enrolment: CCCD + one-time code, then a new passkey. Returns the home page to go to.
pub async fn enrol(cccd: String, code: String) -> Result<String, CeremonyError> {
    let started: CeremonyStarted = post_json("/auth/enrol/start", &EnrolStart { cccd, code }).await?;
    let credential = create_passkey(options_text(&started)?).await;
    finish("/auth/enrol/finish", started.ceremony_id, credential).await
}

/// Enrolment after identity proofing: the server reads the proofed code from its HttpOnly
/// cookie; a new passkey follows. Returns the home page to go to.
pub async fn enrol_proofed() -> Result<String, CeremonyError> {
    let started: CeremonyStarted = post_json("/auth/enrol/proofed/start", &serde_json::json!({})).await?;
    let credential = create_passkey(options_text(&started)?).await;
    finish("/auth/enrol/finish", started.ceremony_id, credential).await
}

/// Sign-in with a discoverable passkey. Returns the home page to go to.
pub async fn sign_in() -> Result<String, CeremonyError> {
    let started: CeremonyStarted = post_json("/auth/signin/start", &serde_json::json!({})).await?;
    let credential = get_passkey(options_text(&started)?).await;
    finish("/auth/signin/finish", started.ceremony_id, credential).await
}

/// Adds another passkey to the signed-in account.
pub async fn add_passkey() -> Result<(), CeremonyError> {
    let started: CeremonyStarted = post_json("/auth/passkeys/start", &serde_json::json!({})).await?;
    let credential = create_passkey(options_text(&started)?).await;
    finish("/auth/passkeys/finish", started.ceremony_id, credential).await.map(|_| ())
}

/// Confirms the signed-in person with one of their passkeys (before destructive administrator actions).
pub async fn reauth() -> Result<(), CeremonyError> {
    let started: CeremonyStarted = post_json("/auth/reauth/start", &serde_json::json!({})).await?;
    let credential = get_passkey(options_text(&started)?).await;
    finish("/auth/reauth/finish", started.ceremony_id, credential).await.map(|_| ())
}

/// Full navigation, so the new session cookie is used for a server-rendered page.
pub fn go_to(path: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
}

/// The language cookie, read on the client so hydration renders the same text as the server.
pub fn cookie_header() -> String {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|document| document.cookie().ok())
        .unwrap_or_default()
}

#[wasm_bindgen(module = "/src/scan.js")]
extern "C" {
    #[wasm_bindgen(js_name = scanSupported)]
    fn scan_supported_js() -> bool;
    #[wasm_bindgen(js_name = scanQr, catch)]
    async fn scan_qr_js(video: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = stopScan)]
    fn stop_scan_js();
}

/// Whether this browser can scan a QR code with the camera.
pub fn scan_supported() -> bool {
    scan_supported_js()
}

/// Shows the camera in `video` until a `shc:/` code is seen (`Ok(Some)`), scanning is stopped
/// (`Ok(None)`), or the camera cannot be used (`Err`).
pub async fn scan_qr(video: &JsValue) -> Result<Option<String>, ()> {
    scan_qr_js(video).await.map(|value| value.as_string()).map_err(|_| ())
}

pub fn stop_scan() {
    stop_scan_js();
}
