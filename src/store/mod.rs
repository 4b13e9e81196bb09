//! Persistence over sqlx's `Any` driver: one SQL text (with `$N` placeholders,
//! which both SQLite and PostgreSQL accept) serves both databases, and the
//! dialects differ only in their migrations folder.
//!
//! Each module holds one aggregate and offers small functions that take a
//! `&mut AnyConnection`, so callers compose them inside one transaction and a
//! fact commits together with the messages it causes.

pub mod audit;
pub(crate) mod bulk;
pub mod confirmations;
pub mod failures;
pub mod groups;
pub mod lanes;
pub mod links;
pub mod members;
pub mod moves;
pub mod outbox;
pub mod platform_state;
pub mod roles;
pub mod updates;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    Any, AnyPool, Executor, Transaction,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Recognises `sqlite:` and `postgres:`/`postgresql:` URLs.
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Reads a 0/1 flag column (the `Any` driver cannot decode SQLite booleans,
/// so flags are integers in both dialects).
pub(crate) fn flag(row: &sqlx::any::AnyRow, column: &str) -> sqlx::Result<bool> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// Rows per multi-row statement: well under both databases' parameter limits.
pub(crate) const MAX_ROWS: usize = 500;

/// `($1, $2, …, $n)` for an `IN` clause of `n` values.
pub(crate) fn in_list(n: usize) -> String {
    format!(
        "({})",
        (1..=n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A transaction on whichever database is configured.
pub type Tx = Transaction<'static, Any>;

/// The database handle shared by the engine and the adapters.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url`, creating a SQLite file when it does not exist yet.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend =
            Backend::of(url).context("DATABASE_URL must start with sqlite: or postgres:")?;
        if backend == Backend::Sqlite
            && let Some(path) = sqlite_path(url)
        {
            keep_private(&path)?;
        }
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options =
            AnyConnectOptions::from_str(&url).context("DATABASE_URL is not a valid URL")?;
        // SQLite allows one writer; a single connection avoids SQLITE_BUSY
        // when a read transaction would upgrade to a write, and our
        // transactions are short. PostgreSQL gets a real pool.
        let pool_options = match backend {
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(1)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                }),
            Backend::Postgres => AnyPoolOptions::new().max_connections(8),
        };
        let pool = pool_options
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("could not open the database named by DATABASE_URL")?;
        Ok(Self { pool, backend })
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// How many of this version's migrations the database has not applied
    /// (all of them for a database never migrated).
    pub async fn pending_migrations(&self) -> anyhow::Result<usize> {
        let applied: Vec<i64> = match sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
            .fetch_all(&self.pool)
            .await
        {
            Ok(applied) => applied,
            // No table yet: nothing was ever applied. Any other failure (a
            // lost connection, no right to read) is not "all pending".
            Err(sqlx::Error::Database(e))
                if e.code().as_deref() == Some("42P01")
                    || e.message().contains("no such table") =>
            {
                Vec::new()
            }
            Err(e) => return Err(e).context("reading the applied migrations"),
        };
        Ok(self
            .migrator()
            .iter()
            .filter(|m| !applied.contains(&m.version))
            .count())
    }

    /// Applies pending migrations.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.migrator()
            .run(&self.pool)
            .await
            .context("applying database migrations failed")?;
        Ok(())
    }

    /// Starts a transaction.
    pub async fn begin(&self) -> anyhow::Result<Tx> {
        self.pool
            .begin()
            .await
            .context("could not start a database transaction")
    }

    /// One connection from the pool, for statements outside a transaction.
    pub async fn connection(&self) -> anyhow::Result<sqlx::pool::PoolConnection<Any>> {
        self.pool
            .acquire()
            .await
            .context("connecting to the database")
    }

    /// The pool, for single statements outside a transaction.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes all connections (tests restart the bot on the same database).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file a SQLite URL names; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// The database holds members' ids and names and every code handed out:
/// it is created readable by its owner only, and tightened, with a
/// warning, when someone made it readable by others.
fn keep_private(path: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::metadata(path) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                tracing::warn!(
                    path = %path.display(),
                    mode = format!("{:o}", meta.permissions().mode() & 0o777),
                    "the database file was readable by others; made it 0600"
                );
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("making {} private", path.display()))?;
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // An empty file is a new database to SQLite.
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                    .with_context(|| format!("creating the database file {}", path.display()))?;
            }
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", path.display()));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `($1, $2), ($3, $4), …`: placeholders for a multi-row statement.
pub(crate) fn tuples(rows: usize, columns: usize) -> String {
    let mut out = String::new();
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", r * columns + c + 1));
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn tuples_number_placeholders_row_by_row() {
        assert_eq!(super::tuples(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(super::tuples(1, 3), "($1, $2, $3)");
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        let path = |url| super::sqlite_path(url).map(|p| p.display().to_string());
        assert_eq!(path("sqlite://hearth.db"), Some("hearth.db".into()));
        assert_eq!(path("sqlite:data/h.db?mode=rwc"), Some("data/h.db".into()));
        assert_eq!(path("sqlite:///var/lib/h.db"), Some("/var/lib/h.db".into()));
        assert_eq!(path("sqlite::memory:"), None);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_database_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("a temporary directory");
        let file = dir.path().join("new.db");
        let url = format!("sqlite://{}", file.display());
        let store = super::Store::connect(&url).await.expect("a new database");
        let mode = |f: &std::path::Path| {
            std::fs::metadata(f).expect("a file").permissions().mode() & 0o777
        };
        assert_eq!(mode(&file), 0o600);
        store.close().await;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let store = super::Store::connect(&url)
            .await
            .expect("the database again");
        assert_eq!(mode(&file), 0o600, "a readable database is tightened");
        store.close().await;
    }
}
