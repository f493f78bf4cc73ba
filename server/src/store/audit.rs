//! The access log rows. Written only through `crate::audit::record`, in the caller's transaction.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub audit_event_id: i64,
    pub occurred_at: i64,
    pub request_id: String,
    pub actor_account_id: Option<String>,
    pub actor_role: Option<String>,
    pub patient_id: Option<String>,
    pub action: String,
    pub category: Option<String>,
    pub resource_id: Option<String>,
    pub basis: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
}

pub async fn insert(conn: &mut Conn, row: &AuditRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into audit_event (occurred_at, request_id, actor_account_id, actor_role, patient_id, action, category, resource_id, basis, outcome, reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(row.occurred_at)
    .bind(&row.request_id)
    .bind(&row.actor_account_id)
    .bind(&row.actor_role)
    .bind(&row.patient_id)
    .bind(&row.action)
    .bind(&row.category)
    .bind(&row.resource_id)
    .bind(&row.basis)
    .bind(&row.outcome)
    .bind(&row.reason)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<AuditRow, StoreError> {
    Ok(AuditRow {
        audit_event_id: row.try_get("audit_event_id")?,
        occurred_at: row.try_get("occurred_at")?,
        request_id: row.try_get("request_id")?,
        actor_account_id: row.try_get("actor_account_id")?,
        actor_role: row.try_get("actor_role")?,
        patient_id: row.try_get("patient_id")?,
        action: row.try_get("action")?,
        category: row.try_get("category")?,
        resource_id: row.try_get("resource_id")?,
        basis: row.try_get("basis")?,
        outcome: row.try_get("outcome")?,
        reason: row.try_get("reason")?,
    })
}

/// Every row, oldest first (tests and verification).
pub async fn all(conn: &mut Conn) -> Result<Vec<AuditRow>, StoreError> {
    let rows = sqlx::query(
        "select audit_event_id, occurred_at, request_id, actor_account_id, actor_role, patient_id, action, category, resource_id, basis, outcome, reason
         from audit_event order by audit_event_id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("select count(*) from audit_event").fetch_one(conn).await?)
}
