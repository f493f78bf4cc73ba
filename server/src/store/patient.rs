//! Patients: the administrative part of a record.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug)]
pub struct PatientRow {
    pub patient_id: String,
    pub cccd: String,
    pub social_insurance_number: Option<String>,
    pub bhyt_card: Option<String>,
    pub family_name: String,
    pub given_names: String,
    pub birth_date: String,
    pub sex: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub account_id: Option<String>,
}

impl PatientRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_names)
    }
}

const COLUMNS: &str =
    "patient_id, cccd, social_insurance_number, bhyt_card, family_name, given_names, birth_date, sex, phone, address, account_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<PatientRow, StoreError> {
    Ok(PatientRow {
        patient_id: row.try_get("patient_id")?,
        cccd: row.try_get("cccd")?,
        social_insurance_number: row.try_get("social_insurance_number")?,
        bhyt_card: row.try_get("bhyt_card")?,
        family_name: row.try_get("family_name")?,
        given_names: row.try_get("given_names")?,
        birth_date: row.try_get("birth_date")?,
        sex: row.try_get("sex")?,
        phone: row.try_get("phone")?,
        address: row.try_get("address")?,
        account_id: row.try_get("account_id")?,
    })
}

pub async fn insert(conn: &mut Conn, patient: &PatientRow, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "insert into patient (patient_id, cccd, social_insurance_number, bhyt_card, family_name, given_names, birth_date, sex, phone, address, account_id, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&patient.patient_id)
    .bind(&patient.cccd)
    .bind(&patient.social_insurance_number)
    .bind(&patient.bhyt_card)
    .bind(&patient.family_name)
    .bind(&patient.given_names)
    .bind(&patient.birth_date)
    .bind(&patient.sex)
    .bind(&patient.phone)
    .bind(&patient.address)
    .bind(&patient.account_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut Conn, patient_id: &str) -> Result<Option<PatientRow>, StoreError> {
    let row = sqlx::query(&format!("select {COLUMNS} from patient where patient_id = $1")).bind(patient_id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_cccd(conn: &mut Conn, cccd: &str) -> Result<Option<PatientRow>, StoreError> {
    let row = sqlx::query(&format!("select {COLUMNS} from patient where cccd = $1")).bind(cccd).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// Stores the health-insurance numbers an import brought for a record: the social-insurance
/// number (10 digits) and, when given, the BHYT card code (15 characters, upper case); a record
/// without a card code keeps the one it had.
pub async fn set_insurance(
    conn: &mut Conn,
    patient_id: &str,
    bhyt_card: Option<&str>,
    social_insurance_number: &str,
) -> Result<(), StoreError> {
    sqlx::query("update patient set social_insurance_number = $1, bhyt_card = coalesce($2, bhyt_card) where patient_id = $3")
        .bind(social_insurance_number)
        .bind(bhyt_card)
        .bind(patient_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Binds the patient to an account, once. Returns false if the patient already had one.
pub async fn bind_account(conn: &mut Conn, patient_id: &str, account_id: &str) -> Result<bool, StoreError> {
    let result = sqlx::query("update patient set account_id = $1 where patient_id = $2 and account_id is null")
        .bind(account_id)
        .bind(patient_id)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("select count(*) from patient").fetch_one(conn).await?)
}

/// Finds a patient by any identifier a clinician may type: the 12-digit CCCD, the 10-digit
/// social-insurance number, or the legacy 15-character BHYT card code (case-insensitive).
pub async fn by_identifier(conn: &mut Conn, identifier: &str) -> Result<Option<PatientRow>, StoreError> {
    let row = sqlx::query(&format!(
        "select {COLUMNS} from patient where cccd = $1 or social_insurance_number = $1 or upper(bhyt_card) = $1 limit 1"
    ))
    .bind(identifier.to_uppercase())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}
