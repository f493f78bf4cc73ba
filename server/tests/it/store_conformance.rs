//! One conformance suite for the store, run on SQLite and on PostgreSQL.
//! PostgreSQL comes from `HOSO_TEST_POSTGRES_URL` (default: the local server). Under CI
//! (`CI=true`) an unreachable PostgreSQL fails the test instead of skipping it.

use server::seed::generate::demo_patients;
use server::seed::{insert_patient, issue_enrolment_code, Enrols};
use server::store::account::{AccountRow, PasskeyRow};
use server::store::ceremony::CeremonyRow;
use server::store::{self, Store, StoreError};

use crate::support::{temp_dir, START_MS};

async fn conformance(store: &Store) {
    let now = START_MS;
    let today = chrono::DateTime::from_timestamp_millis(now).unwrap().date_naive();
    let patients = demo_patients(today);
    let mut tx = store.begin().await.unwrap();
    for patient in &patients {
        insert_patient(&mut tx, patient, now).await.unwrap();
    }
    tx.commit().await.unwrap();

    // A second patient with an existing CCCD is a domain conflict, not a raw database error.
    let mut tx = store.begin().await.unwrap();
    let mut duplicate = patients[0].clone();
    duplicate.patient_id = uuid::Uuid::new_v4().to_string();
    duplicate.resources.clear();
    assert!(matches!(insert_patient(&mut tx, &duplicate, now).await, Err(StoreError::Conflict)));
    drop(tx); // rolled back

    let mut conn = store.reader().acquire().await.unwrap();
    assert_eq!(store::patient::count(&mut conn).await.unwrap(), patients.len() as i64);
    let total: usize = patients.iter().map(|p| p.resources.len()).sum();
    assert_eq!(store::clinical::count(&mut conn).await.unwrap(), total as i64);

    // Clinical reads by patient and category, by encounter, and ownership.
    let adult = &patients[2];
    let immunizations = store::clinical::by_patient(&mut conn, &adult.patient_id, &["immunizations"]).await.unwrap();
    let expected = adult.resources.iter().filter(|r| r["resourceType"] == "Immunization").count();
    assert_eq!(immunizations.len(), expected);
    assert!(immunizations.windows(2).all(|w| w[0].effective_date <= w[1].effective_date), "oldest first");
    let encounter = adult.resources.iter().find(|r| r["resourceType"] == "Encounter").unwrap();
    let encounter_id = encounter["id"].as_str().unwrap();
    let related = store::clinical::by_encounter(&mut conn, &adult.patient_id, encounter_id).await.unwrap();
    assert!(!related.is_empty());
    assert!(related.iter().all(|row| row.encounter_id.as_deref() == Some(encounter_id)));
    assert_eq!(
        store::clinical::owner_of(&mut conn, encounter_id).await.unwrap(),
        Some((adult.patient_id.clone(), "Encounter".to_string()))
    );
    assert_eq!(store::clinical::owner_of(&mut conn, "no-such-id").await.unwrap(), None);
    let by_cccd = store::patient::by_cccd(&mut conn, &adult.cccd).await.unwrap().unwrap();
    assert_eq!(by_cccd.patient_id, adult.patient_id);
    drop(conn);

    // Enrolment codes are single-use.
    let mut tx = store.begin().await.unwrap();
    let code = issue_enrolment_code(&mut tx, Enrols::Patient(adult.patient_id.clone()), &adult.cccd, now, 60_000).await.unwrap();
    let row = store::enrolment::by_hash(&mut tx, &server::auth::passkeys::hash_code(&code)).await.unwrap().unwrap();
    assert!(store::enrolment::consume(&mut tx, &row.enrolment_code_id, now).await.unwrap());
    assert!(!store::enrolment::consume(&mut tx, &row.enrolment_code_id, now).await.unwrap());
    tx.commit().await.unwrap();

    // Accounts, one-time binding of a patient, passkeys (never the last), sessions.
    let mut tx = store.begin().await.unwrap();
    let account = AccountRow {
        account_id: store::new_id(),
        role: "citizen".into(),
        display_name: "x".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    store::account::insert(&mut tx, &account, now).await.unwrap();
    assert!(store::patient::bind_account(&mut tx, &adult.patient_id, &account.account_id).await.unwrap());
    assert!(!store::patient::bind_account(&mut tx, &adult.patient_id, &account.account_id).await.unwrap());
    let principal = store::account::principal(&mut tx, &account.account_id).await.unwrap().unwrap();
    assert_eq!(principal.patient_id.as_deref(), Some(adult.patient_id.as_str()));
    for n in 0..2 {
        store::account::insert_passkey(
            &mut tx,
            &PasskeyRow {
                passkey_id: format!("pk-{n}-{}", account.account_id),
                account_id: account.account_id.clone(),
                credential_id: format!("cred-{n}-{}", account.account_id),
                name: format!("Passkey {n}"),
                credential_json: "{}".into(),
                created_at: now + n,
                last_used_at: None,
                added_via: if n == 0 { "enrolment".into() } else { "signed_in".into() },
                added_with_code_id: None,
            },
        )
        .await
        .unwrap();
    }
    let first = format!("pk-0-{}", account.account_id);
    let second = format!("pk-1-{}", account.account_id);
    assert!(store::account::delete_passkey_keeping_one(&mut tx, &account.account_id, &first).await.unwrap());
    assert!(!store::account::delete_passkey_keeping_one(&mut tx, &account.account_id, &second).await.unwrap());
    store::session::insert(&mut tx, "hash-1", &account.account_id, now, now + 1000).await.unwrap();
    assert!(store::session::find(&mut tx, "hash-1").await.unwrap().is_some());
    assert_eq!(store::session::delete_expired(&mut tx, now + 1000, 10_000_000).await.unwrap(), 1);
    assert!(store::session::find(&mut tx, "hash-1").await.unwrap().is_none());
    tx.commit().await.unwrap();

    // Ceremonies are taken exactly once.
    let mut tx = store.begin().await.unwrap();
    let ceremony =
        CeremonyRow { purpose: "sign_in".into(), account_id: None, enrolment_code_id: None, state_json: "{}".into(), expires_at: now + 1 };
    store::ceremony::insert(&mut tx, "c-1", &ceremony, now).await.unwrap();
    assert!(store::ceremony::take(&mut tx, "c-1").await.unwrap().is_some());
    assert!(store::ceremony::take(&mut tx, "c-1").await.unwrap().is_none());
    tx.commit().await.unwrap();

    // The audit log is append-only at the database level.
    let mut tx = store.begin().await.unwrap();
    let actor = server::policy::Actor::Anonymous;
    server::audit::record(
        &mut tx,
        server::audit::AuditEvent::ReadDenied {
            actor: &actor,
            patient_id: None,
            category: server::policy::Category::Visits,
            resource_id: None,
            reason: server::policy::DenyReason::NotAuthenticated,
        },
        "req-1",
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(sqlx::query("update audit_event set outcome = 'allowed'").execute(&mut *tx).await.is_err());
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    assert!(sqlx::query("delete from audit_event").execute(&mut *tx).await.is_err());
    drop(tx);
    // More events in one call chain in order; the whole chain verifies, on both databases.
    let mut tx = store.begin().await.unwrap();
    let events: Vec<server::audit::AuditEvent<'_>> =
        (0..3).map(|_| server::audit::AuditEvent::SignedIn { account_id: "acc", role: "citizen" }).collect();
    assert_eq!(server::audit::record_all(&mut tx, &events, "req-2", now).await.unwrap(), vec![2, 3, 4]);
    tx.commit().await.unwrap();
    let mut conn = store.reader().acquire().await.unwrap();
    let rows = store::audit::all(&mut conn).await.unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].outcome, "denied");
    assert_eq!(
        server::audit::chain::verify(&mut conn, None).await.unwrap(),
        server::audit::chain::Verdict::Ok { entries: 4, checkpoints: 0 }
    );
    drop(conn);
    administration(store, &patients).await;
    federation(store).await;
    literal_searches(store).await;
    ceremony_limits(store).await;
}

/// What the administrators' console reads and writes, on both databases.
async fn administration(store: &Store, patients: &[server::seed::generate::SeedPatient]) {
    use server::store::consent::{BreakGlassRow, GrantRow, Holder};
    let now = START_MS;
    let patient = &patients[1];
    let mut tx = store.begin().await.unwrap();
    store::account::insert_facility(&mut tx, "fac-a", "Bệnh viện A", "001", now).await.unwrap();
    let doctor = AccountRow {
        account_id: store::new_id(),
        role: "clinician".into(),
        display_name: "BS. Conformance".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    store::account::insert(&mut tx, &doctor, now).await.unwrap();
    store::account::insert_clinician(&mut tx, "cli-a", &doctor.account_id, "fac-a", "BS. Conformance", now).await.unwrap();
    // Sessions remember the last passkey confirmation (sign-in counts) and end all at once.
    store::session::insert(&mut tx, "hash-a", &doctor.account_id, now, now + 1_000_000).await.unwrap();
    store::session::insert(&mut tx, "hash-b", &doctor.account_id, now, now + 1_000_000).await.unwrap();
    assert_eq!(store::session::find(&mut tx, "hash-a").await.unwrap().unwrap().reauth_at, Some(now));
    store::session::set_reauth(&mut tx, "hash-a", now + 5).await.unwrap();
    assert_eq!(store::session::find(&mut tx, "hash-a").await.unwrap().unwrap().reauth_at, Some(now + 5));
    let found = store::admin::people(&mut tx, "conform", Some("clinician"), None, 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].sessions, found[0].facility_name.as_deref()), (2, Some("Bệnh viện A")));
    assert!(store::admin::people(&mut tx, "conform", Some("citizen"), None, 10).await.unwrap().is_empty());
    assert_eq!(store::admin::people(&mut tx, "", None, Some("fac-a"), 10).await.unwrap().len(), 1);
    assert!(store::admin::people(&mut tx, "", None, Some("no-such-facility"), 10).await.unwrap().is_empty());
    assert_eq!(store::session::delete_all_of_account(&mut tx, &doctor.account_id).await.unwrap(), 2);
    // Suspension and reinstatement are state changes that happen once.
    assert!(store::admin::set_suspended(&mut tx, &doctor.account_id, Some("lý do"), now).await.unwrap());
    assert!(!store::admin::set_suspended(&mut tx, &doctor.account_id, Some("lý do"), now).await.unwrap());
    let person = store::admin::person(&mut tx, &doctor.account_id).await.unwrap().unwrap();
    assert_eq!((person.status.as_str(), person.suspension_reason.as_deref()), ("suspended", Some("lý do")));
    assert_eq!(store::admin::counts(&mut tx, now).await.unwrap().suspended, 1);
    assert!(store::admin::set_suspended(&mut tx, &doctor.account_id, None, now).await.unwrap());
    assert!(!store::admin::set_suspended(&mut tx, &doctor.account_id, None, now).await.unwrap());

    // Codes: listed while open, cancelled once, and a cancelled code is never consumed.
    let code = server::seed::issue_enrolment_code_by(
        &mut tx,
        Enrols::Patient(patient.patient_id.clone()),
        &patient.cccd,
        now,
        60_000,
        Some(&doctor.account_id),
    )
    .await
    .unwrap();
    let row = store::enrolment::by_hash(&mut tx, &server::auth::passkeys::hash_code(&code)).await.unwrap().unwrap();
    let open = store::enrolment::open_codes(&mut tx, now, 100).await.unwrap();
    assert!(open.iter().any(|c| c.code.enrolment_code_id == row.enrolment_code_id && c.name.contains(&patient.given_names)));
    assert!(store::enrolment::cancel(&mut tx, &row.enrolment_code_id, now).await.unwrap());
    assert!(!store::enrolment::cancel(&mut tx, &row.enrolment_code_id, now).await.unwrap());
    assert!(!store::enrolment::consume(&mut tx, &row.enrolment_code_id, now).await.unwrap());
    assert!(store::enrolment::open_codes(&mut tx, now, 100)
        .await
        .unwrap()
        .iter()
        .all(|c| c.code.enrolment_code_id != row.enrolment_code_id));

    // Grants held by a clinician and by a facility; live means neither revoked nor expired.
    for (id, clinician, facility, expires_at) in
        [("g-1", Some("cli-a"), None, now + 10_000), ("g-2", None, Some("fac-a"), now + 10_000), ("g-3", Some("cli-a"), None, now + 1)]
    {
        store::consent::insert_grant(
            &mut tx,
            &GrantRow {
                consent_grant_id: id.into(),
                patient_id: patient.patient_id.clone(),
                granted_by_account_id: doctor.account_id.clone(),
                grantee_clinician_id: clinician.map(str::to_string),
                grantee_facility_id: facility.map(str::to_string),
                categories: "immunizations".into(),
                purpose: "treatment".into(),
                written_request: false,
                starts_at: now,
                expires_at,
                revoked_at: None,
                revocation_reason: None,
                created_at: now,
            },
        )
        .await
        .unwrap();
    }
    let held = store::consent::live_grants_held(&mut tx, Holder::Clinician("cli-a"), now + 5).await.unwrap();
    assert_eq!(held.iter().map(|g| g.consent_grant_id.as_str()).collect::<Vec<_>>(), vec!["g-1"]);
    assert_eq!(store::consent::live_grants_held(&mut tx, Holder::Facility("fac-a"), now + 5).await.unwrap().len(), 1);
    let facilities = store::admin::facilities(&mut tx, now + 5).await.unwrap();
    let facility = facilities.iter().find(|f| f.facility_id == "fac-a").unwrap();
    assert_eq!((facility.clinicians, facility.live_grants), (1, 1));
    let one = store::admin::facility(&mut tx, "fac-a", now + 5).await.unwrap().unwrap();
    assert_eq!((one.name.as_str(), one.clinicians, one.live_grants), ("Bệnh viện A", 1, 1));
    assert!(store::admin::facility(&mut tx, "no-such-facility", now + 5).await.unwrap().is_none());
    assert!(store::consent::revoke_grant(&mut tx, &patient.patient_id, "g-1", &doctor.account_id, Some("chuyển công tác"), now)
        .await
        .unwrap());
    assert_eq!(store::consent::grant_by_id(&mut tx, "g-1").await.unwrap().unwrap().revocation_reason.as_deref(), Some("chuyển công tác"));
    assert!(store::consent::live_grants_held(&mut tx, Holder::Clinician("cli-a"), now + 5).await.unwrap().is_empty());

    // Break-glass review: pending, then reviewed exactly once, with the note kept.
    store::consent::insert_break_glass(
        &mut tx,
        &BreakGlassRow {
            break_glass_id: "bg-1".into(),
            clinician_account_id: doctor.account_id.clone(),
            facility_id: Some("fac-a".into()),
            patient_id: patient.patient_id.clone(),
            reason: "cấp cứu".into(),
            starts_at: now,
            expires_at: now + 100,
            review_status: "pending".into(),
            created_at: now,
        },
    )
    .await
    .unwrap();
    assert_eq!(store::consent::review_queue(&mut tx, 10).await.unwrap().len(), 1);
    assert!(store::consent::mark_reviewed(&mut tx, "bg-1", "justified", &doctor.account_id, "đã xác minh", now).await.unwrap());
    assert!(!store::consent::mark_reviewed(&mut tx, "bg-1", "unjustified", &doctor.account_id, "x", now).await.unwrap());
    let reviewed = store::consent::recently_reviewed(&mut tx, 10).await.unwrap();
    assert_eq!(reviewed[0].review_note.as_deref(), Some("đã xác minh"));
    assert!(store::consent::review_queue(&mut tx, 10).await.unwrap().is_empty());
    assert_eq!(store::consent::break_glass_by_id(&mut tx, "bg-1").await.unwrap().unwrap().break_glass.review_status, "justified");

    // Audit search: every filter, the notes joined from outside the chain, reads under a basis.
    let actor = server::policy::Actor::Clinician {
        account_id: doctor.account_id.clone(),
        clinician_id: Some("cli-a".into()),
        facility_id: Some("fac-a".into()),
        active: true,
        confirmed: true,
        purpose: server::policy::Purpose::Treatment,
    };
    let events = [
        server::audit::AuditEvent::GrantRevoked { actor: &actor, patient_id: &patient.patient_id, grant_id: "g-1", acting_as: None },
        server::audit::AuditEvent::AdminAction {
            actor: &actor,
            action: "break_glass_review",
            patient_id: Some(&patient.patient_id),
            target: None,
            basis_ref: Some("bg-1"),
            code: Some("justified"),
        },
    ];
    server::audit::record_all(&mut tx, &events, "req-admin", now + 10).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = store.reader().acquire().await.unwrap();
    let filter = store::audit::AccessLogFilter {
        patient_id: Some(patient.patient_id.clone()),
        facility_id: Some("fac-a".into()),
        outcome: Some("allowed".into()),
        from_ms: Some(now + 10),
        to_ms: Some(now + 11),
        ..Default::default()
    };
    let (rows, total) = store::audit::search(&mut conn, &filter, 10, 0).await.unwrap();
    assert_eq!(total, 2);
    assert_eq!(rows[0].note.as_deref(), Some("đã xác minh"), "newest first, the review note joined");
    assert_eq!(rows[1].note.as_deref(), Some("chuyển công tác"), "the revocation reason joined");
    assert_eq!(rows[0].facility_name.as_deref(), Some("Bệnh viện A"));
    let (page, total) = store::audit::search(&mut conn, &filter, 1, 1).await.unwrap();
    assert_eq!((page.len(), total, page[0].row.action.as_str()), (1, 2, "grant_revoke"));
    let denied = store::audit::AccessLogFilter { outcome: Some("denied".into()), ..filter };
    assert_eq!(store::audit::search(&mut conn, &denied, 10, 0).await.unwrap().1, 0);
    assert!(store::audit::by_basis_ref(&mut conn, "bg-1", 10).await.unwrap().is_empty(), "a review is not a read");
}

#[test]
fn store_conformance_on_sqlite() {
    crate::support::run(async {
        let dir = temp_dir();
        let store = Store::connect(&format!("sqlite://{}/hoso.db", dir.display()), 4).await.unwrap();
        store.migrate().await.unwrap();
        // WAL and foreign keys are on.
        let mut conn = store.reader().acquire().await.unwrap();
        let mode: String = sqlx::query_scalar("pragma journal_mode").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(mode, "wal");
        let foreign_keys: i64 = sqlx::query_scalar("pragma foreign_keys").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(foreign_keys, 1);
        drop(conn);
        conformance(&store).await;
        store.close().await;
        let _ = std::fs::remove_dir_all(dir);
    });
}

#[test]
fn store_conformance_on_postgres() {
    crate::support::run(async {
        let admin_url = std::env::var("HOSO_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        sqlx::any::install_default_drivers();
        let admin = match sqlx::AnyPool::connect(&admin_url).await {
            Ok(pool) => pool,
            Err(error) if std::env::var("CI").is_err() => {
                eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url}: {error}");
                return;
            }
            Err(error) => panic!("PostgreSQL is required under CI and is not reachable at {admin_url}: {error}"),
        };
        let name = format!("hoso_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("create database {name}")).execute(&admin).await.unwrap();
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("bad URL"),
        };
        let store = Store::connect(&url, 4).await.unwrap();
        store.migrate().await.unwrap();
        conformance(&store).await;
        store.close().await;
        sqlx::query(&format!("drop database {name} with (force)")).execute(&admin).await.unwrap();
    });
}

#[test]
fn a_failed_migration_is_reported_not_ignored() {
    crate::support::run(async {
        let dir = temp_dir();
        let url = format!("sqlite://{}/hoso.db", dir.display());
        let store = Store::connect(&url, 1).await.unwrap();
        // Occupy a table name the first migration creates: the migration must fail with context.
        sqlx::query("create table facility (x integer)").execute(store.reader()).await.unwrap();
        let error = store.migrate().await.unwrap_err();
        assert!(format!("{error:#}").contains("migration failed"), "{error:#}");
        let _ = std::fs::remove_dir_all(dir);
    });
}

/// Facility providers, subject links (unique per issuer and subject) and sign-ins in flight
/// (taken exactly once).
async fn federation(store: &Store) {
    use server::store::federation::{self as fed, CountedTable, LinkRow, LoginRow, ProviderRow};
    let now = START_MS;
    let mut tx = store.begin().await.unwrap();
    store::account::insert_facility(&mut tx, "fac-fed", "Bệnh viện Liên kết", "079", now).await.unwrap();
    let doctor = AccountRow {
        account_id: store::new_id(),
        role: "clinician".into(),
        display_name: "BS. Liên Kết".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    store::account::insert(&mut tx, &doctor, now).await.unwrap();
    let provider = ProviderRow {
        facility_id: "fac-fed".into(),
        issuer: "https://id.example.vn".into(),
        client_id: "hoso".into(),
        client_secret: "s1".into(),
    };
    fed::set_provider(&mut tx, &provider, &doctor.account_id, now).await.unwrap();
    fed::set_provider(&mut tx, &ProviderRow { client_secret: "s2".into(), ..provider.clone() }, &doctor.account_id, now).await.unwrap();
    assert_eq!(fed::provider(&mut tx, "fac-fed").await.unwrap().unwrap().client_secret, "s2");
    let listed = fed::providers(&mut tx).await.unwrap();
    assert_eq!(
        listed.iter().filter(|p| p.facility_id == "fac-fed").map(|p| p.facility_name.as_str()).collect::<Vec<_>>(),
        vec!["Bệnh viện Liên kết"]
    );

    let link = LinkRow {
        federated_link_id: "link-1".into(),
        issuer: provider.issuer.clone(),
        subject: "emp-042".into(),
        account_id: doctor.account_id.clone(),
        facility_id: "fac-fed".into(),
        created_by_account_id: doctor.account_id.clone(),
        created_at: now,
        approved_at: None,
    };
    fed::insert_link(&mut tx, &link).await.unwrap();
    // Held until approved, once.
    assert_eq!(fed::link(&mut tx, "link-1").await.unwrap().unwrap().approved_at, None);
    assert!(fed::approve_link(&mut tx, "link-1", "admin-2", now + 1).await.unwrap());
    assert!(!fed::approve_link(&mut tx, "link-1", "admin-2", now + 2).await.unwrap());
    assert_eq!(fed::link(&mut tx, "link-1").await.unwrap().unwrap().approved_at, Some(now + 1));
    assert_eq!(fed::link_by_subject(&mut tx, &provider.issuer, "emp-042").await.unwrap().unwrap().account_id, doctor.account_id);
    assert!(fed::link_by_subject(&mut tx, "https://other.example.vn", "emp-042").await.unwrap().is_none());
    assert_eq!(fed::count(&mut tx, CountedTable::Links).await.unwrap(), 1);
    assert_eq!(fed::remove_links_not_of(&mut tx, "fac-fed", &provider.issuer).await.unwrap(), 0);
    tx.commit().await.unwrap();
    // The same subject of the same issuer cannot be linked twice (a failed insert aborts its transaction).
    let mut tx = store.begin().await.unwrap();
    let duplicate = fed::insert_link(&mut tx, &LinkRow { federated_link_id: "link-2".into(), ..link.clone() }).await;
    assert!(matches!(duplicate, Err(server::store::StoreError::Conflict)), "{duplicate:?}");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    assert_eq!(fed::links_of_account(&mut tx, &doctor.account_id).await.unwrap().len(), 1);
    assert_eq!(fed::remove_link(&mut tx, "link-1").await.unwrap().unwrap().subject, "emp-042");
    assert!(fed::remove_link(&mut tx, "link-1").await.unwrap().is_none());
    assert!(fed::remove_provider(&mut tx, "fac-fed").await.unwrap());
    assert!(!fed::remove_provider(&mut tx, "fac-fed").await.unwrap());

    let login = LoginRow {
        browser_hash: "browser".into(),
        purpose: "clinician".into(),
        facility_id: Some("fac-fed".into()),
        pkce_verifier: "verifier".into(),
        nonce: "nonce".into(),
        expires_at: now + 600_000,
    };
    fed::insert_login(&mut tx, "state-1", &login, now).await.unwrap();
    fed::insert_login(&mut tx, "state-old", &LoginRow { expires_at: now - 1, ..login.clone() }, now).await.unwrap();
    assert_eq!(fed::delete_expired_logins(&mut tx, now).await.unwrap(), 1);
    assert_eq!(fed::take_login(&mut tx, "state-1").await.unwrap(), Some(login));
    assert_eq!(fed::take_login(&mut tx, "state-1").await.unwrap(), None);
    assert_eq!(fed::count(&mut tx, CountedTable::PendingLogins).await.unwrap(), 0);
    tx.commit().await.unwrap();
}

/// Names the grantee directory finds for `term`.
async fn directory_names(conn: &mut store::Conn, term: &str) -> Vec<String> {
    store::consent::search_directory(conn, term, 100).await.unwrap().into_iter().map(|entry| entry.name).collect()
}

/// Names the administrators' people search finds for `term`.
async fn people_names(conn: &mut store::Conn, term: &str) -> Vec<String> {
    store::admin::people(conn, term, None, None, 100).await.unwrap().into_iter().map(|person| person.display_name).collect()
}

/// `%`, `_` and `\` typed into a search are plain characters, never `like` wildcards, on both
/// databases: alone they match nobody until a name holds them, then only that name.
async fn literal_searches(store: &Store) {
    let now = START_MS;
    let wildcards = ["%", "_", "a%", "%%", "\\"];
    let mut conn = store.reader().acquire().await.unwrap();
    for term in wildcards {
        assert!(directory_names(&mut conn, term).await.is_empty(), "directory search {term:?}");
        assert!(people_names(&mut conn, term).await.is_empty(), "people search {term:?}");
    }
    drop(conn);

    let mut tx = store.begin().await.unwrap();
    store::account::insert_facility(&mut tx, "fac-literal", "Phòng khám 100% Tâm An", "001", now).await.unwrap();
    let underscored = AccountRow {
        account_id: store::new_id(),
        role: "clinician".into(),
        display_name: "BS. Na_Lan".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    store::account::insert(&mut tx, &underscored, now).await.unwrap();
    store::account::insert_clinician(&mut tx, "cli-literal", &underscored.account_id, "fac-literal", "BS. Na_Lan", now).await.unwrap();
    let percented = AccountRow {
        account_id: store::new_id(),
        role: "citizen".into(),
        display_name: "Ana% Đỗ Literal".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    store::account::insert(&mut tx, &percented, now).await.unwrap();
    tx.commit().await.unwrap();

    let mut conn = store.reader().acquire().await.unwrap();
    assert_eq!(directory_names(&mut conn, "%").await, vec!["Phòng khám 100% Tâm An"]);
    assert_eq!(directory_names(&mut conn, "_").await, vec!["BS. Na_Lan"]);
    assert!(directory_names(&mut conn, "a%").await.is_empty(), "no name holds a literal \"a%\"");
    assert!(directory_names(&mut conn, "\\").await.is_empty());
    assert_eq!(people_names(&mut conn, "%").await, vec!["Ana% Đỗ Literal"]);
    for term in ["Đỗ", "đỗ", "do lit", "ĐỖ LITERAL"] {
        assert_eq!(people_names(&mut conn, term).await, vec!["Ana% Đỗ Literal"], "{term:?}");
    }
    assert_eq!(people_names(&mut conn, "_").await, vec!["BS. Na_Lan"]);
    assert_eq!(people_names(&mut conn, "a%").await, vec!["Ana% Đỗ Literal"]);
    assert!(people_names(&mut conn, "\\").await.is_empty());
    // Case folding is unchanged: ASCII letters match either case around a literal wildcard.
    assert_eq!(people_names(&mut conn, "A%").await, vec!["Ana% Đỗ Literal"]);
    assert_eq!(people_names(&mut conn, "NA_L").await, vec!["BS. Na_Lan"]);
    // Neither case nor diacritics matter, on both databases: typed with, without, or in capitals.
    for term in ["Tâm An", "tam an", "TÂM AN", "phong kham"] {
        assert_eq!(directory_names(&mut conn, term).await, vec!["Phòng khám 100% Tâm An"], "{term:?}");
    }
    assert!(directory_names(&mut conn, "tam ann").await.is_empty());
    // An empty term still lists everyone (the console's unfiltered list).
    assert!(people_names(&mut conn, "").await.len() >= 5);
}

/// How many ceremonies are stored, live or not.
async fn ceremony_count(conn: &mut store::Conn) -> i64 {
    sqlx::query_scalar("select count(*) from webauthn_ceremony").fetch_one(conn).await.unwrap()
}

/// Storing a ceremony removes the expired ones, and anonymous ceremonies are capped per purpose
/// (a small cap here; callers of `insert` get `MAX_LIVE_CEREMONIES`).
async fn ceremony_limits(store: &Store) {
    use server::store::ceremony::insert_bounded;
    let now = START_MS;
    let cap = 3;
    let ceremony = |purpose: &str, account_id: Option<&str>, expires_at: i64| CeremonyRow {
        purpose: purpose.into(),
        account_id: account_id.map(str::to_string),
        enrolment_code_id: None,
        state_json: "{}".into(),
        expires_at,
    };
    let mut tx = store.begin().await.unwrap();
    assert_eq!(ceremony_count(&mut tx).await, 0);
    let owner = AccountRow {
        account_id: store::new_id(),
        role: "citizen".into(),
        display_name: "Ceremony Owner".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    store::account::insert(&mut tx, &owner, now).await.unwrap();

    // The cap is exact: three anonymous sign-ins are stored, the fourth is refused and not written.
    insert_bounded(&mut tx, "old-1", &ceremony("sign_in", None, now + 10), now, cap).await.unwrap();
    insert_bounded(&mut tx, "old-2", &ceremony("sign_in", None, now + 10), now, cap).await.unwrap();
    insert_bounded(&mut tx, "live-1", &ceremony("sign_in", None, now + 1_000), now, cap).await.unwrap();
    let refused = insert_bounded(&mut tx, "refused", &ceremony("sign_in", None, now + 1_000), now, cap).await;
    assert!(matches!(refused, Err(StoreError::LimitReached(_))), "{refused:?}");
    assert_eq!(ceremony_count(&mut tx).await, 3);
    assert!(store::ceremony::take(&mut tx, "refused").await.unwrap().is_none());
    // A signed-in account's ceremonies do not count, and the cap is per purpose.
    insert_bounded(&mut tx, "owner-add", &ceremony("add_passkey", Some(owner.account_id.as_str()), now + 1_000), now, cap).await.unwrap();
    insert_bounded(&mut tx, "owner-reauth", &ceremony("sign_in", Some(owner.account_id.as_str()), now + 1_000), now, cap).await.unwrap();
    insert_bounded(&mut tx, "enrol-1", &ceremony("enrol", None, now + 1_000), now, cap).await.unwrap();
    assert_eq!(ceremony_count(&mut tx).await, 6);

    // Once two have expired, the next store deletes them first and so fits under the cap again.
    let later = now + 10;
    insert_bounded(&mut tx, "live-2", &ceremony("sign_in", None, now + 1_000), later, cap).await.unwrap();
    assert_eq!(ceremony_count(&mut tx).await, 5, "old-1 and old-2 deleted, live-2 added");
    assert!(store::ceremony::take(&mut tx, "old-1").await.unwrap().is_none());
    assert!(store::ceremony::take(&mut tx, "old-2").await.unwrap().is_none());
    insert_bounded(&mut tx, "live-3", &ceremony("sign_in", None, now + 1_000), later, cap).await.unwrap();
    let refused = insert_bounded(&mut tx, "live-4", &ceremony("sign_in", None, now + 1_000), later, cap).await;
    assert!(matches!(refused, Err(StoreError::LimitReached(_))), "{refused:?}");
    // The default cap is the constant, far above what this test stores.
    store::ceremony::insert(&mut tx, "default-cap", &ceremony("sign_in", None, now + 1_000), later).await.unwrap();
    assert!(store::ceremony::MAX_LIVE_CEREMONIES > cap);
    assert_eq!(ceremony_count(&mut tx).await, 7);
    // At their expiry every one goes.
    assert_eq!(store::ceremony::delete_expired(&mut tx, now + 1_000).await.unwrap(), 7);
    assert_eq!(ceremony_count(&mut tx).await, 0);
    tx.commit().await.unwrap();
}
