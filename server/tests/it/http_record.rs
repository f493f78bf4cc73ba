//! Record routes over HTTP, in-process: who may read what, what is audited, and what never leaks.

use axum::http::StatusCode;

use crate::support::{assert_no_leak, assert_no_leak_except, TestApp};

const RECORD_APIS: [&str; 3] = ["/api/overview", "/api/vaccinations", "/api/visits"];
const RECORD_PAGES: [&str; 4] = ["/record", "/record/vaccinations", "/record/visits", "/account/passkeys"];

#[test]
fn a_citizen_reads_their_own_vaccinations_with_an_audit_row_and_no_store() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let adult = app.patients[2].clone();
        let user = app.enrol(&adult).await;
        let before = app.audit().await.len();

        let response = app.get("/api/vaccinations", Some(&user.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert_eq!(response.headers["cache-control"], "no-store");
        let body = response.json();
        assert_eq!(body["patient"]["full_name"], adult.full_name());
        let vaccines = body["vaccines"].as_array().expect("vaccines");
        assert!(!vaccines.is_empty());
        // Doses of each vaccine are in date order.
        for vaccine in vaccines {
            let dates: Vec<&str> = vaccine["doses"].as_array().unwrap().iter().map(|d| d["date"].as_str().unwrap()).collect();
            let mut sorted = dates.clone();
            sorted.sort();
            assert_eq!(dates, sorted);
        }

        let audit = app.audit().await;
        let new_rows = &audit[before..];
        assert_eq!(new_rows.len(), 2, "one row per category read: {new_rows:?}");
        for row in new_rows {
            assert_eq!(row.outcome, "allowed");
            assert_eq!(row.basis.as_deref(), Some("self"));
            assert_eq!(row.patient_id.as_deref(), Some(adult.id()));
            assert_eq!(row.actor_role.as_deref(), Some("citizen"));
        }
        assert!(new_rows.iter().any(|row| row.category.as_deref() == Some("immunizations")));
    });
}

#[test]
fn anonymous_requests_to_every_record_api_get_401_are_audited_and_leak_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let victim = app.patients[2].clone();
        let visit = victim.encounter_ids()[0].clone();
        for path in RECORD_APIS
            .iter()
            .map(|p| p.to_string())
            .chain([format!("/api/vaccinations?patient_id={}", victim.id()), format!("/api/visit?visit_id={visit}")])
        {
            let before = app.audit().await.len();
            let response = app.get(&path, None).await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}: {}", response.body);
            assert_no_leak(&response.body, &victim);
            let audit = app.audit().await;
            assert!(audit.len() > before, "{path}: the refusal was not audited");
            assert!(audit[before..].iter().all(|row| row.outcome == "denied" && row.reason.as_deref() == Some("not_authenticated")));
        }
    });
}

#[test]
fn anonymous_page_requests_show_the_sign_in_prompt_with_401() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let victim = app.patients[2].clone();
        let visit = victim.encounter_ids()[0].clone();
        for path in RECORD_PAGES.iter().map(|p| p.to_string()).chain([format!("/record/visits/{visit}")]) {
            let response = app.get(&path, None).await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
            assert!(response.body.contains("Bạn cần đăng nhập"), "{path}: {}", response.body);
            assert_no_leak_except(&response.body, &victim, &[&visit]);
        }
    });
}

#[test]
fn a_citizen_cannot_read_another_patients_record_by_tampered_argument() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let reader = app.patients[0].clone();
        let victim = app.patients[2].clone();
        let user = app.enrol(&reader).await;
        for api in RECORD_APIS {
            let before = app.audit().await.len();
            let response = app.get(&format!("{api}?patient_id={}", victim.id()), Some(&user.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{api}: {}", response.body);
            assert_no_leak(&response.body, &victim);
            let audit = app.audit().await;
            let denied = &audit[before..];
            assert!(!denied.is_empty(), "{api}: refusal not audited");
            for row in denied {
                assert_eq!(row.outcome, "denied");
                assert_eq!(row.reason.as_deref(), Some("not_own_record"));
                assert_eq!(row.patient_id.as_deref(), Some(victim.id()), "the victim sees the attempt in their log");
                assert_eq!(row.actor_role.as_deref(), Some("citizen"));
            }
        }
    });
}

#[test]
fn a_citizen_cannot_open_another_patients_visit_by_id_or_by_guess() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let reader = app.patients[0].clone();
        let victim = app.patients[2].clone();
        let user = app.enrol(&reader).await;
        let foreign = victim.encounter_ids()[0].clone();

        let before = app.audit().await.len();
        let response = app.get(&format!("/api/visit?visit_id={foreign}"), Some(&user.cookie)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
        assert_no_leak(&response.body, &victim);
        let audit = app.audit().await;
        assert!(audit[before..].iter().all(|row| row.outcome == "denied" && row.patient_id.as_deref() == Some(victim.id())));

        // A guessed id answers exactly like someone else's: no existence oracle.
        let guessed = app.get(&format!("/api/visit?visit_id={}", uuid::Uuid::new_v4()), Some(&user.cookie)).await;
        assert_eq!(guessed.status, response.status);
        assert_eq!(guessed.body, response.body);

        // And the page.
        let page = app.get(&format!("/record/visits/{foreign}"), Some(&user.cookie)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.body.contains("Bạn không có quyền"));
        assert_no_leak_except(&page.body, &victim, &[&foreign]);
    });
}

#[test]
fn a_citizen_sees_their_own_pages_rendered_on_the_server() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let adult = app.patients[2].clone();
        let user = app.enrol(&adult).await;

        let overview = app.get("/record", Some(&user.cookie)).await;
        assert_eq!(overview.status, StatusCode::OK);
        assert!(overview.body.contains(&adult.full_name()));
        assert!(overview.body.contains("Dị ứng"));
        assert_eq!(overview.headers["cache-control"], "no-store");

        let vaccinations = app.get("/record/vaccinations", Some(&user.cookie)).await;
        assert_eq!(vaccinations.status, StatusCode::OK);
        assert!(vaccinations.body.contains("Lịch sử tiêm chủng"));
        let lot = adult.seed.resources.iter().find_map(|r| r["lotNumber"].as_str()).expect("a lot number");
        assert!(vaccinations.body.contains(lot));

        let visit = adult.encounter_ids()[0].clone();
        let detail = app.get(&format!("/record/visits/{visit}"), Some(&user.cookie)).await;
        assert_eq!(detail.status, StatusCode::OK);
        assert!(detail.body.contains("Kết quả xét nghiệm"));

        let english = app.get("/record/vaccinations", Some(&format!("{}; hoso_lang=en", user.cookie))).await;
        assert!(english.body.contains("Vaccination history"));
        assert!(english.body.contains("lang=\"en\""));
    });
}

#[test]
fn lab_results_out_of_range_are_flagged() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let older = app.patients[3].clone();
        let user = app.enrol(&older).await;
        let mut flagged = 0;
        for visit in older.encounter_ids() {
            let response = app.get(&format!("/api/visit?visit_id={visit}"), Some(&user.cookie)).await;
            assert_eq!(response.status, StatusCode::OK);
            for lab in response.json()["labs"].as_array().unwrap() {
                if lab["flag"] == "high" || lab["flag"] == "low" {
                    flagged += 1;
                }
            }
        }
        assert!(flagged > 0, "the demo data has out-of-range results and they are flagged");
    });
}

#[test]
fn an_unknown_session_cookie_is_401_not_anonymous() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let response = app.get("/api/me", Some("__Host-hoso_session=forged-token")).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        let anonymous = app.get("/api/me", None).await;
        assert_eq!(anonymous.status, StatusCode::OK);
        assert_eq!(anonymous.body.trim(), "null");
    });
}

#[test]
fn sessions_end_after_the_idle_and_the_absolute_timeout() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let user = app.enrol(&app.patients[1].clone()).await;
        app.clock.advance_minutes(29);
        assert_eq!(app.get("/api/visits", Some(&user.cookie)).await.status, StatusCode::OK);
        app.clock.advance_minutes(31);
        assert_eq!(app.get("/api/visits", Some(&user.cookie)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("session").await, 0, "the expired session is deleted");

        let user = app.enrol(&app.patients[2].clone()).await;
        for _ in 0..(12 * 60 / 20) {
            app.clock.advance_minutes(20);
            let status = app.get("/api/visits", Some(&user.cookie)).await.status;
            if status == StatusCode::UNAUTHORIZED {
                return;
            }
            assert_eq!(status, StatusCode::OK);
        }
        panic!("the session outlived the 12-hour absolute limit");
    });
}

#[test]
fn every_response_carries_the_security_headers() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        for path in ["/", "/enrol", "/healthz", "/api/me", "/no-such-page"] {
            let response = app.get(path, None).await;
            let csp = response.headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}");
            assert!(csp.contains("script-src 'self' 'nonce-"), "{path}");
            assert_eq!(response.headers["x-content-type-options"], "nosniff");
            assert_eq!(response.headers["referrer-policy"], "same-origin");
            assert!(response.headers.contains_key("x-request-id"));
        }
        let page = app.get("/", None).await;
        let csp = page.headers["content-security-policy"].to_str().unwrap().to_string();
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
        assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "hydration scripts carry the request's nonce");
        assert_eq!(app.get("/no-such-page", None).await.status, StatusCode::NOT_FOUND);
    });
}

#[test]
fn other_hosts_are_redirected_to_the_public_url_and_cross_origin_posts_refused() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let request = axum::http::Request::get("/record?x=1").header("host", "127.0.0.1:3000").body(axum::body::Body::empty()).unwrap();
        let response = app.send(request).await;
        assert_eq!(response.status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers["location"], "http://localhost:3000/record?x=1");

        let request = axum::http::Request::post("/auth/signin/start")
            .header("host", "localhost:3000")
            .header("origin", "https://evil.example")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("webauthn_ceremony").await, 0);
    });
}

#[test]
fn the_language_switch_only_redirects_within_the_site() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let response = app.get("/lang?to=en&back=/record/visits", None).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER);
        assert_eq!(response.headers["location"], "/record/visits");
        assert!(response.headers["set-cookie"].to_str().unwrap().starts_with("hoso_lang=en"));
        let evil = app.get("/lang?to=en&back=//evil.example", None).await;
        assert_eq!(evil.headers["location"], "/");
    });
}

#[test]
fn the_vaccination_list_says_whats_done_and_whats_due() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let infant = app.patients[0].clone();
        let user = app.enrol(&infant).await;
        let body = app.get("/api/vaccinations", Some(&user.cookie)).await.json();
        assert_eq!(body["schedule_version"], "VN-TCMR-2026.2");
        let schedule = body["schedule"].as_array().unwrap();
        let item = |antigen: &str| {
            schedule.iter().find(|i| i["antigen"] == antigen).cloned().unwrap_or_else(|| panic!("{antigen} missing: {schedule:?}"))
        };
        assert_eq!(item("tuberculosis")["state"], "complete");
        // The 5-in-1 doses count for Hib, hepatitis B (with the birth dose) and the rest.
        assert_eq!(item("hib")["valid_doses"], 3);
        assert_eq!(item("hib")["state"], "complete");
        assert_eq!(item("hepatitis-b")["valid_doses"], 4);
        // At about 14 months: one measles dose; the second (MR) may be given from 12 months and is
        // recommended at 18 months, so it is due, not yet late.
        assert_eq!(item("measles")["valid_doses"], 1);
        assert_eq!(item("measles")["state"], "due");
        assert!(item("measles")["next_recommended"].as_str().unwrap() > "2026-11-22");
        // The third Japanese encephalitis dose comes a year after the second.
        assert_eq!(item("japanese-encephalitis")["valid_doses"], 2);
        assert_eq!(item("japanese-encephalitis")["state"], "upcoming");
        // Adult recommendations do not apply to an infant.
        assert!(schedule.iter().all(|i| i["antigen"] != "influenza"));

        let adult = app.enrol(&app.patients[3].clone()).await;
        let body = app.get("/api/vaccinations", Some(&adult.cookie)).await.json();
        assert!(body["schedule"].as_array().unwrap().iter().any(|i| i["antigen"] == "influenza"));
        let page = app.get("/record/vaccinations", Some(&adult.cookie)).await;
        assert!(page.body.contains("Đã tiêm gì, sắp đến hạn gì"));
    });
}
