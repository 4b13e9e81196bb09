//! The typed command every ritual's parser produces, and what a command
//! typed wrong tells the member. The enum is closed so that each `match`
//! over it is checked whole by the compiler.

use super::{
    campaigns::command::{CampaignArgsError, CampaignCommand},
    channels::command::{ChannelArgsError, ChannelCommand},
    coupons::{
        command::{CouponArgsError, CouponsCommand},
        rules::Code,
    },
    envelope::command::{EnvelopeArgsError, EnvelopeCommand},
    giveaway::command::{GiveawayArgsError, GiveawayCommand, Reroll},
    leaderboard::{command::TopScope, rules::MAX_TOP},
    milestones::command::{MilestoneArgsError, MilestoneCommand},
    nth_reply::command::{NthArgsError, NthCommand},
    roles::command::{AssistantCommand, RoleArgsError},
    schedules::command::{ArgsError, GroupSetCommand, ScheduleCommand, SnippetCommand},
    screening::command::{ScreeningArgsError, ScreeningCommand},
    tags::command::{BroadcastCommand, Segment, TagArgsError, TagCommand},
    wheel::command::{WheelArgsError, WheelCommand},
};
use crate::domain::{Lang, command::Access, template::MAX_TEMPLATE_CHARS};

/// A recognised command with typed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start [payload]` in a private chat; a claim link's payload is
    /// `claim_<token>`.
    Start(Option<String>),
    /// `/help [command or section]`.
    Help(Option<String>),
    Invite,
    Top(TopScope),
    MyInvites,
    /// `/setwelcome` alone shows the current template.
    SetWelcome(Option<String>),
    /// How often the group may get a welcome message.
    WelcomePace(super::greeting::pace::PaceCommand),
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
    /// A group's settings on one panel; in private, the group to show.
    Settings(Option<crate::domain::ChatId>),
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
    #[error("group")]
    BadGroup(String),
    #[error("pace")]
    BadPace,
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
            (CommandError::BadGroup(g), Lang::En) => format!(
                "`{}` is not a group id; /settings alone lists your groups with their ids.",
                g.chars().take(40).collect::<String>()
            ),
            (CommandError::BadGroup(g), Lang::Zh) => format!(
                "`{}` 不是群 id；单独发送 /settings 可列出你的群及其 id。",
                g.chars().take(40).collect::<String>()
            ),
            (CommandError::Channel(e), lang) => e.explain(lang),
            (CommandError::Tag(e), lang) => e.explain(lang),
            (CommandError::Milestone(e), lang) => e.explain(lang),
            (CommandError::BadPace, lang) => super::greeting::texts::pace_usage(lang),
        }
    }
}

impl Command {
    /// Whether it destroys what cannot be had back (a message to everyone,
    /// a schedule, a campaign's remaining steps, a giveaway's open entries,
    /// the group's own screening rules): it waits for its sender's Confirm.
    pub fn destructive(&self) -> bool {
        matches!(
            self,
            Command::Broadcast(BroadcastCommand {
                segment: Segment::All,
                ..
            }) | Command::Schedule(ScheduleCommand::Delete(_))
                | Command::Campaign(CampaignCommand::Stop(_))
                | Command::Giveaway(GiveawayCommand::Close(_))
                | Command::Screening(ScreeningCommand::Reset)
        )
    }

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
