//! Commands run beside intake, one lane per chat.
//!
//! Intake writes each command (and each file sent to the bot) into its
//! chat's lane, in the batch's transaction, and goes on with the next
//! update. A worker runs the lanes' heads, several chats at once and one
//! item at a time per chat: a command waiting on a slow platform call
//! (Telegram holding `createChatInviteLink`, a member count, a download)
//! holds up neither the greetings behind it nor other chats, and a chat's
//! commands keep their order. An item leaves its lane once answered, or
//! once recorded as failed after a few tries; after a crash in between it
//! runs again, and its update key makes that a no-op if it was answered.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use sqlx::AnyConnection;
use tokio::task::JoinSet;

use super::{Engine, Event, Incoming, buttons, confirm};
use crate::rituals::coupons::pools::Upload;
use crate::{
    domain::ChatId,
    store::{self, lanes::Waiting},
};

/// Chats whose commands run at the same time.
const LANES: usize = 8;
/// Heads read per look at the lanes: the busy chats' heads among them.
const HEADS: i64 = 64;
/// How often the lanes are looked at without being woken, and how long a
/// lane waits whose item could not even be recorded as failed (the
/// database away) before it is tried again.
const IDLE: Duration = Duration::from_secs(2);

/// The chat whose lane an event waits in: commands and files run beside
/// intake; everything else intake applies itself.
pub(crate) fn lane_of(event: &Event) -> Option<&ChatId> {
    match event {
        Event::Command { chat, .. }
        | Event::Document { chat, .. }
        | Event::DirectOpened { chat, .. } => Some(chat),
        // A Confirm or a command button runs a command, so it waits its
        // turn too.
        Event::Pressed { chat, button, .. }
            if confirm::answers_prompt(button) || buttons::runs_command(button) =>
        {
            Some(chat)
        }
        _ => None,
    }
}

impl Engine {
    /// Puts a command or file in `chat`'s lane ([`lane_of`]), in the
    /// batch's transaction. A replay of an update already answered is
    /// dropped here.
    pub(crate) async fn queue_in_lane(
        &self,
        conn: &mut AnyConnection,
        chat: &ChatId,
        incoming: &Incoming,
    ) -> anyhow::Result<()> {
        if !store::updates::is_processed(conn, &incoming.key).await? {
            let item = serde_json::to_string(&incoming.event)?;
            store::lanes::push(conn, &incoming.key, chat, &item, self.now_ms()).await?;
        }
        Ok(())
    }

    /// Runs the lanes until the process stops.
    pub async fn run_lanes(self: Arc<Self>) -> anyhow::Result<()> {
        let mut running = JoinSet::new();
        let mut busy: HashMap<tokio::task::Id, ChatId> = HashMap::new();
        loop {
            match self.heads().await {
                Ok(heads) => {
                    let taken: HashSet<&ChatId> = busy.values().collect();
                    let idle: Vec<Waiting> = heads
                        .into_iter()
                        .filter(|head| !taken.contains(&head.chat))
                        .collect();
                    for head in idle.into_iter().take(LANES.saturating_sub(running.len())) {
                        let chat = head.chat.clone();
                        let task = running.spawn(self.clone().run_head(head));
                        busy.insert(task.id(), chat);
                    }
                }
                Err(e) => tracing::error!(error = ?e, "could not read the command lanes"),
            }
            tokio::select! {
                () = self.lanes_ready.notified() => {}
                Some(done) = running.join_next_with_id() => {
                    let id = match done {
                        Ok((id, ())) => id,
                        Err(e) => {
                            tracing::error!(error = ?e, "a command lane panicked");
                            e.id()
                        }
                    };
                    busy.remove(&id);
                }
                () = tokio::time::sleep(IDLE) => {}
            }
        }
    }

    /// The oldest item of each chat's lane.
    async fn heads(&self) -> anyhow::Result<Vec<Waiting>> {
        let mut conn = self.store.connection().await?;
        Ok(store::lanes::heads(&mut conn, HEADS).await?)
    }

    /// Runs a lane's head: tried a few times with back-off, then recorded
    /// as failed (the asker hears so), and out of its lane either way.
    async fn run_head(self: Arc<Self>, head: Waiting) {
        let event = match serde_json::from_str::<Event>(&head.item) {
            Ok(event) => event,
            Err(e) => {
                tracing::error!(key = %head.key, error = %e, "a queued command is unreadable; dropped");
                self.leave_lane(&head).await;
                return;
            }
        };
        let incoming = Incoming {
            key: head.key.clone(),
            event,
        };
        let what = format!("update {}", incoming.key);
        let tried = super::retry::with_backoff(&what, || self.run_item(&incoming)).await;
        let settled = match tried {
            Ok(()) => Ok(()),
            Err(e) => self.record_failure(&incoming, &e).await,
        };
        match settled {
            Ok(()) => self.leave_lane(&head).await,
            Err(e) => {
                tracing::error!(key = %head.key, error = ?e, "a command could not even be recorded as failed; trying it again");
                tokio::time::sleep(IDLE).await;
            }
        }
    }

    async fn run_item(&self, incoming: &Incoming) -> anyhow::Result<()> {
        let key = &incoming.key;
        match incoming.event.clone() {
            Event::Command {
                chat,
                group,
                from,
                text,
                topic,
            } => {
                self.handle_command(key, chat, group, from, text, topic)
                    .await
            }
            Event::Document {
                chat,
                from,
                file,
                file_name,
                size,
                caption,
            } => {
                let upload = Upload {
                    file,
                    file_name,
                    size,
                    caption,
                };
                self.handle_document(key, chat, from, upload).await
            }
            Event::DirectOpened { chat, from } => self.direct_opened(key, chat, from).await,
            Event::Pressed {
                chat,
                from,
                button,
                query,
                topic,
                ..
            } if buttons::runs_command(&button) => {
                self.command_pressed(key, chat, from, &button, query.as_deref(), topic)
                    .await
            }
            Event::Pressed {
                chat,
                from,
                button,
                message,
                query,
                topic,
            } => {
                self.prompt_pressed(
                    key,
                    chat,
                    from,
                    &button,
                    message.as_deref(),
                    query.as_deref(),
                    topic,
                )
                .await
            }
            _ => Ok(()),
        }
    }

    /// Drops a settled item; if even that fails, it runs again and its key
    /// makes the rerun a no-op.
    async fn leave_lane(&self, head: &Waiting) {
        let removed = async {
            let mut conn = self.store.connection().await?;
            anyhow::Ok(store::lanes::remove(&mut conn, head.id).await?)
        };
        if let Err(e) = removed.await {
            tracing::warn!(key = %head.key, error = ?e, "could not take a settled command out of its lane");
        }
    }
}
