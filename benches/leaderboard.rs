//! Leaderboards of one group with a million members in the database and
//! 50,000 inviters (a few with thousands of invitees, most with a handful).
//!
//! Writes the members through the store's own write path (so the counts are
//! kept the way the join path keeps them), then times the store work behind
//! `/top` (ten rows and their names), `/myinvites` (a random inviter's count,
//! rank and review history) and `/top all` (the operator's groups), and
//! prints p50/p99 of each, on SQLite and PostgreSQL. Run with `scripts/bench`
//! or `cargo bench --bench leaderboard`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hearth::{
    domain::{ChatId, DisplayName, UserId},
    engine::SystemClock,
    rituals::{
        greeting::invites::MemberRecord, leaderboard::store as leaderboard,
        screening::store::suspects,
    },
    store::{
        self,
        members::{MemberRow, SeenUser},
    },
};

mod support;

const MEMBERS: i64 = 1_000_000;
const INVITERS: i64 = 50_000;
const CHUNK: i64 = 100_000;
const ASKS: usize = 300;

/// A well-mixed number for `n` (splitmix64), so the bench needs no RNG.
fn mix(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Member `m`'s inviter: squared, so a few inviters bring thousands.
fn inviter_of(m: i64) -> i64 {
    let x = mix(m as u64) as f64 / u64::MAX as f64;
    1 + (x * x * INVITERS as f64) as i64 % INVITERS
}

async fn populate(conn: &mut sqlx::AnyConnection, group: &ChatId) -> anyhow::Result<()> {
    let inviters: Vec<SeenUser> = (1..=INVITERS)
        .map(|i| SeenUser {
            id: UserId::telegram(i),
            name: DisplayName::clean(&format!("inviter {i}"), "?"),
            is_bot: false,
            handle: None,
        })
        .collect();
    store::members::upsert_users(conn, &inviters).await?;
    for start in (0..MEMBERS).step_by(CHUNK as usize) {
        let rows: Vec<_> = (start..start + CHUNK)
            .map(|m| {
                let member = INVITERS + 1 + m;
                // One in ten left again and no longer counts.
                let present = m % 10 != 3;
                let row = MemberRow {
                    record: MemberRecord {
                        first_inviter: Some(UserId::telegram(inviter_of(m))),
                        present,
                        ..Default::default()
                    },
                    credited_at: Some(1_000_000 + m),
                };
                ((group.clone(), UserId::telegram(member)), row)
            })
            .collect();
        store::members::put_many(conn, &rows, 0).await?;
    }
    Ok(())
}

fn report(label: &str, what: &str, times: &mut [Duration]) {
    times.sort();
    let name = format!(
        "leaderboard.{label}.{}",
        what.trim_start_matches('/').replace(' ', "_")
    );
    support::figure(
        &format!("{name}.p50"),
        support::ms(support::quantile(times, 0.50)),
        "ms",
    );
    support::figure(
        &format!("{name}.p99"),
        support::ms(support::quantile(times, 0.99)),
        "ms",
    );
    println!(
        "{label:<10} {what:<11} at {MEMBERS} members, {INVITERS} inviters: p50 {:>8.2?} p99 {:>8.2?}",
        support::quantile(times, 0.50),
        support::quantile(times, 0.99),
    );
}

async fn run(label: &str, url: &str) -> anyhow::Result<()> {
    let engine = support::engine(url, 1, "UTC", Arc::new(SystemClock)).await?;
    let group = ChatId::telegram(-1000);
    let operator = UserId::telegram(support::OPERATOR);
    let mut conn = engine.store().connection().await?;
    let t = Instant::now();
    populate(&mut conn, &group).await?;
    println!("{label:<10} wrote {MEMBERS} members in {:.1?}", t.elapsed());
    if label == "postgres" {
        // What autovacuum does within a minute of such a load: without it
        // the counts' index still holds every superseded row version.
        sqlx::query("VACUUM ANALYZE").execute(&mut *conn).await?;
    }

    let (mut top, mut mine, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for ask in 0..ASKS {
        let t = Instant::now();
        let rows = leaderboard::top(&mut conn, &group, 10).await?;
        for row in &rows {
            store::members::name_of(&mut conn, &row.inviter).await?;
        }
        top.push(t.elapsed());
        anyhow::ensure!(rows.len() == 10, "the leaderboard has ten rows");

        let asker = UserId::telegram(1 + (mix(ask as u64) % INVITERS as u64) as i64);
        let t = Instant::now();
        leaderboard::standing_of(&mut conn, &group, &asker).await?;
        suspects::removed_invitees(&mut conn, &group, &asker).await?;
        suspects::pending_invitees(&mut conn, &group, &asker).await?;
        mine.push(t.elapsed());

        let t = Instant::now();
        let groups = store::groups::owned_by(&mut conn, &operator).await?;
        let rows = leaderboard::top_across(&mut conn, &groups, 10).await?;
        for row in &rows {
            store::members::name_of(&mut conn, &row.inviter).await?;
        }
        all.push(t.elapsed());
    }
    report(label, "/top", &mut top);
    report(label, "/myinvites", &mut mine);
    report(label, "/top all", &mut all);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    support::on_both_databases(
        "leaderboard",
        |label, url| async move { run(label, &url).await },
    )
    .await
}
