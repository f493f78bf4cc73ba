//! Crash safety, proved on the real release binary: it serves mixed load (audited reads, grant
//! changes, facility imports, passkey sign-ins) over HTTP and is killed with SIGKILL at random
//! moments, then restarted, again and again. After every restart:
//!
//! - every operation the client saw succeed is in the database: each read's audit rows (found by
//!   the `x-request-id` it answered with), each grant and revocation, each import, each sign-in's
//!   session (its cookie still reads the record);
//! - no import is half-written: a person an import created has exactly one Provenance and exactly
//!   the resources it counts (the Patient and every clinical resource);
//! - `server verify-audit` passes on the whole chain;
//! - the server serves.
//!
//! On SQLite and on PostgreSQL. The short form (`make test`) kills 20 times per database;
//! `HOSO_CRASH_KILLS` sets another number (the benchmark's long form).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openidconnect::reqwest;
use rand::Rng;
use serde_json::{json, Value};
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;

use crate::support::{as_soft_passkey_options, temp_dir, User};

/// The running release server.
struct Server {
    child: Child,
    base: String,
}

struct Setup {
    dir: PathBuf,
    database_url: String,
    port: u16,
}

impl Setup {
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .env("DATABASE_URL", &self.database_url)
            .env("HOSO_DATA_DIR", &self.dir)
            .env("HOSO_LISTEN", format!("127.0.0.1:{}", self.port))
            .env("HOSO_PUBLIC_URL", format!("http://localhost:{}", self.port))
            .env("HOSO_SITE_ROOT", self.dir.join("site"))
            .env("HOSO_RATE_AUTH_PER_MINUTE", "100000")
            .env("HOSO_RATE_SEARCH_PER_MINUTE", "100000")
            .env("RUST_LOG", "error");
        command
    }

    /// Starts the server (seeding the demo population on the first start) and waits until it
    /// answers `/healthz`.
    async fn start(&self, client: &reqwest::Client) -> Server {
        let child = self
            .command()
            .env("HOSO_SEED_DEMO", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the release server");
        let base = format!("http://localhost:{}", self.port);
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
                if response.status().is_success() {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the server did not come up within 60 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Server { child, base }
    }

    fn verify_audit(&self) -> (bool, String) {
        let output = self.command().arg("verify-audit").output().expect("run server verify-audit");
        (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }
}

impl Server {
    /// SIGKILL: no shutdown handler runs, nothing is flushed by the process.
    fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

/// What the client saw succeed.
#[derive(Default)]
struct Ledger {
    reads: Vec<String>,
    grants: Vec<String>,
    revoked: Vec<String>,
    sessions: Vec<String>,
    imported: Vec<String>,
    /// Every CCCD an import was tried for, whatever its answer.
    attempted_imports: Vec<String>,
}

/// An enrolled citizen: their authenticator and first session.
struct Citizen {
    user: User,
}

fn origin_url(base: &str) -> Url {
    Url::parse(base).expect("base URL")
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("__Host-hoso_session=") && !value.contains("Max-Age=0"))
        .and_then(|value| value.split(';').next())
        .map(str::to_string)
}

async fn post_json(client: &reqwest::Client, base: &str, path: &str, body: &Value) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}{path}"))
        .header(reqwest::header::ORIGIN, base)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
}

async fn post_form(client: &reqwest::Client, base: &str, path: &str, body: String, cookie: &str) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{base}{path}"))
        .header(reqwest::header::ORIGIN, base)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(reqwest::header::COOKIE, cookie)
        .body(body)
        .send()
        .await
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.expect("body")).expect("JSON")
}

/// Enrols a citizen over HTTP with a software passkey.
async fn enrol(client: &reqwest::Client, base: &str, cccd: &str, code: &str) -> Citizen {
    let mut authenticator = SoftPasskey::new(true);
    let started = post_json(client, base, "/auth/enrol/start", &json!({ "cccd": cccd, "code": code })).await.expect("enrol start");
    assert!(started.status().is_success(), "enrol start: {}", started.status());
    let started = json_of(started).await;
    let options = as_soft_passkey_options(&started["options"]);
    let user_handle = options.public_key.user.id.clone();
    let credential = authenticator.do_registration(origin_url(base), options).expect("register");
    let credential_id = credential.raw_id.clone();
    let finished =
        post_json(client, base, "/auth/enrol/finish", &json!({ "ceremony_id": started["ceremony_id"], "credential": credential }))
            .await
            .expect("enrol finish");
    assert!(finished.status().is_success(), "enrol finish: {}", finished.status());
    let cookie = session_cookie(&finished).expect("session cookie");
    Citizen { user: User { authenticator, credential_ids: vec![credential_id], user_handle, cookie } }
}

/// A passkey sign-in over HTTP: the new session's cookie, or `None` if the server went away.
async fn sign_in(client: &reqwest::Client, base: &str, user: &mut User) -> Option<String> {
    let started = post_json(client, base, "/auth/signin/start", &json!({})).await.ok()?;
    if !started.status().is_success() {
        return None;
    }
    let started: Value = serde_json::from_str(&started.text().await.ok()?).ok()?;
    let credential = user.assert_at(&started["options"], origin_url(base));
    let finished =
        post_json(client, base, "/auth/signin/finish", &json!({ "ceremony_id": started["ceremony_id"], "credential": credential }))
            .await
            .ok()?;
    if !finished.status().is_success() {
        return None;
    }
    session_cookie(&finished)
}

/// The smallest Synthea bundle with a fresh CCCD (`n` makes it unique) and every UUID in it
/// replaced, so each import creates a new person with all of their resources.
fn import_bundle(template: &str, n: usize) -> (String, String) {
    let original: Value = serde_json::from_str(template).expect("bundle");
    let (bundle, cccd) = crate::import::with_cccd(&original, 0);
    let cccd = format!("{}{:06}", &cccd[..6], 200_000 + n);
    let mut bundle = bundle;
    let patient = bundle["entry"].as_array_mut().unwrap().iter_mut().find(|e| e["resource"]["resourceType"] == "Patient").unwrap();
    patient["resource"]["identifier"] = json!([{ "system": "https://fhir.hl7.org.vn/core/sid/cccd", "value": cccd }]);
    (fresh_uuids(&bundle.to_string()), cccd)
}

/// `text` with every UUID-shaped run (8-4-4-4-12 hex digits) mapped to a new UUID, the same
/// (random) replacement for the same UUID, so references still resolve.
fn fresh_uuids(text: &str) -> String {
    let bytes = text.as_bytes();
    let shape = |at: usize| -> bool {
        at + 36 <= bytes.len()
            && bytes[at..at + 36]
                .iter()
                .enumerate()
                .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { *b == b'-' } else { b.is_ascii_hexdigit() })
    };
    let mut out = String::with_capacity(text.len());
    let mut map: HashMap<&str, String> = HashMap::new();
    let mut at = 0;
    while at < bytes.len() {
        if shape(at) && (at == 0 || !bytes[at - 1].is_ascii_hexdigit()) {
            let old = &text[at..at + 36];
            let new = map.entry(old).or_insert_with(|| uuid::Uuid::new_v4().to_string());
            out.push_str(new);
            at += 36;
        } else {
            let ch = text[at..].chars().next().expect("char");
            out.push(ch);
            at += ch.len_utf8();
        }
    }
    out
}

struct World {
    setup: Setup,
    client: reqwest::Client,
    citizens: Vec<Citizen>,
    clinician_id: String,
    client_id: String,
    client_secret: String,
    template: String,
    ledger: Ledger,
    imports: usize,
    db: sqlx::AnyPool,
}

fn citizen_codes(dir: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join(server::seed::DEMO_CODES_FILE)).expect("demo codes file");
    text.lines()
        .filter(|line| line.starts_with("citizen "))
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let cccd = words.iter().position(|w| *w == "CCCD").and_then(|i| words.get(i + 1))?;
            let code = words.iter().position(|w| *w == "code").and_then(|i| words.get(i + 1))?;
            Some((cccd.to_string(), code.to_string()))
        })
        .collect()
}

/// One burst of load until the server stops answering: four workers, each repeating one kind of
/// operation, recording only what succeeded.
async fn load(world: &mut World, server: Server) {
    let base = server.base.clone();
    let base = base.as_str();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let client = world.client.clone();
    let cookies: Vec<String> = world.citizens.iter().map(|c| c.user.cookie.clone()).collect();
    let mut tasks = tokio::task::JoinSet::new();
    // Audited reads by every citizen, several at once.
    for worker in 0..3 {
        let (client, base, cookies, ledger) = (client.clone(), base.to_string(), cookies.clone(), ledger.clone());
        tasks.spawn(async move {
            for i in 0.. {
                let cookie = &cookies[(i + worker) % cookies.len()];
                let path = ["/api/vaccinations", "/api/overview", "/api/visits"][i % 3];
                let Ok(response) = client.get(format!("{base}{path}")).header(reqwest::header::COOKIE, cookie).send().await else { return };
                if response.status() != 200 {
                    return;
                }
                let request_id = response.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
                if response.text().await.is_err() {
                    return;
                }
                ledger.lock().unwrap().reads.push(request_id.expect("x-request-id"));
            }
        });
    }
    // Grants made and revoked.
    {
        let (client, base, cookies, ledger) = (client.clone(), base.to_string(), cookies.clone(), ledger.clone());
        let grantee = format!("clinician:{}", world.clinician_id);
        let expires = (chrono::Utc::now() + chrono::Duration::days(20)).format("%Y-%m-%d").to_string();
        tasks.spawn(async move {
            for i in 0.. {
                let cookie = &cookies[i % cookies.len()];
                let body = format!("grantee={grantee}&purpose=treatment&expires_on={expires}&categories[0]=immunizations");
                let Ok(response) = post_form(&client, &base, "/api/create_grant", body, cookie).await else { return };
                if response.status() != 200 {
                    return;
                }
                let Ok(text) = response.text().await else { return };
                let grant_id: String = serde_json::from_str(&text).expect("grant id");
                ledger.lock().unwrap().grants.push(grant_id.clone());
                let Ok(response) = post_form(&client, &base, "/api/revoke_grant", format!("grant_id={grant_id}"), cookie).await else {
                    return;
                };
                if response.status() != 200 || response.text().await.is_err() {
                    return;
                }
                ledger.lock().unwrap().revoked.push(grant_id);
            }
        });
    }
    // Passkey sign-ins, by the first two citizens (their authenticators come back when it ends).
    let mut users: Vec<User> = world.citizens.iter_mut().take(2).map(|c| std::mem::replace(&mut c.user, placeholder())).collect();
    let sign_ins = {
        let (client, base, ledger) = (client.clone(), base.to_string(), ledger.clone());
        tokio::spawn(async move {
            'outer: loop {
                for user in users.iter_mut() {
                    let Some(cookie) = sign_in(&client, &base, user).await else { break 'outer };
                    ledger.lock().unwrap().sessions.push(cookie);
                }
            }
            users
        })
    };
    // Facility imports (one at a time, as a facility's system sends them).
    {
        let (client, base, ledger) = (client.clone(), base.to_string(), ledger.clone());
        let (client_id, secret, template) = (world.client_id.clone(), world.client_secret.clone(), world.template.clone());
        let first = world.imports;
        tasks.spawn(async move {
            use base64::Engine;
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
            let Ok(token) = client
                .post(format!("{base}/oauth/token"))
                .header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"))
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&scope=system/Bundle.write")
                .send()
                .await
            else {
                return;
            };
            if token.status() != 200 {
                return;
            }
            let Ok(text) = token.text().await else { return };
            let token: Value = serde_json::from_str(&text).expect("token JSON");
            let token = token["access_token"].as_str().expect("access token").to_string();
            let mut sent = 0;
            loop {
                let (bundle, cccd) = import_bundle(&template, first + sent);
                sent += 1;
                ledger.lock().unwrap().attempted_imports.push(cccd.clone());
                let response = client
                    .post(format!("{base}/fhir"))
                    .header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"))
                    .header(reqwest::header::CONTENT_TYPE, "application/fhir+json")
                    .body(bundle)
                    .send()
                    .await;
                let Ok(response) = response else { return };
                if response.status() != 200 || response.text().await.is_err() {
                    return;
                }
                ledger.lock().unwrap().imported.push(cccd);
            }
        });
    }
    // Let the load run a random while, then SIGKILL.
    let wait = rand::thread_rng().gen_range(150..900);
    tokio::time::sleep(Duration::from_millis(wait)).await;
    server.kill();
    while let Some(result) = tasks.join_next().await {
        result.expect("a load worker panicked");
    }
    let users = sign_ins.await.expect("the sign-in worker panicked");
    for (citizen, user) in world.citizens.iter_mut().zip(users) {
        citizen.user = user;
    }
    let mut ledger = Arc::try_unwrap(ledger).ok().expect("workers finished").into_inner().unwrap();
    world.imports += ledger.attempted_imports.len();
    world.ledger.reads.append(&mut ledger.reads);
    world.ledger.grants.append(&mut ledger.grants);
    world.ledger.revoked.append(&mut ledger.revoked);
    world.ledger.sessions.append(&mut ledger.sessions);
    world.ledger.imported.append(&mut ledger.imported);
    world.ledger.attempted_imports.append(&mut ledger.attempted_imports);
}

fn placeholder() -> User {
    User { authenticator: SoftPasskey::new(true), credential_ids: Vec::new(), user_handle: Vec::new(), cookie: String::new() }
}

async fn scalar(db: &sqlx::AnyPool, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).bind(bind).fetch_one(db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Everything the client saw succeed is there; no import is half-written; the chain verifies;
/// the server serves (checked by the caller after restart).
async fn check(world: &World, server: &Server, kill: usize) {
    let db = &world.db;
    for request_id in &world.ledger.reads {
        let rows =
            scalar(db, "select count(*) from audit_event where request_id = $1 and action = 'read' and outcome <> 'denied'", request_id)
                .await;
        assert!(rows > 0, "after kill {kill}: a read answered 200 ({request_id}) has no audit row");
    }
    for grant_id in &world.ledger.grants {
        assert_eq!(
            scalar(db, "select count(*) from consent_grant where consent_grant_id = $1", grant_id).await,
            1,
            "after kill {kill}: grant {grant_id} lost"
        );
    }
    for grant_id in &world.ledger.revoked {
        let revoked =
            scalar(db, "select count(*) from consent_grant where consent_grant_id = $1 and revoked_at is not null", grant_id).await;
        assert_eq!(revoked, 1, "after kill {kill}: the revocation of {grant_id} was lost");
    }
    for cccd in &world.ledger.imported {
        assert_eq!(scalar(db, "select count(*) from patient where cccd = $1", cccd).await, 1, "after kill {kill}: import {cccd} lost");
    }
    for cccd in &world.ledger.attempted_imports {
        let people = scalar(db, "select count(*) from patient where cccd = $1", cccd).await;
        if people == 0 {
            continue;
        }
        let provenances =
            scalar(db, "select count(*) from import_provenance p join patient x on x.patient_id = p.patient_id where x.cccd = $1", cccd)
                .await;
        let counted = scalar(
            db,
            "select cast(coalesce(sum(p.created_count), 0) as bigint) from import_provenance p join patient x on x.patient_id = p.patient_id where x.cccd = $1",
            cccd,
        )
        .await;
        let stored =
            scalar(db, "select count(*) from clinical_resource r join patient x on x.patient_id = r.patient_id where x.cccd = $1", cccd)
                .await;
        assert_eq!(provenances, 1, "after kill {kill}: import {cccd} has {provenances} provenances");
        // `created_count` counts the Patient it created as well as the clinical resources.
        assert_eq!(stored + 1, counted, "after kill {kill}: import {cccd} is half-written ({stored} + 1 of {counted} resources)");
    }
    // Each session a sign-in answered with still reads the record (a sample, to keep it short).
    for cookie in world.ledger.sessions.iter().rev().take(3) {
        let response = world.client.get(format!("{}/api/vaccinations", server.base)).header(reqwest::header::COOKIE, cookie).send().await;
        let status = response.expect("the restarted server answers").status();
        assert_eq!(status, 200, "after kill {kill}: a session a sign-in answered with is gone");
    }
    for cookie in &world.ledger.sessions {
        let hash = server::auth::session::hash_token(cookie.split_once('=').expect("cookie").1);
        assert_eq!(
            scalar(db, "select count(*) from session where session_id_hash = $1", &hash).await,
            1,
            "after kill {kill}: session lost"
        );
    }
    let (ok, out) = world.setup.verify_audit();
    assert!(ok && out.starts_with("OK "), "after kill {kill}: verify-audit failed: {out}");
}

async fn crash_and_restart(database_url: String, dir: PathBuf) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let setup = Setup { dir: dir.clone(), database_url: database_url.clone(), port };
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(Duration::from_secs(20)).build().unwrap();
    let server = setup.start(&client).await;
    let base = server.base.clone();
    let codes = citizen_codes(&dir);
    assert!(codes.len() >= 4, "the demo seeds citizens with codes");
    let mut citizens = Vec::new();
    for (cccd, code) in codes.iter().take(4) {
        citizens.push(enrol(&client, &base, cccd, code).await);
    }
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new().max_connections(2).connect(&database_url).await.expect("connect to the test database");
    let clinician_id: String = sqlx::query_scalar("select clinician_id from clinician limit 1").fetch_one(&db).await.expect("a clinician");
    let facility_id: String =
        sqlx::query_scalar("select facility_id from facility order by facility_id limit 1").fetch_one(&db).await.unwrap();
    let issued = setup.command().args(["issue-facility-client", "--facility", &facility_id, "--name", "HIS crash test"]).output().unwrap();
    assert!(issued.status.success(), "{}", String::from_utf8_lossy(&issued.stderr));
    let issued = String::from_utf8_lossy(&issued.stdout).into_owned();
    let field = |name: &str| issued.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).expect("client credentials").to_string();
    let template =
        std::fs::read_to_string(crate::import::synthea_dir().join("Roland928_Nienow652_13b1a0f2-dceb-37a2-f32b-f0ca6e3b9925.json"))
            .expect("the smallest Synthea bundle");
    let mut world = World {
        setup,
        client,
        citizens,
        clinician_id,
        client_id: field("client_id"),
        client_secret: field("client_secret"),
        template,
        ledger: Ledger::default(),
        imports: 0,
        db,
    };
    let kills: usize = std::env::var("HOSO_CRASH_KILLS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let mut server = server;
    for kill in 1..=kills {
        load(&mut world, server).await;
        server = world.setup.start(&world.client).await;
        check(&world, &server, kill).await;
    }
    let ledger = &world.ledger;
    eprintln!(
        "crash test: {kills} kills; survived {} reads, {} grants, {} revocations, {} sign-ins, {} of {} imports",
        ledger.reads.len(),
        ledger.grants.len(),
        ledger.revoked.len(),
        ledger.sessions.len(),
        ledger.imported.len(),
        ledger.attempted_imports.len()
    );
    assert!(
        ledger.reads.len() > kills && !ledger.grants.is_empty() && !ledger.sessions.is_empty() && !ledger.imported.is_empty(),
        "the load did each kind of work at least once"
    );
    assert!(ledger.attempted_imports.len() > ledger.imported.len(), "some imports were cut by a kill (else the test proves little)");
    server.kill();
    world.db.close().await;
}

/// The two databases run one after the other: each keeps both cores busy.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn sqlite_keeps_every_acknowledged_write_through_20_kills() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    crate::support::run(async {
        let dir = temp_dir();
        crash_and_restart(format!("sqlite://{}/hoso.db", dir.display()), dir.clone()).await;
        let _ = std::fs::remove_dir_all(dir);
    });
}

#[test]
fn postgres_keeps_every_acknowledged_write_through_20_kills() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    crate::support::run(async {
        let Some(url) = crate::support::fresh_postgres_database().await else { return };
        let dir = temp_dir();
        crash_and_restart(url, dir.clone()).await;
        let _ = std::fs::remove_dir_all(dir);
    });
}
