use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::error_notice::ErrorNotice;
use crate::dto::{RangeFlag, VisitDetail};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn VisitDetailPage() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let acting_for = crate::components::acting_for::use_acting_for();
    let visit = Resource::new(move || params.read().get("visit_id").unwrap_or_default(), crate::api::visit_detail);
    view! {
        <h1>{t(Key::VisitDetailTitle)}</h1>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match visit.await {
                    Ok(data) => view! { <VisitBody data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href=move || crate::components::acting_for::with_for("/record/visits", acting_for.get().as_deref())>{t(Key::BackToVisits)}</a></p>
    }
}

fn flag_key(flag: RangeFlag) -> Key {
    match flag {
        RangeFlag::High => Key::FlagHigh,
        RangeFlag::Low => Key::FlagLow,
        RangeFlag::Normal => Key::FlagNormal,
        RangeFlag::Unknown => Key::FlagUnknown,
    }
}

#[component]
fn VisitBody(data: VisitDetail) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let VisitDetail { visit, diagnoses, labs, medications, discharge_summary } = data;
    let period = if visit.end_date.is_empty() || visit.end_date == visit.date {
        lang.date(&visit.date)
    } else {
        format!("{} – {}", lang.date(&visit.date), lang.date(&visit.end_date))
    };
    view! {
        <section class="card" aria-labelledby="visit-facts">
            <h2 id="visit-facts">{visit.reason.clone()}</h2>
            <dl class="facts">
                <div><dt>{t(Key::Period)}</dt><dd>{period}</dd></div>
                <div><dt>{t(Key::Facility)}</dt><dd>{visit.facility}</dd></div>
                <div><dt>{t(Key::VisitKind)}</dt><dd>{visit.kind}</dd></div>
            </dl>
        </section>
        <section class="card" aria-labelledby="diagnoses">
            <h2 id="diagnoses">{t(Key::Diagnoses)}</h2>
            {if diagnoses.is_empty() {
                view! { <p>{t(Key::NoDiagnoses)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {diagnoses.into_iter().map(|diagnosis| {
                            let qualifier = Key::for_qualifier(&diagnosis.qualifier).map(|key| format!(" ({})", t(key)));
                            view! {
                                <li><span class="code">{diagnosis.code}</span>" "{diagnosis.name}<span class="muted">{qualifier}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="labs">
            <h2 id="labs">{t(Key::Labs)}</h2>
            {if labs.is_empty() {
                view! { <p>{t(Key::NoLabs)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="stack">
                            <thead><tr>
                                <th scope="col">{t(Key::Test)}</th>
                                <th scope="col">{t(Key::Result)}</th>
                                <th scope="col">{t(Key::Unit)}</th>
                                <th scope="col">{t(Key::ReferenceRange)}</th>
                                <th scope="col">{t(Key::Assessment)}</th>
                            </tr></thead>
                            <tbody>
                                {labs.into_iter().map(|lab| {
                                    let out_of_range = matches!(lab.flag, RangeFlag::High | RangeFlag::Low);
                                    let marker = match lab.flag { RangeFlag::High => "▲ ", RangeFlag::Low => "▼ ", _ => "" };
                                    view! {
                                        <tr class:out-of-range=out_of_range>
                                            <td data-label=t(Key::Test)>{lab.name}</td>
                                            <td data-label=t(Key::Result)><strong>{lab.value}</strong>
                                                {lab.preliminary.then(|| view! { " "<span class="muted">"("{t(Key::ResultPreliminary)}")"</span> })}
                                            </td>
                                            <td data-label=t(Key::Unit)>{lab.unit}</td>
                                            <td data-label=t(Key::ReferenceRange)>{lab.range}</td>
                                            <td data-label=t(Key::Assessment)><span aria-hidden="true">{marker}</span>{t(flag_key(lab.flag))}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="prescriptions">
            <h2 id="prescriptions">{t(Key::Prescriptions)}</h2>
            {if medications.is_empty() {
                view! { <p>{t(Key::NoPrescriptions)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {medications.into_iter().map(|medication| view! {
                            <li>
                                {medication.do_not_give.then(|| view! { <span class="badge badge-danger">{t(Key::DoNotGive)}</span>" " })}
                                <strong>{medication.name}</strong><br/><span class="muted">{medication.instructions}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {discharge_summary.map(|summary| view! {
            <section class="card" aria-labelledby="discharge">
                <h2 id="discharge">{t(Key::DischargeSummary)}</h2>
                <p>{summary}</p>
            </section>
        })}
    }
}
