//! Benchmark helper: signs `--count` citizens of a populated database in through the real
//! enrolment service (one-time code → passkey registration with a software authenticator →
//! session); each grants immunizations to one benchmark clinician through the real consent
//! service; the clinician enrols the same way. Prints `citizen <token> <patient id>` lines and
//! one `clinician <token>` line for the load generator.
//!
//! `DATABASE_URL=sqlite://… cargo run --release -p server --example bench_sessions -- --count 256`

use std::sync::Arc;

use app::dto::CeremonyFinish;
use app::port::{RequestMeta, SessionToken};
use server::config::Config;
use server::seed::{issue_enrolment_code, Enrols};
use server::service::consent::NewGrant;
use server::service::{Clock, Portal, SystemClock};
use server::store::Store;
use sqlx::Row;
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs_proto::CreationChallengeResponse;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let count: i64 = args.iter().position(|a| a == "--count").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()).unwrap_or(256);
    let config = Config::from_env()?;
    let origin = config.public_url.clone();
    let store = Store::connect(&config.database_url, 2).await?;
    let webauthn = Arc::new(server::webauthn(&config)?);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let cards = Arc::new(server::shc::Cards::open(&config)?);
    let portal = Portal::new(store, Arc::new(config), webauthn, clock.clone(), cards)?;

    let mut conn = portal.store.reader().acquire().await?;
    let rows = sqlx::query("select patient_id, cccd from patient where account_id is null order by patient_id limit $1")
        .bind(count)
        .fetch_all(&mut *conn)
        .await?;
    drop(conn);
    // The benchmark clinician and their facility.
    let now = clock.now_ms();
    let facility_id = server::store::new_id();
    let clinician_id = server::store::new_id();
    let clinician_cccd = "001080999999";
    let mut tx = portal.store.begin().await?;
    server::store::account::insert_facility(&mut tx, &facility_id, "Bệnh viện Benchmark", "001", now).await?;
    let account = server::store::account::AccountRow {
        account_id: server::store::new_id(),
        role: "clinician".into(),
        display_name: "BS. Benchmark".into(),
        user_handle: uuid::Uuid::new_v4().to_string(),
        status: "active".into(),
    };
    server::store::account::insert(&mut tx, &account, now).await?;
    server::store::account::insert_clinician(&mut tx, &clinician_id, &account.account_id, &facility_id, "BS. Benchmark", now).await?;
    let clinician_code = issue_enrolment_code(&mut tx, Enrols::Account(account.account_id.clone()), clinician_cccd, now, 3_600_000).await?;
    tx.commit().await?;
    let expires_on = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();

    for row in rows {
        let patient_id: String = row.try_get("patient_id")?;
        let cccd: String = row.try_get("cccd")?;
        let now = clock.now_ms();
        let mut tx = portal.store.begin().await?;
        let code = issue_enrolment_code(&mut tx, Enrols::Patient(patient_id.clone()), &cccd, now, 3_600_000).await?;
        tx.commit().await?;
        let meta =
            RequestMeta { session_token: None, bearer_token: None, request_id: "bench".into(), now_ms: now, zone: Default::default() };
        let started = portal.enrol_start(&meta, &cccd, &code).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut options: CreationChallengeResponse = serde_json::from_value(started.options)?;
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            // SoftPasskey cannot store resident keys; sign-in is not what this helper measures.
            selection.require_resident_key = false;
            selection.resident_key = None;
        }
        let credential =
            SoftPasskey::new(true).do_registration(Url::parse(origin.as_str())?, options).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let session = portal
            .enrol_finish(&meta, CeremonyFinish { ceremony_id: started.ceremony_id, credential: serde_json::to_value(credential)? })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let signed_in = RequestMeta {
            session_token: Some(SessionToken(session.token.clone())),
            bearer_token: None,
            request_id: "bench".into(),
            now_ms: clock.now_ms(),
            zone: Default::default(),
        };
        portal
            .create_grant(
                &signed_in,
                NewGrant {
                    grantee_kind: "clinician".into(),
                    grantee_id: clinician_id.clone(),
                    categories: vec!["immunizations".into()],
                    purpose: "treatment".into(),
                    written_request: false,
                    starts_on: String::new(),
                    expires_on: expires_on.clone(),
                    patient_id: None,
                    child_consents: false,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!("citizen {} {patient_id}", session.token);
    }
    let token = enrol(&portal, &origin, clinician_cccd, &clinician_code, clock.now_ms()).await?;
    println!("clinician {token}");
    Ok(())
}

async fn enrol(portal: &Portal, origin: &Url, cccd: &str, code: &str, now: i64) -> anyhow::Result<String> {
    let meta = RequestMeta { session_token: None, bearer_token: None, request_id: "bench".into(), now_ms: now, zone: Default::default() };
    let started = portal.enrol_start(&meta, cccd, code).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut options: CreationChallengeResponse = serde_json::from_value(started.options)?;
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.require_resident_key = false;
        selection.resident_key = None;
    }
    let credential = SoftPasskey::new(true).do_registration(Url::parse(origin.as_str())?, options).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let session = portal
        .enrol_finish(&meta, CeremonyFinish { ceremony_id: started.ceremony_id, credential: serde_json::to_value(credential)? })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(session.token)
}
