//! `/schedule`, `/timezone`, `/acks`, `/snippet`, `/groupset` and `/groups`.
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
    command::{GroupSetCommand, NewPost, PostKind, ScheduleCommand, SnippetCommand, When},
    store::{NewSchedule, Schedule},
};
use crate::engine::{Engine, Person, commands::Outcome};
use crate::{
    domain::{
        ChatId, Lang, RichText, UserId,
        schedule::{self, Timing},
        template::Template,
        texts,
    },
    rituals::command::Command,
    store::{self, groups::Group},
};

/// Longest preview of a post in `/schedule list`.
const PREVIEW_CHARS: usize = 40;
/// A member who confirmed a post, with their name.
type Ack = (UserId, String);

/// Most names `/acks` shows.
const ACK_NAMES: usize = 30;

/// Writes a command plans, applied with its reply.
pub(crate) enum Plan {
    AddSchedules {
        lang: Lang,
        by: UserId,
        items: Vec<Planned>,
    },
    Pause(i64),
    Resume(i64, Option<(String, i64)>),
    Delete(i64),
    Timezone {
        group: ChatId,
        zone: chrono_tz::Tz,
        moved: Vec<(i64, Option<(String, i64)>)>,
    },
    SaveSnippet {
        owner: UserId,
        name: String,
        body: String,
    },
    DeleteSnippet {
        owner: UserId,
        name: String,
        lang: Lang,
    },
    SaveGroupSet {
        owner: UserId,
        name: String,
        groups: Vec<ChatId>,
    },
    DeleteGroupSet {
        owner: UserId,
        name: String,
        lang: Lang,
    },
}

/// One schedule about to be created, with what the reply shows of it.
pub(crate) struct Planned {
    group: ChatId,
    title: String,
    kind: PostKind,
    timing: String,
    body: String,
    pin: bool,
    confirm: Option<String>,
    next: (String, i64),
    next_shown: String,
    preview: RichText,
}

impl Plan {
    /// Applies the writes; returns a reply that replaces the planned one
    /// when it depends on them (new ids, whether something existed).
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        now: i64,
    ) -> anyhow::Result<Option<RichText>> {
        match self {
            Plan::AddSchedules { lang, by, items } => {
                let mut reply = RichText::default();
                // One preview is enough when one text goes to many groups.
                let single = items.len() == 1;
                let mut preview = None;
                for (n, item) in items.into_iter().enumerate() {
                    let id = super::store::insert(
                        conn,
                        &NewSchedule {
                            group: &item.group,
                            kind: item.kind,
                            timing: &item.timing,
                            body: &item.body,
                            pin: item.pin,
                            confirm: item.confirm.as_deref(),
                            next: (&item.next.0, item.next.1),
                            created_by: &by,
                        },
                        now,
                    )
                    .await?;
                    if n > 0 {
                        // Only a multi-group plan has a second item.
                        reply.push_text("\n");
                    }
                    reply.push_text(&format!("{}#{id} · ", texts::schedule_saved(lang)));
                    reply.push_text(&item.title);
                    reply.push_text(texts::schedule_next_run(lang));
                    reply.push_text(&item.next_shown);
                    if single {
                        reply.push_text(texts::preview_heading(lang));
                        reply.append(item.preview);
                    } else if n == 0 {
                        preview = Some(item.preview);
                    }
                }
                if let Some(preview) = preview {
                    reply.push_text(texts::preview_heading(lang));
                    reply.append(preview);
                }
                Ok(Some(reply))
            }
            Plan::Pause(id) => {
                super::store::set_paused(conn, id, true).await?;
                Ok(None)
            }
            Plan::Resume(id, next) => {
                super::store::set_paused(conn, id, false).await?;
                let next = next.as_ref().map(|(l, at)| (l.as_str(), *at));
                super::store::advance(conn, id, next).await?;
                Ok(None)
            }
            Plan::Delete(id) => {
                super::store::delete(conn, id).await?;
                engine.confirm_closed(id);
                Ok(None)
            }
            Plan::Timezone { group, zone, moved } => {
                store::groups::set_timezone(conn, &group, zone).await?;
                for (id, next) in moved {
                    let next = next.as_ref().map(|(l, at)| (l.as_str(), *at));
                    super::store::advance(conn, id, next).await?;
                }
                Ok(None)
            }
            Plan::SaveSnippet { owner, name, body } => {
                super::store::library::save_snippet(conn, &owner, &name, &body, now).await?;
                Ok(None)
            }
            Plan::DeleteSnippet { owner, name, lang } => {
                let gone = super::store::library::delete_snippet(conn, &owner, &name).await?;
                Ok((!gone).then(|| RichText::plain(texts::snippet_missing(lang))))
            }
            Plan::SaveGroupSet {
                owner,
                name,
                groups,
            } => {
                super::store::library::save_group_set(conn, &owner, &name, &groups).await?;
                Ok(None)
            }
            Plan::DeleteGroupSet { owner, name, lang } => {
                let gone = super::store::library::delete_group_set(conn, &owner, &name).await?;
                Ok((!gone).then(|| RichText::plain(texts::group_set_missing(lang))))
            }
        }
    }
}

fn planned(reply: RichText, plan: Plan) -> Outcome {
    Outcome {
        reply,
        effect: Some(Box::new(plan)),
    }
}

fn say(text: impl Into<String>) -> Outcome {
    RichText::plain(text.into()).into()
}

/// A local time as lists show it, with its zone.
fn shown(local: &str, tz: Tz) -> String {
    let pretty = NaiveDateTime::parse_from_str(local, LOCAL_FORMAT)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| local.to_owned());
    format!("{pretty} ({})", tz.name())
}

impl Engine {
    /// Runs a command of this family. `group` is `None` in a private chat,
    /// where only operators get here.
    pub(crate) async fn schedule_family(
        &self,
        command: Command,
        group: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let mut conn = self.store().connection().await?;
        let owner = group.map_or_else(|| from.id.clone(), |g| g.owner.clone());
        Ok(match command {
            Command::Schedule(ScheduleCommand::Add(post)) => {
                // Previews may ask the platform for member counts.
                drop(conn);
                self.plan_posts(post, group, from, lang).await?
            }
            Command::Schedule(ScheduleCommand::List) => {
                let groups = match group {
                    Some(g) => vec![g.clone()],
                    None => self.groups_of(&mut conn, &from.id).await?,
                };
                schedule_list(&mut conn, &groups, lang).await?.into()
            }
            Command::Schedule(
                ScheduleCommand::Pause(id)
                | ScheduleCommand::Resume(id)
                | ScheduleCommand::Delete(id),
            ) if self
                .find_schedule(&mut conn, id, group, from)
                .await?
                .is_none() =>
            {
                say(texts::schedule_not_found(lang, id))
            }
            Command::Schedule(ScheduleCommand::Pause(id)) => planned(
                RichText::plain(texts::schedule_paused(lang, id)),
                Plan::Pause(id),
            ),
            Command::Schedule(ScheduleCommand::Resume(id)) => {
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
            Command::Schedule(ScheduleCommand::Delete(id)) => planned(
                RichText::plain(texts::schedule_deleted(lang, id)),
                Plan::Delete(id),
            ),
            Command::Timezone(zone) => match (zone, group) {
                (_, None) => say(texts::use_in_group(lang)),
                (None, Some(group)) => {
                    let tz = group.timezone;
                    let now = schedule::local_of(tz, self.now_ms());
                    say(format!(
                        "{}{}{}{}{}",
                        texts::timezone_current(lang),
                        tz.name(),
                        texts::local_time_now(lang),
                        now.format("%H:%M"),
                        texts::timezone_howto(lang)
                    ))
                }
                (Some(tz), Some(group)) => {
                    let moved = self.rezone(&mut conn, group, tz).await?;
                    let now = schedule::local_of(tz, self.now_ms());
                    planned(
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
                    )
                }
            },
            Command::Acks(id) => match self.find_schedule(&mut conn, id, group, from).await? {
                None => say(texts::schedule_not_found(lang, id)),
                Some((schedule, target)) => {
                    let acks = acks_of(&mut conn, &schedule).await?;
                    // The member count comes from the platform: no
                    // connection is held while it answers.
                    drop(conn);
                    match acks {
                        None => say(texts::acks_not_asked(lang, schedule.id)),
                        Some(acks) => self.acks(&acks, &schedule, &target, lang).await?,
                    }
                }
            },
            Command::Snippet(SnippetCommand::List) => {
                let snippets = super::store::library::snippets(&mut conn, &owner).await?;
                if snippets.is_empty() {
                    say(texts::snippet_list_empty(lang))
                } else {
                    let mut text = String::from(texts::snippet_list_header(lang));
                    for (name, body) in snippets {
                        text.push_str(&format!("\n• {name}: {}", preview_of(&body)));
                    }
                    say(text)
                }
            }
            Command::Snippet(SnippetCommand::Save { name, text }) => {
                match Template::parse_with(&text, texts::POST_VARS, &["countdown"]) {
                    Err(e) => say(format!("{}{}", texts::post_rejected(lang), e.explain(lang))),
                    Ok(_) => planned(
                        RichText::plain(format!(
                            "{}{{{{snippet {name}}}}}",
                            texts::snippet_saved(lang)
                        )),
                        Plan::SaveSnippet {
                            owner,
                            name,
                            body: text,
                        },
                    ),
                }
            }
            Command::Snippet(SnippetCommand::Delete(name)) => planned(
                RichText::plain(texts::snippet_deleted(lang)),
                Plan::DeleteSnippet { owner, name, lang },
            ),
            Command::Groups => {
                let groups = self.groups_of(&mut conn, &from.id).await?;
                if groups.is_empty() {
                    say(texts::groups_empty(lang))
                } else {
                    let mut text = String::from(texts::groups_header(lang));
                    for g in &groups {
                        text.push_str(&format!("\n• {} — {}", g.title, g.id));
                    }
                    for (name, ids) in
                        super::store::library::group_sets(&mut conn, &from.id).await?
                    {
                        text.push_str(&format!("\n\n{} {name}: ", texts::group_sets_header(lang)));
                        let ids: Vec<&str> = ids.iter().map(ChatId::as_str).collect();
                        text.push_str(&ids.join(", "));
                    }
                    say(text)
                }
            }
            Command::GroupSet(GroupSetCommand::List) => {
                let mut text = String::from(texts::group_sets_header(lang));
                for (name, ids) in super::store::library::group_sets(&mut conn, &from.id).await? {
                    let ids: Vec<&str> = ids.iter().map(ChatId::as_str).collect();
                    text.push_str(&format!("\n• {name}: {}", ids.join(", ")));
                }
                say(text)
            }
            Command::GroupSet(GroupSetCommand::Save { name, groups }) => {
                let mut ids = Vec::new();
                for raw in &groups {
                    match self.owned_group(&mut conn, raw, group, &from.id).await? {
                        Some(g) => ids.push(g.id),
                        None => return Ok(say(texts::not_your_group(lang, raw))),
                    }
                }
                let list: Vec<&str> = ids.iter().map(ChatId::as_str).collect();
                planned(
                    RichText::plain(format!(
                        "{}{name} = {}",
                        texts::group_set_saved(lang),
                        list.join(", ")
                    )),
                    Plan::SaveGroupSet {
                        owner: from.id.clone(),
                        name,
                        groups: ids,
                    },
                )
            }
            Command::GroupSet(GroupSetCommand::Delete(name)) => planned(
                RichText::plain(texts::group_set_deleted(lang)),
                Plan::DeleteGroupSet {
                    owner: from.id.clone(),
                    name,
                    lang,
                },
            ),
            other => anyhow::bail!("{other:?} is not a schedule command"),
        })
    }

    /// The groups `raws` name (ids or set names), each owned by `owner`,
    /// without repeats; or the sentence naming one that is not theirs.
    pub(crate) async fn owned_targets(
        &self,
        conn: &mut AnyConnection,
        raws: &[String],
        here: Option<&Group>,
        owner: &UserId,
        lang: Lang,
    ) -> anyhow::Result<Result<Vec<Group>, String>> {
        let mut groups: Vec<Group> = Vec::new();
        for raw in raws {
            let set = match super::command::parse_name(raw) {
                Ok(name) => super::store::library::group_set(conn, owner, &name).await?,
                Err(_) => Vec::new(),
            };
            let found = if set.is_empty() {
                self.owned_group(conn, raw, here, owner)
                    .await?
                    .into_iter()
                    .collect()
            } else {
                let mut found = Vec::new();
                for id in set {
                    found.extend(self.owned_group(conn, id.as_str(), here, owner).await?);
                }
                found
            };
            if found.is_empty() {
                return Ok(Err(texts::not_your_group(lang, raw)));
            }
            for g in found {
                if !groups.iter().any(|known| known.id == g.id) {
                    groups.push(g);
                }
            }
        }
        Ok(Ok(groups))
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
            for (function, arg) in template.calls() {
                let known = match function {
                    "countdown" => parse_moment(arg).is_some(),
                    _ => super::store::library::snippets(conn, &group.owner)
                        .await?
                        .iter()
                        .any(|(name, _)| *name == arg.to_lowercase()),
                };
                if !known {
                    let why = match function {
                        "countdown" => texts::bad_countdown(lang, arg),
                        _ => texts::unknown_snippet(lang, arg),
                    };
                    return Ok(say(format!("{}{why}", texts::post_rejected(lang))));
                }
            }
            let tz = group.timezone;
            let now_local = schedule::local_of(tz, now);
            let timing = match &post.when {
                When::Cron(timing) => timing.clone(),
                When::Once(at) => match Timing::once(at, now_local) {
                    Ok(timing) => timing,
                    Err(e) => return Ok(say(e.explain(lang))),
                },
            };
            let Some(run) = timing.next_after(tz, now_local) else {
                return Ok(say(schedule::TimingError::Never.explain(lang)));
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
    async fn find_schedule(
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

    /// The operator's active groups.
    async fn groups_of(
        &self,
        conn: &mut AnyConnection,
        owner: &UserId,
    ) -> anyhow::Result<Vec<Group>> {
        let mut groups = Vec::new();
        for id in store::groups::owned_by(conn, owner).await? {
            groups.extend(store::groups::get(conn, &id).await?);
        }
        Ok(groups)
    }

    /// A group named by id (`tg:-100…`, or a bare Telegram number) that the
    /// operator owns and the bot serves.
    async fn owned_group(
        &self,
        conn: &mut AnyConnection,
        raw: &str,
        here: Option<&Group>,
        owner: &UserId,
    ) -> anyhow::Result<Option<Group>> {
        let id = match ChatId::parse(raw) {
            Some(id) => id,
            None => match raw.parse::<i64>() {
                Ok(n)
                    if here
                        .is_none_or(|g| g.id.platform() == crate::domain::Platform::Telegram) =>
                {
                    ChatId::telegram(n)
                }
                _ => return Ok(None),
            },
        };
        Ok(store::groups::get(conn, &id)
            .await?
            .filter(|g| g.active && g.owner == *owner))
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

    /// `/acks`: who confirmed the schedule's latest post, and what share of
    /// the group that is.
    async fn acks(
        &self,
        acks: &[Ack],
        schedule: &Schedule,
        group: &Group,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let members = match self
            .port(group.id.platform())?
            .member_count(&group.id)
            .await
        {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "member count unavailable");
                None
            }
        };
        let share = members
            .filter(|n| *n > 0)
            .map(|n| (acks.len() as u64 * 100).div_ceil(n).min(100));
        let mut text = texts::acks_summary(lang, schedule.id, acks.len(), share);
        if !acks.is_empty() {
            text.push('\n');
            let names: Vec<&str> = acks
                .iter()
                .take(ACK_NAMES)
                .map(|(_, n)| n.as_str())
                .collect();
            text.push_str(&names.join(texts::list_separator(lang)));
            if acks.len() > ACK_NAMES {
                text.push_str(&texts::and_more(lang, acks.len() - ACK_NAMES));
            }
        }
        Ok(say(text))
    }
}

/// Who confirmed a schedule's latest post; `None` when it asks for no
/// confirmation or has not posted yet.
async fn acks_of(
    conn: &mut AnyConnection,
    schedule: &Schedule,
) -> anyhow::Result<Option<Vec<Ack>>> {
    let latest = super::store::latest_post(conn, schedule.id).await?;
    let (Some((post, _)), Some(_)) = (latest, &schedule.confirm) else {
        return Ok(None);
    };
    Ok(Some(super::store::acks_of(conn, post).await?))
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
fn preview_of(text: &str) -> String {
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
            text.push_str(&format!(
                "\n#{} · {when} · {} · {}{marks}\n   {}",
                s.id,
                s.kind.as_str(),
                s.timing,
                preview_of(&s.body)
            ));
        }
    }
    if !any {
        return Ok(RichText::plain(texts::schedule_list_empty(lang)));
    }
    Ok(RichText::plain(text))
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for Plan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        self.write(cx.engine, cx.conn, cx.now).await
    }
}
