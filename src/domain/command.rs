//! Commands as members and admins type them, parsed into types.
//!
//! Telegram commands start with `/` (and may carry `@botname`); Matrix clients
//! keep `/` for themselves, so there Hearth answers to `!`. A command for
//! another bot, or an unknown one, is `None`: groups often hold several bots.

use super::{
    Lang,
    campaign_command::{self, CampaignArgsError, CampaignCommand},
    channel_command::{self, ChannelArgsError, ChannelCommand},
    coupon::Code,
    coupon_command::{self, CouponArgsError, CouponsCommand},
    envelope_command::{self, EnvelopeArgsError, EnvelopeCommand},
    giveaway::{self, GiveawayArgsError, GiveawayCommand, Reroll},
    leaderboard::{DEFAULT_TOP, MAX_TOP},
    milestone_command::{self, MilestoneArgsError, MilestoneCommand},
    nth_reply::{self, NthArgsError, NthCommand},
    role_command::{self, AssistantCommand, RoleArgsError},
    schedule_command::{self, ArgsError, GroupSetCommand, ScheduleCommand, SnippetCommand},
    screening_command::{self, ScreeningArgsError, ScreeningCommand},
    tag_command::{self, BroadcastCommand, TagArgsError, TagCommand},
    template::MAX_TEMPLATE_CHARS,
    wheel::{self, WheelArgsError, WheelCommand},
};

/// A recognised command with typed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start [payload]` in a private chat; a claim link's payload is
    /// `claim_<token>`.
    Start(Option<String>),
    Help,
    Invite,
    Top(TopScope),
    MyInvites,
    /// `/setwelcome` alone shows the current template.
    SetWelcome(Option<String>),
    Lang(Lang),
    Adopt,
    Schedule(ScheduleCommand),
    /// `/timezone` alone shows the group's zone.
    Timezone(Option<chrono_tz::Tz>),
    /// Confirmations of a schedule's latest post.
    Acks(i64),
    Snippet(SnippetCommand),
    GroupSet(GroupSetCommand),
    /// An operator's groups with their ids.
    Groups,
    /// A lucky red envelope.
    Envelope(EnvelopeCommand),
    /// The group's recent draws and their results.
    Draws,
    /// A spin wheel.
    Wheel(WheelCommand),
    /// Spin the group's open wheel.
    Spin,
    /// Coupon stock and pool settings.
    Coupons(CouponsCommand),
    /// Mark a code used at the till.
    Redeem(Code),
    /// "The Nth reply wins".
    Nth(NthCommand),
    /// A member's own codes (in a private chat).
    MyCodes,
    /// A giveaway (lottery).
    Giveaway(GiveawayCommand),
    /// Replace a giveaway's unclaimed winners.
    Reroll(Reroll),
    /// The suspects waiting for review.
    Review,
    /// Clear a suspect for good.
    Keep(i64),
    /// Take a suspect out of the group, withdrawing their inviter's credit.
    Remove(i64),
    /// Members an operator trusts with admin commands in one group.
    Assistant(AssistantCommand),
    /// The group's latest admin actions.
    Log(u32),
    /// The group's screening rules.
    Screening(ScreeningCommand),
    /// Campaign playbooks started, followed, paused and stopped.
    Campaign(CampaignCommand),
    /// Named entry links and live codes.
    Channel(ChannelCommand),
    /// What each channel brought.
    Channels,
    /// Joined → stayed → active → got a code → redeemed; for a campaign
    /// when named.
    Funnel(Option<String>),
    /// Manual tags given, taken and listed.
    Tag(TagCommand),
    /// A paced private message to a segment.
    Broadcast(BroadcastCommand),
    /// In private: no more broadcasts.
    Stop,
    /// Invite-contest milestones.
    Milestone(MilestoneCommand),
    /// In private, for operators: is the bot well, and what did it skip.
    Status,
}

/// Which leaderboard `/top` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopScope {
    Group(u32),
    /// Across all of the operator's groups.
    AllGroups(u32),
}

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Member,
    Admin,
    Operator,
}

/// A command typed wrong: the text says what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("top")]
    BadTop,
    #[error("lang")]
    BadLang,
    #[error("too long")]
    TooLong,
    #[error("zone")]
    BadZone(String),
    #[error("acks")]
    BadAcks,
    #[error("suspect")]
    BadSuspect,
    #[error("funnel")]
    BadFunnel,
    #[error(transparent)]
    Args(#[from] ArgsError),
    #[error(transparent)]
    Envelope(#[from] EnvelopeArgsError),
    #[error(transparent)]
    Wheel(#[from] WheelArgsError),
    #[error(transparent)]
    Coupon(#[from] CouponArgsError),
    #[error(transparent)]
    Nth(#[from] NthArgsError),
    #[error(transparent)]
    Giveaway(#[from] GiveawayArgsError),
    #[error(transparent)]
    Role(#[from] RoleArgsError),
    #[error(transparent)]
    Screening(#[from] ScreeningArgsError),
    #[error(transparent)]
    Campaign(#[from] CampaignArgsError),
    #[error(transparent)]
    Channel(#[from] ChannelArgsError),
    #[error(transparent)]
    Tag(#[from] TagArgsError),
    #[error(transparent)]
    Milestone(#[from] MilestoneArgsError),
}

impl CommandError {
    /// The sentence the member sees.
    pub fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (CommandError::BadTop, Lang::En) => {
                format!("Use /top, /top N (1 to {MAX_TOP}) or, for operators, /top all.")
            }
            (CommandError::BadTop, Lang::Zh) => {
                format!("用法：/top、/top N（1 到 {MAX_TOP}），运营者可用 /top all。")
            }
            (CommandError::BadLang, Lang::En) => "Use /lang zh or /lang en.".to_owned(),
            (CommandError::BadLang, Lang::Zh) => "用法：/lang zh 或 /lang en。".to_owned(),
            (CommandError::TooLong, Lang::En) => {
                format!(
                    "That is too long; a welcome template holds at most {MAX_TEMPLATE_CHARS} characters."
                )
            }
            (CommandError::TooLong, Lang::Zh) => {
                format!("内容太长：欢迎模板最多 {MAX_TEMPLATE_CHARS} 个字符。")
            }
            (CommandError::BadZone(z), Lang::En) => format!(
                "`{z}` is not a time zone; use an IANA name such as Asia/Shanghai or Europe/Berlin."
            ),
            (CommandError::BadZone(z), Lang::Zh) => {
                format!("`{z}` 不是时区；请使用 IANA 名称，例如 Asia/Shanghai。")
            }
            (CommandError::BadAcks, Lang::En) => {
                "Use /acks <schedule number>; /schedule list shows the numbers.".to_owned()
            }
            (CommandError::BadAcks, Lang::Zh) => {
                "用法：/acks <定时编号>；发送 /schedule list 查看编号。".to_owned()
            }
            (CommandError::BadSuspect, Lang::En) => {
                "Use /keep <number> or /remove <number>; /review lists the numbers.".to_owned()
            }
            (CommandError::BadSuspect, Lang::Zh) => {
                "用法：/keep <编号> 或 /remove <编号>；发送 /review 查看编号。".to_owned()
            }
            (CommandError::Args(e), lang) => e.explain(lang),
            (CommandError::Envelope(e), lang) => e.explain(lang),
            (CommandError::Wheel(e), lang) => e.explain(lang),
            (CommandError::Coupon(e), lang) => e.explain(lang),
            (CommandError::Nth(e), lang) => e.explain(lang),
            (CommandError::Giveaway(e), lang) => e.explain(lang),
            (CommandError::Role(e), lang) => e.explain(lang),
            (CommandError::Screening(e), lang) => e.explain(lang),
            (CommandError::Campaign(e), lang) => e.explain(lang),
            (CommandError::BadFunnel, Lang::En) => {
                "Use /funnel for this group, or /funnel <campaign> for a campaign's groups since it started.".to_owned()
            }
            (CommandError::BadFunnel, Lang::Zh) => {
                "用法：/funnel 查看本群，或 /funnel <活动名> 查看该活动各群自开始以来的转化。".to_owned()
            }
            (CommandError::Channel(e), lang) => e.explain(lang),
            (CommandError::Tag(e), lang) => e.explain(lang),
            (CommandError::Milestone(e), lang) => e.explain(lang),
        }
    }
}

impl Command {
    /// Who may run it.
    pub fn access(&self) -> Access {
        match self {
            // Snippets and pools are the operator's, shared by all their
            // groups: one group's admin may look, not change them.
            Command::Snippet(SnippetCommand::Save { .. } | SnippetCommand::Delete(_))
            | Command::Coupons(
                CouponsCommand::Limit(..) | CouponsCommand::Alert(..) | CouponsCommand::Allow(..),
            ) => Access::Operator,
            Command::Start(_)
            | Command::Help
            | Command::Invite
            | Command::MyInvites
            | Command::Draws
            | Command::Spin
            | Command::MyCodes
            | Command::Stop => Access::Member,
            Command::Top(TopScope::Group(_)) => Access::Member,
            Command::Top(TopScope::AllGroups(_)) | Command::Adopt => Access::Operator,
            Command::SetWelcome(_)
            | Command::Lang(_)
            | Command::Schedule(_)
            | Command::Timezone(_)
            | Command::Acks(_)
            | Command::Snippet(_)
            | Command::Envelope(_)
            | Command::Wheel(_)
            | Command::Coupons(_)
            | Command::Redeem(_)
            | Command::Nth(_)
            | Command::Giveaway(_)
            | Command::Reroll(_)
            | Command::Review
            | Command::Keep(_)
            | Command::Remove(_)
            | Command::Log(_)
            | Command::Channels
            | Command::Funnel(_)
            | Command::Tag(_)
            | Command::Milestone(_)
            | Command::Screening(_) => Access::Admin,
            Command::GroupSet(_)
            | Command::Groups
            | Command::Assistant(_)
            | Command::Campaign(_)
            | Command::Channel(_)
            | Command::Broadcast(_)
            | Command::Status => Access::Operator,
        }
    }

    /// Parses a message. `prefix` is `/` or `!`; `bot_username` lets
    /// `/top@hearth_bot` through and drops `/top@other_bot`.
    pub fn parse(
        text: &str,
        prefix: char,
        bot_username: &str,
    ) -> Result<Option<Self>, CommandError> {
        match Invocation::read(text, prefix, bot_username) {
            Some(invocation) => invocation.parse(),
            None => Ok(None),
        }
    }
}

/// A command's name and its unparsed arguments: enough to decide who may run
/// it before a stranger's arguments are read, let alone answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation<'a> {
    /// Lowercased, without prefix or `@bot` suffix.
    name: String,
    args: &'a str,
}

impl<'a> Invocation<'a> {
    /// The name and arguments of a message addressed to this bot; `None`
    /// for plain text and for another bot's commands.
    pub fn read(text: &'a str, prefix: char, bot_username: &str) -> Option<Self> {
        let rest = text.strip_prefix(prefix)?;
        let (head, args) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim()),
            None => (rest, ""),
        };
        let name = match head.split_once('@') {
            Some((name, bot)) if bot.eq_ignore_ascii_case(bot_username) => name,
            Some(_) => return None,
            None => head,
        };
        Some(Self {
            name: name.to_ascii_lowercase(),
            args,
        })
    }

    /// The name as typed, lowercased (`top`, `wheel`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Who may run a command of this name, whatever its arguments; `None`
    /// for a name Hearth does not know. `/top all` needs more than `/top`,
    /// which [`Command::access`] tells once the arguments are parsed.
    pub fn access(&self) -> Option<Access> {
        Some(match self.name.as_str() {
            "start" | "help" | "invite" | "myinvites" | "draws" | "spin" | "mycodes" | "stop"
            | "top" => Access::Member,
            "adopt" | "groupset" | "groups" | "assistant" | "assistants" | "campaign"
            | "channel" | "broadcast" | "status" => Access::Operator,
            "lang" | "schedule" | "snippet" | "envelope" | "hongbao" | "wheel" | "coupons"
            | "redeem" | "nth" | "giveaway" | "lottery" | "reroll" | "review" | "keep"
            | "remove" | "log" | "screening" | "channels" | "tag" | "untag" | "tags"
            | "milestone" | "milestones" | "funnel" | "timezone" | "acks" | "setwelcome" => {
                Access::Admin
            }
            _ => return None,
        })
    }

    /// The typed command; `Ok(None)` for a name Hearth does not know.
    pub fn parse(&self) -> Result<Option<Command>, CommandError> {
        let args = self.args;
        let cmd = match self.name.as_str() {
            "start" => Command::Start(
                // Telegram's deep-link payloads are at most 64 of [A-Za-z0-9_-].
                Some(args)
                    .filter(|a| {
                        !a.is_empty()
                            && a.len() <= 64
                            && a.bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                    })
                    .map(str::to_owned),
            ),
            "help" => Command::Help,
            "invite" => Command::Invite,
            "myinvites" => Command::MyInvites,
            "adopt" => Command::Adopt,
            "top" => Command::Top(parse_top(args)?),
            "lang" => Command::Lang(args.parse().map_err(|_| CommandError::BadLang)?),
            "schedule" => Command::Schedule(schedule_command::parse_schedule(args)?),
            "snippet" => Command::Snippet(schedule_command::parse_snippet(args)?),
            "groupset" => Command::GroupSet(schedule_command::parse_group_set(args)?),
            "groups" => Command::Groups,
            "envelope" | "hongbao" => Command::Envelope(envelope_command::parse(args)?),
            "draws" => Command::Draws,
            "wheel" => Command::Wheel(wheel::parse(args)?),
            "spin" => Command::Spin,
            "coupons" => Command::Coupons(coupon_command::parse_coupons(args)?),
            "redeem" => Command::Redeem(coupon_command::parse_redeem(args)?),
            "mycodes" => Command::MyCodes,
            "nth" => Command::Nth(nth_reply::parse(args)?),
            "giveaway" | "lottery" => Command::Giveaway(giveaway::parse(args)?),
            "reroll" => Command::Reroll(giveaway::parse_reroll(args)?),
            "review" => Command::Review,
            "keep" => Command::Keep(suspect_number(args)?),
            "remove" => Command::Remove(suspect_number(args)?),
            "assistant" | "assistants" => Command::Assistant(role_command::parse_assistant(args)?),
            "log" => Command::Log(role_command::parse_log(args)?),
            "screening" => Command::Screening(screening_command::parse(args)?),
            "campaign" => Command::Campaign(campaign_command::parse(args)?),
            "channel" => Command::Channel(channel_command::parse(args)?),
            "channels" => Command::Channels,
            "tag" => Command::Tag(tag_command::parse_tag_command(args)?),
            "untag" => Command::Tag(tag_command::parse_untag(args)?),
            "tags" => Command::Tag(tag_command::parse_tags(args)?),
            "broadcast" => Command::Broadcast(tag_command::parse_broadcast(args)?),
            "stop" => Command::Stop,
            "status" => Command::Status,
            "milestone" | "milestones" => Command::Milestone(milestone_command::parse(args)?),
            "funnel" => Command::Funnel(match args.split_whitespace().collect::<Vec<_>>()[..] {
                [] => None,
                [name] => Some(name.to_ascii_lowercase()),
                _ => return Err(CommandError::BadFunnel),
            }),
            "timezone" => Command::Timezone(match args {
                "" => None,
                zone => Some(
                    zone.parse()
                        .map_err(|_| CommandError::BadZone(zone.chars().take(60).collect()))?,
                ),
            }),
            "acks" => Command::Acks(
                args.trim_start_matches('#')
                    .parse()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(CommandError::BadAcks)?,
            ),
            "setwelcome" => {
                if args.chars().count() > MAX_TEMPLATE_CHARS {
                    return Err(CommandError::TooLong);
                }
                Command::SetWelcome(Some(args.to_owned()).filter(|a| !a.is_empty()))
            }
            _ => return Ok(None),
        };
        Ok(Some(cmd))
    }
}

fn suspect_number(args: &str) -> Result<i64, CommandError> {
    args.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(CommandError::BadSuspect)
}

fn parse_top(args: &str) -> Result<TopScope, CommandError> {
    let mut words = args.split_whitespace();
    let (first, second) = (words.next(), words.next());
    if words.next().is_some() {
        return Err(CommandError::BadTop);
    }
    let count = |w: Option<&str>| -> Result<u32, CommandError> {
        match w {
            None => Ok(DEFAULT_TOP),
            Some(w) => w
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_TOP).contains(n))
                .ok_or(CommandError::BadTop),
        }
    };
    match first {
        Some(w) if w.eq_ignore_ascii_case("all") => Ok(TopScope::AllGroups(count(second)?)),
        _ if second.is_some() => Err(CommandError::BadTop),
        w => Ok(TopScope::Group(count(w)?)),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn p(text: &str) -> Result<Option<Command>, CommandError> {
        Command::parse(text, '/', "hearth_bot")
    }

    #[test]
    fn parses_commands_with_and_without_bot_suffix() {
        assert_eq!(p("/top"), Ok(Some(Command::Top(TopScope::Group(10)))));
        assert_eq!(
            p("/top@Hearth_Bot 3"),
            Ok(Some(Command::Top(TopScope::Group(3))))
        );
        assert_eq!(
            p("/top all 5"),
            Ok(Some(Command::Top(TopScope::AllGroups(5))))
        );
        assert_eq!(p("/lang zh"), Ok(Some(Command::Lang(Lang::Zh))));
        assert_eq!(
            p("/start claim_ab12"),
            Ok(Some(Command::Start(Some("claim_ab12".into()))))
        );
        assert_eq!(p("/start <b>"), Ok(Some(Command::Start(None))));
        assert_eq!(p("/setwelcome"), Ok(Some(Command::SetWelcome(None))));
        assert_eq!(
            p("/setwelcome Hi {{newcomer}}"),
            Ok(Some(Command::SetWelcome(Some("Hi {{newcomer}}".into()))))
        );
    }

    #[test]
    fn ignores_other_bots_and_unknown_commands() {
        assert_eq!(p("/top@other_bot"), Ok(None));
        assert_eq!(p("/frobnicate"), Ok(None));
        assert_eq!(p("hello /top"), Ok(None));
        assert_eq!(
            Command::parse("!top", '!', "@hearth:example.org"),
            Ok(Some(Command::Top(TopScope::Group(10))))
        );
    }

    #[test]
    fn bad_arguments_are_errors_not_defaults() {
        assert_eq!(p("/top 0"), Err(CommandError::BadTop));
        assert_eq!(p("/top 51"), Err(CommandError::BadTop));
        assert_eq!(p("/top lots"), Err(CommandError::BadTop));
        assert_eq!(p("/top 3 4"), Err(CommandError::BadTop));
        assert_eq!(p("/lang fr"), Err(CommandError::BadLang));
        assert_eq!(p("/lang"), Err(CommandError::BadLang));
    }

    /// Every command name, so fuzzing reaches each argument parser.
    const NAMES: &[&str] = &[
        "start",
        "help",
        "invite",
        "myinvites",
        "adopt",
        "top",
        "lang",
        "schedule",
        "snippet",
        "groupset",
        "groups",
        "envelope",
        "hongbao",
        "draws",
        "wheel",
        "spin",
        "coupons",
        "redeem",
        "mycodes",
        "nth",
        "giveaway",
        "lottery",
        "reroll",
        "review",
        "keep",
        "remove",
        "assistant",
        "log",
        "timezone",
        "acks",
        "setwelcome",
        "tag",
        "untag",
        "tags",
        "broadcast",
        "stop",
        "milestone",
        "milestones",
        "assistants",
        "screening",
        "campaign",
        "channel",
        "channels",
        "funnel",
        "status",
    ];

    #[test]
    fn every_name_has_an_access_before_its_arguments() {
        for name in NAMES {
            let text = format!("/{name} junk <b>");
            let invocation = Invocation::read(&text, '/', "hearth_bot").expect("a command");
            assert!(invocation.access().is_some(), "/{name} has no access");
        }
        assert_eq!(
            Invocation::read("/frobnicate", '/', "x").and_then(|i| i.access()),
            None
        );
    }

    /// The access read from the name alone is the parsed command's, but for
    /// `/top all`, which asks for more than any member's `/top`, and for
    /// changes to what belongs to the operator (snippets, pools).
    #[test]
    fn access_by_name_agrees_with_the_parsed_command() {
        let examples = [
            "/start",
            "/help",
            "/invite",
            "/myinvites",
            "/top 3",
            "/draws",
            "/spin",
            "/mycodes",
            "/stop",
            "/adopt",
            "/groups",
            "/assistant",
            "/campaign list",
            "/channels",
            "/lang zh",
            "/timezone",
            "/acks 3",
            "/setwelcome",
            "/review",
            "/keep 1",
            "/remove 2",
            "/log",
            "/screening",
            "/funnel",
            "/coupons",
            "/redeem ABC123",
            "/tags",
            "/milestones",
            "/wheel close 1",
            "/envelope close 1",
            "/nth close 1",
            "/giveaway close 1",
            "/reroll 1",
            "/schedule list",
            "/snippet list",
            "/status",
        ];
        for text in examples {
            let invocation = Invocation::read(text, '/', "hearth_bot").expect("a command");
            let command = invocation
                .parse()
                .unwrap_or_else(|e| panic!("{text}: {e:?}"))
                .expect("known");
            assert_eq!(invocation.access(), Some(command.access()), "{text}");
        }
        for text in [
            "/snippet save rules Be kind",
            "/snippet delete rules",
            "/coupons limit tea 2",
            "/coupons alert tea 2",
            "/coupons allow tea all",
        ] {
            let invocation = Invocation::read(text, '/', "hearth_bot").expect("a command");
            assert_eq!(invocation.access(), Some(Access::Admin), "{text}");
            let command = invocation.parse().ok().flatten().expect("parses");
            assert_eq!(
                command.access(),
                Access::Operator,
                "{text}: the operator's own"
            );
        }
        let all = Invocation::read("/top all", '/', "hearth_bot").expect("a command");
        assert_eq!(all.access(), Some(Access::Member));
        assert_eq!(
            all.parse().ok().flatten().map(|c| c.access()),
            Some(Access::Operator)
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,200}") {
            let _ = p(&text);
            let _ = Command::parse(&text, '!', "x");
        }

        /// Fuzzing: any arguments, including control characters and huge
        /// runs, to every command. Never panics; an error explains itself
        /// in a sentence of bounded length in both languages.
        #[test]
        fn any_arguments_to_any_command_never_panic(
            name in prop::sample::select(NAMES),
            suffix in prop_oneof![Just(""), Just("@hearth_bot"), Just("@other")],
            args in prop_oneof!["\\PC{0,300}", ".{0,300}", "[0-9: *\\-]{0,40}"],
        ) {
            let text = format!("/{name}{suffix} {args}");
            if let Err(e) = p(&text) {
                for lang in [Lang::En, Lang::Zh] {
                    let said = e.explain(lang);
                    prop_assert!(!said.is_empty() && said.chars().count() < 1_000, "{said}");
                }
            }
        }
    }
}
