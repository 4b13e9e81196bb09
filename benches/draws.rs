//! Red-envelope grabs through the engine and the store.
//!
//! 10,000 presses on ten envelopes of 1,000 shares (one per group), first one
//! after another (the latency a member waits for their answer), then 64 at a
//! time (a crowd pressing at once; on PostgreSQL several connections race for
//! the same rows). Prints presses/s and per-press latency, on SQLite and, when
//! reachable, PostgreSQL. Run with `scripts/bench` or `cargo bench --bench draws`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hearth::{
    domain::{ChatId, DisplayName, UserId, envelope::EnvelopeParams, fairness::Seed},
    engine::{ENVELOPE, Engine, Event, Incoming, Person, SystemClock},
    store::{self, draws::NewDraw},
};
use tokio::task::JoinSet;

mod support;

const GROUPS: i64 = 10;
const SHARES: u32 = 1_000;
const CROWD: usize = 64;

fn press(group: i64, draw: i64, member: i64, n: usize) -> Incoming {
    Incoming {
        key: format!("bench:{n}"),
        event: Event::Pressed {
            group: ChatId::telegram(-1000 - group),
            from: Person {
                id: UserId::telegram(member),
                name: DisplayName::clean(&format!("member {member}"), "?"),
                is_bot: false,
                lang: None,
            },
            button: format!("draw:{draw}"),
            message: None,
            query: None,
        },
    }
}

/// Opens one envelope per group; their ids come back.
async fn open_envelopes(engine: &Engine) -> anyhow::Result<Vec<i64>> {
    let mut conn = engine.store().connection().await?;
    let params = EnvelopeParams {
        total: 100_000,
        decimals: 2,
        shares: SHARES,
        min: 1,
        prize: None,
    };
    let mut ids = Vec::new();
    for g in 0..GROUPS {
        let seed = Seed::generate(&mut rand::rngs::OsRng);
        let new = NewDraw {
            group: &ChatId::telegram(-1000 - g),
            kind: ENVELOPE,
            params: &serde_json::to_string(&params)?,
            seed: &seed.to_hex(),
            commitment: &seed.commitment(),
            slots: i64::from(SHARES),
            created_by: &UserId::telegram(support::OPERATOR),
        };
        ids.push(store::draws::insert(&mut conn, &new, 0).await?);
    }
    Ok(ids)
}

fn report(label: &str, db: &str, mut latencies: Vec<Duration>, wall: Duration) {
    latencies.sort();
    println!(
        "{db:<10} {label}: {} presses in {:.2?} = {:>6.0} presses/s; per press p50 {:.2?} p99 {:.2?}",
        latencies.len(),
        wall,
        latencies.len() as f64 / wall.as_secs_f64(),
        support::quantile(&latencies, 0.5),
        support::quantile(&latencies, 0.99),
    );
}

async fn run(db: &'static str, url: String) -> anyhow::Result<()> {
    // One after another.
    let engine = support::engine(&url, GROUPS, "UTC", Arc::new(SystemClock)).await?;
    let draws = open_envelopes(&engine).await?;
    let mut latencies = Vec::new();
    let started = Instant::now();
    for (g, draw) in draws.iter().enumerate() {
        for m in 0..i64::from(SHARES) {
            let n = latencies.len();
            let t = Instant::now();
            engine
                .handle_batch(vec![press(g as i64, *draw, 10_000 + m, n)])
                .await?;
            latencies.push(t.elapsed());
        }
    }
    report("one by one ", db, latencies, started.elapsed());

    // A crowd: CROWD presses in flight at once, on fresh envelopes.
    let draws = open_envelopes(&engine).await?;
    let mut presses = Vec::new();
    for (g, draw) in draws.iter().enumerate() {
        for m in 0..i64::from(SHARES) {
            presses.push(press(g as i64, *draw, 20_000 + m, presses.len()));
        }
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut flights = JoinSet::new();
    for press in presses {
        if flights.len() == CROWD {
            latencies.push(flights.join_next().await.expect("a flight")??);
        }
        let engine = engine.clone();
        flights.spawn(async move {
            let t = Instant::now();
            engine.handle_batch(vec![press]).await.map(|()| t.elapsed())
        });
    }
    while let Some(done) = flights.join_next().await {
        latencies.push(done??);
    }
    report("64 at once  ", db, latencies, started.elapsed());
    let mut conn = engine.store().connection().await?;
    let mut handed = 0;
    for draw in draws {
        handed += store::draws::entries(&mut conn, draw).await?.len();
    }
    assert_eq!(
        handed,
        GROUPS as usize * SHARES as usize,
        "every share once"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    support::on_both_databases("draws", run).await
}
