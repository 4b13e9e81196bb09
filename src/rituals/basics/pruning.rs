//! Old records pruned: processed update keys, delivered messages, join
//! intents nobody took up and prompts to confirm, each kept as long as the
//! operator's retention settings say, at most once an hour.

use crate::engine::Engine;
use crate::store::{self};
use std::time::Duration;

/// How often old records are pruned.
const PRUNE_EVERY_MS: i64 = 60 * 60 * 1000;

impl Engine {
    /// Forgets processed update keys and delivered messages past their
    /// retention, at most once an hour; returns how many rows went.
    pub async fn prune_old_records(&self) -> anyhow::Result<usize> {
        use std::sync::atomic::Ordering;
        let now = self.now_ms();
        let last = self.memory().pruned.load(Ordering::Relaxed);
        if last != i64::MIN && now - last < PRUNE_EVERY_MS {
            return Ok(0);
        }
        let retention = self.settings().retention;
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let mut conn = self.store().connection().await?;
        let keys = store::updates::prune(&mut conn, now - ms(retention.update_keys)).await?;
        let sent = store::outbox::prune_sent(&mut conn, now - ms(retention.sent)).await?;
        // An invite or a join request untouched as long as a delivered
        // message is kept will not be taken up any more.
        let intents = store::links::prune_intents(&mut conn, now - ms(retention.sent)).await?;
        // A prompt to confirm lapses in minutes; it is kept as long as the
        // message that showed it.
        let prompts = store::confirmations::prune(&mut conn, now - ms(retention.sent)).await?;
        self.memory().pruned.store(now, Ordering::Relaxed);
        let total = keys + sent + intents + prompts;
        if total > 0 {
            tracing::info!(
                keys,
                sent,
                intents,
                prompts,
                "pruned old update keys, delivered messages, intents and prompts"
            );
        }
        Ok(usize::try_from(total).unwrap_or(usize::MAX))
    }
}
