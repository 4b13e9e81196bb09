//! `hearth verify <draw>`: re-runs a closed draw (an envelope, a wheel or a
//! giveaway with its rerolls) from its revealed seed, the way any member could
//! by hand (README, "Checking a draw"), and shows each result beside what the
//! seed gives.

use std::fmt::Write;

use anyhow::{Context, bail};

use crate::domain::draw::DrawKind;
use crate::{
    config::StoreSettings,
    domain::{amount::Amount, fairness::Seed, lang::en_count},
    rituals::{
        draws::store::Draw,
        envelope::rules::{self as envelope, EnvelopeParams},
        giveaway::rules as lottery,
        wheel::rules::{WheelParams, replay},
    },
    store::Store,
};

/// The report for draw `id`, or why it cannot be checked or does not check out.
pub async fn draw(store: &Store, id: i64) -> anyhow::Result<String> {
    let mut conn = store.connection().await?;
    let draw = crate::rituals::draws::store::get(&mut conn, id)
        .await?
        .with_context(|| format!("there is no draw #{id}"))?;
    if draw.closed_at.is_none() {
        bail!("draw #{id} is still open; its seed is revealed when it closes");
    }
    if draw.kind == DrawKind::Wheel {
        return wheel(&mut conn, &draw).await;
    }
    if draw.kind == DrawKind::Giveaway {
        return giveaway(&mut conn, &draw).await;
    }
    if draw.kind == DrawKind::Nth {
        bail!(
            "game #{id} is an Nth-reply game: nothing in it is random, so there is no seed; \
             `hearth export entries` lists the replies in the order they counted"
        );
    }
    if draw.kind != DrawKind::Envelope {
        bail!(
            "draw #{id} is a {}, which this version cannot re-run",
            draw.kind
        );
    }
    let params: EnvelopeParams =
        serde_json::from_str(&draw.params).context("reading the draw's parameters")?;
    let entries = crate::rituals::draws::store::entries(&mut conn, id).await?;
    let grabbed: Vec<(usize, u64)> = entries
        .iter()
        .map(|e| (e.position as usize, e.amount as u64))
        .collect();
    let unit = |units| Amount {
        units,
        decimals: params.decimals,
    };
    let shares = envelope::verify(&params, &draw.seed, &draw.commitment, &grabbed)
        .with_context(|| format!("draw #{id} does NOT check out"))?;
    let mut out = header(
        &draw,
        &format!(
            "lucky red envelope, {} in {}",
            unit(params.total),
            en_count(params.shares, "share", "shares")
        ),
    )?;
    for (entry, share) in entries.iter().zip(&shares) {
        writeln!(
            out,
            "grab {:>4}  {:>12}  = share {} of the seed  {}",
            entry.position + 1,
            unit(*share).to_string(),
            entry.position + 1,
            entry.name.as_str()
        )?;
    }
    let left: u64 = shares[entries.len()..].iter().sum();
    writeln!(
        out,
        "verified: {}, each got the share the seed gives; not grabbed: {}",
        en_count(entries.len(), "grab", "grabs"),
        unit(left)
    )?;
    Ok(out)
}

/// A wheel: each spin's prize must be the one the seed's stream for that
/// position picks among the prizes still in stock.
async fn wheel(conn: &mut sqlx::AnyConnection, draw: &Draw) -> anyhow::Result<String> {
    let id = draw.id;
    let params: WheelParams =
        serde_json::from_str(&draw.params).context("reading the draw's parameters")?;
    let seed = Seed::from_hex(&draw.seed).context("the revealed seed is not 64 hex digits")?;
    if !seed.matches(&draw.commitment) {
        bail!("draw #{id} does NOT check out: the seed does not match the commitment");
    }
    let entries = crate::rituals::draws::store::entries(conn, id).await?;
    if let Some(n) = entries
        .iter()
        .enumerate()
        .position(|(n, e)| e.position != n as i64)
    {
        bail!(
            "draw #{id} does NOT check out: spin {} is missing or out of order",
            n + 1
        );
    }
    let spins: Vec<usize> = entries.iter().map(|e| e.amount as usize).collect();
    if let Err(n) = replay(&params, &seed, &spins) {
        bail!(
            "draw #{id} does NOT check out: spin {} is not what the seed gives",
            n + 1
        );
    }
    let name = |i: usize| params.prizes.get(i).map_or("?", |p| p.name.as_str());
    let mut out = header(
        draw,
        &format!(
            "spin wheel, {}",
            en_count(params.prizes.len(), "prize", "prizes")
        ),
    )?;
    for entry in &entries {
        writeln!(
            out,
            "spin {:>4}  {}  = what the seed gives  {}",
            entry.position + 1,
            name(entry.amount as usize),
            entry.name.as_str()
        )?;
    }
    writeln!(
        out,
        "verified: {}, each got the prize the seed gives, no stock oversold",
        en_count(entries.len(), "spin", "spins")
    )?;
    Ok(out)
}

/// A giveaway: each round's winners must be the ones the seed's stream for
/// that round draws from the frozen entries, leaving out earlier winners.
async fn giveaway(conn: &mut sqlx::AnyConnection, draw: &Draw) -> anyhow::Result<String> {
    let id = draw.id;
    let params: lottery::GiveawayParams =
        serde_json::from_str(&draw.params).context("reading the draw's parameters")?;
    let entries = crate::rituals::draws::store::entries(conn, id).await?;
    let winners = crate::rituals::giveaway::store::of_draw(conn, id).await?;
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for w in &winners {
        let round = w.round as usize;
        if rounds.len() <= round {
            rounds.resize(round + 1, Vec::new());
        }
        rounds[round].push(w.position as usize);
    }
    lottery::verify(&draw.seed, &draw.commitment, entries.len(), &rounds)
        .with_context(|| format!("giveaway #{id} does NOT check out"))?;
    let mut out = header(
        draw,
        &format!(
            "giveaway, {} among {}",
            en_count(params.winners, "winner", "winners"),
            en_count(entries.len(), "entry", "entries")
        ),
    )?;
    for w in &winners {
        let what = if w.round == 0 {
            "drawn".to_owned()
        } else {
            format!("reroll {}", w.round)
        };
        let state = match (w.claimed_at, w.replaced_at) {
            (Some(_), _) => "claimed",
            (None, Some(_)) => "replaced (did not claim)",
            (None, None) => "not claimed yet",
        };
        writeln!(
            out,
            "{what:>9}  entry {:>5}  = what the seed gives  {}  ({state})",
            w.position + 1,
            w.name.as_str()
        )?;
    }
    writeln!(
        out,
        "verified: {}, {}, each the entry the seed draws, nobody twice",
        en_count(rounds.len(), "round", "rounds"),
        en_count(winners.len(), "winner", "winners")
    )?;
    Ok(out)
}

/// The lines every report starts with: what the draw was, where, and its
/// commitment beside the revealed seed.
fn header(draw: &Draw, what: &str) -> anyhow::Result<String> {
    let mut out = String::new();
    writeln!(out, "draw #{}: {what}, in {}", draw.id, draw.group)?;
    writeln!(out, "commitment  {}", draw.commitment)?;
    writeln!(
        out,
        "seed        {}  (its SHA-256 is the commitment)",
        draw.seed
    )?;
    Ok(out)
}

pub async fn run(settings: &StoreSettings, draw: &str) -> anyhow::Result<()> {
    let id = draw
        .trim_start_matches('#')
        .parse()
        .map_err(|_| anyhow::anyhow!("`{draw}` is not a draw number; the group saw it as #N"))?;
    let store = super::store(settings).await?;
    let report = self::draw(&store, id).await?;
    print!("{report}");
    Ok(())
}
