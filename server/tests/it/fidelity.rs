//! The record says what the clinical data says: every real-world input of
//! `tests/fixtures/fidelity/` (a copy of shared/cases/fidelity, see its README) imported through
//! the real router with a facility token, then read back the way a person reads it (the pages'
//! server functions, the FHIR API, the card), asserting the value the case names.

use axum::http::StatusCode;
use serde_json::Value;

use server::fhir::exact::Json;
use server::service::Clock;

use crate::import::{facility_token, outcome, post_bundle, statuses};
use crate::security_kinds::table_counts;
use crate::support::{Response, TestApp, User};

/// The text of the fidelity case whose file name starts with `name` (`f04`).
pub(crate) fn case(name: &str) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fidelity");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(name))
        .unwrap();
    std::fs::read_to_string(file).unwrap()
}

async fn import_text(app: &TestApp, token: &str, text: &str) -> Response {
    post_bundle(app, Some(token), text.to_string(), "application/fhir+json").await
}

async fn patient_id(app: &TestApp, cccd: &str) -> String {
    let mut conn = app.store().reader().acquire().await.unwrap();
    server::store::patient::by_cccd(&mut conn, cccd).await.unwrap().unwrap().patient_id
}

/// The imported person enrolled as a citizen (a code from the operator, as the CLI issues it).
async fn citizen(app: &TestApp, cccd: &str) -> User {
    let id = patient_id(app, cccd).await;
    let code = {
        let mut tx = app.store().begin().await.unwrap();
        let code = server::seed::issue_enrolment_code(&mut tx, server::seed::Enrols::Patient(id), cccd, app.clock.now_ms(), 86_400_000)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        code
    };
    app.enrol_with(cccd, &code).await
}

/// Imports a case that must be accepted, and checks a resend changes nothing.
async fn accepted(app: &TestApp, token: &str, text: &str) {
    let response = import_text(app, token, text).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let before = table_counts(app).await;
    let again = import_text(app, token, text).await;
    assert!(statuses(&again).iter().all(|s| s == "200 OK"), "a resend changes nothing: {}", again.body);
    assert_eq!(table_counts(app).await, before);
}

#[test]
fn f04_decimals_are_kept_shown_and_compared_exactly_as_sent() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        accepted(&app, &token, &case("f04")).await;
        let user = citizen(&app, "079091000401").await;
        let visits = app.get("/api/visits", Some(&user.cookie)).await.json();
        let visit_id = visits["visits"][0]["visit_id"].as_str().unwrap().to_string();
        let detail = app.get(&format!("/api/visit?visit_id={visit_id}"), Some(&user.cookie)).await;
        assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
        let labs = detail.json()["labs"].as_array().unwrap().clone();
        let lab = |name: &str| labs.iter().find(|l| l["name"] == name).unwrap_or_else(|| panic!("{name} in {labs:?}")).clone();
        let creatinine = lab("Creatinine");
        assert_eq!(
            (creatinine["value"].as_str(), creatinine["range"].as_str(), creatinine["flag"].as_str()),
            (Some("1.50"), Some("0.60 – 1.20"), Some("high"))
        );
        let troponin = lab("Troponin I");
        assert_eq!(
            (troponin["value"].as_str(), troponin["range"].as_str(), troponin["flag"].as_str()),
            (Some("0.004"), Some("0.000 – 0.040"), Some("normal"))
        );
        let pressure = lab("Systolic blood pressure");
        assert_eq!((pressure["value"].as_str(), pressure["flag"].as_str()), (Some("1.2E+2"), Some("normal")));
        // The API serves the decimals as they were sent.
        let served = app.get("/fhir/Observation", Some(&user.cookie)).await;
        assert_eq!(served.status, StatusCode::OK, "{}", served.body);
        for text in [r#""value":1.50"#, r#""value":0.60"#, r#""value":0.004"#, r#""value":0.000"#, r#""value":0.040"#, r#""value":1.2E+2"#]
        {
            assert!(served.body.contains(text), "{text} in {}", served.body);
        }
        let file = crate::support::temp_dir().join("f04-observations.json");
        std::fs::write(&file, &served.body).unwrap();
        crate::fhir_api::validate(&[file]);
    });
}

#[test]
fn f05_a_declined_dose_is_shown_as_not_given_and_never_counted_or_carded() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        accepted(&app, &token, &case("f05")).await;
        let user = citizen(&app, "079324000601").await;
        let vaccinations = app.get("/api/vaccinations", Some(&user.cookie)).await.json();
        let measles = vaccinations["vaccines"].as_array().unwrap().iter().find(|v| v["vaccine"] == "Sởi (MVVac)").unwrap().clone();
        assert_eq!(measles["doses"][0]["status"], "not_given", "{measles}");
        assert_eq!(measles["doses"][0]["reason"], "patient objection");
        let schedule = vaccinations["schedule"].as_array().unwrap();
        let item = schedule.iter().find(|i| i["antigen"] == "measles").unwrap();
        assert_eq!(item["valid_doses"], 0, "the declined dose is not counted: {item}");
        assert_ne!(item["state"], "complete");
        let card = app.get("/api/health_card", Some(&user.cookie)).await;
        assert_eq!(card.status, StatusCode::OK, "{}", card.body);
        assert!(
            card.json()["choices"].as_array().unwrap().iter().all(|c| c["doses"] == 0 || c["value"] != "all"),
            "no dose to card: {}",
            card.body
        );
    });
}

#[test]
fn f06_the_ministrys_identifier_systems_are_recognised_and_insurance_numbers_found() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        accepted(&app, &token, &case("f06")).await;
        let id = patient_id(&app, "079188000801").await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        for identifier in ["DN4797912345678", "7912345678", "079188000801"] {
            let found = app.get(&format!("/api/find_patient?identifier={identifier}"), Some(&doctor.cookie)).await;
            assert_eq!(found.status, StatusCode::OK, "{}", found.body);
            assert_eq!(found.json()["patient_id"], id, "{identifier}");
            assert_eq!(found.json()["full_name"], "Bùi Ngọc Lan");
        }
    });
}

/// The f06 bundle with the Patient's insurance identifier set to `insurance` (or removed).
fn f06_with_insurance(insurance: Option<&str>) -> String {
    let mut bundle: Value = serde_json::from_str(&case("f06")).unwrap();
    let identifiers = bundle["entry"][0]["resource"]["identifier"].as_array_mut().unwrap();
    identifiers.retain(|i| !i["system"].as_str().unwrap().ends_with("insurance_number"));
    if let Some(value) = insurance {
        identifiers.push(serde_json::json!({ "system": "http://fhir.ehealth.gov.vn/core/sid/insurance_number", "value": value }));
    }
    bundle.to_string()
}

#[test]
fn insurance_numbers_an_import_sends_for_a_record_already_held_are_stored_and_searchable() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        let find = |identifier: &'static str| {
            let (app, cookie) = (&app, doctor.cookie.clone());
            async move { app.get(&format!("/api/find_patient?identifier={identifier}"), Some(&cookie)).await }
        };
        // First the record without any insurance number: found by CCCD only.
        accepted(&app, &token, &f06_with_insurance(None)).await;
        let id = patient_id(&app, "079188000801").await;
        let unknown = find("7912345678").await;
        assert_eq!((unknown.status, unknown.json()), (StatusCode::OK, Value::Null), "no record holds that number yet");
        // Then the same person with their BHYT card: the record keeps it.
        let response = import_text(&app, &token, &f06_with_insurance(Some("DN4797912345678"))).await;
        assert_eq!(statuses(&response)[0], "200 OK", "{}", response.body);
        for identifier in ["DN4797912345678", "7912345678", "dn4797912345678"] {
            let found = find(identifier).await;
            assert_eq!((found.status, found.json()["patient_id"].as_str()), (StatusCode::OK, Some(id.as_str())), "{identifier}");
        }
        // A renewed card (another benefit code, the same social-insurance number) replaces the code.
        accepted(&app, &token, &f06_with_insurance(Some("HC4797912345678"))).await;
        assert_eq!(find("HC4797912345678").await.json()["patient_id"], id);
        assert_eq!(find("7912345678").await.json()["patient_id"], id);
        // The number alone, as already held, changes nothing.
        let same = import_text(&app, &token, &f06_with_insurance(Some("7912345678"))).await;
        assert!(statuses(&same).iter().all(|s| s == "200 OK"), "{}", same.body);
        assert_eq!(find("HC4797912345678").await.json()["patient_id"], id, "the card code is kept");
        let before = table_counts(&app).await;
        // Another social-insurance number for this person, or one that is another person's,
        // is refused at the identifier and nothing is written.
        let other_person = app.patients[0].seed.social_insurance_number.clone();
        for (insurance, message) in
            [("DN4797900000000", "another social-insurance number"), (other_person.as_str(), "another person's record")]
        {
            let refused = import_text(&app, &token, &f06_with_insurance(Some(insurance))).await;
            assert_eq!(refused.status, StatusCode::CONFLICT, "{insurance}: {}", refused.body);
            assert!(refused.body.contains(message), "{}", refused.body);
            assert_eq!(
                outcome(&refused, StatusCode::CONFLICT),
                vec![("conflict".to_string(), "Bundle.entry[0].resource.identifier[1].value".to_string())]
            );
            assert_eq!(table_counts(&app).await, before);
        }
        assert_eq!(find("HC4797912345678").await.json()["patient_id"], id);
    });
}

#[test]
fn f07_a_birth_year_alone_is_accepted_shown_as_given_and_reasoned_with() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        accepted(&app, &token, &case("f07")).await;
        let user = citizen(&app, "001048000901").await;
        let vaccinations = app.get("/api/vaccinations", Some(&user.cookie)).await.json();
        assert_eq!(vaccinations["patient"]["birth_date"], "1948");
        let schedule = vaccinations["schedule"].as_array().unwrap();
        assert!(!schedule.is_empty(), "the schedule reasons with the year");
        for item in schedule {
            assert!(!matches!(item["state"].as_str(), Some("overdue" | "due")), "an older man is told nothing is overdue: {item}");
        }
        assert!(schedule.iter().any(|i| i["antigen"] == "influenza" && matches!(i["state"].as_str(), Some("recommended" | "complete"))));
    });
}

#[test]
fn f08_nulls_and_empty_elements_are_refused_where_they_are_and_nothing_is_written() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        let before = table_counts(&app).await;
        let response = import_text(&app, &token, &case("f08")).await;
        let found = outcome(&response, StatusCode::UNPROCESSABLE_ENTITY);
        for location in ["Bundle.entry[1].resource.lotNumber", "Bundle.entry[1].resource.note", "Bundle.entry[1].resource.performer[0]"] {
            assert!(found.iter().any(|(code, at)| code == "structure" && at == location), "{location} in {found:?}");
        }
        assert_eq!(table_counts(&app).await, before);
    });
}

#[test]
fn f09_an_stu3_immunization_is_refused_naming_what_r4_lacks_and_requires() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        let before = table_counts(&app).await;
        let response = import_text(&app, &token, &case("f09")).await;
        let found = outcome(&response, StatusCode::UNPROCESSABLE_ENTITY);
        for (code, location) in [
            ("structure", "Bundle.entry[1].resource.notGiven"),
            ("structure", "Bundle.entry[1].resource.date"),
            ("required", "Bundle.entry[1].resource.occurrence[x]"),
        ] {
            assert!(found.contains(&(code.to_string(), location.to_string())), "{location} in {found:?}");
        }
        assert_eq!(table_counts(&app).await, before);
    });
}

#[test]
fn a_code_outside_its_required_value_set_is_refused_where_it_is_and_nothing_is_written() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        let before = table_counts(&app).await;
        // Case f04 with R4 codes that do not exist: an Observation "done", a gender "M", a
        // value compared "about" (R4 has <, <=, >= and >).
        let mut bundle: Value = serde_json::from_str(&case("f04")).unwrap();
        bundle["entry"][2]["resource"]["status"] = "done".into();
        bundle["entry"][0]["resource"]["gender"] = "M".into();
        bundle["entry"][3]["resource"]["valueQuantity"]["comparator"] = "about".into();
        let response = import_text(&app, &token, &bundle.to_string()).await;
        let found = outcome(&response, StatusCode::UNPROCESSABLE_ENTITY);
        for location in
            ["Bundle.entry[0].resource.gender", "Bundle.entry[2].resource.status", "Bundle.entry[3].resource.valueQuantity.comparator"]
        {
            assert!(found.contains(&("code-invalid".to_string(), location.to_string())), "{location} in {found:?}");
        }
        assert_eq!(found.len(), 3, "only the three codes are named: {found:?}");
        assert_eq!(table_counts(&app).await, before);
    });
}

#[test]
fn f01_a_versioned_reference_resolves_to_the_entry_it_names() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        accepted(&app, &token, &case("f01")).await;
        let user = citizen(&app, "079190000101").await;
        let visits = app.get("/api/visits", Some(&user.cookie)).await.json();
        let visit_id = visits["visits"][0]["visit_id"].as_str().unwrap().to_string();
        let detail = app.get(&format!("/api/visit?visit_id={visit_id}"), Some(&user.cookie)).await.json();
        assert_eq!(detail["labs"][0]["name"], "Glucose", "the Observation belongs to the visit it names: {detail}");
        assert_eq!(detail["labs"][0]["value"], "5.4");
        let observation = app.get("/fhir/Observation", Some(&user.cookie)).await.json();
        assert_eq!(observation["entry"][0]["resource"]["encounter"]["reference"], format!("Encounter/{visit_id}"));

        // A versioned reference naming a version the bundle does not carry is refused there.
        let wrong =
            case("f01").replace("Encounter/vr-enc-1/_history/1", "Encounter/vr-enc-1/_history/7").replace("079190000101", "079190000102");
        let before = table_counts(&app).await;
        let response = import_text(&app, &token, &wrong).await;
        assert!(
            outcome(&response, StatusCode::CONFLICT).contains(&("conflict".into(), "Bundle.entry[2].resource.encounter.reference".into())),
            "{}",
            response.body
        );
        assert_eq!(table_counts(&app).await, before);
    });
}

/// A facility's directory as Synthea's current `batch` directory bundles send it (`ifNoneExist`),
/// holding what the f02 case refers to conditionally; `twice` adds a second Practitioner with the
/// same NPI.
fn directory_bundle(twice: bool) -> String {
    let mut entries = vec![
        serde_json::json!({ "fullUrl": "urn:uuid:d-org", "resource": { "resourceType": "Organization", "id": "d-org", "identifier": [{ "system": "https://github.com/synthetichealth/synthea", "value": "9ed20b1e-0000-0000-0000-000000000001" }], "name": "Bệnh viện Demo" }, "request": { "method": "POST", "url": "Organization", "ifNoneExist": "identifier=https://github.com/synthetichealth/synthea|9ed20b1e-0000-0000-0000-000000000001" } }),
        serde_json::json!({ "fullUrl": "urn:uuid:d-loc", "resource": { "resourceType": "Location", "id": "d-loc", "identifier": [{ "system": "https://github.com/synthetichealth/synthea", "value": "5c001e14-0000-0000-0000-000000000001" }], "name": "Khoa khám bệnh" }, "request": { "method": "POST", "url": "Location", "ifNoneExist": "identifier=https://github.com/synthetichealth/synthea|5c001e14-0000-0000-0000-000000000001" } }),
        serde_json::json!({ "fullUrl": "urn:uuid:d-pra", "resource": { "resourceType": "Practitioner", "id": "d-pra", "identifier": [{ "system": "http://hl7.org/fhir/sid/us-npi", "value": "9999912345" }], "name": [{ "family": "Example", "given": ["Dr."] }] }, "request": { "method": "POST", "url": "Practitioner", "ifNoneExist": "identifier=http://hl7.org/fhir/sid/us-npi|9999912345" } }),
    ];
    if twice {
        entries.push(serde_json::json!({ "fullUrl": "urn:uuid:d-pra-2", "resource": { "resourceType": "Practitioner", "id": "d-pra-2", "identifier": [{ "system": "http://hl7.org/fhir/sid/us-npi", "value": "9999912345" }] }, "request": { "method": "POST", "url": "Practitioner" } }));
    }
    serde_json::json!({ "resourceType": "Bundle", "type": "batch", "entry": entries }).to_string()
}

#[test]
fn f02_conditional_references_resolve_against_the_facilitys_directory_exactly_once() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        // With nothing stored to match, the transaction is refused naming each reference.
        let before = table_counts(&app).await;
        let refused = import_text(&app, &token, &case("f02")).await;
        let found = outcome(&refused, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(found.iter().filter(|(code, _)| code == "not-found").count(), 3, "{found:?}");
        assert!(found.iter().all(|(_, at)| at.starts_with("Bundle.entry[1].resource.")), "{found:?}");
        assert_eq!(table_counts(&app).await, before);
        // The facility's directory first (a batch, as Synthea sends it), then the record.
        let directory = import_text(&app, &token, &directory_bundle(false)).await;
        assert_eq!(statuses(&directory), ["201 Created"; 3], "{}", directory.body);
        accepted(&app, &token, &case("f02")).await;
        let user = citizen(&app, "079090000201").await;
        let encounter = app.get("/fhir/Encounter", Some(&user.cookie)).await.json();
        let resource = &encounter["entry"][0]["resource"];
        for pointer in ["/participant/0/individual/reference", "/location/0/location/reference", "/serviceProvider/reference"] {
            let reference = resource.pointer(pointer).and_then(Value::as_str).unwrap_or_default();
            assert!(!reference.contains('?') && reference.contains('/'), "{pointer}: {reference} in {resource}");
        }
        assert!(resource.pointer("/participant/0/individual/reference").unwrap().as_str().unwrap().starts_with("Practitioner/"));

        // Two practitioners with that NPI: the reference is ambiguous and the transaction fails.
        let other = facility_token(&app, &app.facilities[1]).await;
        assert_eq!(statuses(&import_text(&app, &other, &directory_bundle(true)).await).len(), 4);
        let before = table_counts(&app).await;
        let ambiguous = import_text(&app, &other, &case("f02").replace("079090000201", "079090000202")).await;
        assert!(
            outcome(&ambiguous, StatusCode::UNPROCESSABLE_ENTITY)
                .iter()
                .any(|(code, at)| code == "multiple-matches" && at == "Bundle.entry[1].resource.participant[0].individual.reference"),
            "{}",
            ambiguous.body
        );
        assert_eq!(table_counts(&app).await, before);
    });
}

#[test]
fn f03_a_batch_answers_each_entry_on_its_own() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        accepted(&app, &token, &case("f03a")).await;
        let id = patient_id(&app, "079190000301").await;
        let batch = case("f03b").replace("PATIENT_ID", &id);
        let clinical_before = app.count("clinical_resource").await;
        let response = import_text(&app, &token, &batch).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let body: Value = serde_json::from_str(&response.body).unwrap();
        assert_eq!(body["type"], "batch-response");
        assert_eq!(statuses(&response), ["201 Created", "422 Unprocessable Entity"], "{}", response.body);
        let outcome = &body["entry"][1]["response"]["outcome"];
        assert_eq!(outcome["issue"][0]["expression"][0], "Bundle.entry[1].resource.resourceType", "{outcome}");
        assert_eq!(app.count("clinical_resource").await, clinical_before + 1, "the good entry is written, the other is not");
        let user = citizen(&app, "079190000301").await;
        let vaccinations = app.get("/api/vaccinations", Some(&user.cookie)).await.json();
        assert_eq!(vaccinations["vaccines"][0]["vaccine"], "Influenza, seasonal");

        // The same two entries as a transaction: all or nothing.
        let transaction = batch.replacen("\"batch\"", "\"transaction\"", 1).replace("0302", "0392");
        let before = table_counts(&app).await;
        let refused = import_text(&app, &token, &transaction).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert_eq!(table_counts(&app).await, before);
    });
}

fn synthea_current(name: &str) -> String {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthea-current");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(name))
        .unwrap();
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn current_synthea_output_imports_directories_then_people_and_a_resend_changes_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        // The directory batches (ifNoneExist), then the people, whose practitioners, organisations
        // and locations are conditional references into them.
        for name in ["hospitalInformation", "practitionerInformation"] {
            let response = import_text(&app, &token, &synthea_current(name)).await;
            assert_eq!(response.status, StatusCode::OK, "{name}: {}", &response.body[..response.body.len().min(2000)]);
            assert!(statuses(&response).iter().all(|s| s == "201 Created"), "{name}");
        }
        let mut cccds = Vec::new();
        for (index, name) in ["Sandee884", "Teodoro374", "Gordon377", "Delilah659"].iter().enumerate() {
            let bundle: Value = serde_json::from_str(&synthea_current(name)).unwrap();
            let (bundle, cccd) = crate::import::with_cccd(&bundle, 20 + index);
            let response = import_text(&app, &token, &bundle.to_string()).await;
            assert_eq!(response.status, StatusCode::OK, "{name}: {}", &response.body[..response.body.len().min(3000)]);
            assert!(statuses(&response).iter().all(|s| s == "201 Created" || s == "200 OK"), "{name}");
            cccds.push((cccd, bundle));
        }
        // Sending everything again changes nothing.
        let before = table_counts(&app).await;
        for name in ["hospitalInformation", "practitionerInformation"] {
            assert!(statuses(&import_text(&app, &token, &synthea_current(name)).await).iter().all(|s| s == "200 OK"), "{name}");
        }
        for (_, bundle) in &cccds {
            assert!(statuses(&import_text(&app, &token, &bundle.to_string()).await).iter().all(|s| s == "200 OK"));
        }
        assert_eq!(table_counts(&app).await, before);

        // The two-year-old's record as her parent... as she would see it: every completed dose
        // counted, her allergies as their statuses say, labs with units.
        let (cccd, bundle) = &cccds[0];
        let user = citizen(&app, cccd).await;
        let vaccinations = app.get("/api/vaccinations", Some(&user.cookie)).await.json();
        let shown: usize = vaccinations["vaccines"].as_array().unwrap().iter().map(|v| v["doses"].as_array().unwrap().len()).sum();
        let sent = bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resource"]["resourceType"] == "Immunization" && e["resource"]["status"] != "entered-in-error")
            .count();
        assert_eq!(shown, sent, "every dose sent is listed");
        let overview = app.get("/api/overview", Some(&user.cookie)).await.json();
        let active_allergies = bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["resource"]["resourceType"] == "AllergyIntolerance" && e["resource"]["clinicalStatus"]["coding"][0]["code"] == "active"
            })
            .count();
        assert_eq!(overview["allergies"].as_array().unwrap().len(), active_allergies, "{}", overview["allergies"]);
        let visits = app.get("/api/visits", Some(&user.cookie)).await.json();
        let mut units = 0;
        for visit in visits["visits"].as_array().unwrap() {
            let detail = app.get(&format!("/api/visit?visit_id={}", visit["visit_id"].as_str().unwrap()), Some(&user.cookie)).await.json();
            units += detail["labs"].as_array().unwrap().iter().filter(|lab| !lab["unit"].as_str().unwrap_or_default().is_empty()).count();
        }
        assert!(units > 0, "labs are shown with their units");
        let everything = app.get(&format!("/fhir/Patient/{}/$everything", patient_id(&app, cccd).await), Some(&user.cookie)).await;
        assert_eq!(everything.status, StatusCode::OK);
        // Round trip: every clinical resource sent comes back with the same elements and the same
        // number texts, apart from what the portal owns (id, meta, the references it rewrote).
        let served: Value = serde_json::from_str(&everything.body).unwrap();
        let served_text: std::collections::HashMap<String, String> = {
            let exact = Json::parse(&everything.body).unwrap();
            let Some(Json::Array(entries)) = exact.get("entry") else { panic!("no entries") };
            entries
                .iter()
                .filter_map(|entry| {
                    let resource = entry.get("resource")?;
                    let Some(Json::String(id)) = resource.get("id") else { return None };
                    Some((id.clone(), normalized(resource)))
                })
                .collect()
        };
        let mut compared = 0;
        for entry in bundle["entry"].as_array().unwrap() {
            let kind = entry["resource"]["resourceType"].as_str().unwrap();
            if server::fhir::category_of(kind, &Value::Null).is_none() {
                continue;
            }
            let source = entry["resource"]["id"].as_str().or(entry["fullUrl"].as_str()).unwrap();
            let id = server::import::derived_id(&app.facilities[0], kind, source);
            let sent_text = normalized(&Json::parse(&serde_json::to_string(&entry["resource"]).unwrap()).unwrap());
            let back = served_text.get(&id).unwrap_or_else(|| panic!("{kind}/{id} not served"));
            assert_eq!(back, &sent_text, "{kind} {id} comes back as sent");
            compared += 1;
        }
        assert!(compared > 200 && served["entry"].as_array().unwrap().len() > compared, "{compared}");
        let file = crate::support::temp_dir().join("synthea-current-everything.json");
        std::fs::write(&file, &everything.body).unwrap();
        crate::fhir_api::validate(&[file]);
    });
}

/// A resource without what the portal owns (its `id`, its `meta`) and with every reference
/// replaced by a mark, as compact text with numbers exactly as they were written.
fn normalized(resource: &Json) -> String {
    fn walk(value: &mut Json) {
        match value {
            Json::Object(members) => {
                for (key, inner) in members.iter_mut() {
                    match inner {
                        Json::String(text) if key == "reference" => *text = "REF".into(),
                        other => walk(other),
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut resource = resource.clone();
    resource.remove("id");
    resource.remove("meta");
    walk(&mut resource);
    resource.to_text()
}
