//! `server`: serves the portal, or runs one maintenance command.
//!
//! ```text
//! server                                  serve (migrate, seed demo data on first start)
//! server migrate                          apply migrations and exit
//! server issue-enrolment-code --cccd N    issue a one-time enrolment code for the patient with CCCD N
//! server bench-populate --patients N --entries M
//!                                         fill the database with a synthetic population (benchmarks)
//! server rotate-card-key                 make a new SMART Health Card signing key current; earlier
//!                                         public keys stay published so their cards still verify
//! server issue-facility-client --facility ID --name N
//!                                         machine credentials for a facility's system to import
//!                                         FHIR bundles (client id and secret, shown once); the
//!                                         console's facility page does the same, audited
//! server revoke-facility-client --client ID
//!                                         revoke those credentials; their tokens stop at once
//! server export --out DIR                everything (records, consents, audit chain, accounts
//!                                         without secrets) as FHIR NDJSON + signed manifest
//! server restore --from DIR               an export into an empty database (checks signature,
//!                                         checksums, then the audit chain)
//! server verify-audit                     walk the audit hash chain and its signed checkpoints:
//!                                         prints `OK <n> entries` or the first broken entry, exit 1
//! ```

use std::sync::Arc;

use anyhow::{bail, Context};
use server::config::Config;
use server::service::{Clock, SystemClock};
use server::store::{self, Store};

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,hyper=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|arg| arg == name).and_then(|index| args.get(index + 1)).cloned()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    init_tracing(&config);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("migrate") => {
            let store = Store::connect(&config.database_url, 1).await?;
            store.migrate().await?;
            println!("migrations applied");
            Ok(())
        }
        Some("issue-enrolment-code") => {
            let cccd = flag(&args, "--cccd").context("usage: server issue-enrolment-code --cccd <12 digits>")?;
            issue_code(config, &cccd).await
        }
        Some("verify-audit") => verify_audit(config).await,
        Some("export") => {
            let out = flag(&args, "--out").context("usage: server export --out <new directory>")?;
            export(config, std::path::Path::new(&out)).await
        }
        Some("restore") => {
            let from = flag(&args, "--from").context("usage: server restore --from <export directory>")?;
            restore(config, std::path::Path::new(&from)).await
        }
        Some("issue-facility-client") => {
            let usage = "usage: server issue-facility-client --facility <facility id> --name <what the system is>";
            let facility = flag(&args, "--facility").context(usage)?;
            let name = flag(&args, "--name").context(usage)?;
            issue_facility_client(config, &facility, &name).await
        }
        Some("revoke-facility-client") => {
            let client = flag(&args, "--client").context("usage: server revoke-facility-client --client <client id>")?;
            revoke_facility_client(config, &client).await
        }
        Some("counts") => counts(config).await,
        Some("rotate-card-key") => {
            let kid = server::shc::keys::rotate(&config.card_key_dir).context("key rotation failed")?;
            println!("new health-card signing key {kid} in {}", config.card_key_dir.display());
            Ok(())
        }
        Some("bench-populate") => {
            let patients = flag(&args, "--patients").and_then(|n| n.parse().ok()).unwrap_or(10_000);
            let entries = flag(&args, "--entries").and_then(|n| n.parse().ok()).unwrap_or(50);
            bench_populate(config, patients, entries).await
        }
        Some(other) => bail!("unknown command {other:?}; see the README"),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let site_root = std::env::var("HOSO_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let listen = config.listen;
    let public_url = config.public_url.clone();
    let data_dir = config.data_dir.clone();
    let seed_demo = config.seed_demo;
    let valid_ms = i64::try_from(config.enrolment_code_validity.as_millis()).unwrap_or(i64::MAX);
    let (router, portal) = server::assemble(config, &site_root, clock.clone()).await.context("start-up failed")?;
    if seed_demo {
        let now = clock.now_ms();
        let codes = server::seed::seed_demo_if_empty(&portal.store, now, valid_ms).await.context("seeding demo data failed")?;
        if !codes.is_empty() {
            let expires =
                chrono::DateTime::from_timestamp_millis(now + valid_ms).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default();
            server::seed::write_codes_file(&data_dir, &codes, &expires)?;
            tracing::info!(people = codes.len(), "demo data seeded");
        }
        // Codes are secrets and come with names and CCCDs: only in the file (mode 0600), never in
        // the output or the logs.
        let file = data_dir.join(server::seed::DEMO_CODES_FILE);
        if file.exists() {
            println!("demo enrolment codes: {} (readable only by you)", file.display());
        }
    }
    let audit_key = Arc::new(server::audit::chain::AuditKey::load_or_create(&portal.config.audit_key_file).context("audit signing key")?);
    tokio::spawn(checkpoint_periodically(portal.clone(), audit_key.clone(), clock.clone()));
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    println!("hoso is serving on http://{listen} — open {public_url} in your browser");
    // The peer address is what the abuse limits count per client.
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
        .context("server error")?;
    checkpoint_now(&portal, &audit_key, clock.now_ms()).await;
    portal.store.close().await;
    Ok(())
}

/// Signs a checkpoint of the audit chain every `HOSO_AUDIT_CHECKPOINT_SECONDS` (when it moved).
async fn checkpoint_periodically(portal: Arc<server::service::Portal>, key: Arc<server::audit::chain::AuditKey>, clock: Arc<dyn Clock>) {
    let mut interval = tokio::time::interval(portal.config.audit_checkpoint_interval);
    loop {
        interval.tick().await;
        checkpoint_now(&portal, &key, clock.now_ms()).await;
    }
}

async fn checkpoint_now(portal: &server::service::Portal, key: &server::audit::chain::AuditKey, now: i64) {
    let outcome = async {
        let mut tx = portal.store.begin().await?;
        let done = server::audit::chain::checkpoint(&mut tx, key, now).await?;
        tx.commit().await.map_err(server::store::StoreError::from)?;
        Ok::<_, server::store::StoreError>(done)
    }
    .await;
    match outcome {
        Ok(Some(id)) => tracing::info!(last_event_id = id, "audit checkpoint signed"),
        Ok(None) => {}
        Err(error) => tracing::error!(%error, "audit checkpoint failed"),
    }
}

async fn verify_audit(config: Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let key = if config.audit_key_file.exists() {
        Some(server::audit::chain::AuditKey::load(&config.audit_key_file)?.verifying_key())
    } else {
        eprintln!("warning: no audit key at {}; checkpoint signatures are not checked", config.audit_key_file.display());
        None
    };
    let mut conn = store.reader().acquire().await?;
    let verdict = server::audit::chain::verify(&mut conn, key.as_ref()).await?;
    drop(conn);
    store.close().await;
    match verdict {
        server::audit::chain::Verdict::Ok { entries, checkpoints } => {
            println!("OK {entries} entries, {checkpoints} signed checkpoints");
            Ok(())
        }
        server::audit::chain::Verdict::Broken { entry, why } => {
            println!("BROKEN at entry {entry}: {why}");
            std::process::exit(1);
        }
    }
}

/// Ctrl-C or SIGTERM (what service managers send) end the server gracefully.
async fn shutdown() {
    #[cfg(unix)]
    {
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn issue_code(config: Config, cccd: &str) -> anyhow::Result<()> {
    let cccd = server::cccd::parse(cccd).context("a CCCD has exactly 12 digits")?;
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let now = SystemClock.now_ms();
    let valid_ms = i64::try_from(config.enrolment_code_validity.as_millis()).unwrap_or(i64::MAX);
    let mut tx = store.begin().await?;
    // A record not yet enrolled; or a staff account bound to this CCCD (a new code adds a passkey:
    // the way back in for an administrator who lost every device).
    let enrols = match store::patient::by_cccd(&mut tx, &cccd).await? {
        Some(patient) if patient.account_id.is_some() => bail!("this patient has already enrolled"),
        Some(patient) => server::seed::Enrols::Patient(patient.patient_id),
        None => match store::enrolment::staff_account_by_cccd(&mut tx, &cccd).await? {
            Some(account_id) => server::seed::Enrols::Account(account_id),
            None => bail!("no record or staff account has this CCCD"),
        },
    };
    let code = server::seed::issue_enrolment_code(&mut tx, enrols, &cccd, now, valid_ms).await?;
    tx.commit().await?;
    println!("{code}");
    Ok(())
}

async fn export(config: Config, out: &std::path::Path) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let key = server::audit::chain::AuditKey::load_or_create(&config.audit_key_file).context("audit signing key")?;
    let started = std::time::Instant::now();
    let report = server::export::export(&store, &key, out, SystemClock.now_ms(), |step| {
        if step.finished {
            eprintln!("  {step}");
        }
    })
    .await?;
    store.close().await;
    let rows: u64 = report.files.iter().map(|f| f.count).sum();
    println!(
        "exported {rows} rows in {} files to {} in {:.1} s (manifest.json signed with audit key {})",
        report.files.len(),
        out.display(),
        started.elapsed().as_secs_f64(),
        key.key_id()
    );
    Ok(())
}

async fn restore(config: Config, from: &std::path::Path) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let key = if config.audit_key_file.exists() {
        Some(server::audit::chain::AuditKey::load(&config.audit_key_file)?.verifying_key())
    } else {
        eprintln!(
            "warning: no audit key at {}; the manifest is checked against the public key it names only",
            config.audit_key_file.display()
        );
        None
    };
    let started = std::time::Instant::now();
    eprintln!("  checking the manifest's signature and every file's SHA-256");
    let rows = server::export::restore(&store, from, key.as_ref(), |step| {
        if step.finished {
            eprintln!("  {step} restored");
        }
    })
    .await?;
    let mut conn = store.reader().acquire().await?;
    let verdict = server::audit::chain::verify(&mut conn, key.as_ref()).await?;
    drop(conn);
    store.close().await;
    println!("restored {rows} rows from {} in {:.1} s", from.display(), started.elapsed().as_secs_f64());
    match verdict {
        server::audit::chain::Verdict::Ok { entries, checkpoints } => {
            println!("audit chain OK {entries} entries, {checkpoints} signed checkpoints");
            Ok(())
        }
        server::audit::chain::Verdict::Broken { entry, why } => {
            println!("audit chain BROKEN at entry {entry}: {why}");
            std::process::exit(1);
        }
    }
}

async fn issue_facility_client(config: Config, facility_id: &str, name: &str) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let now = SystemClock.now_ms();
    match server::service::facility_import::issue_client(&store, facility_id, name, None, now).await? {
        Some(issued) => {
            println!("client_id={}\nclient_secret={}", issued.client_id, issued.client_secret);
            Ok(())
        }
        None => {
            let mut conn = store.reader().acquire().await?;
            eprintln!("no facility {facility_id:?}; the facilities are:");
            for facility in store::admin::facilities(&mut conn, now).await? {
                eprintln!("  {}  {}", facility.facility_id, facility.name);
            }
            std::process::exit(1);
        }
    }
}

async fn revoke_facility_client(config: Config, client_id: &str) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let mut tx = store.begin().await?;
    let revoked = store::import::revoke_client(&mut tx, client_id, SystemClock.now_ms()).await?;
    tx.commit().await?;
    if !revoked {
        bail!("no active facility client {client_id:?}");
    }
    println!("revoked {client_id}; its access tokens no longer work");
    Ok(())
}

/// Prints how many accounts, sessions, passkeys, enrolled records, provider links, sign-ins in
/// flight, audit rows, API tokens, records, identifiers, stored resources, directory entries and
/// import provenance rows the database holds, as one JSON object (operators' check; the browser
/// tests use it to prove a refused sign-in created nothing and a resent bundle changed nothing).
async fn counts(config: Config) -> anyhow::Result<()> {
    use server::store::federation::{count, CountedTable as T};
    let store = Store::connect(&config.database_url, 1).await?;
    let mut conn = store.reader().acquire().await?;
    let mut out = serde_json::Map::new();
    for (name, table) in [
        ("accounts", T::Accounts),
        ("sessions", T::Sessions),
        ("passkeys", T::Passkeys),
        ("enrolled_patients", T::EnrolledPatients),
        ("links", T::Links),
        ("pending_logins", T::PendingLogins),
        ("audit_events", T::AuditEvents),
        ("api_tokens", T::ApiTokens),
        ("patients", T::Patients),
        ("patient_identifiers", T::PatientIdentifiers),
        ("clinical_resources", T::ClinicalResources),
        ("directory_resources", T::DirectoryResources),
        ("import_provenance", T::ImportProvenance),
    ] {
        out.insert(name.into(), count(&mut conn, table).await?.into());
    }
    println!("{}", serde_json::Value::Object(out));
    Ok(())
}

async fn bench_populate(config: Config, patients: usize, entries: usize) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let now = SystemClock.now_ms();
    let today = chrono::Utc::now().date_naive();
    let started = std::time::Instant::now();
    let mut written = 0usize;
    let mut resources = 0usize;
    let mut tx = store.begin().await?;
    for patient in server::seed::generate::synthetic_patients(7, patients, entries, today) {
        resources += patient.resources.len();
        server::seed::insert_patient(&mut tx, &patient, now).await?;
        written += 1;
        if written.is_multiple_of(500) {
            tx.commit().await?;
            tx = store.begin().await?;
            eprintln!("  {written}/{patients} people, {resources} clinical entries");
        }
    }
    tx.commit().await?;
    println!("populated {written} people and {resources} clinical entries in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
