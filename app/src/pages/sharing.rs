//! The citizen's consent page: who can see what right now, a new grant (nothing pre-ticked, a live
//! preview), revocation in one click, and the full history.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{CreateGrant, RevokeGrant};
use crate::components::error_notice::ErrorNotice;
use crate::dto::{GrantInfo, Sharing};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key, Lang};

const CATEGORIES: [&str; 7] = ["allergies", "conditions", "medications", "immunizations", "lab_results", "visits", "documents"];

fn categories_text(lang: Lang, codes: &[String]) -> String {
    if codes.len() >= CATEGORIES.len() {
        return Key::CatAll.text(lang).to_string();
    }
    codes.iter().map(|code| Key::for_category(code).text(lang)).collect::<Vec<_>>().join(", ")
}

#[component]
pub fn SharingPage() -> impl IntoView {
    let t = use_t();
    let create = ServerAction::<CreateGrant>::new();
    let revoke = ServerAction::<RevokeGrant>::new();
    // A guardian or a helper with sharing manages someone else's grants with `?for=`.
    let acting_for = crate::components::acting_for::use_acting_for();
    let sharing =
        Resource::new(move || (create.version().get(), revoke.version().get(), acting_for.get()), |(_, _, id)| crate::api::sharing(id));
    view! {
        <h1>{t(Key::SharingTitle)}</h1>
        <p>{t(Key::SharingIntro)}</p>
        {move || match create.value().get() {
            Some(Ok(_)) => Some(view! { <p class="notice notice-ok" role="status">{t(Key::GrantSaved)}</p> }.into_any()),
            _ => None,
        }}
        {move || match revoke.value().get() {
            Some(Ok(())) => Some(view! { <p class="notice notice-ok" role="status">{t(Key::GrantRevokedNote)}</p> }.into_any()),
            Some(Err(AppError::Invalid(input))) => Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any()),
            Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
            None => None,
        }}
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match sharing.await {
                    Ok(data) => view! { <SharingBody data create revoke/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RevokeButton(grant_id: String, revoke: ServerAction<RevokeGrant>, label: String) -> impl IntoView {
    let t = use_t();
    view! {
        <ActionForm action=revoke attr:class="inline-form">
            <input type="hidden" name="grant_id" value=grant_id/>
            <ForField/>
            <button type="submit" class="button-danger" aria-label=label>{t(Key::Revoke)}</button>
        </ActionForm>
    }
}

/// The record the form acts on, when it is someone else's (`?for=`), as a hidden `patient_id`.
#[component]
fn ForField() -> impl IntoView {
    crate::components::acting_for::use_acting_for().get_untracked().map(|id| view! { <input type="hidden" name="patient_id" value=id/> })
}

fn grantee_text(grant: &GrantInfo) -> String {
    match &grant.grantee_facility {
        Some(facility) => format!("{} ({facility})", grant.grantee_name),
        None => grant.grantee_name.clone(),
    }
}

#[component]
fn SharingBody(data: Sharing, create: ServerAction<CreateGrant>, revoke: ServerAction<RevokeGrant>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let Sharing { grants, today, default_expiry, max_days, child_consent_needed, .. } = data;
    let active: Vec<GrantInfo> = grants.iter().filter(|g| g.state == "active").cloned().collect();
    view! {
        <section class="card" aria-labelledby="who-sees-now">
            <h2 id="who-sees-now">{t(Key::WhoSeesNow)}</h2>
            {if active.is_empty() {
                view! { <p>{t(Key::NobodyNow)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {active.into_iter().map(|grant| {
                            let label = format!("{} {}", t(Key::Revoke), grant.grantee_name);
                            view! {
                                <li>
                                    <strong>{grantee_text(&grant)}</strong>" "{t(Key::WillSee)}": "{categories_text(lang, &grant.categories)}
                                    " · "{t(Key::for_purpose(&grant.purpose))}" · "{t(Key::Until)}" "{lang.date(&expiry_day(&grant.expires_at))}
                                    " "<RevokeButton grant_id=grant.grant_id.clone() revoke label/>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <NewGrantForm create today default_expiry max_days child_consent_needed/>
        <section class="card" aria-labelledby="grant-history">
            <h2 id="grant-history">{t(Key::AllGrants)}</h2>
            {if grants.is_empty() {
                view! { <p>{t(Key::NoGrants)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="stack">
                        <thead><tr>
                            <th scope="col">{t(Key::GranteeColumn)}</th>
                            <th scope="col">{t(Key::Categories)}</th>
                            <th scope="col">{t(Key::PurposeLabel)}</th>
                            <th scope="col">{t(Key::Period)}</th>
                            <th scope="col">{t(Key::StateColumn)}</th>
                            <th scope="col">{t(Key::Actions)}</th>
                        </tr></thead>
                        <tbody>
                            {grants.into_iter().map(|grant| {
                                let revocable = grant.state == "active" || grant.state == "not_yet_started";
                                let label = format!("{} {}", t(Key::Revoke), grant.grantee_name);
                                view! {
                                    <tr>
                                        <td data-label=t(Key::GranteeColumn)>{grantee_text(&grant)}</td>
                                        <td data-label=t(Key::Categories)>{categories_text(lang, &grant.categories)}</td>
                                        <td data-label=t(Key::PurposeLabel)>{t(Key::for_purpose(&grant.purpose))}</td>
                                        <td data-label=t(Key::Period)>{lang.date(&grant.starts_at)}" – "{lang.date(&expiry_day(&grant.expires_at))}</td>
                                        <td data-label=t(Key::StateColumn)>{t(Key::for_grant_state(&grant.state))}</td>
                                        <td>{revocable.then(|| view! { <RevokeButton grant_id=grant.grant_id.clone() revoke label/> })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}

/// A grant ends at the first instant of the day after its last day (local time); show that last
/// day: the instant one second before, which [`crate::i18n::Lang::date`] puts in the reader's zone
/// (slicing the UTC text would show the next day west of Greenwich).
fn expiry_day(expires_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(expires_at)
        .map(|at| (at.to_utc() - chrono::Duration::seconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|_| expires_at.to_string())
}

#[component]
fn NewGrantForm(
    create: ServerAction<CreateGrant>,
    today: String,
    default_expiry: String,
    max_days: u32,
    child_consent_needed: bool,
) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let query = use_query_map();
    let find = move || query.read().get("find").unwrap_or_default();
    let directory = Resource::new(find, |term| async move {
        if term.trim().chars().count() < 2 {
            Ok(Vec::new())
        } else {
            crate::api::directory(term).await
        }
    });
    // Live preview state, fed by the form's inputs.
    let grantee_name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let expires = RwSignal::new(default_expiry.clone());
    let toggle = move |code: &'static str, on: bool| {
        chosen.update(|list| {
            list.retain(|c| c != code);
            if on {
                list.push(code.to_string());
            }
        })
    };
    let preview = move || {
        let codes = chosen.get();
        if grantee_name.get().is_empty() || codes.is_empty() {
            return t(Key::PreviewNothing).to_string();
        }
        let parts = if codes.iter().any(|c| c == "all") { Key::CatAll.text(lang).to_string() } else { categories_text(lang, &codes) };
        format!("{} {}: {} · {} {}", grantee_name.get(), t(Key::WillSee), parts, t(Key::Until), lang.date(&expires.get()))
    };
    view! {
        <section class="card" aria-labelledby="new-grant">
            <h2 id="new-grant">{t(Key::NewGrant)}</h2>
            <form method="get" action="/record/sharing" class="filters" role="search">
                {crate::components::acting_for::use_acting_for().get_untracked().map(|id| view! { <input type="hidden" name="for" value=id/> })}
                <div class="field">
                    <label for="find">{t(Key::FindGrantee)}</label>
                    <input id="find" name="find" type="text" value=find autocomplete="off"/>
                </div>
                <button type="submit" class="button-secondary">{t(Key::Search)}</button>
            </form>
            <ActionForm action=create>
                <ForField/>
                <fieldset>
                    <legend>{t(Key::GranteeLabel)}</legend>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            match directory.await {
                                Ok(entries) if entries.is_empty() => view! { <p class="hint">{t(Key::FindGrantee)}</p> }.into_any(),
                                Ok(entries) => entries.into_iter().map(|entry| {
                                    let id = format!("grantee-{}", entry.id);
                                    let kind = if entry.kind == "clinician" { t(Key::KindClinician) } else { t(Key::KindFacility) };
                                    let name = entry.name.clone();
                                    let display = match &entry.facility_name {
                                        Some(facility) => format!("{} ({facility})", entry.name),
                                        None => entry.name.clone(),
                                    };
                                    view! {
                                        <label class="choice">
                                            <input type="radio" id=id name="grantee" value=format!("{}:{}", entry.kind, entry.id)
                                                on:change=move |_| grantee_name.set(name.clone())/>
                                            <span>{kind}": "{display}</span>
                                        </label>
                                    }
                                }).collect_view().into_any(),
                                Err(error) => view! { <ErrorNotice error/> }.into_any(),
                            }
                        })}
                    </Suspense>
                </fieldset>
                <fieldset>
                    <legend>{t(Key::Categories)}</legend>
                    <label class="choice" for="category-all">
                        <input type="checkbox" id="category-all" name="categories[0]" value="all"
                            on:change=move |event| toggle("all", event_target_checked(&event))/>
                        <span>{t(Key::CatAll)}</span>
                    </label>
                    {CATEGORIES.into_iter().enumerate().map(|(index, code)| {
                        let id = format!("category-{code}");
                        view! {
                            <label class="choice">
                                <input type="checkbox" id=id name=format!("categories[{}]", index + 1) value=code
                                    on:change=move |event| toggle(code, event_target_checked(&event))/>
                                <span>{t(Key::for_category(code))}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{t(Key::PurposeLabel)}</legend>
                    {["treatment", "insurance_assessment", "research"].into_iter().map(|code| {
                        let id = format!("purpose-{code}");
                        view! {
                            <label class="choice">
                                <input type="radio" id=id name="purpose" value=code/>
                                <span>{t(Key::for_purpose(code))}</span>
                            </label>
                        }
                    }).collect_view()}
                    <label class="choice" for="written-request">
                        <input type="checkbox" id="written-request" name="written_request" value="on"/>
                        <span>{t(Key::WrittenRequest)}</span>
                    </label>
                </fieldset>
                <div class="filters">
                    <div class="field">
                        <label for="starts-on">{t(Key::StartsOn)}</label>
                        <input type="date" id="starts-on" name="starts_on" value=today.clone() min=today.clone()/>
                    </div>
                    <div class="field">
                        <label for="expires-on">{t(Key::ExpiresOn)}</label>
                        <input type="date" id="expires-on" name="expires_on" value=default_expiry.clone()
                            min=today.clone() on:input=move |event| expires.set(event_target_value(&event))/>
                        <p class="hint">{format!("≤ {max_days}")}</p>
                    </div>
                </div>
                {child_consent_needed.then(|| view! {
                    <label class="choice" for="child-consents">
                        <input type="checkbox" id="child-consents" name="child_consents" value="on"/>
                        <span>{t(Key::ChildConsents)}</span>
                    </label>
                })}
                <p class="preview" aria-live="polite"><strong>{t(Key::PreviewLabel)}": "</strong>{preview}</p>
                <button type="submit" class="button-primary">{t(Key::SaveGrant)}</button>
                {move || match create.value().get() {
                    Some(Err(AppError::Invalid(input))) => Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any()),
                    Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
                    _ => None,
                }}
            </ActionForm>
        </section>
    }
}
