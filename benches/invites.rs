//! Join/leave throughput through the engine and the store.
//!
//! Feeds synthetic updates the way the Telegram adapter does (batches of up
//! to 100, as `getUpdates` returns them, one transaction per batch) and
//! prints events/s and per-batch latency percentiles, on SQLite and, when
//! reachable, PostgreSQL. Run with `scripts/bench` or `cargo bench --bench invites`.

use std::{sync::Arc, time::Instant};

use hearth::{
    domain::{ChatId, DisplayName, Lang, UserId},
    engine::{Engine, EngineSettings, Event, GroupInfo, Incoming, Person, SystemClock},
    store::{self, Store, groups::Group},
};
use sqlx::{AnyConnection, Connection, Executor};

/// Events per run with `getUpdates`-sized batches, and with one event per batch.
const EVENTS: usize = 50_000;
const EVENTS_UNBATCHED: usize = 5_000;
const GROUPS: i64 = 20;

fn person(id: i64) -> Person {
    Person {
        id: UserId::telegram(id),
        name: DisplayName::clean(&format!("member {id}"), "?"),
        is_bot: false,
        lang: None,
    }
}

/// Joins mostly added by an earlier member, and one leave in five.
fn workload(n: usize, batch: usize) -> Vec<Vec<Incoming>> {
    let mut events = Vec::with_capacity(n);
    for i in 0..n as i64 {
        let group = ChatId::telegram(-1000 - i % GROUPS);
        let event = if i % 5 == 4 {
            Event::MemberLeft {
                group,
                member: person(i - 2),
                removed_by: None,
            }
        } else {
            Event::MemberJoined {
                group: GroupInfo {
                    id: group,
                    title: "Bench".into(),
                    public_handle: None,
                },
                member: person(i),
                added_by: (i > 10).then(|| person(i / 7)),
                link: None,
            }
        };
        events.push(Incoming {
            key: format!("bench:{i}"),
            event,
        });
    }
    let mut batches = Vec::new();
    let mut it = events.into_iter().peekable();
    while it.peek().is_some() {
        batches.push(it.by_ref().take(batch).collect());
    }
    batches
}

async fn engine(url: &str) -> anyhow::Result<Arc<Engine>> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    let mut conn = store.pool().acquire().await?;
    for g in 0..GROUPS {
        let group = Group {
            id: ChatId::telegram(-1000 - g),
            title: "Bench".into(),
            owner: UserId::telegram(1),
            lang: Lang::En,
            timezone: "UTC".into(),
            public_handle: None,
            can_invite: true,
            active: true,
            welcome_template: None,
        };
        store::groups::register(&mut conn, &group, 0).await?;
    }
    drop(conn);
    let settings = EngineSettings {
        operators: vec![UserId::telegram(1)],
        default_lang: Lang::En,
        default_timezone: "UTC".into(),
        greet_interval: std::time::Duration::from_secs(6),
        greet_settle: std::time::Duration::from_secs(2),
        pace: hearth::domain::pace::Pace::TELEGRAM,
        schedule_grace: std::time::Duration::from_secs(600),
    };
    Engine::new(store, settings, Arc::new(SystemClock)).await
}

async fn run(label: &str, url: &str, batch: usize) -> anyhow::Result<()> {
    let engine = engine(url).await?;
    let n = if batch == 1 { EVENTS_UNBATCHED } else { EVENTS };
    let batches = workload(n, batch);
    let mut latencies = Vec::with_capacity(batches.len());
    let start = Instant::now();
    for b in batches {
        let t = Instant::now();
        engine.handle_batch(b).await?;
        latencies.push(t.elapsed());
    }
    let total = start.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "{label:<10} batch {batch:>3}: {n:>6} events in {:>6.2?} = {:>7.0} events/s; per-batch latency p50 {:>8.2?} p99 {:>8.2?}",
        total,
        n as f64 / total.as_secs_f64(),
        pct(0.50),
        pct(0.99),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    for batch in [100, 1] {
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("bench{batch}.db")).display()
        );
        run("sqlite", &url, batch).await?;
    }
    sqlx::any::install_default_drivers();
    let server = std::env::var("HEARTH_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match AnyConnection::connect(&server).await {
        Ok(mut conn) => {
            let base = server
                .rsplit_once('/')
                .map(|(b, _)| b.to_owned())
                .unwrap_or(server.clone());
            for batch in [100, 1] {
                let name = format!("hearth_bench_{}_{batch}", std::process::id());
                conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await?;
                run("postgres", &format!("{base}/{name}"), batch).await?;
            }
        }
        Err(e) => println!("postgres   skipped: {server} unreachable ({e})"),
    }
    Ok(())
}
