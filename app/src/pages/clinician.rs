//! A clinician finds a patient by CCCD or health-insurance number (a plain GET form).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::error_notice::ErrorNotice;
use crate::i18n::{use_t, Key};

#[component]
pub fn FindPatientPage() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    let term = move || query.read().get("q").unwrap_or_default();
    let result = Resource::new(term, |term| async move {
        if term.trim().is_empty() {
            Ok(None)
        } else {
            crate::api::find_patient(term).await.map(Some)
        }
    });
    view! {
        <h1>{t(Key::FindPatientTitle)}</h1>
        <form method="get" action="/clinician" class="card filters" role="search">
            <div class="field">
                <label for="q">{t(Key::IdentifierLabel)}</label>
                <input id="q" name="q" type="text" autocomplete="off" value=term aria-describedby="q-hint" required/>
                <p id="q-hint" class="hint">{t(Key::IdentifierHint)}</p>
            </div>
            <button type="submit" class="button-primary">{t(Key::Search)}</button>
        </form>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(None)) => view! { <p class="notice notice-error" role="status">{t(Key::NoMatch)}</p> }.into_any(),
                    Ok(Some(Some(found))) => view! {
                        <section class="card" aria-labelledby="match">
                            <h2 id="match">{found.full_name}</h2>
                            <dl class="facts">
                                <div><dt>{t(Key::BirthYear)}</dt><dd>{found.birth_year}</dd></div>
                                <div><dt>{t(Key::Cccd)}</dt><dd>{found.cccd_masked}</dd></div>
                            </dl>
                            <p><a class="button-secondary" href=format!("/clinician/patients/{}", found.patient_id)>{t(Key::OpenRecord)}</a></p>
                        </section>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
