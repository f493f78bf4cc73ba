//! The tamper-evident chain under the access log.
//!
//! Each entry commits to the previous one: `entry_hash = SHA-256(prev_hash ‖ canonical(row))`,
//! where `canonical` is a JSON array of the row's fields in a fixed order; ids are consecutive.
//! Appends lock the single `audit_head` row, so entries chain in commit order on both databases.
//! The server signs checkpoints (last id, chain hash) with its Ed25519 key, kept outside the
//! database; [`verify`] walks every entry and every checkpoint and names the first broken entry.

use std::path::Path;

use anyhow::Context;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::store::audit::AuditRow;
use crate::store::{Conn, StoreError};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical encoding of a row's content (everything but the two hashes).
pub fn canonical(row: &AuditRow) -> String {
    serde_json::json!([
        "hoso-audit-v1",
        row.audit_event_id,
        row.occurred_at,
        row.request_id,
        row.actor_account_id,
        row.actor_role,
        row.actor_facility_id,
        row.patient_id,
        row.action,
        row.category,
        row.resource_id,
        row.basis,
        row.basis_ref,
        row.purpose,
        row.outcome,
        row.reason,
    ])
    .to_string()
}

pub fn entry_hash(prev_hash: &str, row: &AuditRow) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(canonical(row).as_bytes());
    hex::encode(hasher.finalize())
}

/// Appends a row: takes the head (locking it), chains, inserts, moves the head.
pub async fn append(conn: &mut Conn, row: AuditRow) -> Result<i64, StoreError> {
    let ids = append_all(conn, vec![row]).await?;
    ids.last().copied().ok_or_else(|| StoreError::Corrupt("no audit id".into()))
}

/// Appends several rows in order with three statements: one `update … returning` that reserves
/// the ids and takes the lock (row lock on PostgreSQL, write lock on SQLite), one multi-row
/// insert, one update of the head's hash.
pub async fn append_all(conn: &mut Conn, mut rows: Vec<AuditRow>) -> Result<Vec<i64>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let count = i64::try_from(rows.len()).map_err(|_| StoreError::Corrupt("too many audit rows".into()))?;
    let head =
        sqlx::query("update audit_head set last_event_id = last_event_id + $1 where audit_head_id = 1 returning last_event_id, last_hash")
            .bind(count)
            .fetch_one(&mut *conn)
            .await?;
    let last_id: i64 = head.try_get("last_event_id")?;
    let mut prev_hash: String = head.try_get("last_hash")?;
    let first_id = last_id - count + 1;
    for (offset, row) in (0..).zip(rows.iter_mut()) {
        row.audit_event_id = first_id + offset;
        row.prev_hash = prev_hash;
        row.entry_hash = entry_hash(&row.prev_hash, row);
        prev_hash = row.entry_hash.clone();
    }
    crate::store::audit::insert_many(conn, &rows).await?;
    sqlx::query("update audit_head set last_hash = $1 where audit_head_id = 1").bind(&prev_hash).execute(&mut *conn).await?;
    Ok(rows.iter().map(|row| row.audit_event_id).collect())
}

/// The server's audit signing key, stored as hex in a file readable only by its owner.
pub struct AuditKey {
    key: SigningKey,
}

impl AuditKey {
    /// Loads the key, creating it on first use.
    pub fn load_or_create(path: &Path) -> anyhow::Result<AuditKey> {
        if path.exists() {
            return AuditKey::load(path);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        use std::io::Write;
        let mut file = options.open(path).with_context(|| format!("cannot create the audit key {}", path.display()))?;
        writeln!(file, "{}", hex::encode(&seed))?;
        Ok(AuditKey { key: SigningKey::from_bytes(&seed) })
    }

    pub fn load(path: &Path) -> anyhow::Result<AuditKey> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the audit key {}", path.display()))?;
        let bytes = hex::decode(text.trim()).context("the audit key file is not hex")?;
        let seed: [u8; 32] = bytes.try_into().ok().context("the audit key must be 32 bytes")?;
        Ok(AuditKey { key: SigningKey::from_bytes(&seed) })
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Signs bytes with the audit key (the export manifest).
    pub fn sign(&self, bytes: &[u8]) -> Signature {
        self.key.sign(bytes)
    }

    /// A short id of the public key: the first 16 hex digits of its SHA-256.
    pub fn key_id(&self) -> String {
        key_id(&self.verifying_key())
    }
}

fn key_id(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes())).chars().take(16).collect()
}

fn checkpoint_message(last_event_id: i64, chain_hash: &str) -> String {
    format!("hoso-audit-checkpoint-v1:{last_event_id}:{chain_hash}")
}

/// Signs the current head if it moved since the last checkpoint. Returns the checkpointed id.
pub async fn checkpoint(conn: &mut Conn, key: &AuditKey, now: i64) -> Result<Option<i64>, StoreError> {
    let head = sqlx::query("select last_event_id, last_hash from audit_head where audit_head_id = 1").fetch_one(&mut *conn).await?;
    let last_id: i64 = head.try_get("last_event_id")?;
    let last_hash: String = head.try_get("last_hash")?;
    let latest: Option<i64> = sqlx::query_scalar("select max(last_event_id) from audit_checkpoint").fetch_one(&mut *conn).await?;
    if last_id == 0 || latest == Some(last_id) {
        return Ok(None);
    }
    let signature = key.key.sign(checkpoint_message(last_id, &last_hash).as_bytes());
    sqlx::query("insert into audit_checkpoint (last_event_id, chain_hash, signature, key_id, created_at) values ($1, $2, $3, $4, $5)")
        .bind(last_id)
        .bind(&last_hash)
        .bind(hex::encode(signature.to_bytes()))
        .bind(key.key_id())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(Some(last_id))
}

/// The outcome of a verification.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok { entries: i64, checkpoints: i64 },
    Broken { entry: i64, why: String },
}

/// Walks the whole chain and every checkpoint. `key`: the public key checkpoints must verify under.
pub async fn verify(conn: &mut Conn, key: Option<&VerifyingKey>) -> Result<Verdict, StoreError> {
    let rows = crate::store::audit::all(conn).await?;
    let mut expected_id = 1;
    let mut prev_hash = GENESIS.to_string();
    let mut hashes = std::collections::HashMap::new();
    for row in &rows {
        let broken = |why: &str| Ok(Verdict::Broken { entry: row.audit_event_id, why: why.to_string() });
        if row.audit_event_id != expected_id {
            return Ok(Verdict::Broken {
                entry: expected_id.min(row.audit_event_id),
                why: format!("entry {expected_id} is missing (next present is {})", row.audit_event_id),
            });
        }
        if row.prev_hash != prev_hash {
            return broken("does not follow the previous entry");
        }
        if entry_hash(&prev_hash, row) != row.entry_hash {
            return broken("content does not match its hash");
        }
        prev_hash = row.entry_hash.clone();
        hashes.insert(row.audit_event_id, row.entry_hash.clone());
        expected_id += 1;
    }
    let last_id = expected_id - 1;
    let head = sqlx::query("select last_event_id, last_hash from audit_head where audit_head_id = 1").fetch_one(&mut *conn).await?;
    let head_id: i64 = head.try_get("last_event_id")?;
    let head_hash: String = head.try_get("last_hash")?;
    if head_id != last_id || head_hash != prev_hash {
        return Ok(Verdict::Broken { entry: last_id + 1, why: format!("the chain head says {head_id} entries, {last_id} are present") });
    }
    let checkpoints = sqlx::query("select last_event_id, chain_hash, signature from audit_checkpoint order by audit_checkpoint_id")
        .fetch_all(&mut *conn)
        .await?;
    for checkpoint in &checkpoints {
        let id: i64 = checkpoint.try_get("last_event_id")?;
        let hash: String = checkpoint.try_get("chain_hash")?;
        let signature: String = checkpoint.try_get("signature")?;
        match hashes.get(&id) {
            None => return Ok(Verdict::Broken { entry: id, why: "a signed checkpoint names an entry that is gone".into() }),
            Some(stored) if *stored != hash => {
                return Ok(Verdict::Broken { entry: id, why: "entry differs from its signed checkpoint".into() })
            }
            Some(_) => {}
        }
        if let Some(key) = key {
            let valid = hex::decode(&signature)
                .ok()
                .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
                .map(|bytes| Signature::from_bytes(&bytes))
                .is_some_and(|signature| key.verify(checkpoint_message(id, &hash).as_bytes(), &signature).is_ok());
            if !valid {
                return Ok(Verdict::Broken { entry: id, why: "checkpoint signature does not verify under the server key".into() });
            }
        }
    }
    Ok(Verdict::Ok { entries: rows.len() as i64, checkpoints: checkpoints.len() as i64 })
}
