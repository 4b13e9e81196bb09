//! Button presses on one draw, as a crowd presses them.
//!
//! 10,000 presses, 64 in flight at once, on one red envelope of 1,000 shares
//! (9,000 presses come too late) and on one wheel with a consolation (every
//! press spins). All race for the same draw row: on PostgreSQL over several
//! connections. Prints presses/s and per-press latency (the time until the
//! member's answer can go out), on SQLite and, when reachable, PostgreSQL.
//! Run with `scripts/bench` or `cargo bench --bench draws`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hearth::{
    domain::{ChatId, DisplayName, UserId, draw::DrawKind, fairness::Seed},
    engine::{Engine, Event, Incoming, Person, SystemClock},
    rituals::{
        draws::store::NewDraw,
        envelope::rules::EnvelopeParams,
        wheel::rules::{Prize, WheelParams},
    },
    store,
};
use tokio::task::JoinSet;

mod support;

const PRESSES: i64 = 10_000;
const CROWD: usize = 64;
const GROUP: i64 = -1000;

fn press(draw: i64, member: i64) -> Incoming {
    Incoming {
        key: format!("bench:{draw}:{member}"),
        event: Event::Pressed {
            chat: ChatId::telegram(GROUP),
            from: Person {
                id: UserId::telegram(member),
                name: DisplayName::clean(&format!("member {member}"), "?"),
                is_bot: false,
                lang: None,
                handle: None,
            },
            button: format!("draw:{draw}"),
            // Each draw is announced in the message of its own number.
            message: Some(draw.to_string()),
            query: None,
            topic: None,
        },
    }
}

/// Opens a draw of `kind` in the bench group, announced in the message of
/// its own number; its id comes back.
async fn open(engine: &Engine, kind: DrawKind, params: String, slots: i64) -> anyhow::Result<i64> {
    let mut conn = engine.store().connection().await?;
    let seed = Seed::generate(&mut rand::rngs::OsRng);
    let new = NewDraw {
        group: &ChatId::telegram(GROUP),
        kind,
        params: &params,
        seed: &seed.to_hex(),
        commitment: &seed.commitment(),
        slots,
        created_by: &UserId::telegram(support::OPERATOR),
        open: true,
        closes_at: None,
    };
    let id = hearth::rituals::draws::store::insert(&mut conn, &new, 0).await?;
    hearth::rituals::draws::store::set_message_id(
        &mut conn,
        &ChatId::telegram(GROUP),
        id,
        &id.to_string(),
    )
    .await?;
    Ok(id)
}

/// Every presser is a member the bot knows (there before it came, seen
/// once), so no press waits on a platform.
async fn seat_the_crowd(engine: &Engine) -> anyhow::Result<()> {
    let mut conn = engine.store().connection().await?;
    let group = ChatId::telegram(GROUP);
    for member in 0..PRESSES {
        let member = UserId::telegram(10_000 + member);
        store::members::note_seen(&mut conn, &group, &member, true, 0).await?;
    }
    Ok(())
}

/// Presses `draw` PRESSES times, CROWD at once; the latencies come back.
async fn crowd(engine: &Arc<Engine>, draw: i64) -> anyhow::Result<(Vec<Duration>, Duration)> {
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut flights = JoinSet::new();
    for member in 0..PRESSES {
        if flights.len() == CROWD {
            latencies.push(flights.join_next().await.expect("a flight")??);
        }
        let engine = engine.clone();
        flights.spawn(async move {
            let t = Instant::now();
            engine
                .handle_batch(vec![press(draw, 10_000 + member)])
                .await
                .map(|()| t.elapsed())
        });
    }
    while let Some(done) = flights.join_next().await {
        latencies.push(done??);
    }
    Ok((latencies, started.elapsed()))
}

fn report(db: &str, label: &str, (mut latencies, wall): (Vec<Duration>, Duration)) {
    latencies.sort();
    println!(
        "{db:<10} {label}: {} presses, {CROWD} at once, in {:.2?} = {:>6.0} presses/s; per press p50 {:.2?} p99 {:.2?}",
        latencies.len(),
        wall,
        latencies.len() as f64 / wall.as_secs_f64(),
        support::quantile(&latencies, 0.5),
        support::quantile(&latencies, 0.99),
    );
    let kind = label.split_whitespace().next().unwrap_or(label);
    let name = format!("presses.{db}.{kind}");
    support::figure(
        &format!("{name}.presses_per_s"),
        latencies.len() as f64 / wall.as_secs_f64(),
        "presses/s",
    );
    support::figure(
        &format!("{name}.p99"),
        support::ms(support::quantile(&latencies, 0.99)),
        "ms",
    );
}

async fn run(db: &'static str, url: String) -> anyhow::Result<()> {
    let engine = support::engine(&url, 1, "UTC", Arc::new(SystemClock)).await?;
    seat_the_crowd(&engine).await?;
    let envelope = EnvelopeParams {
        total: 100_000,
        decimals: 2,
        shares: 1_000,
        min: 1,
        prize: None,
        prize_pool: None,
        share_pool: None,
    };
    let id = open(
        &engine,
        DrawKind::Envelope,
        serde_json::to_string(&envelope)?,
        1_000,
    )
    .await?;
    report(db, "envelope of 1,000 shares", crowd(&engine, id).await?);
    let mut conn = engine.store().connection().await?;
    assert_eq!(
        hearth::rituals::draws::store::entries(&mut conn, id)
            .await?
            .len(),
        1_000
    );
    drop(conn);

    let prize = |name: &str, stock, weight| Prize {
        name: name.into(),
        weight,
        stock,
        pool: None,
    };
    let wheel = WheelParams {
        prizes: vec![
            prize("Gold", Some(10), 1),
            prize("Silver", Some(100), 10),
            prize("Thanks", None, 89),
        ],
    };
    let id = open(
        &engine,
        DrawKind::Wheel,
        serde_json::to_string(&wheel)?,
        1 << 40,
    )
    .await?;
    report(db, "wheel with a consolation", crowd(&engine, id).await?);
    let mut conn = engine.store().connection().await?;
    let spins = hearth::rituals::draws::store::entries(&mut conn, id).await?;
    assert_eq!(spins.len(), PRESSES as usize);
    assert!(
        spins.iter().filter(|e| e.amount == 0).count() <= 10,
        "gold oversold"
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    support::on_both_databases("draws", run).await
}
