//! The console's front page: what needs attention, and whether the audit chain is intact.

use leptos::prelude::*;

use super::{when, AdminFrame};
use crate::components::error_notice::ErrorNotice;
use crate::dto::AdminHome;
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let t = use_t();
    let home = Resource::new(|| (), |_| crate::api::admin_home());
    view! {
        <AdminFrame title=Key::AdminTitle/>
        <Suspense fallback=move || view! { <p>{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(data) => view! { <HomeBody data/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeBody(data: AdminHome) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let chain = data.chain;
    view! {
        <section class="card" aria-labelledby="attention">
            <h2 id="attention">{t(Key::AdminAttention)}</h2>
            <ul class="plain-list">
                <li><a href="/admin/reviews">{t(Key::AdminPendingReviews)}": "<strong data-testid="pending-reviews">{data.pending_reviews}</strong></a></li>
                <li><a href="/admin/codes">{t(Key::AdminOpenCodes)}": "<strong>{data.open_codes}</strong></a></li>
                <li><a href="/admin/people">{t(Key::AdminSuspendedAccounts)}": "<strong>{data.suspended}</strong>" / "{data.accounts}</a></li>
            </ul>
            <p>{match data.confirmed_until {
                Some(until) => format!("{} {}", t(Key::AdminConfirmedUntil), when(lang, &until)),
                None => t(Key::AdminNotConfirmed).to_string(),
            }}</p>
        </section>
        <section class="card" aria-labelledby="chain">
            <h2 id="chain">{t(Key::AdminChainTitle)}</h2>
            {if chain.intact {
                view! {
                    <p class="notice notice-ok" data-testid="chain-status">
                        {t(Key::AdminChainIntact)}" "{chain.entries}" "{t(Key::AdminChainEntries)}", "{chain.checkpoints}" "{t(Key::AdminChainCheckpoints)}
                    </p>
                }.into_any()
            } else {
                view! {
                    <p class="notice notice-error" role="alert" data-testid="chain-status">
                        {t(Key::AdminChainBroken)}" "{chain.problem.unwrap_or_default()}
                    </p>
                }.into_any()
            }}
        </section>
    }
}
