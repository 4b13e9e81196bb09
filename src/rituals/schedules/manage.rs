//! `/schedule` and `/timezone`.
//!
//! Everything is checked before anything is written: a bad cron line, an
//! unknown zone, a time in the past, a broken template or a group the
//! operator does not own gets one sentence and changes nothing. The writes
//! then happen with the reply in the command's transaction ([`Plan`]).

use anyhow::Context;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use sqlx::AnyConnection;

use super::posts::{LOCAL_FORMAT, parse_moment};
use super::{
    command::{Change, NewPost, ScheduleCommand, When},
    store::Schedule,
    texts,
};
use crate::engine::{
    Engine, Person,
    buttons::{with_buttons, zone_rows},
    commands::Outcome,
};
use crate::{
    domain::{
        Lang, RichText,
        schedule::{self, Timing},
        template::Template,
    },
    store::{self, groups::Group},
};

use super::plan::{Plan, Planned, planned};
use crate::engine::commands::say;

/// Longest preview of a post in `/schedule list`.
const PREVIEW_CHARS: usize = 40;

/// A local time as lists show it, with its zone.
fn shown(local: &str, tz: Tz) -> String {
    let pretty = NaiveDateTime::parse_from_str(local, LOCAL_FORMAT)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| local.to_owned());
    format!("{pretty} ({})", tz.name())
}

impl Engine {
    /// `/schedule`. `group` is `None` in a private chat, where only
    /// operators get here.
    pub(crate) async fn schedule_command(
        &self,
        command: ScheduleCommand,
        group: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let mut conn = self.store().connection().await?;
        Ok(match command {
            ScheduleCommand::Add(post) => {
                // Previews may ask the platform for member counts.
                drop(conn);
                self.plan_posts(post, group, from, lang).await?
            }
            ScheduleCommand::List => {
                let groups = match group {
                    Some(g) => vec![g.clone()],
                    None => store::groups::owned(&mut conn, &from.id).await?,
                };
                schedule_list(&mut conn, &groups, lang).await?.into()
            }
            ScheduleCommand::Pause(id)
            | ScheduleCommand::Resume(id)
            | ScheduleCommand::Delete(id)
            | ScheduleCommand::Edit(id, _)
                if self
                    .find_schedule(&mut conn, id, group, from)
                    .await?
                    .is_none() =>
            {
                say(texts::schedule_not_found(lang, id))
            }
            ScheduleCommand::Pause(id) => planned(
                RichText::plain(texts::schedule_paused(lang, id)),
                Plan::Pause(id),
            ),
            ScheduleCommand::Resume(id) => {
                let (schedule, target) = self
                    .find_schedule(&mut conn, id, group, from)
                    .await?
                    .context("the schedule was just found")?;
                let next = resume_run(&schedule, &target, self.now_ms());
                let reply = match &next {
                    Some((local, _)) => RichText::plain(format!(
                        "{}{}",
                        texts::schedule_resumed(lang, id),
                        shown(local, target.timezone)
                    )),
                    None => RichText::plain(texts::schedule_finished(lang, id)),
                };
                planned(reply, Plan::Resume(id, next))
            }
            ScheduleCommand::Delete(id) => planned(
                RichText::plain(texts::schedule_deleted(lang, id)),
                Plan::Delete(id),
            ),
            ScheduleCommand::Edit(id, change) => {
                let (_, target) = self
                    .find_schedule(&mut conn, id, group, from)
                    .await?
                    .context("the schedule was just found")?;
                self.plan_edit(&mut conn, id, &target, change, lang).await?
            }
        })
    }

    /// `/schedule edit`: a new time (its next run in the group's zone) or
    /// a new text, checked like a new post's. The schedule keeps its id,
    /// so the confirmations its posts collected stay with it.
    async fn plan_edit(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        group: &Group,
        change: Change,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        match change {
            Change::When(when) => {
                let (timing, run) = match first_run(&when, group.timezone, self.now_ms(), lang) {
                    Ok(found) => found,
                    Err(why) => return Ok(say(why)),
                };
                let local = run.local.format(LOCAL_FORMAT).to_string();
                let next = shown(&local, group.timezone);
                Ok(planned(
                    RichText::plain(texts::schedule_retimed(
                        lang,
                        id,
                        &timing.describe(lang),
                        &next,
                    )),
                    Plan::Retime {
                        id,
                        timing: timing.source(),
                        next: (local, run.at_ms),
                    },
                ))
            }
            Change::Text(body) => {
                let template =
                    match Template::parse_with(&body, texts::POST_VARS, texts::POST_FUNCTIONS) {
                        Ok(t) => t,
                        Err(e) => {
                            let why = e.explain(lang);
                            return Ok(say(format!("{}{why}", texts::post_rejected(lang))));
                        }
                    };
                if let Some(why) = unknown_call(conn, &template, group, lang).await? {
                    return Ok(say(format!("{}{why}", texts::post_rejected(lang))));
                }
                Ok(planned(
                    RichText::plain(texts::schedule_retexted(lang, id)),
                    Plan::Retext { id, body },
                ))
            }
        }
    }

    /// `/timezone [zone]`: the group's zone shown, or changed with every
    /// schedule's next run moved to keep its local time.
    pub(crate) async fn timezone_command(
        &self,
        zone: Option<Tz>,
        group: &Group,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let Some(tz) = zone else {
            let tz = group.timezone;
            let now = schedule::local_of(tz, self.now_ms());
            return Ok(say(format!(
                "{}{}{}{}{}",
                texts::timezone_current(lang),
                tz.name(),
                texts::local_time_now(lang),
                now.format("%H:%M"),
                texts::timezone_howto(lang)
            )));
        };
        let mut conn = self.store().connection().await?;
        let moved = self.rezone(&mut conn, group, tz).await?;
        let now = schedule::local_of(tz, self.now_ms());
        Ok(planned(
            RichText::plain(format!(
                "{}{}{}{}",
                texts::timezone_set(lang),
                tz.name(),
                texts::local_time_now(lang),
                now.format("%H:%M")
            )),
            Plan::Timezone {
                group: group.id.clone(),
                zone: tz,
                moved,
            },
        ))
    }

    /// Checks a new post against every target group and plans its schedules.
    async fn plan_posts(
        &self,
        post: NewPost,
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let mut held = self.store().connection().await?;
        let conn = &mut *held;
        let targets = if post.targets.is_empty() {
            match here {
                Some(g) => vec![g.clone()],
                None => return Ok(say(texts::targets_needed(lang))),
            }
        } else {
            if !self.is_operator(&from.id) {
                return Ok(say(texts::targets_need_operator(lang)));
            }
            match self
                .owned_targets(conn, &post.targets, here, &from.id, lang)
                .await?
            {
                Ok(groups) => groups,
                Err(why) => return Ok(say(why)),
            }
        };
        // A time means nothing until the group's zone is known: it is
        // asked, not assumed.
        for group in &targets {
            if !store::groups::zone_chosen(conn, &group.id).await? {
                let buttons = self.has_buttons(group.id.platform());
                let question = texts::zone_first(lang, &group.title, buttons);
                let rows = zone_rows(&group.id, lang);
                return Ok(with_buttons(RichText::plain(question), rows));
            }
        }
        let template =
            match Template::parse_with(&post.text, texts::POST_VARS, texts::POST_FUNCTIONS) {
                Ok(t) => t,
                Err(e) => {
                    return Ok(say(format!(
                        "{}{}",
                        texts::post_rejected(lang),
                        e.explain(lang)
                    )));
                }
            };
        // Member counts for the previews come from the platform while no
        // connection is held.
        drop(held);
        let mut members = Vec::with_capacity(targets.len());
        for group in &targets {
            members.push(self.members_for(&post.text, group).await?);
        }
        let mut held = self.store().connection().await?;
        let conn = &mut *held;
        let now = self.now_ms();
        let mut items = Vec::new();
        for (group, members) in targets.iter().zip(members) {
            if let Some(why) = unknown_call(conn, &template, group, lang).await? {
                return Ok(say(format!("{}{why}", texts::post_rejected(lang))));
            }
            let tz = group.timezone;
            let (timing, run) = match first_run(&post.when, tz, now, lang) {
                Ok(found) => found,
                Err(why) => return Ok(say(why)),
            };
            let local = run.local.format(LOCAL_FORMAT).to_string();
            items.push(Planned {
                group: group.id.clone(),
                title: group.title.clone(),
                kind: post.kind,
                timing: timing.source(),
                body: post.text.clone(),
                pin: post.pin,
                confirm: post.confirm.clone(),
                next_shown: shown(&local, tz),
                next: (local, run.at_ms),
                preview: self
                    .compose_post(&post.text, post.kind, group, now, members, conn)
                    .await?,
            });
        }
        Ok(planned(
            RichText::default(),
            Plan::AddSchedules {
                lang,
                by: from.id.clone(),
                items,
            },
        ))
    }

    /// A schedule of this group (or, in private, of the operator's groups).
    pub(crate) async fn find_schedule(
        &self,
        conn: &mut AnyConnection,
        id: i64,
        group: Option<&Group>,
        from: &Person,
    ) -> anyhow::Result<Option<(Schedule, Group)>> {
        let Some(schedule) = super::store::get(conn, id).await? else {
            return Ok(None);
        };
        let target = match group {
            Some(g) if g.id == schedule.group => Some(g.clone()),
            Some(_) => None,
            None => store::groups::get(conn, &schedule.group)
                .await?
                .filter(|g| g.owner == from.id),
        };
        Ok(target.map(|g| (schedule, g)))
    }

    /// Next runs of a group's schedules in a new zone: recurring ones keep
    /// their local times, one-off ones keep their local time if still ahead.
    async fn rezone(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
        tz: Tz,
    ) -> anyhow::Result<Vec<(i64, Option<(String, i64)>)>> {
        let now_local = schedule::local_of(tz, self.now_ms());
        let mut moved = Vec::new();
        for s in super::store::of_group(conn, &group.id).await? {
            if s.next.is_none() {
                continue;
            }
            let Ok(timing) = Timing::from_source(&s.timing) else {
                continue;
            };
            let next = timing
                .next_after(tz, now_local)
                .map(|run| (run.local.format(LOCAL_FORMAT).to_string(), run.at_ms));
            moved.push((s.id, next));
        }
        Ok(moved)
    }
}

/// The first `{{countdown …}}` or `{{snippet …}}` of a template that does
/// not resolve in `group`, as the sentence that says so.
async fn unknown_call(
    conn: &mut AnyConnection,
    template: &Template,
    group: &Group,
    lang: Lang,
) -> anyhow::Result<Option<String>> {
    for (function, arg) in template.calls() {
        let known = match function {
            "countdown" => parse_moment(arg).is_some(),
            _ => super::store::library::snippets(conn, &group.owner)
                .await?
                .iter()
                .any(|(name, _)| *name == arg.to_lowercase()),
        };
        if !known {
            return Ok(Some(match function {
                "countdown" => texts::bad_countdown(lang, arg),
                _ => texts::unknown_snippet(lang, arg),
            }));
        }
    }
    Ok(None)
}

/// A new post's timing and its first run in zone `tz` after `now`, or the
/// sentence saying why it has none.
fn first_run(when: &When, tz: Tz, now: i64, lang: Lang) -> Result<(Timing, schedule::Run), String> {
    let now_local = schedule::local_of(tz, now);
    let timing = match when {
        When::Cron(timing) => timing.clone(),
        When::Once(at) => Timing::once(at, now_local).map_err(|e| e.explain(lang))?,
    };
    let run = timing
        .next_after(tz, now_local)
        .ok_or_else(|| schedule::TimingError::Never.explain(lang))?;
    Ok((timing, run))
}

/// Where a resumed schedule picks up: its stored next run if still ahead,
/// else the next run after now (none for a one-off whose time passed).
fn resume_run(schedule: &Schedule, group: &Group, now: i64) -> Option<(String, i64)> {
    if let Some((local, at)) = &schedule.next
        && *at > now
    {
        return Some((local.clone(), *at));
    }
    let tz = group.timezone;
    let timing = Timing::from_source(&schedule.timing).ok()?;
    timing
        .next_after(tz, schedule::local_of(tz, now))
        .map(|run| (run.local.format(LOCAL_FORMAT).to_string(), run.at_ms))
}

/// The first words of a text, on one line.
pub(super) fn preview_of(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(PREVIEW_CHARS).collect();
    if flat.chars().count() > PREVIEW_CHARS {
        out.push('…');
    }
    out
}

async fn schedule_list(
    conn: &mut AnyConnection,
    groups: &[Group],
    lang: Lang,
) -> anyhow::Result<RichText> {
    let mut text = String::from(texts::schedule_list_header(lang));
    let mut any = false;
    for group in groups {
        let schedules = super::store::of_group(conn, &group.id).await?;
        if groups.len() > 1 && !schedules.is_empty() {
            text.push_str(&format!("\n\n{}", group.title));
        }
        for s in schedules {
            any = true;
            let when = match (&s.next, s.paused) {
                (_, true) => texts::schedule_paused_mark(lang).to_owned(),
                (Some((local, _)), false) => shown(local, group.timezone),
                (None, false) => texts::schedule_done_mark(lang).to_owned(),
            };
            let mut marks = String::new();
            if s.pin {
                marks.push_str(" 📌");
            }
            if let Some(phrase) = &s.confirm {
                marks.push_str(&format!(" ✋{phrase}"));
            }
            let rule = Timing::from_source(&s.timing).map_or(s.timing, |t| t.describe(lang));
            text.push_str(&format!(
                "\n#{} · {when} · {} · {rule}{marks}\n   {}",
                s.id,
                s.kind.as_str(),
                preview_of(&s.body)
            ));
        }
    }
    if !any {
        return Ok(RichText::plain(texts::schedule_list_empty(lang)));
    }
    Ok(RichText::plain(text))
}
