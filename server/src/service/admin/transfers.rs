//! The console's part of interoperability: a facility system's machine credentials (issued with
//! the secret shown once, revoked at once), the complete export (vendor exit) started as a
//! background task, and the progress of exports and facility imports.
//!
//! Issuing, revoking and exporting need a fresh passkey confirmation and are audited; an export
//! is audited when it starts and again when it ends, with the SHA-256 of its signed manifest.

use std::path::{Path, PathBuf};

use app::dto::{FacilityClientInfo, IssuedFacilityClient, TransferInfo, Transfers};
use app::error::InvalidInput;
use app::port::RequestMeta;
use sha2::{Digest, Sha256};

use super::{invalid, name, Portal};
use crate::audit::{self, AuditEvent};
use crate::error::ServiceError;
use crate::policy::Actor;
use crate::service::consent::iso;
use crate::service::facility_import::issue_client_in;
use crate::store::import::FacilityClientRow;
use crate::store::{self, Store, StoreError};
use crate::transfers::{Handle, Kind, Outcome, Transfer};

pub(super) fn client_info(row: FacilityClientRow) -> FacilityClientInfo {
    FacilityClientInfo {
        client_id: row.facility_client_id,
        name: row.name,
        created_at: iso(row.created_at),
        last_used_at: row.last_used_at.map(iso),
        revoked_at: row.revoked_at.map(iso),
    }
}

fn transfer_info(transfer: Transfer) -> TransferInfo {
    let (state, facts, problem) = match transfer.outcome {
        Outcome::Running => ("running", Vec::new(), String::new()),
        Outcome::Done(facts) => ("done", facts.into_iter().map(|(code, value)| (code.to_string(), value)).collect(), String::new()),
        Outcome::Failed(why) => ("failed", Vec::new(), why),
    };
    TransferInfo {
        transfer_id: transfer.transfer_id,
        kind: transfer.kind.as_str().to_string(),
        label: transfer.label,
        started_at: iso(transfer.started_at),
        finished_at: transfer.finished_at.map(iso),
        stage: transfer.stage.to_string(),
        detail: transfer.detail,
        done: transfer.done,
        total: transfer.total,
        state: state.to_string(),
        facts,
        problem,
    }
}

/// Where console exports go: `<data dir>/exports`, as an absolute path for the administrator.
pub fn export_root(data_dir: &Path) -> PathBuf {
    let root = data_dir.join("exports");
    std::path::absolute(&root).unwrap_or(root)
}

/// What an export started from the console needs once the request has ended.
struct ExportJob {
    store: Store,
    key_file: PathBuf,
    dir: PathBuf,
    name: String,
    actor: Actor,
    request_id: String,
    clock: std::sync::Arc<dyn crate::service::Clock>,
}

impl ExportJob {
    async fn run(self, transfer: Handle) {
        let now = self.clock.now_ms();
        let result = async {
            let key = crate::audit::chain::AuditKey::load_or_create(&self.key_file)?;
            let report = crate::export::export(&self.store, &key, &self.dir, now, |step| {
                transfer.progress("exporting", step.table, step.index as u64, crate::export::TABLES.len() as u64)
            })
            .await?;
            transfer.progress("signing", "manifest.json", crate::export::TABLES.len() as u64, crate::export::TABLES.len() as u64);
            let manifest = std::fs::read(self.dir.join("manifest.json"))?;
            anyhow::Ok((report, hex::encode(&Sha256::digest(&manifest))))
        }
        .await;
        let finished = self.clock.now_ms();
        let (action, digest, code) = match &result {
            Ok((_, digest)) => ("export_done", Some(digest.as_str()), None),
            Err(_) => ("export_failed", None, Some("error")),
        };
        let event =
            AuditEvent::AdminAction { actor: &self.actor, action, patient_id: None, target: Some(&self.name), basis_ref: digest, code };
        let audited = async {
            let mut tx = self.store.begin().await?;
            audit::record(&mut tx, event, &self.request_id, finished).await?;
            tx.commit().await.map_err(StoreError::from)
        }
        .await;
        if let Err(error) = audited {
            tracing::error!(%error, "the end of an export could not be audited");
        }
        match result {
            Ok((report, digest)) => {
                let rows: u64 = report.files.iter().map(|f| f.count).sum();
                tracing::info!(rows, dir = %self.dir.display(), "export finished");
                transfer.finish(
                    finished,
                    vec![
                        ("rows", rows.to_string()),
                        ("files", report.files.len().to_string()),
                        ("directory", self.dir.display().to_string()),
                        ("sha256", digest),
                    ],
                );
            }
            Err(error) => {
                tracing::error!(error = %format!("{error:#}"), "export failed");
                transfer.fail(finished, format!("{error:#}"));
            }
        }
    }
}

impl Portal {
    /// Issues machine credentials to a facility's system. The secret is returned this once and
    /// stored only as a hash.
    pub async fn admin_issue_facility_client(
        &self,
        meta: &RequestMeta,
        facility_id: &str,
        client_name: &str,
    ) -> Result<IssuedFacilityClient, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_issue_facility_client").await?;
        let client_name = name(client_name)?;
        let mut tx = self.store.begin().await?;
        let issued = issue_client_in(&mut tx, facility_id, &client_name, Some(&session.principal.account.account_id), meta.now_ms)
            .await?
            .ok_or(invalid(InvalidInput::UnknownTarget))?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "facility_client_issue",
            patient_id: None,
            target: Some(facility_id),
            basis_ref: Some(&issued.client_id),
            code: None,
        };
        self.commit_action(tx, meta, event).await?;
        Ok(IssuedFacilityClient { client_id: issued.client_id, client_secret: issued.client_secret, name: client_name })
    }

    /// Revokes a facility system's credentials; its access tokens stop working at once.
    pub async fn admin_revoke_facility_client(&self, meta: &RequestMeta, client_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_revoke_facility_client").await?;
        let mut tx = self.store.begin().await?;
        let client = store::import::client(&mut tx, client_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        if !store::import::revoke_client(&mut tx, client_id, meta.now_ms).await? {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "facility_client_revoke",
            patient_id: None,
            target: Some(&client.facility_id),
            basis_ref: Some(client_id),
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    /// Exports and imports with their progress, newest first.
    pub async fn admin_transfers(&self, meta: &RequestMeta) -> Result<Transfers, ServiceError> {
        self.administrator(meta, "admin_transfers").await?;
        Ok(Transfers {
            transfers: self.transfers.list().into_iter().map(transfer_info).collect(),
            export_root: export_root(&self.config.data_dir).display().to_string(),
        })
    }

    /// Starts a complete export into a new directory under [`export_root`], in the background.
    /// Returns the transfer's id; the console follows its progress. One export at a time.
    pub async fn admin_start_export(&self, meta: &RequestMeta) -> Result<String, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_start_export").await?;
        let stamp = chrono::DateTime::from_timestamp_millis(meta.now_ms).unwrap_or_default().format("%Y%m%dT%H%M%S%.3fZ");
        let name = format!("hoso-export-{stamp}");
        let dir = export_root(&self.config.data_dir).join(&name);
        let transfer = self.transfers.start_alone(Kind::Export, name.clone(), meta.now_ms).ok_or(invalid(InvalidInput::AlreadyRunning))?;
        let tx = self.store.begin().await?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "export_start",
            patient_id: None,
            target: Some(&name),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await?;
        let transfer_id = transfer.id().to_string();
        let job = ExportJob {
            store: self.store.clone(),
            key_file: self.config.audit_key_file.clone(),
            dir,
            name,
            actor: session.actor,
            request_id: meta.request_id.clone(),
            clock: self.clock.clone(),
        };
        tokio::spawn(job.run(transfer));
        Ok(transfer_id)
    }
}
