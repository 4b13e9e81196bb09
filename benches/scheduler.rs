//! The scheduler under an operator's whole estate: 10,000 groups with three
//! daily rituals each (a teaser, a notice and a draw announcement), all due
//! at 20:30 in Asia/Shanghai: 30,000 posts in the same minute.
//!
//! Simulates a day in one-minute ticks of a manual clock and prints the
//! posts fired, the cost of an idle tick, the wall and CPU time of the busy
//! minute (30,000 posts written with their outbox entries), and when the last
//! of them goes out at Telegram's pace (by the delivery pacer, with an
//! instant platform), on SQLite and PostgreSQL. Run with `scripts/bench` or
//! `cargo bench --bench scheduler`.

use std::{sync::Arc, time::Instant};

use chrono::NaiveDateTime;
use hearth::{
    domain::{
        ChatId, UserId,
        pace::{Pace, Pacer},
        schedule::Timing,
    },
    engine::ManualClock,
    rituals::schedules::{command::PostKind, store::NewSchedule},
};

mod support;

const GROUPS: i64 = 10_000;
const ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;
const RITUALS: [(&str, PostKind, &str); 3] = [
    (
        "30 20 * * *",
        PostKind::Teaser,
        "Something good tomorrow in {{group}}…",
    ),
    (
        "30 20 * * *",
        PostKind::Notice,
        "The wheel opens at 21:00 ({{time}} now). Reply 收到!",
    ),
    (
        "30 20 * * *",
        PostKind::Announce,
        "The wheel is open in {{group}}!",
    ),
];

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    // 2026-11-10 00:00 in Shanghai.
    let start = NaiveDateTime::parse_from_str("2026-11-10T00:00:00", "%Y-%m-%dT%H:%M:%S")?;
    let start_ms = hearth::domain::schedule::instant_of(ZONE, start);
    let clock = Arc::new(ManualClock::new(start_ms));
    let engine = support::engine(url, GROUPS, ZONE.name(), clock.clone()).await?;
    let operator = UserId::telegram(support::OPERATOR);
    let mut conn = engine.store().connection().await?;
    for g in 0..GROUPS {
        let group = ChatId::telegram(-1000 - g);
        for (cron, kind, body) in RITUALS {
            let timing = Timing::cron(cron)?;
            let next = timing.next_after(ZONE, start).expect("a daily run");
            let local = next.local.format("%Y-%m-%dT%H:%M:%S").to_string();
            let schedule = NewSchedule {
                group: &group,
                kind,
                timing: &timing.source(),
                body,
                pin: false,
                confirm: None,
                next: (&local, next.at_ms),
                created_by: &operator,
            };
            hearth::rituals::schedules::store::insert(&mut conn, &schedule, start_ms).await?;
        }
    }
    drop(conn);

    let mut idle = Vec::new();
    let mut busy = None;
    let mut fired = 0;
    let day = Instant::now();
    for _ in 0..24 * 60 {
        clock.advance_ms(60_000);
        let (t, cpu) = (Instant::now(), cpu_time());
        // As the running scheduler does: fire again while a pass posted.
        let mut posted = 0;
        loop {
            let n = engine.fire_due_schedules().await?;
            posted += n;
            if n == 0 {
                break;
            }
        }
        fired += posted;
        if posted == 0 {
            idle.push(t.elapsed());
        } else {
            busy = Some((posted, t.elapsed(), cpu_time() - cpu));
        }
    }
    let day = day.elapsed();
    idle.sort();
    let (posts, wall, cpu) = busy.unwrap_or_default();
    println!(
        "{label:<10} {GROUPS} groups x 3 schedules, a day in 1,440 ticks: {fired} posts in {day:.2?}; \
         idle tick p50 {:.2?} p99 {:.2?}; the busy minute: {posts} posts in {wall:.2?} wall, {cpu:.2?} CPU \
         ({:.0} posts/s); the last goes out {:.1?} after 20:30 at Telegram's pace",
        support::quantile(&idle, 0.50),
        support::quantile(&idle, 0.99),
        posts as f64 / wall.as_secs_f64(),
        paced_delivery(posts),
    );
    let name = format!("scheduler.{label}");
    support::figure(
        &format!("{name}.idle_tick.p50"),
        support::ms(support::quantile(&idle, 0.50)),
        "ms",
    );
    support::figure(
        &format!("{name}.idle_tick.p99"),
        support::ms(support::quantile(&idle, 0.99)),
        "ms",
    );
    support::figure(
        &format!("{name}.busy_minute"),
        posts as f64 / wall.as_secs_f64(),
        "posts/s",
    );
    anyhow::ensure!(
        fired == 3 * GROUPS as usize,
        "expected {} posts, fired {fired}",
        3 * GROUPS
    );
    Ok(())
}

/// When the last of `posts` (three per group) goes out under the pacer, if
/// the platform answered at once.
fn paced_delivery(posts: usize) -> std::time::Duration {
    let mut pacer = Pacer::new(Pace::TELEGRAM);
    let mut now = 0;
    for n in 0..posts as i64 {
        let chat = ChatId::telegram(-1000 - n % GROUPS);
        now = pacer
            .chat_ready_at(&chat, now)
            .max(pacer.global_ready_at(now));
        pacer.record(&chat, now);
    }
    std::time::Duration::from_millis(now as u64)
}

/// CPU time this process has used (Linux; /proc counts in 1/100 s).
fn cpu_time() -> std::time::Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            // Fields after the command name, which is in parentheses.
            let rest = stat.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    std::time::Duration::from_millis(ticks * 10)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    support::on_both_databases(
        "scheduler",
        |label, url| async move { run(label, &url).await },
    )
    .await
}
