//! The one error type that crosses from server to browser. It is user-safe by construction:
//! a variant names what happened in terms a person can act on, never an internal detail.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// A destructive administrator action needs a passkey confirmation first (sudo mode).
    #[error("re-authentication required")]
    ReauthRequired,
    #[error("not found")]
    NotFound,
    #[error("bad request")]
    BadRequest,
    /// A form field is wrong; the code names what, for a precise message.
    #[error("invalid input: {0:?}")]
    Invalid(InvalidInput),
    #[error("service unavailable")]
    Unavailable,
    /// Too many attempts from this address or account; try again after `Retry-After` seconds.
    #[error("too many requests")]
    TooManyRequests,
    /// A staff account an administrator created, not yet confirmed by a second administrator (or
    /// its facility's identity provider): it reads nothing until then.
    #[error("awaiting confirmation")]
    AwaitingConfirmation,
    /// Transport or decoding trouble between browser and server.
    #[error("request failed")]
    Transport,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::ReauthRequired | AppError::AwaitingConfirmation => 403,
            AppError::NotFound => 404,
            AppError::BadRequest => 400,
            AppError::Invalid(_) => 422,
            AppError::Unavailable => 503,
            AppError::TooManyRequests => 429,
            AppError::Transport => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Whatever the caller sent that could not be decoded into the function's arguments
            // (missing, malformed, not UTF-8, the wrong encoding) is their mistake: a 400.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            _ => AppError::Transport,
        }
    }
}

/// What exactly was wrong with a submitted form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidInput {
    /// A grant that ends before (or when) it starts.
    ExpiryBeforeStart,
    /// A grant longer than the maximum.
    ExpiryTooFar,
    /// A grant that starts in the past.
    StartInPast,
    /// A date that is not `YYYY-MM-DD`.
    BadDate,
    /// No clinician or facility with this id.
    UnknownGrantee,
    /// Insurance assessment without the explicit written request, or an unknown purpose.
    PurposeNotAllowed,
    /// No category chosen.
    NoCategories,
    /// A category code that does not exist.
    UnknownCategory,
    /// A break-glass reason shorter than the minimum.
    ReasonTooShort,
    /// A grant id that is not one of the caller's grants.
    UnknownGrant,
    /// Not a CCCD (12 digits), social-insurance number (10 digits) or BHYT card (15 characters).
    InvalidIdentifier,
    /// A health-card selection that names no doses of this person.
    UnknownCardSelection,
    /// More doses than one QR code can carry.
    CardTooLarge,
    /// A required text (a reason, a note, a name) that is empty or too short.
    TextTooShort,
    /// A text longer than the field allows.
    TextTooLong,
    /// No person, clinician, facility, code or event with this id.
    UnknownTarget,
    /// A CCCD that matches no record, or a record that already has an account.
    NoEnrolableRecord,
    /// An action that does not apply to this account in its present state (e.g. suspending oneself).
    NotApplicable,
    /// An identity provider's issuer that is not an https URL (http only on localhost).
    BadIssuer,
    /// A provider subject that is already linked to an account.
    AlreadyLinked,
    /// Work of this kind (an export) is already running; wait for it to finish.
    AlreadyRunning,
    /// Separation of duties: the administrator who issued a code, made a link or created an account
    /// cannot also approve or confirm it; another administrator must.
    SecondAdministratorRequired,
    /// A staff enrolment code's CCCD differs from the identity verified for that account.
    IdentityMismatch,
    /// Nothing awaits approval or confirmation here (already done, used, cancelled or expired).
    NothingToApprove,
    /// A guardian link to a record whose person is 16 or older: they decide alone (Law 91/2025
    /// Art. 24; Law on Children Art. 1).
    NotAChild,
    /// A guardian who is a child themselves (under 16).
    GuardianIsAChild,
    /// A guardianship basis that is not one of [`crate::dto::GuardianBasis`].
    UnknownGuardianBasis,
    /// A helper who is under 16, or a child choosing a helper (a child's guardian acts for them).
    HelperIsAChild,
    /// A helper link's length that is not a whole number of days from 1 to 365.
    HelperDuration,
    /// A guardian sharing the record of a child aged 7 or more without confirming that the child
    /// agrees (Law 91/2025/QH15 Art. 24(2)).
    ChildConsentNeeded,
}
