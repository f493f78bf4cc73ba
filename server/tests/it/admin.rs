//! The administrators' console through the real router: the gate on every administrator route
//! (enumerated, not picked), fresh re-authentication before destructive actions, suspension,
//! revocation with a reason the patient reads, the break-glass review, audit search and export,
//! enrolment codes, and other people's sessions.

use axum::http::StatusCode;

use crate::support::{sign_in, TestApp, User};

const EXPIRY: &str = "2026-12-20";

async fn grant_to(app: &TestApp, citizen: &User, grantee: &str, expires_on: &str) -> String {
    let body = format!("grantee={grantee}&purpose=treatment&expires_on={expires_on}&categories[0]=all");
    let created = app.post_form("/api/create_grant", &body, Some(&citizen.cookie)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    serde_json::from_str(&created.body).unwrap()
}

async fn view(app: &TestApp, clinician: &User, patient_id: &str) -> crate::support::Response {
    app.get(&format!("/api/clinician_view?patient_id={patient_id}"), Some(&clinician.cookie)).await
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Every administrator path the app has: console pages (from the router's own route list), server
/// functions (from the registry the router serves them from), and the plain HTTP routes.
fn administrator_paths() -> Vec<(String, bool)> {
    let mut paths: Vec<(String, bool)> =
        leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|route| route.path().to_string())
            .filter(|path| server::http::admin_routes::is_admin_path(path))
            .map(|path| {
                let concrete: Vec<String> =
                    path.split('/')
                        .map(|segment| {
                            if segment.starts_with(':') || segment.starts_with('{') {
                                "x-unknown".to_string()
                            } else {
                                segment.to_string()
                            }
                        })
                        .collect();
                (concrete.join("/"), true)
            })
            .collect();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        if server::http::admin_routes::is_admin_path(path) {
            paths.push((path.to_string(), method == http::Method::GET));
        }
    }
    for path in server::http::admin_routes::ADMIN_HTTP_ROUTES {
        paths.push(((*path).to_string(), true));
    }
    paths.sort();
    paths.dedup();
    paths
}

#[test]
fn every_administrator_route_and_function_refuses_everyone_else_with_an_audited_denial() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let admin = app.enrol_admin().await;
        let paths = administrator_paths();
        let pages = paths.iter().filter(|(p, _)| !p.starts_with("/api/") && !p.ends_with(".csv")).count();
        let functions = paths.iter().filter(|(p, _)| p.starts_with("/api/admin_")).count();
        assert!(pages >= 8, "console pages found: {paths:?}");
        assert!(functions >= 17, "administrator server functions found: {paths:?}");
        assert!(paths.iter().any(|(p, _)| p == "/api/admin_suspend"));

        let who: [(&str, Option<&str>, StatusCode, &str); 3] = [
            ("anonymous", None, StatusCode::UNAUTHORIZED, "not_authenticated"),
            ("citizen", Some(citizen.cookie.as_str()), StatusCode::FORBIDDEN, "not_administrator"),
            ("clinician", Some(doctor.cookie.as_str()), StatusCode::FORBIDDEN, "not_administrator"),
        ];
        for (path, is_get) in &paths {
            for (name, cookie, status, reason) in &who {
                let before = app.audit().await.len();
                let response = if *is_get {
                    app.get(path, *cookie).await
                } else {
                    // A body that would be a valid call: the gate must refuse before it is read.
                    app.post_form(path, &format!("account_id={}&reason=Testing+the+gate", doctor_account(&app)), *cookie).await
                };
                assert_eq!(response.status, *status, "{name} → {path}: {}", response.body);
                crate::support::assert_no_leak(&response.body, &patient);
                let audit = app.audit().await;
                let new = &audit[before..];
                assert_eq!(new.len(), 1, "{name} → {path}: one audited denial, got {new:?}");
                assert_eq!(new[0].action, "admin_access");
                assert_eq!(new[0].outcome, "denied");
                assert_eq!(new[0].reason.as_deref(), Some(*reason));
                assert_eq!(new[0].resource_id.as_deref(), Some(path.as_str()));
            }
        }
        // Nothing changed: nobody suspended, nothing revoked, no code issued.
        assert_eq!(app.count("account where status = 'suspended'").await, 0);
        assert_eq!(app.count("consent_grant where revoked_at is not null").await, 0);

        // The same gate lets the administrator through (it does not simply refuse everything).
        // (Pages without a parameter, the front page's function and the export: the others need arguments.)
        for (path, is_get) in paths.iter().filter(|(_, is_get)| *is_get) {
            if path.contains("x-unknown") || (path.starts_with("/api/") && path != "/api/admin_home") {
                continue;
            }
            let response = app.get(path, Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::OK, "administrator → {path}: {}", response.body);
            assert!(is_get);
        }
    });
}

fn doctor_account(app: &TestApp) -> String {
    app.clinicians[0].account_id.clone()
}

#[test]
fn a_suspended_administrator_is_refused_too() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let admin = app.enrol_admin().await;
        let mut other = app.enrol_admin_named("001190008888").await;
        let account = account_of(&app, &other).await;
        let suspended =
            app.post_form("/api/admin_suspend", &format!("account_id={account}&reason=Rời+khỏi+đơn+vị"), Some(&admin.cookie)).await;
        assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);
        // Their session ended; signing in again is refused; the console refuses their old cookie.
        assert_eq!(app.get("/api/admin_home", Some(&other.cookie)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(sign_in(&app, &mut other).await.status, StatusCode::UNAUTHORIZED);
    });
}

async fn account_of(app: &TestApp, user: &User) -> String {
    let me = app.get("/api/me", Some(&user.cookie)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    let handle = uuid::Uuid::from_slice(&user.user_handle).unwrap().to_string();
    let mut conn = app.store().reader().acquire().await.unwrap();
    server::store::account::account_id_by_user_handle(&mut conn, &handle).await.unwrap().unwrap()
}

#[test]
fn destructive_actions_need_a_passkey_confirmation_within_five_minutes() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut admin = app.enrol_admin().await;
        let doctor_account = doctor_account(&app);
        app.clock.advance_minutes(6);
        let before = app.audit().await.len();
        let refused =
            app.post_form("/api/admin_suspend", &format!("account_id={doctor_account}&reason=Thử+kiểm+tra"), Some(&admin.cookie)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert_eq!(refused.json()["kind"], "reauth_required");
        assert_eq!(app.count("account where status = 'suspended'").await, 0);
        let audit = app.audit().await;
        assert!(audit[before..].iter().any(|row| row.action == "admin_access" && row.reason.as_deref() == Some("reauth_required")));
        // The same holds for every other destructive action.
        for (path, body) in [
            ("/api/admin_revoke_held", format!("holder_kind=clinician&holder_id={doctor_account}&reason=Thử+kiểm+tra")),
            ("/api/admin_end_sessions", format!("account_id={doctor_account}")),
            ("/api/admin_issue_code", format!("cccd={}", app.patients[1].seed.cccd)),
            ("/api/admin_create_facility", "name=Trạm+y+tế&province_code=001".to_string()),
        ] {
            let response = app.post_form(path, &body, Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
            assert_eq!(response.json()["kind"], "reauth_required", "{path}");
        }
        assert_eq!(app.count("enrolment_code where created_by_account_id is not null").await, 0);

        let confirmed = app.reauth(&mut admin).await;
        assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
        assert!(app.audit().await.iter().any(|row| row.action == "reauth"));
        let allowed =
            app.post_form("/api/admin_suspend", &format!("account_id={doctor_account}&reason=Thử+kiểm+tra"), Some(&admin.cookie)).await;
        assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
        assert_eq!(app.count("account where status = 'suspended'").await, 1);

        // Five minutes later the confirmation has lapsed again.
        app.clock.advance_minutes(5);
        let lapsed = app.post_form("/api/admin_reinstate", &format!("account_id={doctor_account}"), Some(&admin.cookie)).await;
        assert_eq!(lapsed.status, StatusCode::FORBIDDEN, "{}", lapsed.body);
    });
}

#[test]
fn a_confirmation_ceremony_is_bound_to_its_account_and_is_no_sign_in() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let admin = app.enrol_admin().await;
        let mut citizen = app.enrol(&app.patients[0].clone()).await;
        // The administrator starts a confirmation; the citizen's passkey cannot answer it.
        let started = app.post_json("/auth/reauth/start", &serde_json::json!({}), Some(&admin.cookie)).await.json();
        let credential = citizen.assert(&started["options"]);
        let finished = app
            .post_json(
                "/auth/reauth/finish",
                &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(finished.status, StatusCode::UNAUTHORIZED, "{}", finished.body);
        // A confirmation ceremony is not a sign-in ceremony.
        let started = app.post_json("/auth/reauth/start", &serde_json::json!({}), Some(&citizen.cookie)).await.json();
        let credential = citizen.assert(&started["options"]);
        let signed_in = app
            .post_json("/auth/signin/finish", &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }), None)
            .await;
        assert_eq!(signed_in.status, StatusCode::UNAUTHORIZED, "{}", signed_in.body);
        assert!(signed_in.session_cookie().is_none());
    });
}

#[test]
fn suspension_ends_the_open_session_and_reinstatement_leaves_an_expired_grant_expired() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let citizen = app.enrol(&patient).await;
        let mut doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let admin = app.enrol_admin().await;
        let doctor_account = doctor_account(&app);
        // A grant that ends in two days.
        grant_to(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), "2026-11-23").await;
        assert_eq!(view(&app, &doctor, patient.id()).await.status, StatusCode::OK);

        let suspended =
            app.post_form("/api/admin_suspend", &format!("account_id={doctor_account}&reason=Đang+bị+điều+tra"), Some(&admin.cookie)).await;
        assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);
        // The very next request of the open session is refused, and nothing of the record leaks.
        let next = view(&app, &doctor, patient.id()).await;
        assert_eq!(next.status, StatusCode::UNAUTHORIZED, "{}", next.body);
        crate::support::assert_no_leak_except(&next.body, &patient, &[patient.id()]);
        assert_eq!(sign_in(&app, &mut doctor).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count(&format!("session where account_id = '{doctor_account}'")).await, 0);

        // Three days later the grant has expired; reinstating does not bring it back.
        app.clock.advance_minutes(3 * 24 * 60);
        let idle = app.post_json("/auth/reauth/start", &serde_json::json!({}), Some(&admin.cookie)).await;
        assert_eq!(idle.status, StatusCode::UNAUTHORIZED, "the administrator's session has idled out: {}", idle.body);
        let mut admin = sign_in_again(&app, admin).await;
        let reinstated = app.post_form("/api/admin_reinstate", &format!("account_id={doctor_account}"), Some(&admin.cookie)).await;
        assert_eq!(reinstated.status, StatusCode::OK, "{}", reinstated.body);
        assert_eq!(app.reauth(&mut admin).await.status, StatusCode::OK);
        let signed_in = sign_in(&app, &mut doctor).await;
        assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
        doctor.cookie = signed_in.session_cookie().unwrap();
        let before = app.audit().await.len();
        let refused = view(&app, &doctor, patient.id()).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let audit = app.audit().await;
        assert!(
            audit[before..].iter().all(|row| row.outcome == "denied" && row.reason.as_deref() == Some("grant_expired")),
            "{:?}",
            &audit[before..]
        );
    });
}

async fn sign_in_again(app: &TestApp, mut user: User) -> User {
    let response = sign_in(app, &mut user).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    user.cookie = response.session_cookie().unwrap();
    user
}

#[test]
fn revoking_everything_a_clinician_holds_tells_each_patient_why() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let first = app.patients[0].clone();
        let second = app.patients[1].clone();
        let citizen_one = app.enrol(&first).await;
        let citizen_two = app.enrol(&second).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let admin = app.enrol_admin().await;
        let grantee = format!("clinician:{}", app.clinicians[0].clinician_id);
        grant_to(&app, &citizen_one, &grantee, EXPIRY).await;
        grant_to(&app, &citizen_two, &grantee, EXPIRY).await;

        let person = app.get(&format!("/api/admin_person?account_id={}", doctor_account(&app)), Some(&admin.cookie)).await;
        assert_eq!(person.status, StatusCode::OK, "{}", person.body);
        assert_eq!(person.json()["grants"].as_array().unwrap().len(), 2);
        for patient in [&first, &second] {
            crate::support::assert_no_leak_except(&person.body, patient, &[patient.id()]);
        }

        let reason = "Bác sĩ đã chuyển công tác";
        let revoked = app
            .post_form(
                "/api/admin_revoke_held",
                &format!("holder_kind=clinician&holder_id={}&reason={}", doctor_account(&app), encode(reason)),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        assert_eq!(revoked.json(), 2);
        let refused = view(&app, &doctor, first.id()).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        for citizen in [&citizen_one, &citizen_two] {
            let log = app.get("/api/access_log", Some(&citizen.cookie)).await.json();
            let entry = log["entries"].as_array().unwrap().iter().find(|e| e["action"] == "grant_revoke").cloned().unwrap();
            assert_eq!(entry["role"], "administrator");
            assert_eq!(entry["note"], reason);
        }
        // A reason is required, and an empty one changes nothing.
        let grant_id = grant_to(&app, &citizen_one, &grantee, EXPIRY).await;
        let before = app.audit().await.len();
        let no_reason = app.post_form("/api/admin_revoke_grant", &format!("grant_id={grant_id}&reason=+"), Some(&admin.cookie)).await;
        assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", no_reason.body);
        assert_eq!(app.audit().await.len(), before);
        assert_eq!(view(&app, &doctor, first.id()).await.status, StatusCode::OK);
        let one = app
            .post_form(
                "/api/admin_revoke_grant",
                &format!("grant_id={grant_id}&reason=Y%C3%AAu+c%E1%BA%A7u+c%E1%BB%A7a+c%C6%A1+s%E1%BB%9F"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.body);
        assert_eq!(view(&app, &doctor, first.id()).await.status, StatusCode::FORBIDDEN);
        let forged = app.post_form("/api/admin_revoke_grant", "grant_id=forged-id&reason=Kh%C3%B4ng+c%C3%B3", Some(&admin.cookie)).await;
        assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", forged.body);
    });
}

#[test]
fn a_break_glass_is_reviewed_with_its_reads_and_the_patient_sees_the_outcome() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[3].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[1].clone()).await;
        let admin = app.enrol_admin().await;
        let declared = app
            .post_form(
                "/api/break_glass",
                &format!("patient_id={}&reason={}", patient.id(), encode("Bệnh nhân bất tỉnh tại phòng cấp cứu, cần tiền sử dị ứng")),
                Some(&doctor.cookie),
            )
            .await;
        assert_eq!(declared.status, StatusCode::OK, "{}", declared.body);
        assert_eq!(view(&app, &doctor, patient.id()).await.status, StatusCode::OK);

        let queue = app.get("/api/admin_reviews", Some(&admin.cookie)).await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        let queue = queue.json();
        let item = queue["pending"][0].clone();
        assert_eq!(item["patient_id"], patient.id());
        assert!(item["reason"].as_str().unwrap().contains("bất tỉnh"));
        let id = item["break_glass_id"].as_str().unwrap().to_string();
        let under: Vec<_> =
            app.audit().await.into_iter().filter(|row| row.action == "read" && row.basis_ref.as_deref() == Some(id.as_str())).collect();
        assert!(!under.is_empty());
        assert_eq!(item["reads"].as_array().unwrap().len(), under.len(), "every read made under it is listed: {item}");

        let note = "Đã xác minh với khoa cấp cứu";
        let bad = app
            .post_form("/api/admin_review", &format!("break_glass_id={id}&outcome=maybe&note={}", encode(note)), Some(&admin.cookie))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        let marked = app
            .post_form("/api/admin_review", &format!("break_glass_id={id}&outcome=justified&note={}", encode(note)), Some(&admin.cookie))
            .await;
        assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
        let again = app
            .post_form("/api/admin_review", &format!("break_glass_id={id}&outcome=unjustified&note={}", encode(note)), Some(&admin.cookie))
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a review is final: {}", again.body);

        let queue = app.get("/api/admin_reviews", Some(&admin.cookie)).await.json();
        assert!(queue["pending"].as_array().unwrap().is_empty());
        assert_eq!(queue["reviewed"][0]["status"], "justified");
        let log = app.get("/api/access_log", Some(&citizen.cookie)).await.json();
        assert_eq!(log["emergencies"][0]["review_status"], "justified");
        assert_eq!(log["emergencies"][0]["review_note"], note);
        let entry = log["entries"].as_array().unwrap().iter().find(|e| e["action"] == "break_glass_review").cloned().unwrap();
        assert_eq!(entry["reason"], "justified");
        assert_eq!(entry["note"], note);
    });
}

#[test]
fn the_audit_search_filters_pages_exports_csv_and_is_itself_audited() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let other = app.patients[1].clone();
        let citizen = app.enrol(&patient).await;
        let _other_citizen = app.enrol(&other).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let admin = app.enrol_admin().await;
        for _ in 0..12 {
            assert_eq!(app.get("/api/overview", Some(&citizen.cookie)).await.status, StatusCode::OK);
        }
        assert_eq!(view(&app, &doctor, patient.id()).await.status, StatusCode::FORBIDDEN);

        let by_cccd = app.get(&format!("/api/admin_audit?patient={}", patient.seed.cccd), Some(&admin.cookie)).await;
        assert_eq!(by_cccd.status, StatusCode::OK, "{}", by_cccd.body);
        let page = by_cccd.json();
        let lines = page["lines"].as_array().unwrap();
        assert!(!lines.is_empty());
        assert!(lines.iter().all(|line| line["patient_id"] == patient.id()), "only that patient's rows");
        let total = page["total"].as_u64().unwrap();

        let denied = app.get(&format!("/api/admin_audit?patient={}&outcome=denied", patient.id()), Some(&admin.cookie)).await.json();
        let denied_lines = denied["lines"].as_array().unwrap();
        assert!(!denied_lines.is_empty());
        assert!(denied_lines.iter().all(|line| line["outcome"] == "denied" && line["actor_account_id"] == doctor_account(&app)));
        let by_facility = app.get(&format!("/api/admin_audit?facility={}", app.facilities[0]), Some(&admin.cookie)).await.json();
        assert!(by_facility["lines"].as_array().unwrap().iter().all(|line| line["facility"] == "Bệnh viện Bạch Mai"));

        let all = app.get("/api/admin_audit", Some(&admin.cookie)).await.json();
        assert!(all["pages"].as_u64().unwrap() >= 2, "more than one page of 50: {}", all["total"]);
        let second = app.get("/api/admin_audit?page=2", Some(&admin.cookie)).await.json();
        assert_ne!(all["lines"][0]["id"], second["lines"][0]["id"]);

        let matching = app.audit().await.iter().filter(|row| row.patient_id.as_deref() == Some(patient.id())).count();
        assert!(u64::try_from(matching).unwrap() > total, "the searches for this patient are in its log too");
        let csv = app.get(&format!("/admin/audit.csv?patient={}", patient.seed.cccd), Some(&admin.cookie)).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
        let rows: Vec<&str> = csv.body.trim_start_matches('\u{feff}').split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(rows[0].starts_with("id,occurred_at,actor_account_id"));
        // The export holds every matching row (the searches made above for this patient included).
        assert_eq!(rows.len() - 1, matching);
        assert!(rows[1..].iter().all(|row| row.contains(patient.id())));

        let audit = app.audit().await;
        assert!(audit.iter().any(|row| row.action == "audit_search" && row.patient_id.as_deref() == Some(patient.id())));
        assert!(audit.iter().any(|row| row.action == "audit_export"));
        let home = app.get("/api/admin_home", Some(&admin.cookie)).await.json();
        assert_eq!(home["chain"]["intact"], true);
        assert!(home["chain"]["entries"].as_u64().unwrap() >= u64::try_from(audit.len()).unwrap());
        let bad_date = app.get("/api/admin_audit?from=22-11-2026", Some(&admin.cookie)).await;
        assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    });
}

#[test]
fn enrolment_codes_are_issued_listed_cancelled_and_new_clinicians_enrol_with_theirs() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let admin = app.enrol_admin().await;
        let patient = app.patients[1].clone();
        let open_ids = |body: &serde_json::Value| -> Vec<String> {
            body.as_array().unwrap().iter().map(|c| c["code_id"].as_str().unwrap().to_string()).collect()
        };
        let before = open_ids(&app.get("/api/admin_open_codes", Some(&admin.cookie)).await.json());
        let issued = app.post_form("/api/admin_issue_code", &format!("cccd={}", patient.seed.cccd), Some(&admin.cookie)).await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
        let code = issued.json()["code"].as_str().unwrap().to_string();
        let open = app.get("/api/admin_open_codes", Some(&admin.cookie)).await;
        assert!(!open.body.contains(&code), "codes are never shown again");
        assert!(!open.body.contains(&patient.seed.cccd), "CCCDs are masked");
        let listed = open.json();
        let entry =
            listed.as_array().unwrap().iter().find(|c| !before.contains(&c["code_id"].as_str().unwrap().to_string())).cloned().unwrap();
        assert_eq!(entry["name"], patient.full_name());
        assert_eq!(entry["kind"], "citizen");
        let cancelled =
            app.post_form("/api/admin_cancel_code", &format!("code_id={}", entry["code_id"].as_str().unwrap()), Some(&admin.cookie)).await;
        assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
        let refused = app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": patient.seed.cccd, "code": code }), None).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "a cancelled code enrols no one: {}", refused.body);
        let twice =
            app.post_form("/api/admin_cancel_code", &format!("code_id={}", entry["code_id"].as_str().unwrap()), Some(&admin.cookie)).await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A record already enrolled gets no second code; an unknown CCCD neither.
        let enrolled = app.patients[0].clone();
        app.enrol(&enrolled).await;
        let accounts = app.count("account").await;
        for cccd in [enrolled.seed.cccd.clone(), "079099999999".to_string(), "12ab".to_string()] {
            let response = app.post_form("/api/admin_issue_code", &format!("cccd={cccd}"), Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{cccd}: {}", response.body);
        }

        // A new facility and clinician; the clinician enrols with the code shown once.
        let facility = app
            .post_form(
                "/api/admin_create_facility",
                "name=Tr%E1%BA%A1m+y+t%E1%BA%BF+Ph%C6%B0%E1%BB%9Dng+1&province_code=001",
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(facility.status, StatusCode::OK, "{}", facility.body);
        let facility_id: String = facility.json().as_str().unwrap().to_string();
        let created = app
            .post_form(
                "/api/admin_create_clinician",
                &format!("facility_id={facility_id}&full_name=BS.+Tr%E1%BA%A7n+M%E1%BB%9Bi&cccd=001085001234"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        assert_eq!(app.count("account").await, accounts + 1);
        let code = created.json()["code"].as_str().unwrap().to_string();
        let newcomer = app.enrol_with("001085001234", &code).await;
        let me = app.get("/api/me", Some(&newcomer.cookie)).await.json();
        assert_eq!(me["role"], "clinician");
        let detail = app.get(&format!("/api/admin_facility?facility_id={facility_id}"), Some(&admin.cookie)).await.json();
        assert_eq!(detail["people"][0]["name"], "BS. Trần Mới");
        let unknown =
            app.post_form("/api/admin_create_clinician", "facility_id=nope&full_name=BS.+X&cccd=001085001235", Some(&admin.cookie)).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("account").await, accounts + 1);
    });
}

#[test]
fn administrators_see_and_end_another_persons_sessions() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let admin = app.enrol_admin().await;
        let mut citizen = app.enrol(&app.patients[0].clone()).await;
        let second = sign_in(&app, &mut citizen).await.session_cookie().unwrap();
        let account = account_of(&app, &citizen).await;
        let detail = app.get(&format!("/api/admin_person?account_id={account}"), Some(&admin.cookie)).await;
        assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
        let sessions = detail.json()["sessions"].as_array().unwrap().clone();
        assert_eq!(sessions.len(), 2);
        let one = sessions[0]["session_id"].as_str().unwrap();
        let ended = app.post_form("/api/admin_end_sessions", &format!("account_id={account}&session_id={one}"), Some(&admin.cookie)).await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        let mut alive = 0;
        for cookie in [&citizen.cookie, &second] {
            if app.get("/api/overview", Some(cookie)).await.status == StatusCode::OK {
                alive += 1;
            }
        }
        assert_eq!(alive, 1, "exactly the chosen session ended");
        let all = app.post_form("/api/admin_end_sessions", &format!("account_id={account}"), Some(&admin.cookie)).await;
        assert_eq!(all.status, StatusCode::OK, "{}", all.body);
        for cookie in [&citizen.cookie, &second] {
            assert_eq!(app.get("/api/overview", Some(cookie)).await.status, StatusCode::UNAUTHORIZED);
        }
        assert!(app.audit().await.iter().any(|row| row.action == "sessions_end" && row.resource_id.as_deref() == Some(account.as_str())));
        // Ending one's own sessions goes through the person's own page, not the console.
        let own = app.get("/api/me", Some(&admin.cookie)).await;
        assert_eq!(own.status, StatusCode::OK);
    });
}

#[test]
fn encoded_cased_or_padded_paths_do_not_slip_past_the_gate() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        let citizen = app.enrol(&app.patients[0].clone()).await;
        // Spellings the router does not route to the console: nothing of it answers.
        for path in ["/%61dmin", "/Admin", "/api/%61dmin_home", "/admin%2Fpeople", "/API/admin_home"] {
            let response = app.get(path, Some(&citizen.cookie)).await;
            assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}: {}", response.body);
            assert!(!response.body.contains("Chuỗi nhật ký") && !response.body.contains("pending_reviews"), "{path} leaked the console");
        }
        // Spellings that do reach the console's routes are refused by the gate.
        for path in ["/admin/", "/admin//people", "/api/admin_home/", "/admin/../admin", "/admin/audit.csv?patient=x"] {
            let response = app.get(path, Some(&citizen.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
        }
    });
}
