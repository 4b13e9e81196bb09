//! Memory under a million distinct members speaking.
//!
//! Feeds 1,000,000 ordinary messages, each from a member never seen before,
//! spread over 20 groups in batches of 100 (as `getUpdates` returns them),
//! through the engine and the store, with no platform. Prints the process's
//! resident memory every 100,000 messages and its peak: what the engine
//! keeps in memory per member is bounded (least-recently-used sets), so the
//! figure levels off instead of growing with the crowd, while the database
//! keeps every member. Run with `scripts/bench` or `cargo bench --bench memory`.

use std::{sync::Arc, time::Instant};

use hearth::{
    domain::{ChatId, DisplayName, UserId},
    engine::{Event, Incoming, Person, SystemClock},
};

mod support;

const MEMBERS: i64 = 1_000_000;
const GROUPS: i64 = 20;
const BATCH: i64 = 100;
const REPORT_EVERY: i64 = 100_000;

fn message(i: i64) -> Incoming {
    Incoming {
        key: format!("bench:{i}"),
        event: Event::Message {
            group: ChatId::telegram(-1000 - i % GROUPS),
            from: Person {
                id: UserId::telegram(1_000_000 + i),
                name: DisplayName::clean(&format!("member {i}"), "?"),
                is_bot: false,
                lang: None,
                handle: Some(format!("member{i}")),
            },
            text: "hello everyone".to_owned(),
            reply_to: None,
        },
    }
}

/// A line of `/proc/self/status` in MB (`VmRSS`, `VmHWM`).
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    let engine = support::engine(url, GROUPS, "UTC", Arc::new(SystemClock)).await?;
    let start = Instant::now();
    let base = status_mb("VmRSS");
    println!(
        "{label:<10} {:>9} members spoke: resident {base:>6.1} MB",
        0
    );
    let mut i = 0;
    while i < MEMBERS {
        let batch = (i..(i + BATCH).min(MEMBERS)).map(message).collect();
        engine.handle_batch(batch).await?;
        i += BATCH;
        if i % REPORT_EVERY == 0 {
            println!(
                "{label:<10} {i:>9} members spoke: resident {:>6.1} MB ({:.0} messages/s)",
                status_mb("VmRSS"),
                i as f64 / start.elapsed().as_secs_f64(),
            );
        }
    }
    println!(
        "{label:<10} peak resident {:>6.1} MB for {MEMBERS} distinct members in {:.0?}",
        status_mb("VmHWM"),
        start.elapsed()
    );
    support::figure(
        &format!("memory.{label}.peak_rss"),
        status_mb("VmHWM"),
        "MB",
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("memory.db").display());
    run("sqlite", &url).await
}
