//! Page frame: skip link, header with navigation, language switch and sign-out, then the page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{use_lang, use_t, Key};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let t = use_t();
    let lang = use_lang();
    let me = Resource::new(|| (), |_| crate::api::me());
    let location = use_location();
    let back = move || location.pathname.get();
    view! {
        <a class="skip-link" href="#main">{t(Key::SkipToContent)}</a>
        <header class="site-header">
            <a class="brand" href="/">{t(Key::Brand)}</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(_)) => view! {
                            <nav aria-label=t(Key::MainNav)>
                                <ul class="nav-list">
                                    <li><a href="/record">{t(Key::NavOverview)}</a></li>
                                    <li><a href="/record/vaccinations">{t(Key::NavVaccinations)}</a></li>
                                    <li><a href="/record/visits">{t(Key::NavVisits)}</a></li>
                                    <li><a href="/account/passkeys">{t(Key::NavPasskeys)}</a></li>
                                </ul>
                            </nav>
                            <form class="inline-form" method="post" action="/auth/logout">
                                <button type="submit" class="button-secondary">{t(Key::SignOut)}</button>
                            </form>
                        }.into_any(),
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
        <main id="main" tabindex="-1">{children()}</main>
    }
}
