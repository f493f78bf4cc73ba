//! FHIR benchmark, in one process through the real router (every middleware, the handlers, the
//! spool file, the importer, the access policy and the audit chain; no network in between):
//!
//! 1. **Import**: the ten Synthea patient bundles (plus the hospital and practitioner bundles),
//!    copied `--copies` times as distinct people (ids, `urn:uuid:`s and CCCDs changed per copy),
//!    each copy's bundles posted to `POST /fhir` with a facility token, one after another, into a
//!    fresh database. Then the same bundles again (every entry unchanged). Resources/s = entries
//!    answered / wall time.
//!    Baseline in the same run: `serde_json` parsing the same bodies into `Value` (the least any
//!    importer must do), and the published per-core figures of Blaze and Aidbox scaled to the
//!    cores used.
//! 2. **Read**: a citizen who enrolled (passkey) reads `GET /fhir/Immunization?_count=50` of their
//!    imported record: session → policy → store → audit row, `--concurrency` requests at a time.
//!    Baseline: `GET /healthz` through the same router the same way.
//!
//! 3. **Beside another server** (`--helios URL`, a running `hfs` of the crates.io `helios-hfs`
//!    on an empty database): the same bundles posted to it over loopback HTTP, and the same person's
//!    `Immunization?patient=…&_count=50` read from it; hoso's reads are then measured over loopback
//!    HTTP too (the router served on 127.0.0.1), with the same client, so both pay the same network
//!    path. (The other server does no access control and no audit.)
//!
//! `cargo run --release -p server --example bench_fhir -- --copies 10 --reads 4000 [--helios http://127.0.0.1:8090]`
//! (`DATABASE_URL` unset: a fresh SQLite file in a temporary directory.)

use std::future::IntoFuture;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use app::dto::CeremonyFinish;
use app::port::RequestMeta;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use openidconnect::reqwest;
use serde_json::{json, Value};
use server::config::Config;
use server::service::{Clock, SystemClock};
use tower::ServiceExt;
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs_proto::CreationChallengeResponse;

fn flag(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()).unwrap_or(default)
}

/// Gives every id and `urn:uuid:` of a bundle a copy-specific prefix.
fn relabel(value: &mut Value, copy: usize) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if let Value::String(text) = inner {
                    if (key == "fullUrl" || key == "reference") && text.starts_with("urn:uuid:") && text.len() >= 11 {
                        // Still a UUID (another server may insist): the copy number in its first byte.
                        *text = format!("urn:uuid:{:02x}{}", copy % 256, &text[11..]);
                    } else if key == "id" {
                        *text = format!("c{copy}-{text}");
                    }
                } else {
                    relabel(inner, copy);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| relabel(item, copy)),
        _ => {}
    }
}

/// A CCCD that agrees with birth year and sex, distinct per `index`.
fn cccd(patient: &Value, index: usize) -> String {
    let year: u32 = patient["birthDate"].as_str().and_then(|b| b.get(..4)).and_then(|y| y.parse().ok()).unwrap_or(2000);
    let female = u32::from(patient["gender"] == "female");
    format!("0{:02}{}{:02}{:06}", index % 90 + 1, (year / 100 - 19) * 2 + female, year % 100, 100_000 + index)
}

async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.expect("router");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let copies = flag(&args, "--copies", 10);
    let reads = flag(&args, "--reads", 4000);
    let concurrency = flag(&args, "--concurrency", 16);
    let import_concurrency = flag(&args, "--import-concurrency", 2).max(1);
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthea");
    let dir = std::env::temp_dir().join(format!("hoso-bench-fhir-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/hoso.db", dir.display()));
    let mut config = Config::for_tests(&url, dir.clone());
    config.import_max_bytes = 64 * 1024 * 1024;
    let origin = config.public_url.clone();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let (router, portal) = server::assemble(config, dir.to_str().unwrap_or("."), clock.clone()).await?;

    // The bundles: directory bundles first (hospitals, practitioners), then the ten people.
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort_by_key(|p| (!p.to_string_lossy().contains("Information"), p.clone()));
    let originals: Vec<Value> =
        names.iter().map(|p| serde_json::from_slice(&std::fs::read(p)?).map_err(anyhow::Error::from)).collect::<Result<_, _>>()?;
    let mut bodies = Vec::new();
    let mut person = 0;
    let mut reader_cccd = None;
    for copy in 0..copies {
        for original in &originals {
            let mut bundle = original.clone();
            relabel(&mut bundle, copy);
            if let Some(entry) =
                bundle["entry"].as_array_mut().and_then(|e| e.iter_mut().find(|e| e["resource"]["resourceType"] == "Patient"))
            {
                let number = cccd(&entry["resource"], person);
                person += 1;
                if reader_cccd.is_none() {
                    reader_cccd = Some(number.clone());
                }
                if let Some(identifiers) = entry["resource"]["identifier"].as_array_mut() {
                    // Each copy is another person: their identifiers differ too.
                    for identifier in identifiers.iter_mut() {
                        if let Some(value) = identifier["value"].as_str() {
                            identifier["value"] = json!(format!("c{copy}-{value}"));
                        }
                    }
                    identifiers.push(json!({ "system": server::fhir::CCCD_SYSTEM, "value": number }));
                }
            }
            let entries = bundle["entry"].as_array().map(Vec::len).unwrap_or(0);
            bodies.push((bundle.to_string().into_bytes(), entries));
        }
    }
    let total_entries: usize = bodies.iter().map(|(_, n)| n).sum();
    let total_bytes: usize = bodies.iter().map(|(b, _)| b.len()).sum();

    // A facility and its token.
    let now = clock.now_ms();
    let facility_id = server::store::new_id();
    let mut tx = portal.store.begin().await?;
    server::store::account::insert_facility(&mut tx, &facility_id, "Bệnh viện Benchmark", "001", now).await?;
    tx.commit().await?;
    let issued = server::service::facility_import::issue_client(&portal.store, &facility_id, "bench", None, now)
        .await?
        .ok_or_else(|| anyhow::anyhow!("facility"))?;
    let (status, body) = send(
        &router,
        Request::post("/oauth/token")
            .header(header::HOST, "localhost:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                issued.client_id, issued.client_secret
            )))?,
    )
    .await;
    anyhow::ensure!(status == StatusCode::OK, "token: {body}");
    let token = serde_json::from_str::<Value>(&body)?["access_token"].as_str().unwrap_or_default().to_string();

    // Baseline: parsing alone.
    let started = Instant::now();
    for (body, _) in &bodies {
        let parsed: Value = serde_json::from_slice(body)?;
        std::hint::black_box(parsed);
    }
    let parse_secs = started.elapsed().as_secs_f64();

    // Bundles go out `--import-concurrency` at a time (a facility's system posting from a queue).
    let import_round = |label: &'static str| {
        let router = router.clone();
        let token = token.clone();
        let queue = Arc::new(std::sync::Mutex::new(bodies.clone().into_iter().map(|(body, _)| body).collect::<Vec<_>>()));
        async move {
            let started = Instant::now();
            let mut workers = tokio::task::JoinSet::new();
            for _ in 0..import_concurrency {
                let (router, token, queue) = (router.clone(), token.clone(), queue.clone());
                workers.spawn(async move {
                    let (mut answered, mut created) = (0usize, 0usize);
                    loop {
                        let next = queue.lock().map_err(|_| anyhow::anyhow!("queue"))?.pop();
                        let Some(body) = next else { break };
                        let (status, text) = send(
                            &router,
                            Request::post("/fhir")
                                .header(header::HOST, "localhost:3000")
                                .header(header::CONTENT_TYPE, "application/fhir+json")
                                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                                .body(Body::from(body))?,
                        )
                        .await;
                        anyhow::ensure!(status == StatusCode::OK, "{label}: {status} {text}");
                        let answer: Value = serde_json::from_str(&text)?;
                        for entry in answer["entry"].as_array().into_iter().flatten() {
                            answered += 1;
                            created += usize::from(entry["response"]["status"] == "201 Created");
                        }
                    }
                    Ok::<_, anyhow::Error>((answered, created))
                });
            }
            let (mut answered, mut created) = (0usize, 0usize);
            while let Some(done) = workers.join_next().await {
                let (a, c) = done??;
                answered += a;
                created += c;
            }
            Ok::<_, anyhow::Error>((started.elapsed().as_secs_f64(), answered, created))
        }
    };
    let (first_secs, first_answered, first_created) = import_round("first import").await?;
    let (again_secs, again_answered, again_created) = import_round("second import").await?;
    anyhow::ensure!(first_answered == total_entries && again_answered == total_entries, "every entry answered");
    anyhow::ensure!(again_created == 0, "the second import created {again_created}");

    // Read: the first imported person enrols and reads their immunizations by FHIR.
    let cccd = reader_cccd.ok_or_else(|| anyhow::anyhow!("no patient"))?;
    let reader_marker = format!("\"{cccd}\"");
    let mut conn = portal.store.reader().acquire().await?;
    let patient = server::store::patient::by_cccd(&mut conn, &cccd).await?.ok_or_else(|| anyhow::anyhow!("imported patient"))?;
    // The typed clinical model's cost per page render: the overview's and the vaccination page's
    // rows of this person read into the typed structures and mapped (what the pages' use cases do
    // between the store and the view), beside parsing the same rows into `serde_json::Value`
    // (what reading the JSON with string keys needed before any walking).
    let rows = server::store::clinical::by_patient(
        &mut conn,
        &patient.patient_id,
        &["allergies", "conditions", "medications", "visits", "immunizations"],
    )
    .await?;
    drop(conn);
    let renders = 300;
    let started = Instant::now();
    for _ in 0..renders {
        std::hint::black_box(server::service::mapping::overview(&patient, &rows, 5));
        std::hint::black_box(server::service::mapping::vaccinations(&patient, &rows));
    }
    let typed_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(renders);
    let started = Instant::now();
    for _ in 0..renders {
        for row in &rows {
            std::hint::black_box(serde_json::from_str::<Value>(&row.resource_json)?);
        }
    }
    let value_us = started.elapsed().as_secs_f64() * 1e6 / f64::from(renders);
    let mut tx = portal.store.begin().await?;
    let code = server::seed::issue_enrolment_code(
        &mut tx,
        server::seed::Enrols::Patient(patient.patient_id.clone()),
        &cccd,
        clock.now_ms(),
        3_600_000,
    )
    .await?;
    tx.commit().await?;
    let meta = RequestMeta {
        session_token: None,
        bearer_token: None,
        request_id: "bench".into(),
        now_ms: clock.now_ms(),
        zone: Default::default(),
    };
    let started_enrol = portal.enrol_start(&meta, &cccd, &code).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut options: CreationChallengeResponse = serde_json::from_value(started_enrol.options)?;
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.require_resident_key = false;
        selection.resident_key = None;
    }
    let credential = SoftPasskey::new(true).do_registration(Url::parse(origin.as_str())?, options).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let session = portal
        .enrol_finish(&meta, CeremonyFinish { ceremony_id: started_enrol.ceremony_id, credential: serde_json::to_value(credential)? })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let cookie = format!("{}={}", server::auth::session::SESSION_COOKIE, session.token);

    let read_round = |path: &'static str| {
        let router = router.clone();
        let cookie = cookie.clone();
        async move {
            let started = Instant::now();
            let mut tasks = tokio::task::JoinSet::new();
            for worker in 0..concurrency {
                let (router, cookie) = (router.clone(), cookie.clone());
                let share = reads / concurrency + usize::from(worker < reads % concurrency);
                tasks.spawn(async move {
                    for _ in 0..share {
                        let (status, body) = send(
                            &router,
                            Request::get(path).header(header::HOST, "localhost:3000").header(header::COOKIE, &cookie).body(Body::empty())?,
                        )
                        .await;
                        anyhow::ensure!(status == StatusCode::OK, "{path}: {status} {body}");
                    }
                    Ok::<_, anyhow::Error>(())
                });
            }
            while let Some(done) = tasks.join_next().await {
                done??;
            }
            Ok::<_, anyhow::Error>(started.elapsed().as_secs_f64())
        }
    };
    let (status, body) = send(
        &router,
        Request::get("/fhir/Immunization?_count=50")
            .header(header::HOST, "localhost:3000")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())?,
    )
    .await;
    anyhow::ensure!(status == StatusCode::OK, "read: {body}");
    let per_read = serde_json::from_str::<Value>(&body)?["entry"].as_array().map(Vec::len).unwrap_or(0);
    let healthz_secs = read_round("/healthz").await?;
    let fhir_secs = read_round("/fhir/Immunization?_count=50").await?;
    let beside = match args.iter().position(|a| a == "--helios").and_then(|i| args.get(i + 1)) {
        Some(helios) => {
            Some(beside_helios(helios, &router, &bodies, &cookie, &reader_marker, import_concurrency, reads, concurrency).await?)
        }
        None => None,
    };
    let mut conn = portal.store.reader().acquire().await?;
    let audit_rows = server::store::audit::count(&mut conn).await?;
    drop(conn);
    portal.store.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64;
    let rate = |n: usize, secs: f64| n as f64 / secs;
    println!(
        "hoso FHIR benchmark — {} — {cores} cores — {}",
        chrono::Utc::now().format("%Y-%m-%d"),
        if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" }
    );
    println!(
        "import: {} bundles ({} copies of the 12 Synthea files), {total_entries} entries, {:.1} MB, {import_concurrency} bundles at a time",
        bodies.len(),
        copies,
        total_bytes as f64 / 1e6
    );
    println!("{:<46} {:>12} {:>10}", "", "resources/s", "seconds");
    println!("{:<46} {:>12.0} {:>10.2}", "first import (into an empty database)", rate(first_answered, first_secs), first_secs);
    println!("  of which created: {first_created}");
    println!("{:<46} {:>12.0} {:>10.2}", "second import (the same bundles, unchanged)", rate(again_answered, again_secs), again_secs);
    println!("{:<46} {:>12.0} {:>10.2}", "baseline: serde_json parse only (same run)", rate(total_entries, parse_secs), parse_secs);
    println!("{:<46} {:>12.0} {:>10}", format!("published: Blaze ≈ 590/core × {cores}"), 590.0 * cores, "-");
    println!("{:<46} {:>12.0} {:>10}", format!("published: Aidbox ≈ 335/core × {cores}"), 335.0 * cores, "-");
    println!("read: {reads} requests, {concurrency} at a time; each FHIR read returns {per_read} Immunizations");
    println!("{:<46} {:>12} {:>10}", "", "requests/s", "seconds");
    println!("{:<46} {:>12.0} {:>10.2}", "baseline: GET /healthz (same router)", rate(reads, healthz_secs), healthz_secs);
    println!("{:<46} {:>12.0} {:>10.2}", "GET /fhir/Immunization (session→policy→audit)", rate(reads, fhir_secs), fhir_secs);
    println!("audit rows written in all: {audit_rows}");
    println!("typed clinical model, per render of the overview + vaccination pages ({} rows of one person):", rows.len());
    println!("{:<46} {:>12.0} {:>10}", "typed read + mapping (fhir::model), µs", typed_us, "-");
    println!("{:<46} {:>12.0} {:>10}", "baseline: serde_json::Value parse only, µs", value_us, "-");
    if let Some(beside) = beside {
        println!("beside helios-hfs at {} (over loopback HTTP, same client, same bundles):", beside.url);
        println!("{:<46} {:>12} {:>10}", "", "per second", "seconds");
        println!(
            "{:<46} {:>12.0} {:>10.2}",
            "helios-hfs: first import, resources/s",
            rate(beside.import_entries, beside.import_secs),
            beside.import_secs
        );
        println!(
            "{:<46} {:>12.0} {:>10.2}",
            "helios-hfs: GET Immunization?patient=, req/s",
            rate(reads, beside.helios_read_secs),
            beside.helios_read_secs
        );
        println!(
            "{:<46} {:>12.0} {:>10.2}",
            "hoso over HTTP: GET /fhir/Immunization, req/s",
            rate(reads, beside.hoso_read_secs),
            beside.hoso_read_secs
        );
        println!("  helios-hfs answered {} Immunizations per read (hoso {per_read})", beside.helios_per_read);
    }
    Ok(())
}

struct Beside {
    url: String,
    import_entries: usize,
    import_secs: f64,
    helios_read_secs: f64,
    hoso_read_secs: f64,
    helios_per_read: usize,
}

/// `reads` GETs of `url`, `concurrency` at a time, each answered 200.
async fn http_reads(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&str, &str)],
    reads: usize,
    concurrency: usize,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let share = reads / concurrency + usize::from(worker < reads % concurrency);
        let (client, url) = (client.clone(), url.to_string());
        let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        tasks.spawn(async move {
            for _ in 0..share {
                let mut request = client.get(&url);
                for (name, value) in &headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                let response = request.send().await?;
                anyhow::ensure!(response.status().is_success(), "{url}: {}", response.status());
                std::hint::black_box(response.bytes().await?);
            }
            Ok::<_, anyhow::Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// The same bundles into helios-hfs, the same person's immunizations read from it, and hoso's
/// read over the same kind of connection.
#[allow(clippy::too_many_arguments, reason = "one benchmark step with its inputs")]
async fn beside_helios(
    base: &str,
    router: &axum::Router,
    bodies: &[(Vec<u8>, usize)],
    cookie: &str,
    reader_marker: &str,
    import_concurrency: usize,
    reads: usize,
    concurrency: usize,
) -> anyhow::Result<Beside> {
    let base = base.trim_end_matches('/').to_string();
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build()?;
    let metadata = client.get(format!("{base}/metadata")).send().await?;
    anyhow::ensure!(metadata.status().is_success(), "helios-hfs at {base} does not answer /metadata: {}", metadata.status());

    // Import: the same bodies, `import_concurrency` at a time, each must succeed.
    let queue = Arc::new(std::sync::Mutex::new(bodies.iter().map(|(b, _)| b.clone()).collect::<Vec<_>>()));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..import_concurrency {
        let (client, queue, base, marker) = (client.clone(), queue.clone(), base.clone(), reader_marker.to_string());
        workers.spawn(async move {
            let (mut answered, mut reader) = (0usize, None);
            loop {
                let next = queue.lock().map_err(|_| anyhow::anyhow!("queue"))?.pop();
                let Some(body) = next else { break };
                let holds_reader = reader.is_none() && std::str::from_utf8(&body).is_ok_and(|text| text.contains(&marker));
                let response = client.post(&base).header("content-type", "application/fhir+json").body(body).send().await?;
                let status = response.status();
                let text = response.text().await?;
                anyhow::ensure!(status.is_success(), "helios-hfs import: {status} {}", text.chars().take(400).collect::<String>());
                let answer: Value = serde_json::from_str(&text)?;
                for entry in answer["entry"].as_array().into_iter().flatten() {
                    answered += 1;
                    let location = entry["response"]["location"].as_str().unwrap_or_default();
                    if holds_reader && location.starts_with("Patient/") {
                        reader = location.split('/').nth(1).map(str::to_string);
                    }
                }
            }
            Ok::<_, anyhow::Error>((answered, reader))
        });
    }
    let (mut import_entries, mut reader) = (0usize, None);
    while let Some(done) = workers.join_next().await {
        let (answered, found) = done??;
        import_entries += answered;
        reader = reader.or(found);
    }
    let import_secs = started.elapsed().as_secs_f64();
    let reader = reader.ok_or_else(|| anyhow::anyhow!("helios-hfs named no Patient location for the reader's bundle"))?;

    let helios_url = format!("{base}/Immunization?patient={reader}&_count=50");
    let sample: Value = serde_json::from_slice(&client.get(&helios_url).send().await?.bytes().await?)?;
    let helios_per_read = sample["entry"].as_array().map(Vec::len).unwrap_or(0);
    let helios_read_secs = http_reads(&client, &helios_url, &[], reads, concurrency).await?;

    // hoso's router on loopback, read the same way.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let served = tokio::spawn(axum::serve(listener, router.clone()).into_future());
    let hoso_url = format!("http://{address}/fhir/Immunization?_count=50");
    let hoso_read_secs = http_reads(&client, &hoso_url, &[("cookie", cookie), ("host", "localhost:3000")], reads, concurrency).await?;
    served.abort();
    Ok(Beside { url: base, import_entries, import_secs, helios_read_secs, hoso_read_secs, helios_per_read })
}
