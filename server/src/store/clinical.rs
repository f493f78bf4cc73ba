//! Clinical resources: FHIR R4 JSON per row with the indexed columns searches and policy use.
//!
//! Why this shape: the record arrives and leaves as FHIR (importer, API, export), so the resource is
//! kept whole and exactly as accepted; the few fields that queries filter or sort on (patient,
//! category, code, date, encounter) are copied into indexed columns when the row is written.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug)]
pub struct ClinicalRow {
    pub clinical_resource_id: String,
    pub patient_id: String,
    pub resource_type: String,
    pub category: String,
    pub code: Option<String>,
    pub effective_date: Option<String>,
    pub encounter_id: Option<String>,
    pub status: Option<String>,
    pub resource_json: String,
    /// Read from the row (an insert writes version 1 and its own time).
    pub version_id: i64,
    pub last_updated: i64,
}

const COLUMNS: &str =
    "clinical_resource_id, patient_id, resource_type, category, code, effective_date, encounter_id, status, resource_json, \
                       version_id, last_updated";

fn from_row(row: &sqlx::any::AnyRow) -> Result<ClinicalRow, StoreError> {
    Ok(ClinicalRow {
        clinical_resource_id: row.try_get("clinical_resource_id")?,
        patient_id: row.try_get("patient_id")?,
        resource_type: row.try_get("resource_type")?,
        category: row.try_get("category")?,
        code: row.try_get("code")?,
        effective_date: row.try_get("effective_date")?,
        encounter_id: row.try_get("encounter_id")?,
        status: row.try_get("status")?,
        resource_json: row.try_get("resource_json")?,
        version_id: row.try_get("version_id")?,
        last_updated: row.try_get("last_updated")?,
    })
}

pub async fn insert(conn: &mut Conn, resource: &ClinicalRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into clinical_resource (clinical_resource_id, patient_id, resource_type, category, code, effective_date, encounter_id, status, version_id, resource_json, last_updated, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10)",
    )
    .bind(&resource.clinical_resource_id)
    .bind(&resource.patient_id)
    .bind(&resource.resource_type)
    .bind(&resource.category)
    .bind(&resource.code)
    .bind(&resource.effective_date)
    .bind(&resource.encounter_id)
    .bind(&resource.status)
    .bind(&resource.resource_json)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// All resources of one patient in the given categories, oldest first.
pub async fn by_patient(conn: &mut Conn, patient_id: &str, categories: &[&str]) -> Result<Vec<ClinicalRow>, StoreError> {
    let placeholders: Vec<String> = (0..categories.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "select {COLUMNS} from clinical_resource where patient_id = $1 and category in ({}) order by effective_date, clinical_resource_id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(patient_id);
    for category in categories {
        query = query.bind(*category);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// Resources recorded during one encounter (the encounter itself excluded).
pub async fn by_encounter(conn: &mut Conn, patient_id: &str, encounter_id: &str) -> Result<Vec<ClinicalRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from clinical_resource where encounter_id = $1 and patient_id = $2 order by effective_date, clinical_resource_id"
    ))
    .bind(encounter_id)
    .bind(patient_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn by_id(conn: &mut Conn, clinical_resource_id: &str) -> Result<Option<ClinicalRow>, StoreError> {
    let row = sqlx::query(&format!("select {COLUMNS} from clinical_resource where clinical_resource_id = $1"))
        .bind(clinical_resource_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Who a resource belongs to and what type it is, without loading it.
pub async fn owner_of(conn: &mut Conn, clinical_resource_id: &str) -> Result<Option<(String, String)>, StoreError> {
    let row = sqlx::query("select patient_id, resource_type from clinical_resource where clinical_resource_id = $1")
        .bind(clinical_resource_id)
        .fetch_optional(conn)
        .await?;
    row.map(|row| -> Result<(String, String), StoreError> { Ok((row.try_get("patient_id")?, row.try_get("resource_type")?)) }).transpose()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("select count(*) from clinical_resource").fetch_one(conn).await?)
}
