//! Facility import through the real router: machine credentials from the token endpoint, the ten
//! Synthea bundles imported (a CCCD added to each Patient, as a Vietnamese facility's system sends
//! it), a second import changing nothing, the unmodified bundle matched by the identifier the
//! facility sent the first time; and every bad bundle refused with a precise OperationOutcome
//! while the database stays exactly as it was.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use serde_json::{json, Value};

use server::service::Clock;

use crate::support::{Response, TestApp};

pub fn synthea_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthea")
}

/// The ten patient bundles, in name order.
pub fn synthea_patients() -> Vec<Value> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(synthea_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.file_name().unwrap().to_str().unwrap().contains("Information"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 10);
    paths.iter().map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()).collect()
}

/// A CCCD that agrees with the person's birth year and sex (province 0NN from `index`).
pub fn cccd_for(patient: &Value, index: usize) -> String {
    let birth = patient["birthDate"].as_str().unwrap();
    let year: u32 = birth[..4].parse().unwrap();
    let female = u32::from(patient["gender"] == "female");
    let digit = (year / 100 - 19) * 2 + female;
    format!("0{:02}{digit}{:02}{:06}", index + 1, year % 100, 100_000 + index)
}

/// The bundle with a CCCD identifier added to its Patient.
pub fn with_cccd(bundle: &Value, index: usize) -> (Value, String) {
    let mut bundle = bundle.clone();
    let patient = bundle["entry"].as_array_mut().unwrap().iter_mut().find(|e| e["resource"]["resourceType"] == "Patient").unwrap();
    let cccd = cccd_for(&patient["resource"], index);
    patient["resource"]["identifier"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "system": "https://fhir.hl7.org.vn/core/sid/cccd", "value": cccd }));
    (bundle, cccd)
}

/// The token endpoint's answer for these client credentials (HTTP Basic).
pub async fn token_request(app: &TestApp, client_id: &str, secret: &str) -> Response {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
    app.send(
        Request::post("/oauth/token")
            .header(header::HOST, "localhost:3000")
            .header(header::AUTHORIZATION, format!("Basic {basic}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("grant_type=client_credentials&scope=system/Bundle.write"))
            .unwrap(),
    )
    .await
}

/// Machine credentials for a facility, and an access token from the token endpoint.
pub async fn facility_token(app: &TestApp, facility_id: &str) -> String {
    let issued = server::service::facility_import::issue_client(app.store(), facility_id, "HIS test", None, app.clock.now_ms())
        .await
        .unwrap()
        .unwrap();
    let response = token_request(app, &issued.client_id, &issued.client_secret).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let body: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_i64()), (Some("Bearer"), Some(900)));
    body["access_token"].as_str().unwrap().to_string()
}

pub async fn post_bundle(app: &TestApp, token: Option<&str>, body: impl Into<Body>, content_type: &str) -> Response {
    let mut builder = Request::post("/fhir").header(header::HOST, "localhost:3000").header(header::CONTENT_TYPE, content_type);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.send(builder.body(body.into()).unwrap()).await
}

async fn import(app: &TestApp, token: &str, bundle: &Value) -> Response {
    post_bundle(app, Some(token), bundle.to_string(), "application/fhir+json").await
}

/// Every table an import may write, and the sum of versions: equal snapshots mean nothing changed.
async fn snapshot(app: &TestApp) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    // Lookups of people are audited whatever an import does (security_kinds.rs tests them); the
    // other audit rows are the import's own.
    for table in [
        "patient",
        "clinical_resource",
        "directory_resource",
        "patient_identifier",
        "import_provenance",
        "audit_event where action <> 'patient_lookup'",
    ] {
        out.push((table.to_string(), app.count(table).await));
    }
    let mut conn = app.store().reader().acquire().await.unwrap();
    let versions: i64 =
        sqlx::query_scalar("select coalesce(sum(version_id), 0) from clinical_resource").fetch_one(&mut *conn).await.unwrap();
    out.push(("versions".into(), versions));
    out
}

/// The `entry[].response.status` of a transaction or batch answer, in entry order.
pub(crate) fn statuses(response: &Response) -> Vec<String> {
    let body: Value = serde_json::from_str(&response.body).unwrap();
    body["entry"].as_array().unwrap().iter().map(|e| e["response"]["status"].as_str().unwrap().to_string()).collect()
}

/// Asserts the answer is `status` with an OperationOutcome; its issues as (code, first expression).
pub(crate) fn outcome(response: &Response, status: StatusCode) -> Vec<(String, String)> {
    assert_eq!(response.status, status, "{}", response.body);
    let body: Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(body["resourceType"], "OperationOutcome", "{}", response.body);
    body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap().to_string(), i["expression"][0].as_str().unwrap_or_default().to_string()))
        .collect()
}

#[test]
fn the_ten_synthea_bundles_import_and_a_second_import_changes_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let token = facility_token(&app, &app.facilities[0]).await;
        let before = snapshot(&app).await;
        let mut stored_entries = 0;
        let mut cccds = Vec::new();
        for (index, original) in synthea_patients().iter().enumerate() {
            let (bundle, cccd) = with_cccd(original, index);
            cccds.push(cccd);
            let response = import(&app, &token, &bundle).await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.body);
            let answer: Value = serde_json::from_str(&response.body).unwrap();
            assert_eq!(answer["type"], "batch-response");
            let answers = statuses(&response);
            assert_eq!(answers.len(), bundle["entry"].as_array().unwrap().len());
            assert!(answers.iter().all(|s| s == "201 Created" || s == "200 OK"), "{answers:?}");
            stored_entries += bundle["entry"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| !matches!(e["resource"]["resourceType"].as_str(), Some("Patient" | "Organization" | "Practitioner")))
                .count();
        }
        let after_first = snapshot(&app).await;
        assert_eq!(after_first[0].1 - before[0].1, 10, "ten new records");
        assert_eq!(after_first[1].1 - before[1].1, stored_entries as i64, "every clinical entry stored once");
        assert_eq!(after_first[4].1 - before[4].1, 10, "one Provenance per record");
        assert_eq!(after_first[5].1 - before[5].1, 10, "one audit row per record");
        let audit = app.audit().await;
        let row = audit.iter().rev().find(|row| row.action == "import").unwrap();
        assert_eq!(
            (row.actor_role.as_deref(), row.actor_facility_id.as_deref()),
            (Some("facility_system"), Some(app.facilities[0].as_str()))
        );

        // Again: every entry answers 200 OK and nothing changes, not even a version.
        for (index, original) in synthea_patients().iter().enumerate() {
            let response = import(&app, &token, &with_cccd(original, index).0).await;
            assert!(statuses(&response).iter().all(|s| s == "200 OK"), "{}", response.body);
        }
        // The unmodified bundle (no CCCD) finds its record by the Synthea identifier sent before.
        let response = import(&app, &token, &synthea_patients()[3]).await;
        assert!(statuses(&response).iter().all(|s| s == "200 OK"), "{}", response.body);
        assert_eq!(snapshot(&app).await, after_first);

        // The imported record reads back through the access path as valid FHIR (every type Synthea
        // sent: CarePlan, CareTeam, Claim and ExplanationOfBenefit included).
        let patient_id: String = {
            let mut conn = app.store().reader().acquire().await.unwrap();
            server::store::patient::by_cccd(&mut conn, &cccds[3]).await.unwrap().unwrap().patient_id
        };
        let code = {
            let mut tx = app.store().begin().await.unwrap();
            let code = server::seed::issue_enrolment_code(
                &mut tx,
                server::seed::Enrols::Patient(patient_id.clone()),
                &cccds[3],
                app.clock.now_ms(),
                86_400_000,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            code
        };
        let citizen = app.enrol_with(&cccds[3], &code).await;
        let everything = app.get(&format!("/fhir/Patient/{patient_id}/$everything"), Some(&citizen.cookie)).await;
        assert_eq!(everything.status, StatusCode::OK);
        let bundle: Value = serde_json::from_str(&everything.body).unwrap();
        let kinds: std::collections::BTreeSet<&str> =
            bundle["entry"].as_array().unwrap().iter().filter_map(|e| e["resource"]["resourceType"].as_str()).collect();
        for kind in ["Patient", "Encounter", "Immunization", "Observation", "Condition", "CarePlan", "Claim", "ExplanationOfBenefit"] {
            assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
        }
        let subject = format!("Patient/{patient_id}");
        for entry in bundle["entry"].as_array().unwrap() {
            let resource = &entry["resource"];
            if resource["resourceType"] != "Patient" {
                let owner =
                    resource.pointer("/subject/reference").or_else(|| resource.pointer("/patient/reference")).and_then(Value::as_str);
                assert_eq!(owner, Some(subject.as_str()), "{resource}");
            }
            assert!(!resource.to_string().contains("urn:uuid:"), "references rewritten: {resource}");
        }
        let dir = crate::support::temp_dir();
        let file = dir.join("imported-everything.json");
        std::fs::write(&file, &everything.body).unwrap();
        crate::fhir_api::validate(&[file]);
        let provenance = app.get("/fhir/Provenance", Some(&citizen.cookie)).await;
        assert_eq!(provenance.status, StatusCode::OK, "{}", provenance.body);
        let provenance: Value = serde_json::from_str(&provenance.body).unwrap();
        assert_eq!(provenance["total"], 1);
        assert_eq!(provenance["entry"][0]["resource"]["agent"][0]["who"]["reference"], format!("Organization/{}", app.facilities[0]));
        let file = dir.join("provenance.json");
        std::fs::write(&file, provenance.to_string()).unwrap();
        crate::fhir_api::validate(&[file]);
        let _ = std::fs::remove_dir_all(&dir);
    });
}

/// A small transaction: a new person (by CCCD), an encounter and an immunization in it.
fn small_transaction(cccd: &str, immunization_url: &str) -> Value {
    json!({
        "resourceType": "Bundle", "type": "transaction",
        "entry": [
            { "fullUrl": "urn:uuid:p1", "request": { "method": "POST", "url": "Patient" }, "resource": {
                "resourceType": "Patient", "identifier": [{ "system": "https://fhir.hl7.org.vn/core/sid/cccd", "value": cccd }],
                "name": [{ "family": "Trần", "given": ["Thị", "Hoa"] }], "gender": "female", "birthDate": "1990-04-02" } },
            { "fullUrl": "urn:uuid:e1", "request": { "method": "POST", "url": "Encounter" }, "resource": {
                "resourceType": "Encounter", "status": "finished", "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB" },
                "subject": { "reference": "urn:uuid:p1" }, "period": { "start": "2026-10-01T08:00:00+07:00" } } },
            { "fullUrl": immunization_url, "request": { "method": "POST", "url": "Immunization" }, "resource": {
                "resourceType": "Immunization", "status": "completed",
                "vaccineCode": { "coding": [{ "system": "http://hl7.org/fhir/sid/cvx", "code": "140" }] },
                "patient": { "reference": "urn:uuid:p1" }, "encounter": { "reference": "urn:uuid:e1" },
                "occurrenceDateTime": "2026-10-01T08:30:00+07:00" } }
        ]
    })
}

#[test]
fn bad_bundles_get_a_precise_outcome_and_write_nothing() {
    crate::support::run(async {
        let app = TestApp::with_config(|config| config.import_max_bytes = 200_000).await;
        let token = facility_token(&app, &app.facilities[0]).await;
        // A first good transaction, so that there is something to conflict with.
        let good = import(&app, &token, &small_transaction("001190012345", "urn:uuid:i1")).await;
        assert_eq!(statuses(&good), ["201 Created", "201 Created", "201 Created"], "{}", good.body);
        let before = snapshot(&app).await;

        let mut broken_entry = small_transaction("001190054321", "urn:uuid:i9");
        broken_entry["entry"][2]["resource"]["resourceType"] = json!("Basic");
        let mut dangling = small_transaction("001190054321", "urn:uuid:i9");
        dangling["entry"][2]["resource"]["encounter"]["reference"] = json!("urn:uuid:nowhere");
        let mut unknown_person = small_transaction("001190054321", "urn:uuid:i9");
        unknown_person["entry"][0]["resource"]["identifier"] = json!([{ "system": "http://hospital.example/mrn", "value": "42" }]);
        let mut unknown_reference = small_transaction("001190054321", "urn:uuid:i9");
        unknown_reference["entry"][2]["resource"]["patient"]["reference"] = json!("Patient/no-such-record");
        let mut wrong_type = small_transaction("001190054321", "urn:uuid:i9");
        wrong_type["type"] = json!("collection");
        let mut no_request = small_transaction("001190054321", "urn:uuid:i9");
        no_request["entry"][1].as_object_mut().unwrap().remove("request");
        let mut bad_cccd = small_transaction("001190054321", "urn:uuid:i9");
        bad_cccd["entry"][0]["resource"]["birthDate"] = json!("1975-04-02");
        // The same encounter and immunization ids for another person: they are not moved, and the
        // transaction fails.
        let conflict = small_transaction("001190054321", "urn:uuid:i1");
        let mut oversized = synthea_patients()[2].clone();
        oversized["type"] = json!("transaction");

        for (name, body, status, expected) in [
            (
                "malformed JSON",
                "{\"resourceType\": \"Bundle\", \"entry\": [".to_string(),
                StatusCode::BAD_REQUEST,
                vec![("structure", "line 1, column 37")],
            ),
            ("not a bundle", json!({ "resourceType": "Patient" }).to_string(), StatusCode::BAD_REQUEST, vec![("invalid", "resourceType")]),
            ("a collection", wrong_type.to_string(), StatusCode::BAD_REQUEST, vec![("invalid", "Bundle.type")]),
            ("an entry without request", no_request.to_string(), StatusCode::BAD_REQUEST, vec![("required", "Bundle.entry[1].request")]),
            (
                "one broken entry",
                broken_entry.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![("not-supported", "Bundle.entry[2].resource.resourceType")],
            ),
            (
                "a dangling reference",
                dangling.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![("not-found", "Bundle.entry[2].resource.encounter.reference")],
            ),
            (
                "an unknown person",
                unknown_person.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![("not-found", "Bundle.entry[0].resource.identifier")],
            ),
            (
                "a reference to no record",
                unknown_reference.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![("not-found", "Bundle.entry[2].resource.patient.reference")],
            ),
            (
                "a CCCD that contradicts the birth date",
                bad_cccd.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![("invalid", "Bundle.entry[0].resource.identifier[0].value")],
            ),
            (
                "another person's resource ids",
                conflict.to_string(),
                StatusCode::CONFLICT,
                vec![("conflict", "Bundle.entry[1]"), ("conflict", "Bundle.entry[2]")],
            ),
            ("an oversized body", oversized.to_string(), StatusCode::PAYLOAD_TOO_LARGE, vec![("too-costly", "")]),
        ] {
            let response = post_bundle(&app, Some(&token), body, "application/fhir+json").await;
            let issues = outcome(&response, status);
            let expected: Vec<(String, String)> = expected.into_iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
            assert_eq!(issues, expected, "{name}: {}", response.body);
            assert_eq!(snapshot(&app).await, before, "{name} changed the database");
        }

        // Only a facility's token imports.
        let body = small_transaction("001190054321", "urn:uuid:i9").to_string();
        outcome(&post_bundle(&app, None, body.clone(), "application/fhir+json").await, StatusCode::UNAUTHORIZED);
        outcome(&post_bundle(&app, Some("forged-token"), body.clone(), "application/fhir+json").await, StatusCode::UNAUTHORIZED);
        outcome(&post_bundle(&app, Some(&token), body.clone(), "text/plain").await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let with_cookie = app
            .send(
                Request::post("/fhir")
                    .header(header::HOST, "localhost:3000")
                    .header(header::CONTENT_TYPE, "application/fhir+json")
                    .header(header::COOKIE, &citizen.cookie)
                    .body(Body::from(body.clone()))
                    .unwrap(),
            )
            .await;
        outcome(&with_cookie, StatusCode::FORBIDDEN);
        let created = app.post_form("/api/create_api_token", "name=app&days=30&categories[0]=immunizations", Some(&citizen.cookie)).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        let personal: String = serde_json::from_str(&created.body).unwrap();
        outcome(&post_bundle(&app, Some(&personal), body.clone(), "application/fhir+json").await, StatusCode::FORBIDDEN);
        let after_people = snapshot(&app).await;

        // The token endpoint refuses what it should.
        let form = |body: &'static str| {
            Request::post("/oauth/token")
                .header(header::HOST, "localhost:3000")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        };
        assert_eq!(app.send(form("grant_type=password&username=a&password=b")).await.status, StatusCode::BAD_REQUEST);
        let wrong = app.send(form("grant_type=client_credentials&client_id=fc-x&client_secret=nope")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("invalid_client"));

        // A revoked client's token stops working at once.
        {
            let mut tx = app.store().begin().await.unwrap();
            for client in server::store::import::clients_of(&mut tx, &app.facilities[0]).await.unwrap() {
                server::store::import::revoke_client(&mut tx, &client.facility_client_id, app.clock.now_ms()).await.unwrap();
            }
            tx.commit().await.unwrap();
        }
        outcome(&post_bundle(&app, Some(&token), body, "application/fhir+json").await, StatusCode::UNAUTHORIZED);
        assert_eq!(snapshot(&app).await, after_people);
    });
}
