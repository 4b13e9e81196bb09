//! `hearth export <what>`: draws, their entries and winners, coupon codes,
//! the audit log and the funnel as CSV, for operators' spreadsheets and audits. Times are UTC, RFC 3339.

use std::{io::Write, path::PathBuf};

use anyhow::Context;
use sqlx::AnyConnection;

use crate::{
    config::StoreSettings,
    store::{self, Store},
};

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    /// Every draw: kind, group, parameters, commitment, and the seed once closed.
    Draws,
    /// Every entry of every draw, in the order members took part.
    Entries,
    /// Every giveaway winner, round by round: claimed or replaced, and when.
    Winners,
    /// Every coupon code: pool, holder, what it was won for, when it was
    /// handed over and redeemed.
    Codes,
    /// The audit log: every admin action, who did it, where and when.
    Log,
    /// The funnel per group and inviter: joined, stayed 7 days, active,
    /// got a code, redeemed.
    Funnel,
}

/// Writes `table` as CSV with a header row.
pub async fn export(store: &Store, table: Table, out: impl Write) -> anyhow::Result<()> {
    let mut conn = store.connection().await?;
    let mut csv = csv::Writer::from_writer(out);
    match table {
        Table::Draws => draws(&mut conn, &mut csv).await?,
        Table::Log => log(&mut conn, &mut csv).await?,
        Table::Entries => entries(&mut conn, &mut csv).await?,
        Table::Winners => winners(&mut conn, &mut csv).await?,
        Table::Funnel => funnel(&mut conn, &mut csv).await?,
        Table::Codes => codes(&mut conn, &mut csv).await?,
    }
    csv.flush().context("writing the export")?;
    Ok(())
}

/// `draws` as CSV rows under a header.
async fn draws(conn: &mut AnyConnection, csv: &mut csv::Writer<impl Write>) -> anyhow::Result<()> {
    csv.write_record([
        "id",
        "group",
        "kind",
        "params",
        "commitment",
        "seed",
        "slots",
        "taken",
        "created_by",
        "created_at",
        "closed_at",
    ])?;
    for d in crate::rituals::draws::store::all(conn).await? {
        // The seed stays secret until the draw closes.
        let seed = if d.closed_at.is_some() {
            d.seed
        } else {
            String::new()
        };
        csv.write_record([
            d.id.to_string(),
            d.group.to_string(),
            d.kind.to_string(),
            d.params,
            d.commitment,
            seed,
            d.slots.to_string(),
            d.taken.to_string(),
            d.created_by.to_string(),
            time(Some(d.created_at)),
            time(d.closed_at),
        ])?;
    }
    Ok(())
}

/// `log` as CSV rows under a header.
async fn log(conn: &mut AnyConnection, csv: &mut csv::Writer<impl Write>) -> anyhow::Result<()> {
    csv.write_record(["id", "at", "group", "actor", "action", "detail"])?;
    for e in store::audit::all(conn).await? {
        csv.write_record([
            e.id.to_string(),
            time(Some(e.at_ms)),
            e.group.map(|g| g.to_string()).unwrap_or_default(),
            e.actor,
            e.action,
            e.detail,
        ])?;
    }
    Ok(())
}

/// `entries` as CSV rows under a header.
async fn entries(
    conn: &mut AnyConnection,
    csv: &mut csv::Writer<impl Write>,
) -> anyhow::Result<()> {
    csv.write_record(["draw", "position", "user", "name", "amount"])?;
    for d in crate::rituals::draws::store::all(conn).await? {
        for e in crate::rituals::draws::store::entries(conn, d.id).await? {
            csv.write_record([
                d.id.to_string(),
                (e.position + 1).to_string(),
                e.user.to_string(),
                e.name.as_str().to_owned(),
                e.amount.to_string(),
            ])?;
        }
    }
    Ok(())
}

/// `winners` as CSV rows under a header.
async fn winners(
    conn: &mut AnyConnection,
    csv: &mut csv::Writer<impl Write>,
) -> anyhow::Result<()> {
    csv.write_record([
        "draw",
        "round",
        "pick",
        "entry",
        "user",
        "name",
        "claimed_at",
        "replaced_at",
    ])?;
    for d in crate::rituals::draws::store::all(conn).await? {
        for w in crate::rituals::giveaway::store::of_draw(conn, d.id).await? {
            csv.write_record([
                d.id.to_string(),
                w.round.to_string(),
                (w.pick + 1).to_string(),
                (w.position + 1).to_string(),
                w.user.to_string(),
                w.name.as_str().to_owned(),
                time(w.claimed_at),
                time(w.replaced_at),
            ])?;
        }
    }
    Ok(())
}

/// `funnel` as CSV rows under a header.
async fn funnel(conn: &mut AnyConnection, csv: &mut csv::Writer<impl Write>) -> anyhow::Result<()> {
    csv.write_record([
        "group",
        "inviter",
        "inviter_name",
        "joined",
        "stayed_7_days",
        "active",
        "got_code",
        "redeemed",
    ])?;
    let week_ago = chrono::Utc::now().timestamp_millis() - 7 * 24 * 3600 * 1000;
    let mut groups = store::groups::active_ids(conn).await?;
    groups.sort();
    for group in groups {
        let rows = crate::rituals::channels::store::funnel::by_inviter(
            conn,
            std::slice::from_ref(&group),
            0,
            week_ago,
        )
        .await?;
        for row in rows {
            let name = match &row.inviter {
                Some(id) => store::members::name_of(conn, id)
                    .await?
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
                None => String::new(),
            };
            csv.write_record([
                group.to_string(),
                row.inviter.map(|i| i.to_string()).unwrap_or_default(),
                name,
                row.joined.to_string(),
                row.stayed.to_string(),
                row.active.to_string(),
                row.coded.to_string(),
                row.redeemed.to_string(),
            ])?;
        }
    }
    Ok(())
}

/// `codes` as CSV rows under a header.
async fn codes(conn: &mut AnyConnection, csv: &mut csv::Writer<impl Write>) -> anyhow::Result<()> {
    csv.write_record([
        "pool",
        "code",
        "value",
        "holder",
        "group",
        "reason",
        "prize",
        "awarded_at",
        "delivered_at",
        "redeemed_at",
        "redeemed_by",
    ])?;
    for c in crate::rituals::coupons::store::codes::records(conn).await? {
        csv.write_record([
            c.pool,
            c.code,
            c.value.unwrap_or_default(),
            c.holder.unwrap_or_default(),
            c.group.unwrap_or_default(),
            c.reason.unwrap_or_default(),
            c.prize.unwrap_or_default(),
            time(c.awarded_at),
            time(c.delivered_at),
            time(c.redeemed_at),
            c.redeemed_by.unwrap_or_default(),
        ])?;
    }
    Ok(())
}

fn time(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub async fn run(
    settings: &StoreSettings,
    what: Table,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let store = super::store(settings).await?;
    match output {
        Some(path) => {
            let file = std::fs::File::create(&path)
                .with_context(|| format!("creating {}", path.display()))?;
            export(&store, what, std::io::BufWriter::new(file)).await
        }
        None => export(&store, what, std::io::stdout().lock()).await,
    }
}
