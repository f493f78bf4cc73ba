//! hoso's user interface: server-rendered with Leptos, hydrated in the browser.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "hydrate")]
pub mod client;
pub mod components;
pub mod dto;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;
pub mod zone;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

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
            .and_then(|parts| parts.headers.get(http::header::COOKIE).and_then(|value| value.to_str().ok()).map(Lang::from_cookie_header))
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

/// Declares, for each page, a unit type whose `LazyRoute` view renders it: the router's
/// `Lazy::<…>` routes. With `cargo leptos build --split` (the Makefile's and `.ci`'s build), each
/// page's code is cut out of the main wasm into its own content-named chunk under `/pkg`, fetched
/// the first time the page is shown (on a first visit the server names it in a
/// `<link rel="modulepreload">`, so it arrives with the main bundle). Without `--split` the
/// routes behave as plain ones. The pages load their data themselves (resources in the page),
/// so `data()` carries nothing.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        #[doc = concat!("The lazily loaded route of `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let $route = this;
                $page().into_any()
            }
        }
    )*};
}

// Every page but the two a citizen's first visit needs (sign-in and the record overview) and the
// not-found page: the administrators' console, the clinician pages, the checker, the certificate
// and the sharing pages load only when visited (issue 17).
lazy_pages! {
    EnrolRoute => pages::enrol::Enrol,
    VaccinationsRoute => pages::vaccinations::VaccinationsPage,
    CardRoute => pages::card::CardPageView,
    VerifyRoute => pages::verify::VerifyPage,
    VisitsRoute => pages::visits::VisitsPage,
    VisitDetailRoute => pages::visit_detail::VisitDetailPage,
    SharingRoute => pages::sharing::SharingPage,
    AccessLogRoute => pages::access_log::AccessLogPage,
    FamilyRoute => pages::family::FamilyPage,
    FindPatientRoute => pages::clinician::FindPatientPage,
    ClinicianPatientRoute => pages::clinician_patient::ClinicianPatientPage,
    PasskeysRoute => pages::passkeys::PasskeysPage,
    AdminHomeRoute => pages::admin::home::AdminHomePage,
    AdminPeopleRoute => pages::admin::people::PeoplePage,
    AdminPersonRoute => pages::admin::people::PersonPage,
    AdminFacilitiesRoute => pages::admin::facilities::FacilitiesPage,
    AdminFacilityRoute => pages::admin::facilities::FacilityPage,
    AdminCodesRoute => pages::admin::codes::CodesPage,
    AdminGuardiansRoute => pages::admin::guardians::GuardiansPage,
    AdminReviewsRoute => pages::admin::reviews::ReviewsPage,
    AdminAuditRoute => pages::admin::audit::AuditPageView,
    AdminTransfersRoute => pages::admin::transfers::TransfersPage,
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
                    <Route path=path!("/enrol") view={Lazy::<EnrolRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record") view=pages::overview::OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/record/vaccinations") view={Lazy::<VaccinationsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record/vaccinations/card") view={Lazy::<CardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/verify") view={Lazy::<VerifyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record/visits") view={Lazy::<VisitsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record/visits/:visit_id") view={Lazy::<VisitDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record/sharing") view={Lazy::<SharingRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record/access-log") view={Lazy::<AccessLogRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/record/family") view={Lazy::<FamilyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/clinician") view={Lazy::<FindPatientRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/clinician/patients/:patient_id") view={Lazy::<ClinicianPatientRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/account/passkeys") view={Lazy::<PasskeysRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view={Lazy::<AdminHomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/people") view={Lazy::<AdminPeopleRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/people/:account_id") view={Lazy::<AdminPersonRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/facilities") view={Lazy::<AdminFacilitiesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/facilities/:facility_id") view={Lazy::<AdminFacilityRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/codes") view={Lazy::<AdminCodesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/guardians") view={Lazy::<AdminGuardiansRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/reviews") view={Lazy::<AdminReviewsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view={Lazy::<AdminAuditRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/transfers") view={Lazy::<AdminTransfersRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </components::layout::Layout>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Waits for the current route's chunk (a lazy route) before hydrating it.
    leptos::mount::hydrate_lazy(App);
}
