pub mod access_log;
pub mod admin;
pub mod card;
pub mod clinician;
pub mod clinician_patient;
pub mod enrol;
pub mod family;
pub mod not_found;
pub mod overview;
pub mod passkeys;
pub mod sharing;
pub mod sign_in;
pub mod vaccinations;
pub mod verify;
pub mod visit_detail;
pub mod visits;

use crate::i18n::Key;

/// The page text for a failed passkey ceremony.
#[cfg(feature = "hydrate")]
pub(crate) fn ceremony_error_key(error: crate::client::CeremonyError) -> Key {
    match error {
        crate::client::CeremonyError::Cancelled => Key::ErrCancelled,
        crate::client::CeremonyError::Server(code) => crate::components::error_notice::auth_error_key(code),
    }
}

/// Sex code from the record, in words.
pub(crate) fn sex_key(code: &str) -> Option<Key> {
    match code {
        "male" => Some(Key::Male),
        "female" => Some(Key::Female),
        _ => None,
    }
}
