use leptos::prelude::*;

use crate::dto::EmergencyAccess;
use crate::i18n::{use_lang, use_t, Key};

/// Break-glass accesses to the citizen's record: shown prominently, with the reason given.
#[component]
pub fn EmergencyNotice(emergencies: Vec<EmergencyAccess>) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    view! {
        <section class="card emergency" aria-labelledby="emergency-accesses">
            <h2 id="emergency-accesses">{t(Key::EmergencyAccesses)}</h2>
            <ul class="plain-list">
                {emergencies.into_iter().map(|access| view! {
                    <li>
                        <strong>{access.clinician}</strong>
                        {access.facility.map(|f| format!(" · {f}"))}
                        " · "{lang.date_time(&access.at)}
                        <br/><span>{t(Key::ReasonColumn)}": "{access.reason}</span>
                        <br/><span class="muted" data-testid="emergency-review">{t(Key::ReviewColumn)}": "{t(Key::for_review(&access.review_status))}
                            {access.review_note.map(|note| format!(" · {note}"))}</span>
                    </li>
                }).collect_view()}
            </ul>
            <p><a href="/record/access-log">{t(Key::NavAccessLog)}</a></p>
        </section>
    }
}
