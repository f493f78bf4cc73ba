//! Service errors and their one mapping to the user-safe [`app::error::AppError`].
//! Internal details are logged here and never sent.

use app::error::{AppError, InvalidInput};

use crate::policy::DenyReason;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not authenticated")]
    Unauthenticated,
    #[error("forbidden: {0}")]
    Forbidden(DenyReason),
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("invalid input: {0:?}")]
    Invalid(InvalidInput),
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    /// A fault of the server's own (not of the input, not of storage): answered as unavailable,
    /// logged with its text.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> AppError {
        match error {
            ServiceError::Unauthenticated => AppError::Unauthenticated,
            ServiceError::Forbidden(DenyReason::NotAuthenticated) => AppError::Unauthenticated,
            ServiceError::Forbidden(DenyReason::ReauthRequired) => AppError::ReauthRequired,
            ServiceError::Forbidden(DenyReason::StaffNotConfirmed) => AppError::AwaitingConfirmation,
            ServiceError::Forbidden(DenyReason::SecondAdministratorRequired) => {
                AppError::Invalid(InvalidInput::SecondAdministratorRequired)
            }
            ServiceError::Forbidden(_) => AppError::Forbidden,
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::BadRequest(_) => AppError::BadRequest,
            ServiceError::Invalid(what) => AppError::Invalid(what),
            ServiceError::Store(StoreError::LimitReached(what)) => {
                tracing::warn!(what, "storage limit reached");
                AppError::TooManyRequests
            }
            ServiceError::Store(error) => {
                tracing::error!(%error, "storage failure");
                AppError::Unavailable
            }
            ServiceError::Internal(error) => {
                tracing::error!(%error, "internal failure");
                AppError::Unavailable
            }
        }
    }
}
