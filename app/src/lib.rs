//! hoso's user interface: server-rendered with Leptos, hydrated in the browser.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod dto;
pub mod error;
pub mod i18n;
pub mod pages;
pub mod zone;
#[cfg(feature = "ssr")]
pub mod port;
#[cfg(feature = "hydrate")]
pub mod client;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::i18n::{Key, Lang};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            if let Some(nonce) = parts.extensions.get::<port::CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
            }
        }
    }
    let lang = request_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The content-named stylesheet of this build (hash.txt beside the server binary).
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The language of this request: from the cookie on the server, from `document.cookie` in the browser.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|value| value.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        Lang::from_cookie_header(&client::cookie_header())
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = request_lang();
    provide_context(lang);
    provide_context(zone::request_zone());
    view! {
        <Title text=Key::Brand.text(lang)/>
        <Router>
            <components::layout::Layout>
                <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                    <Route path=path!("/") view=pages::sign_in::SignIn ssr=SsrMode::Async/>
                    <Route path=path!("/enrol") view=pages::enrol::Enrol ssr=SsrMode::Async/>
                    <Route path=path!("/record") view=pages::overview::OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/vaccinations") view=pages::vaccinations::VaccinationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/vaccinations/card") view=pages::card::CardPageView ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view=pages::verify::VerifyPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/visits") view=pages::visits::VisitsPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/visits/:visit_id") view=pages::visit_detail::VisitDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/sharing") view=pages::sharing::SharingPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/access-log") view=pages::access_log::AccessLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/clinician") view=pages::clinician::FindPatientPage ssr=SsrMode::Async/>
                    <Route path=path!("/clinician/patients/:patient_id") view=pages::clinician_patient::ClinicianPatientPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/passkeys") view=pages::passkeys::PasskeysPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=pages::admin::home::AdminHomePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/people") view=pages::admin::people::PeoplePage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/people/:account_id") view=pages::admin::people::PersonPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/facilities") view=pages::admin::facilities::FacilitiesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/facilities/:facility_id") view=pages::admin::facilities::FacilityPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/codes") view=pages::admin::codes::CodesPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/reviews") view=pages::admin::reviews::ReviewsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=pages::admin::audit::AuditPageView ssr=SsrMode::Async/>
                    <Route path=path!("/admin/transfers") view=pages::admin::transfers::TransfersPage ssr=SsrMode::Async/>
                </Routes>
            </components::layout::Layout>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
