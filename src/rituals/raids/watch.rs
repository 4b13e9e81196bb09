//! Raid mode in the engine: joins counted per minute in their own
//! transaction, a raid started and told once, greetings summed up while it
//! lasts, and its end after quiet minutes.

use std::collections::HashSet;

use sqlx::AnyConnection;

use super::rules;

use crate::engine::{Action, Engine};
use crate::{
    domain::{ChatId, RichText},
    rituals::screening::{rules::Rules, texts},
    store::{self, groups::Group},
};

impl Engine {
    /// Counts each group's newcomers of a batch at `now`: starts a raid
    /// where this minute reached the group's limit (told in the group and
    /// to its operator, once), or keeps one going. Returns the groups where
    /// a raid is on. Two statements for all of a batch's groups.
    pub(crate) async fn watch_for_raids(
        &self,
        conn: &mut AnyConnection,
        arrivals: &[(&Group, &Rules, usize)],
        now: i64,
    ) -> anyhow::Result<HashSet<ChatId>> {
        // Raid mode off: no counting, so the join path pays nothing for it.
        // A raid still going ends by itself.
        let watched: Vec<_> = arrivals
            .iter()
            .filter(|(_, rules, _)| rules.raid_joins > 0)
            .collect();
        let counts: Vec<(&ChatId, i64)> = watched
            .iter()
            .map(|(group, _, joins)| (&group.id, i64::try_from(*joins).unwrap_or(i64::MAX)))
            .collect();
        let minute = rules::minute_of(now);
        let this_minute = super::store::count_joins(conn, &counts, minute).await?;
        let ids: Vec<&ChatId> = counts.iter().map(|(id, _)| *id).collect();
        let going = super::store::active_many(conn, &ids).await?;
        let mut raiding = HashSet::new();
        for ((group, rules, _), (_, joins)) in watched.iter().zip(&counts) {
            let this_minute = this_minute.get(&group.id).copied().unwrap_or(*joins);
            let busy = rules::is_raid(this_minute, rules.raid_joins);
            if going.contains_key(&group.id) {
                super::store::record(conn, &group.id, *joins, busy, now).await?;
            } else if busy {
                self.start_raid(conn, group, this_minute, now).await?;
            } else {
                continue;
            }
            raiding.insert(group.id.clone());
        }
        Ok(raiding)
    }

    async fn start_raid(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
        this_minute: i64,
        now: i64,
    ) -> anyhow::Result<()> {
        if super::store::start(conn, &group.id, this_minute, now).await? {
            tracing::warn!(group = %group.id, joins = this_minute, "raid mode on");
            let text = RichText::plain(texts::raid_started(group.lang, &group.title, this_minute));
            self.enqueue(conn, &group.id, &Action::Send { text: text.clone() })
                .await?;
            let operator = ChatId::private_with(&group.owner);
            self.enqueue(conn, &operator, &Action::Send { text })
                .await?;
        }
        Ok(())
    }

    /// Ends every raid that has been quiet long enough, each told once in
    /// its group with how many joined and how many wait for review; and
    /// forgets join counts older than an hour and moves older than a day.
    pub async fn end_quiet_raids(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let raids = {
            let mut conn = self.store().connection().await?;
            super::store::forget_minutes_before(&mut conn, rules::minute_of(now) - 60).await?;
            store::moves::forget_before(&mut conn, now - 24 * 3600 * 1000).await?;
            super::store::all(&mut conn).await?
        };
        let mut ended = 0;
        for r in raids.into_iter().filter(|r| rules::is_over(r.busy_at, now)) {
            let mut tx = self.store().begin().await?;
            if super::store::end(&mut tx, &r.group).await?
                && let Some(group) = store::groups::get(&mut tx, &r.group).await?
            {
                let waiting =
                    crate::rituals::screening::store::suspects::pending_count(&mut tx, &r.group)
                        .await?;
                let text = RichText::plain(texts::raid_ended(group.lang, r.joins, waiting));
                self.enqueue(&mut tx, &r.group, &Action::Send { text })
                    .await?;
                tracing::info!(group = %r.group, joins = r.joins, "raid mode over");
                ended += 1;
            }
            tx.commit().await?;
        }
        if ended > 0 {
            self.work.notify_waiters();
        }
        Ok(ended)
    }
}
