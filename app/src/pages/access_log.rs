//! "Who viewed my record": every access, filterable by date, person and basis; paginated (GET form).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::emergency::EmergencyNotice;
use crate::components::error_notice::ErrorNotice;
use crate::dto::{AccessLog, AccessLogQuery};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn AccessLogPage() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let text = |name: &str| q.get(name).filter(|v| !v.is_empty());
        AccessLogQuery {
            patient_id: text("for"),
            from: text("from"),
            to: text("to"),
            person: text("person"),
            basis: text("basis"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let log = Resource::new(filters, |q: AccessLogQuery| crate::api::access_log(q.from, q.to, q.person, q.basis, q.page, q.patient_id));
    view! {
        <h1>{t(Key::AccessLogTitle)}</h1>
        <p>{t(Key::AccessLogIntro)}</p>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Ok(data) => view! { <LogBody data filters=filters()/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn page_link(filters: &AccessLogQuery, page: u32) -> String {
    let mut parts = Vec::new();
    for (name, value) in
        [("for", &filters.patient_id), ("from", &filters.from), ("to", &filters.to), ("person", &filters.person), ("basis", &filters.basis)]
    {
        if let Some(value) = value {
            parts.push(format!("{name}={}", value.replace(['&', '=', '?', '#'], "")));
        }
    }
    parts.push(format!("page={page}"));
    format!("/record/access-log?{}", parts.join("&"))
}

#[component]
fn LogBody(data: AccessLog, filters: AccessLogQuery) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let AccessLog { entries, emergencies, people, page, pages, total } = data;
    let selected_person = filters.person.clone().unwrap_or_default();
    let selected_basis = filters.basis.clone().unwrap_or_default();
    view! {
        {(!emergencies.is_empty()).then(|| view! { <EmergencyNotice emergencies/> })}
        <form method="get" action="/record/access-log" class="card filters">
            {filters.patient_id.clone().map(|id| view! { <input type="hidden" name="for" value=id/> })}
            <div class="field">
                <label for="from">{t(Key::FromDate)}</label>
                <input type="date" id="from" name="from" value=filters.from.clone().unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="to">{t(Key::ToDate)}</label>
                <input type="date" id="to" name="to" value=filters.to.clone().unwrap_or_default()/>
            </div>
            <div class="field">
                <label for="person">{t(Key::PersonLabel)}</label>
                <select id="person" name="person">
                    <option value="">{t(Key::Everyone)}</option>
                    {people.into_iter().map(|(id, name)| {
                        let selected = id == selected_person;
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="basis">{t(Key::BasisColumn)}</label>
                <select id="basis" name="basis">
                    <option value="">{t(Key::AnyBasis)}</option>
                    {["self", "guardian", "helper", "grant", "break_glass"].into_iter().map(|code| {
                        let selected = code == selected_basis;
                        view! { <option value=code selected=selected>{Key::for_basis(code).map(t).unwrap_or_default()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button-secondary">{t(Key::ApplyFilter)}</button>
        </form>
        {if entries.is_empty() {
            view! { <p>{t(Key::NoEntries)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap"><table class="stack">
                    <thead><tr>
                        <th scope="col">{t(Key::WhenColumn)}</th>
                        <th scope="col">{t(Key::WhoColumn)}</th>
                        <th scope="col">{t(Key::WhatColumn)}</th>
                        <th scope="col">{t(Key::PurposeLabel)}</th>
                        <th scope="col">{t(Key::BasisColumn)}</th>
                        <th scope="col">{t(Key::OutcomeColumn)}</th>
                    </tr></thead>
                    <tbody>
                        {entries.into_iter().map(|entry| {
                            let denied = entry.outcome == "denied";
                            let who = match &entry.facility {
                                Some(facility) => format!("{} · {} · {facility}", entry.actor_name, t(Key::for_role(&entry.role))),
                                None => format!("{} · {}", entry.actor_name, t(Key::for_role(&entry.role))),
                            };
                            let what = match entry.action.as_str() {
                                // Revocations and reviews name no category; they carry the administrator's words.
                                "grant_revoke" | "break_glass_review" => {
                                    let conclusion = entry.reason.as_deref().filter(|_| entry.action == "break_glass_review").map(|code| t(Key::for_review(code)));
                                    let mut text = t(Key::for_action(&entry.action)).to_string();
                                    if let Some(conclusion) = conclusion {
                                        text.push_str(&format!(": {conclusion}"));
                                    }
                                    if let Some(note) = &entry.note {
                                        text.push_str(&format!(" · {}: {note}", t(Key::ReasonColumn)));
                                    }
                                    text
                                }
                                // Reads and searches name the part of the record; other actions (sharing,
                                // an administrator searching the log, codes) stand on their own.
                                "read" | "search" => format!("{}: {}", t(Key::for_action(&entry.action)), t(Key::for_category(&entry.what))),
                                _ => t(Key::for_action(&entry.action)).to_string(),
                            };
                            view! {
                                <tr class:out-of-range=denied>
                                    <td data-label=t(Key::WhenColumn)>{lang.date_time(&entry.at)}</td>
                                    <td data-label=t(Key::WhoColumn)>{who}</td>
                                    <td data-label=t(Key::WhatColumn) data-testid="log-what">{what}</td>
                                    <td data-label=t(Key::PurposeLabel)>{entry.purpose.as_deref().map(|p| t(Key::for_purpose(p))).unwrap_or("—")}</td>
                                    <td data-label=t(Key::BasisColumn)>{Key::for_basis(&entry.basis).map(t).unwrap_or("—")}</td>
                                    <td data-label=t(Key::OutcomeColumn)>
                                        {if denied { t(Key::OutcomeDenied) } else { t(Key::OutcomeAllowed) }}
                                        {entry.reason.filter(|_| denied).map(|reason| format!(" ({})", t(Key::for_deny_reason(&reason))))}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            }.into_any()
        }}
        <nav class="pager" aria-label=t(Key::PageOf)>
            {(page > 1).then(|| view! { <a href=page_link(&filters, page - 1)>{t(Key::PreviousPage)}</a> })}
            <span>{t(Key::PageOf)}" "{page}" / "{pages}" ("{total}")"</span>
            {(page < pages).then(|| view! { <a href=page_link(&filters, page + 1)>{t(Key::NextPage)}</a> })}
        </nav>
    }
}
