//! The vaccination certificate (SMART Health Card): choose doses (a GET form, so it works without
//! JavaScript), then see the signed QR code, download the file, or read the code as text.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::error_notice::ErrorNotice;
use crate::dto::{CardChoice, CardDose, CardPage, HealthCard};
use crate::error::AppError;
use crate::i18n::{use_lang, use_t, Key, Lang};

#[component]
pub fn CardPageView() -> impl IntoView {
    let t = use_t();
    let query = use_query_map();
    let selection = move || query.read().get("selection").filter(|s| !s.is_empty());
    let acting_for = crate::components::acting_for::use_acting_for();
    let page =
        Resource::new(move || (selection(), acting_for.get()), |(selection, patient_id)| crate::api::health_card(selection, patient_id));
    let again = move || crate::components::acting_for::with_for("/record/vaccinations/card", acting_for.get().as_deref());
    view! {
        <h1>{t(Key::CardTitle)}</h1>
        <p>{t(Key::CardIntro)}</p>
        <p class="hint">{t(Key::CardPrivacyNote)}</p>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <CardBody data selected=selection()/> }.into_any(),
                    Err(AppError::Invalid(input)) => view! {
                        <p class="notice notice-error" role="alert">{t(Key::for_invalid(input))}</p>
                        <p><a href=again>{t(Key::CardChoiceLegend)}</a></p>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn choice_label(t: impl Fn(Key) -> &'static str, choice: &CardChoice) -> String {
    let name = match choice.value.as_str() {
        "all" => t(Key::CardChoiceAll).to_string(),
        "covid" => t(Key::CardChoiceCovid).to_string(),
        _ => choice.label.clone(),
    };
    format!("{name} ({} {})", choice.doses, t(Key::CardDosesUnit))
}

#[component]
fn CardBody(data: CardPage, selected: Option<String>) -> impl IntoView {
    let t = use_t();
    let CardPage { choices, card } = data;
    if choices.is_empty() {
        return view! { <p>{t(Key::CardNoDoses)}</p> }.into_any();
    }
    let current = selected.unwrap_or_else(|| "covid".to_string());
    let current = if choices.iter().any(|c| c.value == current) { current } else { "all".to_string() };
    view! {
        <form class="card" method="get" action="/record/vaccinations/card">
            {crate::components::acting_for::use_acting_for().get_untracked().map(|id| view! { <input type="hidden" name="for" value=id/> })}
            <fieldset>
                <legend>{t(Key::CardChoiceLegend)}</legend>
                {choices.into_iter().enumerate().map(|(index, choice)| {
                    let id = format!("selection-{index}");
                    let label = choice_label(t, &choice);
                    let checked = choice.value == current;
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name="selection" value=choice.value checked=checked/>
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit">{t(Key::CardIssue)}</button>
        </form>
        {card.map(|card| view! { <IssuedCard card/> })}
    }
    .into_any()
}

#[component]
fn IssuedCard(card: HealthCard) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let HealthCard { selection, holder, birth_date, doses, shc, qr_svg, issuer, issued_at } = card;
    let acting_for = crate::components::acting_for::use_acting_for().get_untracked();
    let download = crate::components::acting_for::with_for(
        &format!("/record/vaccinations/card/download?selection={}", selection.replace(['&', '#', '?'], "")),
        acting_for.as_deref(),
    );
    view! {
        <section class="card health-card" aria-labelledby="health-card">
            <h2 id="health-card">{t(Key::CardTitle)}</h2>
            <div class="health-card-layout">
                <figure class="qr" role="img" aria-label=t(Key::CardQrLabel) data-testid="card-qr" inner_html=qr_svg></figure>
                <dl class="facts">
                    <div><dt>{t(Key::CardHolder)}</dt><dd data-testid="card-holder">{holder}</dd></div>
                    <div><dt>{t(Key::BirthDate)}</dt><dd>{lang.date(&birth_date)}</dd></div>
                    <div><dt>{t(Key::CardIssuedAt)}</dt><dd>{lang.date(&issued_at)}</dd></div>
                    <div><dt>{t(Key::CardIssuer)}</dt><dd>{issuer}</dd></div>
                </dl>
            </div>
            <DoseTable doses/>
            <p class="actions no-print">
                <a class="button" href=download download="hoso-vaccination.smart-health-card">{t(Key::CardDownload)}</a>
                " "
                <a href="/verify">{t(Key::CardVerifyLink)}</a>
            </p>
            <details class="no-print">
                <summary>{t(Key::CardAsText)}</summary>
                <label class="visually-hidden" for="shc-text">{t(Key::CardAsText)}</label>
                <textarea id="shc-text" class="shc-text" readonly rows="6" data-testid="card-shc">{shc}</textarea>
            </details>
        </section>
    }
}

/// The doses on a card, as the issuing page and the verifier show them.
#[component]
pub fn DoseTable(doses: Vec<CardDose>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    view! {
        <h3>{t(Key::CardDosesTitle)}</h3>
        <div class="table-wrap"><table class="stack">
            <thead><tr>
                <th scope="col">{t(Key::Vaccine)}</th>
                <th scope="col">{t(Key::DoseDate)}</th>
                <th scope="col">{t(Key::Lot)}</th>
                <th scope="col">{t(Key::Facility)}</th>
            </tr></thead>
            <tbody>
                {doses.into_iter().map(|dose| {
                    let name = match lang { Lang::Vi => dose.name_vi, Lang::En => dose.name_en };
                    view! {
                        <tr>
                            <td data-label=t(Key::Vaccine)>{name}</td>
                            <td data-label=t(Key::DoseDate)>{lang.date(&dose.date)}</td>
                            <td data-label=t(Key::Lot)>{if dose.lot.is_empty() { "—".to_string() } else { dose.lot }}</td>
                            <td data-label=t(Key::Facility)>{if dose.performer.is_empty() { "—".to_string() } else { dose.performer }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}
