//! Invites being taken, recorded before the bot joins the room, so a crash
//! between the join and the engine recording the group is mended at the
//! next start with the same update key.

use super::translate;
use crate::{
    domain::ChatId,
    engine::{Event, GroupInfo},
    store::{Store, platform_state},
};
use anyhow::Context;

/// Followed by a room id: an invite being taken, written before the join
/// and dropped once the engine has recorded the group.
const PENDING_JOIN_KEY: &str = "matrix.pending_join.";

/// An invite being taken, as recorded before the bot joins the room: a
/// crash between the join and the engine recording the group is mended at
/// the next start, with the same update key, so nothing happens twice.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PendingJoin {
    pub key: String,
    pub inviter: String,
    pub title: String,
}

impl PendingJoin {
    /// Records the invite to `room`.
    pub async fn note(&self, store: &Store, room: &str) -> anyhow::Result<()> {
        let mut conn = store.connection().await?;
        let value = serde_json::to_string(self).context("encoding a pending join")?;
        platform_state::set(&mut conn, &format!("{PENDING_JOIN_KEY}{room}"), &value).await?;
        Ok(())
    }

    /// Forgets the invite to `room`: recorded by the engine, or declined.
    pub(super) async fn drop_for(store: &Store, room: &str) -> anyhow::Result<()> {
        let mut conn = store.connection().await?;
        platform_state::delete(&mut conn, &format!("{PENDING_JOIN_KEY}{room}")).await?;
        Ok(())
    }

    /// Every invite recorded and not yet dropped, by room.
    pub(super) async fn all(store: &Store) -> anyhow::Result<Vec<(String, PendingJoin)>> {
        let mut conn = store.connection().await?;
        let mut out = Vec::new();
        for (key, value) in platform_state::with_prefix(&mut conn, PENDING_JOIN_KEY).await? {
            let room = key[PENDING_JOIN_KEY.len()..].to_owned();
            match serde_json::from_str(&value) {
                Ok(pending) => out.push((room, pending)),
                Err(e) => tracing::warn!(%room, error = %e, "unreadable pending join skipped"),
            }
        }
        Ok(out)
    }

    /// The engine's event for it.
    pub(super) fn event(&self, room: &str) -> Event {
        Event::BotJoined {
            group: GroupInfo {
                id: ChatId::matrix(room),
                title: self.title.clone(),
                public_handle: None,
            },
            by: translate::person(&self.inviter, None),
            rights: crate::engine::BotRights::ALL,
        }
    }
}
