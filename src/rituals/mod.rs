//! The registry: every ritual Hearth runs, in one list.
//!
//! A ritual names the commands it owns (who may run each, its help line in
//! both languages, how its arguments parse) and the jobs it gives the
//! scheduler. The command table, `/help`, the platforms' command menus,
//! access checks and the scheduler's passes are all read from [`RITUALS`],
//! so a command cannot be reachable without a help line and an access rule,
//! and a job cannot run in production and be missed by the tests.
//!
//! Adding a ritual: one folder here, one line in [`RITUALS`]
//! (docs/ARCHITECTURE.md walks through it).

pub mod audit;
pub mod basics;
pub mod campaigns;
pub mod channels;
pub mod command;
pub mod confirmations;
pub mod coupons;
pub mod draws;
pub mod envelope;
pub mod giveaway;
pub mod greeting;
pub mod leaderboard;
pub mod memory;
pub mod milestones;
pub mod nth_reply;
pub mod raids;
pub mod roles;
pub mod schedules;
pub mod screening;
pub mod settings;
pub mod tags;
pub mod wheel;

use std::{future::Future, pin::Pin};

use crate::{
    domain::{
        Lang,
        command::{Access, Invocation},
    },
    engine::Engine,
    rituals::command::{Command, CommandError},
};

/// Every ritual, in the order `/help` and the command menus list them and
/// the scheduler runs their jobs: campaign steps before scheduled posts, so a
/// step's post goes out on the tick it falls due; pruning last.
pub const RITUALS: &[&Ritual] = &[
    &greeting::RITUAL,
    &leaderboard::RITUAL,
    &campaigns::RITUAL,
    &schedules::RITUAL,
    &confirmations::RITUAL,
    &screening::RITUAL,
    &raids::RITUAL,
    &tags::RITUAL,
    &milestones::RITUAL,
    &wheel::RITUAL,
    &envelope::RITUAL,
    &nth_reply::RITUAL,
    &giveaway::RITUAL,
    &draws::RITUAL,
    &coupons::RITUAL,
    &audit::RITUAL,
    &roles::RITUAL,
    &channels::RITUAL,
    &settings::RITUAL,
    &basics::RITUAL,
];

/// One ritual: what it answers to and what it does on its own time.
pub struct Ritual {
    /// Its name in logs.
    pub name: &'static str,
    /// Where `/help` lists its commands.
    pub section: Section,
    /// The commands it owns.
    pub commands: &'static [CommandSpec],
    /// The jobs it gives the scheduler, run on every tick.
    pub jobs: &'static [Job],
}

/// A command a ritual owns.
pub struct CommandSpec {
    /// The name typed after `/` (Telegram) or `!` (Matrix), lowercase.
    pub name: &'static str,
    /// Other names for the same command (`hongbao` for `envelope`).
    pub aliases: &'static [&'static str],
    /// Who may run it, settled from the name alone, before its arguments
    /// are read; [`Command::needs_more`] tells when arguments ask for more.
    pub access: Access,
    /// Its line in `/help` and the command menus.
    pub help: Help,
    /// Its forms, one per line, for `/help <command>`.
    pub usage: Help,
    /// One command as typed, which parses (a test checks).
    pub example: &'static str,
    /// Its arguments, typed.
    pub parse: fn(&str) -> Result<Command, CommandError>,
}

/// A help line in each language members read.
pub struct Help {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Help {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// The parts `/help` lists commands in, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Start,
    Invites,
    Posts,
    Draws,
    Coupons,
    Guard,
    Campaigns,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Start,
        Section::Invites,
        Section::Posts,
        Section::Draws,
        Section::Coupons,
        Section::Guard,
        Section::Campaigns,
    ];

    /// Its heading, which `/help <heading>` also answers to.
    pub fn title(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Section::Start, Lang::En) => "Start",
            (Section::Start, Lang::Zh) => "开始",
            (Section::Invites, Lang::En) => "Invites",
            (Section::Invites, Lang::Zh) => "邀请",
            (Section::Posts, Lang::En) => "Posts",
            (Section::Posts, Lang::Zh) => "帖子",
            (Section::Draws, Lang::En) => "Draws",
            (Section::Draws, Lang::Zh) => "抽奖",
            (Section::Coupons, Lang::En) => "Coupons",
            (Section::Coupons, Lang::Zh) => "券码",
            (Section::Guard, Lang::En) => "Guard",
            (Section::Guard, Lang::Zh) => "群管",
            (Section::Campaigns, Lang::En) => "Campaigns",
            (Section::Campaigns, Lang::Zh) => "活动",
        }
    }

    /// The section a word names, in either language.
    pub fn named(word: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|section| {
            [Lang::En, Lang::Zh]
                .iter()
                .any(|lang| section.title(*lang).eq_ignore_ascii_case(word))
        })
    }
}

/// What a scheduler job returns: how many things it did.
pub type JobRun<'a> = Pin<Box<dyn Future<Output = anyhow::Result<usize>> + Send + 'a>>;

/// Work a ritual does on the scheduler's tick (a post due, a draw to close).
pub struct Job {
    /// Its name in logs and in the list of jobs that failed.
    pub name: &'static str,
    pub run: for<'a> fn(&'a Engine) -> JobRun<'a>,
}

impl CommandSpec {
    fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }
}

/// Every command of every ritual.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> {
    RITUALS.iter().flat_map(|ritual| ritual.commands)
}

/// Every scheduler job of every ritual.
pub fn jobs() -> impl Iterator<Item = &'static Job> {
    RITUALS.iter().flat_map(|ritual| ritual.jobs)
}

/// The command a name (lowercase, without prefix) stands for; `None` for a
/// name Hearth does not know, often another bot's.
pub fn command(name: &str) -> Option<&'static CommandSpec> {
    commands().find(|spec| spec.answers_to(name))
}

/// The typed command of an invocation; `Ok(None)` for a name Hearth does
/// not know.
pub fn parse_invocation(invocation: &Invocation<'_>) -> Result<Option<Command>, CommandError> {
    command(invocation.name())
        .map(|spec| (spec.parse)(invocation.args()))
        .transpose()
}

/// Parses a message. `prefix` is `/` or `!`; `bot_username` lets
/// `/top@hearth_bot` through and drops `/top@other_bot`.
pub fn parse(
    text: &str,
    prefix: char,
    bot_username: &str,
) -> Result<Option<Command>, CommandError> {
    match Invocation::read(text, prefix, bot_username) {
        Some(invocation) => parse_invocation(&invocation),
        None => Ok(None),
    }
}

/// Each section with the commands in it that `admin` (or a member) may
/// use; empty sections left out.
pub fn sections(admin: bool) -> Vec<(Section, Vec<&'static CommandSpec>)> {
    Section::ALL
        .into_iter()
        .map(|section| {
            let specs = RITUALS
                .iter()
                .filter(|ritual| ritual.section == section)
                .flat_map(|ritual| ritual.commands)
                .filter(|spec| admin || spec.access == Access::Member)
                .collect::<Vec<_>>();
            (section, specs)
        })
        .filter(|(_, specs)| !specs.is_empty())
        .collect()
}

/// `(command, help line)` for members, or for admins and operators.
pub fn help_lines(lang: Lang, admin: bool) -> Vec<(&'static str, &'static str)> {
    commands()
        .filter(|spec| (spec.access > Access::Member) == admin)
        .map(|spec| (spec.name, spec.help.get(lang)))
        .collect()
}

#[cfg(test)]
mod tests;
