//! The one integration-test binary (store, HTTP and passkey tests share one build and one link).
//! Add modules here rather than new files under `tests/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests fail loudly where they fail")]
#![allow(
    clippy::await_holding_lock,
    reason = "page-rendering tests deliberately hold one process-wide lock for their whole run (see support.rs)"
)]

mod admin;
mod audit_chain;
mod audit_commit;
mod bad_input;
mod cards;
mod consent;
mod crash;
mod delivery;
mod export;
mod family;
mod federation;
mod fhir_api;
mod fidelity;
mod helpers;
mod http_record;
mod import;
mod passkeys;
mod security_kinds;
mod store_conformance;
mod support;
mod transfers;
mod zone;
