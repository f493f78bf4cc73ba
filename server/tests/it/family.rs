//! Guardians of children (issue 19): a parent reads the child's record, schedule, certificate and
//! access log under their own name; every other path is refused, audited and leaks nothing; the
//! link ends by itself on the child's 16th birthday, and the young person may then end it.

use axum::http::StatusCode;
use chrono::Datelike;
use server::seed::{insert_patient, issue_enrolment_code, Enrols};
use server::store;

use crate::security_kinds::table_counts;
use crate::support::{assert_no_leak, assert_no_leak_except, sign_in, TestApp, TestPatient, User};

/// Links `guardian` to `child` through the console (an administrator freshly signed in); returns the
/// link's id.
async fn link(app: &TestApp, admin: &User, guardian: &TestPatient, child: &TestPatient) -> String {
    let response = app
        .post_form(
            "/api/admin_link_guardian",
            &format!(
                "guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=KS-2026-0001",
                guardian.seed.cccd, child.seed.cccd
            ),
            Some(&admin.cookie),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json().as_str().expect("the link's id").to_string()
}

/// The record APIs a guardian may use for a child, each naming the child's record.
fn child_apis(child: &TestPatient) -> Vec<String> {
    let id = child.id();
    vec![
        format!("/api/overview?patient_id={id}"),
        format!("/api/vaccinations?patient_id={id}"),
        format!("/api/visits?patient_id={id}"),
        format!("/api/health_card?patient_id={id}"),
        format!("/api/access_log?patient_id={id}"),
    ]
}

#[test]
fn a_guardian_reads_the_childs_record_schedule_certificate_and_log_under_their_own_name() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let (infant, mother) = (app.patients[0].clone(), app.patients[2].clone());
        let admin = app.enrol_admin().await;
        let link_id = link(&app, &admin, &mother, &infant).await;
        let parent = app.enrol(&mother).await;
        let before = app.audit().await.len();

        let vaccinations = app.get(&format!("/api/vaccinations?patient_id={}", infant.id()), Some(&parent.cookie)).await;
        assert_eq!(vaccinations.status, StatusCode::OK, "{}", vaccinations.body);
        let body = vaccinations.json();
        assert_eq!(body["patient"]["full_name"], infant.full_name());
        assert!(!body["schedule"].as_array().unwrap().is_empty(), "the infant's schedule: {body}");

        let audit = app.audit().await;
        let rows = &audit[before..];
        assert_eq!(rows.len(), 2, "one row per category: {rows:?}");
        let parent_account: String = {
            let mut conn = app.store().reader().acquire().await.unwrap();
            store::patient::by_id(&mut conn, mother.id()).await.unwrap().unwrap().account_id.unwrap()
        };
        for row in rows {
            assert_eq!(row.outcome, "allowed");
            assert_eq!(row.basis.as_deref(), Some("guardian"));
            assert_eq!(row.basis_ref.as_deref(), Some(link_id.as_str()), "the row names the link");
            assert_eq!(row.patient_id.as_deref(), Some(infant.id()));
            assert_eq!(row.actor_account_id.as_deref(), Some(parent_account.as_str()), "under the parent's own name");
        }

        for path in child_apis(&infant) {
            let response = app.get(&path, Some(&parent.cookie)).await;
            assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
        }
        let visit = &infant.encounter_ids()[0];
        assert_eq!(app.get(&format!("/api/visit?visit_id={visit}"), Some(&parent.cookie)).await.status, StatusCode::OK);

        // The certificate names the child.
        let choices = app.get(&format!("/api/health_card?patient_id={}", infant.id()), Some(&parent.cookie)).await.json();
        let selection = choices["choices"][0]["value"].as_str().expect("a dose to certify").to_string();
        let card = app.get(&format!("/api/health_card?patient_id={}&selection={selection}", infant.id()), Some(&parent.cookie)).await;
        assert_eq!(card.status, StatusCode::OK, "{}", card.body);
        assert_eq!(card.json()["card"]["holder"], infant.full_name());
        let file =
            app.get(&format!("/record/vaccinations/card/download?selection={selection}&for={}", infant.id()), Some(&parent.cookie)).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        assert!(file.body.contains("verifiableCredential"));

        // The child's log names the parent, as guardian; the parent's own log shows the link.
        let log = app.get(&format!("/api/access_log?patient_id={}", infant.id()), Some(&parent.cookie)).await.json();
        let entries = log["entries"].as_array().unwrap();
        assert!(entries.iter().any(|e| e["basis"] == "guardian" && e["actor_name"] == mother.full_name()), "{log}");
        // The link, made first, is on the last page (newest first).
        let last = app.get(&format!("/api/access_log?patient_id={}&page={}", infant.id(), log["pages"]), Some(&parent.cookie)).await.json();
        assert!(
            last["entries"].as_array().unwrap().iter().any(|e| e["action"] == "guardianship_establish" && e["role"] == "administrator"),
            "{last}"
        );
        let own = app.get("/api/access_log", Some(&parent.cookie)).await.json();
        assert!(own["entries"].as_array().unwrap().iter().any(|e| e["action"] == "guardianship_establish"), "{own}");

        // The family page lists the child; the child's pages say whose record is open.
        let family = app.get("/api/family", Some(&parent.cookie)).await.json();
        assert_eq!(family["children"][0]["child_patient_id"], infant.id());
        assert_eq!(family["children"][0]["state"], "live");
        assert_eq!(family["children"][0]["basis"], "birth_registration");
        let page = app.get(&format!("/record/vaccinations?for={}", infant.id()), Some(&parent.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Bạn đang xem hồ sơ của") && page.body.contains(&infant.full_name()), "{}", page.body);
        let listed = app.get("/record/family", Some(&parent.cookie)).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert!(listed.body.contains(&infant.full_name()) && listed.body.contains("Giấy khai sinh"), "{}", listed.body);
    });
}

#[test]
fn every_path_a_guardian_is_not_entitled_to_is_refused_audited_and_leaks_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let (infant, school_child, mother, stranger) =
            (app.patients[0].clone(), app.patients[1].clone(), app.patients[2].clone(), app.patients[3].clone());
        let admin = app.enrol_admin().await;
        let link_id = link(&app, &admin, &mother, &infant).await;
        let parent = app.enrol(&mother).await;
        let other = app.enrol(&stranger).await;

        // A guardian of one child reading another child; someone else reading the infant.
        for (who, reader, victim) in [("guardian", &parent, &school_child), ("stranger", &other, &infant)] {
            for path in child_apis(victim) {
                let before = app.audit().await.len();
                let response = app.get(&path, Some(&reader.cookie)).await;
                assert_eq!(response.status, StatusCode::FORBIDDEN, "{who} {path}: {}", response.body);
                assert_no_leak(&response.body, victim);
                let audit = app.audit().await;
                assert!(audit.len() > before, "{who} {path}: the refusal is audited");
                assert!(audit[before..].iter().all(|r| r.outcome == "denied" && r.reason.as_deref() == Some("not_own_record")), "{path}");
            }
            let page = app.get(&format!("/record/vaccinations?for={}", victim.id()), Some(&reader.cookie)).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN);
            // The id the reader typed comes back in the page's links; nothing else of the victim.
            assert_no_leak_except(&page.body, victim, &[victim.id()]);
            assert!(!page.body.contains("Bạn đang xem hồ sơ của"), "no banner names a record the reader does not keep");
        }

        // Writes nobody but an administrator (or the young person from 16) may make: nothing changes.
        let before = table_counts(&app).await;
        let attempts = [
            (
                "/api/admin_link_guardian",
                format!(
                    "guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=X",
                    stranger.seed.cccd, school_child.seed.cccd
                ),
                &other,
            ),
            ("/api/admin_end_guardianship", format!("guardianship_id={link_id}&reason=Tôi+muốn+thế"), &parent),
            ("/api/end_guardianship", format!("guardianship_id={link_id}"), &parent),
            ("/api/end_guardianship", format!("guardianship_id={link_id}"), &other),
        ];
        for (path, body, who) in &attempts {
            let response = app.post_form(path, body, Some(&who.cookie)).await;
            assert!(response.status.is_client_error(), "{path}: {} {}", response.status, response.body);
        }
        assert_eq!(table_counts(&app).await, before, "refused writes change nothing");
        let school_user = {
            // A child under 16, enrolled, cannot end their guardian's link.
            let school = app.enrol(&school_child).await;
            let own_link = link(&app, &admin, &mother, &school_child).await;
            let response = app.post_form("/api/end_guardianship", &format!("guardianship_id={own_link}"), Some(&school.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
            school
        };
        let family = app.get("/api/family", Some(&school_user.cookie)).await.json();
        assert_eq!(family["guardians"][0]["may_end"], false, "{family}");

        // An administrator ends the link: the guardian's very next request is refused.
        let ended = app
            .post_form(
                "/api/admin_end_guardianship",
                &format!("guardianship_id={link_id}&reason=Quyết+định+của+tòa+án"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        for path in child_apis(&infant) {
            let response = app.get(&path, Some(&parent.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path} after the end: {}", response.body);
            assert_no_leak(&response.body, &infant);
        }
        let last = app.audit().await.into_iter().last().unwrap();
        assert_eq!(last.reason.as_deref(), Some("guardianship_ended"));
        let again = app
            .post_form("/api/admin_end_guardianship", &format!("guardianship_id={link_id}&reason=Lần+thứ+hai"), Some(&admin.cookie))
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    });
}

#[test]
fn the_guardians_access_ends_by_itself_on_the_16th_birthday_and_the_young_person_may_end_the_link() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mother = app.patients[2].clone();
        // A young person who turns 16 tomorrow, in Vietnam.
        let vietnam = app::zone::Zone::default();
        let tomorrow = vietnam.date_at(crate::support::START_MS) + chrono::Duration::days(1);
        let born = chrono::NaiveDate::from_ymd_opt(tomorrow.year() - 16, tomorrow.month(), tomorrow.day()).expect("not 29 February");
        let mut seed = (*app.patients[1].seed).clone();
        seed.patient_id = uuid::Uuid::new_v4().to_string();
        seed.cccd = format!("001{}{:02}000777", if born.year() >= 2000 { 3 } else { 1 }, born.year() % 100);
        seed.social_insurance_number = "0199000777".into();
        seed.bhyt_card = "HS4010199000777".into();
        seed.given_names = "Minh Thư".into();
        seed.birth_date = born;
        seed.resources.clear();
        let mut tx = app.store().begin().await.unwrap();
        insert_patient(&mut tx, &seed, crate::support::START_MS).await.unwrap();
        let code =
            issue_enrolment_code(&mut tx, Enrols::Patient(seed.patient_id.clone()), &seed.cccd, crate::support::START_MS, 14 * 86_400_000)
                .await
                .unwrap();
        tx.commit().await.unwrap();
        let teen = TestPatient { seed: std::sync::Arc::new(seed), code };

        let admin = app.enrol_admin().await;
        let link_id = link(&app, &admin, &mother, &teen).await;
        let mut parent = app.enrol(&mother).await;
        let read = format!("/api/overview?patient_id={}", teen.id());
        assert_eq!(app.get(&read, Some(&parent.cookie)).await.status, StatusCode::OK, "15 years and 364 days: the guardian acts");

        // Midnight in Hà Nội: the young person is 16.
        let midnight = vietnam.start_of_day_ms(tomorrow).unwrap();
        app.clock.advance_minutes((midnight - crate::support::START_MS) / 60_000 + 1);
        let signed_in = sign_in(&app, &mut parent).await;
        parent.cookie = signed_in.session_cookie().expect("signed in again");
        let refused = app.get(&read, Some(&parent.cookie)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert_no_leak(&refused.body, &teen);
        assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("child_came_of_age"));
        let family = app.get("/api/family", Some(&parent.cookie)).await.json();
        assert_eq!(family["children"][0]["state"], "came_of_age", "the guardian is told: {family}");

        // The young person sees it and ends the link for good; both logs show who ended it.
        let young = app.enrol(&teen).await;
        let theirs = app.get("/api/family", Some(&young.cookie)).await.json();
        assert_eq!(theirs["guardians"][0]["state"], "came_of_age", "{theirs}");
        assert_eq!(theirs["guardians"][0]["may_end"], true, "{theirs}");
        let ended = app.post_form("/api/end_guardianship", &format!("guardianship_id={link_id}"), Some(&young.cookie)).await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        let theirs = app.get("/api/family", Some(&young.cookie)).await.json();
        assert_eq!(theirs["guardians"][0]["state"], "ended");
        let rows: Vec<_> = app.audit().await.into_iter().filter(|r| r.action == "guardianship_end").collect();
        assert_eq!(rows.len(), 2, "on the young person's record and the guardian's: {rows:?}");
        assert!(rows.iter().all(|r| r.reason.as_deref() == Some("young_person") && r.actor_role.as_deref() == Some("citizen")));
    });
}

#[test]
fn bad_input_to_the_guardian_console_is_a_precise_4xx_and_changes_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let (infant, school_child, mother) = (app.patients[0].clone(), app.patients[1].clone(), app.patients[2].clone());
        let admin = app.enrol_admin().await;
        link(&app, &admin, &mother, &infant).await;
        let cases = [
            (
                format!("guardian_cccd=12345&child_cccd={}&basis=birth_registration&document_ref=KS-1", infant.seed.cccd),
                "invalid_identifier",
            ),
            (
                format!("guardian_cccd=001099999999&child_cccd={}&basis=birth_registration&document_ref=KS-1", infant.seed.cccd),
                "unknown_target",
            ),
            (format!("guardian_cccd={0}&child_cccd={0}&basis=birth_registration&document_ref=KS-1", infant.seed.cccd), "not_applicable"),
            (
                format!("guardian_cccd={}&child_cccd={}&basis=neighbour&document_ref=KS-1", mother.seed.cccd, school_child.seed.cccd),
                "unknown_guardian_basis",
            ),
            (
                format!("guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=KS-1", infant.seed.cccd, mother.seed.cccd),
                "not_a_child",
            ),
            (
                format!(
                    "guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=KS-1",
                    infant.seed.cccd, school_child.seed.cccd
                ),
                "guardian_is_a_child",
            ),
            (
                format!("guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=KS-2", mother.seed.cccd, infant.seed.cccd),
                "already_linked",
            ),
            (
                format!("guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=+", mother.seed.cccd, school_child.seed.cccd),
                "text_too_short",
            ),
            (
                format!(
                    "guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref={}",
                    mother.seed.cccd,
                    school_child.seed.cccd,
                    "9".repeat(65)
                ),
                "text_too_long",
            ),
        ];
        let before = (table_counts(&app).await, app.audit().await.len());
        for (body, code) in &cases {
            let response = app.post_form("/api/admin_link_guardian", body, Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.body);
            assert!(response.body.contains(code), "{body}: expected {code}, got {}", response.body);
        }
        for body in ["guardianship_id=nope&reason=Không+có+liên+kết+này".to_string(), "reason=thiếu".to_string()] {
            let response = app.post_form("/api/admin_end_guardianship", &body, Some(&admin.cookie)).await;
            assert!(response.status.is_client_error(), "{body}: {}", response.body);
        }
        assert_eq!((table_counts(&app).await, app.audit().await.len()), before, "nothing written, not even an audit row");
    });
}
