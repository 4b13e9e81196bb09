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
use crate::{
    domain::{ChatId, RichText, pace::Pacer, texts},
    store::{self, outbox::Entry},
};

/// Milliseconds on a monotonic clock, for the pacer.
fn pacer_now() -> i64 {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    EPOCH
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_millis() as i64
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

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
    /// Milliseconds until the earliest held-back entry may go.
    pub wait: Option<i64>,
}

impl Engine {
    /// Delivers what is due on `port`'s platform within `pacer`'s limits.
    pub async fn deliver_due(&self, port: &dyn Port, pacer: &mut Pacer) -> anyhow::Result<Pass> {
        let mut conn = self.store.connection().await?;
        let pending = store::outbox::pending(&mut conn, port.platform(), BATCH).await?;
        drop(conn);
        let mut held: HashSet<_> = HashSet::new();
        let mut pass = Pass::default();
        for (entry, due_at) in pending {
            if held.contains(&entry.chat) {
                continue;
            }
            // Entries wait by the engine's clock (retries are stored as
            // instants); pacing is real time, whatever the clock says.
            let now = self.now_ms();
            let mono = pacer_now();
            let wait = (due_at - now).max(pacer.chat_ready_at(&entry.chat, mono) - mono);
            if wait > 0 {
                pass.wait = Some(pass.wait.map_or(wait, |w| w.min(wait)));
                held.insert(entry.chat);
                continue;
            }
            let global_at = pacer.global_ready_at(mono);
            if global_at > mono {
                tokio::time::sleep(Duration::from_millis((global_at - mono) as u64)).await;
            }
            let action: Action = match serde_json::from_str(&entry.action) {
                Ok(action) => action,
                Err(e) => {
                    tracing::error!(id = entry.id, error = %e, "unreadable outbox entry marked failed");
                    self.failed(&entry, &e.to_string()).await?;
                    continue;
                }
            };
            // The platform call runs without holding a database connection.
            let result = port.deliver(&entry.chat, &action).await;
            // Counted from the platform's answer, so the spacing holds as
            // the platform sees it, whatever the network's delays.
            pacer.record(&entry.chat, pacer_now());
            let mut conn = self.store.connection().await?;
            match result {
                Ok(message) => {
                    drop(conn);
                    self.delivered(&entry, &action, message).await?;
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
                    drop(conn);
                    self.failed(&entry, &format!("{e:#}")).await?;
                }
            }
        }
        Ok(pass)
    }

    /// Marks an entry sent, with what its delivery leads to: a post keeps
    /// its message id, a pinned post is pinned and its predecessor unpinned.
    async fn delivered(
        &self,
        entry: &Entry,
        action: &Action,
        message: Option<String>,
    ) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        store::outbox::mark_sent(&mut tx, entry.id, self.now_ms()).await?;
        let mut opened = None;
        if let (Action::Post { post, pin, .. }, Some(message)) = (action, &message) {
            store::schedules::set_message_id(&mut tx, *post, message).await?;
            if *pin {
                let previous = store::schedules::previous_message(&mut tx, *post).await?;
                let pin = Action::Pin {
                    message: message.clone(),
                };
                self.enqueue(&mut tx, &entry.chat, &pin).await?;
                if let Some(previous) = previous {
                    let unpin = Action::Unpin { message: previous };
                    self.enqueue(&mut tx, &entry.chat, &unpin).await?;
                }
            }
            opened = Some((*post, message.clone()));
        }
        tx.commit().await.context("recording a delivery")?;
        if let Some((post, message)) = opened {
            self.confirm_delivered(post, message);
        }
        Ok(())
    }

    /// Marks an entry failed and tells the group's operator, so nothing is
    /// dropped in silence. A report that fails is only logged.
    async fn failed(&self, entry: &Entry, error: &str) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        store::outbox::mark_failed(&mut tx, entry.id, error).await?;
        if let Some(group) = store::groups::get(&mut tx, &entry.chat).await? {
            let mut report = RichText::plain(texts::delivery_failed(
                self.settings.default_lang,
                MAX_ATTEMPTS,
            ));
            report.push_text(&group.title);
            report.push_text(&format!(" ({})\n{}", group.id, truncate(error, 300)));
            let private = ChatId::private_with(&group.owner);
            self.enqueue(&mut tx, &private, &Action::Send { text: report })
                .await?;
        }
        tx.commit().await.context("recording a failed delivery")?;
        Ok(())
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
                    if let Some(wait) = pass.wait {
                        idle = idle.min(Duration::from_millis(wait.max(1) as u64));
                    }
                }
                Err(e) => tracing::error!(error = ?e, "delivery pass failed"),
            }
            let _ = tokio::time::timeout(idle, woken).await;
        }
    }
}
