//! `hearth coupons import <pool> <file.csv>`: codes into a pool from the
//! command line, a thousand per transaction, with progress and a summary.
//! The same file sent to the bot in private goes through the same reading
//! rules (`domain::coupon::read_codes`).

use crate::{
    domain::{
        Lang, UserId,
        coupon::{CodeFile, PoolName},
        coupon_texts,
        lang::en_count,
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
    if let Some(other) = store::coupons::get_pool(&mut tx, pool)
        .await?
        .and_then(|p| p.owner)
        .filter(|o| o != owner)
    {
        anyhow::bail!("the pool {pool} belongs to {other}, not {owner}; choose another name");
    }
    store::coupons::ensure_pool(&mut tx, pool, Some(owner), now).await?;
    if let Some(n) = settings.per_member {
        store::coupons::set_per_member(&mut tx, pool, owner, i64::from(n)).await?;
    }
    if let Some(n) = settings.alert_below {
        store::coupons::set_alert_below(&mut tx, pool, owner, i64::from(n)).await?;
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
        added += store::coupons::add_codes(&mut tx, pool, batch, now).await?;
        tx.commit().await?;
        done += batch.len() as u64;
        progress(done, total);
    }
    let mut conn = store.connection().await?;
    let free = store::coupons::free_count(&mut conn, pool).await?;
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
