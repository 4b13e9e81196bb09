//! The Matrix adapter, over matrix-sdk.
//!
//! The sync token lives in Hearth's database, saved only after the engine
//! committed the batch, so a restart resumes exactly where processing
//! stopped. The session with its access token, and the SDK's own store (one
//! directory per device: the device's keys for end-to-end encrypted rooms,
//! which the SDK uses to decrypt what arrives and encrypt what the bot
//! sends), live in `HEARTH_MATRIX_STORE`, readable by the bot's user only.
//! Timeline events are read as raw JSON (decrypted, where they were
//! encrypted): Synapse's `unsigned.prev_sender`, which names the inviter of
//! a join, is not part of the typed events.

mod account;

pub use self::pending::PendingJoin;

use self::account::{device_store, session};
use matrix_sdk::sync::{JoinedRoomUpdate, SyncResponse};
mod pending;
mod port;
mod render;
mod session_file;
mod translate;

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use matrix_sdk::{
    Client,
    config::SyncSettings,
    room::MessagesOptions,
    ruma::{OwnedRoomId, RoomId},
};
use serde_json::Value;

use crate::{
    config::MatrixSettings,
    domain::{ChatId, DisplayName, UserId},
    engine::{Engine, Event, Incoming},
    store::{Store, platform_state},
};

const SINCE_KEY: &str = "matrix.since";
/// Followed by a user id: the direct room with them (opened by either side).
const DIRECT_KEY: &str = "matrix.direct.";
/// Followed by a room id: the user whose direct room it is.
const DIRECT_ROOM_KEY: &str = "matrix.direct_room.";
const SYNC_TIMEOUT: Duration = Duration::from_secs(25);
/// Events per `/messages` page when recovering a gappy sync, and at most
/// how many pages (5,000 events: a day of a busy group).
const GAP_PAGE: u32 = 100;
const MAX_GAP_PAGES: usize = 50;

/// A connected Matrix bot account.
pub struct Matrix {
    client: Client,
    me: UserId,
    store: Store,
}

impl Matrix {
    /// Logs in (or restores the saved session) without syncing yet.
    #[tracing::instrument(skip_all, fields(homeserver = %settings.homeserver, user = %settings.user))]
    pub async fn connect(settings: &MatrixSettings, store: Store) -> anyhow::Result<Arc<Self>> {
        let session = session(settings, &store).await?;
        let dir = device_store(settings, &session);
        session_file::private_dir(&dir)?;
        let client = Client::builder()
            .homeserver_url(settings.homeserver.as_str())
            .sqlite_store(&dir, None)
            .build()
            .await
            .with_context(|| format!("opening the Matrix store in {}", dir.display()))?;
        client
            .restore_session(session)
            .await
            .context("restoring the Matrix session")?;
        let me = client
            .user_id()
            .context("no user id after login")?
            .to_string();
        tracing::info!(bot = %me, store = %dir.display(), "connected to Matrix");
        Ok(Arc::new(Self {
            client,
            me: UserId::matrix(&me),
            store,
        }))
    }

    /// Syncs and feeds events to the engine until the task is dropped.
    pub async fn run_sync(self: Arc<Self>, engine: Arc<Engine>) -> anyhow::Result<()> {
        let mut backoff = Duration::from_millis(500);
        // The first sync of a process asks for every room's full state
        // (power levels, members) along with what happened since the saved
        // token, whatever the SDK's store kept from before.
        let mut first = true;
        loop {
            match self.sync_step(&engine, first).await {
                Ok(()) => {
                    backoff = Duration::from_millis(500);
                    first = false;
                }
                Err(e) => {
                    tracing::error!(error = ?e, ?backoff, "Matrix sync step failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
            }
        }
    }

    async fn sync_step(&self, engine: &Engine, full_state: bool) -> anyhow::Result<()> {
        let since = {
            let mut conn = self.store.pool().acquire().await?;
            platform_state::get(&mut conn, SINCE_KEY).await?
        };
        let mut settings = SyncSettings::default()
            .timeout(SYNC_TIMEOUT)
            .full_state(full_state);
        if let Some(token) = &since {
            settings = settings.token(token.clone());
        }
        let response = self
            .client
            .sync_once(settings)
            .await
            .context("Matrix /sync")?;
        let mut batch = Vec::new();
        let mut recorded = Vec::new();
        if full_state {
            self.joins_before_stop(&response, &mut batch, &mut recorded)
                .await?;
        }
        self.take_invites(engine, &response, &mut batch, &mut recorded)
            .await?;
        // The first sync returns history, which is not news: only invites count.
        if let Some(since) = &since {
            for (room_id, joined) in &response.rooms.joined {
                batch.extend(self.room_news(room_id, joined, since).await?);
            }
            // Rooms the bot left, was kicked or banned from: their timeline
            // ends with its own leave, which lets the group go and tells its
            // operator. Nothing else there is the bot's business any more.
            for (room_id, left) in &response.rooms.left {
                let events: Vec<Value> = left
                    .timeline
                    .events
                    .iter()
                    .filter_map(|e| serde_json::from_str::<Value>(e.raw().json().get()).ok())
                    .collect();
                let title = self.room_title(room_id);
                let translated =
                    translate::timeline(room_id.as_str(), &title, &events, self.me.native());
                batch.extend(
                    translated
                        .into_iter()
                        .filter(|i| matches!(i.event, Event::BotLeft { .. })),
                );
            }
        }
        engine.handle_batch(batch).await?;
        for room in recorded {
            PendingJoin::drop_for(&self.store, &room).await?;
        }
        let mut conn = self.store.pool().acquire().await?;
        platform_state::set(&mut conn, SINCE_KEY, &response.next_batch).await?;
        Ok(())
    }

    /// Rooms joined by a process that stopped before the engine recorded
    /// them: told now, under their first key (a replay if it did).
    async fn joins_before_stop(
        &self,
        response: &SyncResponse,
        batch: &mut Vec<Incoming>,
        recorded: &mut Vec<String>,
    ) -> anyhow::Result<()> {
        for (room, pending) in PendingJoin::all(&self.store).await? {
            let joined = matrix_sdk::ruma::RoomId::parse(room.as_str())
                .is_ok_and(|id| response.rooms.joined.contains_key(&id));
            if joined {
                tracing::info!(%room, "a room joined before a stop is recorded now");
                batch.push(Incoming {
                    key: pending.key.clone(),
                    event: pending.event(&room),
                });
                recorded.push(room);
            } else {
                // Never joined: the invite, if it stands, comes again.
                PendingJoin::drop_for(&self.store, &room).await?;
            }
        }
        Ok(())
    }

    /// Invites in this sync: each accepted (tried a few times) and told as
    /// the bot's join, or recorded and declined.
    async fn take_invites(
        &self,
        engine: &Engine,
        response: &SyncResponse,
        batch: &mut Vec<Incoming>,
        recorded: &mut Vec<String>,
    ) -> anyhow::Result<()> {
        for (room_id, invited) in &response.rooms.invited {
            let events: Vec<Value> = invited
                .invite_state
                .events
                .iter()
                .filter_map(|e| serde_json::from_str(e.json().get()).ok())
                .collect();
            let key = translate::update_key(
                self.me.native(),
                &format!("invite:{room_id}:{}", response.next_batch),
            );
            // An invite the bot cannot take (a room on a server out of
            // reach: anyone on the federation can send one) is that room's
            // problem: recorded, declined, and the sync goes on.
            let what = format!("joining {room_id}");
            match crate::engine::retry::with_backoff(&what, || {
                self.accept_invite(room_id, &events, &key)
            })
            .await
            {
                Ok(Some(event)) => {
                    if matches!(event, Event::BotJoined { .. }) {
                        recorded.push(room_id.to_string());
                    }
                    batch.push(Incoming { key, event });
                }
                Ok(None) => {}
                Err(e) => {
                    PendingJoin::drop_for(&self.store, room_id.as_str()).await?;
                    let chat = ChatId::matrix(room_id.as_str());
                    engine
                        .record_platform_failure(&key, Some(&chat), "an invite to a room", &e)
                        .await?;
                    if let Some(room) = self.client.get_room(room_id)
                        && let Err(e) = room.leave().await
                    {
                        tracing::warn!(room = %room_id, error = ?anyhow::Error::from(e), "could not decline an invite");
                    }
                }
            }
        }
        Ok(())
    }

    /// What happened in a joined room since the last sync, translated.
    async fn room_news(
        &self,
        room_id: &RoomId,
        joined: &JoinedRoomUpdate,
        since: &str,
    ) -> anyhow::Result<Vec<Incoming>> {
        // A gappy sync left out what happened between the last sync and
        // this timeline: page back through it, so nothing is lost.
        let mut events = match &joined.timeline.prev_batch {
            Some(prev) if joined.timeline.limited => self.recover_gap(room_id, prev, since).await?,
            _ => Vec::new(),
        };
        events.extend(
            joined
                .timeline
                .events
                .iter()
                .filter_map(|e| serde_json::from_str::<Value>(e.raw().json().get()).ok()),
        );
        let lost = translate::undecryptable(&events);
        if !lost.is_empty() {
            // A member's command the bot cannot read goes unanswered: say
            // so, or the operator sees only silence.
            tracing::warn!(
                room = %room_id, events = ?lost,
                "events this device cannot decrypt are skipped; if the bot's store \
                 was lost, members' clients share keys with its new device from now on"
            );
        }
        let title = self.room_title(room_id);
        let direct = {
            let mut conn = self.store.connection().await?;
            let key = format!("{DIRECT_ROOM_KEY}{room_id}");
            platform_state::get(&mut conn, &key).await?
        };
        let mut translated = match direct {
            // The private chat with a member: only their commands.
            Some(user) => translate::direct(&user, &events, self.me.native()),
            None => translate::timeline(room_id.as_str(), &title, &events, self.me.native()),
        };
        self.name_senders(room_id, &mut translated).await;
        Ok(translated)
    }

    /// The events a gappy sync skipped in a room, oldest first: pages of
    /// `/messages` backwards from the timeline's start (`prev_batch`) to the
    /// last sync's token. Replays are harmless: every event's key is claimed
    /// once.
    async fn recover_gap(
        &self,
        room_id: &RoomId,
        prev_batch: &str,
        since: &str,
    ) -> anyhow::Result<Vec<Value>> {
        let room = self
            .client
            .get_room(room_id)
            .context("a room in the sync is unknown to the client")?;
        let mut events = Vec::new();
        let mut from = prev_batch.to_owned();
        for _ in 0..MAX_GAP_PAGES {
            let mut options = MessagesOptions::backward().from(from.as_str());
            options.to = Some(since.to_owned());
            options.limit = GAP_PAGE.into();
            let page = room
                .messages(options)
                .await
                .context("Matrix /messages for a gappy sync")?;
            events.extend(
                page.chunk
                    .iter()
                    .filter_map(|e| serde_json::from_str::<Value>(e.raw().json().get()).ok()),
            );
            match page.end {
                Some(end) if !page.chunk.is_empty() => from = end,
                _ => {
                    events.reverse();
                    tracing::info!(room = %room_id, recovered = events.len(), "gappy sync recovered");
                    return Ok(events);
                }
            }
        }
        events.reverse();
        tracing::warn!(room = %room_id, recovered = events.len(), "gappy sync: gap longer than {MAX_GAP_PAGES} pages; older events are lost");
        Ok(events)
    }

    /// Commands, messages, reactions and invites carry only their sender's
    /// id: the name the room shows comes from the member state the SDK
    /// keeps, so a greeting, a leaderboard or `!log` says "Bob", not Bob's
    /// user id.
    async fn name_senders(&self, room_id: &RoomId, batch: &mut [Incoming]) {
        let Some(room) = self.client.get_room(room_id) else {
            return;
        };
        for incoming in batch {
            let from = match &mut incoming.event {
                Event::Command { from, .. }
                | Event::Message { from, .. }
                | Event::Pressed { from, .. }
                | Event::MemberJoined {
                    added_by: Some(from),
                    ..
                } => from,
                _ => continue,
            };
            let Ok(user) = matrix_sdk::ruma::OwnedUserId::try_from(from.id.native()) else {
                continue;
            };
            if let Ok(Some(member)) = room.get_member(&user).await
                && let Some(name) = member.display_name()
            {
                from.name = DisplayName::clean(name, from.name.as_str());
            }
        }
    }

    /// Joins a room the bot was invited to, so that it can speak there, and
    /// reports who invited it; the engine decides whether it stays. A direct
    /// chat is not a group: it becomes the inviter's private chat.
    async fn accept_invite(
        &self,
        room_id: &RoomId,
        state: &[Value],
        key: &str,
    ) -> anyhow::Result<Option<Event>> {
        let Some(invite) = state.iter().find(|e| {
            e["type"] == "m.room.member"
                && e["state_key"] == self.me.native()
                && e["content"]["membership"] == "invite"
        }) else {
            return Ok(None);
        };
        let inviter = invite["sender"].as_str().unwrap_or_default();
        let direct = invite["content"]["is_direct"] == true;
        let title = state
            .iter()
            .find(|e| e["type"] == "m.room.name")
            .and_then(|e| e["content"]["name"].as_str())
            .map_or_else(|| room_id.to_string(), crate::domain::name::clean_title);
        let pending = PendingJoin {
            key: key.to_owned(),
            inviter: inviter.to_owned(),
            title,
        };
        if !direct {
            // Written before the join, so a crash right after it loses
            // nothing: the next start records the room.
            pending.note(&self.store, room_id.as_str()).await?;
        }
        self.client
            .join_room_by_id(room_id)
            .await
            .context("joining a room the bot was invited to")?;
        if direct {
            return self.adopt_direct_room(room_id, inviter).await.map(Some);
        }
        Ok(Some(pending.event(room_id.as_str())))
    }

    /// A member opened a direct chat with the bot: Matrix's "Start"
    /// button. The room becomes their private chat (only their `!`
    /// commands are read there, whoever else is in it); the engine decides
    /// what the opening is owed (the greeting and any code waiting, and
    /// broadcasts until they send `!stop`).
    async fn adopt_direct_room(&self, room_id: &RoomId, user: &str) -> anyhow::Result<Event> {
        self.remember_direct_room(user, room_id).await?;
        tracing::info!(room = %room_id, "a member opened a direct room");
        let user_id = UserId::matrix(user);
        Ok(Event::DirectOpened {
            chat: ChatId::private_with(&user_id),
            from: translate::person(user, None),
        })
    }

    /// Both ways: the user's direct room (where their messages go) and the
    /// room's user (whose commands are read there). The newest wins.
    async fn remember_direct_room(&self, user: &str, room_id: &RoomId) -> anyhow::Result<()> {
        let mut conn = self.store.connection().await?;
        platform_state::set(&mut conn, &format!("{DIRECT_KEY}{user}"), room_id.as_str()).await?;
        platform_state::set(&mut conn, &format!("{DIRECT_ROOM_KEY}{room_id}"), user).await?;
        Ok(())
    }

    fn room_title(&self, room_id: &RoomId) -> String {
        match self.client.get_room(room_id) {
            Some(room) => room.name().unwrap_or_else(|| room_id.to_string()),
            None => room_id.to_string(),
        }
    }

    /// The direct room with a user, opened (and remembered) on first use:
    /// Matrix's private chat, where codes go.
    async fn direct_room(&self, user: &str) -> anyhow::Result<matrix_sdk::Room> {
        let key = format!("{DIRECT_KEY}{user}");
        let mut conn = self.store.connection().await?;
        if let Some(id) = platform_state::get(&mut conn, &key).await?
            && let Ok(id) = OwnedRoomId::try_from(id.as_str())
            && let Some(room) = self.client.get_room(&id)
        {
            return Ok(room);
        }
        drop(conn);
        let user_id = matrix_sdk::ruma::OwnedUserId::try_from(user)
            .with_context(|| format!("{user} is not a Matrix user id"))?;
        let room = self
            .client
            .create_dm(&user_id)
            .await
            .context("opening a direct room")?;
        self.remember_direct_room(user, room.room_id()).await?;
        tracing::info!(room = %room.room_id(), "opened a direct room");
        Ok(room)
    }

    fn room(&self, chat: &ChatId) -> anyhow::Result<matrix_sdk::Room> {
        let id = OwnedRoomId::try_from(chat.native())
            .with_context(|| format!("{chat} is not a Matrix room"))?;
        self.client
            .get_room(&id)
            .with_context(|| format!("the bot is not in {chat}"))
    }
}

/// A user id as the Matrix client takes it.
fn matrix_user(user: &UserId) -> anyhow::Result<matrix_sdk::ruma::OwnedUserId> {
    matrix_sdk::ruma::OwnedUserId::try_from(user.native()).context("not a Matrix user id")
}
