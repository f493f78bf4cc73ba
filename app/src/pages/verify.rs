//! The public certificate checker: paste a `shc:/` code (or scan it where the browser can), and
//! see whether it is valid, who it is about and which doses it holds. Needs no sign-in.

use leptos::prelude::*;

use crate::api::CheckCard;
use crate::components::error_notice::ErrorNotice;
use crate::dto::CardCheck;
use crate::i18n::{use_lang, use_t, Key};
use crate::pages::card::DoseTable;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let t = use_t();
    let check = ServerAction::<CheckCard>::new();
    let (code, set_code) = signal(String::new());
    let (can_scan, set_can_scan) = signal(false);
    let (scanning, set_scanning) = signal(false);
    let (scan_failed, set_scan_failed) = signal(false);
    // The result is shown by the hydrated page, so checking waits for it (the <noscript> note says why).
    let (hydrated, set_hydrated) = signal(false);
    let video = NodeRef::<leptos::html::Video>::new();
    Effect::new(move |_| {
        set_hydrated.set(true);
        #[cfg(feature = "hydrate")]
        set_can_scan.set(crate::client::scan_supported());
    });
    let _ = (&set_can_scan, &video, &set_scanning, &set_scan_failed);

    let on_scan = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if scanning.get_untracked() {
                crate::client::stop_scan();
                return;
            }
            let Some(element) = video.get_untracked() else { return };
            set_scan_failed.set(false);
            set_scanning.set(true);
            leptos::task::spawn_local(async move {
                let element: wasm_bindgen::JsValue = element.into();
                match crate::client::scan_qr(&element).await {
                    Ok(Some(text)) => {
                        set_code.set(text.clone());
                        check.dispatch(CheckCard { code: text });
                    }
                    Ok(None) => {}
                    Err(()) => set_scan_failed.set(true),
                }
                set_scanning.set(false);
            });
        }
    };

    view! {
        <h1>{t(Key::VerifyTitle)}</h1>
        <p>{t(Key::VerifyIntro)}</p>
        <section class="card">
            <ActionForm action=check>
                <div class="field">
                    <label for="code">{t(Key::VerifyInput)}</label>
                    <textarea id="code" name="code" rows="5" required maxlength="12000" spellcheck="false"
                        autocomplete="off" class="shc-text" prop:value=code
                        on:input=move |ev| set_code.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" disabled=move || !hydrated.get() || check.pending().get()>{t(Key::VerifySubmit)}</button>
                <Show when=move || can_scan.get()>
                    " "
                    <button type="button" class="button-secondary" on:click=on_scan>
                        {move || if scanning.get() { t(Key::VerifyScanStop) } else { t(Key::VerifyScan) }}
                    </button>
                </Show>
            </ActionForm>
            <noscript><p class="notice notice-error">{t(Key::NeedsJavascript)}</p></noscript>
            <video node_ref=video class="scanner" hidden=move || !scanning.get() muted=true playsinline=true></video>
            <Show when=move || scan_failed.get()>
                <p class="notice notice-error" role="alert">{t(Key::VerifyScanFailed)}</p>
            </Show>
        </section>
        <div aria-live="polite">
            {move || check.value().get().map(|result| match result {
                Ok(check) => view! { <CheckResult check/> }.into_any(),
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn CheckResult(check: CardCheck) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let CardCheck { outcome, issuer, issuer_name, holder, birth_date, issued_at, doses } = check;
    let class = match outcome.as_str() {
        "valid" => "verdict verdict-valid",
        "unknown_issuer" => "verdict verdict-unknown",
        _ => "verdict verdict-invalid",
    };
    let valid = outcome == "valid";
    let issuer_text = if issuer_name.is_empty() { issuer.clone() } else { format!("{issuer_name} ({issuer})") };
    view! {
        <section class="card" aria-labelledby="verdict">
            <h2 id="verdict" class=class data-testid="card-outcome" data-outcome=outcome.clone()>
                {t(Key::for_card_outcome(&outcome))}
            </h2>
            {(!issuer.is_empty()).then(|| view! { <p><strong>{t(Key::CardIssuer)}": "</strong>{issuer_text}</p> })}
            {valid.then(|| view! {
                <dl class="facts">
                    <div><dt>{t(Key::CardHolder)}</dt><dd data-testid="verified-holder">{holder}</dd></div>
                    <div><dt>{t(Key::BirthDate)}</dt><dd>{lang.date(&birth_date)}</dd></div>
                    <div><dt>{t(Key::CardIssuedAt)}</dt><dd>{lang.date(&issued_at)}</dd></div>
                </dl>
                <DoseTable doses/>
            })}
        </section>
    }
}
