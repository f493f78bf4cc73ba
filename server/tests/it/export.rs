//! Complete export and restore: a portal with enrolled people, grants, reads, an imported Synthea
//! record and a signed audit checkpoint is exported; every file's first resource is valid FHIR;
//! the export restores into an empty SQLite database and an empty PostgreSQL database with every
//! table's count and every audit row equal, and the audit chain verifies there; a changed file is
//! refused and leaves the target empty; a non-empty target is refused.

use axum::http::StatusCode;
use server::audit::chain::{AuditKey, Verdict};
use server::export::TABLES;
use server::fhir::exact::Json;
use server::service::Clock;
use server::store::Store;

use crate::support::{temp_dir, TestApp};

async fn counts(store: &Store) -> Vec<(String, i64)> {
    let mut conn = store.reader().acquire().await.unwrap();
    let mut out = Vec::new();
    for (table, ..) in TABLES {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&mut *conn).await.unwrap();
        out.push((table.to_string(), n));
    }
    out
}

async fn audit_rows(store: &Store) -> Vec<server::store::audit::AuditRow> {
    let mut conn = store.reader().acquire().await.unwrap();
    server::store::audit::all(&mut conn).await.unwrap()
}

async fn fresh_sqlite() -> (Store, std::path::PathBuf) {
    let dir = temp_dir();
    let store = Store::connect(&format!("sqlite://{}/restored.db", dir.display()), 2).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

#[test]
fn an_export_restores_whole_and_verifiable() {
    let _turn = crate::support::one_page_test_at_a_time();
    crate::support::run(async {
        let app = TestApp::new().await;
        // Something of everything: an enrolled citizen, a grant, reads, an import, a checkpoint.
        let patient = app.patients[0].clone();
        let citizen = app.enrol(&patient).await;
        let body = format!(
            "grantee=clinician:{}&purpose=treatment&expires_on=2026-12-20&categories[0]=immunizations",
            app.clinicians[0].clinician_id
        );
        assert_eq!(app.post_form("/api/create_grant", &body, Some(&citizen.cookie)).await.status, StatusCode::OK);
        assert_eq!(app.get("/fhir/Immunization", Some(&citizen.cookie)).await.status, StatusCode::OK);
        let token = crate::import::facility_token(&app, &app.facilities[0]).await;
        let (bundle, _) = crate::import::with_cccd(&crate::import::synthea_patients()[0], 0);
        let imported = crate::import::post_bundle(&app, Some(&token), bundle.to_string(), "application/fhir+json").await;
        assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
        // Decimals whose text an f64 would change (`1.50`, `1.2E+2`), from fidelity case f04.
        let decimals = crate::import::post_bundle(&app, Some(&token), crate::fidelity::case("f04"), "application/fhir+json").await;
        assert_eq!(decimals.status, StatusCode::OK, "{}", decimals.body);
        let key = AuditKey::load_or_create(&app.dir.join("audit.key")).unwrap();
        {
            let mut tx = app.store().begin().await.unwrap();
            server::audit::chain::checkpoint(&mut tx, &key, app.clock.now_ms()).await.unwrap().expect("a checkpoint");
            tx.commit().await.unwrap();
        }
        let source_counts = counts(app.store()).await;
        for table in [
            "patient",
            "account",
            "clinical_resource",
            "consent_grant",
            "audit_event",
            "audit_checkpoint",
            "import_provenance",
            "directory_resource",
            "passkey",
        ] {
            assert!(source_counts.iter().any(|(t, n)| t == table && *n > 0), "{table} is empty: the test would prove little");
        }
        let source_audit = audit_rows(app.store()).await;

        let out = temp_dir().join("export");
        let mut progress = Vec::new();
        let report = server::export::export(app.store(), &key, &out, app.clock.now_ms(), |step| {
            if step.finished {
                progress.push(step.to_string());
            }
        })
        .await
        .unwrap();
        assert_eq!(progress.len(), TABLES.len(), "progress for each table");
        assert!(progress[2].starts_with("[3/14] patient: "), "{progress:?}");
        assert_eq!(report.files.len(), TABLES.len());
        // No secret leaves: no hashes of sessions, codes or tokens, no client secrets.
        let everything: String = report.files.iter().map(|f| std::fs::read_to_string(out.join(&f.url)).unwrap()).collect();
        assert!(
            !everything.contains("secret_hash")
                && !everything.contains("session_id_hash")
                && !everything.contains("code_hash")
                && !everything.contains("token_hash")
        );
        // The FHIR view of every stored resource is the stored text: the same members in the same
        // order, decimals as written, the facility's own extensions kept, only `meta` and the row
        // extension added.
        let mut conn = app.store().reader().acquire().await.unwrap();
        let stored: Vec<(String, String)> =
            sqlx::query_as("select clinical_resource_id, resource_json from clinical_resource").fetch_all(&mut *conn).await.unwrap();
        drop(conn);
        let exported = std::fs::read_to_string(out.join("clinical_resource.ndjson")).unwrap();
        assert_eq!(exported.lines().count(), stored.len());
        for line in exported.lines() {
            let mut view = Json::parse(line).unwrap();
            view.remove("meta");
            let Some(Json::Array(extensions)) = view.get_mut("extension") else { panic!("no extension list in {line}") };
            assert_eq!(
                extensions.pop().and_then(|e| e.get("url").cloned()),
                Some(Json::String(server::export::ROW_EXTENSION.into())),
                "{line}"
            );
            if extensions.is_empty() {
                view.remove("extension");
            }
            let id = match view.get("id") {
                Some(Json::String(id)) => id.clone(),
                _ => panic!("no id in {line}"),
            };
            let (_, text) = stored.iter().find(|(stored_id, _)| *stored_id == id).unwrap_or_else(|| panic!("{id} not stored"));
            let mut original = Json::parse(text).unwrap();
            original.remove("meta");
            assert_eq!(view.to_text(), original.to_text());
        }
        for text in [r#""value":1.50"#, r#""value":1.2E+2"#, r#""value":0.004"#] {
            assert!(exported.contains(text), "{text} in the exported clinical resources");
        }

        // The first resource of every file is valid FHIR R4.
        let samples = temp_dir();
        let mut files = Vec::new();
        for file in &report.files {
            if let Some(line) = std::fs::read_to_string(out.join(&file.url)).unwrap().lines().next() {
                let path = samples.join(format!("{}.json", file.table));
                std::fs::write(&path, line).unwrap();
                files.push(path);
            }
        }
        crate::fhir_api::validate(&files);

        // Restore into an empty SQLite database: the same counts, the same audit rows, a chain that verifies.
        let (restored, restored_dir) = fresh_sqlite().await;
        server::export::restore(&restored, &out, Some(&key.verifying_key()), |_| {}).await.unwrap();
        assert_eq!(counts(&restored).await, source_counts);
        assert_eq!(audit_rows(&restored).await, source_audit);
        let mut conn = restored.reader().acquire().await.unwrap();
        let verdict = server::audit::chain::verify(&mut conn, Some(&key.verifying_key())).await.unwrap();
        drop(conn);
        let Verdict::Ok { entries, checkpoints } = verdict else { panic!("restored chain broken: {verdict:?}") };
        assert_eq!((entries, checkpoints), (source_audit.len() as i64, 1));
        // A second restore into the now non-empty database is refused.
        let again = server::export::restore(&restored, &out, Some(&key.verifying_key()), |_| {}).await.unwrap_err();
        assert!(format!("{again:#}").contains("not empty"), "{again:#}");
        restored.close().await;

        // A changed file is refused before anything is written.
        let tampered = temp_dir().join("tampered");
        std::fs::create_dir_all(&tampered).unwrap();
        for entry in std::fs::read_dir(&out).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), tampered.join(entry.file_name())).unwrap();
        }
        let patients = std::fs::read_to_string(tampered.join("patient.ndjson")).unwrap();
        std::fs::write(tampered.join("patient.ndjson"), patients.replacen(&patient.seed.cccd, "079999999999", 1)).unwrap();
        let (empty, empty_dir) = fresh_sqlite().await;
        let refused = server::export::restore(&empty, &tampered, None, |_| {}).await.unwrap_err();
        assert!(format!("{refused:#}").contains("SHA-256"), "{refused:#}");
        assert!(counts(&empty).await.iter().all(|(_, n)| *n == 0));
        // ... and so is a manifest changed to match it (the signature no longer verifies).
        let manifest = std::fs::read_to_string(tampered.join("manifest.json")).unwrap();
        std::fs::write(tampered.join("manifest.json"), manifest.replacen("\"count\"", "\"count\" ", 1)).unwrap();
        assert!(format!("{:#}", server::export::verify(&tampered, None).unwrap_err()).contains("signature"));
        empty.close().await;

        // The same export restores into an empty PostgreSQL database.
        let admin_url = std::env::var("HOSO_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        sqlx::any::install_default_drivers();
        match sqlx::AnyPool::connect(&admin_url).await {
            Ok(admin) => {
                let name = format!("hoso_restore_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(&format!("create database {name}")).execute(&admin).await.unwrap();
                let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
                let pg = Store::connect(&url, 2).await.unwrap();
                pg.migrate().await.unwrap();
                server::export::restore(&pg, &out, Some(&key.verifying_key()), |_| {}).await.unwrap();
                assert_eq!(counts(&pg).await, source_counts);
                assert_eq!(audit_rows(&pg).await, source_audit);
                let mut conn = pg.reader().acquire().await.unwrap();
                assert!(matches!(server::audit::chain::verify(&mut conn, Some(&key.verifying_key())).await.unwrap(), Verdict::Ok { .. }));
                drop(conn);
                pg.close().await;
                sqlx::query(&format!("drop database {name} with (force)")).execute(&admin).await.unwrap();
            }
            Err(error) => {
                assert!(std::env::var("CI").is_err(), "PostgreSQL is required under CI: {error}");
                eprintln!("SKIPPED: PostgreSQL restore ({error})");
            }
        }
        for dir in [out.parent().unwrap().to_path_buf(), samples, restored_dir, empty_dir, tampered.parent().unwrap().to_path_buf()] {
            let _ = std::fs::remove_dir_all(dir);
        }
    });
}
