//! The administrators' console. Every page and server function here is behind the server's
//! administrator gate; destructive forms also need a passkey confirmation in the last five minutes
//! (the [`ConfirmPanel`] on every page asks for one).

pub mod audit;
pub mod codes;
pub mod facilities;
pub mod guardians;
pub mod home;
pub mod people;
pub mod reviews;
pub mod transfers;

use leptos::prelude::*;

use crate::components::error_notice::ErrorNotice;
use crate::dto::HeldGrant;
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key};

/// The console's own navigation and the passkey confirmation, at the top of every console page.
#[component]
pub fn AdminFrame(title: Key) -> impl IntoView {
    let t = use_t();
    let links = [
        ("/admin", Key::AdminNavHome),
        ("/admin/people", Key::AdminNavPeople),
        ("/admin/facilities", Key::AdminNavFacilities),
        ("/admin/codes", Key::AdminNavCodes),
        ("/admin/guardians", Key::AdminNavGuardians),
        ("/admin/reviews", Key::AdminNavReviews),
        ("/admin/audit", Key::AdminNavAudit),
        ("/admin/transfers", Key::AdminNavTransfers),
    ];
    view! {
        <h1>{t(title)}</h1>
        <nav aria-label=t(Key::AdminNavLabel) class="sub-nav">
            <ul class="nav-list">
                {links.into_iter().map(|(href, key)| view! { <li><a href=href>{t(key)}</a></li> }).collect_view()}
            </ul>
        </nav>
        <ConfirmPanel/>
    }
}

/// "Confirm it's you": a passkey assertion that allows destructive actions for five minutes.
#[component]
pub fn ConfirmPanel() -> impl IntoView {
    let t = use_t();
    let (state, set_state) = signal(None::<Result<(), Key>>);
    let (busy, set_busy) = signal(false);
    let hydrated = crate::components::use_hydrated();
    let on_confirm = move |_| {
        set_busy.set(true);
        set_state.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let outcome = crate::client::reauth().await.map_err(crate::pages::ceremony_error_key);
            set_state.set(Some(outcome));
            set_busy.set(false);
        });
    };
    view! {
        <div class="card confirm-panel">
            <p>{t(Key::ConfirmIntro)}</p>
            <button type="button" class="button-secondary" data-testid="confirm-passkey" on:click=on_confirm
                disabled=move || !hydrated.get() || busy.get()>
                {t(Key::ConfirmButton)}
            </button>
            <div role="status" aria-live="polite">
                {move || match state.get() {
                    Some(Ok(())) => Some(view! { <p class="notice notice-ok">{t(Key::ConfirmDone)}</p> }.into_any()),
                    Some(Err(key)) => Some(view! { <p class="notice notice-error">{t(key)}</p> }.into_any()),
                    None => None,
                }}
            </div>
        </div>
    }
}

/// The outcome of a console form: a confirmation, or what went wrong in words the administrator
/// can act on (including "confirm with your passkey first").
pub fn outcome<T: 'static>(value: Option<Result<T, AppError>>, ok: Key) -> Option<AnyView> {
    let t = use_t();
    match value? {
        Ok(_) => Some(view! { <p class="notice notice-ok" role="status">{t(ok)}</p> }.into_any()),
        Err(AppError::ReauthRequired) => {
            Some(view! { <p class="notice notice-error" role="alert">{t(Key::ErrReauthRequired)}</p> }.into_any())
        }
        Err(AppError::Invalid(input)) => {
            Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any())
        }
        Err(error) => Some(view! { <ErrorNotice error/> }.into_any()),
    }
}

/// Live grants a clinician or facility holds, each revocable with a reason, and all at once.
#[component]
pub fn HeldGrants(
    grants: Vec<HeldGrant>,
    holder_kind: &'static str,
    holder_id: String,
    revoke_one: ServerAction<crate::api::AdminRevokeGrant>,
    revoke_all: ServerAction<crate::api::AdminRevokeHeld>,
) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let empty = grants.is_empty();
    view! {
        <section class="card" aria-labelledby="held-grants">
            <h2 id="held-grants">{t(Key::AdminHeldGrants)}</h2>
            {move || outcome(revoke_one.value().get(), Key::AdminRevoked)}
            {move || outcome(revoke_all.value().get(), Key::AdminRevoked)}
            {if empty {
                view! { <p>{t(Key::AdminNoHeldGrants)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table>
                        <thead><tr>
                            <th scope="col">{t(Key::AdminPatientId)}</th>
                            <th scope="col">{t(Key::Categories)}</th>
                            <th scope="col">{t(Key::PurposeLabel)}</th>
                            <th scope="col">{t(Key::Period)}</th>
                            <th scope="col">{t(Key::Actions)}</th>
                        </tr></thead>
                        <tbody>
                            {grants.into_iter().map(|grant| {
                                let categories = grant.categories.iter().map(|c| t(Key::for_category(c))).collect::<Vec<_>>().join(", ");
                                let field = format!("reason-{}", grant.grant_id);
                                view! {
                                    <tr data-testid="held-grant">
                                        <td><code>{grant.patient_id.clone()}</code></td>
                                        <td>{categories}</td>
                                        <td>{t(Key::for_purpose(&grant.purpose))}</td>
                                        <td>{lang.date(&grant.starts_at)}" – "{lang.date(&grant.expires_at)}</td>
                                        <td>
                                            <ActionForm action=revoke_one attr:class="inline-form">
                                                <input type="hidden" name="grant_id" value=grant.grant_id/>
                                                <label class="visually-hidden" for=field.clone()>{t(Key::AdminReason)}</label>
                                                <input type="text" id=field name="reason" required minlength="5" maxlength="500"
                                                    placeholder=t(Key::AdminReason)/>
                                                <button type="submit" class="button-danger">{t(Key::Revoke)}</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <ActionForm action=revoke_all>
                        <input type="hidden" name="holder_kind" value=holder_kind/>
                        <input type="hidden" name="holder_id" value=holder_id/>
                        <div class="field">
                            <label for="revoke-all-reason">{t(Key::AdminRevokeAllReason)}</label>
                            <input type="text" id="revoke-all-reason" name="reason" required minlength="5" maxlength="500"/>
                        </div>
                        <button type="submit" class="button-danger">{t(Key::AdminRevokeAll)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

/// An RFC 3339 time as a local-language date with hours and minutes, in Vietnam's time.
pub fn when(lang: crate::i18n::Lang, at: &str) -> String {
    lang.date_time(at)
}
