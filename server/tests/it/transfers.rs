//! The console's interoperability actions through the real router: a facility system's machine
//! credentials issued (secret once, audited, fresh confirmation) and revoked (its tokens stop at
//! once); a complete export started from the console that runs in the background, shows its
//! progress, verifies against the audit key and is audited at start and end; and facility imports
//! listed with how they ended.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::import::{post_bundle, synthea_patients, token_request, with_cccd};
use crate::support::TestApp;

/// The console's transfer list once nothing is running any more (the export runs on the server's
/// runtime; this waits for it as the page does, by asking again).
async fn settled_transfers(app: &TestApp, cookie: &str) -> Vec<Value> {
    for _ in 0..600 {
        let response = app.get("/api/admin_transfers", Some(cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let list = response.json()["transfers"].as_array().unwrap().clone();
        if list.iter().all(|t| t["state"] != "running") {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("a transfer did not finish within 30 s");
}

fn fact<'a>(transfer: &'a Value, code: &str) -> &'a str {
    transfer["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f[0] == code)
        .and_then(|f| f[1].as_str())
        .unwrap_or_else(|| panic!("no {code} in {transfer}"))
}

#[test]
fn facility_credentials_are_issued_once_from_the_console_and_revoked_at_once() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut admin = app.enrol_admin().await;
        let facility = app.facilities[0].clone();

        // Bad input: nothing is created.
        for (body, kind) in [
            (format!("facility_id={facility}&name=x"), "text_too_short"),
            ("facility_id=no-such-facility&name=HIS%20Bach%20Mai".to_string(), "unknown_target"),
        ] {
            let response = app.post_form("/api/admin_issue_facility_client", &body, Some(&admin.cookie)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
            assert!(response.body.contains(kind), "{}", response.body);
        }
        assert_eq!(app.count("facility_client").await, 0);

        let issued = app
            .post_form(
                "/api/admin_issue_facility_client",
                &format!("facility_id={facility}&name=HIS%20B%E1%BA%A1ch%20Mai"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
        let issued = issued.json();
        let (client_id, secret) =
            (issued["client_id"].as_str().unwrap().to_string(), issued["client_secret"].as_str().unwrap().to_string());
        assert_eq!(issued["name"], "HIS Bạch Mai");
        assert!(secret.len() >= 40, "a long random secret");

        // The facility page lists it, never the secret.
        let detail = app.get(&format!("/api/admin_facility?facility_id={facility}"), Some(&admin.cookie)).await;
        assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
        let clients = detail.json()["clients"].clone();
        assert_eq!((clients[0]["client_id"].as_str(), clients[0]["revoked_at"].is_null()), (Some(client_id.as_str()), true));
        assert!(clients[0]["last_used_at"].is_null());
        assert!(!detail.body.contains(&secret), "the secret is shown once only");
        assert_eq!(detail.json()["token_url"], "http://localhost:3000/oauth/token");
        assert_eq!(detail.json()["import_url"], "http://localhost:3000/fhir");

        // The credentials work: a token, and an import with it.
        let response = token_request(&app, &client_id, &secret).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let token = response.json()["access_token"].as_str().unwrap().to_string();
        let (bundle, _) = with_cccd(&synthea_patients()[0], 0);
        let imported = post_bundle(&app, Some(&token), bundle.to_string(), "application/fhir+json").await;
        assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
        let detail = app.get(&format!("/api/admin_facility?facility_id={facility}"), Some(&admin.cookie)).await;
        assert!(detail.json()["clients"][0]["last_used_at"].is_string(), "last use is shown");
        let malformed = post_bundle(&app, Some(&token), "{\"resourceType\": \"Bundle\", \"entry\": [", "application/fhir+json").await;
        assert_eq!(malformed.status, StatusCode::BAD_REQUEST, "{}", malformed.body);

        // Revoking needs a fresh confirmation, like every change of access.
        app.clock.advance_minutes(6);
        let refused = app.post_form("/api/admin_revoke_facility_client", &format!("client_id={client_id}"), Some(&admin.cookie)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert!(refused.body.contains("reauth_required"));
        let still = post_bundle(&app, Some(&token), bundle.to_string(), "application/fhir+json").await;
        assert_eq!(still.status, StatusCode::OK, "not revoked yet: {}", still.body);

        app.reauth(&mut admin).await;
        let revoked = app.post_form("/api/admin_revoke_facility_client", &format!("client_id={client_id}"), Some(&admin.cookie)).await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
        // At once: the live token, and the secret at the token endpoint.
        let after = post_bundle(&app, Some(&token), bundle.to_string(), "application/fhir+json").await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);
        assert_eq!(token_request(&app, &client_id, &secret).await.status, StatusCode::UNAUTHORIZED);
        let again = app.post_form("/api/admin_revoke_facility_client", &format!("client_id={client_id}"), Some(&admin.cookie)).await;
        assert!(again.body.contains("not_applicable"), "{}", again.body);
        let unknown = app.post_form("/api/admin_revoke_facility_client", "client_id=fc-forged", Some(&admin.cookie)).await;
        assert!(unknown.body.contains("unknown_target"), "{}", unknown.body);
        let detail = app.get(&format!("/api/admin_facility?facility_id={facility}"), Some(&admin.cookie)).await;
        assert!(detail.json()["clients"][0]["revoked_at"].is_string());

        let audit = app.audit().await;
        let issue = audit.iter().find(|row| row.action == "facility_client_issue").expect("issue audited");
        assert_eq!((issue.resource_id.as_deref(), issue.basis_ref.as_deref()), (Some(facility.as_str()), Some(client_id.as_str())));
        assert_eq!(audit.iter().filter(|row| row.action == "facility_client_revoke").count(), 1);
        assert!(audit.iter().any(|row| row.action == "admin_access" && row.reason.as_deref() == Some("reauth_required")));

        // The console lists the three imports (the refused token never started one), newest
        // first, with how each ended.
        let transfers = settled_transfers(&app, &admin.cookie).await;
        let imports: Vec<&Value> = transfers.iter().filter(|t| t["kind"] == "import").collect();
        assert_eq!(imports.len(), 3, "{transfers:?}");
        let (last, refused, first) = (imports[0], imports[1], imports[2]);
        assert_eq!(refused["state"], "failed");
        assert!(refused["problem"].as_str().unwrap().contains("nothing was written"), "{refused}");
        assert_eq!(first["state"], "done");
        assert_eq!(last["state"], "done");
        assert!(last["label"].as_str().unwrap().contains("HIS Bạch Mai"), "{last}");
        assert_eq!(fact(first, "created"), fact(first, "entries"));
        assert_eq!(fact(last, "unchanged"), fact(last, "entries"), "the resend changed nothing");
        assert_eq!((last["done"].as_u64(), last["total"].as_u64()), (last["total"].as_u64(), Some(fact(last, "entries").parse().unwrap())));
    });
}

#[test]
fn a_console_export_runs_in_the_background_shows_progress_verifies_and_is_audited() {
    crate::support::run(async {
        let app = TestApp::new().await;
        let mut admin = app.enrol_admin().await;
        let citizen = app.enrol(&app.patients[0]).await;
        drop(citizen);

        // Citizens and unconfirmed administrators cannot start one.
        let mut other = app.enrol(&app.patients[1]).await;
        let response = app.post_form("/api/admin_start_export", "", Some(&other.cookie)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", response.body);
        app.reauth(&mut other).await;
        assert_eq!(app.post_form("/api/admin_start_export", "", Some(&other.cookie)).await.status, StatusCode::FORBIDDEN);
        app.clock.advance_minutes(6);
        let response = app.post_form("/api/admin_start_export", "", Some(&admin.cookie)).await;
        assert!(response.body.contains("reauth_required"), "{}", response.body);
        assert!(!app.dir.join("exports").exists(), "nothing written");

        app.reauth(&mut admin).await;
        let started = app.post_form("/api/admin_start_export", "", Some(&admin.cookie)).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        let transfer_id: String = serde_json::from_str(&started.body).unwrap();

        let transfers = settled_transfers(&app, &admin.cookie).await;
        let export = transfers.iter().find(|t| t["transfer_id"] == transfer_id.as_str()).expect("listed");
        assert_eq!(export["state"], "done", "{export}");
        assert_eq!((export["stage"].as_str(), export["total"].as_u64()), (Some("signing"), Some(server::export::TABLES.len() as u64)));
        let dir = std::path::PathBuf::from(fact(export, "directory"));
        assert!(dir.starts_with(app.dir.join("exports")), "{}", dir.display());
        assert_eq!(fact(export, "files"), server::export::TABLES.len().to_string());

        // What it wrote verifies against this server's audit key, and holds what the database holds.
        let key = server::audit::chain::AuditKey::load(&app.portal.config.audit_key_file).unwrap();
        let manifest = server::export::verify(&dir, Some(&key.verifying_key())).expect("a verified export");
        let patients = manifest["output"].as_array().unwrap().iter().find(|f| f["table"] == "patient").unwrap()["count"].as_i64().unwrap();
        assert_eq!(patients, app.count("patient").await);
        let rows: u64 = manifest["output"].as_array().unwrap().iter().map(|f| f["count"].as_u64().unwrap()).sum();
        assert_eq!(fact(export, "rows"), rows.to_string());
        let digest: String = hex::encode(Sha256::digest(std::fs::read(dir.join("manifest.json")).unwrap()));
        assert_eq!(fact(export, "sha256"), digest);

        // Audited when it started (inside the export's own audit chain) and when it ended.
        let audit = app.audit().await;
        let name = dir.file_name().unwrap().to_str().unwrap();
        let start = audit.iter().find(|row| row.action == "export_start").expect("start audited");
        let done = audit.iter().find(|row| row.action == "export_done").expect("end audited");
        assert_eq!((start.resource_id.as_deref(), done.resource_id.as_deref()), (Some(name), Some(name)));
        assert_eq!(done.basis_ref.as_deref(), Some(digest.as_str()));
        assert!(manifest.pointer("/hoso/audit/last_event_id").unwrap().as_i64().unwrap() >= start.audit_event_id);
        let exported_audit = std::fs::read_to_string(dir.join("audit_event.ndjson")).unwrap();
        assert!(exported_audit.contains("export_start") && !exported_audit.contains("export_done"), "one moment of the database");
    });
}
