//! A batch of updates in one transaction: membership events folded,
//! messages read for confirmations, replies and first words, presses handed
//! to their draw, and the bot's own arrivals and departures; the update keys
//! and the outbox entries they call for are written in the same
//! transaction, so a crash keeps all of it or none.

use anyhow::Context;
use sqlx::AnyConnection;

use super::{Action, CacheChange, Engine, Event, Incoming, lanes, membership};
use crate::{
    domain::{ChatId, RichText},
    store::{self},
};

impl Engine {
    /// Applies a batch of events in platform order. On error nothing of the
    /// failed part is kept; replays of the part that did commit are
    /// recognised by their keys ([`Engine::handle_batch`] decides what next).
    pub(crate) async fn apply_batch(&self, batch: Vec<Incoming>) -> anyhow::Result<()> {
        let mut tx: Option<store::Tx> = None;
        let mut cache = Vec::new();
        let mut members = Vec::new();
        let mut acks = Vec::new();
        let mut replies = Vec::new();
        let mut spoke = Vec::new();
        // Speakers seen first in this process, kept with their @username so
        // an operator can name them.
        let mut speakers = Vec::new();
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
                // Confirmations need no update key: counting a member twice
                // is impossible by the table's key.
                for post in self.confirmed_posts(group, text, reply_to.as_deref()) {
                    acks.push((post, from.clone()));
                }
                // A reply may count in a reply game (one per member, by key).
                if let Some(message) = reply_to
                    && self.is_active(group)
                {
                    replies.push((group.clone(), message.clone(), from.clone()));
                }
                let key = (group.clone(), from.id.clone());
                if self.is_active(group)
                    && !self
                        .memory
                        .spoken
                        .read()
                        .unwrap_or_else(|e| e.into_inner())
                        .contains_key(&key)
                    && !spoke.contains(&key)
                {
                    spoke.push(key);
                    if from.handle.is_some() {
                        speakers.push(from.seen());
                    }
                }
                continue;
            }
            if !members.is_empty() {
                let conn = self.open(&mut tx).await?;
                self.apply_member_events(conn, std::mem::take(&mut members), &cache)
                    .await?;
            }
            if let Event::Pressed {
                group,
                from,
                button,
                message,
                query,
            } = &incoming.event
            {
                // A press needs no update key: a member's entry is unique.
                self.commit(tx.take(), &mut cache).await?;
                self.handle_press(group, from, button, message.as_deref(), query.as_deref())
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
        if !acks.is_empty() {
            let conn = self.open(&mut tx).await?;
            self.record_acks(conn, &acks).await?;
        }
        if !replies.is_empty() {
            let conn = self.open(&mut tx).await?;
            self.record_replies(conn, &replies).await?;
        }
        if !spoke.is_empty() {
            let conn = self.open(&mut tx).await?;
            crate::rituals::channels::store::funnel::mark_spoke(conn, &spoke, self.now_ms())
                .await?;
            store::members::upsert_users(conn, &speakers).await?;
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
            .extend(spoke.into_iter().map(|key| (key, ())));
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
            Event::BotJoined {
                group,
                by,
                can_invite,
            } => {
                self.bot_joined(conn, &group, &by, can_invite, now, cache)
                    .await
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
