use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{use_t, Key};

/// A plain-words notice for an error from the server, with the next step where there is one.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let t = use_t();
    let (message, sign_in) = match error {
        AppError::Unauthenticated => (Key::ErrUnauthenticated, true),
        AppError::Forbidden => (Key::ErrForbidden, false),
        AppError::ReauthRequired => (Key::ErrReauthRequired, false),
        AppError::NotFound => (Key::ErrNotFound, false),
        AppError::BadRequest => (Key::ErrBadRequest, false),
        AppError::Invalid(input) => (Key::for_invalid(input), false),
        AppError::Unavailable => (Key::ErrUnavailable, false),
        AppError::TooManyRequests => (Key::ErrTooManyRequests, false),
        AppError::AwaitingConfirmation => (Key::ErrAwaitingConfirmation, false),
        AppError::Transport => (Key::ErrGeneric, false),
    };
    view! {
        <div class="notice notice-error" role="alert">
            <p>{t(message)}</p>
            {sign_in.then(|| view! { <p><a href="/">{t(Key::SignInTitle)}</a></p> })}
        </div>
    }
}

/// The translated text for an authentication error code.
pub fn auth_error_key(code: crate::dto::AuthErrorCode) -> Key {
    use crate::dto::AuthErrorCode as C;
    match code {
        C::SignInFailed => Key::ErrSignInFailed,
        C::EnrolmentRefused => Key::ErrEnrolmentRefused,
        C::InvalidCccd => Key::ErrInvalidCccd,
        C::CeremonyExpired => Key::ErrCeremonyExpired,
        C::NotSignedIn => Key::ErrNotSignedIn,
        C::LastPasskey => Key::ErrLastPasskey,
        C::TooLarge => Key::ErrTooLarge,
        C::BadRequest => Key::ErrBadRequest,
        C::Unavailable => Key::ErrUnavailable,
        C::TooManyRequests => Key::ErrTooManyRequests,
    }
}
