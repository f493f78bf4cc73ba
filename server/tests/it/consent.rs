//! Consent enforced by the server: grants, revocation, expiry, facilities, purposes, break-glass,
//! the patient's access log, and bad input that changes nothing.

use axum::http::StatusCode;

use crate::support::{assert_no_leak_except, TestApp, TestPatient, User};

/// Strings that only a patient's visits contain (reasons for visit), to prove they did not leak.
fn visit_reasons(patient: &TestPatient) -> Vec<String> {
    patient
        .seed
        .resources
        .iter()
        .filter(|r| r["resourceType"] == "Encounter")
        .filter_map(|r| r["reasonCode"][0]["text"].as_str().map(str::to_string))
        .collect()
}

async fn grant(
    app: &TestApp,
    citizen: &User,
    grantee: &str,
    categories: &[&str],
    purpose: &str,
    expires_on: &str,
) -> crate::support::Response {
    let mut body = format!("grantee={grantee}&purpose={purpose}&expires_on={expires_on}");
    for (index, category) in categories.iter().enumerate() {
        body.push_str(&format!("&categories[{index}]={category}"));
    }
    app.post_form("/api/create_grant", &body, Some(&citizen.cookie)).await
}

async fn view(app: &TestApp, clinician: &User, patient: &TestPatient) -> crate::support::Response {
    app.get(&format!("/api/clinician_view?patient_id={}", patient.id()), Some(&clinician.cookie)).await
}

const EXPIRY: &str = "2026-12-20";

#[test]
fn a_clinician_sees_nothing_without_a_grant_and_the_refusal_is_audited() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let before = app.audit().await.len();
        let response = view(&app, &doctor, &patient).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
        assert_no_leak_except(&response.body, &patient, &[patient.id()]);
        let audit = app.audit().await;
        let denied = &audit[before..];
        assert!(!denied.is_empty());
        assert!(denied.iter().all(|row| row.outcome == "denied"
            && row.reason.as_deref() == Some("no_grant")
            && row.patient_id.as_deref() == Some(patient.id())
            && row.actor_facility_id.as_deref() == Some(app.facilities[0].as_str())));
    });
}

#[test]
fn a_grant_of_immunizations_shows_immunizations_and_hides_visits_then_revocation_cuts_the_open_session() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;

        let created =
            grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["immunizations"], "treatment", EXPIRY).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let grant_id: String = serde_json::from_str(&created.body).unwrap();

        let response = view(&app, &doctor, &patient).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let body = response.json();
        assert!(body["immunizations"]["Visible"].as_array().is_some_and(|v| !v.is_empty()));
        assert_eq!(body["visits"]["Hidden"], "category_not_shared");
        assert_eq!(body["lab_results"]["Hidden"], "category_not_shared");
        for reason in visit_reasons(&patient) {
            assert!(!response.body.contains(&reason), "visit data leaked: {reason}");
        }
        let audit = app.audit().await;
        assert!(audit.iter().any(|row| row.category.as_deref() == Some("immunizations")
            && row.outcome == "allowed"
            && row.basis.as_deref() == Some("grant")
            && row.basis_ref.as_deref() == Some(grant_id.as_str())));
        assert!(audit.iter().any(|row| row.category.as_deref() == Some("visits")
            && row.outcome == "denied"
            && row.reason.as_deref() == Some("category_not_shared")));

        // The citizen revokes; the clinician's very next request (same open session) is refused.
        let revoked = app.post_form("/api/revoke_grant", &format!("grant_id={grant_id}"), Some(&citizen.cookie)).await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        let after = view(&app, &doctor, &patient).await;
        assert_eq!(after.status, StatusCode::FORBIDDEN);
        assert_no_leak_except(&after.body, &patient, &[patient.id()]);
        let audit = app.audit().await;
        assert_eq!(audit.last().unwrap().reason.as_deref(), Some("grant_revoked"));

        // Revoking twice, or a forged id, is a clear 422 and writes nothing.
        let rows = app.audit().await.len();
        for id in [grant_id.as_str(), "forged-grant-id"] {
            let again = app.post_form("/api/revoke_grant", &format!("grant_id={id}"), Some(&citizen.cookie)).await;
            assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(again.body.contains("unknown_grant"), "{}", again.body);
        }
        assert_eq!(app.audit().await.len(), rows);
    });
}

#[test]
fn a_grant_stops_working_when_it_expires() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[1].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let created =
            grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["all"], "treatment", "2026-11-23").await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        assert_eq!(view(&app, &doctor, &patient).await.status, StatusCode::OK);
        // Past the end of 23/11 in Vietnam (the test clock starts 22/11 15:00 local time, the grant
        // ends at midnight local time after its last day). Sessions idle out sooner: sign in again.
        app.clock.advance_minutes(32 * 60);
        let mut doctor = doctor;
        let cookie = crate::support::sign_in(&app, &mut doctor).await.session_cookie().unwrap();
        let last_day = app.get(&format!("/api/clinician_view?patient_id={}", patient.id()), Some(&cookie)).await;
        assert_eq!(last_day.status, StatusCode::OK, "still the last day in Vietnam");
        app.clock.advance_minutes(61);
        let cookie = crate::support::sign_in(&app, &mut doctor).await.session_cookie().unwrap();
        let expired = app.get(&format!("/api/clinician_view?patient_id={}", patient.id()), Some(&cookie)).await;
        assert_eq!(expired.status, StatusCode::FORBIDDEN);
        assert_no_leak_except(&expired.body, &patient, &[patient.id()]);
        assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("grant_expired"));
    });
}

#[test]
fn a_facility_grant_covers_its_clinicians_and_no_one_else() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[3].clone();
        let citizen = app.enrol(&patient).await;
        let inside = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let outside = app.enrol_clinician(&app.clinicians[1].clone()).await;
        let created =
            grant(&app, &citizen, &format!("facility:{}", app.facilities[0]), &["lab_results", "conditions"], "treatment", EXPIRY).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let seen = view(&app, &inside, &patient).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.json()["lab_results"]["Visible"].is_array());
        assert_eq!(seen.json()["immunizations"]["Hidden"], "category_not_shared");
        let refused = view(&app, &outside, &patient).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_no_leak_except(&refused.body, &patient, &[patient.id()]);
        // Acting under another purpose than the grant's is refused too.
        let research = app.get(&format!("/api/clinician_view?patient_id={}&purpose=research", patient.id()), Some(&inside.cookie)).await;
        assert_eq!(research.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("purpose_not_granted"));
    });
}

#[test]
fn break_glass_opens_everything_for_four_hours_marked_and_shown_to_the_patient() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[3].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[1].clone()).await;
        let rows = app.count("break_glass").await;
        let audit_rows = app.audit().await.len();
        let short = app.post_form("/api/break_glass", &format!("patient_id={}&reason=too+short", patient.id()), Some(&doctor.cookie)).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("reason_too_short"));
        assert_eq!(app.count("break_glass").await, rows);
        assert_eq!(app.audit().await.len(), audit_rows);

        let reason = "Bệnh nhân hôn mê sau tai nạn giao thông, cần tiền sử dị ứng";
        let declared = app
            .post_form("/api/break_glass", &format!("patient_id={}&reason={}", patient.id(), urlencode(reason)), Some(&doctor.cookie))
            .await;
        assert_eq!(declared.status, StatusCode::OK, "{}", declared.body);
        let seen = view(&app, &doctor, &patient).await;
        assert_eq!(seen.status, StatusCode::OK);
        let body = seen.json();
        assert!(body["visits"]["Visible"].is_array() && body["lab_results"]["Visible"].is_array());
        assert!(body["emergency_until"].is_string());
        let me = app.get("/api/me", Some(&doctor.cookie)).await.json();
        assert_eq!(me["emergencies"][0]["patient_id"], patient.id(), "the banner shows on every page");
        let audit = app.audit().await;
        assert!(audit
            .iter()
            .filter(|row| row.action == "read" && row.outcome == "allowed")
            .all(|row| row.basis.as_deref() == Some("break_glass")));

        // The patient sees it prominently, with the reason; it waits in the review queue.
        let overview = app.get("/api/overview", Some(&citizen.cookie)).await.json();
        assert_eq!(overview["emergencies"][0]["reason"], reason);
        assert_eq!(overview["emergencies"][0]["review_status"], "pending");
        let mut conn = app.store().reader().acquire().await.unwrap();
        let queue = server::store::consent::review_queue(&mut conn, 50).await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].break_glass.patient_id, patient.id());
        assert_eq!(queue[0].break_glass.reason, reason);
        assert_eq!(queue[0].clinician_name, "BS. Võ Thị Bình");
        drop(conn);

        // Four hours later it is over (the clinician signs in again: sessions idle out sooner).
        app.clock.advance_minutes(4 * 60 + 1);
        let mut doctor = doctor;
        let signed_in = crate::support::sign_in(&app, &mut doctor).await;
        let cookie = signed_in.session_cookie().unwrap();
        let after = app.get(&format!("/api/clinician_view?patient_id={}", patient.id()), Some(&cookie)).await;
        assert_eq!(after.status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("break_glass_expired"));
    });
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[test]
fn bad_grants_get_a_precise_error_and_nothing_is_written() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = format!("clinician:{}", app.clinicians[0].clinician_id);
        let grants = app.count("consent_grant").await;
        let audit = app.audit().await.len();
        let cases: Vec<(String, &str)> = vec![
            (
                format!("grantee={doctor}&categories[0]=immunizations&purpose=treatment&starts_on=2026-12-10&expires_on=2026-12-01"),
                "expiry_before_start",
            ),
            (format!("grantee={doctor}&categories[0]=immunizations&purpose=treatment&expires_on=2028-12-01"), "expiry_too_far"),
            (format!("grantee=clinician:nobody&categories[0]=immunizations&purpose=treatment&expires_on={EXPIRY}"), "unknown_grantee"),
            (
                format!("grantee=patient:{}&categories[0]=immunizations&purpose=treatment&expires_on={EXPIRY}", patient.id()),
                "unknown_grantee",
            ),
            (
                format!("grantee={doctor}&categories[0]=immunizations&purpose=insurance_assessment&expires_on={EXPIRY}"),
                "purpose_not_allowed",
            ),
            (format!("grantee={doctor}&categories[0]=immunizations&purpose=marketing&expires_on={EXPIRY}"), "purpose_not_allowed"),
            (format!("grantee={doctor}&purpose=treatment&expires_on={EXPIRY}"), "no_categories"),
            (format!("grantee={doctor}&categories[0]=secrets&purpose=treatment&expires_on={EXPIRY}"), "unknown_category"),
            (format!("grantee={doctor}&categories[0]=immunizations&purpose=treatment&expires_on=soon"), "bad_date"),
            (
                format!("grantee={doctor}&categories[0]=immunizations&purpose=treatment&starts_on=2026-01-01&expires_on={EXPIRY}"),
                "start_in_past",
            ),
        ];
        for (body, code) in cases {
            let response = app.post_form("/api/create_grant", &body, Some(&citizen.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.body);
            assert!(response.body.contains(code), "{body}: expected {code}, got {}", response.body);
        }
        assert_eq!(app.count("consent_grant").await, grants);
        assert_eq!(app.audit().await.len(), audit);

        // With the written request, insurance assessment is allowed.
        let ok = app
            .post_form(
                "/api/create_grant",
                &format!("grantee={doctor}&categories[0]=lab_results&purpose=insurance_assessment&written_request=on&expires_on={EXPIRY}"),
                Some(&citizen.cookie),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

        // A clinician cannot create grants, nor can anyone without a session.
        let doctor_user = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let forbidden = app
            .post_form(
                "/api/create_grant",
                &format!("grantee={doctor}&categories[0]=all&purpose=treatment&expires_on={EXPIRY}"),
                Some(&doctor_user.cookie),
            )
            .await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
        let anonymous = app
            .post_form("/api/create_grant", &format!("grantee={doctor}&categories[0]=all&purpose=treatment&expires_on={EXPIRY}"), None)
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("consent_grant").await, grants + 1);
    });
}

#[test]
fn clinicians_find_patients_by_cccd_or_any_insurance_number_form_and_the_search_is_audited() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        for identifier in [patient.seed.cccd.clone(), patient.seed.social_insurance_number.clone(), patient.seed.bhyt_card.clone()] {
            let response = app.get(&format!("/api/find_patient?identifier={identifier}"), Some(&doctor.cookie)).await;
            assert_eq!(response.status, StatusCode::OK, "{identifier}: {}", response.body);
            let found = response.json();
            assert_eq!(found["patient_id"], patient.id());
            assert_eq!(found["full_name"], patient.full_name());
            assert!(found["cccd_masked"].as_str().unwrap().starts_with("********"));
            assert!(!response.body.contains(&patient.seed.cccd), "the full CCCD is never returned");
        }
        let audit = app.audit().await;
        assert_eq!(audit.iter().filter(|row| row.action == "search" && row.patient_id.as_deref() == Some(patient.id())).count(), 3);
        let none = app.get("/api/find_patient?identifier=079300999999", Some(&doctor.cookie)).await;
        assert_eq!(none.body.trim(), "null");
        let bad = app.get("/api/find_patient?identifier=12ab", Some(&doctor.cookie)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Citizens cannot search.
        let citizen = app.enrol(&app.patients[0].clone()).await;
        let refused = app.get(&format!("/api/find_patient?identifier={}", patient.seed.cccd), Some(&citizen.cookie)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_no_leak_except(&refused.body, &patient, &[]);
    });
}

#[test]
fn the_patient_reads_who_viewed_their_record_with_filters_and_pages() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let created =
            grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["immunizations"], "treatment", EXPIRY).await;
        assert_eq!(created.status, StatusCode::OK);
        assert_eq!(view(&app, &doctor, &patient).await.status, StatusCode::OK);
        app.get("/api/vaccinations", Some(&citizen.cookie)).await;

        let log = app.get("/api/access_log", Some(&citizen.cookie)).await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.body);
        let log = log.json();
        let entries = log["entries"].as_array().unwrap();
        assert!(entries.iter().any(|e| e["actor_name"] == "BS. Lê Văn An"
            && e["basis"] == "grant"
            && e["outcome"] == "allowed"
            && e["facility"] == "Bệnh viện Bạch Mai"
            && e["role"] == "clinician"
            && e["purpose"] == "treatment"));
        assert!(entries.iter().any(|e| e["actor_name"] == "BS. Lê Văn An" && e["outcome"] == "denied"));
        assert!(entries.iter().any(|e| e["basis"] == "self"));

        let only_grants = app.get("/api/access_log?basis=grant", Some(&citizen.cookie)).await.json();
        assert!(only_grants["entries"].as_array().unwrap().iter().all(|e| e["basis"] == "grant"));
        let by_doctor = app.get(&format!("/api/access_log?person={}", app.clinicians[0].account_id), Some(&citizen.cookie)).await.json();
        assert!(by_doctor["entries"].as_array().unwrap().iter().all(|e| e["actor_name"] == "BS. Lê Văn An"));
        let page_two = app.get("/api/access_log?page=2", Some(&citizen.cookie)).await.json();
        assert_eq!(page_two["page"], 2);

        // Another citizen cannot read this log: they only ever get their own.
        let other = app.enrol(&app.patients[1].clone()).await;
        let theirs = app.get("/api/access_log", Some(&other.cookie)).await;
        assert!(!theirs.body.contains("BS. Lê Văn An"));
    });
}

#[test]
fn anonymous_and_cross_patient_requests_to_the_clinician_view_are_refused_audited_and_leak_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let victim = app.patients[2].clone();
        let before = app.audit().await.len();
        let anonymous = app.get(&format!("/api/clinician_view?patient_id={}", victim.id()), None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
        assert_no_leak_except(&anonymous.body, &victim, &[victim.id()]);
        let audit = app.audit().await;
        assert!(audit.len() > before);
        assert!(audit[before..].iter().all(|row| row.outcome == "denied" && row.reason.as_deref() == Some("not_authenticated")));

        // A citizen asking for another patient's record through the clinician view.
        let other = app.enrol(&app.patients[0].clone()).await;
        let before = app.audit().await.len();
        let response = app.get(&format!("/api/clinician_view?patient_id={}", victim.id()), Some(&other.cookie)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
        assert_no_leak_except(&response.body, &victim, &[victim.id()]);
        let audit = app.audit().await;
        assert!(audit[before..].iter().all(|row| row.outcome == "denied"
            && row.reason.as_deref() == Some("not_own_record")
            && row.patient_id.as_deref() == Some(victim.id())));
        // And the consent pages of someone without a session.
        for path in ["/api/sharing", "/api/access_log", "/api/directory?term=Ph"] {
            assert_eq!(app.get(path, None).await.status, StatusCode::UNAUTHORIZED, "{path}");
        }
    });
}
