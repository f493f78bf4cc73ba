//! Passkeys in Rust with webauthn-authenticator-rs SoftPasskey against the real endpoints.

use axum::http::StatusCode;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;

use crate::support::{sign_in, TestApp};

#[test]
fn enrol_sign_out_and_sign_in_again_with_the_passkey() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let patient = app.patients[2].clone();
        let mut user = app.enrol(&patient).await;
        assert_eq!(app.count("account where role = 'citizen'").await, 1);
        assert_eq!(app.count("passkey").await, 1);

        let me = app.get("/api/me", Some(&user.cookie)).await.json();
        assert_eq!(me["role"], "citizen");
        assert_eq!(me["patient_id"], patient.id());

        let out = app.post_form("/auth/logout", "", Some(&user.cookie)).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        assert_eq!(app.get("/api/visits", Some(&user.cookie)).await.status, StatusCode::UNAUTHORIZED);

        let signed_in = sign_in(&app, &mut user).await;
        assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
        let cookie = signed_in.session_cookie().expect("new session");
        assert_ne!(cookie, user.cookie);
        assert_eq!(app.get("/api/visits", Some(&cookie)).await.status, StatusCode::OK);

        let actions: Vec<String> = app.audit().await.into_iter().map(|row| row.action).collect();
        for action in ["enrol", "sign_in", "sign_out"] {
            assert!(actions.iter().any(|a| a == action), "{action} missing from {actions:?}");
        }
        // The passkey counter and last use were persisted.
        let mut conn = app.store().reader().acquire().await.unwrap();
        let last_used: Option<i64> = sqlx::query_scalar("select last_used_at from passkey").fetch_one(&mut *conn).await.unwrap();
        assert!(last_used.is_some());
    });
}

#[test]
fn wrong_credentials_are_refused_with_one_fixed_message_and_no_session() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut alice = app.enrol(&app.patients[1].clone()).await;
        let mut bob = app.enrol(&app.patients[2].clone()).await;
        let sessions = app.count("session").await;

        async fn finish(app: &TestApp, started: &serde_json::Value, credential: serde_json::Value) -> crate::support::Response {
            app.post_json(
                "/auth/signin/finish",
                &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }),
                None,
            )
            .await
        }

        let mut messages = Vec::new();
        // 1. Alice's assertion with a signature that does not verify.
        let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        let mut forged = alice.assert(&started["options"]);
        forged.response.signature = vec![0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];
        messages.push(finish(&app, &started, serde_json::to_value(&forged).unwrap()).await);

        // 2. Bob's valid passkey presented under Alice's user handle.
        let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        let mut swapped = bob.assert(&started["options"]);
        swapped.response.user_handle = Some(alice.user_handle.clone());
        messages.push(finish(&app, &started, serde_json::to_value(&swapped).unwrap()).await);

        // 3. A user handle nobody has.
        let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        let mut stranger = alice.assert(&started["options"]);
        stranger.response.user_handle = Some(uuid::Uuid::new_v4().as_bytes().to_vec());
        messages.push(finish(&app, &started, serde_json::to_value(&stranger).unwrap()).await);

        // 4. Not a credential at all.
        let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        messages.push(finish(&app, &started, serde_json::json!({ "id": "x" })).await);

        for response in &messages {
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{}", response.body);
            assert_eq!(response.body, messages[0].body, "every failure looks the same from outside");
        }
        assert_eq!(messages[0].json()["error"], "sign_in_failed");
        assert_eq!(app.count("session").await, sessions, "no session was created");
        let _ = &mut bob;
    });
}

#[test]
fn a_replayed_sign_in_is_refused() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut user = app.enrol(&app.patients[0].clone()).await;
        let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        let credential = user.assert(&started["options"]);
        let body = serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential });
        let first = app.post_json("/auth/signin/finish", &body, None).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        let sessions = app.count("session").await;
        let replay = app.post_json("/auth/signin/finish", &body, None).await;
        assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
        assert_eq!(replay.json()["error"], "sign_in_failed");
        assert_eq!(app.count("session").await, sessions);

        // The same assertion against a fresh ceremony fails too: the challenge differs.
        let fresh = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        let replay = app
            .post_json("/auth/signin/finish", &serde_json::json!({ "ceremony_id": fresh["ceremony_id"], "credential": credential }), None)
            .await;
        assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("session").await, sessions);
    });
}

#[test]
fn an_expired_ceremony_is_refused() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut user = app.enrol(&app.patients[0].clone()).await;
        let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await.json();
        let credential = user.assert(&started["options"]);
        app.clock.advance_minutes(6);
        let response = app
            .post_json("/auth/signin/finish", &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }), None)
            .await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    });
}

#[test]
fn add_list_and_remove_passkeys_but_never_the_last() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let user = app.enrol(&app.patients[2].clone()).await;
        let list = app.get("/api/passkeys", Some(&user.cookie)).await.json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        let only = list[0]["passkey_id"].as_str().unwrap().to_string();

        let refused = app.post_form("/auth/passkeys/remove", &format!("passkey_id={only}"), Some(&user.cookie)).await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER);
        assert_eq!(refused.headers["location"], "/account/passkeys?error=last_passkey");
        assert_eq!(app.count("passkey").await, 1);

        // A second passkey on another device.
        let mut second = SoftPasskey::new(true);
        let started = app.post_json("/auth/passkeys/start", &serde_json::json!({}), Some(&user.cookie)).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        let started = started.json();
        let options = crate::support::as_soft_passkey_options(&started["options"]);
        assert_eq!(options.public_key.exclude_credentials.as_ref().map(Vec::len), Some(1), "the first passkey is excluded");
        use webauthn_authenticator_rs::WebauthnAuthenticator;
        let credential = second.do_registration(url::Url::parse(crate::support::ORIGIN).unwrap(), options).unwrap();
        let finished = app
            .post_json(
                "/auth/passkeys/finish",
                &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }),
                Some(&user.cookie),
            )
            .await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.body);
        assert_eq!(app.get("/api/passkeys", Some(&user.cookie)).await.json().as_array().unwrap().len(), 2);

        let removed = app.post_form("/auth/passkeys/remove", &format!("passkey_id={only}"), Some(&user.cookie)).await;
        assert_eq!(removed.headers["location"], "/account/passkeys?status=removed");
        assert_eq!(app.count("passkey").await, 1);

        // Another account's passkey id cannot be removed.
        let other = app.enrol(&app.patients[1].clone()).await;
        let others_key = app.get("/api/passkeys", Some(&other.cookie)).await.json()[0]["passkey_id"].as_str().unwrap().to_string();
        let response = app.post_form("/auth/passkeys/remove", &format!("passkey_id={others_key}"), Some(&user.cookie)).await;
        assert_eq!(response.headers["location"], "/account/passkeys?error=bad_request");
        assert_eq!(app.count("passkey").await, 2);
    });
}

#[test]
fn adding_a_passkey_needs_a_session() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let response = app.post_json("/auth/passkeys/start", &serde_json::json!({}), None).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.count("webauthn_ceremony").await, 0);
    });
}

#[test]
fn a_person_sees_their_sessions_and_signs_out_other_devices() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut user = app.enrol(&app.patients[1].clone()).await;
        let laptop = user.cookie.clone();
        let phone = sign_in(&app, &mut user).await.session_cookie().expect("second session");
        let tablet = sign_in(&app, &mut user).await.session_cookie().expect("third session");
        // Someone else's session, which no one else may end.
        let stranger = app.enrol(&app.patients[2].clone()).await;

        let listed = app.get("/api/my_sessions", Some(&laptop)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
        let sessions = listed.json();
        let sessions = sessions.as_array().unwrap();
        assert_eq!(sessions.len(), 3);
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
        let stranger_id = app.get("/api/my_sessions", Some(&stranger.cookie)).await.json()[0]["session_id"].clone();
        assert!(!sessions.iter().any(|s| s["session_id"] == stranger_id), "only one's own sessions are listed");

        // Ending a session that is not one's own is refused and ends nothing.
        let forged = app.post_form("/auth/sessions/end", &format!("session_id={}", stranger_id.as_str().unwrap()), Some(&laptop)).await;
        assert_eq!(forged.headers["location"], "/account/passkeys?error=bad_request");
        assert_eq!(app.get("/api/visits", Some(&stranger.cookie)).await.status, StatusCode::OK);

        // End one other device, then all the others.
        let phone_id =
            app.get("/api/my_sessions", Some(&phone)).await.json().as_array().unwrap().iter().find(|s| s["current"] == true).unwrap()
                ["session_id"]
                .clone();
        let one = app.post_form("/auth/sessions/end", &format!("session_id={}", phone_id.as_str().unwrap()), Some(&laptop)).await;
        assert_eq!(one.headers["location"], "/account/passkeys?status=sessions_ended&tokens_revoked=0&tokens_active=0");
        assert_eq!(app.get("/api/visits", Some(&phone)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/visits", Some(&tablet)).await.status, StatusCode::OK);

        let others = app.post_form("/auth/sessions/end", "", Some(&laptop)).await;
        assert_eq!(others.headers["location"], "/account/passkeys?status=sessions_ended&tokens_revoked=0&tokens_active=0");
        assert_eq!(app.get("/api/visits", Some(&tablet)).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("/api/visits", Some(&laptop)).await.status, StatusCode::OK, "this device stays signed in");
        assert_eq!(app.get("/api/visits", Some(&stranger.cookie)).await.status, StatusCode::OK, "other people are untouched");
        assert_eq!(app.get("/api/my_sessions", Some(&laptop)).await.json().as_array().unwrap().len(), 1);

        let ended: Vec<_> = app.audit().await.into_iter().filter(|row| row.action == "sessions_end").collect();
        assert_eq!(ended.len(), 2, "each ending is audited");

        // Without a session there is nothing to list or end.
        assert_eq!(app.get("/api/my_sessions", None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.post_form("/auth/sessions/end", "", None).await.headers["location"], "/");
    });
}
