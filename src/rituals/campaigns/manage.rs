//! `/campaign`: operators start a loaded playbook in a set of groups,
//! follow it, pause, resume and stop it. What a command changes is planned
//! while it is checked and written with its reply ([`CampaignPlan`]).

use super::{
    command::CampaignCommand,
    playbook::{self, Playbook, Ritual},
    store::{self as campaigns, Campaign, NewCampaign, StepRow},
    texts,
};
use crate::engine::commands::say;
use crate::rituals::schedules::texts as schedule_texts;
use crate::{
    domain::{
        Lang, RichText, UserId,
        schedule::{self, Due, instant_of},
        template::Template,
    },
    store::groups::Group,
};
use crate::{
    engine::{Engine, commands::Outcome, event::Person},
    rituals::schedules::posts::LOCAL_FORMAT,
};
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// What `/campaign` changes.
pub(crate) enum CampaignPlan {
    Start {
        lang: Lang,
        book: Playbook,
        source: String,
        date: NaiveDate,
        groups: Vec<Group>,
        by: UserId,
    },
    Pause(Lang, Campaign),
    Resume(Lang, Campaign),
    Stop(Lang, Campaign),
}

impl Engine {
    /// `/campaign …` from an operator, in a group (`here`) or in private.
    pub(crate) async fn campaign_command(
        &self,
        conn: &mut AnyConnection,
        command: CampaignCommand,
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let plan = match command {
            CampaignCommand::List => return Ok(say(list(conn, lang).await?)),
            CampaignCommand::Status(name) => {
                return Ok(say(match campaigns::latest(conn, &name).await? {
                    Some(c) => status(conn, &c, lang).await?,
                    None => texts::never_started(lang, &name),
                }));
            }
            CampaignCommand::Start { name, date, groups } => {
                match self
                    .plan_start(conn, &name, date, &groups, here, from, lang)
                    .await?
                {
                    Ok(plan) => plan,
                    Err(why) => return Ok(say(why)),
                }
            }
            CampaignCommand::Pause(name) => {
                match under_way(conn, &name, &[campaigns::RUNNING], lang).await? {
                    Ok(c) => CampaignPlan::Pause(lang, c),
                    Err(why) => return Ok(say(why)),
                }
            }
            CampaignCommand::Resume(name) => {
                match under_way(conn, &name, &[campaigns::PAUSED], lang).await? {
                    Ok(c) => CampaignPlan::Resume(lang, c),
                    Err(why) => return Ok(say(why)),
                }
            }
            CampaignCommand::Stop(name) => {
                let states = [campaigns::RUNNING, campaigns::PAUSED];
                match under_way(conn, &name, &states, lang).await? {
                    Ok(c) => CampaignPlan::Stop(lang, c),
                    Err(why) => return Ok(say(why)),
                }
            }
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        })
    }

    /// `/campaign start`: the playbook loaded and sound, not under way
    /// already, its groups the operator's, its snippets known there, and
    /// some step still ahead; or the sentence saying which is not so.
    #[allow(clippy::too_many_arguments)]
    async fn plan_start(
        &self,
        conn: &mut AnyConnection,
        name: &str,
        date: NaiveDate,
        groups: &[String],
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Result<CampaignPlan, String>> {
        let Some(source) = campaigns::playbook(conn, name).await? else {
            return Ok(Err(texts::no_playbook(lang, name)));
        };
        let book = match playbook::parse(&source) {
            Ok(book) => book,
            Err(errors) => {
                let first = errors.first().map(ToString::to_string).unwrap_or_default();
                return Ok(Err(texts::broken_playbook(lang, name, &first)));
            }
        };
        if let Some(c) = campaigns::latest(conn, name).await?
            && (c.state == campaigns::RUNNING || c.state == campaigns::PAUSED)
        {
            return Ok(Err(texts::under_way(lang, name, &c.state)));
        }
        let groups = if groups.is_empty() {
            match here {
                Some(g) => vec![g.clone()],
                None => {
                    return Ok(Err(schedule_texts::targets_needed(lang).to_owned()));
                }
            }
        } else {
            match self
                .owned_targets(conn, groups, here, &from.id, lang)
                .await?
            {
                Ok(groups) => groups,
                Err(why) => return Ok(Err(why)),
            }
        };
        if let Some(why) = missing_snippet(conn, &book, &groups, lang).await? {
            return Ok(Err(why));
        }
        let now = self.now_ms();
        let grace = self.settings().schedule_grace;
        let any_ahead = groups.iter().any(|g| {
            book.steps.iter().any(|step| {
                let at = instant_of(g.timezone, step.local_on(date));
                schedule::due(at, now, grace) != Some(Due::Skip)
            })
        });
        if !any_ahead {
            return Ok(Err(texts::all_past(lang).to_owned()));
        }
        Ok(Ok(CampaignPlan::Start {
            lang,
            book,
            source,
            date,
            groups,
            by: from.id.clone(),
        }))
    }
}

impl CampaignPlan {
    /// Writes the change; the reply says what happened.
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let grace = engine.settings().schedule_grace;
        let text = match self {
            CampaignPlan::Start {
                lang,
                book,
                source,
                date,
                groups,
                by,
            } => {
                let date_text = date.format("%Y-%m-%d").to_string();
                let id = campaigns::insert(
                    conn,
                    &NewCampaign {
                        name: &book.name,
                        title: &book.title,
                        source: &source,
                        start_date: &date_text,
                        started_by: &by,
                    },
                    now,
                )
                .await?;
                let past = add_steps(conn, id, &book, date, &groups, now, grace).await?;
                let mut text = texts::started(
                    lang,
                    &book.name,
                    &book.title,
                    &date_text,
                    groups.len(),
                    book.steps.len(),
                );
                if past > 0 {
                    text.push_str(&texts::skipped_past(lang, past));
                }
                text
            }
            CampaignPlan::Pause(lang, c) => {
                campaigns::set_state(conn, c.id, campaigns::RUNNING, campaigns::PAUSED).await?;
                texts::paused(lang, &c.name)
            }
            CampaignPlan::Resume(lang, c) => {
                campaigns::set_state(conn, c.id, campaigns::PAUSED, campaigns::RUNNING).await?;
                // What fell due while paused is not run late in a burst:
                // the same grace as for scheduled posts after downtime.
                let before = now - grace.as_millis() as i64;
                let missed =
                    campaigns::close_waiting(conn, c.id, before, campaigns::SKIPPED, now).await?;
                texts::resumed(lang, &c.name, missed)
            }
            CampaignPlan::Stop(lang, c) => {
                campaigns::set_state(conn, c.id, &c.state, campaigns::STOPPED).await?;
                let cancelled =
                    campaigns::close_waiting(conn, c.id, i64::MAX, campaigns::CANCELLED, now)
                        .await?;
                texts::stopped(lang, &c.name, cancelled)
            }
        };
        Ok(RichText::plain(text))
    }
}

/// `/campaign`: the playbooks and the campaigns under way.
/// Writes each step of a started campaign for each group, due at the step's
/// local time in the group's zone; returns how many were already too late
/// to run and are written skipped.
async fn add_steps(
    conn: &mut AnyConnection,
    id: i64,
    book: &Playbook,
    date: NaiveDate,
    groups: &[Group],
    now: i64,
    grace: std::time::Duration,
) -> anyhow::Result<u64> {
    let mut past = 0;
    for group in groups {
        let zone = group.timezone;
        for (n, step) in book.steps.iter().enumerate() {
            let local = step.local_on(date);
            let due_at = instant_of(zone, local);
            let state = if schedule::due(due_at, now, grace) == Some(Due::Skip) {
                past += 1;
                campaigns::SKIPPED
            } else {
                campaigns::WAITING
            };
            let row = StepRow {
                campaign: id,
                step: n as i64,
                group: group.id.clone(),
                due_at,
                local: local.format(LOCAL_FORMAT).to_string(),
                state: state.to_owned(),
            };
            campaigns::add_step(conn, &row).await?;
        }
    }
    Ok(past)
}

async fn list(conn: &mut AnyConnection, lang: Lang) -> anyhow::Result<String> {
    let names = campaigns::playbook_names(conn).await?;
    if names.is_empty() {
        return Ok(texts::no_playbooks(lang).to_owned());
    }
    let mut text = format!("{}{}", texts::list_header(lang), names.join(", "));
    for c in campaigns::under_way(conn).await? {
        let state = texts::state(lang, &c.state);
        text.push_str(&texts::list_row(lang, &c.name, &state, &c.start_date));
    }
    Ok(text)
}

/// `/campaign status <name>`: what ran, what is next, the figures so far.
async fn status(conn: &mut AnyConnection, c: &Campaign, lang: Lang) -> anyhow::Result<String> {
    let rows = campaigns::steps_of(conn, c.id).await?;
    let book = playbook::parse(&c.source).ok();
    let mut groups = Vec::new();
    for row in &rows {
        if !groups.contains(&row.group) {
            groups.push(row.group.clone());
        }
    }
    // A step counts as done once no group waits for it.
    let mut by_step: Vec<(i64, Vec<&StepRow>)> = Vec::new();
    for row in &rows {
        match by_step.iter_mut().find(|(s, _)| *s == row.step) {
            Some((_, list)) => list.push(row),
            None => by_step.push((row.step, vec![row])),
        }
    }
    let waiting = |list: &[&StepRow]| list.iter().any(|r| r.state == campaigns::WAITING);
    let line = |n: i64, list: &[&StepRow]| -> Option<String> {
        let step = book.as_ref()?.steps.get(n as usize)?;
        let local = list.first().map(|r| r.local.as_str()).unwrap_or_default();
        let shown = local.get(5..16).unwrap_or(local).replace('T', " ");
        Some(texts::step_line(
            lang,
            step.day,
            &step.at.format("%H:%M").to_string(),
            &step.summary(),
            &shown,
        ))
    };
    let done = by_step.iter().filter(|(_, l)| !waiting(l)).count();
    let skipped = by_step
        .iter()
        .filter(|(_, l)| l.iter().all(|r| r.state != campaigns::STEP_DONE) && !waiting(l))
        .count();
    let last = by_step
        .iter()
        .rev()
        .find(|(_, l)| l.iter().any(|r| r.state == campaigns::STEP_DONE))
        .and_then(|(n, l)| line(*n, l));
    let next = by_step
        .iter()
        .find(|(_, l)| waiting(l))
        .and_then(|(n, l)| line(*n, l));
    let figures = campaigns::figures(conn, &groups, c.started_at).await?;
    Ok(texts::status(
        lang,
        &texts::Status {
            name: &c.name,
            title: &c.title,
            state: &c.state,
            date: &c.start_date,
            groups: groups.len(),
            steps: by_step.len(),
            done: done - skipped,
            skipped,
            last,
            next,
            newcomers: figures.newcomers,
            invited: figures.invited,
            draws: figures.draws,
        },
    ))
}

/// The newest campaign of `name` if it is in one of `states`, or why not.
async fn under_way(
    conn: &mut AnyConnection,
    name: &str,
    states: &[&str],
    lang: Lang,
) -> anyhow::Result<Result<Campaign, String>> {
    Ok(match campaigns::latest(conn, name).await? {
        None => Err(texts::never_started(lang, name)),
        Some(c) if states.contains(&c.state.as_str()) => Ok(c),
        Some(c) => Err(texts::not_in_state(lang, name, &c.state)),
    })
}

/// A snippet a post step uses that a group's owner does not have.
async fn missing_snippet(
    conn: &mut AnyConnection,
    book: &Playbook,
    groups: &[Group],
    lang: Lang,
) -> anyhow::Result<Option<String>> {
    for step in &book.steps {
        let Ritual::Post { text, .. } = &step.what else {
            continue;
        };
        let Ok(template) = Template::parse_with(
            text,
            schedule_texts::POST_VARS,
            schedule_texts::POST_FUNCTIONS,
        ) else {
            continue;
        };
        for (function, arg) in template.calls() {
            if function != "snippet" {
                continue;
            }
            for group in groups {
                let known = crate::rituals::schedules::store::library::snippets(conn, &group.owner)
                    .await?
                    .iter()
                    .any(|(name, _)| *name == arg.to_lowercase());
                if !known {
                    return Ok(Some(schedule_texts::unknown_snippet(lang, arg)));
                }
            }
        }
    }
    Ok(None)
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for CampaignPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.now).await?))
    }
}
