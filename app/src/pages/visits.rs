use leptos::prelude::*;

use crate::components::error_notice::ErrorNotice;
use crate::dto::Visits;
use crate::i18n::{use_lang, use_t, Key};
use crate::pages::overview::PatientCard;

#[component]
pub fn VisitsPage() -> impl IntoView {
    let t = use_t();
    let acting_for = crate::components::acting_for::use_acting_for();
    let visits = Resource::new(move || acting_for.get(), crate::api::visits);
    view! {
        <h1>{t(Key::VisitsTitle)}</h1>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match visits.await {
                    Ok(data) => view! { <VisitTable data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VisitTable(data: Visits) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let acting_for = crate::components::acting_for::use_acting_for().get_untracked();
    let Visits { patient, visits } = data;
    view! {
        <PatientCard patient/>
        {if visits.is_empty() {
            view! { <p>{t(Key::NoVisits)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="stack">
                        <thead><tr>
                            <th scope="col">{t(Key::VisitDate)}</th>
                            <th scope="col">{t(Key::Facility)}</th>
                            <th scope="col">{t(Key::VisitKind)}</th>
                            <th scope="col">{t(Key::VisitReason)}</th>
                            <th scope="col">{t(Key::ViewDetail)}</th>
                        </tr></thead>
                        <tbody>
                            {visits.into_iter().map(|visit| {
                                let label = format!("{} {}", t(Key::ViewDetail), lang.date(&visit.date));
                                view! {
                                    <tr>
                                        <td data-label=t(Key::VisitDate)>{lang.date(&visit.date)}</td>
                                        <td data-label=t(Key::Facility)>{visit.facility}</td>
                                        <td data-label=t(Key::VisitKind)>{visit.kind}</td>
                                        <td data-label=t(Key::VisitReason)>{visit.reason}</td>
                                        <td><a href=crate::components::acting_for::with_for(&format!("/record/visits/{}", visit.visit_id), acting_for.as_deref()) aria-label=label>{t(Key::ViewDetail)}</a></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
