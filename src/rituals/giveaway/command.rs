//! Parsing `/giveaway …` and `/reroll …` into typed commands; every
//! mistake is named.

use super::rules::{MAX_HOURS, MAX_INVITES, MAX_PRIZE_CHARS, MAX_WINNERS, Requirements};
use crate::{
    domain::{
        Lang,
        deadline::{Deadline, parse_deadline},
    },
    rituals::coupons::rules::{PoolName, split_pool},
};

/// `/giveaway …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GiveawayCommand {
    Open {
        winners: u32,
        deadline: Deadline,
        prize: Option<String>,
        pool: Option<PoolName>,
        requirements: Requirements,
    },
    /// Draw now instead of at the end time.
    Close(i64),
}

/// `/reroll <id> [n]`: replace unclaimed winners (all of them, or `n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reroll {
    pub id: i64,
    pub count: Option<u32>,
}

/// `/giveaway` or `/reroll` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GiveawayArgsError {
    #[error("usage")]
    Usage,
    #[error("winners")]
    Winners(String),
    #[error("deadline")]
    Deadline(String),
    #[error("prize too long")]
    PrizeTooLong,
    #[error("option")]
    Option(String),
    #[error("option value")]
    OptionValue(String),
    #[error("id")]
    Id(String),
    #[error("reroll usage")]
    RerollUsage,
}

impl GiveawayArgsError {
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, Lang::En) => "Use /giveaway <winners> <until> [prize] [--hours H] [--invites K] [--audited], e.g. /giveaway 3 21:00 a wool sweater --hours 24 (3 winners drawn at 21:00 among members of at least a day), /giveaway 10 2h Coupon[pool] --invites 2; or /giveaway close <number> to draw now.".to_owned(),
            (Self::Usage, Lang::Zh) => "用法：/giveaway <人数> <截止> [奖品] [--hours 小时] [--invites 人数] [--audited]，例如 /giveaway 3 21:00 羊毛衫 --hours 24（21:00 从入群满一天的成员中抽 3 人）、/giveaway 10 2h 优惠券[券池] --invites 2；或 /giveaway close <编号> 立即开奖。".to_owned(),
            (Self::Winners(n), Lang::En) => format!("`{}` is not a number of winners from 1 to {MAX_WINNERS}.", cut(n)),
            (Self::Winners(n), Lang::Zh) => format!("`{}` 不是 1 到 {MAX_WINNERS} 之间的中奖人数。", cut(n)),
            (Self::Deadline(d), Lang::En) => format!("`{}` is not an end time: write minutes or hours (30m, 2h, 1h30m, at most a week) or a local time (21:00).", cut(d)),
            (Self::Deadline(d), Lang::Zh) => format!("`{}` 不是截止时间：请写时长（30m、2h、1h30m，最长一周）或当地时间（21:00）。", cut(d)),
            (Self::PrizeTooLong, Lang::En) => format!("The prize text is too long; keep it under {MAX_PRIZE_CHARS} characters."),
            (Self::PrizeTooLong, Lang::Zh) => format!("奖品说明太长：最多 {MAX_PRIZE_CHARS} 个字符。"),
            (Self::Option(o), Lang::En) => format!("Unknown option `{}`; the options are --hours H (in the group for at least H hours), --invites K (at least K effective invites) and --audited (none of their invitees waits for review).", cut(o)),
            (Self::Option(o), Lang::Zh) => format!("未知选项 `{}`；可用选项：--hours 小时（入群至少多少小时）、--invites 人数（至少邀请多少有效成员）、--audited（其邀请的成员均已审核）。", cut(o)),
            (Self::OptionValue(o), Lang::En) => format!("{} needs a whole number (hours up to {MAX_HOURS}, invites up to {MAX_INVITES}).", cut(o)),
            (Self::OptionValue(o), Lang::Zh) => format!("{} 后面需要一个整数（小时最多 {MAX_HOURS}，邀请最多 {MAX_INVITES}）。", cut(o)),
            (Self::Id(id), Lang::En) => format!("`{}` is not a giveaway number; /draws shows them.", cut(id)),
            (Self::Id(id), Lang::Zh) => format!("`{}` 不是抽奖编号；发送 /draws 查看。", cut(id)),
            (Self::RerollUsage, Lang::En) => "Use /reroll <giveaway number> [how many]: it replaces the winners who have not claimed (all of them, or that many).".to_owned(),
            (Self::RerollUsage, Lang::Zh) => "用法：/reroll <抽奖编号> [人数]：重新抽取未领奖的中奖者（全部，或指定人数）。".to_owned(),
        }
    }
}

fn parse_id(word: &str) -> Result<i64, GiveawayArgsError> {
    word.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| GiveawayArgsError::Id(word.to_owned()))
}

/// Parses the arguments after `/giveaway`.
pub fn parse(args: &str) -> Result<GiveawayCommand, GiveawayArgsError> {
    let mut words = args.split_whitespace();
    let first = words.next().ok_or(GiveawayArgsError::Usage)?;
    if first.eq_ignore_ascii_case("close") {
        let id = words.next().ok_or(GiveawayArgsError::Usage)?;
        if words.next().is_some() {
            return Err(GiveawayArgsError::Usage);
        }
        return parse_id(id).map(GiveawayCommand::Close);
    }
    let winners = first
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_WINNERS).contains(n))
        .ok_or_else(|| GiveawayArgsError::Winners(first.to_owned()))?;
    let until = words.next().ok_or(GiveawayArgsError::Usage)?;
    let deadline =
        parse_deadline(until).ok_or_else(|| GiveawayArgsError::Deadline(until.to_owned()))?;
    let mut requirements = Requirements::default();
    let mut prize = Vec::new();
    while let Some(word) = words.next() {
        let Some(option) = word.strip_prefix("--") else {
            prize.push(word);
            continue;
        };
        if option.eq_ignore_ascii_case("audited") {
            requirements.audited = true;
            continue;
        }
        let (slot, max) = match option.to_ascii_lowercase().as_str() {
            "hours" => (&mut requirements.min_hours, MAX_HOURS),
            "invites" => (&mut requirements.min_invites, MAX_INVITES),
            _ => return Err(GiveawayArgsError::Option(word.to_owned())),
        };
        let value = words
            .next()
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|v| *v <= max)
            .ok_or_else(|| GiveawayArgsError::OptionValue(word.to_owned()))?;
        *slot = Some(value).filter(|v| *v > 0);
    }
    let prize = prize.join(" ");
    if prize.chars().count() > MAX_PRIZE_CHARS {
        return Err(GiveawayArgsError::PrizeTooLong);
    }
    let (prize, pool) = split_pool(&prize);
    Ok(GiveawayCommand::Open {
        winners,
        deadline,
        prize: Some(prize).filter(|p| !p.is_empty()),
        pool,
        requirements,
    })
}

/// Parses the arguments after `/reroll`.
pub fn parse_reroll(args: &str) -> Result<Reroll, GiveawayArgsError> {
    let mut words = args.split_whitespace();
    let id = parse_id(words.next().ok_or(GiveawayArgsError::RerollUsage)?)?;
    let count = match words.next() {
        None => None,
        Some(n) => Some(
            n.parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_WINNERS).contains(n))
                .ok_or(GiveawayArgsError::RerollUsage)?,
        ),
    };
    if words.next().is_some() {
        return Err(GiveawayArgsError::RerollUsage);
    }
    Ok(Reroll { id, count })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_giveaways_and_names_each_mistake() {
        assert_eq!(
            parse("3 21:00 羊毛衫 --hours 24 --invites 2 --audited"),
            Ok(GiveawayCommand::Open {
                winners: 3,
                deadline: Deadline::At(NaiveTime::from_hms_opt(21, 0, 0).unwrap()),
                prize: Some("羊毛衫".into()),
                pool: None,
                requirements: Requirements {
                    min_hours: Some(24),
                    min_invites: Some(2),
                    audited: true,
                },
            })
        );
        assert_eq!(
            parse("10 2h --invites 1 Coupon[tea]"),
            Ok(GiveawayCommand::Open {
                winners: 10,
                deadline: Deadline::In(120),
                prize: Some("Coupon".into()),
                pool: PoolName::parse("tea"),
                requirements: Requirements {
                    min_hours: None,
                    min_invites: Some(1),
                    audited: false,
                },
            })
        );
        assert_eq!(parse("close #4"), Ok(GiveawayCommand::Close(4)));
        assert_eq!(parse(""), Err(GiveawayArgsError::Usage));
        assert_eq!(parse("3"), Err(GiveawayArgsError::Usage));
        assert_eq!(parse("0 1h"), Err(GiveawayArgsError::Winners("0".into())));
        assert_eq!(
            parse("3 soon"),
            Err(GiveawayArgsError::Deadline("soon".into()))
        );
        assert_eq!(
            parse("3 1h --days 2"),
            Err(GiveawayArgsError::Option("--days".into()))
        );
        assert_eq!(
            parse("3 1h --hours x"),
            Err(GiveawayArgsError::OptionValue("--hours".into()))
        );
        assert_eq!(
            parse("3 1h --hours"),
            Err(GiveawayArgsError::OptionValue("--hours".into()))
        );
        assert_eq!(parse("close x"), Err(GiveawayArgsError::Id("x".into())));
        assert_eq!(parse_reroll("4"), Ok(Reroll { id: 4, count: None }));
        assert_eq!(
            parse_reroll("#4 2"),
            Ok(Reroll {
                id: 4,
                count: Some(2)
            })
        );
        assert_eq!(parse_reroll(""), Err(GiveawayArgsError::RerollUsage));
        assert_eq!(parse_reroll("4 0"), Err(GiveawayArgsError::RerollUsage));
        assert_eq!(parse_reroll("4 2 3"), Err(GiveawayArgsError::RerollUsage));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
        }
    }
}
