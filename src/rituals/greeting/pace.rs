//! `/welcomepace`: how often a group may get a welcome message.
//!
//! Newcomers who arrive within one pace are greeted together in the next
//! message, so a slower pace means fewer, fuller messages in a busy group
//! and a faster one a greeting per newcomer in a quiet one.

use std::time::Duration;

use async_trait::async_trait;

use super::texts;
use crate::{
    domain::RichText,
    engine::{
        commands::Outcome,
        effect::{Cx, Effect},
    },
    rituals::command::{Command, CommandError},
    store::groups::Group,
};

/// The slowest pace: a newcomer waits at most an hour for their greeting.
pub const MAX_PACE_SECS: u32 = 3600;

/// What `/welcomepace` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceCommand {
    /// `/welcomepace` alone: the group's pace and how to change it.
    Show,
    /// Least seconds between two welcome messages; 0 greets each newcomer
    /// as they arrive.
    Every(u32),
    /// Back to the bot's `HEARTH_GREET_INTERVAL_SECS`.
    Default,
}

/// `/welcomepace [seconds | 5m | default]`.
pub fn parse(args: &str) -> Result<Command, CommandError> {
    let arg = args.trim();
    let pace = match arg {
        "" => PaceCommand::Show,
        "default" | "默认" => PaceCommand::Default,
        _ => PaceCommand::Every(seconds(arg).ok_or(CommandError::BadPace)?),
    };
    Ok(Command::WelcomePace(pace))
}

/// `60`, `60s`, `5m`, `5min`, `60秒`, `5分钟`, within [`MAX_PACE_SECS`].
fn seconds(arg: &str) -> Option<u32> {
    let digits = arg.find(|c: char| !c.is_ascii_digit()).unwrap_or(arg.len());
    let (number, unit) = arg.split_at(digits);
    let number: u32 = number.parse().ok()?;
    let per = match unit.trim() {
        "" | "s" | "sec" | "秒" => 1,
        "m" | "min" | "分" | "分钟" => 60,
        _ => return None,
    };
    number.checked_mul(per).filter(|s| *s <= MAX_PACE_SECS)
}

/// The bot's pace (`HEARTH_GREET_INTERVAL_SECS`) in whole seconds.
fn default_secs(default: Duration) -> u32 {
    u32::try_from(default.as_secs()).unwrap_or(u32::MAX)
}

/// A group's pace in seconds, and whether it is the bot's default.
pub(crate) fn of_group(group: &Group, default: Duration) -> (u32, bool) {
    match group.welcome_pace {
        Some(secs) => (secs, false),
        None => (default_secs(default), true),
    }
}

/// Shows the group's pace, or saves a new one and says what it means.
pub(crate) fn welcome_pace(command: PaceCommand, group: &Group, default: Duration) -> Outcome {
    let lang = group.lang;
    let (reply, saved) = match command {
        PaceCommand::Show => {
            let (secs, is_default) = of_group(group, default);
            let now = texts::pace_now(lang, secs, is_default);
            return RichText::plain(format!("{now}{}", texts::pace_howto(lang))).into();
        }
        PaceCommand::Every(secs) => (texts::pace_set(lang, secs, false), Some(secs)),
        PaceCommand::Default => (texts::pace_set(lang, default_secs(default), true), None),
    };
    Outcome {
        reply: RichText::plain(reply),
        effect: Some(Box::new(SavePace(saved))),
    }
}

/// `/welcomepace <pace>` or `default`.
struct SavePace(Option<u32>);

#[async_trait]
impl Effect for SavePace {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        crate::store::groups::set_welcome_pace(cx.conn, cx.chat, self.0).await?;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_read_in_seconds_minutes_and_both_languages() {
        let pace = |arg: &str| match parse(arg) {
            Ok(Command::WelcomePace(p)) => Ok(p),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        assert_eq!(pace(""), Ok(PaceCommand::Show));
        assert_eq!(pace("default"), Ok(PaceCommand::Default));
        assert_eq!(pace("默认"), Ok(PaceCommand::Default));
        assert_eq!(pace("0"), Ok(PaceCommand::Every(0)));
        assert_eq!(pace("45"), Ok(PaceCommand::Every(45)));
        assert_eq!(pace("45s"), Ok(PaceCommand::Every(45)));
        assert_eq!(pace("5m"), Ok(PaceCommand::Every(300)));
        assert_eq!(pace("5 min"), Ok(PaceCommand::Every(300)));
        assert_eq!(pace("2分钟"), Ok(PaceCommand::Every(120)));
        assert_eq!(pace("60m"), Ok(PaceCommand::Every(3600)));
        for wrong in ["61m", "3601", "-5", "fast", "5h", "m", "99999999999"] {
            assert_eq!(pace(wrong), Err(CommandError::BadPace), "{wrong}");
        }
    }
}
