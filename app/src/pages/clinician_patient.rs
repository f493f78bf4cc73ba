//! A patient's record as a clinician may see it now: shared parts shown, the rest hidden with the
//! reason in plain words; break-glass when there is an emergency.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::DeclareBreakGlass;
use crate::components::error_notice::ErrorNotice;
use crate::dto::{ClinicianView, Shown};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key};
use crate::pages::overview::PatientCard;

#[component]
pub fn ClinicianPatientPage() -> impl IntoView {
    let t = use_t();
    let params = use_params_map();
    let query = use_query_map();
    let declare = ServerAction::<DeclareBreakGlass>::new();
    let patient_id = move || params.read().get("patient_id").unwrap_or_default();
    let view_data = Resource::new(
        move || (patient_id(), query.read().get("purpose"), declare.version().get()),
        |(patient_id, purpose, _)| crate::api::clinician_view(patient_id, purpose),
    );
    view! {
        <h1>{t(Key::PatientRecordTitle)}</h1>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(data) => view! { <RecordSections data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card" aria-labelledby="break-glass">
            <h2 id="break-glass">{t(Key::BreakGlassTitle)}</h2>
            <p>{t(Key::BreakGlassIntro)}</p>
            <ActionForm action=declare>
                <input type="hidden" name="patient_id" value=patient_id/>
                <div class="field">
                    <label for="reason">{t(Key::BreakGlassReason)}</label>
                    <textarea id="reason" name="reason" rows="3" minlength="20" maxlength="2000" required></textarea>
                </div>
                <button type="submit" class="button-danger">{t(Key::BreakGlassButton)}</button>
            </ActionForm>
            {move || match declare.value().get() {
                Some(Err(AppError::Invalid(input))) => Some(view! { <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p> }.into_any()),
                Some(Err(error)) => Some(view! { <ErrorNotice error/> }.into_any()),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn Hidden(reason: String) -> impl IntoView {
    let t = use_t();
    view! { <p class="hidden-section">{t(Key::NotShown)}": "{t(Key::for_deny_reason(&reason))}</p> }
}

#[component]
fn RecordSections(data: ClinicianView) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let ClinicianView { patient, emergency_until, allergies, conditions, medications, immunizations, lab_results, visits } = data;
    view! {
        {emergency_until.map(|until| view! {
            <p class="banner-emergency" role="status">{t(Key::EmergencyUntil)}" "{lang.date_time(&until)}</p>
        })}
        <PatientCard patient/>
        <section class="card" aria-labelledby="section-allergies">
            <h2 id="section-allergies">{t(Key::CatAllergies)}</h2>
            {match allergies {
                Shown::Visible(list) if list.is_empty() => view! { <p>{t(Key::NoAllergies)}</p> }.into_any(),
                Shown::Visible(list) => view! { <ul class="plain-list">{list.into_iter().map(|a| view! { <li><strong>{a.substance}</strong>" · "{a.reaction}</li> }).collect_view()}</ul> }.into_any(),
                Shown::Hidden(reason) => view! { <Hidden reason/> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="section-conditions">
            <h2 id="section-conditions">{t(Key::CatConditions)}</h2>
            {match conditions {
                Shown::Visible(list) if list.is_empty() => view! { <p>{t(Key::NoConditions)}</p> }.into_any(),
                Shown::Visible(list) => view! { <ul class="plain-list">{list.into_iter().map(|c| view! { <li><span class="code">{c.code}</span>" "{c.name}</li> }).collect_view()}</ul> }.into_any(),
                Shown::Hidden(reason) => view! { <Hidden reason/> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="section-medications">
            <h2 id="section-medications">{t(Key::CatMedications)}</h2>
            {match medications {
                Shown::Visible(list) if list.is_empty() => view! { <p>{t(Key::NoMedications)}</p> }.into_any(),
                Shown::Visible(list) => view! { <ul class="plain-list">{list.into_iter().map(|m| view! { <li><strong>{m.name}</strong>" · "{m.instructions}</li> }).collect_view()}</ul> }.into_any(),
                Shown::Hidden(reason) => view! { <Hidden reason/> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="section-immunizations">
            <h2 id="section-immunizations">{t(Key::CatImmunizations)}</h2>
            {match immunizations {
                Shown::Visible(list) if list.is_empty() => view! { <p>{t(Key::NoVaccinations)}</p> }.into_any(),
                Shown::Visible(list) => view! {
                    <div class="table-wrap"><table class="stack">
                        <thead><tr>
                            <th scope="col">{t(Key::CatImmunizations)}</th>
                            <th scope="col">{t(Key::DoseNumber)}</th>
                            <th scope="col">{t(Key::DoseDate)}</th>
                            <th scope="col">{t(Key::Lot)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().flat_map(|vaccine| {
                                let name = vaccine.vaccine.clone();
                                vaccine.doses.into_iter().map(move |dose| view! {
                                    <tr>
                                        <td data-label=t(Key::CatImmunizations)>{name.clone()}</td>
                                        <td data-label=t(Key::DoseNumber)>{dose.dose_number.map(|n| n.to_string()).unwrap_or_default()}</td>
                                        <td data-label=t(Key::DoseDate)>{lang.date(&dose.date)}</td>
                                        <td data-label=t(Key::Lot)>{dose.lot}</td>
                                    </tr>
                                })
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any(),
                Shown::Hidden(reason) => view! { <Hidden reason/> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="section-labs">
            <h2 id="section-labs">{t(Key::CatLabResults)}</h2>
            {match lab_results {
                Shown::Visible(list) if list.is_empty() => view! { <p>{t(Key::NoLabs)}</p> }.into_any(),
                Shown::Visible(list) => view! {
                    <ul class="plain-list">{list.into_iter().map(|lab| view! {
                        <li>{lang.date(&lab.date)}" · "<strong>{lab.name}</strong>": "{lab.value}" "{lab.unit}" ("{lab.range}")"</li>
                    }).collect_view()}</ul>
                }.into_any(),
                Shown::Hidden(reason) => view! { <Hidden reason/> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="section-visits">
            <h2 id="section-visits">{t(Key::CatVisits)}</h2>
            {match visits {
                Shown::Visible(list) if list.is_empty() => view! { <p>{t(Key::NoVisits)}</p> }.into_any(),
                Shown::Visible(list) => view! {
                    <ul class="plain-list">{list.into_iter().map(|visit| view! {
                        <li>{lang.date(&visit.date)}" · "<strong>{visit.reason}</strong>" · "{visit.facility}</li>
                    }).collect_view()}</ul>
                }.into_any(),
                Shown::Hidden(reason) => view! { <Hidden reason/> }.into_any(),
            }}
        </section>
    }
}
