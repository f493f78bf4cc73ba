//! The break-glass review queue: each emergency access with its reason and the reads made under
//! it; the administrator marks it justified or not, with a note the patient reads.

use leptos::prelude::*;

use super::{outcome, when, AdminFrame};
use crate::api::AdminReview;
use crate::components::error_notice::ErrorNotice;
use crate::dto::{ReviewItem, ReviewQueue};
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn ReviewsPage() -> impl IntoView {
    let t = use_t();
    let review = ServerAction::<AdminReview>::new();
    let queue = Resource::new(move || review.version().get(), |_| crate::api::admin_reviews());
    view! {
        <AdminFrame title=Key::AdminNavReviews/>
        <p>{t(Key::AdminReviewsIntro)}</p>
        {move || outcome(review.value().get(), Key::AdminReviewSaved)}
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(data) => view! { <QueueBody data review/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn QueueBody(data: ReviewQueue, review: ServerAction<AdminReview>) -> impl IntoView {
    let t = use_t();
    let ReviewQueue { pending, reviewed } = data;
    view! {
        <section aria-labelledby="pending">
            <h2 id="pending">{t(Key::AdminPendingReviews)}</h2>
            {if pending.is_empty() {
                view! { <p data-testid="queue-empty">{t(Key::AdminQueueEmpty)}</p> }.into_any()
            } else {
                pending.into_iter().map(|item| view! { <ReviewCard item review=Some(review)/> }).collect_view().into_any()
            }}
        </section>
        <section aria-labelledby="reviewed">
            <h2 id="reviewed">{t(Key::AdminRecentlyReviewed)}</h2>
            {reviewed.into_iter().map(|item| view! { <ReviewCard item review=None/> }).collect_view()}
        </section>
    }
}

#[component]
fn ReviewCard(item: ReviewItem, review: Option<ServerAction<AdminReview>>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let id = item.break_glass_id.clone();
    view! {
        <article class="card" data-testid="review-item">
            <h3>{item.clinician.clone()}{item.facility.clone().map(|f| format!(" ({f})"))}</h3>
            <dl class="facts">
                <dt>{t(Key::AdminPatientId)}</dt><dd><code>{item.patient_id.clone()}</code></dd>
                <dt>{t(Key::Period)}</dt><dd>{when(lang, &item.starts_at)}" – "{when(lang, &item.expires_at)}</dd>
                <dt>{t(Key::BreakGlassReason)}</dt><dd data-testid="review-reason">{item.reason.clone()}</dd>
                <dt>{t(Key::StateColumn)}</dt><dd>{t(Key::for_review(&item.status))}</dd>
                {item.note.clone().map(|note| view! { <dt>{t(Key::AdminReviewNote)}</dt><dd>{note}</dd> })}
            </dl>
            <details>
                <summary>{t(Key::AdminReadsUnder)}" ("{item.reads.len()}")"</summary>
                <ul class="plain-list">
                    {item.reads.into_iter().map(|read| view! {
                        <li data-testid="review-read">{when(lang, &read.at)}" · "{t(Key::for_category(&read.category))}" · "
                            {if read.outcome == "denied" { t(Key::OutcomeDenied) } else { t(Key::OutcomeAllowed) }}</li>
                    }).collect_view()}
                </ul>
            </details>
            {review.map(|review| {
                let justified = format!("justified-{id}");
                let unjustified = format!("unjustified-{id}");
                let note = format!("note-{id}");
                view! {
                    <ActionForm action=review>
                        <input type="hidden" name="break_glass_id" value=id.clone()/>
                        <fieldset>
                            <legend>{t(Key::AdminReviewOutcome)}</legend>
                            <input type="radio" id=justified.clone() name="outcome" value="justified" required/>
                            <label for=justified>{t(Key::ReviewJustified)}</label>
                            <input type="radio" id=unjustified.clone() name="outcome" value="unjustified"/>
                            <label for=unjustified>{t(Key::ReviewUnjustified)}</label>
                        </fieldset>
                        <div class="field">
                            <label for=note.clone()>{t(Key::AdminReviewNote)}</label>
                            <textarea id=note name="note" rows="2" required minlength="5" maxlength="500"></textarea>
                        </div>
                        <button type="submit" class="button-primary">{t(Key::AdminSaveReview)}</button>
                    </ActionForm>
                }
            })}
        </article>
    }
}
