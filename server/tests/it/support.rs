//! Test harness: a fresh database per test, the real router driven in-process with `oneshot`,
//! a clock the test moves, and SoftPasskey authenticators speaking to the real WebAuthn endpoints.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use server::config::Config;
use server::seed::generate::{demo_patients, SeedPatient};
use server::seed::{insert_patient, issue_enrolment_code, Enrols};
use server::service::{Clock, Portal};
use server::store::{self, Store};
use tower::ServiceExt;
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs_proto::{AllowCredentials, CreationChallengeResponse, PublicKeyCredential, RequestChallengeResponse};

pub const ORIGIN: &str = "http://localhost:3000";
/// 2026-11-22T08:00:00Z
pub const START_MS: i64 = 1_795_334_400_000;

pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn advance_minutes(&self, minutes: i64) {
        self.0.fetch_add(minutes * 60_000, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("not JSON ({error}): {}", self.body))
    }

    /// The session cookie this response sets, as a `Cookie` header value.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("__Host-hoso_session=") && !value.contains("Max-Age=0"))
            .and_then(|value| value.split(';').next())
            .map(str::to_string)
    }
}

/// A patient in the test database with their enrolment code.
#[derive(Clone)]
pub struct TestPatient {
    pub seed: Arc<SeedPatient>,
    pub code: String,
}

impl TestPatient {
    pub fn id(&self) -> &str {
        &self.seed.patient_id
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.seed.family_name, self.seed.given_names)
    }

    /// Strings that only this patient's data contains: used to prove nothing leaked.
    pub fn private_markers(&self) -> Vec<String> {
        let mut markers = vec![self.full_name(), self.seed.cccd.clone(), self.seed.patient_id.clone()];
        for resource in &self.seed.resources {
            if let Some(lot) = resource.get("lotNumber").and_then(|v| v.as_str()) {
                markers.push(lot.to_string());
            }
            if resource.get("resourceType").and_then(|v| v.as_str()) == Some("Encounter") {
                markers.push(resource["id"].as_str().unwrap_or_default().to_string());
            }
        }
        markers
    }

    pub fn encounter_ids(&self) -> Vec<String> {
        self.seed
            .resources
            .iter()
            .filter(|r| r["resourceType"] == "Encounter")
            .filter_map(|r| r["id"].as_str().map(str::to_string))
            .collect()
    }
}

pub struct TestApp {
    pub router: Router,
    pub portal: Arc<Portal>,
    pub clock: Arc<ManualClock>,
    pub patients: Vec<TestPatient>,
    /// Two clinicians: [0] at facility `facilities[0]`, [1] at `facilities[1]`.
    pub clinicians: Vec<TestClinician>,
    pub facilities: Vec<String>,
    pub dir: PathBuf,
}

/// A clinician account (not yet enrolled) with its enrolment code.
#[derive(Clone)]
pub struct TestClinician {
    pub clinician_id: String,
    pub account_id: String,
    pub facility_id: String,
    pub name: String,
    pub cccd: String,
    pub code: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoso-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A new, empty PostgreSQL database for one test; its URL. See [`TestApp::on_postgres`].
pub async fn fresh_postgres_database() -> Option<String> {
    let admin_url = std::env::var("HOSO_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    sqlx::any::install_default_drivers();
    let admin = match sqlx::AnyPool::connect(&admin_url).await {
        Ok(pool) => pool,
        Err(error) if std::env::var("CI").is_err() => {
            eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url}: {error}");
            return None;
        }
        Err(error) => panic!("PostgreSQL is required under CI and is not reachable at {admin_url}: {error}"),
    };
    let name = format!("hoso_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("create database {name}")).execute(&admin).await.expect("create database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("a database URL ends with /<database>");
    Some(format!("{base}/{name}"))
}

impl TestApp {
    /// A fresh SQLite database with the demo patients (each with an unused enrolment code).
    pub async fn new() -> TestApp {
        TestApp::with_config(|_| {}).await
    }

    /// [`TestApp::new`] on a fresh PostgreSQL database (created on `HOSO_TEST_POSTGRES_URL`'s
    /// server, default the local one). `None` when PostgreSQL is not reachable outside CI (the
    /// test says SKIPPED); under CI (`CI` set) an unreachable server fails the test.
    pub async fn on_postgres() -> Option<TestApp> {
        let url = fresh_postgres_database().await?;
        Some(TestApp::with_config(move |config| config.database_url = url).await)
    }

    /// [`TestApp::new`] with a configuration adjusted before start.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = temp_dir();
        let url = format!("sqlite://{}/hoso.db", dir.display());
        let mut config = Config::for_tests(&url, dir.clone());
        adjust(&mut config);
        let clock = Arc::new(ManualClock(AtomicI64::new(START_MS)));
        let (router, portal) = server::assemble(config, dir.to_str().expect("utf-8 path"), clock.clone()).await.expect("assemble");
        let today = chrono::DateTime::from_timestamp_millis(START_MS).expect("date").date_naive();
        let mut patients = Vec::new();
        let mut tx = portal.store.begin().await.expect("begin");
        for seed in demo_patients(today) {
            insert_patient(&mut tx, &seed, START_MS).await.expect("insert patient");
            let code = issue_enrolment_code(&mut tx, Enrols::Patient(seed.patient_id.clone()), &seed.cccd, START_MS, 14 * 86_400_000)
                .await
                .expect("code");
            patients.push(TestPatient { seed: Arc::new(seed), code });
        }
        let mut facilities = Vec::new();
        let mut clinicians = Vec::new();
        for (index, (facility, doctor, cccd)) in
            [("Bệnh viện Bạch Mai", "BS. Lê Văn An", "001080000111"), ("Bệnh viện Chợ Rẫy", "BS. Võ Thị Bình", "079185000222")]
                .into_iter()
                .enumerate()
        {
            let facility_id = format!("facility-{index}-{}", uuid::Uuid::new_v4());
            store::account::insert_facility(&mut tx, &facility_id, facility, "001", START_MS).await.expect("facility");
            let account = store::account::AccountRow {
                account_id: store::new_id(),
                role: "clinician".into(),
                display_name: doctor.into(),
                user_handle: uuid::Uuid::new_v4().to_string(),
                status: "active".into(),
            };
            store::account::insert(&mut tx, &account, START_MS).await.expect("account");
            let clinician_id = store::new_id();
            store::account::insert_clinician(&mut tx, &clinician_id, &account.account_id, &facility_id, doctor, START_MS)
                .await
                .expect("clinician");
            let code = issue_enrolment_code(&mut tx, Enrols::Account(account.account_id.clone()), cccd, START_MS, 14 * 86_400_000)
                .await
                .expect("code");
            clinicians.push(TestClinician {
                clinician_id,
                account_id: account.account_id,
                facility_id: facility_id.clone(),
                name: doctor.into(),
                cccd: cccd.into(),
                code,
            });
            facilities.push(facility_id);
        }
        tx.commit().await.expect("commit");
        TestApp { router, portal, clock, patients, clinicians, facilities, dir }
    }

    pub fn store(&self) -> &Store {
        &self.portal.store
    }

    pub async fn send(&self, request: Request<Body>) -> Response {
        let response = self.router.clone().oneshot(request).await.expect("infallible router");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut builder = Request::get(path).header(header::HOST, "localhost:3000");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        self.send(builder.body(Body::empty()).expect("request")).await
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value, cookie: Option<&str>) -> Response {
        let mut builder = Request::post(path)
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        self.send(builder.body(Body::from(body.to_string())).expect("request")).await
    }

    pub async fn post_form(&self, path: &str, body: &str, cookie: Option<&str>) -> Response {
        let mut builder = Request::post(path)
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        self.send(builder.body(Body::from(body.to_string())).expect("request")).await
    }

    pub async fn audit(&self) -> Vec<store::audit::AuditRow> {
        let mut conn = self.store().reader().acquire().await.expect("conn");
        store::audit::all(&mut conn).await.expect("audit rows")
    }

    pub async fn count(&self, table: &str) -> i64 {
        let mut conn = self.store().reader().acquire().await.expect("conn");
        sqlx::query_scalar::<_, i64>(&format!("select count(*) from {table}")).fetch_one(&mut *conn).await.expect("count")
    }

    /// Enrols a patient through the real endpoints with a software passkey; returns the signed-in user.
    pub async fn enrol(&self, patient: &TestPatient) -> User {
        self.enrol_with(&patient.seed.cccd, &patient.code).await
    }

    /// Enrols a clinician (a staff enrolment code) and signs them in.
    pub async fn enrol_clinician(&self, clinician: &TestClinician) -> User {
        self.enrol_with(&clinician.cccd, &clinician.code).await
    }

    /// Creates an administrator account with an enrolment code and enrols it (signed in, so
    /// freshly confirmed for five minutes).
    pub async fn enrol_admin(&self) -> User {
        self.enrol_admin_named("001190007777").await
    }

    /// [`TestApp::enrol_admin`] for an administrator with this CCCD.
    pub async fn enrol_admin_named(&self, cccd: &str) -> User {
        let mut tx = self.store().begin().await.expect("begin");
        let account = store::account::AccountRow {
            account_id: store::new_id(),
            role: "administrator".into(),
            display_name: "Quản trị viên Thử".into(),
            user_handle: uuid::Uuid::new_v4().to_string(),
            status: "active".into(),
        };
        store::account::insert(&mut tx, &account, START_MS).await.expect("admin account");
        let code = issue_enrolment_code(&mut tx, Enrols::Account(account.account_id.clone()), cccd, START_MS, 14 * 86_400_000)
            .await
            .expect("code");
        tx.commit().await.expect("commit");
        self.enrol_with(cccd, &code).await
    }

    /// Confirms a signed-in person with their passkey ("sudo mode"); returns the finish response.
    pub async fn reauth(&self, user: &mut User) -> Response {
        let started = self.post_json("/auth/reauth/start", &serde_json::json!({}), Some(&user.cookie)).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        let started = started.json();
        let credential = user.assert(&started["options"]);
        self.post_json(
            "/auth/reauth/finish",
            &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }),
            Some(&user.cookie),
        )
        .await
    }

    pub async fn enrol_with(&self, cccd: &str, code: &str) -> User {
        let mut authenticator = SoftPasskey::new(true);
        let started = self.post_json("/auth/enrol/start", &serde_json::json!({ "cccd": cccd, "code": code }), None).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.body);
        let started = started.json();
        let options = as_soft_passkey_options(&started["options"]);
        let user_handle = options.public_key.user.id.clone();
        let credential = authenticator.do_registration(Url::parse(ORIGIN).expect("url"), options).expect("register");
        let credential_id = credential.raw_id.clone();
        let finished = self
            .post_json("/auth/enrol/finish", &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }), None)
            .await;
        assert_eq!(finished.status, StatusCode::OK, "{}", finished.body);
        let cookie = finished.session_cookie().expect("session cookie");
        User { authenticator, credential_ids: vec![credential_id], user_handle, cookie }
    }
}

/// The server asks for a discoverable (resident) credential with user verification. SoftPasskey
/// cannot store resident keys, so after checking the request the harness plays that part itself:
/// it registers a plain credential and, at sign-in, returns the user handle as a resident-key
/// authenticator would (the user handle is not covered by the assertion signature).
pub fn as_soft_passkey_options(options: &serde_json::Value) -> CreationChallengeResponse {
    let mut options: CreationChallengeResponse = serde_json::from_value(options.clone()).expect("options");
    let selection = options.public_key.authenticator_selection.as_mut().expect("authenticator selection");
    assert!(selection.require_resident_key, "the server asks for a discoverable credential");
    assert_eq!(selection.user_verification, webauthn_rs_proto::UserVerificationPolicy::Required);
    selection.require_resident_key = false;
    selection.resident_key = None;
    options
}

/// A person with a software authenticator holding their passkeys.
pub struct User {
    pub authenticator: SoftPasskey,
    pub credential_ids: Vec<Vec<u8>>,
    pub user_handle: Vec<u8>,
    pub cookie: String,
}

impl User {
    /// Answers a discoverable sign-in challenge the way a resident-key authenticator does: it finds
    /// its own credential for the relying party and returns the user handle with the assertion.
    pub fn assert(&mut self, options: &serde_json::Value) -> PublicKeyCredential {
        self.assert_at(options, Url::parse(ORIGIN).expect("url"))
    }

    /// [`User::assert`] for a server at another origin (the release binary on its own port).
    pub fn assert_at(&mut self, options: &serde_json::Value, origin: Url) -> PublicKeyCredential {
        let mut request: RequestChallengeResponse = serde_json::from_value(options.clone()).expect("request options");
        request.public_key.allow_credentials = self
            .credential_ids
            .iter()
            .map(|id| AllowCredentials { type_: "public-key".into(), id: id.clone(), transports: None })
            .collect();
        let mut credential = self.authenticator.do_authentication(origin, request).expect("assert");
        credential.response.user_handle = Some(self.user_handle.clone());
        credential
    }
}

/// Signs in through the real endpoints; returns the finish response.
pub async fn sign_in(app: &TestApp, user: &mut User) -> Response {
    let started = app.post_json("/auth/signin/start", &serde_json::json!({}), None).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let started = started.json();
    let credential = user.assert(&started["options"]);
    app.post_json("/auth/signin/finish", &serde_json::json!({ "ceremony_id": started["ceremony_id"], "credential": credential }), None)
        .await
}

/// Asserts that none of the patient's private markers appear in a body.
pub fn assert_no_leak(body: &str, patient: &TestPatient) {
    assert_no_leak_except(body, patient, &[]);
}

/// Like [`assert_no_leak`], ignoring ids the requester supplied themselves (a page echoes its URL).
pub fn assert_no_leak_except(body: &str, patient: &TestPatient, supplied: &[&str]) {
    for marker in patient.private_markers().into_iter().filter(|m| !supplied.contains(&m.as_str())) {
        if marker.len() >= 4 {
            assert!(!body.contains(&marker), "response leaks {marker:?} of another patient: {body}");
        }
    }
}

static PAGE_RENDERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Tests that render Leptos pages take turns. Each `#[tokio::test]` has its own runtime, and
/// Leptos keeps process-global executor state; concurrent renders from several runtimes in one
/// process can stall (the real server, one runtime, serves 32 concurrent renders fine: see the
/// README). Held for the whole test.
pub fn one_page_test_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    PAGE_RENDERS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> =
    std::sync::LazyLock::new(|| tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("test runtime"));

/// Runs a test on the one runtime all tests share, as the real server runs on one runtime.
/// (Leptos keeps process-global executor state; one `#[tokio::test]` runtime per test made page
/// renders stall intermittently when many runtimes lived in one process.)
pub fn run<F: std::future::Future>(future: F) -> F::Output {
    RUNTIME.block_on(future)
}
