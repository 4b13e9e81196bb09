//! A batch of updates in one transaction: membership events folded,
//! messages read for confirmations, replies and first words, presses handed
//! to their draw, and the bot's own arrivals and departures; the update keys
//! and the outbox entries they call for are written in the same
//! transaction, so a crash keeps all of it or none.

use anyhow::Context;
use sqlx::AnyConnection;

use super::{Action, CacheChange, Engine, Event, Incoming, Person, lanes, membership};
use crate::{
    domain::{ChatId, RichText, UserId},
    store,
};

impl Engine {
    /// Applies a batch of events in platform order. On error nothing of the
    /// failed part is kept; replays of the part that did commit are
    /// recognised by their keys ([`Engine::handle_batch`] decides what next).
    pub(crate) async fn apply_batch(&self, batch: Vec<Incoming>) -> anyhow::Result<()> {
        let mut tx: Option<store::Tx> = None;
        let mut cache = Vec::new();
        let mut members = Vec::new();
        let mut said = Said::default();
        let mut queued = false;
        for incoming in batch {
            if membership::is_member_event(&incoming.event) {
                members.push(incoming);
                continue;
            }
            // Commands and files run in their chat's lane, beside intake.
            if let Some(chat) = lanes::lane_of(&incoming.event) {
                let conn = self.open(&mut tx).await?;
                self.queue_in_lane(conn, chat, &incoming).await?;
                queued = true;
                continue;
            }
            if let Event::Message {
                group,
                from,
                text,
                reply_to,
            } = &incoming.event
            {
                self.read_message(&mut said, group, from, text, reply_to.as_deref());
                continue;
            }
            if !members.is_empty() {
                let conn = self.open(&mut tx).await?;
                self.apply_member_events(conn, std::mem::take(&mut members), &cache)
                    .await?;
            }
            if let Event::Pressed {
                chat: group,
                from,
                button,
                message,
                query,
                topic,
            } = &incoming.event
            {
                // A press needs no update key: a member's entry is unique.
                self.commit(tx.take(), &mut cache).await?;
                let (message, query) = (message.as_deref(), query.as_deref());
                self.handle_press(group, from, button, message, query, topic.as_deref())
                    .await?;
            } else {
                let conn = self.open(&mut tx).await?;
                self.apply_bot_event(conn, &incoming.key, incoming.event, &mut cache)
                    .await
                    .with_context(|| format!("applying update {}", incoming.key))?;
            }
        }
        if !members.is_empty() {
            let conn = self.open(&mut tx).await?;
            self.apply_member_events(conn, members, &cache).await?;
        }
        if !said.is_empty() {
            let conn = self.open(&mut tx).await?;
            self.record_said(conn, &said).await?;
        }
        self.commit(tx, &mut cache).await?;
        if queued {
            self.lanes_ready.notify_one();
        }
        // Only once written: a batch that failed is retried with its marks.
        self.memory
            .spoken
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(said.spoke.into_iter().map(|key| (key, ())));
        Ok(())
    }

    /// The batch's transaction, begun on first use.
    pub(crate) async fn open<'t>(
        &self,
        tx: &'t mut Option<store::Tx>,
    ) -> anyhow::Result<&'t mut AnyConnection> {
        if tx.is_none() {
            *tx = Some(self.store.begin().await?);
        }
        tx.as_deref_mut().context("the batch transaction is open")
    }

    pub(crate) async fn commit(
        &self,
        tx: Option<store::Tx>,
        cache: &mut Vec<CacheChange>,
    ) -> anyhow::Result<()> {
        let Some(tx) = tx else { return Ok(()) };
        tx.commit().await.context("committing a batch of updates")?;
        let mut active = self.active.write().unwrap_or_else(|e| e.into_inner());
        for change in cache.drain(..) {
            match change {
                CacheChange::Activate(id) => active.insert(id),
                CacheChange::Deactivate(id) => active.remove(&id),
            };
        }
        drop(active);
        self.work.notify_waiters();
        Ok(())
    }

    pub(crate) async fn apply_bot_event(
        &self,
        conn: &mut AnyConnection,
        key: &str,
        event: Event,
        cache: &mut Vec<CacheChange>,
    ) -> anyhow::Result<()> {
        let now = self.now_ms();
        if !store::updates::claim(conn, key, now).await? {
            tracing::debug!(key, "replayed update skipped");
            return Ok(());
        }
        match event {
            Event::BotJoined { group, by, rights } => {
                self.bot_joined(conn, &group, &by, rights, now, cache).await
            }
            Event::BotRightsChanged { group, can_invite } => {
                Ok(store::groups::set_can_invite(conn, &group, can_invite).await?)
            }
            Event::BotLeft { group } => {
                cache.push(CacheChange::Deactivate(group.clone()));
                let Some(served) = store::groups::get(conn, &group).await?.filter(|g| g.active)
                else {
                    return Ok(());
                };
                store::groups::deactivate(conn, &group).await?;
                // Told once: removed from a group already let go, nobody is.
                let text = RichText::plain(crate::domain::texts::bot_removed(
                    served.lang,
                    &served.title,
                ));
                let owner = ChatId::private_with(&served.owner);
                self.enqueue(conn, &owner, &Action::Send { text }).await?;
                Ok(())
            }
            Event::StandingChanged { group, member } => {
                Ok(store::roles::forget_admin(conn, &group, member.as_ref()).await?)
            }
            _ => Ok(()),
        }
    }
}

/// What a batch's group messages said: confirmations, replies that may
/// count in a reply game, and first words of members not yet known to
/// have spoken.
#[derive(Default)]
struct Said {
    acks: Vec<(i64, Person)>,
    replies: Vec<(ChatId, String, Person)>,
    spoke: Vec<(ChatId, UserId)>,
    /// Speakers seen first in this process, kept with their @username so
    /// an operator can name them.
    speakers: Vec<crate::store::members::SeenUser>,
}

impl Said {
    fn is_empty(&self) -> bool {
        self.acks.is_empty() && self.replies.is_empty() && self.spoke.is_empty()
    }
}

impl Engine {
    /// Notes what a group message says, to be written with the batch.
    fn read_message(
        &self,
        said: &mut Said,
        group: &ChatId,
        from: &Person,
        text: &str,
        reply_to: Option<&str>,
    ) {
        // Confirmations need no update key: counting a member twice is
        // impossible by the table's key.
        for post in self.confirmed_posts(group, text, reply_to) {
            said.acks.push((post, from.clone()));
        }
        // A reply may count in a reply game (one per member, by key).
        if let Some(message) = reply_to
            && self.is_active(group)
        {
            said.replies
                .push((group.clone(), message.to_owned(), from.clone()));
        }
        let key = (group.clone(), from.id.clone());
        if self.is_active(group)
            && !self
                .memory
                .spoken
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .contains_key(&key)
            && !said.spoke.contains(&key)
        {
            said.spoke.push(key);
            if from.handle.is_some() {
                said.speakers.push(from.seen());
            }
        }
    }

    /// Writes what a batch's messages said, in the batch's transaction.
    async fn record_said(&self, conn: &mut AnyConnection, said: &Said) -> anyhow::Result<()> {
        if !said.acks.is_empty() {
            self.record_acks(conn, &said.acks).await?;
        }
        if !said.replies.is_empty() {
            self.record_replies(conn, &said.replies).await?;
        }
        if !said.spoke.is_empty() {
            crate::rituals::channels::store::funnel::mark_spoke(conn, &said.spoke, self.now_ms())
                .await?;
            store::members::upsert_users(conn, &said.speakers).await?;
        }
        Ok(())
    }
}
