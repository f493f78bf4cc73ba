//! The audit chain is tamper-evident: `server verify-audit` (the real binary) says OK on an intact
//! log, and names the exact entry when a row is edited or deleted behind the server's back.

use std::process::Command;

use crate::support::TestApp;

fn verify(app: &TestApp) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("verify-audit")
        .env("DATABASE_URL", format!("sqlite://{}/hoso.db", app.dir.display()))
        .env("HOSO_DATA_DIR", &app.dir)
        .env("RUST_LOG", "error")
        .output()
        .expect("run server verify-audit");
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned())
}

async fn activity(app: &TestApp) {
    let user = app.enrol(&app.patients[2].clone()).await;
    for path in ["/api/overview", "/api/vaccinations", "/api/visits"] {
        app.get(path, Some(&user.cookie)).await;
    }
}

async fn sign_checkpoint(app: &TestApp) {
    let key = server::audit::chain::AuditKey::load_or_create(&app.dir.join("audit-signing.key")).unwrap();
    let mut tx = app.store().begin().await.unwrap();
    server::audit::chain::checkpoint(&mut tx, &key, crate::support::START_MS).await.unwrap();
    tx.commit().await.unwrap();
}

#[test]
fn an_intact_chain_verifies_with_its_signed_checkpoint() {
    crate::support::run(async {
        let app = TestApp::new().await;
        activity(&app).await;
        sign_checkpoint(&app).await;
        let (ok, out) = verify(&app);
        assert!(ok, "{out}");
        let entries = app.audit().await.len();
        assert!(out.starts_with(&format!("OK {entries} entries, 1 signed checkpoints")), "{out}");
    });
}

#[test]
fn editing_one_row_breaks_the_chain_exactly_there() {
    crate::support::run(async {
        let app = TestApp::new().await;
        activity(&app).await;
        let target = 5;
        let pool = app.store().reader();
        // A database administrator bypasses the append-only trigger and edits a row.
        sqlx::query("drop trigger audit_event_no_update").execute(pool).await.unwrap();
        sqlx::query("update audit_event set outcome = 'denied' where audit_event_id = $1").bind(target).execute(pool).await.unwrap();
        let (ok, out) = verify(&app);
        assert!(!ok, "{out}");
        assert!(out.starts_with(&format!("BROKEN at entry {target}:")), "{out}");
    });
}

#[test]
fn deleting_a_row_breaks_the_chain() {
    crate::support::run(async {
        let app = TestApp::new().await;
        activity(&app).await;
        let pool = app.store().reader();
        sqlx::query("drop trigger audit_event_no_delete").execute(pool).await.unwrap();
        sqlx::query("delete from audit_event where audit_event_id = 3").execute(pool).await.unwrap();
        let (ok, out) = verify(&app);
        assert!(!ok, "{out}");
        assert!(out.starts_with("BROKEN at entry 3:"), "{out}");
    });
}

#[test]
fn deleting_the_newest_rows_is_caught_by_the_head_and_the_signed_checkpoint() {
    crate::support::run(async {
        let app = TestApp::new().await;
        activity(&app).await;
        sign_checkpoint(&app).await;
        let last = app.audit().await.len() as i64;
        let pool = app.store().reader();
        sqlx::query("drop trigger audit_event_no_delete").execute(pool).await.unwrap();
        sqlx::query("delete from audit_event where audit_event_id = $1").bind(last).execute(pool).await.unwrap();
        let (ok, out) = verify(&app);
        assert!(!ok, "{out}");
        assert!(out.starts_with(&format!("BROKEN at entry {last}:")), "{out}");
    });
}

#[test]
fn a_checkpoint_signed_by_another_key_is_refused() {
    crate::support::run(async {
        let app = TestApp::new().await;
        activity(&app).await;
        let other = server::audit::chain::AuditKey::load_or_create(&app.dir.join("someone-else.key")).unwrap();
        let mut tx = app.store().begin().await.unwrap();
        server::audit::chain::checkpoint(&mut tx, &other, crate::support::START_MS).await.unwrap();
        tx.commit().await.unwrap();
        // The server's own key exists too.
        server::audit::chain::AuditKey::load_or_create(&app.dir.join("audit-signing.key")).unwrap();
        let (ok, out) = verify(&app);
        assert!(!ok, "{out}");
        assert!(out.contains("signature"), "{out}");
    });
}
