//! Federated sign-in through the real router, without a provider: the refusals that need none
//! (forged, missing, expired, replayed and foreign-browser state; unconfigured providers; the
//! passkey step without proofing) are precise 4xx pages, audited, and create nothing. The console's
//! provider and link functions need a fresh confirmation and validate what they store. The flow
//! against a real OpenID provider is tested in Chromium (end2end/tests/federation.spec.ts).

use axum::http::StatusCode;
use server::auth::session::hash_token;
use server::store::federation::{self as fed, LoginRow, ProviderRow};

use crate::support::{Response, TestApp};

async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["account", "passkey", "session", "federated_link", "enrolment_code", "patient where account_id is not null"] {
        counts.push(app.count(table).await);
    }
    counts
}

fn refusal(response: &Response) -> &str {
    response.headers.get("x-hoso-refusal").and_then(|value| value.to_str().ok()).unwrap_or_default()
}

async fn pending_login(app: &TestApp, state: &str, browser: &str, expires_at: i64) {
    let mut tx = app.store().begin().await.unwrap();
    let login = LoginRow {
        browser_hash: hash_token(browser),
        purpose: "clinician".into(),
        facility_id: Some(app.facilities[0].clone()),
        pkce_verifier: "v".repeat(43),
        nonce: "n".repeat(22),
        expires_at,
    };
    fed::insert_login(&mut tx, &hash_token(state), &login, 0).await.unwrap();
    tx.commit().await.unwrap();
}

#[test]
fn forged_missing_expired_and_foreign_browser_callbacks_are_refused_audited_and_create_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let now = app.portal.clock.now_ms();
        let before = snapshot(&app).await;
        let browser = "b".repeat(43);
        let cookie = format!("__Host-hoso_oidc={browser}");
        pending_login(&app, "state-expired", &browser, now - 1).await;
        pending_login(&app, "state-live", &browser, now + 600_000).await;

        let cases: [(String, Option<&str>, StatusCode, &str); 6] = [
            ("/auth/oidc/callback?code=abc".into(), Some(&cookie), StatusCode::BAD_REQUEST, "missing_state"),
            ("/auth/oidc/callback?code=abc&state=a&state=b".into(), Some(&cookie), StatusCode::BAD_REQUEST, "missing_state"),
            ("/auth/oidc/callback?code=abc&state=forged".into(), Some(&cookie), StatusCode::BAD_REQUEST, "unknown_state"),
            ("/auth/oidc/callback?code=abc&state=state-expired".into(), Some(&cookie), StatusCode::BAD_REQUEST, "expired_state"),
            // The live state from a browser that did not start it: refused, and the state is spent.
            (
                "/auth/oidc/callback?code=abc&state=state-live".into(),
                Some("__Host-hoso_oidc=another-browser"),
                StatusCode::BAD_REQUEST,
                "browser_mismatch",
            ),
            ("/auth/oidc/callback?code=abc&state=state-live".into(), Some(&cookie), StatusCode::BAD_REQUEST, "unknown_state"),
        ];
        for (path, cookie, status, reason) in cases {
            let audit_before = app.audit().await.len();
            let response = app.get(&path, cookie).await;
            assert_eq!(response.status, status, "{path}: {}", response.body);
            assert_eq!(refusal(&response), reason, "{path}");
            assert!(response.headers.get(axum::http::header::SET_COOKIE).is_none(), "{path} set a cookie");
            assert!(response.body.contains("Liên kết đăng nhập này không hợp lệ"), "{path}: {}", response.body);
            let audit = app.audit().await;
            assert_eq!(audit.len(), audit_before + 1, "{path} was not audited");
            let row = audit.last().unwrap();
            assert_eq!((row.action.as_str(), row.outcome.as_str(), row.reason.as_deref()), ("oidc_sign_in", "denied", Some(reason)));
            assert_eq!(snapshot(&app).await, before, "{path} created something");
        }
        assert_eq!(app.count("oidc_login").await, 0, "every state taken is gone");
    });
}

#[test]
fn unconfigured_providers_are_refused_before_anything_is_stored() {
    crate::support::run(async {
        let app = TestApp::new().await;
        for path in [
            "/auth/oidc/start?provider=national".to_string(),
            format!("/auth/oidc/start?facility={}", app.facilities[0]),
            "/auth/oidc/start?facility=no-such-facility".into(),
            "/auth/oidc/start".into(),
            "/auth/oidc/start?provider=somewhere-else".into(),
        ] {
            let response = app.get(&path, None).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(refusal(&response), "unknown_provider", "{path}");
        }
        assert_eq!(app.count("oidc_login").await, 0);
        // The passkey step after proofing needs the proofing cookie.
        let before = snapshot(&app).await;
        let response = app.post_json("/auth/enrol/proofed/start", &serde_json::json!({}), Some("hoso_proof=FORGEDCODE12")).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", response.body);
        assert_eq!(response.json()["error"], "enrolment_refused");
        let response = app.post_json("/auth/enrol/proofed/start", &serde_json::json!({}), None).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        // A real code issued at a counter does not stand in for the CCCD on the proofed path.
        let counter_code = app.patients[0].code.replace('-', "");
        let response =
            app.post_json("/auth/enrol/proofed/start", &serde_json::json!({}), Some(&format!("hoso_proof={counter_code}"))).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", response.body);
        assert_eq!(response.json()["error"], "enrolment_refused");
        assert_eq!(snapshot(&app).await, before);
        assert_eq!(app.count("webauthn_ceremony").await, 0);
    });
}

#[test]
fn the_sign_in_page_lists_only_facilities_with_a_provider() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        let options = app.get("/api/sign_in_options", None).await;
        assert_eq!(options.status, StatusCode::OK, "{}", options.body);
        assert_eq!(options.json(), serde_json::json!({ "facilities": [], "national": null }));
        let mut tx = app.store().begin().await.unwrap();
        let provider = ProviderRow {
            facility_id: app.facilities[1].clone(),
            issuer: "https://id.choray.example.vn".into(),
            client_id: "hoso".into(),
            client_secret: "never-shown".into(),
        };
        fed::set_provider(&mut tx, &provider, "setup", 0).await.unwrap();
        tx.commit().await.unwrap();
        let options = app.get("/api/sign_in_options", None).await;
        assert_eq!(options.json()["facilities"], serde_json::json!([[app.facilities[1], "Bệnh viện Chợ Rẫy"]]));
        assert!(!options.body.contains("never-shown"));
        let page = app.get("/", None).await;
        assert!(page.body.contains(&format!("/auth/oidc/start?facility={}", app.facilities[1])), "sign-in page lacks the facility link");
    });
}

#[test]
fn provider_and_link_changes_need_a_fresh_confirmation_and_valid_input() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut admin = app.enrol_admin().await;
        let doctor = app.clinicians[0].clone();
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let facility = &app.facilities[0];
        let set = |issuer: &str| format!("facility_id={facility}&issuer={issuer}&client_id=hoso&client_secret=s3cret");

        // Not https (and not loopback), or not answering discovery: refused, nothing stored.
        for issuer in ["http%3A%2F%2Fid.example.vn", "https%3A%2F%2Fid.example.vn%2F%3Fx%3D1", "http%3A%2F%2F127.0.0.1%3A9"] {
            let response = app.post_form("/api/admin_set_provider", &set(issuer), Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{issuer}: {}", response.body);
            assert!(response.body.contains("bad_issuer"), "{}", response.body);
        }
        assert_eq!(app.count("identity_provider").await, 0);

        // Links need the clinician's facility to have a provider.
        let link = format!("account_id={}&subject=emp-1", doctor.account_id);
        let response = app.post_form("/api/admin_link_subject", &link, Some(&admin.cookie)).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
        assert!(response.body.contains("not_applicable"));
        let mut tx = app.store().begin().await.unwrap();
        let provider = ProviderRow {
            facility_id: facility.clone(),
            issuer: "https://id.bachmai.example.vn".into(),
            client_id: "hoso".into(),
            client_secret: "s".into(),
        };
        fed::set_provider(&mut tx, &provider, "setup", 0).await.unwrap();
        tx.commit().await.unwrap();
        let response = app.post_form("/api/admin_link_subject", &link, Some(&admin.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let response = app.post_form("/api/admin_link_subject", &link, Some(&admin.cookie)).await;
        assert!(response.body.contains("already_linked"), "{}", response.body);
        // A citizen cannot be linked.
        let citizen_account = {
            let mut conn = app.store().reader().acquire().await.unwrap();
            server::store::patient::by_id(&mut conn, patient.id()).await.unwrap().unwrap().account_id.unwrap()
        };
        let response =
            app.post_form("/api/admin_link_subject", &format!("account_id={citizen_account}&subject=x"), Some(&admin.cookie)).await;
        assert!(response.body.contains("not_applicable"), "{}", response.body);
        drop(citizen);

        let detail = app.get(&format!("/api/admin_person?account_id={}", doctor.account_id), Some(&admin.cookie)).await;
        let links = detail.json()["links"].clone();
        assert_eq!(links.as_array().unwrap().len(), 1);
        assert_eq!(links[0]["subject"], "emp-1");
        assert_eq!(detail.json()["facility_has_provider"], true);
        let facility_detail = app.get(&format!("/api/admin_facility?facility_id={facility}"), Some(&admin.cookie)).await;
        assert_eq!(facility_detail.json()["provider"]["client_id"], "hoso");
        assert_eq!(facility_detail.json()["redirect_uri"], "http://localhost:3000/auth/oidc/callback");
        assert!(!facility_detail.body.contains("\"s\""), "the secret is never shown");

        // Five minutes on, every change is refused until the administrator confirms again.
        app.clock.advance_minutes(6);
        let link_id = links[0]["link_id"].as_str().unwrap().to_string();
        for (path, body) in [
            ("/api/admin_unlink", format!("link_id={link_id}")),
            ("/api/admin_link_subject", format!("account_id={}&subject=emp-2", doctor.account_id)),
            ("/api/admin_remove_provider", format!("facility_id={facility}")),
            ("/api/admin_set_provider", set("https%3A%2F%2Fid.example.vn")),
        ] {
            let response = app.post_form(path, &body, Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
            assert!(response.body.contains("reauth_required"), "{path}: {}", response.body);
        }
        assert_eq!(app.count("federated_link").await, 1);
        assert_eq!(app.count("identity_provider").await, 1);
        app.reauth(&mut admin).await;
        let response = app.post_form("/api/admin_unlink", &format!("link_id={link_id}"), Some(&admin.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let response = app.post_form("/api/admin_remove_provider", &format!("facility_id={facility}"), Some(&admin.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert_eq!((app.count("federated_link").await, app.count("identity_provider").await), (0, 0));
        let actions: Vec<String> = app
            .audit()
            .await
            .into_iter()
            .filter(|row| row.action.starts_with("link_") || row.action.starts_with("provider_"))
            .map(|row| row.action)
            .collect();
        assert_eq!(actions, vec!["link_create", "link_remove", "provider_remove"]);
    });
}
