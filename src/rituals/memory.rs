//! What rituals keep in memory between events: caches that spare a query
//! on busy paths and marks that space out periodic work. The engine holds
//! one `Memory` for all rituals and reads none of it; each field belongs to
//! the ritual named in its comment. Everything here can be lost at a
//! restart: it is rebuilt from the database or costs one idempotent write.

use std::sync::{Mutex, RwLock, atomic::AtomicI64};

use hashlink::LruCache;
use sqlx::AnyConnection;

use super::confirmations::replies::{self, Confirms};
use crate::domain::{ChatId, UserId};

/// Members whose first message in a group is remembered (see `spoken`).
const SPOKEN_CACHE: usize = 50_000;
/// Answers told in a room to presses that are remembered (see
/// `told_in_room`).
const TOLD_IN_ROOM: usize = 10_000;

/// The rituals' memory, one part per ritual that keeps any.
pub struct Memory {
    /// Confirmations: the notices being confirmed, per group, so a message
    /// that confirms nothing costs no query.
    pub(crate) confirms: RwLock<Confirms>,
    /// Channels' funnel: members known to have spoken in a group, so a
    /// message costs no write once their first one is recorded. Bounded:
    /// one forgotten costs one idempotent write when they speak.
    pub(crate) spoken: RwLock<LruCache<(ChatId, UserId), ()>>,
    /// Milestones: when they were last checked (engine clock), so the check
    /// runs every few seconds rather than on every scheduler tick.
    pub(crate) milestones_checked: AtomicI64,
    /// Draws: answers told in a room to presses (member, draw, words), so
    /// each is told once; bounded.
    pub(crate) told_in_room: Mutex<LruCache<(i64, UserId, String), ()>>,
    /// Basics: when old records were last pruned (engine clock).
    pub(crate) pruned: AtomicI64,
}

impl Memory {
    /// Memory at start: the open notices read back, the rest empty.
    pub(crate) async fn load(conn: &mut AnyConnection) -> sqlx::Result<Self> {
        Ok(Self {
            confirms: RwLock::new(replies::load(conn).await?),
            spoken: RwLock::new(LruCache::new(SPOKEN_CACHE)),
            milestones_checked: AtomicI64::new(i64::MIN),
            told_in_room: Mutex::new(LruCache::new(TOLD_IN_ROOM)),
            pruned: AtomicI64::new(i64::MIN),
        })
    }
}
