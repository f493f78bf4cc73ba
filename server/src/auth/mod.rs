//! Authentication: passkey enrolment and sign-in (WebAuthn), server-side sessions.
//!
//! Guarantees: ceremony state lives only on the server, is single-use and expires after
//! [`passkeys::CEREMONY_TTL_MS`]; passkeys bind to a random user handle, never a CCCD or name;
//! signature counters are persisted on every sign-in; every failed sign-in or enrolment answers
//! with one fixed message, whatever went wrong.

pub mod federation;
pub mod passkeys;
pub mod session;

use app::dto::{AuthErrorBody, AuthErrorCode};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::ServiceError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Sign-in failed for any reason: wrong credential, unknown user, replay, suspended account.
    #[error("sign-in failed: {0}")]
    SignInFailed(&'static str),
    /// Enrolment refused for any reason: wrong or used or expired code, CCCD mismatch.
    #[error("enrolment refused: {0}")]
    EnrolmentRefused(&'static str),
    #[error("malformed CCCD")]
    InvalidCccd,
    #[error("ceremony unknown or expired")]
    CeremonyExpired,
    #[error("not signed in")]
    NotSignedIn,
    #[error("cannot remove the last passkey")]
    LastPasskey,
    #[error("body too large")]
    TooLarge,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Too many enrolment-code attempts for one CCCD.
    #[error("too many attempts")]
    TooManyAttempts,
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("webauthn: {0}")]
    Webauthn(#[from] webauthn_rs::prelude::WebauthnError),
}

impl From<ServiceError> for AuthError {
    fn from(error: ServiceError) -> AuthError {
        match error {
            ServiceError::Store(error) => AuthError::Store(error),
            ServiceError::BadRequest(what) => AuthError::BadRequest(what),
            _ => AuthError::NotSignedIn,
        }
    }
}

impl From<AuthError> for ServiceError {
    fn from(error: AuthError) -> ServiceError {
        match error {
            AuthError::Store(error) => ServiceError::Store(error),
            AuthError::NotSignedIn => ServiceError::Unauthenticated,
            other => {
                tracing::warn!(error = %other, "authentication error in a record request");
                ServiceError::BadRequest("authentication")
            }
        }
    }
}

impl AuthError {
    pub fn code(&self) -> (StatusCode, AuthErrorCode) {
        match self {
            AuthError::SignInFailed(_) => (StatusCode::UNAUTHORIZED, AuthErrorCode::SignInFailed),
            AuthError::EnrolmentRefused(_) => (StatusCode::BAD_REQUEST, AuthErrorCode::EnrolmentRefused),
            AuthError::InvalidCccd => (StatusCode::UNPROCESSABLE_ENTITY, AuthErrorCode::InvalidCccd),
            AuthError::CeremonyExpired => (StatusCode::BAD_REQUEST, AuthErrorCode::CeremonyExpired),
            AuthError::NotSignedIn => (StatusCode::UNAUTHORIZED, AuthErrorCode::NotSignedIn),
            AuthError::LastPasskey => (StatusCode::CONFLICT, AuthErrorCode::LastPasskey),
            AuthError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, AuthErrorCode::TooLarge),
            AuthError::BadRequest(_) => (StatusCode::BAD_REQUEST, AuthErrorCode::BadRequest),
            AuthError::TooManyAttempts => (StatusCode::TOO_MANY_REQUESTS, AuthErrorCode::TooManyRequests),
            // A bounded table is full (e.g. live sign-in ceremonies): "try again later", not a fault.
            AuthError::Store(StoreError::LimitReached(_)) => (StatusCode::TOO_MANY_REQUESTS, AuthErrorCode::TooManyRequests),
            AuthError::Store(_) => (StatusCode::SERVICE_UNAVAILABLE, AuthErrorCode::Unavailable),
            AuthError::Webauthn(_) => (StatusCode::UNAUTHORIZED, AuthErrorCode::SignInFailed),
        }
    }

    /// The one fixed English message per code (the browser shows its own translation).
    pub fn public_message(code: AuthErrorCode) -> &'static str {
        match code {
            AuthErrorCode::SignInFailed => "Sign-in failed.",
            AuthErrorCode::EnrolmentRefused => "The citizen ID or enrolment code is wrong, already used or expired.",
            AuthErrorCode::InvalidCccd => "A citizen ID has exactly 12 digits.",
            AuthErrorCode::CeremonyExpired => "The passkey request expired. Please try again.",
            AuthErrorCode::NotSignedIn => "Not signed in.",
            AuthErrorCode::LastPasskey => "You cannot remove your last passkey.",
            AuthErrorCode::TooLarge => "The request is too large.",
            AuthErrorCode::BadRequest => "The request is not valid.",
            AuthErrorCode::Unavailable => "The service is temporarily unavailable.",
            AuthErrorCode::TooManyRequests => "Too many attempts. Please wait and try again.",
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        match &self {
            AuthError::Store(_) => tracing::error!(error = %self, "authentication failed on storage"),
            _ => tracing::info!(error = %self, "authentication refused"),
        }
        let (status, code) = self.code();
        (status, Json(AuthErrorBody { error: code, message: AuthError::public_message(code).into() })).into_response()
    }
}
