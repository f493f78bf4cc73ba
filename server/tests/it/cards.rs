//! Vaccination certificates over HTTP: issuing (a guarded, audited read of one's own record only),
//! the published keys, the file download, and the public checker's verdicts.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::{assert_no_leak, TestApp, TestPatient, START_MS};
use server::shc::{self, keys::KeyRing, CardDose, CardSubject};

fn covid_doses(patient: &TestPatient) -> usize {
    patient
        .seed
        .resources
        .iter()
        .filter(|r| r["resourceType"] == "Immunization")
        .filter(|r| r["protocolApplied"][0]["targetDisease"].as_array().is_some_and(|d| d.iter().any(|t| t["text"] == "covid-19")))
        .count()
}

fn with_covid(app: &TestApp) -> TestPatient {
    app.patients.iter().find(|p| covid_doses(p) > 0).expect("a demo patient with COVID-19 doses").clone()
}

fn form_value(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn check(app: &TestApp, code: &str) -> Value {
    let response = app.post_form("/api/check_card", &format!("code={}", form_value(code)), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

fn header_of(jws: &str) -> Value {
    use base64::Engine;
    let first = jws.split('.').next().unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(first).unwrap()).unwrap()
}

#[test]
fn a_citizen_issues_a_covid_card_that_the_checker_accepts_and_the_read_is_audited() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = with_covid(&app);
        let user = app.enrol(&patient).await;

        let before = app.audit().await.len();
        let page = app.get("/api/health_card", Some(&user.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let page = page.json();
        assert!(page["card"].is_null(), "no card until doses are chosen");
        let values: Vec<&str> = page["choices"].as_array().unwrap().iter().map(|c| c["value"].as_str().unwrap()).collect();
        assert_eq!(&values[..2], ["all", "covid"]);
        assert_eq!(page["choices"][1]["doses"], covid_doses(&patient));

        let response = app.get("/api/health_card?selection=covid", Some(&user.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        assert_eq!(response.headers["cache-control"], "no-store");
        let card = response.json()["card"].clone();
        assert_eq!(card["holder"], patient.full_name());
        assert_eq!(card["doses"].as_array().unwrap().len(), covid_doses(&patient));
        assert_eq!(card["issuer"], "http://localhost:3000");
        let numeric = card["shc"].as_str().unwrap();
        assert!(numeric.starts_with("shc:/") && numeric[5..].bytes().all(|b| b.is_ascii_digit()));
        assert!(card["qr_svg"].as_str().unwrap().starts_with("<svg"));

        // Both reads (the choices and the card) were audited: two categories each, basis self.
        let audit = app.audit().await;
        let rows = &audit[before..];
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert!(rows.iter().all(|r| r.outcome == "allowed" && r.basis.as_deref() == Some("self")));
        assert!(rows.iter().all(|r| r.patient_id.as_deref() == Some(patient.id())));

        // The header names the current key, which the portal publishes.
        let jws = shc::from_numeric(numeric).unwrap();
        let header = header_of(&jws);
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["zip"], "DEF");
        let jwks = app.get("/.well-known/jwks.json", None).await;
        assert_eq!(jwks.status, StatusCode::OK);
        assert_eq!(jwks.headers["access-control-allow-origin"], "*");
        assert_eq!(jwks.headers["cache-control"], "public, max-age=3600");
        let keys = jwks.json()["keys"].clone();
        assert_eq!(keys[0]["kid"], header["kid"]);
        assert!(keys[0].get("d").is_none(), "the private part is never published");

        // The public checker: no session, no audit row, the same person and doses back.
        let before_check = app.audit().await.len();
        let verdict = check(&app, numeric).await;
        assert_eq!(verdict["outcome"], "valid", "{verdict}");
        assert_eq!(verdict["holder"], patient.full_name());
        assert_eq!(verdict["birth_date"], patient.seed.birth_date.to_string());
        assert_eq!(verdict["doses"].as_array().unwrap().len(), covid_doses(&patient));
        assert_eq!(app.audit().await.len(), before_check, "checking a card reads no record");
    });
}

#[test]
fn the_card_downloads_as_a_smart_health_card_file_only_for_its_owner() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = with_covid(&app);
        let user = app.enrol(&patient).await;

        let file = app.get("/record/vaccinations/card/download?selection=all", Some(&user.cookie)).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        assert_eq!(file.headers["content-type"], "application/smart-health-card");
        assert!(file.headers["content-disposition"].to_str().unwrap().contains(".smart-health-card"));
        let jws = file.json()["verifiableCredential"][0].as_str().unwrap().to_string();
        assert_eq!(check(&app, &jws).await["outcome"], "valid");

        for (cookie, expected) in [(None, StatusCode::UNAUTHORIZED), (Some("__Host-hoso_session=forged"), StatusCode::UNAUTHORIZED)] {
            let before = app.audit().await.len();
            let refused = app.get("/record/vaccinations/card/download?selection=all", cookie).await;
            assert_eq!(refused.status, expected, "{}", refused.body);
            assert_no_leak(&refused.body, &patient);
            let audit = app.audit().await;
            assert!(audit[before..].iter().all(|r| r.outcome == "denied"), "{:?}", &audit[before..]);
        }
        let missing = app.get("/record/vaccinations/card/download", Some(&user.cookie)).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    });
}

#[test]
fn a_clinician_cannot_issue_a_card_and_the_refusal_is_audited() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = with_covid(&app);
        let clinician = app.clinicians[0].clone();
        let doctor = app.enrol_clinician(&clinician).await;
        for path in ["/api/health_card?selection=all", "/record/vaccinations/card/download?selection=all"] {
            let before = app.audit().await.len();
            let response = app.get(path, Some(&doctor.cookie)).await;
            assert_eq!(response.status, StatusCode::FORBIDDEN, "{path}: {}", response.body);
            assert_no_leak(&response.body, &patient);
            let audit = app.audit().await;
            let rows = &audit[before..];
            assert!(!rows.is_empty() && rows.iter().all(|r| r.outcome == "denied"), "{path}: {rows:?}");
        }
    });
}

#[test]
fn an_unknown_selection_is_a_clear_422_and_nothing_is_signed() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let user = app.enrol(&app.patients[2].clone()).await;
        for selection in ["cvx:999", "nonsense", "cvx:"] {
            let response = app.get(&format!("/api/health_card?selection={selection}"), Some(&user.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{selection}: {}", response.body);
            assert!(response.body.contains("unknown_card_selection"), "{}", response.body);
            assert!(!response.body.contains("shc:/"));
        }
    });
}

fn subject() -> CardSubject {
    CardSubject { family: "Trần".into(), given: vec!["Văn".into(), "Bình".into()], birth_date: "1985-02-03".into() }
}

fn doses() -> Vec<CardDose> {
    vec![CardDose { cvx: "208".into(), date: "2021-09-01".into(), lot: Some("FF1234".into()), performer: None }]
}

fn foreign_ring(app: &TestApp, name: &str) -> KeyRing {
    KeyRing::load_or_create(&app.dir.join(name)).unwrap()
}

#[test]
fn the_checker_refuses_altered_foreign_expired_and_unknown_issuer_cards_each_with_its_reason() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let own = app.portal.cards.ring();
        let issuer = app.portal.cards.issuer.clone();
        let now = START_MS / 1000;

        // A genuine card, then the same card with one digit pair changed.
        let genuine = shc::to_numeric(&shc::sign(&own, &shc::payload(&issuer, now, &subject(), &doses())));
        assert_eq!(check(&app, &genuine).await["outcome"], "valid");
        let mut altered = genuine.clone().into_bytes();
        let at = altered.len() - 20;
        altered[at] = if altered[at] == b'1' { b'2' } else { b'1' };
        let altered = String::from_utf8(altered).unwrap();
        let verdict = check(&app, &altered).await;
        assert!(["bad_signature", "malformed"].contains(&verdict["outcome"].as_str().unwrap()), "{verdict}");
        assert_eq!(verdict["holder"], "", "nothing of an invalid card is shown");

        // Signed with a key the portal does not publish, claiming to be the portal.
        let other = foreign_ring(&app, "other-keys");
        let forged = shc::to_numeric(&shc::sign(&other, &shc::payload(&issuer, now, &subject(), &doses())));
        let verdict = check(&app, &forged).await;
        assert_eq!(verdict["outcome"], "bad_signature", "{verdict}");
        assert_eq!(verdict["issuer"], issuer);

        // Expired.
        let mut payload = shc::payload(&issuer, now - 86_400, &subject(), &doses());
        payload["exp"] = json!(now - 60);
        let verdict = check(&app, &shc::to_numeric(&shc::sign(&own, &payload))).await;
        assert_eq!(verdict["outcome"], "expired", "{verdict}");

        // An issuer nobody configured.
        let unknown = shc::to_numeric(&shc::sign(&other, &shc::payload("https://unknown.example", now, &subject(), &doses())));
        let verdict = check(&app, &unknown).await;
        assert_eq!(verdict["outcome"], "unknown_issuer", "{verdict}");
        assert_eq!(verdict["issuer"], "https://unknown.example");

        // Not a card at all, and a body over the limit.
        assert_eq!(check(&app, "hello").await["outcome"], "malformed");
        assert_eq!(check(&app, &format!("shc:/{}", "5".repeat(20_000))).await["outcome"], "malformed");
    });
}

#[test]
fn a_configured_trusted_issuer_is_accepted_by_name() {
    crate::support::run(async {
        let dir = crate::support::temp_dir();
        let partner = KeyRing::load_or_create(&dir.join("partner")).unwrap();
        let list = json!({ "issuers": [{ "iss": "https://vaccine.example.gov.vn", "name": "Cổng tiêm chủng", "keys": partner.public }] });
        std::fs::write(dir.join("trusted.json"), list.to_string()).unwrap();
        let trusted = dir.join("trusted.json");
        let app = TestApp::with_config(move |config| config.card_trusted_issuers = Some(trusted)).await;
        let card =
            shc::to_numeric(&shc::sign(&partner, &shc::payload("https://vaccine.example.gov.vn", START_MS / 1000, &subject(), &doses())));
        let verdict = check(&app, &card).await;
        assert_eq!(verdict["outcome"], "valid", "{verdict}");
        assert_eq!(verdict["issuer_name"], "Cổng tiêm chủng");
        assert_eq!(verdict["holder"], "Trần Văn Bình");
        let _ = std::fs::remove_dir_all(dir);
    });
}

#[test]
fn after_a_key_rotation_new_cards_use_the_new_key_and_old_cards_still_verify() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = with_covid(&app);
        let user = app.enrol(&patient).await;
        let old = app.get("/api/health_card?selection=covid", Some(&user.cookie)).await.json()["card"]["shc"].as_str().unwrap().to_string();
        let old_kid = header_of(&shc::from_numeric(&old).unwrap())["kid"].clone();

        let new_kid = shc::keys::rotate(&app.portal.config.card_key_dir).unwrap();
        let jwks = app.get("/.well-known/jwks.json", None).await.json();
        let kids: Vec<Value> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].clone()).collect();
        assert_eq!(kids, vec![json!(new_kid), old_kid.clone()]);

        let new = app.get("/api/health_card?selection=covid", Some(&user.cookie)).await.json()["card"]["shc"].as_str().unwrap().to_string();
        assert_eq!(header_of(&shc::from_numeric(&new).unwrap())["kid"], json!(new_kid));
        assert_eq!(check(&app, &old).await["outcome"], "valid");
        assert_eq!(check(&app, &new).await["outcome"], "valid");
    });
}

#[test]
fn the_card_and_checker_pages_render_on_the_server() {
    crate::support::run(async {
        let _pages = crate::support::one_page_test_at_a_time();
        let app = TestApp::new().await;
        let patient = with_covid(&app);
        let user = app.enrol(&patient).await;
        let page = app.get("/record/vaccinations/card?selection=covid", Some(&user.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<svg"), "the QR code is in the server-rendered page");
        assert!(page.body.contains(&patient.full_name()));
        assert!(page.body.contains("shc:/"));

        let verifier = app.get("/verify", None).await;
        assert_eq!(verifier.status, StatusCode::OK);
        assert!(verifier.body.contains("Kiểm tra chứng nhận tiêm chủng"));
        assert!(verifier.headers["permissions-policy"].to_str().unwrap().contains("camera=(self)"));
        let elsewhere = app.get("/record/vaccinations/card", Some(&user.cookie)).await;
        assert!(elsewhere.headers["permissions-policy"].to_str().unwrap().contains("camera=()"));
    });
}

#[test]
fn the_overview_lists_what_is_due_from_the_same_engine_as_the_vaccination_page() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut someone_has_something_due = false;
        for patient in app.patients.clone() {
            let user = app.enrol(&patient).await;
            let overview = app.get("/api/overview", Some(&user.cookie)).await.json();
            let vaccinations = app.get("/api/vaccinations", Some(&user.cookie)).await.json();
            let due: Vec<Value> = vaccinations["schedule"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|item| matches!(item["state"].as_str(), Some("due" | "overdue" | "recommended")))
                .cloned()
                .collect();
            someone_has_something_due |= !due.is_empty();
            assert_eq!(overview["vaccinations_due"], Value::Array(due), "{}", patient.full_name());
        }
        assert!(someone_has_something_due, "the demo population has a dose due, so this compares something");
    });
}
