//! Helpers for adults (issue 19): a person lets an enrolled relative see chosen parts of their
//! record for a chosen time. The helper reads only those parts, under their own name, and the
//! person's log says so; before acceptance, after either ends it and after the time is over the
//! helper reads nothing; bad input is a precise 422 that changes nothing.

use axum::http::StatusCode;
use server::store;

use crate::security_kinds::table_counts;
use crate::support::{assert_no_leak, sign_in, TestApp, TestPatient, User};

/// `person` nominates `helper` for `days`, letting them see `parts`; returns the response.
async fn nominate(app: &TestApp, person: &User, helper: &TestPatient, parts: &[&str], days: &str) -> crate::support::Response {
    let categories: String = parts.iter().enumerate().map(|(index, code)| format!("&categories[{index}]={code}")).collect();
    let body = format!("helper_cccd={}&helper_birth_date={}{categories}&days={days}", helper.seed.cccd, helper.seed.birth_date);
    app.post_form("/api/nominate_helper", &body, Some(&person.cookie)).await
}

/// The record APIs of `person`, each naming their record, with whether reading it needs a part
/// other than immunizations and the access history (what the tests choose).
fn record_apis(person: &TestPatient) -> Vec<(String, bool)> {
    let id = person.id();
    vec![
        (format!("/api/vaccinations?patient_id={id}"), false),
        (format!("/api/health_card?patient_id={id}"), false),
        (format!("/api/access_log?patient_id={id}"), false),
        (format!("/api/overview?patient_id={id}"), true),
        (format!("/api/visits?patient_id={id}"), true),
    ]
}

async fn account_of(app: &TestApp, patient: &TestPatient) -> String {
    let mut conn = app.store().reader().acquire().await.unwrap();
    store::patient::by_id(&mut conn, patient.id()).await.unwrap().unwrap().account_id.unwrap()
}

#[test]
fn a_helper_reads_only_the_chosen_parts_under_their_own_name_until_the_person_ends_it() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let (daughter, father) = (app.patients[2].clone(), app.patients[3].clone());
        let person = app.enrol(&father).await;
        let helper = app.enrol(&daughter).await;
        let nominated = nominate(&app, &person, &daughter, &["immunizations", "access_history"], "30").await;
        assert_eq!(nominated.status, StatusCode::OK, "{}", nominated.body);
        let helper_id = nominated.json().as_str().expect("the link's id").to_string();

        // Nominated, not accepted: nothing yet; and the person cannot accept in the helper's name.
        for (path, _) in record_apis(&father) {
            let response = app.get(&path, Some(&helper.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
            assert_no_leak(&response.body, &father);
            assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("helper_not_accepted"), "{path}");
        }
        let by_person = app.post_form("/api/accept_helper", &format!("helper_id={helper_id}"), Some(&person.cookie)).await;
        assert_eq!(by_person.status, StatusCode::FORBIDDEN, "{}", by_person.body);
        let asked = app.get("/api/family", Some(&helper.cookie)).await.json();
        assert_eq!(asked["helping"][0]["state"], "nominated", "{asked}");
        assert_eq!(asked["helping"][0]["person_name"], father.full_name());

        let accepted = app.post_form("/api/accept_helper", &format!("helper_id={helper_id}"), Some(&helper.cookie)).await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
        let again = app.post_form("/api/accept_helper", &format!("helper_id={helper_id}"), Some(&helper.cookie)).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);

        // The chosen parts, each read audited under the helper's account with the link's id.
        let helper_account = account_of(&app, &daughter).await;
        for (path, beyond) in record_apis(&father) {
            let before = app.audit().await.len();
            let response = app.get(&path, Some(&helper.cookie)).await;
            let rows = app.audit().await[before..].to_vec();
            assert!(!rows.is_empty(), "{path}: audited");
            if beyond {
                assert_eq!(response.status, StatusCode::FORBIDDEN, "{path} is beyond the chosen parts: {}", response.body);
                assert_no_leak(&response.body, &father);
                assert!(rows.iter().all(|r| r.outcome == "denied" && r.reason.as_deref() == Some("outside_helper_scope")), "{rows:?}");
            } else {
                assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
                for row in &rows {
                    assert_eq!(row.outcome, "allowed");
                    assert_eq!(row.basis.as_deref(), Some("helper"));
                    assert_eq!(row.basis_ref.as_deref(), Some(helper_id.as_str()), "the row names the link");
                    assert_eq!(row.patient_id.as_deref(), Some(father.id()));
                    assert_eq!(row.actor_account_id.as_deref(), Some(helper_account.as_str()), "under the helper's own name");
                }
            }
        }
        let vaccinations = app.get(&format!("/api/vaccinations?patient_id={}", father.id()), Some(&helper.cookie)).await.json();
        assert_eq!(vaccinations["patient"]["full_name"], father.full_name());
        let page = app.get(&format!("/record/vaccinations?for={}", father.id()), Some(&helper.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("với tư cách người hỗ trợ") && page.body.contains(&father.full_name()), "{}", page.body);

        // The person's own log names the helper, acting as helper.
        let log = app.get("/api/access_log?basis=helper", Some(&person.cookie)).await.json();
        let entries = log["entries"].as_array().unwrap();
        assert!(!entries.is_empty(), "{log}");
        assert!(entries.iter().all(|e| e["basis"] == "helper" && e["actor_name"] == daughter.full_name()), "{log}");
        let all = app.get(&format!("/api/access_log?page={}", log["pages"]), Some(&person.cookie)).await;
        assert_eq!(all.status, StatusCode::OK);
        let mine = app.get("/api/family", Some(&person.cookie)).await.json();
        assert_eq!(mine["helpers"][0]["state"], "live", "{mine}");
        assert_eq!(mine["helpers"][0]["categories"], serde_json::json!(["immunizations", "access_history"]));

        // The person ends it: the helper's very next request is refused and leaks nothing.
        let ended = app.post_form("/api/end_helper", &format!("helper_id={helper_id}"), Some(&person.cookie)).await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        for (path, _) in record_apis(&father) {
            let response = app.get(&path, Some(&helper.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path} after the end: {}", response.body);
            assert_no_leak(&response.body, &father);
            assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("helper_ended"));
        }
        let page = app.get(&format!("/record/vaccinations?for={}", father.id()), Some(&helper.cookie)).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        // Her own family page data still lists the ended link by name (she may see what she did);
        // no banner says she is viewing his record.
        assert!(!page.body.contains(&format!("Bạn đang xem hồ sơ của {}", father.full_name())), "no banner for an ended link");
        let twice = app.post_form("/api/end_helper", &format!("helper_id={helper_id}"), Some(&helper.cookie)).await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", twice.body);
        let rows: Vec<_> = app.audit().await.into_iter().filter(|r| r.action.starts_with("helper_")).collect();
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions, ["helper_nominate", "helper_nominate", "helper_accept", "helper_accept", "helper_end", "helper_end"]);
        assert!(rows.iter().all(|r| r.basis_ref.as_deref() == Some(helper_id.as_str())));
        let ends: Vec<_> = rows.iter().filter(|r| r.action == "helper_end").collect();
        assert!(ends.iter().all(|r| r.reason.as_deref() == Some("person")), "{ends:?}");
        let patients: Vec<_> = ends.iter().map(|r| r.patient_id.clone().unwrap()).collect();
        assert_eq!(patients, [father.id().to_string(), daughter.id().to_string()], "written on both records");
    });
}

#[test]
fn a_helper_link_gives_nothing_once_its_time_is_over_and_either_side_may_end_it() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let (daughter, father) = (app.patients[2].clone(), app.patients[3].clone());
        let person = app.enrol(&father).await;
        let mut helper = app.enrol(&daughter).await;
        let id = nominate(&app, &person, &daughter, &["all"], "1").await.json().as_str().unwrap().to_string();
        assert_eq!(app.post_form("/api/accept_helper", &format!("helper_id={id}"), Some(&helper.cookie)).await.status, StatusCode::OK);
        let read = format!("/api/overview?patient_id={}", father.id());
        assert_eq!(app.get(&read, Some(&helper.cookie)).await.status, StatusCode::OK, "`all` chose every part but billing");

        // A day and a minute later: expired, refused, and shown as expired to both.
        app.clock.advance_minutes(24 * 60 + 1);
        let signed_in = sign_in(&app, &mut helper).await;
        helper.cookie = signed_in.session_cookie().expect("signed in again");
        let refused = app.get(&read, Some(&helper.cookie)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert_no_leak(&refused.body, &father);
        assert_eq!(app.audit().await.last().unwrap().reason.as_deref(), Some("helper_expired"));
        let family = app.get("/api/family", Some(&helper.cookie)).await.json();
        assert_eq!(family["helping"][0]["state"], "expired", "{family}");

        // A new nomination; the helper may end it themselves, even before accepting.
        let mut person = person;
        let signed_in = sign_in(&app, &mut person).await;
        person.cookie = signed_in.session_cookie().expect("signed in again");
        let second = nominate(&app, &person, &daughter, &["immunizations"], "90").await;
        assert_eq!(second.status, StatusCode::OK, "an expired link is no longer open: {}", second.body);
        let second = second.json().as_str().unwrap().to_string();
        let ended = app.post_form("/api/end_helper", &format!("helper_id={second}"), Some(&helper.cookie)).await;
        assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
        let accept = app.post_form("/api/accept_helper", &format!("helper_id={second}"), Some(&helper.cookie)).await;
        assert_eq!(accept.status, StatusCode::FORBIDDEN, "an ended nomination cannot be accepted: {}", accept.body);
        let last = app.audit().await.into_iter().rfind(|r| r.action == "helper_end").unwrap();
        assert_eq!(last.reason.as_deref(), Some("helper"));
    });
}

#[test]
fn bad_or_forbidden_helper_requests_are_a_precise_4xx_and_change_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let (infant, school_child, daughter, father) =
            (app.patients[0].clone(), app.patients[1].clone(), app.patients[2].clone(), app.patients[3].clone());
        let person = app.enrol(&father).await;
        let helper = app.enrol(&daughter).await;
        let child = app.enrol(&school_child).await;
        let admin = app.enrol_admin().await;
        let open = nominate(&app, &person, &daughter, &["immunizations"], "30").await.json().as_str().unwrap().to_string();

        let form =
            |cccd: &str, born: &str, parts: &str, days: &str| format!("helper_cccd={cccd}&helper_birth_date={born}{parts}&days={days}");
        let (cccd, born) = (daughter.seed.cccd.clone(), daughter.seed.birth_date.to_string());
        let imm = "&categories[0]=immunizations";
        let cases = [
            (form("12345", &born, imm, "30"), "invalid_identifier"),
            (form(&cccd, "15/03/1990", imm, "30"), "bad_date"),
            (form(&cccd, "1900-01-01", imm, "30"), "unknown_target"),
            (form(&infant.seed.cccd, &infant.seed.birth_date.to_string(), imm, "30"), "unknown_target"),
            (form(&father.seed.cccd, &father.seed.birth_date.to_string(), imm, "30"), "not_applicable"),
            (form(&school_child.seed.cccd, &school_child.seed.birth_date.to_string(), imm, "30"), "helper_is_a_child"),
            (form(&cccd, &born, "", "30"), "no_categories"),
            (form(&cccd, &born, "&categories[0]=billing", "30"), "unknown_category"),
            (form(&cccd, &born, "&categories[0]=everything", "30"), "unknown_category"),
            (form(&cccd, &born, imm, "0"), "helper_duration"),
            (form(&cccd, &born, imm, "366"), "helper_duration"),
            (form(&cccd, &born, imm, "ba mươi"), "helper_duration"),
            (form(&cccd, &born, imm, "30"), "already_linked"),
        ];
        // The family page of a stranger to the link shows nothing of it.
        let theirs = app.get("/api/family", Some(&child.cookie)).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(!theirs.body.contains(&open), "{}", theirs.body);
        let before = (table_counts(&app).await, app.audit().await.len());
        for (body, code) in &cases {
            let response = app.post_form("/api/nominate_helper", body, Some(&person.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.body);
            assert!(response.body.contains(code), "{body}: expected {code}, got {}", response.body);
        }
        // A child chooses no helper: their guardian acts for them.
        let by_child = app.post_form("/api/nominate_helper", &form(&cccd, &born, imm, "30"), Some(&child.cookie)).await;
        assert_eq!(by_child.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", by_child.body);
        assert!(by_child.body.contains("helper_is_a_child"), "{}", by_child.body);
        // Staff and the signed-out have no record to let anyone help with.
        let by_admin = app.post_form("/api/nominate_helper", &form(&cccd, &born, imm, "30"), Some(&admin.cookie)).await;
        assert_eq!(by_admin.status, StatusCode::FORBIDDEN, "{}", by_admin.body);
        let anonymous = app.post_form("/api/nominate_helper", &form(&cccd, &born, imm, "30"), None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{}", anonymous.body);
        // Someone not party to the link learns nothing of it and cannot act on it.
        for (path, who) in
            [("/api/accept_helper", &child), ("/api/end_helper", &child), ("/api/accept_helper", &admin), ("/api/end_helper", &admin)]
        {
            let response = app.post_form(path, &format!("helper_id={open}"), Some(&who.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", response.body);
            assert!(response.body.contains("unknown_target"), "{path}: {}", response.body);
        }
        for path in ["/api/accept_helper", "/api/end_helper"] {
            let response = app.post_form(path, "helper_id=nope", Some(&helper.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", response.body);
            let missing = app.post_form(path, "", Some(&helper.cookie)).await;
            assert!(missing.status.is_client_error(), "{path} without an id: {}", missing.body);
        }
        assert_eq!((table_counts(&app).await, app.audit().await.len()), before, "nothing written, not even an audit row");
    });
}

/// A grant on `patient_id`'s record for the first demo clinician, by `who`, to the end of the
/// next month; `extra` adds form fields.
async fn grant_for(app: &TestApp, who: &User, patient_id: &str, extra: &str) -> crate::support::Response {
    let clinician = &app.clinicians[0].clinician_id;
    let expires = (app::zone::Zone::default().date_at(crate::support::START_MS) + chrono::Duration::days(30)).to_string();
    let body = format!(
        "grantee=clinician:{clinician}&purpose=treatment&expires_on={expires}&categories[0]=immunizations&patient_id={patient_id}{extra}"
    );
    app.post_form("/api/create_grant", &body, Some(&who.cookie)).await
}

#[test]
fn a_guardian_or_a_helper_with_sharing_manages_the_persons_sharing_and_nobody_else_can() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let (infant, school_child, mother, father) =
            (app.patients[0].clone(), app.patients[1].clone(), app.patients[2].clone(), app.patients[3].clone());
        let admin = app.enrol_admin().await;
        for child in [&infant, &school_child] {
            let body = format!(
                "guardian_cccd={}&child_cccd={}&basis=birth_registration&document_ref=KS-2026-0001",
                mother.seed.cccd, child.seed.cccd
            );
            assert_eq!(app.post_form("/api/admin_link_guardian", &body, Some(&admin.cookie)).await.status, StatusCode::OK);
        }
        let parent = app.enrol(&mother).await;
        let person = app.enrol(&father).await;
        let child = app.enrol(&school_child).await;
        let parent_account = account_of(&app, &mother).await;

        // The infant's sharing: the guardian's, audited under her name as guardian.
        let page = app.get(&format!("/api/sharing?patient_id={}", infant.id()), Some(&parent.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.json()["child_consent_needed"], false, "under 7");
        let made = grant_for(&app, &parent, infant.id(), "").await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let row = app.audit().await.into_iter().rfind(|r| r.action == "grant_create").unwrap();
        assert_eq!((row.patient_id.as_deref(), row.basis.as_deref()), (Some(infant.id()), Some("guardian")));
        assert_eq!(row.actor_account_id.as_deref(), Some(parent_account.as_str()));

        // The school child is 7: the child must agree too (Law 91/2025 Art. 24(2)).
        let page = app.get(&format!("/api/sharing?patient_id={}", school_child.id()), Some(&parent.cookie)).await.json();
        assert_eq!(page["child_consent_needed"], true, "{page}");
        let before = (table_counts(&app).await, app.audit().await.len());
        let refused = grant_for(&app, &parent, school_child.id(), "").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(refused.body.contains("child_consent_needed"), "{}", refused.body);
        assert_eq!((table_counts(&app).await, app.audit().await.len()), before, "nothing written");
        let agreed = grant_for(&app, &parent, school_child.id(), "&child_consents=on").await;
        assert_eq!(agreed.status, StatusCode::OK, "{}", agreed.body);
        let grant_id = agreed.json().as_str().unwrap().to_string();
        let revoked = app
            .post_form("/api/revoke_grant", &format!("grant_id={grant_id}&patient_id={}", school_child.id()), Some(&parent.cookie))
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);

        // A helper who may only read cannot; one the person let manage sharing can.
        let read_only = nominate(&app, &person, &mother, &["immunizations"], "30").await.json().as_str().unwrap().to_string();
        app.post_form("/api/accept_helper", &format!("helper_id={read_only}"), Some(&parent.cookie)).await;
        let before = table_counts(&app).await;
        let refused = grant_for(&app, &parent, father.id(), "").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let listing = app.get(&format!("/api/sharing?patient_id={}", father.id()), Some(&parent.cookie)).await;
        assert_eq!(listing.status, StatusCode::FORBIDDEN, "{}", listing.body);
        assert_no_leak(&listing.body, &father);
        assert_eq!(table_counts(&app).await, before, "a refused grant changes nothing");
        app.post_form("/api/end_helper", &format!("helper_id={read_only}"), Some(&person.cookie)).await;
        let body = format!(
            "helper_cccd={}&helper_birth_date={}&categories[0]=immunizations&manage_sharing=on&days=30",
            mother.seed.cccd, mother.seed.birth_date
        );
        let managing = app.post_form("/api/nominate_helper", &body, Some(&person.cookie)).await.json().as_str().unwrap().to_string();
        app.post_form("/api/accept_helper", &format!("helper_id={managing}"), Some(&parent.cookie)).await;
        let family = app.get("/api/family", Some(&person.cookie)).await.json();
        let link = family["helpers"].as_array().unwrap().iter().find(|link| link["helper_id"] == managing.as_str()).unwrap().clone();
        assert_eq!(link["manage_sharing"], true);
        assert_eq!(link["categories"], serde_json::json!(["immunizations", "access_history"]), "sharing shows the grants");
        let page = app.get(&format!("/api/sharing?patient_id={}", father.id()), Some(&parent.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let made = grant_for(&app, &parent, father.id(), "").await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let row = app.audit().await.into_iter().rfind(|r| r.action == "grant_create").unwrap();
        assert_eq!((row.patient_id.as_deref(), row.basis.as_deref()), (Some(father.id()), Some("helper")));
        let own = app.get("/api/sharing", Some(&person.cookie)).await.json();
        assert_eq!(own["grants"].as_array().unwrap().len(), 1, "the person sees the grant made for him: {own}");

        // Strangers to a record: refused on every sharing path, nothing leaks, nothing changes.
        let before = table_counts(&app).await;
        for (who, user, victim) in [("a child", &child, &father), ("the person", &person, &infant), ("staff", &admin, &father)] {
            let listing = app.get(&format!("/api/sharing?patient_id={}", victim.id()), Some(&user.cookie)).await;
            assert_eq!(listing.status, StatusCode::FORBIDDEN, "{who}: {}", listing.body);
            assert_no_leak(&listing.body, victim);
            let made = grant_for(&app, user, victim.id(), "&child_consents=on").await;
            assert_eq!(made.status, StatusCode::FORBIDDEN, "{who}: {}", made.body);
            let revoke =
                app.post_form("/api/revoke_grant", &format!("grant_id={grant_id}&patient_id={}", victim.id()), Some(&user.cookie)).await;
            assert_eq!(revoke.status, StatusCode::FORBIDDEN, "{who}: {}", revoke.body);
        }
        let unknown = app.get("/api/sharing?patient_id=no-such-record", Some(&parent.cookie)).await;
        assert_eq!(unknown.status, StatusCode::FORBIDDEN, "{}", unknown.body);
        assert_eq!(table_counts(&app).await, before, "refused sharing writes change nothing");
    });
}
