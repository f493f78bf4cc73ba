//! No audit, no data: a read whose audit rows cannot be committed returns nothing of the record
//! (a 503 with no data), and neither does any other read committed in the same group. Proved by
//! making the database refuse, first the audit insert and then the commit itself (a constraint
//! checked only at commit), on SQLite and on PostgreSQL, with several reads in flight at once so
//! that they share groups. After the fault is removed the same reads work again and the chain
//! verifies.

use crate::support::{assert_no_leak, TestApp};

/// The reads a citizen's pages make, each a guarded read of their own record.
const READS: [&str; 4] = ["/api/vaccinations", "/api/overview", "/api/visits", "/api/vaccinations"];

/// With `fault` installed (statements run through the read pool), 16 concurrent reads all fail
/// with 503 and leak nothing, and the log does not grow; with `repair` run, they succeed again.
/// Returns the signed-in citizen's cookie.
async fn reads_fail_while_the_audit_cannot_commit(app: &TestApp, fault: &[&str], repair: &[&str]) -> String {
    let patient = app.patients[0].clone();
    let user = app.enrol(&patient).await;
    let fine = app.get("/api/vaccinations", Some(&user.cookie)).await;
    assert_eq!(fine.status, 200, "{}", fine.body);
    let lot = patient
        .seed
        .resources
        .iter()
        .find_map(|r| r.get("lotNumber").and_then(|v| v.as_str()).map(str::to_string))
        .expect("the demo patient has a vaccination with a lot number");
    assert!(fine.body.contains(&lot), "the read works before the fault: {}", fine.body);

    for statement in fault {
        sqlx::query(statement).execute(app.store().reader()).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    let audit_before = app.count("audit_event").await;
    let sessions_before = app.count("session").await;
    let reads = (0..16).map(|i| app.get(READS[i % READS.len()], Some(&user.cookie)));
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status, 503, "a read whose audit cannot commit must fail: {}", response.body);
        assert_no_leak(&response.body, &patient);
        assert!(!response.body.contains(&lot), "{}", response.body);
    }
    assert_eq!(app.count("audit_event").await, audit_before, "nothing was committed");
    assert_eq!(app.count("session").await, sessions_before);

    for statement in repair {
        sqlx::query(statement).execute(app.store().reader()).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    let reads = (0..16).map(|i| app.get(READS[i % READS.len()], Some(&user.cookie)));
    for response in futures_util::future::join_all(reads).await {
        assert_eq!(response.status, 200, "the writer recovers after a failed group: {}", response.body);
    }
    assert!(app.count("audit_event").await > audit_before, "the reads after the repair are audited");
    let mut conn = app.store().reader().acquire().await.unwrap();
    let verdict = server::audit::chain::verify(&mut conn, None).await.expect("verify");
    assert!(matches!(verdict, server::audit::chain::Verdict::Ok { .. }), "{verdict:?}");
    user.cookie
}

#[test]
fn sqlite_a_refused_audit_insert_fails_every_read_in_the_group() {
    crate::support::run(async {
        let app = TestApp::new().await;
        reads_fail_while_the_audit_cannot_commit(
            &app,
            &["create trigger audit_refused before insert on audit_event begin select raise(abort, 'audit storage refused'); end"],
            &["drop trigger audit_refused"],
        )
        .await;
    });
}

#[test]
fn sqlite_a_failed_commit_fails_every_read_in_the_group() {
    crate::support::run(async {
        let app = TestApp::new().await;
        // A foreign key checked only at commit: every statement succeeds, COMMIT itself fails.
        reads_fail_while_the_audit_cannot_commit(
            &app,
            &[
                "create table audit_commit_guard (head integer references audit_head(audit_head_id) deferrable initially deferred)",
                "create trigger audit_commit_refused after insert on audit_event begin insert into audit_commit_guard values (-1); end",
            ],
            &["drop trigger audit_commit_refused", "drop table audit_commit_guard"],
        )
        .await;
    });
}

#[test]
fn postgres_a_refused_audit_insert_and_a_failed_commit_fail_every_read() {
    crate::support::run(async {
        let Some(app) = TestApp::on_postgres().await else { return };
        let cookie = reads_fail_while_the_audit_cannot_commit(
            &app,
            &[
                "create function audit_refused() returns trigger language plpgsql as $$ begin raise exception 'audit storage refused'; end $$",
                "create trigger audit_refused before insert on audit_event for each row execute function audit_refused()",
            ],
            &["drop trigger audit_refused on audit_event"],
        )
        .await;
        // A constraint trigger deferred to commit: every statement succeeds, COMMIT fails.
        let patient = &app.patients[0];
        let ok = app.get("/api/vaccinations", Some(&cookie)).await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        for statement in ["create constraint trigger audit_commit_refused after insert on audit_event deferrable initially deferred \
             for each row execute function audit_refused()"]
        {
            sqlx::query(statement).execute(app.store().reader()).await.unwrap();
        }
        let before = app.count("audit_event").await;
        let reads = (0..16).map(|i| app.get(READS[i % READS.len()], Some(&cookie)));
        for response in futures_util::future::join_all(reads).await {
            assert_eq!(response.status, 503, "{}", response.body);
            assert_no_leak(&response.body, patient);
        }
        assert_eq!(app.count("audit_event").await, before);
        sqlx::query("drop trigger audit_commit_refused on audit_event").execute(app.store().reader()).await.unwrap();
        assert_eq!(app.get("/api/vaccinations", Some(&cookie)).await.status, 200);
    });
}
