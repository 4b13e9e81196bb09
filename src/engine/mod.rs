//! The ritual engine: platform-neutral events in, outbox actions out.
//!
//! Facts (joins, leaves, the bot's own arrival) from one batch of updates are
//! applied in one transaction together with the update keys that caused them
//! and the actions they call for, so a crash either keeps all of it or none,
//! and a replayed update is recognised by its key and changes nothing.
//! Commands may need the platform (an admin check, a new invite link) and are
//! handled one by one, outside the batch transaction.

pub mod action;
pub(crate) mod answers;
pub(crate) mod audit;
pub(crate) mod buttons;
pub mod clock;
pub(crate) mod commands;
pub(crate) mod confirm;
pub mod delivery;
pub(crate) mod dispatch;
pub(crate) mod effect;
pub mod event;
pub(crate) mod intake;
pub(crate) mod isolation;
pub(crate) mod lanes;
pub(crate) mod membership;
pub mod port;
pub(crate) mod presence;
pub(crate) mod retry;
pub(crate) mod roles;
pub(crate) mod scheduler;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, RwLock},
    time::Duration,
};

use anyhow::Context;
use sqlx::AnyConnection;
use tokio::sync::Notify;

pub use action::{Action, Button};
pub use clock::{Clock, ManualClock, SystemClock};
pub use event::{BotRights, Event, GroupInfo, Incoming, LinkUse, Person};
pub use port::{DeliveryError, Port, PortError};

use crate::{
    domain::{ChatId, Lang, Platform, RichText, UserId, pace::Pace},
    store::{self, Store, outbox::Lane},
};

/// The longest message sent as one, in UTF-16 units as Telegram counts them
/// (its limit is 4096; Matrix allows far more).
const MESSAGE_LIMIT: usize = 4000;

/// The longest caption under an image, in UTF-16 units (Telegram: 1024).
const CAPTION_LIMIT: usize = 1000;

/// Engine settings, taken from the application's configuration.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub operators: Vec<UserId>,
    pub default_lang: Lang,
    pub default_timezone: chrono_tz::Tz,
    /// Whether the operator named the default zone; groups registered
    /// without one are asked for theirs.
    pub zone_set: bool,
    /// How late a scheduled post may still go out after downtime.
    pub schedule_grace: Duration,
    /// Least time between two greeting messages in one group.
    pub greet_interval: Duration,
    /// How long a join waits before its greeting, so both of Telegram's
    /// reports of one join (and a burst's neighbours) fold into one message.
    pub greet_settle: Duration,
    /// Least time between two answers to one member's same command in a
    /// group, so asking again and again cannot make the bot talk.
    pub answer_again: Duration,
    /// Sending limits kept by every delivery loop.
    pub pace: Pace,
    /// How long processed update keys and delivered messages are kept.
    pub retention: crate::config::Retention,
    /// Draws milestone certificates; without it they are left out.
    pub certificate_font: Option<Arc<crate::certificate::CertificateFont>>,
}

/// The engine, shared by every adapter and background task.
pub struct Engine {
    store: Store,
    settings: EngineSettings,
    clock: Arc<dyn Clock>,
    ports: RwLock<HashMap<Platform, Arc<dyn Port>>>,
    /// Active group ids, so events from groups we do not serve cost no query.
    active: RwLock<HashSet<ChatId>>,
    /// What the rituals keep in memory between events.
    memory: crate::rituals::memory::Memory,
    /// When each member last had an answer to each of their own commands,
    /// per group, so they get one a minute at most; bounded.
    asked: std::sync::Mutex<hashlink::LruCache<(ChatId, UserId, String), i64>>,
    /// Wakes the greeter and the delivery loops when there is new work.
    pub(crate) work: Notify,
    /// Wakes the command lanes when a command was queued.
    lanes_ready: Notify,
}

/// A change to the active-group cache, applied once its transaction commits.
pub(crate) enum CacheChange {
    Activate(ChatId),
    Deactivate(ChatId),
}

impl CacheChange {
    pub(crate) fn group(&self) -> &ChatId {
        match self {
            CacheChange::Activate(g) | CacheChange::Deactivate(g) => g,
        }
    }
}

impl Engine {
    /// What the rituals keep in memory between events.
    pub(crate) fn memory(&self) -> &crate::rituals::memory::Memory {
        &self.memory
    }

    /// The engine's settings, as the application configured them.
    pub(crate) fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    /// Builds the engine and loads the active groups.
    pub async fn new(
        store: Store,
        settings: EngineSettings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Arc<Self>> {
        let mut conn = store.connection().await?;
        let active = store::groups::active_ids(&mut conn)
            .await
            .context("loading active groups")?;
        let memory = crate::rituals::memory::Memory::load(&mut conn)
            .await
            .context("loading open notices")?;
        Ok(Arc::new(Self {
            store,
            settings,
            clock,
            ports: RwLock::new(HashMap::new()),
            active: RwLock::new(active.into_iter().collect()),
            memory,
            asked: std::sync::Mutex::new(hashlink::LruCache::new(answers::ASKED_CACHE)),
            work: Notify::new(),
            lanes_ready: Notify::new(),
        }))
    }

    /// Connects a platform adapter.
    pub fn attach(&self, port: Arc<dyn Port>) {
        self.ports
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(port.platform(), port);
    }

    /// The store, for tools and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub(crate) fn port(&self, platform: Platform) -> anyhow::Result<Arc<dyn Port>> {
        self.attached(platform)
            .with_context(|| format!("no adapter attached for {platform:?}"))
    }

    /// The adapter attached for `platform`, without making an error (and
    /// its backtrace) on the join path when there is none.
    fn attached(&self, platform: Platform) -> Option<Arc<dyn Port>> {
        self.ports
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&platform)
            .cloned()
    }

    /// Whether `platform`'s messages carry buttons (Matrix's do not: members
    /// react instead); a platform not attached counts as having them.
    pub(crate) fn has_buttons(&self, platform: Platform) -> bool {
        self.attached(platform).is_none_or(|p| p.has_buttons())
    }

    /// Whether newcomers' profiles on `platform` are read and screened.
    pub(crate) fn reads_profiles(&self, platform: Platform) -> bool {
        self.attached(platform).is_some_and(|p| p.reads_profiles())
    }

    pub(crate) fn is_active(&self, group: &ChatId) -> bool {
        self.active
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(group)
    }

    pub(crate) fn is_operator(&self, user: &UserId) -> bool {
        self.settings.operators.contains(user)
    }

    /// Whether a group is served, counting changes not yet committed.
    pub(crate) fn is_active_with(&self, group: &ChatId, pending: &[CacheChange]) -> bool {
        match pending.iter().rev().find(|c| c.group() == group) {
            Some(CacheChange::Activate(_)) => true,
            Some(CacheChange::Deactivate(_)) => false,
            None => self.is_active(group),
        }
    }

    /// Runs `pass` whenever new work is announced, and at least every `tick`,
    /// until the task is dropped. A failed pass is logged and the next one
    /// tries again, so one bad moment never stops a background loop.
    pub(crate) async fn run_passes<F, Fut, T>(
        self: Arc<Self>,
        name: &'static str,
        tick: Duration,
        pass: F,
    ) -> anyhow::Result<()>
    where
        F: Fn(Arc<Self>) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<T>>,
    {
        loop {
            let woken = self.work.notified();
            if let Err(e) = pass(self.clone()).await {
                tracing::error!(task = name, error = ?e, "background pass failed");
            }
            let _ = tokio::time::timeout(tick, woken).await;
        }
    }

    /// Queues an action in the caller's transaction. Command mentions in
    /// texts are written with `/`; a platform with another prefix gets its own.
    /// Returns the id of the last entry queued (a long text goes as several).
    pub(crate) async fn enqueue(
        &self,
        conn: &mut AnyConnection,
        chat: &ChatId,
        action: &Action,
    ) -> anyhow::Result<Option<i64>> {
        self.enqueue_in(conn, chat, action, Lane::Owed).await
    }

    /// Queues an action in a lane: answers to members wait behind what the
    /// group is owed.
    pub(crate) async fn enqueue_in(
        &self,
        conn: &mut AnyConnection,
        chat: &ChatId,
        action: &Action,
        lane: Lane,
    ) -> anyhow::Result<Option<i64>> {
        self.enqueue_at(conn, chat, None, action, lane).await
    }

    /// [`Self::enqueue_in`] into a forum topic of `chat` (`None`: the chat
    /// itself); every part of a long message goes there.
    pub(crate) async fn enqueue_at(
        &self,
        conn: &mut AnyConnection,
        chat: &ChatId,
        topic: Option<&str>,
        action: &Action,
        lane: Lane,
    ) -> anyhow::Result<Option<i64>> {
        let prefix = self
            .port(chat.platform())
            .map(|p| p.command_prefix())
            .unwrap_or('/');
        let rewrite = |text: &RichText| {
            if prefix == '/' {
                text.clone()
            } else {
                text.clone()
                    .map_text(|t| crate::domain::texts::with_command_prefix(t, prefix))
            }
        };
        // Every kind that carries text goes in parts within the platform's
        // limit; the part that keeps the action's kind (its button, its
        // message id for pins, reactions and replies) is the last.
        let in_parts = |text: &RichText, keep: &dyn Fn(RichText) -> Action| -> Vec<Action> {
            let mut parts = rewrite(text).split(MESSAGE_LIMIT);
            let last = keep(parts.pop().unwrap_or_default());
            parts
                .into_iter()
                .map(|text| Action::Send { text })
                .chain(std::iter::once(last))
                .collect()
        };
        let actions = match action {
            // Nothing to say: nothing queued.
            Action::Send { text } if text.spans.is_empty() => Vec::new(),
            Action::Send { text } => in_parts(text, &|text| Action::Send { text }),
            Action::Post { post, text, pin } => in_parts(text, &|text| Action::Post {
                post: *post,
                text,
                pin: *pin,
            }),
            Action::Announce { draw, text, button } => in_parts(text, &|text| Action::Announce {
                draw: *draw,
                text,
                button: button.clone(),
            }),
            Action::Ask { text, rows } => in_parts(text, &|text| Action::Ask {
                text,
                rows: rows.clone(),
            }),
            Action::Confirm { token, text, rows } => in_parts(text, &|text| Action::Confirm {
                token: token.clone(),
                text,
                rows: rows.clone(),
            }),
            // A caption past the limit keeps its start under the image; the
            // rest follows it as messages.
            Action::Photo {
                png,
                file_name,
                caption,
            } => {
                let mut parts = RichText::plain(caption.as_str())
                    .split(CAPTION_LIMIT)
                    .into_iter();
                let photo = Action::Photo {
                    png: png.clone(),
                    file_name: file_name.clone(),
                    caption: parts.next().map(|p| p.to_plain()).unwrap_or_default(),
                };
                std::iter::once(photo)
                    .chain(parts.map(|text| Action::Send { text }))
                    .collect()
            }
            other => vec![other.clone()],
        };
        let mut last = None;
        for action in &actions {
            let json = serde_json::to_string(action).context("encoding an outbox action")?;
            last =
                Some(store::outbox::enqueue(conn, chat, topic, &json, lane, self.now_ms()).await?);
        }
        Ok(last)
    }
}
