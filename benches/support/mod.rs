//! What the benches share: an engine on a fresh database, run on SQLite and,
//! when reachable, on PostgreSQL.

// Each bench is its own crate and uses only part of this.
#![allow(dead_code)]

use std::{future::Future, sync::Arc};

use hearth::{
    domain::{ChatId, Lang, UserId},
    engine::{Clock, Engine, EngineSettings},
    store::{self, Store, groups::Group},
};
use sqlx::{AnyConnection, Connection, Executor};

pub const OPERATOR: i64 = 1;

/// An engine on `url` with `groups` registered groups (`-1000 - n`) in `zone`.
pub async fn engine(
    url: &str,
    groups: i64,
    zone: &str,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Arc<Engine>> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let mut conn = store.connection().await?;
    for g in 0..groups {
        let group = Group {
            id: ChatId::telegram(-1000 - g),
            title: format!("Bench {g}"),
            owner: UserId::telegram(OPERATOR),
            lang: Lang::En,
            timezone: zone
                .parse()
                .map_err(|_| anyhow::anyhow!("{zone} is not a zone"))?,
            public_handle: None,
            can_invite: true,
            active: true,
            welcome_template: None,
            welcome_pace: None,
        };
        store::groups::register(&mut conn, &group, true, 0).await?;
    }
    drop(conn);
    let settings = EngineSettings {
        operators: vec![UserId::telegram(OPERATOR)],
        default_lang: Lang::En,
        default_timezone: chrono_tz::UTC,
        zone_set: true,
        greet_interval: std::time::Duration::from_secs(6),
        greet_settle: std::time::Duration::from_secs(2),
        answer_again: std::time::Duration::from_secs(60),
        pace: hearth::domain::pace::Pace::TELEGRAM,
        retention: Default::default(),
        schedule_grace: std::time::Duration::from_secs(600),
        certificate_font: None,
    };
    Engine::new(store, settings, clock).await
}

/// Runs `bench` on a fresh SQLite file and a fresh PostgreSQL database (the
/// server of `HEARTH_TEST_POSTGRES_URL`, skipped when unreachable).
pub async fn on_both_databases<F, Fut>(name: &str, bench: F) -> anyhow::Result<()>
where
    F: Fn(&'static str, String) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let dir = tempfile::tempdir()?;
    let url = format!(
        "sqlite://{}",
        dir.path().join(format!("{name}.db")).display()
    );
    bench("sqlite", url).await?;
    sqlx::any::install_default_drivers();
    let server = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match AnyConnection::connect(&server).await {
        Ok(mut conn) => {
            let base = server
                .rsplit_once('/')
                .map(|(b, _)| b.to_owned())
                .unwrap_or(server.clone());
            let db = format!("hearth_bench_{name}_{}", std::process::id());
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .await?;
            bench("postgres", format!("{base}/{db}")).await?;
        }
        Err(e) => println!("postgres   skipped: {server} unreachable ({e})"),
    }
    Ok(())
}

/// The `p`-quantile of sorted durations.
pub fn quantile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// Records one figure for `scripts/bench`, which prints it beside the
/// committed baseline (`benches/baseline.json`): appended as a
/// `name<TAB>value<TAB>unit` line to the file `HEARTH_BENCH_FIGURES` names,
/// when it names one. Units ending in `/s` are better higher, the rest
/// (times, bytes, instructions) better lower.
pub fn figure(name: &str, value: f64, unit: &str) {
    use std::io::Write;
    let Some(path) = std::env::var_os("HEARTH_BENCH_FIGURES") else {
        return;
    };
    let line = format!("{name}\t{value}\t{unit}\n");
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        eprintln!("could not record {name} in {}: {e}", path.to_string_lossy());
    }
}

/// Milliseconds, as figures are kept.
pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}
