//! Bad input gets a precise 4xx and changes nothing.

use axum::http::StatusCode;

use crate::support::TestApp;

async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["account", "passkey", "session", "webauthn_ceremony", "enrolment_code where used_at is not null"] {
        counts.push(app.count(table).await);
    }
    counts
}

#[test]
fn a_malformed_cccd_is_refused_with_its_own_message_and_nothing_changes() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        let before = snapshot(&app).await;
        for cccd in ["12345", "0010900123456", "00109001234a", ""] {
            let response = app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": cccd, "code": patient.code }), None).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{cccd}");
            assert_eq!(response.json()["error"], "invalid_cccd");
        }
        assert_eq!(snapshot(&app).await, before);
    });
}

#[test]
fn a_wrong_code_or_a_code_for_someone_else_is_refused_with_one_message() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let first = app.patients[0].clone();
        let second = app.patients[1].clone();
        let before = snapshot(&app).await;
        let attempts = [
            (first.seed.cccd.clone(), "AAAA-BBBB-CCCC".to_string()),
            (first.seed.cccd.clone(), second.code.clone()),
            (second.seed.cccd.clone(), first.code.clone()),
            ("079300000001".to_string(), first.code.clone()),
        ];
        let mut messages = Vec::new();
        for (cccd, code) in attempts {
            let response = app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": cccd, "code": code }), None).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST);
            assert_eq!(response.json()["error"], "enrolment_refused");
            messages.push(response.json()["message"].clone());
        }
        assert!(messages.windows(2).all(|pair| pair[0] == pair[1]), "one fixed message: {messages:?}");
        assert_eq!(snapshot(&app).await, before);
    });
}

#[test]
fn a_used_code_cannot_enrol_again() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        app.enrol(&patient).await;
        let before = snapshot(&app).await;
        let response =
            app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": patient.seed.cccd, "code": patient.code }), None).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        assert_eq!(response.json()["error"], "enrolment_refused");
        assert_eq!(snapshot(&app).await, before);
    });
}

#[test]
fn an_expired_code_is_refused() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[0].clone();
        app.clock.advance_minutes(15 * 24 * 60);
        let response =
            app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": patient.seed.cccd, "code": patient.code }), None).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        assert_eq!(response.json()["error"], "enrolment_refused");
    });
}

#[test]
fn an_oversized_body_is_413_and_changes_nothing() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let before = snapshot(&app).await;
        let huge = "9".repeat(200 * 1024);
        let response = app.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": huge, "code": "x" }), None).await;
        assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
        let response = app.post_json("/auth/signin/finish", &serde_json::json!({ "ceremony_id": huge, "credential": {} }), None).await;
        assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(snapshot(&app).await, before);
    });
}

#[test]
fn malformed_json_is_a_400() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let request = axum::http::Request::post("/auth/enrol/start")
            .header("host", "localhost:3000")
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{not json"))
            .unwrap();
        let response = app.send(request).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        assert_eq!(response.json()["error"], "bad_request");
    });
}

#[test]
fn a_forged_ceremony_id_is_refused() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let before = snapshot(&app).await;
        let response = app.post_json("/auth/enrol/finish", &serde_json::json!({ "ceremony_id": "forged", "credential": {} }), None).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST);
        assert_eq!(response.json()["error"], "ceremony_expired");
        assert_eq!(snapshot(&app).await, before);
    });
}
