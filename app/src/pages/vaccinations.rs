use leptos::prelude::*;

use crate::components::error_notice::ErrorNotice;
use crate::dto::{DoseStatus, ScheduleItem, Vaccinations};
use crate::i18n::{use_lang, use_t, Key};
use crate::pages::overview::PatientCard;

#[component]
pub fn VaccinationsPage() -> impl IntoView {
    let t = use_t();
    let acting_for = crate::components::acting_for::use_acting_for();
    let vaccinations = Resource::new(move || acting_for.get(), crate::api::vaccinations);
    let card = move || crate::components::acting_for::with_for("/record/vaccinations/card", acting_for.get().as_deref());
    view! {
        <h1>{t(Key::VaccinationsTitle)}</h1>
        <p><a class="button" href=card>{t(Key::NavCard)}</a></p>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match vaccinations.await {
                    Ok(data) => view! { <VaccinationList data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VaccinationList(data: Vaccinations) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let Vaccinations { patient, vaccines, schedule, schedule_version } = data;
    view! {
        <PatientCard patient/>
        {(!schedule.is_empty()).then(|| view! { <ScheduleSummary items=schedule version=schedule_version/> })}
        {if vaccines.is_empty() {
            view! { <p>{t(Key::NoVaccinations)}</p> }.into_any()
        } else {
            vaccines.into_iter().enumerate().map(|(index, vaccine)| {
                let heading = format!("vaccine-{index}");
                let labelled_by = heading.clone();
                // Only doses given (and valid) are counted; a declined dose is listed as not given.
                let count = vaccine.doses.iter().filter(|dose| dose.status == DoseStatus::Given).count();
                view! {
                    <section class="card vaccine" aria-labelledby=labelled_by>
                        <h2 id=heading>{vaccine.vaccine}" "<span class="muted">"("{count}" "{t(Key::Doses)}")"</span></h2>
                        <div class="table-wrap">
                            <table class="stack">
                                <thead><tr>
                                    <th scope="col">{t(Key::DoseNumber)}</th>
                                    <th scope="col">{t(Key::DoseDate)}</th>
                                    <th scope="col">{t(Key::Facility)}</th>
                                    <th scope="col">{t(Key::Lot)}</th>
                                    <th scope="col">{t(Key::Programme)}</th>
                                    <th scope="col">{t(Key::DoseStatusColumn)}</th>
                                </tr></thead>
                                <tbody>
                                    {vaccine.doses.into_iter().map(|dose| {
                                        let not_counted = dose.status != DoseStatus::Given;
                                        let status = match dose.status {
                                            DoseStatus::Given => t(Key::DoseGiven).to_string(),
                                            DoseStatus::NotGiven => t(Key::DoseNotGiven).to_string(),
                                            DoseStatus::Subpotent => t(Key::DoseSubpotent).to_string(),
                                        };
                                        let status = if dose.reason.is_empty() { status } else { format!("{status}: {}", dose.reason) };
                                        view! {
                                        <tr class:not-given=not_counted>
                                            <td data-label=t(Key::DoseNumber)>{dose.dose_number.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                                            <td data-label=t(Key::DoseDate)>{lang.date(&dose.date)}</td>
                                            <td data-label=t(Key::Facility)>{dose.facility}</td>
                                            <td data-label=t(Key::Lot)>{dose.lot}</td>
                                            <td data-label=t(Key::Programme)>{dose.programme}</td>
                                            <td data-label=t(Key::DoseStatusColumn)>{status}</td>
                                        </tr>
                                    }}).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            }).collect_view().into_any()
        }}
    }
}

#[component]
fn ScheduleSummary(items: Vec<ScheduleItem>, version: String) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    view! {
        <section class="card" aria-labelledby="schedule">
            <h2 id="schedule">{t(Key::ScheduleTitle)}</h2>
            <p class="hint">{t(Key::ScheduleIntro)}" "{version}")"</p>
            <div class="table-wrap"><table class="stack">
                <thead><tr>
                    <th scope="col">{t(Key::Antigen)}</th>
                    <th scope="col">{t(Key::DosesDone)}</th>
                    <th scope="col">{t(Key::NextDose)}</th>
                    <th scope="col">{t(Key::StateColumn)}</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|item| {
                        let late = item.state == "overdue";
                        let done = if item.series_length > 0 {
                            format!("{} / {}", item.valid_doses, item.series_length)
                        } else {
                            item.valid_doses.to_string()
                        };
                        let next = match (&item.next_earliest, &item.next_recommended) {
                            (Some(earliest), Some(recommended)) if item.state != "complete" => format!(
                                "{} {}: {} {} · {} {}",
                                t(Key::DoseNumber), item.next_number.unwrap_or_default(),
                                t(Key::FromDay), lang.date(earliest), t(Key::Recommended), lang.date(recommended)
                            ),
                            _ => "—".to_string(),
                        };
                        view! {
                            <tr class:out-of-range=late>
                                <td data-label=t(Key::Antigen)>{t(Key::for_antigen(&item.antigen))}</td>
                                <td data-label=t(Key::DosesDone)>{done}
                                    {(!item.too_early.is_empty()).then(|| view! {
                                        <br/><span class="muted">{t(Key::TooEarlyNote)}" "{item.too_early.iter().map(|d| lang.date(d)).collect::<Vec<_>>().join(", ")}</span>
                                    })}
                                </td>
                                <td data-label=t(Key::NextDose)>{next}</td>
                                <td data-label=t(Key::StateColumn)>{t(Key::for_schedule_state(&item.state))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}
