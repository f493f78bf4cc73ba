use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::error_notice::ErrorNotice;
use crate::dto::{PasskeyInfo, SessionInfo};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn PasskeysPage() -> impl IntoView {
    let t = use_t();
    let passkeys = Resource::new(|| (), |_| crate::api::passkeys());
    let sessions = Resource::new(|| (), |_| crate::api::my_sessions());
    let query = use_query_map();
    let status = move || match query.read().get("status").as_deref() {
        Some("added") => Some(Key::PasskeyAdded),
        Some("removed") => Some(Key::PasskeyRemoved),
        Some("sessions_ended") => Some(Key::SessionsEnded),
        _ => None,
    };
    let query_error = move || match query.read().get("error").as_deref() {
        Some("last_passkey") => Some(Key::ErrLastPasskey),
        Some("bad_request") => Some(Key::ErrBadRequest),
        _ => None,
    };
    let (message, set_message) = signal(None::<Key>);
    let (busy, set_busy) = signal(false);
    let hydrated = crate::components::use_hydrated();
    let on_add = move |_| {
        set_message.set(None);
        set_busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::client::add_passkey().await {
                Ok(()) => crate::client::go_to("/account/passkeys?status=added"),
                Err(error) => {
                    set_message.set(Some(super::ceremony_error_key(error)));
                    set_busy.set(false);
                }
            }
        });
    };
    view! {
        <h1>{t(Key::PasskeysTitle)}</h1>
        <p>{t(Key::PasskeysIntro)}</p>
        {move || status().map(|key| view! { <p class="notice notice-ok" role="status">{t(key)}</p> })}
        {move || {
            let query = query.read();
            let number = |name: &str| query.get(name).and_then(|value| value.parse::<u32>().ok());
            (query.get("status").as_deref() == Some("sessions_ended")).then(|| {
                let revoked = number("tokens_revoked").unwrap_or(0);
                let active = number("tokens_active").unwrap_or(0);
                let text = match (revoked, active) {
                    (0, 0) => t(Key::SessionsNoTokens).to_string(),
                    (0, active) => format!("{} {active}", t(Key::SessionsTokensStillActive)),
                    (revoked, _) => format!("{} {revoked}", t(Key::SessionsTokensRevoked)),
                };
                view! { <p class="notice" role="status" data-testid="tokens-after-sign-out">{text}</p> }
            })
        }}
        {move || query_error().map(|key| view! { <p class="notice notice-error" role="alert">{t(key)}</p> })}
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match passkeys.await {
                    Ok(list) => view! { <PasskeyTable list/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <noscript><p class="notice notice-error">{t(Key::NeedsJavascript)}</p></noscript>
        <button type="button" class="button-primary" on:click=on_add disabled=move || !hydrated.get() || busy.get()>
            {t(Key::AddPasskey)}
        </button>
        <div class="message" role="alert" aria-live="assertive">
            {move || message.get().map(|key| view! { <p class="notice notice-error">{t(key)}</p> })}
        </div>
        <section class="card" aria-labelledby="sessions">
            <h2 id="sessions">{t(Key::SessionsTitle)}</h2>
            <p>{t(Key::SessionsIntro)}</p>
            <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Ok(list) => view! { <SessionTable list/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <ZoneChooser/>
        <ApiTokens/>
    }
}

/// The reader's time zone (a plain form to `/tz`, so it works without JavaScript): the zones
/// [`crate::zone::OFFERED_ZONES`] lists, with the current one selected (kept in the list even when
/// it was set to another tz database name by URL).
#[component]
fn ZoneChooser() -> impl IntoView {
    let t = use_t();
    let current = crate::zone::use_zone();
    let mut zones: Vec<String> = crate::zone::OFFERED_ZONES.iter().map(|zone| zone.to_string()).collect();
    if !zones.iter().any(|zone| zone == current.name()) {
        zones.insert(0, current.name().to_string());
    }
    view! {
        <section class="card" aria-labelledby="time-zone">
            <h2 id="time-zone">{t(Key::ZoneTitle)}</h2>
            <p>{t(Key::ZoneIntro)}</p>
            <form method="get" action="/tz" class="inline-form">
                <input type="hidden" name="back" value="/account/passkeys"/>
                <div class="field">
                    <label for="zone">{t(Key::ZoneLabel)}</label>
                    <select id="zone" name="zone" data-testid="zone">
                        {zones.into_iter().map(|zone| {
                            let selected = zone == current.name();
                            view! { <option value=zone.clone() selected=selected>{zone.replace('_', " ")}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button-secondary">{t(Key::ZoneSave)}</button>
            </form>
        </section>
    }
}

const TOKEN_CATEGORIES: [&str; 9] =
    ["allergies", "conditions", "medications", "immunizations", "lab_results", "visits", "documents", "billing", "access_history"];

/// Bearer tokens for the FHIR API: create (shown once), list, revoke.
#[component]
fn ApiTokens() -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let create = ServerAction::<crate::api::CreateApiToken>::new();
    let revoke = ServerAction::<crate::api::RevokeApiToken>::new();
    // The token is shown once, by the client: a submission before hydration would create one
    // that no one ever sees, so the button waits for the wasm.
    let hydrated = crate::components::use_hydrated();
    let tokens = Resource::new(move || create.version().get() + revoke.version().get(), |_| crate::api::api_tokens());
    view! {
        <section class="card" aria-labelledby="api-tokens">
            <h2 id="api-tokens">{t(Key::ApiTokensTitle)}</h2>
            <p>{t(Key::ApiTokensIntro)}</p>
            <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p>{t(Key::ApiTokensNone)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list">
                                {list.into_iter().map(|token| {
                                    let what = token.categories.iter().map(|code| t(Key::for_category(code))).collect::<Vec<_>>().join(", ");
                                    let active = token.state == "active";
                                    view! {
                                        <li data-testid="api-token">
                                            <strong>{token.name}</strong>" · "{what}<br/>
                                            <span class="muted">{t(Key::ApiTokenExpires)}" "{lang.date(&token.expires_at)}" · "{t(Key::for_grant_state(&token.state))}</span>
                                            {active.then(|| view! {
                                                <ActionForm action=revoke attr:class="inline-form">
                                                    <input type="hidden" name="token_id" value=token.token_id/>
                                                    <button type="submit" class="button-secondary">{t(Key::ApiTokenRevoke)}</button>
                                                </ActionForm>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=create>
                <div class="field">
                    <label for="token-name">{t(Key::ApiTokenName)}</label>
                    <input type="text" id="token-name" name="name" required minlength="2" maxlength="100"/>
                </div>
                <fieldset>
                    <legend>{t(Key::Categories)}</legend>
                    {TOKEN_CATEGORIES.into_iter().enumerate().map(|(index, code)| {
                        let (id, label_for) = (format!("token-category-{code}"), format!("token-category-{code}"));
                        view! {
                            <label class="choice" for=label_for>
                                <input type="checkbox" id=id name=format!("categories[{index}]") value=code/>
                                <span>{t(Key::for_category(code))}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="token-days">{t(Key::ApiTokenDays)}</label>
                    <input type="number" id="token-days" name="days" min="1" max="90" value="30" required/>
                </div>
                <button type="submit" class="button-primary" disabled=move || !hydrated.get() || create.pending().get()>{t(Key::ApiTokenCreate)}</button>
            </ActionForm>
            {move || match create.value().get() {
                Some(Ok(token)) => Some(view! {
                    <div class="notice notice-ok" role="status">
                        <p>{t(Key::ApiTokenShownOnce)}</p>
                        <p><code class="code-once" data-testid="api-token-value">{token}</code></p>
                    </div>
                }.into_any()),
                Some(Err(crate::error::AppError::Invalid(input))) => Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any()),
                Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
                None => None,
            }}
        </section>
    }
}

#[component]
fn SessionTable(list: Vec<SessionInfo>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let others = list.iter().filter(|s| !s.current).count();
    let time = move |at: &str| lang.date_time(at);
    view! {
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th scope="col">{t(Key::SessionSignedIn)}</th>
                    <th scope="col">{t(Key::SessionLastActive)}</th>
                    <th scope="col">{t(Key::Actions)}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|session| view! {
                        <tr data-testid="session-row">
                            <td>{time(&session.signed_in_at)}</td>
                            <td>{time(&session.last_active_at)}</td>
                            <td>{if session.current {
                                view! { <span class="badge">{t(Key::SessionThisDevice)}</span> }.into_any()
                            } else {
                                view! {
                                    <form method="post" action="/auth/sessions/end" class="inline-form">
                                        <input type="hidden" name="session_id" value=session.session_id/>
                                        <button type="submit" class="button-secondary">{t(Key::SessionEnd)}</button>
                                    </form>
                                }.into_any()
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(others > 0).then(|| view! {
            <form method="post" action="/auth/sessions/end">
                <label class="choice" for="revoke-tokens">
                    <input type="checkbox" id="revoke-tokens" name="revoke_tokens" value="on"/>
                    <span>{t(Key::SessionsAlsoRevokeTokens)}</span>
                </label>
                <button type="submit" class="button-danger">{t(Key::SessionsEndOthers)}</button>
            </form>
        })}
    }
}

#[component]
fn PasskeyTable(list: Vec<PasskeyInfo>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let only_one = list.len() <= 1;
    // A passkey added with an administrator's code to an account that already had one is announced.
    let added_by_code: Vec<String> = list.iter().filter(|p| p.added_via == "enrolment_code").map(|p| p.created_at.clone()).collect();
    view! {
        {(!added_by_code.is_empty()).then(|| view! {
            <div class="notice notice-error" role="alert" data-testid="passkey-added-by-code">
                <p>{t(Key::PasskeyAddedByCode)}</p>
                <ul>{added_by_code.into_iter().map(|at| view! { <li>{lang.date(&at)}</li> }).collect_view()}</ul>
            </div>
        })}
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th scope="col">{t(Key::PasskeyName)}</th>
                    <th scope="col">{t(Key::CreatedAt)}</th>
                    <th scope="col">{t(Key::LastUsed)}</th>
                    <th scope="col">{t(Key::PasskeyAddedVia)}</th>
                    <th scope="col">{t(Key::Actions)}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|passkey| {
                        let label = format!("{} {}", t(Key::Remove), passkey.name);
                        view! {
                            <tr>
                                <td>{passkey.name}</td>
                                <td>{lang.date(&passkey.created_at)}</td>
                                <td>{passkey.last_used_at.map(|at| lang.date(&at)).unwrap_or_else(|| t(Key::Never).to_string())}</td>
                                <td data-testid="passkey-added-via">{t(Key::for_added_via(&passkey.added_via))}</td>
                                <td>
                                    <form method="post" action="/auth/passkeys/remove" class="inline-form">
                                        <input type="hidden" name="passkey_id" value=passkey.passkey_id/>
                                        <button type="submit" class="button-danger" aria-label=label disabled=only_one>{t(Key::Remove)}</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {only_one.then(|| view! { <p class="hint">{t(Key::OnlyPasskeyNote)}</p> })}
    }
}
