use leptos::prelude::*;

use crate::components::error_notice::ErrorNotice;
use crate::dto::{Overview, PatientSummary};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let t = use_t();
    let acting_for = crate::components::acting_for::use_acting_for();
    let overview = Resource::new(move || acting_for.get(), crate::api::overview);
    view! {
        <h1>{t(Key::OverviewTitle)}</h1>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(data) => view! { <OverviewBody data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Name, date of birth, sex and masked citizen ID: shown atop every record page.
#[component]
pub fn PatientCard(patient: PatientSummary) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let sex = super::sex_key(&patient.sex).map(t).unwrap_or("—");
    view! {
        <section class="card patient-card" aria-labelledby="patient-details">
            <h2 id="patient-details">{t(Key::PersonalDetails)}</h2>
            <dl class="facts">
                <div><dt>{t(Key::FullName)}</dt><dd>{patient.full_name}</dd></div>
                <div><dt>{t(Key::BirthDate)}</dt><dd>{lang.date(&patient.birth_date)}</dd></div>
                <div><dt>{t(Key::Sex)}</dt><dd>{sex}</dd></div>
                <div><dt>{t(Key::Cccd)}</dt><dd>{patient.cccd_masked}</dd></div>
            </dl>
        </section>
    }
}

#[component]
fn OverviewBody(data: Overview) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let Overview { patient, emergencies, allergies, conditions, medications, latest_visits, vaccinations_due } = data;
    let acting_for = crate::components::acting_for::use_acting_for().get_untracked();
    let link = move |path: &str| crate::components::acting_for::with_for(path, acting_for.as_deref());
    let download = format!("/fhir/Patient/{}/$everything?download=1", patient.patient_id);
    view! {
        {(!emergencies.is_empty()).then(|| view! { <crate::components::emergency::EmergencyNotice emergencies/> })}
        <PatientCard patient/>
        <p class="aside">
            <a href=download download="" rel="external" data-testid="download-record">{t(Key::DownloadRecord)}</a>
            " "<span class="muted">{t(Key::DownloadRecordNote)}</span>
        </p>
        <div class="grid">
            <section class="card" aria-labelledby="vaccinations-due">
                <h2 id="vaccinations-due">{t(Key::VaccinationsDue)}</h2>
                {if vaccinations_due.is_empty() {
                    view! { <p>{t(Key::NothingDue)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {vaccinations_due.into_iter().map(|item| {
                                let overdue = item.state == "overdue";
                                view! {
                                    <li>
                                        <strong>{t(Key::for_antigen(&item.antigen))}</strong>" "
                                        <span class=if overdue { "badge badge-danger" } else { "badge" }>{t(Key::for_schedule_state(&item.state))}</span>
                                        <br/><span class="muted">
                                            {t(Key::DoseNumber)}" "{item.next_number.unwrap_or_default()}" · "{t(Key::Recommended)}" "
                                            {item.next_recommended.as_deref().map(|d| lang.date(d)).unwrap_or_default()}
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p><a href=link("/record/vaccinations")>{t(Key::SeeSchedule)}</a></p>
            </section>
            <section class="card" aria-labelledby="allergies">
                <h2 id="allergies">{t(Key::Allergies)}</h2>
                {if allergies.is_empty() {
                    view! { <p>{t(Key::NoAllergies)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {allergies.into_iter().map(|allergy| view! {
                                <li>
                                    <strong>{allergy.substance}</strong>
                                    {Key::for_qualifier(&allergy.qualifier).map(|key| view! { " "<span class="muted">"("{t(key)}")"</span> })}
                                    {allergy.criticality_high.then(|| view! { " " <span class="badge badge-danger">{t(Key::CriticalityHigh)}</span> })}
                                    <br/><span class="muted">{t(Key::Reaction)}": "{allergy.reaction}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="conditions">
                <h2 id="conditions">{t(Key::ActiveConditions)}</h2>
                {if conditions.is_empty() {
                    view! { <p>{t(Key::NoConditions)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {conditions.into_iter().map(|condition| view! {
                                <li>
                                    <strong>{condition.name}</strong>" "<span class="code">{condition.code}</span>
                                    {Key::for_qualifier(&condition.qualifier).map(|key| view! { " "<span class="muted">"("{t(key)}")"</span> })}
                                    <br/><span class="muted">{t(Key::Since)}" "{lang.date(&condition.since)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="medications">
                <h2 id="medications">{t(Key::CurrentMedications)}</h2>
                {if medications.is_empty() {
                    view! { <p>{t(Key::NoMedications)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {medications.into_iter().map(|medication| view! {
                                <li><strong>{medication.name}</strong><br/><span class="muted">{medication.instructions}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
            <section class="card" aria-labelledby="latest-visits">
                <h2 id="latest-visits">{t(Key::LatestVisits)}</h2>
                {if latest_visits.is_empty() {
                    view! { <p>{t(Key::NoVisits)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {latest_visits.into_iter().map(|visit| view! {
                                <li>
                                    <a href=link(&format!("/record/visits/{}", visit.visit_id))>{lang.date(&visit.date)}" · "{visit.reason}</a>
                                    <br/><span class="muted">{visit.facility}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <p><a href=link("/record/visits")>{t(Key::SeeAllVisits)}</a></p>
            </section>
        </div>
        <p><a class="button-secondary" href=link("/record/vaccinations")>{t(Key::SeeVaccinations)}</a></p>
    }
}
