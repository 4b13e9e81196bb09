//! `hearth coupons import <pool> <file>`: codes into a pool from the
//! command line, a thousand per transaction, with progress and a summary.
//! The same file sent to the bot in private goes through the same reading
//! rules (`rituals::coupons::rules::read_codes`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::{
    config::StoreSettings,
    domain::{Lang, UserId, lang::en_count},
    rituals::coupons::{
        rules::{CodeFile, PoolName, read_codes},
        texts as coupon_texts,
    },
    store::{self, Store},
};

/// Codes written per transaction: a crash keeps the batches before it, and a
/// second run skips them as duplicates.
const BATCH: usize = 1_000;

/// Pool settings given with an import; `None` leaves the pool's as they are.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolSettings {
    pub per_member: Option<u32>,
    pub alert_below: Option<u32>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub added: u64,
    pub duplicates: u64,
    pub free: i64,
    pub summary: String,
}

/// Imports a read file into `owner`'s `pool`, calling `progress(done,
/// total)` after each batch. A pool another operator owns is refused.
pub async fn import(
    store: &Store,
    pool: &PoolName,
    owner: &UserId,
    file: &CodeFile,
    settings: PoolSettings,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<ImportReport> {
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = store.begin().await?;
    if let Some(other) = crate::rituals::coupons::store::get_pool(&mut tx, pool)
        .await?
        .and_then(|p| p.owner)
        .filter(|o| o != owner)
    {
        anyhow::bail!("the pool {pool} belongs to {other}, not {owner}; choose another name");
    }
    crate::rituals::coupons::store::ensure_pool(&mut tx, pool, Some(owner), now).await?;
    if let Some(n) = settings.per_member {
        crate::rituals::coupons::store::set_per_member(&mut tx, pool, owner, i64::from(n)).await?;
    }
    if let Some(n) = settings.alert_below {
        crate::rituals::coupons::store::set_alert_below(&mut tx, pool, owner, i64::from(n)).await?;
    }
    let detail = format!(
        "{} into {}",
        en_count(file.codes.len(), "code", "codes"),
        pool.as_str()
    );
    store::audit::record(
        &mut tx,
        None,
        store::audit::CLI_ACTOR,
        "coupons import",
        &detail,
        now,
    )
    .await?;
    tx.commit().await?;
    let total = file.codes.len() as u64;
    let mut added = 0;
    let mut done = 0;
    for batch in file.codes.chunks(BATCH) {
        let mut tx = store.begin().await?;
        added += crate::rituals::coupons::store::add_codes(&mut tx, pool, batch, now).await?;
        tx.commit().await?;
        done += batch.len() as u64;
        progress(done, total);
    }
    let mut conn = store.connection().await?;
    let free = crate::rituals::coupons::store::free_count(&mut conn, pool).await?;
    let duplicates = total - added + file.repeated as u64;
    Ok(ImportReport {
        added,
        duplicates,
        free,
        summary: coupon_texts::import_summary(
            Lang::En,
            pool.as_str(),
            added,
            duplicates,
            &file.invalid,
            free,
        ),
    })
}

#[derive(Subcommand)]
pub enum CouponsCmd {
    /// Import codes into a pool (created if new) from a CSV file or an
    /// Excel workbook: one code per line, optionally `code,value`, an
    /// optional header line; commas, semicolons or tabs; UTF-8, UTF-16 or GBK.
    Import {
        /// The pool's name: letters, digits, `_` and `-`.
        pool: String,
        file: PathBuf,
        /// How many codes of this pool one member may hold (default 1).
        #[arg(long)]
        per_member: Option<u32>,
        /// Tell the operators when fewer free codes than this are left (default 10).
        #[arg(long)]
        alert_below: Option<u32>,
        /// The operator who owns the pool (e.g. tg:123456); may be left out
        /// when HEARTH_OPERATORS names one operator.
        #[arg(long)]
        owner: Option<String>,
    },
    /// Show every pool's free, handed-out and redeemed codes.
    List,
}

/// The operator an imported pool belongs to: the one named, which must be
/// an operator when HEARTH_OPERATORS is set, or the only operator there is.
fn pool_owner(settings: &StoreSettings, named: Option<&str>) -> anyhow::Result<UserId> {
    let listed = || {
        let ids: Vec<&str> = settings.operators.iter().map(UserId::as_str).collect();
        ids.join(", ")
    };
    match (named, settings.operators.as_slice()) {
        (Some(raw), operators) => {
            let id = UserId::parse(raw)
                .with_context(|| format!("`{raw}` is not a user id; write it like tg:123456"))?;
            anyhow::ensure!(
                operators.is_empty() || operators.contains(&id),
                "{id} is not an operator; HEARTH_OPERATORS names {}",
                listed()
            );
            Ok(id)
        }
        (None, [only]) => Ok(only.clone()),
        (None, []) => anyhow::bail!(
            "name the operator who owns the pool with --owner (e.g. --owner tg:123456); \
             HEARTH_OPERATORS is not set"
        ),
        (None, _) => anyhow::bail!(
            "name the operator who owns the pool with --owner, one of {}",
            listed()
        ),
    }
}

pub async fn run(settings: &StoreSettings, command: CouponsCmd) -> anyhow::Result<()> {
    let store = super::store(settings).await?;
    match command {
        CouponsCmd::Import {
            pool,
            file,
            per_member,
            alert_below,
            owner,
        } => {
            let pool = PoolName::parse(&pool).with_context(|| {
                format!("`{pool}` is not a pool name: letters, digits, _ and -, at most 32")
            })?;
            let owner = pool_owner(settings, owner.as_deref())?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let codes = read_codes(&bytes).with_context(|| format!("{}", file.display()))?;
            let bar = indicatif::ProgressBar::new(codes.codes.len() as u64).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} codes {eta}")?,
            );
            let report = import(
                &store,
                &pool,
                &owner,
                &codes,
                PoolSettings {
                    per_member,
                    alert_below,
                },
                |done, _| bar.set_position(done),
            )
            .await?;
            bar.finish_and_clear();
            println!("{}", report.summary);
        }
        CouponsCmd::List => {
            let mut conn = store.connection().await?;
            let everything = crate::rituals::coupons::store::PoolScope::Everything;
            let pools = crate::rituals::coupons::store::stock(&mut conn, everything).await?;
            if pools.is_empty() {
                println!(
                    "no coupon pools yet; import codes with `hearth coupons import <pool> <file.csv>`"
                );
            }
            for p in pools {
                println!(
                    "{:<20} free {:>7}  handed out {:>7}  redeemed {:>7}  per member {}  alert under {}",
                    p.pool.name.as_str(),
                    p.free,
                    p.handed,
                    p.redeemed,
                    p.pool.per_member,
                    p.pool.alert_below
                );
            }
        }
    }
    Ok(())
}
