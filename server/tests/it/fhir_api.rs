//! The FHIR R4 API through the real router: the citizen reads every resource type of their own
//! record (each answer checked by an independent validator), `$everything` holds the whole record,
//! searches filter, sort and page; a clinician's session reads only consented categories, for read
//! and for search, and every refusal is an audited OperationOutcome that leaks nothing.

use std::path::PathBuf;

use axum::http::StatusCode;
use serde_json::Value;

use crate::support::{assert_no_leak_except, Response, TestApp, TestPatient, User};

const EXPIRY: &str = "2026-12-20";
const TYPES: [&str; 10] = [
    "Patient",
    "Encounter",
    "Condition",
    "AllergyIntolerance",
    "Immunization",
    "Observation",
    "DiagnosticReport",
    "MedicationRequest",
    "Procedure",
    "DocumentReference",
];

fn fhir_json(response: &Response) -> Value {
    let kind = response.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(kind.starts_with("application/fhir+json"), "content type {kind}");
    serde_json::from_str(&response.body).expect("FHIR JSON")
}

fn assert_outcome(response: &Response, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    let body = fhir_json(response);
    assert_eq!(body["resourceType"], "OperationOutcome");
    assert_eq!(body["issue"][0]["code"], code, "{}", response.body);
}

/// Validates the files with the PyPI `fhir.resources` models (FHIR 4.0.1), outside this process.
pub fn validate(files: &[PathBuf]) {
    let python = std::env::var("HOSO_FHIR_PYTHON").map(PathBuf::from).unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        PathBuf::from(std::env::var("HOSO_TOOLS_DIR").unwrap_or(format!("{home}/.cache/hoso/tools"))).join("venv/bin/python")
    });
    if !python.exists() {
        assert!(std::env::var("CI").is_err(), "the FHIR validator is missing under CI: {}", python.display());
        eprintln!("SKIPPED: FHIR validator not installed at {} (run .ci/tools.sh test)", python.display());
        return;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/fhir/validate.py");
    let output = std::process::Command::new(python).arg(script).args(files).output().expect("run the validator");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "FHIR validation failed:\n{report}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(report.lines().filter(|line| line.starts_with("valid ")).count(), files.len(), "{report}");
}

pub async fn grant(app: &TestApp, citizen: &User, grantee: &str, categories: &[&str]) {
    let mut body = format!("grantee={grantee}&purpose=treatment&expires_on={EXPIRY}");
    for (index, category) in categories.iter().enumerate() {
        body.push_str(&format!("&categories[{index}]={category}"));
    }
    let created = app.post_form("/api/create_grant", &body, Some(&citizen.cookie)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
}

fn ids_of(bundle: &Value) -> Vec<String> {
    bundle["entry"].as_array().into_iter().flatten().filter_map(|entry| entry["resource"]["id"].as_str().map(str::to_string)).collect()
}

/// Every resource in a bundle belongs to this patient.
fn all_about(bundle: &Value, patient: &TestPatient) {
    let reference = format!("Patient/{}", patient.id());
    for entry in bundle["entry"].as_array().into_iter().flatten() {
        let resource = &entry["resource"];
        let owner = ["/subject/reference", "/patient/reference"].iter().find_map(|p| resource.pointer(p)).and_then(Value::as_str);
        match resource["resourceType"].as_str() {
            Some("Patient") => assert_eq!(resource["id"], patient.id()),
            _ => assert_eq!(owner, Some(reference.as_str()), "{resource}"),
        }
    }
}

#[test]
fn a_citizen_reads_every_type_of_their_record_as_valid_fhir() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let other = app.patients[1].clone();
        let citizen = app.enrol(&patient).await;
        let dir = crate::support::temp_dir();
        let mut files = Vec::new();
        let mut save = |name: &str, body: &str| {
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, body).unwrap();
            files.push(path);
        };

        let metadata = app.get("/fhir/metadata", None).await;
        assert_eq!(metadata.status, StatusCode::OK);
        let statement = fhir_json(&metadata);
        assert_eq!(statement["fhirVersion"], "4.0.1");
        let served: Vec<&str> = statement["rest"][0]["resource"].as_array().unwrap().iter().filter_map(|r| r["type"].as_str()).collect();
        let stated: Vec<&str> = ["Patient"]
            .into_iter()
            .chain(server::service::fhir_api::CLINICAL_TYPES)
            .chain(server::service::fhir_api::OWN_FACT_TYPES)
            .collect();
        assert_eq!(served, stated, "every stored type, and only those, is served");
        assert!(TYPES.iter().all(|kind| served.contains(kind)));
        save("metadata", &metadata.body);

        let mut total = 0;
        for kind in TYPES {
            let search = app.get(&format!("/fhir/{kind}?_count=200"), Some(&citizen.cookie)).await;
            assert_eq!(search.status, StatusCode::OK, "{kind}: {}", search.body);
            let bundle = fhir_json(&search);
            assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("searchset")));
            all_about(&bundle, &patient);
            assert_eq!(bundle["total"].as_u64().unwrap() as usize, ids_of(&bundle).len(), "{kind}: one page holds all");
            total += ids_of(&bundle).len();
            save(&format!("search-{kind}"), &search.body);
            if let Some(id) = ids_of(&bundle).first() {
                let read = app.get(&format!("/fhir/{kind}/{id}"), Some(&citizen.cookie)).await;
                assert_eq!(read.status, StatusCode::OK, "{kind}/{id}");
                assert_eq!(fhir_json(&read)["id"], id.as_str());
                save(&format!("read-{kind}"), &read.body);
            }
        }
        // $everything is the whole record: the patient and every stored resource.
        let everything = app.get(&format!("/fhir/Patient/{}/$everything?download=1", patient.id()), Some(&citizen.cookie)).await;
        assert_eq!(everything.status, StatusCode::OK);
        assert!(everything.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment"));
        let bundle = fhir_json(&everything);
        all_about(&bundle, &patient);
        assert_eq!(ids_of(&bundle).len(), patient.seed.resources.len() + 1);
        assert_eq!(
            total,
            patient.seed.resources.iter().filter(|r| TYPES.contains(&r["resourceType"].as_str().unwrap_or_default())).count() + 1
        );
        save("everything", &everything.body);

        // Filters, sort and paging.
        let all = fhir_json(&app.get("/fhir/Immunization?_count=200", Some(&citizen.cookie)).await);
        let dates: Vec<String> = all["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["resource"]["occurrenceDateTime"].as_str().unwrap()[..10].to_string())
            .collect();
        assert!(dates.len() >= 3, "the demo citizen has doses");
        let newest = fhir_json(&app.get("/fhir/Immunization?_sort=-date&_count=1", Some(&citizen.cookie)).await);
        assert_eq!(newest["entry"].as_array().unwrap().len(), 1);
        assert_eq!(newest["entry"][0]["resource"]["occurrenceDateTime"].as_str().unwrap()[..10], *dates.iter().max().unwrap());
        assert!(newest["link"].as_array().unwrap().iter().any(|l| l["relation"] == "next"));
        let page2 = fhir_json(&app.get("/fhir/Immunization?_count=1&_page=2", Some(&citizen.cookie)).await);
        assert_eq!(ids_of(&page2), vec![ids_of(&all)[1].clone()]);
        let since = &dates[dates.len() / 2];
        let later = fhir_json(&app.get(&format!("/fhir/Immunization?date=ge{since}&_count=200"), Some(&citizen.cookie)).await);
        assert_eq!(ids_of(&later).len(), dates.iter().filter(|d| d.as_str() >= since.as_str()).count());
        let code = all["entry"][0]["resource"]["vaccineCode"]["coding"][0]["code"].as_str().unwrap().to_string();
        let coded = fhir_json(
            &app.get(&format!("/fhir/Immunization?code=http://hl7.org/fhir/sid/cvx|{code}&_count=200"), Some(&citizen.cookie)).await,
        );
        assert!(!ids_of(&coded).is_empty());
        assert!(coded["entry"].as_array().unwrap().iter().all(|e| e["resource"]["vaccineCode"]["coding"][0]["code"] == code.as_str()));
        // Paging links keep the filters: page 2 of a code search is still that code.
        let mut per_code = std::collections::BTreeMap::<String, usize>::new();
        for entry in all["entry"].as_array().unwrap() {
            *per_code.entry(entry["resource"]["vaccineCode"]["coding"][0]["code"].as_str().unwrap().to_string()).or_default() += 1;
        }
        let (busy, doses) = per_code.iter().max_by_key(|(_, n)| **n).map(|(c, n)| (c.clone(), *n)).unwrap();
        assert!(doses >= 2, "a vaccine with two doses: {per_code:?}");
        let first = fhir_json(&app.get(&format!("/fhir/Immunization?code={busy}&_count=1"), Some(&citizen.cookie)).await);
        assert_eq!(first["total"].as_u64().unwrap() as usize, doses);
        let next = first["link"].as_array().unwrap().iter().find(|l| l["relation"] == "next").unwrap()["url"].as_str().unwrap().to_string();
        let next = next.strip_prefix("http://localhost:3000").unwrap().to_string();
        let second = fhir_json(&app.get(&next, Some(&citizen.cookie)).await);
        assert_eq!(second["entry"][0]["resource"]["vaccineCode"]["coding"][0]["code"], busy.as_str(), "{next}");
        assert_ne!(ids_of(&second), ids_of(&first));

        // The portal's own facts: the grants as Consent, the access log as AuditEvent.
        grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["immunizations", "visits"]).await;
        let consents = app.get("/fhir/Consent", Some(&citizen.cookie)).await;
        assert_eq!(consents.status, StatusCode::OK, "{}", consents.body);
        let consent = fhir_json(&consents);
        assert_eq!(consent["total"], 1);
        assert_eq!(consent["entry"][0]["resource"]["status"], "active");
        assert_eq!(
            consent["entry"][0]["resource"]["provision"]["actor"][0]["reference"]["reference"],
            format!("Practitioner/{}", app.clinicians[0].clinician_id)
        );
        let codes: Vec<&str> = consent["entry"][0]["resource"]["provision"]["code"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["coding"][0]["code"].as_str())
            .collect();
        assert_eq!(codes, vec!["immunizations", "visits"]);
        save("consent", &consents.body);
        let log = app.get("/fhir/AuditEvent?_count=5", Some(&citizen.cookie)).await;
        assert_eq!(log.status, StatusCode::OK, "{}", log.body);
        let events = fhir_json(&log);
        assert_eq!(events["entry"].as_array().unwrap().len(), 5);
        assert!(events["total"].as_u64().unwrap() > 5);
        assert!(events["entry"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["resource"]["entity"][0]["what"]["reference"] == format!("Patient/{}", patient.id()).as_str()));
        save("audit-events", &log.body);
        assert_outcome(&app.get("/fhir/AuditEvent?date=2024", Some(&citizen.cookie)).await, StatusCode::BAD_REQUEST, "invalid");
        assert_outcome(
            &app.get(&format!("/fhir/Consent/{}", consent["entry"][0]["resource"]["id"].as_str().unwrap()), Some(&citizen.cookie)).await,
            StatusCode::NOT_FOUND,
            "not-supported",
        );

        // Bad requests are OperationOutcomes naming the parameter.
        for (index, (path, code, status)) in [
            ("/fhir/Immunization?_count=0", "invalid", StatusCode::BAD_REQUEST),
            ("/fhir/Immunization?date=yesterday", "invalid", StatusCode::BAD_REQUEST),
            ("/fhir/Immunization?name=x", "invalid", StatusCode::BAD_REQUEST),
            ("/fhir/Immunization?code=a&code=b", "invalid", StatusCode::BAD_REQUEST),
            ("/fhir/Patient?date=2024", "invalid", StatusCode::BAD_REQUEST),
            ("/fhir/Basic", "not-supported", StatusCode::NOT_FOUND),
            ("/fhir/Immunization/no-such-id", "forbidden", StatusCode::FORBIDDEN),
        ]
        .into_iter()
        .enumerate()
        {
            let response = app.get(path, Some(&citizen.cookie)).await;
            assert_outcome(&response, status, code);
            save(&format!("outcome-{index}"), &response.body);
        }
        let bad = fhir_json(&app.get("/fhir/Immunization?date=yesterday", Some(&citizen.cookie)).await);
        assert_eq!(bad["issue"][0]["expression"][0], "date");

        // Another person's record, by search, read or $everything: refused, audited, nothing of it in the body.
        let other_resource =
            other.seed.resources.iter().find(|r| r["resourceType"] == "Immunization").unwrap()["id"].as_str().unwrap().to_string();
        for path in [
            format!("/fhir/Immunization?patient={}", other.id()),
            format!("/fhir/Immunization/{other_resource}"),
            format!("/fhir/Patient/{}", other.id()),
            format!("/fhir/Patient/{}/$everything", other.id()),
            format!("/fhir/Consent?patient={}", other.id()),
            format!("/fhir/AuditEvent?patient={}", other.id()),
        ] {
            let before = app.audit().await.len();
            let response = app.get(&path, Some(&citizen.cookie)).await;
            assert_outcome(&response, StatusCode::FORBIDDEN, "forbidden");
            assert_no_leak_except(&response.body, &other, &[]);
            // Whether the record exists is not told (the reason is only in the audit row).
            assert!(!response.body.contains("not_own_record") && !response.body.contains("no_such_record"), "{}", response.body);
            let audit = app.audit().await;
            assert!(audit.len() > before && audit[before..].iter().all(|row| row.outcome == "denied"), "{path} not audited");
        }
        let anonymous = app.get("/fhir/Immunization", None).await;
        assert_outcome(&anonymous, StatusCode::UNAUTHORIZED, "login");
        assert!(anonymous.headers.get("www-authenticate").unwrap().to_str().unwrap().starts_with("Bearer"));

        validate(&files);
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn a_clinicians_session_reads_by_fhir_only_the_consented_categories() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let other = app.patients[1].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["immunizations"]).await;

        let search = app.get(&format!("/fhir/Immunization?patient={}", patient.id()), Some(&doctor.cookie)).await;
        assert_eq!(search.status, StatusCode::OK, "{}", search.body);
        let bundle = fhir_json(&search);
        all_about(&bundle, &patient);
        let first = ids_of(&bundle)[0].clone();
        assert_eq!(app.get(&format!("/fhir/Immunization/{first}"), Some(&doctor.cookie)).await.status, StatusCode::OK);

        let condition =
            patient.seed.resources.iter().find(|r| r["resourceType"] == "Condition").unwrap()["id"].as_str().unwrap().to_string();
        for path in [
            format!("/fhir/Condition?patient={}", patient.id()),
            format!("/fhir/Encounter?patient={}", patient.id()),
            format!("/fhir/Condition/{condition}"),
            format!("/fhir/Patient/{}/$everything", patient.id()),
            format!("/fhir/Immunization?patient={}", other.id()),
            // The grants and the access log are the citizen's own, whatever was shared.
            format!("/fhir/Consent?patient={}", patient.id()),
            format!("/fhir/AuditEvent?patient={}", patient.id()),
        ] {
            let before = app.audit().await.len();
            let response = app.get(&path, Some(&doctor.cookie)).await;
            assert_outcome(&response, StatusCode::FORBIDDEN, "forbidden");
            assert!(!response.body.contains(&condition));
            assert_no_leak_except(&response.body, &other, &[]);
            let audit = app.audit().await;
            let rows = &audit[before..];
            assert!(
                !rows.is_empty() && rows.iter().all(|row| row.outcome == "denied" && row.actor_role.as_deref() == Some("clinician")),
                "{path}"
            );
        }
        // The allowed reads are in the patient's log as reads of immunizations under the grant.
        let audit = app.audit().await;
        assert!(audit.iter().any(|row| row.outcome == "allowed"
            && row.category.as_deref() == Some("immunizations")
            && row.basis.as_deref() == Some("grant")
            && row.patient_id.as_deref() == Some(patient.id())));
    });
}

pub async fn bearer(app: &TestApp, path: &str, token: &str) -> Response {
    let request = axum::http::Request::get(path)
        .header(axum::http::header::HOST, "localhost:3000")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    app.send(request).await
}

pub async fn new_token(app: &TestApp, user: &User, categories: &[&str], days: u32) -> String {
    let mut body = format!("name=Phần mềm phòng khám&days={days}");
    for (index, category) in categories.iter().enumerate() {
        body.push_str(&format!("&categories[{index}]={category}"));
    }
    let created = app.post_form("/api/create_api_token", &body, Some(&user.cookie)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    serde_json::from_str(&created.body).unwrap()
}

fn last_denial(audit: &[server::store::audit::AuditRow]) -> Option<&str> {
    audit.iter().rev().find(|row| row.outcome == "denied").and_then(|row| row.reason.as_deref())
}

#[test]
fn bearer_tokens_read_only_what_both_the_token_and_the_consent_allow() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let other = app.patients[1].clone();
        let citizen = app.enrol(&patient).await;
        let doctor = app.enrol_clinician(&app.clinicians[0].clone()).await;
        grant(&app, &citizen, &format!("clinician:{}", app.clinicians[0].clinician_id), &["immunizations", "conditions"]).await;

        // Bad token requests are refused and create nothing.
        for (body, problem) in [
            ("name=x&days=30&categories[0]=immunizations", "text_too_short"),
            ("name=App&days=0&categories[0]=immunizations", "expiry_too_far"),
            ("name=App&days=91&categories[0]=immunizations", "expiry_too_far"),
            ("name=App&days=30", "no_categories"),
            ("name=App&days=30&categories[0]=administrative", "unknown_category"),
        ] {
            let response = app.post_form("/api/create_api_token", body, Some(&doctor.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.body);
            assert!(response.body.contains(problem), "{body}: {}", response.body);
        }
        assert_eq!(app.count("api_token").await, 0);

        // The clinician's token covers immunizations only, though the grant also covers conditions.
        let token = new_token(&app, &doctor, &["immunizations"], 30).await;
        assert!(token.starts_with("hoso_pat_"));
        let search = bearer(&app, &format!("/fhir/Immunization?patient={}", patient.id()), &token).await;
        assert_eq!(search.status, StatusCode::OK, "{}", search.body);
        let bundle = fhir_json(&search);
        all_about(&bundle, &patient);
        let first = ids_of(&bundle)[0].clone();
        assert_eq!(bearer(&app, &format!("/fhir/Immunization/{first}"), &token).await.status, StatusCode::OK);

        let condition =
            patient.seed.resources.iter().find(|r| r["resourceType"] == "Condition").unwrap()["id"].as_str().unwrap().to_string();
        for (path, reason) in [
            (format!("/fhir/Condition?patient={}", patient.id()), "outside_token_scope"),
            (format!("/fhir/Condition/{condition}"), "outside_token_scope"),
            (format!("/fhir/Encounter?patient={}", patient.id()), "outside_token_scope"),
            (format!("/fhir/Immunization?patient={}", other.id()), "no_grant"),
        ] {
            let response = bearer(&app, &path, &token).await;
            assert_outcome(&response, StatusCode::FORBIDDEN, "forbidden");
            assert!(!response.body.contains(&condition));
            assert_no_leak_except(&response.body, &other, &[]);
            assert_eq!(last_denial(&app.audit().await), Some(reason), "{path}");
        }
        // The same clinician's browser session reads conditions: the token only narrows.
        assert_eq!(app.get(&format!("/fhir/Condition?patient={}", patient.id()), Some(&doctor.cookie)).await.status, StatusCode::OK);

        // A token is accepted on /fhir only: never for the portal's pages or functions.
        let elsewhere = axum::http::Request::get("/api/me")
            .header(axum::http::header::HOST, "localhost:3000")
            .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let me = app.send(elsewhere).await;
        assert!(me.body.trim() == "null" || me.status != StatusCode::OK, "a bearer token signed in on /api: {}", me.body);

        // The citizen's own token reads their record within its categories; $everything needs them all.
        let own = new_token(&app, &citizen, &["immunizations", "visits"], 30).await;
        assert_eq!(bearer(&app, "/fhir/Encounter", &own).await.status, StatusCode::OK);
        assert_outcome(&bearer(&app, "/fhir/Condition", &own).await, StatusCode::FORBIDDEN, "forbidden");
        assert_outcome(
            &bearer(&app, &format!("/fhir/Patient/{}/$everything", patient.id()), &own).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        let full = new_token(
            &app,
            &citizen,
            &["allergies", "conditions", "medications", "immunizations", "lab_results", "visits", "documents", "billing", "access_history"],
            1,
        )
        .await;
        assert_eq!(bearer(&app, &format!("/fhir/Patient/{}/$everything", patient.id()), &full).await.status, StatusCode::OK);

        // Revoked, expired and unknown tokens are 401.
        let listed = app.get("/api/api_tokens", Some(&doctor.cookie)).await.json();
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(listed[0]["categories"], serde_json::json!(["immunizations"]));
        let revoked = app
            .post_form("/api/revoke_api_token", &format!("token_id={}", listed[0]["token_id"].as_str().unwrap()), Some(&doctor.cookie))
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        assert_outcome(
            &bearer(&app, &format!("/fhir/Immunization?patient={}", patient.id()), &token).await,
            StatusCode::UNAUTHORIZED,
            "login",
        );
        assert_outcome(&bearer(&app, "/fhir/Immunization", "hoso_pat_forged").await, StatusCode::UNAUTHORIZED, "login");
        app.clock.advance_minutes(2 * 24 * 60);
        assert_outcome(&bearer(&app, "/fhir/Immunization", &full).await, StatusCode::UNAUTHORIZED, "login");
        let actions: Vec<String> =
            app.audit().await.into_iter().filter(|row| row.action.starts_with("api_token_")).map(|row| row.action).collect();
        assert_eq!(actions, vec!["api_token_create", "api_token_create", "api_token_create", "api_token_revoke"]);
    });
}
