//! Helpers for adults: a person lets another enrolled person see chosen parts of their record
//! (and optionally manage their sharing) for a stated time (`helper` table, migration
//! `20261209000001_helper.sql`). Rows map by `sqlx::FromRow`.

use sqlx::Row;

use super::{Conn, StoreError};

/// One nomination or link, in any state. Times are unix milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct HelperRow {
    pub helper_id: String,
    /// The person helped.
    pub patient_id: String,
    /// The helper's own record.
    pub helper_patient_id: String,
    /// Comma-separated category codes (`policy::Category::as_str`).
    pub categories: String,
    /// 0 or 1: whether the helper may also manage the person's sharing.
    pub manage_sharing: i64,
    pub created_at: i64,
    pub expires_at: i64,
    /// `None` until the helper accepts; the link gives nothing before.
    pub accepted_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub ended_by_account_id: Option<String>,
}

/// A link with both people's names, for the pages that show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HelperListRow {
    #[sqlx(flatten)]
    pub link: HelperRow,
    pub person_name: String,
    pub helper_name: String,
    pub ended_by_name: Option<String>,
}

const COLUMNS: &str = "h.helper_id, h.patient_id, h.helper_patient_id, h.categories, h.manage_sharing, h.created_at, h.expires_at, \
     h.accepted_at, h.ended_at, h.ended_by_account_id";

pub async fn insert(conn: &mut Conn, link: &HelperRow) -> Result<(), StoreError> {
    sqlx::query(
        "insert into helper (helper_id, patient_id, helper_patient_id, categories, manage_sharing, created_at, expires_at,
            accepted_at, ended_at, ended_by_account_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&link.helper_id)
    .bind(&link.patient_id)
    .bind(&link.helper_patient_id)
    .bind(&link.categories)
    .bind(link.manage_sharing)
    .bind(link.created_at)
    .bind(link.expires_at)
    .bind(link.accepted_at)
    .bind(link.ended_at)
    .bind(&link.ended_by_account_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut Conn, helper_id: &str) -> Result<Option<HelperRow>, StoreError> {
    Ok(sqlx::query_as::<_, HelperRow>(&format!("select {COLUMNS} from helper h where h.helper_id = $1"))
        .bind(helper_id)
        .fetch_optional(conn)
        .await?)
}

/// Whether an open (neither ended nor expired at `now`) nomination or link joins this person and
/// this helper.
pub async fn open_exists(conn: &mut Conn, patient_id: &str, helper_patient_id: &str, now: i64) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "select count(*) as n from helper where patient_id = $1 and helper_patient_id = $2 and ended_at is null and expires_at > $3",
    )
    .bind(patient_id)
    .bind(helper_patient_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// Every link on a person's record (any state), for the policy.
pub async fn for_patient(conn: &mut Conn, patient_id: &str) -> Result<Vec<HelperRow>, StoreError> {
    Ok(sqlx::query_as::<_, HelperRow>(&format!("select {COLUMNS} from helper h where h.patient_id = $1"))
        .bind(patient_id)
        .fetch_all(conn)
        .await?)
}

/// Links where this person is the helper (`as_helper`) or the one helped, with names, newest
/// first (at most 1,000).
pub async fn list(conn: &mut Conn, patient_id: &str, as_helper: bool) -> Result<Vec<HelperListRow>, StoreError> {
    let side = if as_helper { "h.helper_patient_id = $1" } else { "h.patient_id = $1" };
    let sql = format!(
        "select {COLUMNS}, pp.family_name || ' ' || pp.given_names as person_name,
                hp.family_name || ' ' || hp.given_names as helper_name, xa.display_name as ended_by_name
         from helper h
         join patient pp on pp.patient_id = h.patient_id
         join patient hp on hp.patient_id = h.helper_patient_id
         left join account xa on xa.account_id = h.ended_by_account_id
         where {side} order by h.created_at desc, h.helper_id limit 1000"
    );
    Ok(sqlx::query_as::<_, HelperListRow>(&sql).bind(patient_id).fetch_all(conn).await?)
}

/// Records the helper's acceptance of an open nomination that has not expired. Returns whether a
/// row changed.
pub async fn accept(conn: &mut Conn, helper_id: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query(
        "update helper set accepted_at = $1 where helper_id = $2 and accepted_at is null and ended_at is null and expires_at > $1",
    )
    .bind(now)
    .bind(helper_id)
    .execute(conn)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends an open nomination or link. Returns whether a row changed (false: unknown or ended).
pub async fn end(conn: &mut Conn, helper_id: &str, by_account_id: &str, now: i64) -> Result<bool, StoreError> {
    let result = sqlx::query("update helper set ended_at = $1, ended_by_account_id = $2 where helper_id = $3 and ended_at is null")
        .bind(now)
        .bind(by_account_id)
        .bind(helper_id)
        .execute(conn)
        .await?;
    Ok(result.rows_affected() == 1)
}
