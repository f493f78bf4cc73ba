//! The one integration-test binary (store, HTTP and passkey tests share one build and one link).
//! Add modules here rather than new files under `tests/`.

mod audit_chain;
mod bad_input;
mod consent;
mod http_record;
mod passkeys;
mod store_conformance;
mod support;
