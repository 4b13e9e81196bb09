//! Campaign playbooks: a campaign written down once, day by day, and run in
//! many groups.
//!
//! Operators say their work is hard to standardise and to copy across groups
//! and regions. A playbook is their SOP as a TOML file: each step
//! is a local time on a day of the campaign and one ritual, either a post
//! (teaser, notice, announcement, with a confirm phrase and a pin) or a
//! command exactly as an admin would type it in the group (`/giveaway 3 21:30
//! 连衣裙 --invites 30 --audited`, `/envelope 999 20 会员卡`, `/top 10`). So a
//! playbook can do what admins can, no more, and every step is checked by the
//! same parsers that check a typed command.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;
use toml::Spanned;

use crate::rituals::schedules::texts as schedule_texts;
use crate::{
    domain::{
        Lang,
        template::{MAX_TEMPLATE_CHARS, Template},
    },
    rituals::{command::Command, schedules::command::PostKind},
};

/// The longest campaign, in days.
pub const MAX_DAYS: u32 = 60;
/// Steps a playbook may hold.
pub const MAX_STEPS: usize = 500;
/// The longest playbook file.
pub const MAX_FILE_BYTES: usize = 256 * 1024;

/// A playbook checked and ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    /// How operators name it in commands: `double11`.
    pub name: String,
    /// How members and operators read it: `双十一 Double-11`.
    pub title: String,
    /// In the order they run (by day and time; the file's order breaks ties).
    pub steps: Vec<Step>,
}

/// One ritual at one local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1 is the campaign's start date.
    pub day: u32,
    pub at: NaiveTime,
    pub what: Ritual,
    /// What the step is for, as `/campaign status` shows it.
    pub note: Option<String>,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ritual {
    Post {
        kind: PostKind,
        text: String,
        confirm: Option<String>,
        pin: bool,
    },
    /// A group command, with `/` as its prefix (a Matrix room gets `!`).
    Run(String),
}

impl Step {
    /// The step's local moment in a campaign that starts on `start`.
    pub fn local_on(&self, start: NaiveDate) -> NaiveDateTime {
        (start + chrono::Days::new(u64::from(self.day - 1))).and_time(self.at)
    }

    /// A short line for status and check output.
    pub fn summary(&self) -> String {
        let what = match &self.what {
            Ritual::Post { kind, text, .. } => {
                format!("{} “{}”", kind.as_str(), preview(text, 40))
            }
            Ritual::Run(command) => preview(command, 100),
        };
        match &self.note {
            Some(note) => format!("{what} ({note})"),
            None => what,
        }
    }
}

fn preview(text: &str, chars: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    let short: String = line.chars().take(chars).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// A mistake in a playbook, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybookError {
    /// 1-based line and column.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for PlaybookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Spanned<String>,
    title: Option<String>,
    #[serde(default)]
    step: Vec<Spanned<StepFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    day: Spanned<i64>,
    at: Spanned<String>,
    post: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    confirm: Option<Spanned<String>>,
    #[serde(default)]
    pin: bool,
    run: Option<Spanned<String>>,
    note: Option<String>,
}

/// Reads and checks a playbook. Every mistake is reported, each with the
/// line and column of the field at fault, so one run of
/// `hearth campaign check` finds them all.
pub fn parse(source: &str) -> Result<Playbook, Vec<PlaybookError>> {
    let at = |span: std::ops::Range<usize>, message: String| locate(source, span.start, message);
    if source.len() > MAX_FILE_BYTES {
        return Err(vec![at(
            0..0,
            format!("the file is larger than {} KB", MAX_FILE_BYTES / 1024),
        )]);
    }
    let file: File = toml::from_str(source).map_err(|e| {
        let message = e.message().trim().to_owned();
        vec![at(e.span().unwrap_or(0..0), message)]
    })?;
    let mut errors = Vec::new();
    let name = file.name.get_ref().trim().to_owned();
    if !valid_name(&name) {
        errors.push(at(
            file.name.span(),
            "name: use 1 to 32 lowercase letters, digits, `_` or `-`, like `double11`".to_owned(),
        ));
    }
    if file.step.is_empty() {
        errors.push(at(0..0, "no steps: add [[step]] tables".to_owned()));
    }
    if file.step.len() > MAX_STEPS {
        errors.push(at(0..0, format!("more than {MAX_STEPS} steps")));
    }
    let mut steps = Vec::new();
    for (i, spanned) in file.step.iter().enumerate() {
        let number = i + 1;
        let mut fail = |span: std::ops::Range<usize>, field: &str, message: String| {
            errors.push(at(span, format!("step {number}, `{field}`: {message}")));
        };
        steps.extend(check_step(spanned, &mut fail));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Stable: two steps at the same moment run in the file's order.
    steps.sort_by_key(|s| (s.day, s.at));
    Ok(Playbook {
        title: file.title.unwrap_or_else(|| name.clone()),
        name,
        steps,
    })
}

/// One step checked: its day, time and what it does; each mistake goes to
/// `fail`, and a step with any is left out.
fn check_step(
    spanned: &Spanned<StepFile>,
    fail: &mut impl FnMut(std::ops::Range<usize>, &str, String),
) -> Option<Step> {
    let (span, step) = (spanned.span(), spanned.get_ref());
    let day = *step.day.get_ref();
    if !(1..=i64::from(MAX_DAYS)).contains(&day) {
        fail(
            step.day.span(),
            "day",
            format!("must be 1 to {MAX_DAYS} (1 is the start date)"),
        );
    }
    let time = NaiveTime::parse_from_str(step.at.get_ref().trim(), "%H:%M");
    if time.is_err() {
        fail(
            step.at.span(),
            "at",
            format!("{:?} is not a local time like \"20:30\"", step.at.get_ref()),
        );
    }
    let what = match (&step.post, &step.run) {
        (Some(_), Some(run)) => {
            fail(
                run.span(),
                "run",
                "a step either posts or runs a command, not both".to_owned(),
            );
            None
        }
        (None, None) => {
            fail(
                span.clone(),
                "post",
                "say what the step does: post = \"notice\" with a text, or run = \"/command …\""
                    .to_owned(),
            );
            None
        }
        (Some(kind), None) => check_post(step, kind, fail),
        (None, Some(run)) => {
            if step.text.is_some() || step.confirm.is_some() || step.pin {
                fail(
                    run.span(),
                    "run",
                    "text, confirm and pin belong to posts; a command carries its own arguments"
                        .to_owned(),
                );
            }
            check_run(run, fail)
        }
    };
    if let (Ok(day), Ok(at), Some(what)) = (u32::try_from(day), time, what)
        && (1..=MAX_DAYS).contains(&day)
    {
        return Some(Step {
            day,
            at,
            what,
            note: step.note.clone(),
        });
    }
    None
}

fn check_post(
    step: &StepFile,
    kind: &Spanned<String>,
    fail: &mut impl FnMut(std::ops::Range<usize>, &str, String),
) -> Option<Ritual> {
    let Some(post_kind) = PostKind::parse(kind.get_ref()) else {
        fail(
            kind.span(),
            "post",
            format!(
                "{:?} is not a kind of post: teaser, notice or announce",
                kind.get_ref()
            ),
        );
        return None;
    };
    let Some(text) = &step.text else {
        fail(kind.span(), "text", "a post needs a text".to_owned());
        return None;
    };
    let body = text.get_ref().trim();
    if body.is_empty() || body.chars().count() > MAX_TEMPLATE_CHARS {
        fail(
            text.span(),
            "text",
            format!("must hold 1 to {MAX_TEMPLATE_CHARS} characters"),
        );
        return None;
    }
    if let Err(e) = Template::parse_with(
        body,
        schedule_texts::POST_VARS,
        schedule_texts::POST_FUNCTIONS,
    ) {
        fail(text.span(), "text", e.explain(Lang::En));
        return None;
    }
    let confirm = step.confirm.as_ref().map(|c| c.get_ref().trim().to_owned());
    if let (Some(c), Some(spanned)) = (&confirm, &step.confirm)
        && (c.is_empty() || c.chars().count() > 50)
    {
        fail(
            spanned.span(),
            "confirm",
            "a confirm phrase holds 1 to 50 characters".to_owned(),
        );
        return None;
    }
    Some(Ritual::Post {
        kind: post_kind,
        text: body.to_owned(),
        confirm,
        pin: step.pin,
    })
}

/// A command must be one an admin could type in the group, and typed right.
fn check_run(
    run: &Spanned<String>,
    fail: &mut impl FnMut(std::ops::Range<usize>, &str, String),
) -> Option<Ritual> {
    let line = run.get_ref().trim();
    if line.contains('\n') {
        fail(run.span(), "run", "one command per step".to_owned());
        return None;
    }
    match crate::rituals::parse(line, '/', "") {
        Ok(Some(command)) if runs_in_campaigns(&command) => Some(Ritual::Run(line.to_owned())),
        Ok(Some(_)) => {
            fail(
                run.span(),
                "run",
                format!("{line:?} cannot run in a campaign: it is for private chats or settings"),
            );
            None
        }
        Ok(None) => {
            fail(
                run.span(),
                "run",
                format!("{line:?} is not a command; start it with /"),
            );
            None
        }
        Err(e) => {
            fail(run.span(), "run", e.explain(Lang::En));
            None
        }
    }
}

/// Group rituals and announcements, not private-chat commands, nor settings
/// that change how the bot treats a group, nor campaigns starting campaigns.
fn runs_in_campaigns(command: &Command) -> bool {
    !matches!(
        command,
        Command::Start(_)
            | Command::Help(_)
            | Command::Invite
            | Command::MyInvites
            | Command::MyCodes
            | Command::Adopt
            | Command::Assistant(_)
            | Command::GroupSet(_)
            | Command::Groups
            | Command::Keep(_)
            | Command::Remove(_)
            | Command::Redeem(_)
            | Command::Campaign(_)
            | Command::Channel(_)
            | Command::Funnel(_)
            // Per-member decisions; a broadcast run per group would reach a
            // member of several groups more than once.
            | Command::Tag(_)
            | Command::Broadcast(_)
            | Command::Stop
    )
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// A byte offset as 1-based line and column (in characters).
fn locate(source: &str, offset: usize, message: String) -> PlaybookError {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    PlaybookError {
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests;
