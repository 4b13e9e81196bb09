//! Carries out outbox actions on one platform, in order per chat.
//!
//! Only a chat's oldest pending entry (its head) may go, and a chat has at
//! most one request in flight, so order within a chat is kept; requests into
//! different chats fly together, so one slow or rate-limited chat never holds
//! up the others. An entry is marked sent only after the platform accepted
//! it, so a crash re-sends at most the entries in flight. A [`Pacer`] keeps
//! the platform's sending limits, so a burst waits its turn instead of
//! earning HTTP 429.

use std::{collections::HashMap, sync::Arc, time::Duration};

use anyhow::Context;
use tokio::task::{Id, JoinSet};

use super::{Action, Button, DeliveryError, Engine, Port};
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
/// Chat heads looked at per pass.
const BATCH: i64 = 500;
/// Requests in flight at once, across chats.
const MAX_IN_FLIGHT: usize = 32;
const IDLE: Duration = Duration::from_millis(200);

/// A request on its way: the entry, what it asked, what the platform said.
struct Flight {
    entry: Entry,
    action: Action,
    result: Result<Option<String>, DeliveryError>,
}

/// The requests in flight and the pacer that let them go.
struct Courier {
    pacer: Pacer,
    flights: JoinSet<Flight>,
    /// Chats with a request in flight, by the task carrying it, so a task
    /// that panics still frees its chat.
    busy: HashMap<Id, ChatId>,
    /// Chats whose head waits for a retry, until a monotonic instant. Kept
    /// in memory: after a restart a retry simply comes sooner.
    held: HashMap<ChatId, i64>,
}

impl Courier {
    fn is_busy(&self, chat: &ChatId) -> bool {
        self.busy.values().any(|c| c == chat)
    }
}

impl Engine {
    /// Runs delivery for one platform until the task is dropped.
    pub async fn run_delivery(self: Arc<Self>, port: Arc<dyn Port>) -> anyhow::Result<()> {
        let mut courier = Courier {
            pacer: Pacer::new(self.settings.pace),
            flights: JoinSet::new(),
            busy: HashMap::new(),
            held: HashMap::new(),
        };
        loop {
            let woken = self.work.notified();
            let idle = match self.launch_due(&port, &mut courier).await {
                Ok(wait) => wait.map_or(IDLE, |w| IDLE.min(Duration::from_millis(w.max(1) as u64))),
                Err(e) => {
                    tracing::error!(error = ?e, "delivery pass failed");
                    IDLE
                }
            };
            tokio::select! {
                Some(landed) = courier.flights.join_next_with_id(), if !courier.flights.is_empty() => {
                    match landed {
                        Ok((id, flight)) => {
                            courier.busy.remove(&id);
                            let chat = flight.entry.chat.clone();
                            let now = pacer_now();
                            courier.pacer.record_answer(&chat, now);
                            match self.land(flight).await {
                                Ok(Some(retry_in)) => {
                                    courier.held.insert(chat, now + retry_in.as_millis() as i64);
                                }
                                Ok(None) => {}
                                Err(e) => tracing::error!(error = ?e, "recording a delivery failed"),
                            }
                        }
                        Err(e) => {
                            courier.busy.remove(&e.id());
                            tracing::error!(error = %e, "a delivery task failed");
                        }
                    }
                }
                _ = tokio::time::timeout(idle, woken) => {}
            }
        }
    }

    /// Sends every chat head that is due and within the pacer's limits; says
    /// how many milliseconds until the earliest held-back head may go.
    async fn launch_due(
        &self,
        port: &Arc<dyn Port>,
        courier: &mut Courier,
    ) -> anyhow::Result<Option<i64>> {
        if courier.flights.len() >= MAX_IN_FLIGHT {
            return Ok(None);
        }
        let mut conn = self.store.connection().await?;
        let heads = store::outbox::heads(&mut conn, port.platform(), BATCH).await?;
        drop(conn);
        let mut wait: Option<i64> = None;
        courier.held.retain(|_, until| *until > pacer_now());
        for entry in heads {
            if courier.flights.len() >= MAX_IN_FLIGHT {
                break;
            }
            if courier.is_busy(&entry.chat) {
                continue;
            }
            // Waiting is real time, whatever the engine's clock says.
            let mono = pacer_now();
            let retry_at = courier.held.get(&entry.chat).copied().unwrap_or(mono);
            let held = retry_at.max(courier.pacer.chat_ready_at(&entry.chat, mono)) - mono;
            if held > 0 {
                wait = Some(wait.map_or(held, |w| w.min(held)));
                continue;
            }
            let global_at = courier.pacer.global_ready_at(mono);
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
            courier.pacer.record_launch(pacer_now());
            let chat = entry.chat.clone();
            let port = port.clone();
            let task = courier.flights.spawn(async move {
                let result = port
                    .deliver(&entry.chat, entry.topic.as_deref(), &action)
                    .await;
                Flight {
                    entry,
                    action,
                    result,
                }
            });
            courier.busy.insert(task.id(), chat);
        }
        Ok(wait)
    }

    /// Records what the platform answered to one request; says how long the
    /// chat waits when the entry is to be tried again.
    ///
    /// A timeout counts as transient although Telegram may have acted on the
    /// request: it has no idempotency key, so a retry is the only way not to
    /// lose the message, at the risk of sending it twice.
    async fn land(&self, flight: Flight) -> anyhow::Result<Option<Duration>> {
        let Flight {
            entry,
            action,
            result,
        } = flight;
        let now = self.now_ms();
        match result {
            Ok(message) => {
                self.delivered(&entry, &action, message).await?;
                Ok(None)
            }
            Err(DeliveryError::RetryAfter(wait)) => {
                tracing::warn!(chat_id = %entry.chat, ?wait, "rate limited by the platform");
                let at = now + wait.as_millis() as i64;
                let mut conn = self.store.connection().await?;
                store::outbox::retry_at(&mut conn, entry.id, entry.attempts, at, "rate limited")
                    .await?;
                Ok(Some(wait))
            }
            Err(DeliveryError::Transient(e)) if entry.attempts + 1 < MAX_ATTEMPTS => {
                let attempts = entry.attempts + 1;
                let backoff = Duration::from_millis(500 << attempts.min(10));
                tracing::warn!(chat_id = %entry.chat, attempts, error = ?e, "delivery failed; will retry");
                let at = now + backoff.as_millis() as i64;
                let mut conn = self.store.connection().await?;
                store::outbox::retry_at(&mut conn, entry.id, attempts, at, &format!("{e:#}"))
                    .await?;
                Ok(Some(backoff))
            }
            Err(DeliveryError::Transient(e) | DeliveryError::Permanent(e)) => {
                tracing::error!(chat_id = %entry.chat, id = entry.id, error = ?e, "delivery failed for good");
                self.failed(&entry, &format!("{e:#}")).await?;
                Ok(None)
            }
        }
    }

    /// Marks an entry sent, with what its delivery leads to: a post keeps
    /// its message id, a pinned post is pinned and its predecessor unpinned,
    /// a draw's announcement and a prompt to confirm get their reaction
    /// where buttons are missing.
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
            crate::rituals::schedules::store::set_message_id(&mut tx, *post, message).await?;
            if *pin {
                let previous =
                    crate::rituals::schedules::store::previous_message(&mut tx, *post).await?;
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
        if let (Action::Announce { draw, button, .. }, Some(message)) = (action, &message) {
            crate::rituals::draws::store::set_message_id(&mut tx, &entry.chat, *draw, message)
                .await?;
            self.react_for_button(&mut tx, &entry.chat, message, button.as_ref())
                .await?;
        }
        if let (Action::Confirm { token, rows, .. }, Some(message)) = (action, &message) {
            store::confirmations::set_prompt(&mut tx, token, message).await?;
            let confirm = rows.first().and_then(|row| row.first());
            self.react_for_button(&mut tx, &entry.chat, message, confirm)
                .await?;
        }
        tx.commit().await.context("recording a delivery")?;
        if let Some((post, message)) = opened {
            self.confirm_delivered(post, message);
        }
        Ok(())
    }

    /// Where a platform has no buttons, the bot reacts to its own message
    /// with the button's reaction, for members to press instead.
    async fn react_for_button(
        &self,
        conn: &mut sqlx::AnyConnection,
        chat: &ChatId,
        message: &str,
        button: Option<&Button>,
    ) -> anyhow::Result<()> {
        let Some(button) = button else {
            return Ok(());
        };
        if self.has_buttons(chat.platform()) {
            return Ok(());
        }
        let react = Action::React {
            message: message.to_owned(),
            key: button.reaction.clone(),
        };
        self.enqueue(conn, chat, &react).await?;
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
}
