//! Page frame: skip link, header with navigation, language switch and sign-out, then the page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::dto::Role;
use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let me = Resource::new(|| (), |_| crate::api::me());
    let location = use_location();
    let back = move || location.pathname.get();
    // `data-hydrated` on <main> once the page (and its lazy chunk) has hydrated: what the browser
    // tests wait for before using a control.
    let hydrated = super::use_hydrated();
    let acting_for = super::acting_for::use_acting_for();
    view! {
        <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
        <header class="site-header">
            <a class="brand" href="/">{t(Key::Brand)}</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(me)) => {
                            // Acting for a child, the record's pages keep `?for=`; the reader's own
                            // sharing and passkeys are theirs, so those links are left out then.
                            let role = me.role;
                            let links = move || {
                            let child = acting_for.get();
                            let record = |path: &str| super::acting_for::with_for(path, child.as_deref());
                            let links: Vec<(String, Key)> = match (role, child.is_some()) {
                                (Role::Citizen, true) => vec![
                                    (record("/record"), Key::NavOverview),
                                    (record("/record/vaccinations"), Key::NavVaccinations),
                                    (record("/record/visits"), Key::NavVisits),
                                    (record("/record/sharing"), Key::NavSharing),
                                    (record("/record/access-log"), Key::NavAccessLog),
                                    ("/record/family".into(), Key::NavFamily),
                                ],
                                (Role::Citizen, false) => vec![
                                    ("/record".into(), Key::NavOverview),
                                    ("/record/vaccinations".into(), Key::NavVaccinations),
                                    ("/record/visits".into(), Key::NavVisits),
                                    ("/record/sharing".into(), Key::NavSharing),
                                    ("/record/access-log".into(), Key::NavAccessLog),
                                    ("/record/family".into(), Key::NavFamily),
                                    ("/account/passkeys".into(), Key::NavPasskeys),
                                ],
                                (Role::Clinician, _) => vec![("/clinician".into(), Key::NavFindPatient), ("/account/passkeys".into(), Key::NavPasskeys)],
                                (Role::Administrator, _) => vec![("/admin".into(), Key::NavAdmin), ("/account/passkeys".into(), Key::NavPasskeys)],
                            };
                            links.into_iter().map(|(href, key)| view! { <li><a href=href>{t(key)}</a></li> }).collect_view()
                            };
                            view! {
                                <nav aria-label=t(Key::MainNav)>
                                    <ul class="nav-list">
                                        {links}
                                    </ul>
                                </nav>
                                <form class="inline-form" method="post" action="/auth/logout">
                                    <button type="submit" class="button-secondary">{t(Key::SignOut)}</button>
                                </form>
                                {me.emergencies.into_iter().map(|emergency| view! {
                                    <p class="banner-emergency" role="status">
                                        {t(Key::EmergencyBanner)}" "
                                        <a href=format!("/clinician/patients/{}", emergency.patient_id)>{emergency.patient_name}</a>
                                        " · "{t(Key::EmergencyUntil)}" "{lang.date_time(&emergency.until)}
                                    </p>
                                }).collect_view()}
                            }.into_any()
                        }
                        _ => ().into_any(),
                    }
                })}
            </Suspense>
            <form class="inline-form lang-switch" method="get" action="/lang">
                <input type="hidden" name="to" value=lang.other().code()/>
                <input type="hidden" name="back" value=back/>
                <button type="submit" class="button-link" lang=lang.other().code()
                    aria-label=format!("{}: {}", t(Key::LanguageLabel), Key::LanguageName.text(lang.other()))>
                    {Key::LanguageName.text(lang.other())}
                </button>
            </form>
        </header>
        <main id="main" tabindex="-1" data-hydrated=move || hydrated.get().then_some("true")>
            <super::acting_for::ActingForBanner/>
            {children()}
        </main>
    }
}
