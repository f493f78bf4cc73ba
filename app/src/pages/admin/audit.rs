//! Audit search: by patient (id or CCCD), actor, facility, basis, outcome and time; paginated;
//! the same search as a CSV download.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{when, AdminFrame};
use crate::components::error_notice::ErrorNotice;
use crate::dto::{AuditPage, AuditQuery};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn AuditPageView() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let text = |name: &str| q.get(name).filter(|v| !v.is_empty());
        AuditQuery {
            patient: text("patient"),
            actor: text("actor"),
            facility: text("facility"),
            basis: text("basis"),
            outcome: text("outcome"),
            from: text("from"),
            to: text("to"),
            page: q.get("page").and_then(|p| p.parse().ok()),
        }
    };
    let page = Resource::new(filters, |q: AuditQuery| {
        crate::api::admin_audit(q.patient, q.actor, q.facility, q.basis, q.outcome, q.from, q.to, q.page)
    });
    view! {
        <AdminFrame title=Key::AdminNavAudit/>
        <SearchForm filters=filters()/>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <AuditBody data filters=filters()/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The query string of a search (without the page), for page links and the CSV link.
fn query_string(filters: &AuditQuery) -> String {
    [
        ("patient", &filters.patient),
        ("actor", &filters.actor),
        ("facility", &filters.facility),
        ("basis", &filters.basis),
        ("outcome", &filters.outcome),
        ("from", &filters.from),
        ("to", &filters.to),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_ref().map(|value| format!("{name}={}", value.replace(['&', '=', '?', '#', '+', ' '], ""))))
    .collect::<Vec<_>>()
    .join("&")
}

#[component]
fn SearchForm(filters: AuditQuery) -> impl IntoView {
    let t = use_t();
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let basis = text(&filters.basis);
    let outcome = text(&filters.outcome);
    view! {
        <form method="get" action="/admin/audit" class="card filters">
            <div class="field">
                <label for="patient">{t(Key::AdminPatientFilter)}</label>
                <input type="text" id="patient" name="patient" value=text(&filters.patient)/>
            </div>
            <div class="field">
                <label for="actor">{t(Key::AdminActorFilter)}</label>
                <input type="text" id="actor" name="actor" value=text(&filters.actor)/>
            </div>
            <div class="field">
                <label for="facility">{t(Key::AdminFacilityFilter)}</label>
                <input type="text" id="facility" name="facility" value=text(&filters.facility)/>
            </div>
            <div class="field">
                <label for="basis">{t(Key::BasisColumn)}</label>
                <select id="basis" name="basis">
                    <option value="">{t(Key::AnyBasis)}</option>
                    {["self", "grant", "break_glass"].into_iter().filter_map(|code| Key::for_basis(code).map(|key| (code, key))).map(|(code, key)| {
                        view! { <option value=code selected=basis == code>{t(key)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="outcome">{t(Key::OutcomeColumn)}</label>
                <select id="outcome" name="outcome">
                    <option value="">{t(Key::AdminAnyOutcome)}</option>
                    <option value="allowed" selected=outcome == "allowed">{t(Key::OutcomeAllowed)}</option>
                    <option value="denied" selected=outcome == "denied">{t(Key::OutcomeDenied)}</option>
                </select>
            </div>
            <div class="field">
                <label for="from">{t(Key::FromDate)}</label>
                <input type="date" id="from" name="from" value=text(&filters.from)/>
            </div>
            <div class="field">
                <label for="to">{t(Key::ToDate)}</label>
                <input type="date" id="to" name="to" value=text(&filters.to)/>
            </div>
            <button type="submit" class="button-primary">{t(Key::Search)}</button>
        </form>
    }
}

#[component]
fn AuditBody(data: AuditPage, filters: AuditQuery) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let query = query_string(&filters);
    let link = move |page: u32| {
        if query.is_empty() {
            format!("/admin/audit?page={page}")
        } else {
            format!("/admin/audit?{query}&page={page}")
        }
    };
    let csv = format!("/admin/audit.csv?{}", query_string(&filters));
    let AuditPage { lines, page, pages, total } = data;
    view! {
        <p>
            <span data-testid="audit-total">{total}</span>" "{t(Key::AdminChainEntries)}" · "
            <a href=csv download="" data-testid="audit-csv" rel="external">{t(Key::AdminExportCsv)}</a>
        </p>
        <div class="table-wrap"><table class="stack">
            <thead><tr>
                <th scope="col">"#"</th>
                <th scope="col">{t(Key::WhenColumn)}</th>
                <th scope="col">{t(Key::WhoColumn)}</th>
                <th scope="col">{t(Key::AdminPatientId)}</th>
                <th scope="col">{t(Key::WhatColumn)}</th>
                <th scope="col">{t(Key::BasisColumn)}</th>
                <th scope="col">{t(Key::OutcomeColumn)}</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|line| view! {
                    <tr data-testid="audit-line">
                        <td>{line.id}</td>
                        <td>{when(lang, &line.at)}</td>
                        <td>{line.actor_name.unwrap_or_else(|| "—".into())}{line.role.map(|role| format!(" ({})", t(Key::for_role(&role))))}
                            {line.facility.map(|f| format!(" · {f}"))}</td>
                        <td><code>{line.patient_id.unwrap_or_default()}</code></td>
                        <td>{t(Key::for_action(&line.action))}{line.category.map(|c| format!(" · {}", t(Key::for_category(&c))))}
                            {line.resource_id.map(|r| format!(" · {r}"))}</td>
                        <td>{line.basis.unwrap_or_default()}</td>
                        <td>{if line.outcome == "denied" { t(Key::OutcomeDenied) } else { t(Key::OutcomeAllowed) }}{line.reason.map(|r| format!(" ({r})"))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table></div>
        <nav aria-label=t(Key::PageOf) class="pagination">
            {(page > 1).then(|| view! { <a href=link(page - 1)>{t(Key::PreviousPage)}</a> })}
            " "{page}" / "{pages}" "
            {(page < pages).then(|| view! { <a href=link(page + 1)>{t(Key::NextPage)}</a> })}
        </nav>
    }
}
