//! Parts shared by the pages.

pub mod acting_for;
pub mod emergency;
pub mod error_notice;
pub mod layout;

use leptos::prelude::*;

/// `true` once this page has hydrated in the browser; always `false` on the server and before the
/// wasm (and, on a lazy route, the page's chunk) has arrived. Controls that only work with the
/// wasm (passkey ceremonies, forms whose answer is shown only by the client) stay disabled until
/// then, so an early click is not lost. Effects run only in the browser, after hydration.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}
