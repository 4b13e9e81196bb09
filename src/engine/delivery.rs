//! Carries out outbox actions on one platform, in order per chat.
//!
//! An entry is marked sent only after the platform accepted it, so a crash
//! re-sends at most the one entry in flight. A chat whose head entry must wait
//! (rate limit, retry back-off) holds back its later entries, so order within
//! a chat is kept while other chats go on. A [`Pacer`] keeps the platform's
//! sending limits, so a burst waits its turn instead of earning HTTP 429.

use std::{collections::HashSet, sync::Arc, time::Duration};

use anyhow::Context;

use super::{Action, DeliveryError, Engine, Port};
use crate::{domain::pace::Pacer, store};

/// Attempts before an entry is marked failed.
pub const MAX_ATTEMPTS: i64 = 8;
/// Entries looked at per pass.
const BATCH: i64 = 200;
const IDLE: Duration = Duration::from_millis(200);

/// What one delivery pass did.
#[derive(Debug, Default)]
pub struct Pass {
    /// Entries the platform accepted.
    pub sent: usize,
    /// When the earliest held-back entry may go.
    pub wake_at: Option<i64>,
}

impl Engine {
    /// Delivers what is due on `port`'s platform within `pacer`'s limits.
    pub async fn deliver_due(&self, port: &dyn Port, pacer: &mut Pacer) -> anyhow::Result<Pass> {
        let mut conn = self
            .store
            .pool()
            .acquire()
            .await
            .context("connecting to the database")?;
        let pending = store::outbox::pending(&mut conn, port.platform(), BATCH).await?;
        drop(conn);
        let mut held: HashSet<_> = HashSet::new();
        let mut pass = Pass::default();
        for (entry, due_at) in pending {
            if held.contains(&entry.chat) {
                continue;
            }
            let mut now = self.now_ms();
            let ready_at = due_at.max(pacer.chat_ready_at(&entry.chat, now));
            if ready_at > now {
                pass.wake_at = Some(pass.wake_at.map_or(ready_at, |w| w.min(ready_at)));
                held.insert(entry.chat);
                continue;
            }
            let global_at = pacer.global_ready_at(now);
            if global_at > now {
                tokio::time::sleep(Duration::from_millis((global_at - now) as u64)).await;
                now = self.now_ms();
            }
            let action: Action = match serde_json::from_str(&entry.action) {
                Ok(action) => action,
                Err(e) => {
                    tracing::error!(id = entry.id, error = %e, "unreadable outbox entry marked failed");
                    let mut conn = self
                        .store
                        .pool()
                        .acquire()
                        .await
                        .context("connecting to the database")?;
                    store::outbox::mark_failed(&mut conn, entry.id, &e.to_string()).await?;
                    continue;
                }
            };
            // The platform call runs without holding a database connection.
            let result = port.deliver(&entry.chat, &action).await;
            // Counted from the platform's answer, so the spacing holds as
            // the platform sees it, whatever the network's delays.
            pacer.record(&entry.chat, self.now_ms());
            let mut conn = self
                .store
                .pool()
                .acquire()
                .await
                .context("connecting to the database")?;
            match result {
                Ok(()) => {
                    store::outbox::mark_sent(&mut conn, entry.id, self.now_ms()).await?;
                    pass.sent += 1;
                }
                Err(DeliveryError::RetryAfter(wait)) => {
                    tracing::warn!(chat_id = %entry.chat, ?wait, "rate limited by the platform");
                    let at = now + wait.as_millis() as i64;
                    store::outbox::retry_at(
                        &mut conn,
                        entry.id,
                        entry.attempts,
                        at,
                        "rate limited",
                    )
                    .await?;
                    held.insert(entry.chat);
                }
                Err(DeliveryError::Transient(e)) if entry.attempts + 1 < MAX_ATTEMPTS => {
                    let attempts = entry.attempts + 1;
                    let backoff = 500i64 << attempts.min(10);
                    tracing::warn!(chat_id = %entry.chat, attempts, error = ?e, "delivery failed; will retry");
                    store::outbox::retry_at(
                        &mut conn,
                        entry.id,
                        attempts,
                        now + backoff,
                        &format!("{e:#}"),
                    )
                    .await?;
                    held.insert(entry.chat);
                }
                Err(DeliveryError::Transient(e) | DeliveryError::Permanent(e)) => {
                    tracing::error!(chat_id = %entry.chat, id = entry.id, error = ?e, "delivery failed for good");
                    store::outbox::mark_failed(&mut conn, entry.id, &format!("{e:#}")).await?;
                }
            }
        }
        Ok(pass)
    }

    /// Runs delivery for one platform until the task is dropped.
    pub async fn run_delivery(self: Arc<Self>, port: Arc<dyn Port>) -> anyhow::Result<()> {
        let mut pacer = Pacer::new(self.settings.pace);
        loop {
            let woken = self.work.notified();
            let mut idle = IDLE;
            match self.deliver_due(port.as_ref(), &mut pacer).await {
                Ok(pass) if pass.sent > 0 => continue,
                Ok(pass) => {
                    if let Some(at) = pass.wake_at {
                        let wait = (at - self.now_ms()).max(1) as u64;
                        idle = idle.min(Duration::from_millis(wait));
                    }
                }
                Err(e) => tracing::error!(error = ?e, "delivery pass failed"),
            }
            let _ = tokio::time::timeout(idle, woken).await;
        }
    }
}
