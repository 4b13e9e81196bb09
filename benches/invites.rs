//! Join/leave throughput through the engine and the store.
//!
//! Feeds synthetic updates the way the Telegram adapter does (batches of up
//! to 100, as `getUpdates` returns them, one transaction per batch) and
//! prints events/s and per-batch latency percentiles, on SQLite and, when
//! reachable, PostgreSQL. The clock starts after 50,000 events, so the
//! tables are not empty, and after an `ANALYZE` on PostgreSQL, as autovacuum
//! runs one once a table has grown by a tenth. Run with
//! `scripts/bench` or `cargo bench --bench invites`.

use std::{sync::Arc, time::Instant};

use hearth::{
    domain::{ChatId, DisplayName, UserId},
    engine::{Event, GroupInfo, Incoming, Person, SystemClock},
};

mod support;

/// Events per run with `getUpdates`-sized batches, and with one event per batch.
const EVENTS: usize = 50_000;
const EVENTS_UNBATCHED: usize = 5_000;
const GROUPS: i64 = 20;
/// Events applied (in batches of 100) before the clock starts, so the
/// tables are at the size the run takes them to, not empty.
const WARMUP: usize = 50_000;

fn person(id: i64) -> Person {
    Person {
        id: UserId::telegram(id),
        name: DisplayName::clean(&format!("member {id}"), "?"),
        is_bot: false,
        lang: None,
        handle: None,
    }
}

/// `HEARTH_BENCH_EVENTS=n`: only n events in batches of 100 on SQLite, for
/// counting instructions under callgrind (`scripts/bench` runs two sizes and
/// divides the difference, so set-up cancels out).
fn events_wanted() -> Option<usize> {
    std::env::var("HEARTH_BENCH_EVENTS").ok()?.parse().ok()
}

/// Events `events` of a stream of joins, mostly added by an earlier
/// member, and one leave in five.
fn workload(events: std::ops::Range<usize>, batch: usize) -> Vec<Vec<Incoming>> {
    let (from, to) = (events.start as i64, events.end as i64);
    let mut events = Vec::with_capacity(events.len());
    for i in from..to {
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

async fn run(label: &str, url: &str, batch: usize) -> anyhow::Result<()> {
    let engine = support::engine(url, GROUPS, "UTC", Arc::new(SystemClock)).await?;
    let n = match (batch, events_wanted()) {
        (_, Some(n)) => n,
        (1, None) => EVENTS_UNBATCHED,
        _ => EVENTS,
    };
    // Under callgrind a shorter warm-up: it cancels out of the count.
    let warmup = if events_wanted().is_some() {
        5_000
    } else {
        WARMUP
    };
    for b in workload(0..warmup, 100) {
        engine.handle_batch(b).await?;
    }
    if label == "postgres" {
        // What autovacuum does within a minute of the first members: plans
        // made while the tables were empty would otherwise stay.
        let mut conn = engine.store().connection().await?;
        sqlx::query("ANALYZE").execute(&mut *conn).await?;
    }
    let batches = workload(warmup..warmup + n, batch);
    let mut latencies = Vec::with_capacity(batches.len());
    let start = Instant::now();
    for b in batches {
        let t = Instant::now();
        engine.handle_batch(b).await?;
        latencies.push(t.elapsed());
    }
    let total = start.elapsed();
    latencies.sort();
    let pct = |p| support::quantile(&latencies, p);
    println!(
        "{label:<10} batch {batch:>3}: {n:>6} events in {:>6.2?} = {:>7.0} events/s; per-batch latency p50 {:>8.2?} p99 {:>8.2?}",
        total,
        n as f64 / total.as_secs_f64(),
        pct(0.50),
        pct(0.99),
    );
    let name = format!("intake.{label}.batch{batch}");
    support::figure(
        &format!("{name}.events_per_s"),
        n as f64 / total.as_secs_f64(),
        "events/s",
    );
    support::figure(&format!("{name}.p50"), support::ms(pct(0.50)), "ms");
    support::figure(&format!("{name}.p99"), support::ms(pct(0.99)), "ms");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // `RUST_LOG=sqlx=debug` shows each statement with its time.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    if let Some(n) = events_wanted() {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("counted.db").display());
        println!("counting {n} events");
        return run("sqlite", &url, 100).await;
    }
    support::on_both_databases("invites100", |label, url| async move {
        run(label, &url, 100).await
    })
    .await?;
    support::on_both_databases(
        "invites1",
        |label, url| async move { run(label, &url, 1).await },
    )
    .await
}
