//! Facility import: machine clients and their tokens, the identifiers facilities send for people,
//! directory resources, import provenance, and the bulk writes the importer makes.

use std::collections::HashMap;

use sqlx::Row;

use super::clinical::ClinicalRow;
use super::{Conn, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacilityClientRow {
    pub facility_client_id: String,
    pub facility_id: String,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// Who an import comes from: an active client of a facility.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportCaller {
    pub facility_client_id: String,
    pub facility_id: String,
    pub facility_name: String,
    /// The name the administrator gave the client (the facility's system).
    pub client_name: String,
}

/// The columns [`caller_from_row`] reads, from `facility_client c join facility f`.
const CALLER_COLUMNS: &str = "c.facility_client_id, c.facility_id, f.name as facility_name, c.name as client_name";

fn caller_from_row(row: &sqlx::any::AnyRow) -> Result<ImportCaller, StoreError> {
    Ok(ImportCaller {
        facility_client_id: row.try_get("facility_client_id")?,
        facility_id: row.try_get("facility_id")?,
        facility_name: row.try_get("facility_name")?,
        client_name: row.try_get("client_name")?,
    })
}

pub async fn insert_client(
    conn: &mut Conn,
    client: &FacilityClientRow,
    secret_hash: &str,
    created_by: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into facility_client (facility_client_id, facility_id, name, secret_hash, created_by_account_id, created_at)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&client.facility_client_id)
    .bind(&client.facility_id)
    .bind(&client.name)
    .bind(secret_hash)
    .bind(created_by)
    .bind(client.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The active client with this id and secret (hash), if any.
pub async fn authenticate_client(conn: &mut Conn, client_id: &str, secret_hash: &str) -> Result<Option<ImportCaller>, StoreError> {
    let row = sqlx::query(&format!(
        "select {CALLER_COLUMNS} from facility_client c join facility f on f.facility_id = c.facility_id
         where c.facility_client_id = $1 and c.secret_hash = $2 and c.revoked_at is null"
    ))
    .bind(client_id)
    .bind(secret_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(caller_from_row).transpose()
}

pub async fn insert_token(conn: &mut Conn, token_hash: &str, client_id: &str, now: i64, expires_at: i64) -> Result<(), StoreError> {
    sqlx::query("delete from facility_client_token where expires_at <= $1").bind(now).execute(&mut *conn).await?;
    sqlx::query("update facility_client set last_used_at = $2 where facility_client_id = $1")
        .bind(client_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("insert into facility_client_token (token_hash, facility_client_id, created_at, expires_at) values ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(client_id)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The caller a live access token stands for (its client not revoked).
pub async fn caller_by_token(conn: &mut Conn, token_hash: &str, now: i64) -> Result<Option<ImportCaller>, StoreError> {
    let row = sqlx::query(&format!(
        "select {CALLER_COLUMNS} from facility_client_token t
         join facility_client c on c.facility_client_id = t.facility_client_id
         join facility f on f.facility_id = c.facility_id
         where t.token_hash = $1 and t.expires_at > $2 and c.revoked_at is null"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(caller_from_row).transpose()
}

const CLIENT_COLUMNS: &str = "facility_client_id, facility_id, name, created_at, revoked_at, last_used_at";

fn client_from_row(row: &sqlx::any::AnyRow) -> Result<FacilityClientRow, StoreError> {
    Ok(FacilityClientRow {
        facility_client_id: row.try_get("facility_client_id")?,
        facility_id: row.try_get("facility_id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
        last_used_at: row.try_get("last_used_at")?,
    })
}

/// A facility's clients, revoked ones included, oldest first.
pub async fn clients_of(conn: &mut Conn, facility_id: &str) -> Result<Vec<FacilityClientRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {CLIENT_COLUMNS} from facility_client where facility_id = $1 order by created_at, facility_client_id"
    ))
    .bind(facility_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(client_from_row).collect()
}

/// One client by id.
pub async fn client(conn: &mut Conn, client_id: &str) -> Result<Option<FacilityClientRow>, StoreError> {
    let row = sqlx::query(&format!("select {CLIENT_COLUMNS} from facility_client where facility_client_id = $1"))
        .bind(client_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(client_from_row).transpose()
}

/// Revokes a client and ends its tokens. Returns false if there was no such active client.
pub async fn revoke_client(conn: &mut Conn, client_id: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("update facility_client set revoked_at = $2 where facility_client_id = $1 and revoked_at is null")
        .bind(client_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query("delete from facility_client_token where facility_client_id = $1").bind(client_id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// The record a facility's identifier for a person points to.
pub async fn patient_by_identifier(conn: &mut Conn, facility_id: &str, system: &str, value: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar("select patient_id from patient_identifier where facility_id = $1 and system = $2 and value = $3")
        .bind(facility_id)
        .bind(system)
        .bind(value)
        .fetch_optional(conn)
        .await?)
}

/// Remembers a facility's identifier for a person (kept as first written).
pub async fn insert_identifier(
    conn: &mut Conn,
    facility_id: &str,
    system: &str,
    value: &str,
    patient_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "insert into patient_identifier (facility_id, system, value, patient_id, created_at) values ($1, $2, $3, $4, $5)
         on conflict (facility_id, system, value) do nothing",
    )
    .bind(facility_id)
    .bind(system)
    .bind(value)
    .bind(patient_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// What is already stored under an id: its owner (for clinical rows), JSON and version.
#[derive(Clone, Debug)]
pub struct Stored {
    pub patient_id: Option<String>,
    pub resource_json: String,
    pub version_id: i64,
}

/// Every directory resource of one type a facility has sent: (id, resource JSON). For
/// conditional references (`Practitioner?identifier=…`), which search them by identifier.
pub async fn directory_of(conn: &mut Conn, facility_id: &str, resource_type: &str) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "select directory_resource_id, resource_json from directory_resource where facility_id = $1 and resource_type = $2 order by directory_resource_id",
    )
    .bind(facility_id)
    .bind(resource_type)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|row| Ok((row.try_get("directory_resource_id")?, row.try_get("resource_json")?))).collect()
}

/// The stored rows among `ids`, from the clinical table or the directory.
pub async fn existing(conn: &mut Conn, directory: bool, ids: &[&str]) -> Result<HashMap<String, Stored>, StoreError> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = if directory {
            format!(
                "select directory_resource_id as id, null as patient_id, resource_json, version_id from directory_resource where directory_resource_id in ({})",
                placeholders.join(", ")
            )
        } else {
            format!(
                "select clinical_resource_id as id, patient_id, resource_json, version_id from clinical_resource where clinical_resource_id in ({})",
                placeholders.join(", ")
            )
        };
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            found.insert(
                row.try_get("id")?,
                Stored {
                    patient_id: row.try_get("patient_id")?,
                    resource_json: row.try_get("resource_json")?,
                    version_id: row.try_get("version_id")?,
                },
            );
        }
    }
    Ok(found)
}

/// Inserts clinical rows (version 1) with one statement per 200 rows.
pub async fn insert_clinical(conn: &mut Conn, rows: &[ClinicalRow], now: i64) -> Result<(), StoreError> {
    const WIDTH: usize = 10;
    for chunk in rows.chunks(200) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let p = |c: usize| format!("${}", r * WIDTH + c);
                format!(
                    "({}, {}, {}, {}, {}, {}, {}, {}, 1, {}, {}, {})",
                    p(1),
                    p(2),
                    p(3),
                    p(4),
                    p(5),
                    p(6),
                    p(7),
                    p(8),
                    p(9),
                    p(10),
                    p(10)
                )
            })
            .collect();
        let sql = format!(
            "insert into clinical_resource (clinical_resource_id, patient_id, resource_type, category, code, effective_date, encounter_id, status, version_id, resource_json, last_updated, created_at) values {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(&row.clinical_resource_id)
                .bind(&row.patient_id)
                .bind(&row.resource_type)
                .bind(&row.category)
                .bind(&row.code)
                .bind(&row.effective_date)
                .bind(&row.encounter_id)
                .bind(&row.status)
                .bind(&row.resource_json)
                .bind(now);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces a clinical row's content with a new version.
pub async fn update_clinical(conn: &mut Conn, row: &ClinicalRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "update clinical_resource set category = $2, code = $3, effective_date = $4, encounter_id = $5, status = $6,
         resource_json = $7, version_id = version_id + 1, last_updated = $8 where clinical_resource_id = $1",
    )
    .bind(&row.clinical_resource_id)
    .bind(&row.category)
    .bind(&row.code)
    .bind(&row.effective_date)
    .bind(&row.encounter_id)
    .bind(&row.status)
    .bind(&row.resource_json)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts or replaces a directory resource.
pub async fn upsert_directory(
    conn: &mut Conn,
    id: &str,
    resource_type: &str,
    facility_id: &str,
    resource_json: &str,
    exists: bool,
    now: i64,
) -> Result<(), StoreError> {
    let sql = if exists {
        "update directory_resource set resource_json = $4, version_id = version_id + 1, last_updated = $5 where directory_resource_id = $1 and resource_type = $2 and facility_id = $3"
    } else {
        "insert into directory_resource (directory_resource_id, resource_type, facility_id, resource_json, last_updated, created_at) values ($1, $2, $3, $4, $5, $5)"
    };
    sqlx::query(sql).bind(id).bind(resource_type).bind(facility_id).bind(resource_json).bind(now).execute(conn).await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct ProvenanceRow {
    pub provenance_id: String,
    pub patient_id: String,
    pub facility_id: String,
    pub facility_client_id: String,
    pub bundle_sha256: String,
    pub created_count: i64,
    pub updated_count: i64,
    pub resource_json: String,
    pub recorded_at: i64,
}

pub async fn insert_provenance(conn: &mut Conn, row: &ProvenanceRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into import_provenance (provenance_id, patient_id, facility_id, facility_client_id, bundle_sha256, created_count, updated_count, resource_json, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&row.provenance_id)
    .bind(&row.patient_id)
    .bind(&row.facility_id)
    .bind(&row.facility_client_id)
    .bind(&row.bundle_sha256)
    .bind(row.created_count)
    .bind(row.updated_count)
    .bind(&row.resource_json)
    .bind(row.recorded_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A page of a record's import provenance, newest first, and the total.
pub async fn provenance_of(conn: &mut Conn, patient_id: &str, limit: i64, offset: i64) -> Result<(Vec<String>, i64), StoreError> {
    let total: i64 =
        sqlx::query_scalar("select count(*) from import_provenance where patient_id = $1").bind(patient_id).fetch_one(&mut *conn).await?;
    let rows: Vec<String> = sqlx::query_scalar(
        "select resource_json from import_provenance where patient_id = $1 order by recorded_at desc, provenance_id limit $2 offset $3",
    )
    .bind(patient_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    Ok((rows, total))
}
