//! Posts greetings for waiting newcomers, folded and paced per group.
//!
//! A group gets at most one greeting message per its pace (`/welcomepace`,
//! else the bot's `greet_interval`); each holds
//! as many newcomers as fit in `MAX_MENTIONS_PER_MESSAGE` mentions. A burst of
//! 200 joins therefore becomes about 200 / 25 = 8 messages spread over a few
//! intervals, and nobody waits longer than their turn.

use std::{collections::HashMap, sync::Arc, time::Duration};

use anyhow::Context;

use super::rules::{self as greeting, Line, MAX_MENTIONS_PER_MESSAGE};
use crate::engine::{Action, Engine};
use crate::{
    domain::{
        ChatId, RichText, UserId,
        template::{Template, Value, Values},
        texts,
    },
    rituals::{
        leaderboard::store::standing_of, raids::rules as raid, screening::texts as review_texts,
    },
    store::{self, groups::Group},
};

/// How often the greeter looks for due groups when nothing wakes it.
const TICK: Duration = Duration::from_millis(250);

impl Engine {
    /// Greets waiting newcomers in every group whose pace allows it; returns
    /// how many messages were queued. One failing group does not stop the rest.
    pub async fn flush_greetings(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let mut conn = self.store().connection().await?;
        let due = super::store::due_groups(&mut conn, now)
            .await
            .context("finding due greetings")?;
        drop(conn);
        let mut queued = 0;
        for group in due {
            match self.greet_group(&group, now).await {
                Ok(true) => queued += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(%group, error = ?e, "greeting failed; other groups go on")
                }
            }
        }
        if queued > 0 {
            self.work.notify_waiters();
        }
        Ok(queued)
    }

    #[tracing::instrument(skip_all, fields(chat_id = %group_id, ritual = "greeting"))]
    async fn greet_group(&self, group_id: &ChatId, now: i64) -> anyhow::Result<bool> {
        let mut tx = self.store().begin().await?;
        let Some(group) = store::groups::get(&mut tx, group_id).await? else {
            return Ok(false);
        };
        // In a raid everyone waiting is welcomed at once, without mentions.
        if crate::rituals::raids::store::active(&mut tx, group_id)
            .await?
            .is_some()
        {
            let waiting = super::store::ready(&mut tx, group_id, now, raid::MAX_SUMMARY).await?;
            if waiting.is_empty() {
                return Ok(false);
            }
            let text = RichText::plain(review_texts::raid_summary(group.lang, waiting.len()));
            self.enqueue(&mut tx, group_id, &Action::Send { text })
                .await?;
            let ids: Vec<i64> = waiting.iter().map(|(id, _)| *id).collect();
            super::store::delete(&mut tx, &ids).await?;
            let next = now + self.welcome_pace_ms(&group);
            store::groups::set_next_greet_at(&mut tx, group_id, next).await?;
            tx.commit().await.context("committing a raid summary")?;
            return Ok(true);
        }
        let waiting =
            super::store::ready(&mut tx, group_id, now, MAX_MENTIONS_PER_MESSAGE as i64).await?;
        let newcomers: Vec<_> = waiting.iter().map(|(_, n)| n.clone()).collect();
        let (lines, taken) = greeting::next_message(&newcomers, MAX_MENTIONS_PER_MESSAGE);
        if taken == 0 {
            return Ok(false);
        }
        let mut ranks = HashMap::new();
        for (inviter, _) in lines.iter().filter_map(|l| l.inviter.as_ref()) {
            let (count, rank) = standing_of(&mut tx, group_id, inviter).await?;
            ranks.insert(inviter.clone(), (count, rank.unwrap_or(0)));
        }
        let text = compose(&group, &lines, &ranks);
        self.enqueue(&mut tx, group_id, &Action::Send { text })
            .await?;
        let ids: Vec<i64> = waiting[..taken].iter().map(|(id, _)| *id).collect();
        super::store::delete(&mut tx, &ids).await?;
        let next = now + self.welcome_pace_ms(&group);
        store::groups::set_next_greet_at(&mut tx, group_id, next).await?;
        tx.commit().await.context("committing a greeting")?;
        tracing::debug!(newcomers = taken, "greeting queued");
        Ok(true)
    }

    /// The group's own pace (`/welcomepace`), else the bot's.
    fn welcome_pace_ms(&self, group: &Group) -> i64 {
        match group.welcome_pace {
            Some(secs) => i64::from(secs) * 1000,
            None => self.settings().greet_interval.as_millis() as i64,
        }
    }

    /// Runs the greeter until the task is dropped. Pace limits end on their
    /// own, so it also ticks when nobody wakes it.
    pub async fn run_greeter(self: Arc<Self>) -> anyhow::Result<()> {
        self.run_passes("greeter", TICK, |engine| async move {
            engine.flush_greetings().await
        })
        .await
    }
}

/// One message: a rendered template line per inviter, then the footer.
fn compose(group: &Group, lines: &[Line], ranks: &HashMap<UserId, (i64, usize)>) -> RichText {
    let template = group
        .welcome_template
        .as_deref()
        .and_then(|src| match Template::parse(src, super::texts::WELCOME_VARS) {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::warn!(group = %group.id, error = %e, "stored welcome template no longer parses; using the default");
                None
            }
        })
        .unwrap_or_else(|| default_template(group));
    let mut text = RichText::default();
    for line in lines {
        let mut newcomers = RichText::default();
        for (i, (id, name)) in line.newcomers.iter().enumerate() {
            if i > 0 {
                newcomers.push_text(texts::list_separator(group.lang));
            }
            newcomers.push_mention(id, name);
        }
        let mut values: Values = HashMap::from([
            ("newcomer", Value::Rich(newcomers)),
            ("group", Value::Text(group.title.clone())),
        ]);
        if let Some((id, name)) = &line.inviter {
            let mut inviter = RichText::default();
            inviter.push_mention(id, name);
            let (count, rank) = ranks.get(id).copied().unwrap_or((0, 0));
            values.insert("inviter", Value::Rich(inviter));
            values.insert("count", Value::Text(count.to_string()));
            values.insert("rank", Value::Text(rank.to_string()));
        }
        text.append(template.render(&values));
        text.push_text("\n");
    }
    text.push_text(super::texts::welcome_footer(group.lang));
    text
}

fn default_template(group: &Group) -> Template {
    Template::parse(
        super::texts::default_welcome(group.lang),
        super::texts::WELCOME_VARS,
    )
    .unwrap_or_else(|e| unreachable!("built-in welcome template is valid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    #[test]
    fn built_in_templates_parse_in_every_language() {
        for lang in [Lang::Zh, Lang::En] {
            assert!(
                Template::parse(
                    crate::rituals::greeting::texts::default_welcome(lang),
                    crate::rituals::greeting::texts::WELCOME_VARS
                )
                .is_ok()
            );
        }
    }
}
