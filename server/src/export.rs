//! Complete export and restore (vendor exit, Circular 23/2020/TT-BTTTT).
//!
//! `export` writes every table that holds the record or its history as FHIR Bulk Data NDJSON, one
//! file per table, one resource per line: a FHIR view of the row for any FHIR tool to read
//! (Patient, the clinical resources as received, Consent, AuditEvent, Provenance, Organization,
//! Person, Practitioner; `Basic` for the portal's own facts) carrying the exact row in the
//! extension [`ROW_EXTENSION`], so `restore` puts back the same bytes and the audit hash chain
//! still verifies. A `manifest.json` (the Bulk Data manifest, plus each file's SHA-256 and count,
//! and the audit chain's head) is signed with the audit key (`manifest.sig`, Ed25519).
//!
//! Secrets never leave: session and token hashes, enrolment-code hashes, facility clients' and
//! identity providers' secrets, WebAuthn ceremonies and sign-ins in flight are not exported.
//! Passkeys are (public keys only), so people sign in to the restored portal as before.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use anyhow::{bail, Context};
use base64::Engine;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};

use crate::audit::chain::AuditKey;
use crate::fhir::exact::Json;
use crate::store::{Backend, Store};

pub const ROW_EXTENSION: &str = "urn:hoso:export-row";
pub const FORMAT: &str = "hoso-export-v1";

/// The tables exported, in an order that restores without breaking a foreign key: (table, key
/// column to order by, FHIR type of its rows).
pub const TABLES: [(&str, &str, &str); 14] = [
    ("facility", "facility_id", "Organization"),
    ("account", "account_id", "Person"),
    ("patient", "patient_id", "Patient"),
    ("clinician", "clinician_id", "Practitioner"),
    ("passkey", "passkey_id", "Basic"),
    ("clinical_resource", "clinical_resource_id", "*"),
    ("directory_resource", "directory_resource_id", "*"),
    ("patient_identifier", "facility_id, system, value", "Basic"),
    ("import_provenance", "provenance_id", "Provenance"),
    ("consent_grant", "consent_grant_id", "Consent"),
    ("break_glass", "break_glass_id", "Basic"),
    ("federated_link", "federated_link_id", "Basic"),
    ("audit_event", "audit_event_id", "AuditEvent"),
    ("audit_checkpoint", "audit_checkpoint_id", "Basic"),
];

fn iso(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".into())
}

/// A row as a JSON object: integers as numbers, text as strings, NULL as null.
fn row_object(row: &sqlx::any::AnyRow) -> Map<String, Value> {
    let mut object = Map::new();
    for (index, column) in row.columns().iter().enumerate() {
        let value = if let Ok(number) = row.try_get::<Option<i64>, _>(index) {
            number.map(Value::from).unwrap_or(Value::Null)
        } else if let Ok(text) = row.try_get::<Option<String>, _>(index) {
            text.map(Value::from).unwrap_or(Value::Null)
        } else if let Ok(number) = row.try_get::<Option<i32>, _>(index) {
            number.map(Value::from).unwrap_or(Value::Null)
        } else {
            Value::Null
        };
        object.insert(column.name().to_string(), value);
    }
    object
}

fn s<'a>(row: &'a Map<String, Value>, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn n(row: &Map<String, Value>, key: &str) -> Option<i64> {
    row.get(key).and_then(Value::as_i64)
}

fn basic(table: &str, id: &str, subject: Option<String>) -> Value {
    let mut resource = json!({
        "resourceType": "Basic",
        "id": id,
        "code": { "coding": [{ "system": "urn:hoso:export-table", "code": table }] },
    });
    if let Some(subject) = subject {
        resource["subject"] = json!({ "reference": subject });
    }
    resource
}

/// The FHIR view of one row (without the row extension). A stored resource (clinical, directory, Provenance) is its stored text
/// read as [`Json`], so its decimals keep the text they were sent with (R4 datatypes.html#decimal:
/// `1.50` is not `1.5`) and its members their order; only `meta` is the portal's.
fn resource_of(table: &str, row: &Map<String, Value>) -> anyhow::Result<Json> {
    let stored = |what: &str| Json::parse(s(row, "resource_json")).with_context(|| format!("a stored {what} is not JSON"));
    let built: anyhow::Result<Value> = Ok(match table {
        "facility" => json!({ "resourceType": "Organization", "id": s(row, "facility_id"), "name": s(row, "name") }),
        "account" => json!({
            "resourceType": "Person", "id": s(row, "account_id"),
            "name": [{ "text": s(row, "display_name") }], "active": s(row, "status") == "active",
        }),
        "patient" => json!({
            "resourceType": "Patient", "id": s(row, "patient_id"),
            "identifier": [{ "system": crate::fhir::CCCD_SYSTEM, "value": s(row, "cccd") }],
            "name": [{ "family": s(row, "family_name"), "given": s(row, "given_names").split(' ').collect::<Vec<_>>() }],
            "gender": s(row, "sex"), "birthDate": s(row, "birth_date"),
        }),
        "clinician" => json!({ "resourceType": "Practitioner", "id": s(row, "clinician_id"), "name": [{ "text": s(row, "full_name") }] }),
        "clinical_resource" | "directory_resource" => {
            let mut resource = stored("resource")?;
            resource.set(
                "meta",
                Json::Object(vec![
                    ("versionId".into(), Json::String(n(row, "version_id").unwrap_or(1).to_string())),
                    ("lastUpdated".into(), Json::String(iso(n(row, "last_updated")))),
                ]),
            );
            return Ok(resource);
        }
        "import_provenance" => return stored("Provenance"),
        "consent_grant" => {
            let live = row.get("revoked_at").is_none_or(Value::is_null);
            json!({
                "resourceType": "Consent", "id": s(row, "consent_grant_id"),
                "status": if live { "active" } else { "inactive" },
                "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
                "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0" }] }],
                "patient": { "reference": format!("Patient/{}", s(row, "patient_id")) },
                "dateTime": iso(n(row, "created_at")),
                "provision": { "type": "permit", "period": { "start": iso(n(row, "starts_at")), "end": iso(n(row, "expires_at")) } },
            })
        }
        "audit_event" => json!({
            "resourceType": "AuditEvent", "id": n(row, "audit_event_id").unwrap_or_default().to_string(),
            "type": { "system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest" },
            "subtype": [{ "system": "urn:hoso:audit-action", "code": s(row, "action") }],
            "recorded": iso(n(row, "occurred_at")),
            "outcome": if s(row, "outcome") == "allowed" { "0" } else { "4" },
            "agent": [{ "who": { "identifier": { "system": "urn:hoso:account", "value": row.get("actor_account_id").and_then(Value::as_str).unwrap_or("anonymous") } }, "requestor": true }],
            "source": { "observer": { "display": "hoso" } },
        }),
        "passkey" => basic(table, s(row, "passkey_id"), None),
        "patient_identifier" => {
            let id = hex::encode(
                &Sha256::new()
                    .chain_update(s(row, "facility_id"))
                    .chain_update([0])
                    .chain_update(s(row, "system"))
                    .chain_update([0])
                    .chain_update(s(row, "value"))
                    .finalize()[..16],
            );
            basic(table, &id, Some(format!("Patient/{}", s(row, "patient_id"))))
        }
        "break_glass" => basic(table, s(row, "break_glass_id"), Some(format!("Patient/{}", s(row, "patient_id")))),
        "federated_link" => basic(table, s(row, "federated_link_id"), None),
        "audit_checkpoint" => basic(table, &n(row, "audit_checkpoint_id").unwrap_or_default().to_string(), None),
        other => bail!("no FHIR view for table {other}"),
    });
    // Built views hold only strings and integers, so `Value`'s text is exact for them.
    built.and_then(|value: Value| Json::parse(&value.to_string()).context("a built view is not JSON"))
}

/// Adds the row extension to a resource's own `extension` list (never replacing the
/// extensions the facility sent).
fn with_row_extension(resource: &mut Json, row: Map<String, Value>) {
    let extension = Json::Object(vec![
        ("url".into(), Json::String(ROW_EXTENSION.into())),
        ("valueString".into(), Json::String(Value::Object(row).to_string())),
    ]);
    match resource.get_mut("extension") {
        Some(Json::Array(list)) => list.push(extension),
        _ => resource.set("extension", Json::Array(vec![extension])),
    }
}

/// One file of the export.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct OutputFile {
    #[serde(rename = "type")]
    pub resource_type: String,
    pub url: String,
    pub count: u64,
    pub sha256: String,
    pub table: String,
}

/// What an export wrote.
#[derive(Clone, Debug)]
pub struct ExportReport {
    pub files: Vec<OutputFile>,
    pub audit_entries: i64,
}

fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).with_context(|| format!("cannot create {}", path.display()))
}

/// Where an export or restore is: table `index` of [`TABLES`], `rows` of it so far, and whether
/// the table is finished.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    pub index: usize,
    pub table: &'a str,
    pub rows: u64,
    pub finished: bool,
}

impl std::fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}/{}] {}: {} rows", self.index + 1, TABLES.len(), self.table, self.rows)
    }
}

/// How many rows between two reports within a table.
const REPORT_EVERY: u64 = 5_000;

/// Writes the export into `out` (which must not exist or be empty). `progress` is told every
/// [`REPORT_EVERY`] rows and as each table finishes.
///
/// Every table is read in one read-only transaction, so the export is one moment of the
/// database while the portal goes on serving (and writing) beside it.
pub async fn export(
    store: &Store,
    key: &AuditKey,
    out: &Path,
    now: i64,
    mut progress: impl FnMut(Step<'_>),
) -> anyhow::Result<ExportReport> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!("{} is not empty; export into a new directory", out.display());
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(out, std::fs::Permissions::from_mode(0o700))?;
    }
    // One read transaction: every table as of the same moment (SQLite in WAL mode holds the
    // snapshot of its first read; PostgreSQL is asked for it).
    let mut tx = store.reader().begin().await?;
    if store.backend() == Backend::Postgres {
        sqlx::query("set transaction isolation level repeatable read, read only").execute(&mut *tx).await?;
    }
    let mut files = Vec::new();
    for (number, (table, order, kind)) in TABLES.iter().enumerate() {
        let name = format!("{table}.ndjson");
        let mut writer = BufWriter::new(create_private(&out.join(&name))?);
        let mut hasher = Sha256::new();
        let mut count = 0u64;
        let sql = format!("select * from {table} order by {order}");
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        use futures_util::TryStreamExt;
        while let Some(row) = rows.try_next().await? {
            let object = row_object(&row);
            let mut resource = resource_of(table, &object)?;
            with_row_extension(&mut resource, object);
            let mut line = resource.to_text();
            line.push('\n');
            hasher.update(line.as_bytes());
            writer.write_all(line.as_bytes())?;
            count += 1;
            if count % REPORT_EVERY == 0 {
                progress(Step { index: number, table, rows: count, finished: false });
            }
        }
        drop(rows);
        writer.flush()?;
        let resource_type = if *kind == "*" { "Bundle".to_string() } else { kind.to_string() };
        progress(Step { index: number, table, rows: count, finished: true });
        files.push(OutputFile { resource_type, url: name, count, sha256: hex::encode(hasher.finalize()), table: table.to_string() });
    }
    let head = sqlx::query("select last_event_id, last_hash from audit_head where audit_head_id = 1").fetch_one(&mut *tx).await?;
    let (last_id, last_hash): (i64, String) = (head.try_get("last_event_id")?, head.try_get("last_hash")?);
    tx.rollback().await?;
    let manifest = json!({
        "transactionTime": iso(Some(now)),
        "request": "server export",
        "requiresAccessToken": false,
        "output": files,
        "error": [],
        "hoso": {
            "format": FORMAT,
            "audit": { "last_event_id": last_id, "last_hash": last_hash },
            "signature": { "alg": "Ed25519", "key_id": key.key_id(), "public_key": hex::encode(key.verifying_key().as_bytes()), "file": "manifest.sig" },
        },
    });
    let bytes = serde_json::to_vec_pretty(&manifest)?;
    create_private(&out.join("manifest.json"))?.write_all(&bytes)?;
    let signature = key.sign(&bytes);
    create_private(&out.join("manifest.sig"))?
        .write_all(base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()).as_bytes())?;
    Ok(ExportReport { files, audit_entries: last_id })
}

/// Checks the manifest's signature and every file's SHA-256 and count. Returns the manifest.
pub fn verify(dir: &Path, expected_key: Option<&VerifyingKey>) -> anyhow::Result<Value> {
    let bytes = std::fs::read(dir.join("manifest.json")).context("no manifest.json")?;
    let manifest: Value = serde_json::from_slice(&bytes).context("manifest.json is not JSON")?;
    if manifest.pointer("/hoso/format").and_then(Value::as_str) != Some(FORMAT) {
        bail!("not a {FORMAT} export");
    }
    let public = manifest
        .pointer("/hoso/signature/public_key")
        .and_then(Value::as_str)
        .and_then(|text| hex::decode(text).ok())
        .context("no public key")?;
    let public: [u8; 32] = public.try_into().ok().context("bad public key")?;
    let key = VerifyingKey::from_bytes(&public).context("bad public key")?;
    if let Some(expected) = expected_key {
        if expected != &key {
            bail!("the export was signed by another key than this server's audit key");
        }
    }
    let signature = std::fs::read_to_string(dir.join("manifest.sig")).context("no manifest.sig")?;
    let signature = base64::engine::general_purpose::STANDARD.decode(signature.trim()).context("manifest.sig is not base64")?;
    let signature = Signature::from_slice(&signature).context("manifest.sig is not a signature")?;
    key.verify(&bytes, &signature).context("the manifest's signature does not verify: it was changed after export")?;
    let files: Vec<OutputFile> = serde_json::from_value(manifest["output"].clone()).context("bad output list")?;
    for file in &files {
        if file.url.contains('/') || file.url.contains("..") || !TABLES.iter().any(|(table, ..)| *table == file.table) {
            bail!("unexpected file {} in the manifest", file.url);
        }
        let mut hasher = Sha256::new();
        let mut reader =
            std::io::BufReader::new(std::fs::File::open(dir.join(&file.url)).with_context(|| format!("missing {}", file.url))?);
        let mut lines = 0u64;
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line)? > 0 {
            hasher.update(&line);
            lines += 1;
            line.clear();
        }
        if hex::encode(hasher.finalize()) != file.sha256 || lines != file.count {
            bail!("{} does not match its SHA-256 or count in the signed manifest", file.url);
        }
    }
    Ok(manifest)
}

/// Column name → whether it holds integers, for binding NULLs with the right type.
async fn integer_columns(
    conn: &mut crate::store::Conn,
    backend: Backend,
    table: &str,
) -> anyhow::Result<std::collections::HashMap<String, bool>> {
    let rows = match backend {
        Backend::Sqlite => sqlx::query("select name, type as data_type from pragma_table_info($1)").bind(table).fetch_all(&mut *conn).await?,
        Backend::Postgres => {
            sqlx::query("select column_name::text as name, data_type::text as data_type from information_schema.columns where table_name = $1 and table_schema = current_schema()")
                .bind(table)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut columns = std::collections::HashMap::new();
    for row in rows {
        let name: String = row.try_get("name")?;
        let kind: String = row.try_get("data_type")?;
        columns.insert(name, kind.to_ascii_lowercase().contains("int"));
    }
    Ok(columns)
}

/// Restores an export into an empty database (after checking the signature and every file).
/// `progress` is told every [`REPORT_EVERY`] rows and as each table finishes.
pub async fn restore(
    store: &Store,
    dir: &Path,
    expected_key: Option<&VerifyingKey>,
    mut progress: impl FnMut(Step<'_>),
) -> anyhow::Result<u64> {
    let manifest = verify(dir, expected_key)?;
    let mut tx = store.begin().await?;
    for table in ["patient", "account", "facility", "audit_event", "clinical_resource"] {
        let count: i64 = sqlx::query_scalar(&format!("select count(*) from {table}")).fetch_one(&mut *tx).await?;
        if count > 0 {
            bail!("the target database is not empty ({table} has {count} rows); restore into a new, empty instance (HOSO_SEED_DEMO=false)");
        }
    }
    let files: Vec<OutputFile> = serde_json::from_value(manifest["output"].clone())?;
    let mut total = 0u64;
    for (number, (table, ..)) in TABLES.iter().enumerate() {
        let Some(file) = files.iter().find(|f| f.table == *table) else { bail!("the export has no {table}") };
        let integers = integer_columns(&mut tx, store.backend(), table).await?;
        let reader = std::io::BufReader::new(std::fs::File::open(dir.join(&file.url))?);
        let mut count = 0u64;
        for line in reader.lines() {
            let resource: Value = serde_json::from_str(&line?).with_context(|| format!("{}: a line is not JSON", file.url))?;
            let row = resource["extension"]
                .as_array()
                .and_then(|list| list.iter().find(|e| e["url"] == ROW_EXTENSION))
                .and_then(|e| e["valueString"].as_str())
                .with_context(|| format!("{}: a line has no {ROW_EXTENSION} extension", file.url))?;
            let row: Map<String, Value> = serde_json::from_str(row)?;
            let columns: Vec<&String> = row.keys().collect();
            for column in &columns {
                if !integers.contains_key(column.as_str()) {
                    bail!("{}: unknown column {column}", file.url);
                }
            }
            let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            // PostgreSQL numbers checkpoints itself; a restore keeps the exported numbers.
            let overriding =
                if store.backend() == Backend::Postgres && *table == "audit_checkpoint" { " overriding system value" } else { "" };
            let sql = format!(
                "insert into {table} ({}){overriding} values ({})",
                columns.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for column in &columns {
                query = match &row[column.as_str()] {
                    Value::Number(number) => query.bind(number.as_i64().context("a number that is not an integer")?),
                    Value::String(text) => query.bind(text.clone()),
                    Value::Null if integers.get(column.as_str()).copied().unwrap_or(false) => query.bind(None::<i64>),
                    Value::Null => query.bind(None::<String>),
                    other => bail!("{}: unexpected value {other}", file.url),
                };
            }
            query.execute(&mut *tx).await.with_context(|| format!("{}: restoring a row failed", file.url))?;
            count += 1;
            if count % REPORT_EVERY == 0 {
                progress(Step { index: number, table, rows: count, finished: false });
            }
        }
        if count != file.count {
            bail!("{}: {count} rows read, the manifest says {}", file.url, file.count);
        }
        total += count;
        progress(Step { index: number, table, rows: count, finished: true });
    }
    let last_id = manifest.pointer("/hoso/audit/last_event_id").and_then(Value::as_i64).unwrap_or(0);
    let last_hash = manifest.pointer("/hoso/audit/last_hash").and_then(Value::as_str).unwrap_or(crate::audit::chain::GENESIS);
    sqlx::query("update audit_head set last_event_id = $1, last_hash = $2 where audit_head_id = 1")
        .bind(last_id)
        .bind(last_hash)
        .execute(&mut *tx)
        .await?;
    if store.backend() == Backend::Postgres {
        // The checkpoint id is a sequence on PostgreSQL: move it past the restored ids.
        sqlx::query("select setval(pg_get_serial_sequence('audit_checkpoint', 'audit_checkpoint_id'), coalesce((select max(audit_checkpoint_id) from audit_checkpoint), 0) + 1, false)")
            .execute(&mut *tx)
            .await?;
    }
    // An export from before the folded search names: fill them as a migration would.
    crate::store::fill_folded_names(&mut tx).await?;
    tx.commit().await?;
    Ok(total)
}
