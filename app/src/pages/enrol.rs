use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::{use_t, Key};

#[component]
pub fn Enrol() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    if query.read_untracked().get("proofed").is_some() {
        return view! { <ProofedEnrol/> }.into_any();
    }
    let options = Resource::new(|| (), |_| crate::api::sign_in_options());
    let cccd = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let (message, set_message) = signal(None::<Key>);
    let (busy, set_busy) = signal(false);
    let hydrated = crate::components::use_hydrated();

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        set_message.set(None);
        let digits = cccd.get_untracked().trim().to_string();
        if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
            set_message.set(Some(Key::ErrInvalidCccd));
            return;
        }
        set_busy.set(true);
        #[cfg(feature = "hydrate")]
        {
            let one_time_code = code.get_untracked().trim().to_string();
            leptos::task::spawn_local(async move {
                match crate::client::enrol(digits, one_time_code).await {
                    Ok(home) => crate::client::go_to(&home),
                    Err(error) => {
                        set_message.set(Some(super::ceremony_error_key(error)));
                        set_busy.set(false);
                    }
                }
            });
        }
    };

    view! {
        <section class="card narrow" aria-labelledby="enrol-title">
            <h1 id="enrol-title">{t(Key::EnrolTitle)}</h1>
            <p>{t(Key::EnrolIntro)}</p>
            <noscript><p class="notice notice-error">{t(Key::NeedsJavascript)}</p></noscript>
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for="cccd">{t(Key::CccdLabel)}</label>
                    <input id="cccd" name="cccd" type="text" inputmode="numeric" autocomplete="off"
                        maxlength="12" required aria-describedby="cccd-hint" bind:value=cccd/>
                    <p id="cccd-hint" class="hint">{t(Key::CccdHint)}</p>
                </div>
                <div class="field">
                    <label for="code">{t(Key::CodeLabel)}</label>
                    <input id="code" name="code" type="text" autocomplete="one-time-code"
                        maxlength="64" required aria-describedby="code-hint" bind:value=code/>
                    <p id="code-hint" class="hint">{t(Key::CodeHint)}</p>
                </div>
                <button type="submit" class="button-primary" disabled=move || !hydrated.get() || busy.get()>
                    {move || if busy.get() { t(Key::EnrolWorking) } else { t(Key::EnrolButton) }}
                </button>
            </form>
            <div class="message" role="alert" aria-live="assertive">
                {move || message.get().map(|key| view! { <p class="notice notice-error">{t(key)}</p> })}
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    options.await.ok().and_then(|options| options.national).map(|name| view! {
                        <section class="federated" aria-labelledby="proof-title">
                            <h2 id="proof-title">{t(Key::ProofHeading)}</h2>
                            <p>{t(Key::ProofIntro)}</p>
                            <a class="button-secondary" href="/auth/oidc/start?provider=national" rel="external">{t(Key::ProofButton)}" "{name}</a>
                        </section>
                    })
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// After identity proofing at the national provider: only the passkey is left to create (the
/// proofed code waits in an HttpOnly cookie the page never reads).
#[component]
fn ProofedEnrol() -> impl IntoView {
    let t = use_t();
    let (message, set_message) = signal(None::<Key>);
    let (busy, set_busy) = signal(false);
    let hydrated = crate::components::use_hydrated();
    let on_create = move |_| {
        set_message.set(None);
        set_busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::client::enrol_proofed().await {
                Ok(home) => crate::client::go_to(&home),
                Err(error) => {
                    set_message.set(Some(super::ceremony_error_key(error)));
                    set_busy.set(false);
                }
            }
        });
    };
    view! {
        <section class="card narrow" aria-labelledby="enrol-title">
            <h1 id="enrol-title">{t(Key::EnrolTitle)}</h1>
            <p class="notice notice-ok" role="status">{t(Key::ProofedNotice)}</p>
            <noscript><p class="notice notice-error">{t(Key::NeedsJavascript)}</p></noscript>
            <button type="button" class="button-primary" on:click=on_create disabled=move || !hydrated.get() || busy.get()>
                {move || if busy.get() { t(Key::EnrolWorking) } else { t(Key::EnrolButton) }}
            </button>
            <div class="message" role="alert" aria-live="assertive">
                {move || message.get().map(|key| view! { <p class="notice notice-error">{t(key)}</p> })}
            </div>
            <p class="aside"><a href="/enrol">{t(Key::EnrolLink)}</a></p>
        </section>
    }
}
