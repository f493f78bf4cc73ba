//! The kinds of hole an outside test found (issue 14), each tested over its whole surface: the
//! router's pages (`generate_route_list`), the server-function registry (`server_fn_paths`), the
//! plain routes (`server::http::PLAIN_ROUTES`, checked against the router's source) and the
//! CapabilityStatement's types. Each issue's example stays as a regression case.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use url::Url;

use crate::fhir_api::{bearer, grant, new_token};
use crate::support::{Response, TestApp, User, ORIGIN};

/// A path with every `:param` / `{param}` segment filled with `x-unknown`.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| if segment.starts_with(':') || segment.starts_with('{') { "x-unknown" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

/// Every (method, path) the portal answers: its pages, its server functions, its plain routes.
fn every_route() -> Vec<(Method, String)> {
    let mut routes: Vec<(Method, String)> =
        leptos_axum::generate_route_list(app::App).iter().map(|route| (Method::GET, concrete(route.path()))).collect();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        routes.push((method, path.to_string()));
    }
    for (method, path) in server::http::PLAIN_ROUTES {
        routes.push((Method::from_bytes(method.as_bytes()).unwrap(), concrete(path)));
    }
    routes.sort_by(|a, b| (a.1.as_str(), a.0.as_str()).cmp(&(b.1.as_str(), b.0.as_str())));
    routes.dedup();
    routes
}

#[test]
fn the_list_of_plain_routes_is_the_routers() {
    let source = include_str!("../../src/http/mod.rs");
    let router = &source[source.find("pub fn router(").unwrap()..];
    let calls = router.matches(".route(").count();
    let listed = server::http::PLAIN_ROUTES.iter().map(|(_, path)| *path).collect::<std::collections::BTreeSet<_>>().len();
    assert_eq!(calls, listed, "every .route( in the router is in PLAIN_ROUTES (one path per call)");
}

/// Whether `location` (a `Location` header or a refresh target) stays on the portal's origin, read
/// the way a browser reads it.
fn stays_here(location: &str) -> bool {
    let origin = Url::parse(ORIGIN).unwrap();
    !location.chars().any(char::is_control) && origin.join(location).is_ok_and(|target| target.origin() == origin.origin())
}

/// The refresh target of a page, if it has one.
fn refresh_target(body: &str) -> Option<String> {
    let at = body.find("http-equiv=\"refresh\"")?;
    let rest = &body[at..];
    let url = rest.find("url=")? + 4;
    let end = rest[url..].find('"')?;
    Some(rest[url..url + end].replace("&amp;", "&"))
}

const HOSTILE_TARGETS: [&str; 12] = [
    "/%09/evil.example",
    "//evil.example",
    "/%0A/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "/%0D%0ASet-Cookie:%20x=1",
    "/.//evil.example",
    "%FF%FE",
];

#[test]
fn no_route_redirects_off_site_whatever_the_input() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let citizen = app.enrol(&app.patients[0].clone()).await;
        // The issue's example: the tab is dropped by browsers, leaving `//evil.example`.
        let example = app.get("/lang?to=en&back=/%09/evil.example", None).await;
        assert_eq!(example.status, StatusCode::SEE_OTHER, "{}", example.body);
        assert_eq!(example.headers[header::LOCATION], "/");
        let kept = app.get("/lang?to=en&back=/record/visits", None).await;
        assert_eq!(kept.headers[header::LOCATION], "/record/visits", "a same-origin path is kept");

        let mut checked = 0;
        for (method, path) in every_route().into_iter().filter(|(method, _)| *method == Method::GET) {
            for target in HOSTILE_TARGETS {
                let query = format!("?to=en&back={target}&next={target}&return_to={target}&redirect={target}&url={target}");
                for cookie in [None, Some(citizen.cookie.as_str())] {
                    let response = app.get(&format!("{path}{query}"), cookie).await;
                    assert!(response.status.as_u16() < 500, "{method} {path}{query}: {} {}", response.status, response.body);
                    if let Some(location) = response.headers.get(header::LOCATION) {
                        let location = location.to_str().unwrap();
                        assert!(stays_here(location), "{path}{query} sends the browser to {location:?}");
                    }
                    if let Some(refresh) = refresh_target(&response.body) {
                        assert!(stays_here(&refresh), "{path}{query} refreshes to {refresh:?}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 200, "the route list was read ({checked} requests)");
        // Bytes that are not UTF-8 in the target are a 400, not a 500.
        for path in ["/lang?to=en&back=%FF%FE", "/record?page=%C3%28", "/api/access_log?page=%FF"] {
            let bad = app.get(path, Some(&citizen.cookie)).await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{path}: {}", bad.body);
        }
    });
}

/// The resource types the CapabilityStatement lists.
async fn capability_types(app: &TestApp) -> Vec<String> {
    let metadata = app.get("/fhir/metadata", None).await;
    assert_eq!(metadata.status, StatusCode::OK, "{}", metadata.body);
    let types: Vec<String> = metadata.json()["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .map(|resource| resource["type"].as_str().unwrap().to_string())
        .collect();
    assert!(types.len() >= 10, "{types:?}");
    types
}

fn entries(response: &Response) -> Vec<serde_json::Value> {
    response.json()["entry"].as_array().cloned().unwrap_or_default().into_iter().map(|entry| entry["resource"].clone()).collect()
}

#[test]
fn a_token_reads_only_its_categories_on_every_type_the_capability_statement_lists() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let mut citizen = app.enrol(&patient).await;
        let _ = &mut citizen;
        // The citizen's whole record, by their session: what a token may hold only part of.
        let everything = app.get(&format!("/fhir/Patient/{}/$everything", patient.id()), Some(&citizen.cookie)).await;
        assert_eq!(everything.status, StatusCode::OK, "{}", everything.body);
        let mine = entries(&everything);
        assert!(mine.iter().any(|r| r["resourceType"] == "Immunization"));
        assert!(mine.iter().any(|r| r["resourceType"] != "Immunization" && r["resourceType"] != "Patient"));

        let token = new_token(&app, &citizen, &["immunizations"], 30).await;
        // The token's category, and the administrative part of the holder's own record that comes
        // with any scope (as with a grant): their own Patient resource, nobody else's.
        let own_id = patient.id().to_string();
        let allowed = |resource: &serde_json::Value| {
            resource["resourceType"] == "Immunization" || (resource["resourceType"] == "Patient" && resource["id"] == own_id.as_str())
        };
        let mut reads = 0;
        for resource_type in capability_types(&app).await {
            for query in [String::new(), format!("?patient={}", patient.id()), format!("?subject=Patient/{}", patient.id())] {
                let path = format!("/fhir/{resource_type}{query}");
                let response = bearer(&app, &path, &token).await;
                assert!(response.status.as_u16() < 500, "{path}: {}", response.body);
                if response.status == StatusCode::OK {
                    for found in entries(&response) {
                        if found["resourceType"] == "OperationOutcome" {
                            continue;
                        }
                        assert!(allowed(&found), "{path} gave an immunization-only token a {}", found["resourceType"]);
                    }
                }
                for other in &app.patients[1..] {
                    crate::support::assert_no_leak(&response.body, other);
                }
            }
        }
        // Every resource of the record outside the token's category, read by id: refused.
        for resource in mine.iter().filter(|r| !allowed(r)) {
            let path = format!("/fhir/{}/{}", resource["resourceType"].as_str().unwrap(), resource["id"].as_str().unwrap());
            let response = bearer(&app, &path, &token).await;
            assert_ne!(response.status, StatusCode::OK, "{path} read by an immunization-only token: {}", response.body);
            assert!(response.status.is_client_error(), "{path}: {}", response.status);
            reads += 1;
        }
        assert!(reads > 3, "{reads}");
        // And the same by $everything: only immunizations.
        let through = bearer(&app, &format!("/fhir/Patient/{}/$everything", patient.id()), &token).await;
        if through.status == StatusCode::OK {
            assert!(entries(&through).iter().all(|r| allowed(r) || r["resourceType"] == "OperationOutcome"), "{}", through.body);
        }
    });
}

/// Row counts of every table but the audit trail (refusals are audited; nothing else may change).
pub async fn table_counts(app: &TestApp) -> Vec<(String, i64)> {
    let mut conn = app.store().reader().acquire().await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_sqlx%' order by name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    let mut counts = Vec::new();
    for table in tables.into_iter().filter(|t| t != "audit_event" && !t.starts_with("audit")) {
        counts.push((table.clone(), app.count(&table).await));
    }
    counts
}

async fn raw(app: &TestApp, method: &Method, path: &str, content_type: &str, body: Vec<u8>, cookie: &str) -> Response {
    let request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

#[test]
fn every_server_function_and_route_answers_undecodable_input_with_a_4xx_and_writes_nothing() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let citizen = app.enrol(&app.patients[0].clone()).await;
        let mut admin = app.enrol_admin().await;

        // The issue's examples, each with its precise status.
        let before = table_counts(&app).await;
        for days in ["abc", "-1", "1e3", ""] {
            let body = format!("name=App+one&categories[0]=immunizations&days={days}");
            let response = app.post_form("/api/create_api_token", &body, Some(&citizen.cookie)).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "days={days}: {}", response.body);
            assert_eq!(response.json()["kind"], "bad_request");
        }
        let missing = app.post_form("/api/create_api_token", "name=App+one&categories[0]=immunizations", Some(&citizen.cookie)).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
        let json = app.post_json("/api/create_api_token", &serde_json::json!({"name": "App one", "days": 30}), Some(&citizen.cookie)).await;
        assert!(json.status.is_client_error(), "{}: {}", json.status, json.body);
        let page = app.get("/api/access_log?page=abc", Some(&citizen.cookie)).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        assert_eq!(table_counts(&app).await, before);

        // Every server function and every POST route, called with what it cannot decode.
        let bodies: [(&str, Vec<u8>); 4] = [
            ("application/x-www-form-urlencoded", b"\xff\xfe=\xc3\x28".to_vec()),
            ("application/x-www-form-urlencoded", br#"{"name":"#.to_vec()),
            ("application/json", b"{\"unterminated".to_vec()),
            ("application/x-www-form-urlencoded", b"days=%ZZ&page=%FF&categories[0][x]=1".to_vec()),
        ];
        let mut checked = 0;
        for (method, path) in every_route() {
            if path.starts_with("/fhir") || path == "/oauth/token" || path == "/auth/logout" {
                // The FHIR API and the token endpoint have their own tests (import.rs, fhir_api.rs);
                // signing out takes no input (any body signs out, by design).
                continue;
            }
            let is_admin = server::http::admin_routes::is_admin_path(&path);
            if is_admin {
                app.reauth(&mut admin).await;
            }
            let cookie = if is_admin { admin.cookie.clone() } else { citizen.cookie.clone() };
            let requests: Vec<(String, &str, Vec<u8>)> = if method == Method::GET {
                vec![(format!("{path}?page=abc&days=%FF&limit=-1&patient_id=%00"), "text/plain", Vec::new())]
            } else {
                bodies.iter().map(|(content_type, body)| (path.clone(), *content_type, body.clone())).collect()
            };
            for (target, content_type, body) in requests {
                let before = table_counts(&app).await;
                let response = raw(&app, &method, &target, content_type, body.clone(), &cookie).await;
                assert!(
                    response.status.as_u16() < 500,
                    "{method} {target} {content_type} {:?}: {} {}",
                    String::from_utf8_lossy(&body),
                    response.status,
                    response.body
                );
                if response.status.is_client_error() {
                    assert_eq!(table_counts(&app).await, before, "{method} {target} was refused ({}) but wrote", response.status);
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");

        // An over-limit body, declared or streamed (chunked), is a 413 everywhere and writes nothing.
        let limit = app.portal.config.max_body_bytes;
        let before = table_counts(&app).await;
        for (method, path) in every_route().into_iter().filter(|(method, path)| *method == Method::POST && path != "/fhir") {
            let chunks = (0..=(limit / 4096 + 1)).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 4096]));
            let request = Request::builder()
                .method(method.clone())
                .uri(&path)
                .header(header::HOST, "localhost:3000")
                .header(header::ORIGIN, ORIGIN)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, &citizen.cookie)
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap();
            let response = app.send(request).await;
            assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {}", response.body);
        }
        assert_eq!(table_counts(&app).await, before);
    });
}

/// A request as a browser sends it for a page on another site (or a sibling site).
async fn from_other_site(app: &TestApp, method: &Method, path: &str, site: &str, dest: &str, cookie: &str) -> Response {
    let mut request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, "localhost:3000")
        .header("sec-fetch-site", site)
        .header("sec-fetch-mode", if dest == "document" { "navigate" } else { "no-cors" })
        .header("sec-fetch-dest", dest)
        .header(header::COOKIE, cookie);
    if *method != Method::GET {
        request = request.header(header::ORIGIN, "http://localhost:4000").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    app.send(request.body(Body::from("patient_id=x&purpose=research")).unwrap()).await
}

#[test]
fn requests_from_another_site_are_refused_before_anything_is_read() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["immunizations"]).await;

        // The issue's example: an <img> on a sibling site loads the clinician's view in their name.
        let audit_before = app.audit().await.len();
        let path = format!("/api/clinician_view?patient_id={}&purpose=research", patient.id());
        let example = from_other_site(&app, &Method::GET, &path, "same-site", "image", &doctor.cookie).await;
        assert_eq!(example.status, StatusCode::FORBIDDEN, "{}", example.body);
        crate::support::assert_no_leak(&example.body, &patient);
        assert_eq!(app.audit().await.len(), audit_before, "nothing written in the clinician's name");
        // From the portal's own page the same read is answered.
        let own = app.get(&path.replace("research", "treatment"), Some(&doctor.cookie)).await;
        assert_eq!(own.status, StatusCode::OK, "{}", own.body);

        // Every route but the few meant for other sites: refused, unread, unwritten.
        for (method, path) in every_route() {
            if server::http::security::open_to_other_sites(&path) {
                continue;
            }
            for (site, dest) in [("same-site", "image"), ("cross-site", "empty"), ("same-site", "iframe"), ("cross-site", "script")] {
                let before = (app.audit().await.len(), table_counts(&app).await);
                let response = from_other_site(&app, &method, &path, site, dest, &doctor.cookie).await;
                assert_eq!(response.status, StatusCode::FORBIDDEN, "{method} {path} from {site} ({dest}): {}", response.body);
                crate::support::assert_no_leak(&response.body, &patient);
                assert_eq!((app.audit().await.len(), table_counts(&app).await), before, "{method} {path} from {site} wrote");
            }
            // A link followed from a sibling site while signed in: a page to continue from, nothing read.
            if method == Method::GET {
                let before = app.audit().await.len();
                let response = from_other_site(&app, &method, &path, "same-site", "document", &doctor.cookie).await;
                assert_eq!(response.status, StatusCode::OK, "{path}");
                assert!(response.body.contains("cross-site-continue"), "{path}: {}", response.body);
                crate::support::assert_no_leak(&response.body, &patient);
                assert_eq!(app.audit().await.len(), before, "{path}");
            }
        }
    });
}

/// Every state-changing administrator function in the registry (any non-GET `/api/admin_…`).
fn state_changing_console_functions() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .into_iter()
        .filter(|(path, method)| *method != Method::GET && path.starts_with("/api/admin_"))
        .map(|(path, _)| path.to_string())
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_state_changing_console_function_needs_a_fresh_confirmation() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let admin = app.enrol_admin().await;
        let functions = state_changing_console_functions();
        assert!(functions.len() >= 15, "{functions:?}");
        assert!(functions.contains(&"/api/admin_review".to_string()), "the issue's example is in the registry");
        app.clock.advance_minutes(6);
        let before = table_counts(&app).await;
        for path in &functions {
            let response = app.post_form(path, "", Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
            assert_eq!(response.json()["kind"], "reauth_required", "{path}: {}", response.body);
        }
        assert_eq!(table_counts(&app).await, before);
        let denials = app.audit().await.into_iter().filter(|row| row.reason.as_deref() == Some("reauth_required")).count();
        assert!(denials >= functions.len(), "each refusal is audited ({denials})");
    });
}

#[test]
fn wrong_enrolment_codes_for_one_person_are_limited_and_write_nothing() {
    crate::support::run(async {
        let app = TestApp::with_config(|config| config.rate_limits.code_attempts_per_hour = 10).await;
        let patient = app.patients[0].clone();
        let before = table_counts(&app).await;
        let attempt = |code: String| {
            let app = &app;
            let cccd = patient.seed.cccd.clone();
            async move { app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": cccd, "code": code }), None).await }
        };
        for n in 0..10 {
            let response = attempt(format!("AAAA-BBBB-{n:04}")).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "attempt {n}: {}", response.body);
        }
        let limited = attempt("AAAA-BBBB-CCCC".into()).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{}", limited.body);
        assert_eq!(limited.json()["error"], "too_many_requests");
        // Even the right code waits now: guessing cannot be told from a lucky guess.
        let right = attempt(patient.code.clone()).await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(table_counts(&app).await, before);
        // Another person is not held up by it.
        let other = app.patients[1].clone();
        let response = app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": other.seed.cccd, "code": other.code }), None).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    });
}

#[test]
fn sign_in_starts_and_searches_are_limited_per_client() {
    crate::support::run(async {
        let app = TestApp::with_config(|config| {
            config.rate_limits.auth_per_minute = 5;
            config.rate_limits.search_per_minute = 5;
        })
        .await;
        let mut statuses = Vec::new();
        for _ in 0..8 {
            statuses.push(app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.status);
        }
        assert!(statuses[..5].iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
        assert!(statuses[5..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
        assert!(app.count("webauthn_ceremony").await <= 5, "a refused start stores no ceremony");
    });
}

#[test]
fn signing_out_other_devices_offers_to_revoke_tokens_and_says_what_stays_active() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let token = new_token(&app, &citizen, &["immunizations"], 30).await;
        let read = format!("/fhir/Immunization?patient={}", patient.id());

        let kept = app.post_form("/auth/sessions/end", "", Some(&citizen.cookie)).await;
        assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
        let location = kept.headers[header::LOCATION].to_str().unwrap().to_string();
        assert!(location.contains("tokens_revoked=0") && location.contains("tokens_active=1"), "{location}");
        assert_eq!(bearer(&app, &read, &token).await.status, StatusCode::OK, "not asked: the token still works, and the page says so");

        let revoked = app.post_form("/auth/sessions/end", "revoke_tokens=on", Some(&citizen.cookie)).await;
        let location = revoked.headers[header::LOCATION].to_str().unwrap().to_string();
        assert!(location.contains("tokens_revoked=1") && location.contains("tokens_active=0"), "{location}");
        assert_eq!(bearer(&app, &read, &token).await.status, StatusCode::UNAUTHORIZED);
    });
}

/// The staff code an administrator issues for an account, with the answer.
async fn staff_code(app: &TestApp, admin: &User, account_id: &str, cccd: &str) -> Response {
    app.post_form("/api/admin_issue_code", &format!("account_id={account_id}&cccd={cccd}"), Some(&admin.cookie)).await
}

#[test]
fn an_administrator_cannot_obtain_a_working_credential_for_someone_else() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let clinician = app.clinicians[0].clone();
        let doctor = app.enrol_clinician(&clinician).await;
        grant(&app, &citizen, &format!("clinician:{}", clinician.clinician_id), &["immunizations"]).await;
        grant(&app, &citizen, &format!("facility:{}", clinician.facility_id), &["immunizations"]).await;
        let _ = doctor;
        let mut admin = app.enrol_admin().await;
        let mut second = app.enrol_admin_named("001190008888").await;

        // The issue's example: a code for the clinician's existing account with any CCCD.
        let typed_any = staff_code(&app, &admin, &clinician.account_id, "079099999999").await;
        assert_eq!(typed_any.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", typed_any.body);
        assert!(typed_any.body.contains("identity_mismatch"), "{}", typed_any.body);
        // With the clinician's own CCCD the code is issued but held: it enrols no one.
        let held = staff_code(&app, &admin, &clinician.account_id, &clinician.cccd).await;
        assert_eq!(held.status, StatusCode::OK, "{}", held.body);
        assert_eq!(held.json()["awaiting_approval"], true);
        let code = held.json()["code"].as_str().unwrap().to_string();
        let passkeys = app.count("passkey").await;
        let refused = app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": clinician.cccd, "code": code }), None).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(app.count("passkey").await, passkeys);
        // Its issuer cannot approve it; a second administrator can.
        let open = app.get("/api/admin_open_codes", Some(&admin.cookie)).await.json();
        let entry = open.as_array().unwrap().iter().find(|c| c["awaiting_approval"] == true).cloned().unwrap();
        assert_eq!(entry["issued_by_me"], true);
        let code_id = entry["code_id"].as_str().unwrap();
        let own = app.post_form("/api/admin_approve_code", &format!("code_id={code_id}"), Some(&admin.cookie)).await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
        assert!(own.body.contains("second_administrator_required"), "{}", own.body);
        app.reauth(&mut second).await;
        let approved = app.post_form("/api/admin_approve_code", &format!("code_id={code_id}"), Some(&second.cookie)).await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
        // Now it enrols a passkey, listed to its owner with how it was added and announced.
        app.clock.advance_minutes(1);
        let added = app.enrol_with(&clinician.cccd, &code).await;
        let listed = app.get("/api/passkeys", Some(&added.cookie)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let vias: Vec<String> = listed.json().as_array().unwrap().iter().map(|p| p["added_via"].as_str().unwrap().to_string()).collect();
        assert_eq!(vias, ["enrolment", "enrolment_code"]);
        let page = app.get("/account/passkeys", Some(&added.cookie)).await;
        assert!(page.body.contains("passkey-added-by-code"), "the owner is told");

        // The second path: a clinician the administrator creates at a facility the patient shares with.
        app.reauth(&mut admin).await;
        let created = app
            .post_form(
                "/api/admin_create_clinician",
                &format!("facility_id={}&full_name=BS.+Gi%E1%BA%A3&cccd=001085009999", clinician.facility_id),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let puppet = app.enrol_with("001085009999", created.json()["code"].as_str().unwrap()).await;
        let audit_before = app.audit().await.iter().filter(|row| row.outcome == "allowed").count();
        let view = app.get(&format!("/api/clinician_view?patient_id={}&purpose=treatment", patient.id()), Some(&puppet.cookie)).await;
        assert_eq!(view.status, StatusCode::FORBIDDEN, "{}", view.body);
        assert_eq!(view.json()["kind"], "awaiting_confirmation");
        crate::support::assert_no_leak(&view.body, &patient);
        let found = app.get(&format!("/api/find_patient?identifier={}", patient.seed.cccd), Some(&puppet.cookie)).await;
        assert_eq!(found.status, StatusCode::FORBIDDEN, "{}", found.body);
        assert!(!found.body.contains(&patient.full_name()));
        assert_eq!(app.audit().await.iter().filter(|row| row.outcome == "allowed").count(), audit_before, "nothing read");
        // Its creator cannot confirm it; the second administrator can, and then it reads what is shared.
        let mut conn = app.store().reader().acquire().await.unwrap();
        let account_id: String =
            sqlx::query_scalar("select account_id from account where display_name = 'BS. Giả'").fetch_one(&mut *conn).await.unwrap();
        drop(conn);
        let own = app.post_form("/api/admin_confirm_staff", &format!("account_id={account_id}"), Some(&admin.cookie)).await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
        assert!(own.body.contains("second_administrator_required"));
        app.reauth(&mut second).await;
        let confirmed = app.post_form("/api/admin_confirm_staff", &format!("account_id={account_id}"), Some(&second.cookie)).await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        let view = app.get(&format!("/api/clinician_view?patient_id={}&purpose=treatment", patient.id()), Some(&puppet.cookie)).await;
        assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    });
}

#[test]
fn looking_a_person_up_by_any_identifier_is_audited_and_shown_to_them() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let token = crate::import::facility_token(&app, &app.facilities[1]).await;
        // The issue's example: a transaction holding only a Patient with someone's CCCD.
        let probe = serde_json::json!({
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [{
                "fullUrl": "urn:uuid:2b0e6a8e-7d0c-4f8e-9a57-3d1c8f0e5a11",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{ "system": server::fhir::CCCD_SYSTEM, "value": patient.seed.cccd }],
                    "name": [{ "family": "X", "given": ["Y"] }],
                    "birthDate": "1990-01-01",
                    "gender": "female"
                },
                "request": { "method": "POST", "url": "Patient" }
            }]
        });
        let lookups = |rows: &[server::store::audit::AuditRow]| {
            rows.iter().filter(|row| row.action == "patient_lookup" && row.patient_id.as_deref() == Some(patient.id())).count()
        };
        let before = lookups(&app.audit().await);
        let answered = crate::import::post_bundle(&app, Some(&token), probe.to_string(), "application/fhir+json").await;
        assert!(answered.status.as_u16() < 500, "{}", answered.body);
        assert_eq!(lookups(&app.audit().await), before + 1, "the lookup is audited whatever the answer ({})", answered.status);
        // Refused (a reference to nothing): still audited.
        let mut refused = probe.clone();
        refused["entry"].as_array_mut().unwrap().push(serde_json::json!({
            "fullUrl": "urn:uuid:9c1d3e55-0f5b-4c61-8f0a-55e0f1a3b2c4",
            "resource": { "resourceType": "Immunization", "status": "completed", "patient": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000000" },
                          "vaccineCode": { "text": "x" }, "occurrenceDateTime": "2020-01-01" },
            "request": { "method": "POST", "url": "Immunization" }
        }));
        let refusal = crate::import::post_bundle(&app, Some(&token), refused.to_string(), "application/fhir+json").await;
        assert!(refusal.status.is_client_error(), "{}: {}", refusal.status, refusal.body);
        assert_eq!(lookups(&app.audit().await), before + 2, "a refused import's lookups are audited too");
        // By the portal's own id (a Patient/<id> reference), too.
        let by_id = serde_json::json!({
            "resourceType": "Bundle", "type": "batch",
            "entry": [{ "fullUrl": "urn:uuid:6f1e2d3c-0000-4000-8000-000000000001",
                        "resource": { "resourceType": "Immunization", "status": "completed", "patient": { "reference": format!("Patient/{}", patient.id()) },
                                      "vaccineCode": { "text": "x" }, "occurrenceDateTime": "2020-01-01" },
                        "request": { "method": "POST", "url": "Immunization" } }]
        });
        let answered = crate::import::post_bundle(&app, Some(&token), by_id.to_string(), "application/fhir+json").await;
        assert!(answered.status.as_u16() < 500, "{}", answered.body);
        assert!(lookups(&app.audit().await) >= before + 3, "{}", answered.body);
        // And the person sees who looked them up in their access log.
        let log = app.get("/api/access_log", Some(&citizen.cookie)).await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.body);
        let seen = log.json()["entries"].as_array().unwrap().iter().filter(|entry| entry["action"] == "patient_lookup").count();
        assert!(seen >= 3, "{}", log.body);
        // Clinicians' searches by CCCD or BHYT number were already audited as searches; still so.
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let searches = app.audit().await.iter().filter(|row| row.action == "search").count();
        app.get(&format!("/api/find_patient?identifier={}", patient.seed.cccd), Some(&doctor.cookie)).await;
        assert_eq!(app.audit().await.iter().filter(|row| row.action == "search").count(), searches + 1);
    });
}

/// Starts the real binary on an empty database until it serves, then stops it; returns its
/// standard output and error.
fn start_once(dir: &std::path::Path, seed_demo: Option<&str>) -> String {
    use std::io::{BufRead, BufReader};
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .arg("serve")
        .env("DATABASE_URL", format!("sqlite://{}/hoso.db", dir.display()))
        .env("HOSO_DATA_DIR", dir)
        .env("HOSO_LISTEN", format!("127.0.0.1:{port}"))
        .env("HOSO_PUBLIC_URL", format!("http://localhost:{port}"))
        .env("RUST_LOG", "debug")
        .env_remove("HOSO_SEED_DEMO")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if let Some(value) = seed_demo {
        command.env("HOSO_SEED_DEMO", value);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).collect::<Vec<_>>().join("\n"));
    let mut out = String::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        out.push_str(&line);
        out.push('\n');
        if line.contains("hoso is serving") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    out.push_str(&errors.join().unwrap());
    out
}

#[test]
fn a_start_seeds_no_demo_data_unless_asked_and_logs_no_code_or_identity() {
    let dir = crate::support::temp_dir();
    let output = start_once(&dir, None);
    assert!(output.contains("hoso is serving"), "{output}");
    let accounts = crate::support::run(async {
        let store = server::store::Store::connect(&format!("sqlite://{}/hoso.db", dir.display()), 1).await.unwrap();
        let mut conn = store.reader().acquire().await.unwrap();
        sqlx::query_scalar::<_, i64>("select count(*) from account").fetch_one(&mut *conn).await.unwrap()
    });
    assert_eq!(accounts, 0, "no demo administrator on a production start");
    assert!(!dir.join(server::seed::DEMO_CODES_FILE).exists());

    // Asked for (what `make run` does): seeded, the codes only in the owner-only file.
    let demo = crate::support::temp_dir();
    let output = start_once(&demo, Some("true"));
    let file = demo.join(server::seed::DEMO_CODES_FILE);
    let codes = std::fs::read_to_string(&file).unwrap();
    let code_shape = enrolment_codes_in(&codes);
    assert!(!code_shape.is_empty(), "the file holds the codes");
    for secret in &code_shape {
        assert!(!output.contains(secret.as_str()), "a code reached the output: {secret}");
    }
    for cccd in ["001085004321", "001190007777", "001190008888"] {
        assert!(!output.contains(cccd), "a CCCD reached the output: {cccd}");
    }
    assert!(!output.contains("Phạm Minh Đức"), "a name reached the output");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&demo);
}

/// The enrolment codes (`XXXX-XXXX-XXXX`) in a text.
fn enrolment_codes_in(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| {
            word.len() == 14
                && word.split('-').count() == 3
                && word.split('-').all(|part| part.len() == 4 && part.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
        })
        .map(str::to_string)
        .collect()
}
