//! The access log rows. Written only through `crate::audit::record` / `record_all` (which chain
//! them), in the caller's transaction.

use sqlx::Row;

use super::{Conn, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub audit_event_id: i64,
    pub occurred_at: i64,
    pub request_id: String,
    pub actor_account_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_facility_id: Option<String>,
    pub patient_id: Option<String>,
    pub action: String,
    pub category: Option<String>,
    pub resource_id: Option<String>,
    pub basis: Option<String>,
    pub basis_ref: Option<String>,
    pub purpose: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub entry_hash: String,
}

const COLUMNS: &str = "audit_event_id, occurred_at, request_id, actor_account_id, actor_role, actor_facility_id, patient_id, \
     action, category, resource_id, basis, basis_ref, purpose, outcome, reason, prev_hash, entry_hash";

/// Inserts rows (already chained) with one statement.
pub async fn insert_many(conn: &mut Conn, rows: &[AuditRow]) -> Result<(), StoreError> {
    const WIDTH: usize = 17;
    let values: Vec<String> = (0..rows.len())
        .map(|r| format!("({})", (1..=WIDTH).map(|c| format!("${}", r * WIDTH + c)).collect::<Vec<_>>().join(", ")))
        .collect();
    let sql = format!("insert into audit_event ({COLUMNS}) values {}", values.join(", "));
    let mut query = sqlx::query(&sql);
    for row in rows {
        query = query
            .bind(row.audit_event_id)
            .bind(row.occurred_at)
            .bind(&row.request_id)
            .bind(&row.actor_account_id)
            .bind(&row.actor_role)
            .bind(&row.actor_facility_id)
            .bind(&row.patient_id)
            .bind(&row.action)
            .bind(&row.category)
            .bind(&row.resource_id)
            .bind(&row.basis)
            .bind(&row.basis_ref)
            .bind(&row.purpose)
            .bind(&row.outcome)
            .bind(&row.reason)
            .bind(&row.prev_hash)
            .bind(&row.entry_hash);
    }
    query.execute(conn).await?;
    Ok(())
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<AuditRow, StoreError> {
    Ok(AuditRow {
        audit_event_id: row.try_get("audit_event_id")?,
        occurred_at: row.try_get("occurred_at")?,
        request_id: row.try_get("request_id")?,
        actor_account_id: row.try_get("actor_account_id")?,
        actor_role: row.try_get("actor_role")?,
        actor_facility_id: row.try_get("actor_facility_id")?,
        patient_id: row.try_get("patient_id")?,
        action: row.try_get("action")?,
        category: row.try_get("category")?,
        resource_id: row.try_get("resource_id")?,
        basis: row.try_get("basis")?,
        basis_ref: row.try_get("basis_ref")?,
        purpose: row.try_get("purpose")?,
        outcome: row.try_get("outcome")?,
        reason: row.try_get("reason")?,
        prev_hash: row.try_get("prev_hash")?,
        entry_hash: row.try_get("entry_hash")?,
    })
}

/// Every row, oldest first (verification and tests).
pub async fn all(conn: &mut Conn) -> Result<Vec<AuditRow>, StoreError> {
    let rows = sqlx::query(&format!("select {COLUMNS} from audit_event order by audit_event_id")).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("select count(*) from audit_event").fetch_one(conn).await?)
}

/// One line of an access log, with the names resolved at read time (not stored in the chain).
#[derive(Clone, Debug)]
pub struct AccessLogRow {
    pub row: AuditRow,
    pub actor_name: Option<String>,
    pub facility_name: Option<String>,
    /// Free text kept outside the chain that explains the line: an administrator's reason for a
    /// revocation, or the note of a break-glass review.
    pub note: Option<String>,
}

/// Filters of an access log (a patient's own, or the administrators' audit search).
#[derive(Clone, Debug, Default)]
pub struct AccessLogFilter {
    pub patient_id: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub actor_account_id: Option<String>,
    pub facility_id: Option<String>,
    pub basis: Option<String>,
    pub outcome: Option<String>,
}

/// A page of a patient's log, newest first, and the total matching.
pub async fn for_patient(
    conn: &mut Conn,
    patient_id: &str,
    filter: &AccessLogFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AccessLogRow>, i64), StoreError> {
    let filter = AccessLogFilter { patient_id: Some(patient_id.to_string()), ..filter.clone() };
    search(conn, &filter, limit, offset).await
}

/// A page of the log matching every filter given, newest first, and the total matching.
pub async fn search(conn: &mut Conn, filter: &AccessLogFilter, limit: i64, offset: i64) -> Result<(Vec<AccessLogRow>, i64), StoreError> {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut binds: Vec<Bind> = Vec::new();
    let mut add = |column: &str, op: &str, value: Bind| {
        binds.push(value);
        conditions.push(format!("e.{column} {op} ${}", binds.len()));
    };
    if let Some(value) = &filter.patient_id {
        add("patient_id", "=", Bind::Text(value.clone()));
    }
    if let Some(value) = filter.from_ms {
        add("occurred_at", ">=", Bind::Int(value));
    }
    if let Some(value) = filter.to_ms {
        add("occurred_at", "<", Bind::Int(value));
    }
    if let Some(value) = &filter.actor_account_id {
        add("actor_account_id", "=", Bind::Text(value.clone()));
    }
    if let Some(value) = &filter.facility_id {
        add("actor_facility_id", "=", Bind::Text(value.clone()));
    }
    if let Some(value) = &filter.basis {
        add("basis", "=", Bind::Text(value.clone()));
    }
    if let Some(value) = &filter.outcome {
        add("outcome", "=", Bind::Text(value.clone()));
    }
    let clause = conditions.join(" and ");
    let count_sql = format!("select count(*) from audit_event e where {clause}");
    let mut count = sqlx::query_scalar(&count_sql);
    for bind in &binds {
        count = match bind {
            Bind::Text(text) => count.bind(text.clone()),
            Bind::Int(number) => count.bind(*number),
        };
    }
    let total: i64 = count.fetch_one(&mut *conn).await?;
    let sql = format!(
        "select {}, a.display_name as actor_name, f.name as facility_name,
                coalesce(g.revocation_reason, b.review_note) as note
         from audit_event e
         left join account a on a.account_id = e.actor_account_id
         left join facility f on f.facility_id = e.actor_facility_id
         left join consent_grant g on e.action = 'grant_revoke' and g.consent_grant_id = e.basis_ref
         left join break_glass b on e.action = 'break_glass_review' and b.break_glass_id = e.basis_ref
         where {clause} order by e.audit_event_id desc limit ${} offset ${}",
        COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", "),
        binds.len() + 1,
        binds.len() + 2,
    );
    let mut query = sqlx::query(&sql);
    for bind in &binds {
        query = match bind {
            Bind::Text(text) => query.bind(text.clone()),
            Bind::Int(number) => query.bind(*number),
        };
    }
    let rows = query.bind(limit).bind(offset).fetch_all(&mut *conn).await?;
    let rows = rows
        .iter()
        .map(|row| -> Result<AccessLogRow, StoreError> {
            Ok(AccessLogRow {
                row: from_row(row)?,
                actor_name: row.try_get("actor_name")?,
                facility_name: row.try_get("facility_name")?,
                note: row.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

/// A value bound to a search placeholder.
enum Bind {
    Text(String),
    Int(i64),
}

/// The reads made under one break-glass declaration (or any basis id), oldest first.
pub async fn by_basis_ref(conn: &mut Conn, basis_ref: &str, limit: i64) -> Result<Vec<AuditRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "select {COLUMNS} from audit_event where basis_ref = $1 and action = 'read' order by audit_event_id limit $2"
    ))
    .bind(basis_ref)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Everyone who appears in a patient's log (account id, name), for the log's person filter.
pub async fn actors_for_patient(conn: &mut Conn, patient_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "select distinct e.actor_account_id, a.display_name from audit_event e
         join account a on a.account_id = e.actor_account_id
         where e.patient_id = $1 order by a.display_name",
    )
    .bind(patient_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| -> Result<(String, String), StoreError> { Ok((row.try_get("actor_account_id")?, row.try_get("display_name")?)) })
        .collect()
}
