use leptos::prelude::*;

use crate::i18n::{use_t, Key};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_t();
    view! {
        <section class="card narrow">
            <h1>{t(Key::NotFoundTitle)}</h1>
            <p><a href="/">{t(Key::BackHome)}</a></p>
        </section>
    }
}
