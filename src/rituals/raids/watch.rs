//! Raid mode in the engine: joins counted per minute in their own
//! transaction, a raid started and told once, greetings summed up while it
//! lasts, and its end after quiet minutes.

use super::rules;
use sqlx::AnyConnection;

use crate::engine::{Action, Engine};
use crate::{
    domain::{ChatId, RichText},
    rituals::screening::{rules::Rules, texts},
    store::{self, groups::Group},
};

impl Engine {
    /// Counts `joins` newcomers of `group` at `now`: starts a raid when this
    /// minute reached the group's limit (told in the group and to its
    /// operator, once), or keeps one going. True while a raid is on.
    pub(crate) async fn watch_for_raid(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
        rules: &Rules,
        joins: usize,
        now: i64,
    ) -> anyhow::Result<bool> {
        // Raid mode off: no counting, so the join path pays nothing for it.
        // A raid still going ends by itself.
        if rules.raid_joins == 0 {
            return Ok(false);
        }
        let joins = i64::try_from(joins).unwrap_or(i64::MAX);
        let minute = rules::minute_of(now);
        let this_minute = super::store::count_joins(conn, &group.id, minute, joins).await?;
        let busy = rules::is_raid(this_minute, rules.raid_joins);
        if super::store::active(conn, &group.id).await?.is_some() {
            super::store::record(conn, &group.id, joins, busy, now).await?;
            return Ok(true);
        }
        if !busy {
            return Ok(false);
        }
        if super::store::start(conn, &group.id, this_minute, now).await? {
            tracing::warn!(group = %group.id, joins = this_minute, "raid mode on");
            let text = RichText::plain(texts::raid_started(group.lang, &group.title, this_minute));
            self.enqueue(conn, &group.id, &Action::Send { text: text.clone() })
                .await?;
            let operator = ChatId::private_with(&group.owner);
            self.enqueue(conn, &operator, &Action::Send { text })
                .await?;
        }
        Ok(true)
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
