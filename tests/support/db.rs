//! Fresh databases for tests: a SQLite file in a temporary directory, or a new
//! PostgreSQL database on the server named by `HEARTH_TEST_POSTGRES_URL`
//! (default: the local server on 127.0.0.1:5432, as `scripts/test` ensures).

use sqlx::{AnyConnection, Connection, Executor};

pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_server() -> String {
    std::env::var("HEARTH_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hearth.db").display());
        Self {
            url,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> Self {
        sqlx::any::install_default_drivers();
        let server = postgres_server();
        let mut conn = AnyConnection::connect(&server).await.unwrap_or_else(|e| {
            panic!("PostgreSQL at {server} is needed for this test (run scripts/test): {e}")
        });
        let name = format!("hearth_test_{}", uuid_like());
        conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .unwrap();
        let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
        Self {
            url: format!("{base}/{name}"),
            _dir: None,
        }
    }
}

impl TestDb {
    /// The single number `sql` selects, read on a connection of its own.
    pub async fn count(&self, sql: &'static str) -> i64 {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&self.url).await.unwrap();
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut conn).await.unwrap();
        n
    }

    /// The first column of every row `sql` selects, as text, on a
    /// connection of its own.
    pub async fn rows(&self, sql: &'static str) -> Vec<String> {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&self.url).await.unwrap();
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap();
        rows.into_iter().map(|(text,)| text).collect()
    }

    /// Runs `sql` on a connection of its own (a test breaking something on
    /// purpose).
    pub async fn execute(&self, sql: &'static str) {
        sqlx::any::install_default_drivers();
        let mut conn = AnyConnection::connect(&self.url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }

    /// Waits until no newcomer waits for a greeting, no command for its
    /// lane and no outbox entry to be sent.
    pub async fn wait_until_idle(&self) {
        self.wait_until_idle_within(std::time::Duration::from_secs(90))
            .await;
    }

    /// How many greetings, commands, messages and broadcasts wait.
    pub async fn waiting(&self) -> i64 {
        self.count(
            "SELECT (SELECT COUNT(*) FROM pending_greetings)
                  + (SELECT COUNT(*) FROM outbox WHERE state = 'pending')
                  + (SELECT COUNT(*) FROM broadcasts WHERE done_at IS NULL)
                  + (SELECT COUNT(*) FROM command_lanes)",
        )
        .await
    }

    /// [`Self::wait_until_idle`] with a deadline of `limit`.
    pub async fn wait_until_idle_within(&self, limit: std::time::Duration) {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let waiting = self.waiting().await;
            if waiting == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{waiting} greetings, messages, broadcasts or commands still waiting"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

fn uuid_like() -> String {
    use std::{
        sync::atomic::{AtomicU64, Ordering},
        time::{SystemTime, UNIX_EPOCH},
    };
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{:x}_{:x}_{}",
        nanos,
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs an async scenario `fn name(db: TestDb)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestDb::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestDb::postgres().await).await
                }
            )*
        }
    };
}
