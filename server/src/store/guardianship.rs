//! Guardianship links: a parent or legal guardian (a person, by their record) linked to a child's
//! record on a stated basis (`guardianship` table, migration `20261208000001_guardianship.sql`).

use sqlx::Row;

use super::{Conn, StoreError};

/// One link, live or ended. Times are unix milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianshipRow {
    pub guardianship_id: String,
    /// The guardian's own record (their account is the one bound to it).
    pub guardian_patient_id: String,
    /// The child's record.
    pub patient_id: String,
    /// `birth_registration`, `guardianship_decision` or `national_identity`.
    pub basis: String,
    /// The number of the birth certificate, the decision, or the identity provider's assertion.
    pub document_ref: String,
    /// The administrator who made it; `None`: the operator's command line or the seed.
    pub established_by_account_id: Option<String>,
    pub created_at: i64,
    pub ended_at: Option<i64>,
    pub ended_by_account_id: Option<String>,
    pub end_reason: Option<String>,
}

/// A link with both people's names, birth dates and who made it, for the pages that show it.
#[derive(Clone, Debug)]
pub struct GuardianshipListRow {
    pub link: GuardianshipRow,
    pub guardian_name: String,
    pub child_name: String,
    /// ISO `YYYY-MM-DD`, as stored.
    pub child_birth_date: String,
    pub established_by_name: Option<String>,
    pub ended_by_name: Option<String>,
}

const COLUMNS: &str = "g.guardianship_id, g.guardian_patient_id, g.patient_id, g.basis, g.document_ref, g.established_by_account_id, \
     g.created_at, g.ended_at, g.ended_by_account_id, g.end_reason";

fn from_row(row: &sqlx::any::AnyRow) -> Result<GuardianshipRow, StoreError> {
    Ok(GuardianshipRow {
        guardianship_id: row.try_get("guardianship_id")?,
        guardian_patient_id: row.try_get("guardian_patient_id")?,
        patient_id: row.try_get("patient_id")?,
        basis: row.try_get("basis")?,
        document_ref: row.try_get("document_ref")?,
        established_by_account_id: row.try_get("established_by_account_id")?,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get("ended_at")?,
        ended_by_account_id: row.try_get("ended_by_account_id")?,
        end_reason: row.try_get("end_reason")?,
    })
}

pub async fn insert(conn: &mut Conn, link: &GuardianshipRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into guardianship (guardianship_id, guardian_patient_id, patient_id, basis, document_ref, established_by_account_id,
            created_at, ended_at, ended_by_account_id, end_reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&link.guardianship_id)
    .bind(&link.guardian_patient_id)
    .bind(&link.patient_id)
    .bind(&link.basis)
    .bind(&link.document_ref)
    .bind(&link.established_by_account_id)
    .bind(link.created_at)
    .bind(link.ended_at)
    .bind(&link.ended_by_account_id)
    .bind(&link.end_reason)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut Conn, guardianship_id: &str) -> Result<Option<GuardianshipRow>, StoreError> {
    let row = sqlx::query(&format!("select {COLUMNS} from guardianship g where g.guardianship_id = $1"))
        .bind(guardianship_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Whether a live (not ended) link joins this guardian and this child.
pub async fn live_exists(conn: &mut Conn, guardian_patient_id: &str, patient_id: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("select count(*) as n from guardianship where guardian_patient_id = $1 and patient_id = $2 and ended_at is null")
        .bind(guardian_patient_id)
        .bind(patient_id)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Every link on a child's record (any state), for the policy.
pub async fn for_patient(conn: &mut Conn, patient_id: &str) -> Result<Vec<GuardianshipRow>, StoreError> {
    let rows =
        sqlx::query(&format!("select {COLUMNS} from guardianship g where g.patient_id = $1")).bind(patient_id).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// Links where this person is the guardian (`as_guardian`) or the child, with names, newest first.
pub async fn list(conn: &mut Conn, patient_id: &str, as_guardian: bool) -> Result<Vec<GuardianshipListRow>, StoreError> {
    let side = if as_guardian { "g.guardian_patient_id = $1" } else { "g.patient_id = $1" };
    listed(conn, side, Some(patient_id), 1000).await
}

/// The `limit` most recent links of everyone, for the console.
pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<GuardianshipListRow>, StoreError> {
    listed(conn, "1 = 1", None, limit).await
}

async fn listed(conn: &mut Conn, condition: &str, patient_id: Option<&str>, limit: i64) -> Result<Vec<GuardianshipListRow>, StoreError> {
    let limit_at = if patient_id.is_some() { "$2" } else { "$1" };
    let sql = format!(
        "select {COLUMNS}, gp.family_name || ' ' || gp.given_names as guardian_name,
                cp.family_name || ' ' || cp.given_names as child_name, cp.birth_date as child_birth_date,
                ea.display_name as established_by_name, xa.display_name as ended_by_name
         from guardianship g
         join patient gp on gp.patient_id = g.guardian_patient_id
         join patient cp on cp.patient_id = g.patient_id
         left join account ea on ea.account_id = g.established_by_account_id
         left join account xa on xa.account_id = g.ended_by_account_id
         where {condition} order by g.created_at desc, g.guardianship_id limit {limit_at}"
    );
    let mut query = sqlx::query(&sql);
    if let Some(patient_id) = patient_id {
        query = query.bind(patient_id);
    }
    let rows = query.bind(limit).fetch_all(conn).await?;
    rows.iter()
        .map(|row| -> Result<GuardianshipListRow, StoreError> {
            Ok(GuardianshipListRow {
                link: from_row(row)?,
                guardian_name: row.try_get("guardian_name")?,
                child_name: row.try_get("child_name")?,
                child_birth_date: row.try_get("child_birth_date")?,
                established_by_name: row.try_get("established_by_name")?,
                ended_by_name: row.try_get("ended_by_name")?,
            })
        })
        .collect()
}

/// Ends a live link. Returns whether a row changed (false: unknown or already ended).
pub async fn end(conn: &mut Conn, guardianship_id: &str, by_account_id: &str, reason: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update guardianship set ended_at = $1, ended_by_account_id = $2, end_reason = $3 where guardianship_id = $4 and ended_at is null",
    )
    .bind(now)
    .bind(by_account_id)
    .bind(reason)
    .bind(guardianship_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}
