//! Fires scheduled posts when their time comes.
//!
//! A run is posted in one transaction that records the run (unique per
//! schedule and local time), queues the message and moves the schedule to
//! its next run; a crash keeps all of it or none, so a run is never lost
//! nor posted twice. After downtime a run missed by less than the grace is
//! posted late, once; an older one is skipped and logged, never flooded.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{NaiveDateTime, NaiveTime};
use sqlx::AnyConnection;

use super::store::{OpenConfirm, Schedule};
use super::texts;
use crate::engine::{Action, Engine};
use crate::{
    domain::{
        RichText,
        schedule::{self, Due, Timing},
        template::{Template, Value, Values},
    },
    store::{self, groups::Group},
};

/// Runs looked at per pass.
const BATCH: i64 = 500;
/// Local time format of stored runs.
pub(crate) const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

impl Engine {
    /// Posts (or skips) every run that is due; returns how many were posted.
    pub async fn fire_due_schedules(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let due = {
            let mut conn = self.store().connection().await?;
            super::store::due(&mut conn, now, BATCH).await?
        };
        let mut posted = 0;
        for schedule in due {
            match self.fire(&schedule, now).await {
                Ok(true) => posted += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(schedule = schedule.id, error = ?e, "scheduled post failed; others go on")
                }
            }
        }
        if posted > 0 {
            self.work.notify_waiters();
        }
        Ok(posted)
    }

    #[tracing::instrument(skip_all, fields(schedule = schedule.id, chat_id = %schedule.group, ritual = "schedule"))]
    pub(crate) async fn fire(&self, schedule: &Schedule, now: i64) -> anyhow::Result<bool> {
        let Some((run_local, run_at)) = &schedule.next else {
            return Ok(false);
        };
        let group = {
            let mut conn = self.store().connection().await?;
            store::groups::get(&mut conn, &schedule.group).await?
        };
        // The text is composed before the transaction, and the member count
        // asked of the platform before a connection is taken: a slow platform
        // must not hold the database (SQLite has one connection).
        let posting =
            schedule::due(*run_at, now, self.settings().schedule_grace) == Some(Due::Post);
        let text = match &group {
            Some(g) if g.active && posting => {
                let members = self.members_for(&schedule.body, g).await?;
                let mut conn = self.store().connection().await?;
                Some(
                    self.compose_post(&schedule.body, schedule.kind, g, now, members, &mut conn)
                        .await?,
                )
            }
            _ => None,
        };
        let tz = group.as_ref().map_or(chrono_tz::UTC, |g| g.timezone);
        let timing = Timing::from_source(&schedule.timing)
            .with_context(|| format!("stored timing `{}` no longer parses", schedule.timing))?;
        let local = NaiveDateTime::parse_from_str(run_local, LOCAL_FORMAT)
            .with_context(|| format!("stored run time `{run_local}`"))?;
        let served = group.as_ref().is_some_and(|g| g.active);
        let decision = schedule::due(*run_at, now, self.settings().schedule_grace);
        let mut tx = self.store().begin().await?;
        let posted = match (decision, group) {
            (None, _) => return Ok(false),
            (Some(Due::Post), Some(_)) if served => {
                let text = text.context("composed above")?;
                let post = super::store::insert_post(&mut tx, schedule, run_local, now).await?;
                if let Some(post) = post {
                    let action = Action::Post {
                        post,
                        text,
                        pin: schedule.pin,
                    };
                    self.enqueue(&mut tx, &schedule.group, &action).await?;
                }
                // A late post goes once; runs missed meanwhile are not
                // caught up one by one.
                let next = timing.next_after(tz, local.max(schedule::local_of(tz, now)));
                self.advance(&mut tx, schedule.id, next).await?;
                post
            }
            (Some(Due::Post), _) => {
                tracing::info!("group no longer served; run skipped");
                self.advance(&mut tx, schedule.id, timing.next_after(tz, local))
                    .await?;
                None
            }
            (Some(Due::Skip), _) => {
                tracing::warn!(run = %run_local, late_ms = now - run_at, "run missed by more than the grace period; skipped");
                let next = timing.next_after(tz, schedule::local_of(tz, now));
                self.advance(&mut tx, schedule.id, next).await?;
                None
            }
        };
        tx.commit().await.context("committing a scheduled post")?;
        if let (Some(post), Some(phrase)) = (posted, &schedule.confirm) {
            self.confirm_opened(OpenConfirm {
                schedule: schedule.id,
                group: schedule.group.clone(),
                post,
                phrase: phrase.clone(),
                message_id: None,
            });
        }
        Ok(posted.is_some())
    }

    async fn advance(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        next: Option<schedule::Run>,
    ) -> anyhow::Result<()> {
        let local = next.map(|n| n.local.format(LOCAL_FORMAT).to_string());
        let next = local.as_deref().zip(next.map(|n| n.at_ms));
        super::store::advance(conn, id, next).await?;
        Ok(())
    }

    /// The member count a post's template shows, asked of the platform only
    /// when the template may use it. The caller holds no connection.
    pub(crate) async fn members_for(
        &self,
        body: &str,
        group: &Group,
    ) -> anyhow::Result<Option<u64>> {
        if !template_uses(body, "members") {
            return Ok(None);
        }
        match self
            .port(group.id.platform())?
            .member_count(&group.id)
            .await
        {
            Ok(n) => Ok(Some(n)),
            Err(e) => {
                tracing::warn!(error = %e, "member count unavailable");
                Ok(None)
            }
        }
    }

    /// Renders a post's template for `group` at `now`: the kind's heading,
    /// then the text with its variables (`members` as [`Self::members_for`]
    /// found it), snippets and countdowns.
    pub(crate) async fn compose_post(
        &self,
        body: &str,
        kind: super::command::PostKind,
        group: &Group,
        now: i64,
        members: Option<u64>,
        conn: &mut AnyConnection,
    ) -> anyhow::Result<RichText> {
        let tz = group.timezone;
        let local = schedule::local_of(tz, now);
        let template = Template::parse_with(body, texts::POST_VARS, texts::POST_FUNCTIONS)
            .with_context(|| format!("stored post template of {}", group.id))?;
        let mut values: Values = HashMap::from([
            ("group", Value::Text(group.title.clone())),
            ("date", Value::Text(local.format("%Y-%m-%d").to_string())),
            ("time", Value::Text(local.format("%H:%M").to_string())),
        ]);
        if let Some(n) = members {
            values.insert("members", Value::Text(n.to_string()));
        }
        if template_uses(body, "top_inviter") {
            let midnight = local.date().and_time(NaiveTime::MIN);
            let since = schedule::instant_of(tz, midnight);
            if let Some((id, name, _)) =
                store::members::top_inviter_since(conn, &group.id, since).await?
            {
                let mut who = RichText::default();
                who.push_mention(&id, &name);
                values.insert("top_inviter", Value::Rich(who));
            }
        }
        let snippets: HashMap<String, String> =
            if template.calls().iter().any(|(f, _)| *f == "snippet") {
                super::store::library::snippets(conn, &group.owner)
                    .await?
                    .into_iter()
                    .collect()
            } else {
                HashMap::new()
            };
        let lang = group.lang;
        let countdown = |arg: &str| -> Option<Value> {
            let target = parse_moment(arg)?;
            let secs = (schedule::instant_of(tz, target) - now) / 1000;
            Some(Value::Text(texts::countdown(lang, secs)))
        };
        let calls = |f: &str, arg: &str| -> Option<Value> {
            match f {
                "countdown" => countdown(arg),
                "snippet" => {
                    let body = snippets.get(&arg.to_lowercase())?;
                    // A snippet may use variables and countdowns, not other
                    // snippets: no loops, no surprises.
                    let inner =
                        Template::parse_with(body, texts::POST_VARS, &["countdown"]).ok()?;
                    Some(Value::Rich(inner.render_with(&values, &|f, a| {
                        (f == "countdown").then(|| countdown(a)).flatten()
                    })))
                }
                _ => None,
            }
        };
        let mut text = RichText::plain(texts::post_heading(kind));
        text.append(template.render_with(&values, &calls));
        Ok(text)
    }
}

/// A moment written in a template, like `2026-11-11T20:00`.
pub(crate) fn parse_moment(text: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d",
    ]
    .iter()
    .find_map(|f| {
        NaiveDateTime::parse_from_str(text.trim(), f)
            .ok()
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(text.trim(), f)
                    .ok()
                    .map(|d| d.and_time(NaiveTime::MIN))
            })
    })
}

/// Whether a template mentions a variable, so costly values are fetched only
/// when used (snippets may use any variable, so they count as using all).
fn template_uses(body: &str, var: &str) -> bool {
    body.contains(var) || body.contains("snippet")
}
