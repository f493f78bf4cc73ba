use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::{use_t, Key};

#[component]
pub fn SignIn() -> impl IntoView {
    let t = use_t();
    let me = Resource::new(|| (), |_| crate::api::me());
    let options = Resource::new(|| (), |_| crate::api::sign_in_options());
    let query = use_query_map();
    let signed_out = move || query.read().get("signed_out").is_some();
    let (message, set_message) = signal(None::<Key>);
    let (busy, set_busy) = signal(false);
    let hydrated = crate::components::use_hydrated();

    let on_sign_in = move |_| {
        set_message.set(None);
        set_busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::client::sign_in().await {
                Ok(home) => crate::client::go_to(&home),
                Err(error) => {
                    set_message.set(Some(super::ceremony_error_key(error)));
                    set_busy.set(false);
                }
            }
        });
    };

    view! {
        <section class="card narrow" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">{t(Key::SignInTitle)}</h1>
            <Show when=signed_out>
                <p class="notice notice-ok" role="status">{t(Key::SignedOut)}</p>
            </Show>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => {
                            let (home, label) = match me.role {
                                crate::dto::Role::Clinician => ("/clinician", Key::NavFindPatient),
                                crate::dto::Role::Administrator => ("/admin", Key::NavAdmin),
                                crate::dto::Role::Citizen => ("/record", Key::GoToRecord),
                            };
                            view! {
                                <p class="notice notice-ok">{t(Key::AlreadySignedIn)}" "<a href=home>{t(label)}</a></p>
                            }.into_any()
                        }
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
            <p>{t(Key::SignInIntro)}</p>
            <noscript><p class="notice notice-error">{t(Key::NeedsJavascript)}</p></noscript>
            <button type="button" class="button-primary" on:click=on_sign_in
                disabled=move || !hydrated.get() || busy.get()>
                {move || if busy.get() { t(Key::SignInWorking) } else { t(Key::SignInButton) }}
            </button>
            <div class="message" role="alert" aria-live="assertive">
                {move || message.get().map(|key| view! { <p class="notice notice-error">{t(key)}</p> })}
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let facilities = options.await.map(|options| options.facilities).unwrap_or_default();
                    (!facilities.is_empty()).then(|| view! { <FacilitySignIn facilities/> })
                })}
            </Suspense>
            <p class="aside">{t(Key::FirstTime)}" "<a href="/enrol">{t(Key::EnrolLink)}</a></p>
            <p class="aside"><a href="/verify">{t(Key::NavVerify)}</a></p>
        </section>
    }
}

/// Clinicians of facilities with their own identity provider sign in there: one link per
/// facility (plain links, so they work before the page has hydrated).
#[component]
fn FacilitySignIn(facilities: Vec<(String, String)>) -> impl IntoView {
    let t = use_t();
    view! {
        <section class="federated" aria-labelledby="federated-title">
            <h2 id="federated-title">{t(Key::FedHeading)}</h2>
            <ul class="plain-list">
                {facilities.into_iter().map(|(id, name)| {
                    let href = format!("/auth/oidc/start?facility={id}");
                    view! { <li><a class="button-secondary" href=href rel="external">{t(Key::FedSignInWith)}" "{name}</a></li> }
                }).collect_view()}
            </ul>
        </section>
    }
}
