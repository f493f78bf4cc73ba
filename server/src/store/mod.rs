//! Storage. One store interface over SQLite (default, embedded) and PostgreSQL, through sqlx's `Any`
//! driver; each database has its own migrations folder. Times are unix milliseconds (`i64`).
//!
//! SQLite allows one writer at a time. Rather than letting connections race for the write lock
//! (and sleep in the busy handler), every transaction that writes goes through a dedicated pool of
//! exactly one connection; reads use the read pool. On PostgreSQL both handles are the same pool.

pub mod account;
pub mod admin;
pub mod api_token;
pub mod audit;
pub mod ceremony;
pub mod clinical;
pub mod consent;
pub mod enrolment;
pub mod federation;
pub mod guardianship;
pub mod helper;
pub mod import;
pub mod patient;
pub mod session;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
pub type Conn = sqlx::AnyConnection;

/// What a store function can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("row not found")]
    NotFound,
    #[error("unique constraint violated")]
    Conflict,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A bounded table is full (an abuse limit, e.g. too many live sign-in ceremonies): nothing was
    /// written; the caller answers "try again later" (429 or 503), it is not a database fault.
    #[error("storage limit reached: {0}")]
    LimitReached(&'static str),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database could not take the work (a group commit failed, its writers stopped): nothing
    /// the work did was committed; the caller answers 503.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl From<sqlx::Error> for StoreError {
    /// Maps constraint violations to domain errors at the storage edge.
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
            _ => StoreError::Database(error),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects (creating the SQLite file and its directory if missing). Does not migrate.
    pub async fn connect(database_url: &str, max_connections: u32) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if database_url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://");
        };
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url_with_create(database_url)?;
                let options = AnyConnectOptions::from_str(&url).context("invalid SQLite DATABASE_URL")?;
                let read =
                    sqlite_pool(max_connections.max(1)).connect_with(options.clone()).await.context("cannot open the SQLite database")?;
                let write = sqlite_pool(1).connect_with(options).await.context("cannot open the SQLite database for writing")?;
                Ok(Store { read, write, backend })
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(database_url).context("invalid PostgreSQL DATABASE_URL")?;
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections.max(2) * 2)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .context("cannot connect to PostgreSQL")?;
                Ok(Store { read: pool.clone(), write: pool, backend })
            }
        }
    }

    /// Applies pending migrations. A failure is returned with context; the caller stops the server.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.write).await.context("database migration failed; the server will not start on a partly migrated schema")?;
        let mut tx = self.begin().await?;
        fill_folded_names(&mut tx).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads that need no transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// A write transaction (on SQLite, the single writer connection).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.write.begin().await?)
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new().max_connections(max).min_connections(max.min(2)).acquire_timeout(Duration::from_secs(10)).after_connect(
        |connection, _meta| {
            Box::pin(async move {
                connection.execute("pragma journal_mode = wal").await?;
                connection.execute("pragma synchronous = normal").await?;
                connection.execute("pragma foreign_keys = on").await?;
                connection.execute("pragma busy_timeout = 5000").await?;
                Ok(())
            })
        },
    )
}

/// Adds `mode=rwc` so a missing database file is created, and creates its directory.
fn sqlite_url_with_create(database_url: &str) -> anyhow::Result<String> {
    let path_part = database_url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path_part.split('?').next().unwrap_or_default();
    if !path.is_empty() && path != ":memory:" {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create the data directory {}", parent.display()))?;
                // Health data: a directory we create is readable by its owner only.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700))
                        .with_context(|| format!("cannot restrict {}", parent.display()))?;
                }
            }
        }
    }
    Ok(if database_url.contains("mode=") {
        database_url.to_string()
    } else if database_url.contains('?') {
        format!("{database_url}&mode=rwc")
    } else {
        format!("{database_url}?mode=rwc")
    })
}

/// A random identifier for new rows.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `text` as names are searched: lowercase, without diacritics (Unicode NFD with the combining
/// marks dropped) and with `đ` as `d`, so that "Đỗ Thu Hà", "đỗ thu hà" and "do thu ha" fold to the
/// same "do thu ha". Stored beside every searchable name (`*_folded` columns) and applied to the
/// search term.
pub fn fold(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).map(|c| if c == 'đ' { 'd' } else { c }).collect()
}

/// The searchable names (table, key column, name column, folded column).
const FOLDED_NAMES: [(&str, &str, &str, &str); 3] = [
    ("account", "account_id", "display_name", "display_name_folded"),
    ("facility", "facility_id", "name", "name_folded"),
    ("clinician", "clinician_id", "full_name", "full_name_folded"),
];

/// Fills the folded form of every name that has none (rows from before the column, or restored
/// from an older export); returns how many were filled.
pub async fn fill_folded_names(conn: &mut Conn) -> Result<u64, StoreError> {
    use sqlx::Row;
    let mut filled = 0;
    for (table, key, name, folded) in FOLDED_NAMES {
        let rows =
            sqlx::query(&format!("select {key} as id, {name} as name from {table} where {folded} is null")).fetch_all(&mut *conn).await?;
        for row in rows {
            let id: String = row.try_get("id")?;
            let text: String = row.try_get("name")?;
            sqlx::query(&format!("update {table} set {folded} = $1 where {key} = $2"))
                .bind(fold(&text))
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            filled += 1;
        }
    }
    Ok(filled)
}

/// A `like` pattern that matches any text containing `term` literally: `\`, `%` and `_` in the
/// term are escaped with a backslash and the whole is wrapped in `%…%`, so user input never acts
/// as a wildcard. Every query using it writes `like $n escape '\'` out: SQLite has no default
/// escape character (PostgreSQL's default is the backslash, the same). Case folding is the
/// caller's (lowercase both the term and the column).
pub fn like_contains(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for character in term.chars() {
        if matches!(character, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::like_contains;

    #[test]
    fn names_fold_without_case_or_diacritics() {
        use super::fold;
        assert_eq!(fold("BS. Đỗ Thu Hà"), "bs. do thu ha");
        assert_eq!(fold("đỗ thu hà"), fold("DO THU HA"));
        assert_eq!(fold("Nguyễn Thị Ánh Tuyết"), "nguyen thi anh tuyet");
        assert_eq!(fold("Bệnh viện Chợ Rẫy"), "benh vien cho ray");
        assert_eq!(fold("100% Tâm_An"), "100% tam_an");
    }

    #[test]
    fn like_patterns_escape_every_wildcard() {
        assert_eq!(like_contains(""), "%%");
        assert_eq!(like_contains("an"), "%an%");
        assert_eq!(like_contains("%"), "%\\%%");
        assert_eq!(like_contains("_"), "%\\_%");
        assert_eq!(like_contains("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
        assert_eq!(like_contains("Đức"), "%Đức%");
    }
}
