//! Commands as members and admins type them, parsed into types.
//!
//! Telegram commands start with `/` (and may carry `@botname`); Matrix clients
//! keep `/` for themselves, so there Hearth answers to `!`. A command for
//! another bot, or an unknown one, is `None`: groups often hold several bots.

use crate::rituals::{
    envelope::command::{EnvelopeArgsError, EnvelopeCommand},
    giveaway::command::{GiveawayArgsError, GiveawayCommand, Reroll},
    nth_reply::command::{NthArgsError, NthCommand},
    wheel::command::{WheelArgsError, WheelCommand},
};

use super::{
    Lang,
    campaign_command::{CampaignArgsError, CampaignCommand},
    channel_command::{ChannelArgsError, ChannelCommand},
    coupon::Code,
    coupon_command::{CouponArgsError, CouponsCommand},
    leaderboard::{DEFAULT_TOP, MAX_TOP},
    milestone_command::{MilestoneArgsError, MilestoneCommand},
    role_command::{AssistantCommand, RoleArgsError},
    schedule_command::{ArgsError, GroupSetCommand, ScheduleCommand, SnippetCommand},
    screening_command::{ScreeningArgsError, ScreeningCommand},
    tag_command::{BroadcastCommand, TagArgsError, TagCommand},
    template::MAX_TEMPLATE_CHARS,
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
    /// What the arguments ask for beyond the name's access: `/top all`
    /// needs an operator where any member's `/top` does not, and changes to
    /// what belongs to the operator (snippets, pools) are theirs alone.
    pub fn needs_more(&self) -> Option<Access> {
        match self {
            Command::Snippet(SnippetCommand::Save { .. } | SnippetCommand::Delete(_))
            | Command::Coupons(
                CouponsCommand::Limit(..) | CouponsCommand::Alert(..) | CouponsCommand::Allow(..),
            )
            | Command::Top(TopScope::AllGroups(_)) => Some(Access::Operator),
            _ => None,
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

    /// The arguments, trimmed, unparsed.
    pub fn args(&self) -> &'a str {
        self.args
    }
}

/// `/start [payload]`: Telegram's deep-link payloads are at most 64 of
/// `[A-Za-z0-9_-]`; anything else is no payload.
pub fn parse_start(args: &str) -> Option<String> {
    Some(args)
        .filter(|a| {
            !a.is_empty()
                && a.len() <= 64
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map(str::to_owned)
}

pub fn parse_lang(args: &str) -> Result<Lang, CommandError> {
    args.parse().map_err(|_| CommandError::BadLang)
}

/// `/funnel [campaign]`.
pub fn parse_funnel(args: &str) -> Result<Option<String>, CommandError> {
    match args.split_whitespace().collect::<Vec<_>>()[..] {
        [] => Ok(None),
        [name] => Ok(Some(name.to_ascii_lowercase())),
        _ => Err(CommandError::BadFunnel),
    }
}

/// `/timezone [zone]`.
pub fn parse_timezone(args: &str) -> Result<Option<chrono_tz::Tz>, CommandError> {
    match args {
        "" => Ok(None),
        zone => zone
            .parse()
            .map(Some)
            .map_err(|_| CommandError::BadZone(zone.chars().take(60).collect())),
    }
}

/// `/acks <schedule>`.
pub fn parse_acks(args: &str) -> Result<i64, CommandError> {
    args.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(CommandError::BadAcks)
}

/// `/setwelcome [template]`: alone, it shows the current one.
pub fn parse_setwelcome(args: &str) -> Result<Command, CommandError> {
    if args.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(CommandError::TooLong);
    }
    Ok(Command::SetWelcome(
        Some(args.to_owned()).filter(|a| !a.is_empty()),
    ))
}

/// `/keep <n>`, `/remove <n>`.
pub fn suspect_number(args: &str) -> Result<i64, CommandError> {
    args.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(CommandError::BadSuspect)
}

/// `/top [n]`, `/top all [n]`.
pub fn parse_top(args: &str) -> Result<TopScope, CommandError> {
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
