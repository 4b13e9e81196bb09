//! Parsing `/nth …` into a typed command; every mistake is named.

use super::rules::{MAX_NTH, MAX_PRIZE_CHARS, Rule};
use crate::{
    domain::{
        Lang,
        deadline::{Deadline, parse_deadline},
    },
    rituals::coupons::rules::{PoolName, split_pool},
};

/// `/nth …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NthCommand {
    Open {
        rule: Rule,
        deadline: Deadline,
        prize: Option<String>,
        pool: Option<PoolName>,
    },
    /// End it now and announce the winners.
    Close(i64),
}

/// `/nth` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NthArgsError {
    #[error("usage")]
    Usage,
    #[error("number")]
    Number(String),
    #[error("deadline")]
    Deadline(String),
    #[error("prize too long")]
    PrizeTooLong,
    #[error("id")]
    Id(String),
}

impl NthArgsError {
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, Lang::En) => "Use /nth <N> <until> [prize], e.g. /nth 8 30m a milk tea (the 8th reply within 30 minutes wins), /nth every 10 21:00 Coupon[pool] (every 10th reply until 21:00); or /nth close <number>.".to_owned(),
            (Self::Usage, Lang::Zh) => "用法：/nth <N> <截止> [奖品]，例如 /nth 8 30m 奶茶一杯（30 分钟内第 8 个回复中奖）、/nth every 10 21:00 优惠券[券池]（21:00 前每第 10 个回复中奖）；或 /nth close <编号>。".to_owned(),
            (Self::Number(n), Lang::En) => format!("`{}` is not a number from 1 to {MAX_NTH}.", cut(n)),
            (Self::Number(n), Lang::Zh) => format!("`{}` 不是 1 到 {MAX_NTH} 之间的数字。", cut(n)),
            (Self::Deadline(d), Lang::En) => format!("`{}` is not a deadline: write minutes or hours (30m, 2h, 1h30m, at most a week) or a local time (21:00).", cut(d)),
            (Self::Deadline(d), Lang::Zh) => format!("`{}` 不是截止时间：请写时长（30m、2h、1h30m，最长一周）或当地时间（21:00）。", cut(d)),
            (Self::PrizeTooLong, Lang::En) => format!("The prize text is too long; keep it under {MAX_PRIZE_CHARS} characters."),
            (Self::PrizeTooLong, Lang::Zh) => format!("奖品说明太长：最多 {MAX_PRIZE_CHARS} 个字符。"),
            (Self::Id(id), Lang::En) => format!("`{}` is not a game number; /draws shows them.", cut(id)),
            (Self::Id(id), Lang::Zh) => format!("`{}` 不是活动编号；发送 /draws 查看。", cut(id)),
        }
    }
}

/// Parses the arguments after `/nth`.
pub fn parse(args: &str) -> Result<NthCommand, NthArgsError> {
    let mut words = args.split_whitespace().peekable();
    let first = words.next().ok_or(NthArgsError::Usage)?;
    if first.eq_ignore_ascii_case("close") {
        let id = words.next().ok_or(NthArgsError::Usage)?;
        if words.next().is_some() {
            return Err(NthArgsError::Usage);
        }
        return id
            .trim_start_matches('#')
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .map(NthCommand::Close)
            .ok_or_else(|| NthArgsError::Id(id.to_owned()));
    }
    let every = first.eq_ignore_ascii_case("every");
    let count = if every {
        words.next().ok_or(NthArgsError::Usage)?
    } else {
        first
    };
    let n = count
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_NTH).contains(n))
        .ok_or_else(|| NthArgsError::Number(count.to_owned()))?;
    let rule = if every { Rule::Every(n) } else { Rule::Nth(n) };
    let until = words.next().ok_or(NthArgsError::Usage)?;
    let deadline = parse_deadline(until).ok_or_else(|| NthArgsError::Deadline(until.to_owned()))?;
    let prize = words.collect::<Vec<_>>().join(" ");
    if prize.chars().count() > MAX_PRIZE_CHARS {
        return Err(NthArgsError::PrizeTooLong);
    }
    let (prize, pool) = split_pool(&prize);
    Ok(NthCommand::Open {
        rule,
        deadline,
        prize: Some(prize).filter(|p| !p.is_empty()),
        pool,
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_games_and_names_each_mistake() {
        assert_eq!(
            parse("8 30m a milk tea"),
            Ok(NthCommand::Open {
                rule: Rule::Nth(8),
                deadline: Deadline::In(30),
                prize: Some("a milk tea".into()),
                pool: None,
            })
        );
        assert_eq!(
            parse("every 10 21:00 券[tea]"),
            Ok(NthCommand::Open {
                rule: Rule::Every(10),
                deadline: Deadline::At(NaiveTime::from_hms_opt(21, 0, 0).unwrap()),
                prize: Some("券".into()),
                pool: PoolName::parse("tea"),
            })
        );
        assert_eq!(
            parse("3 1h30m").map(|c| match c {
                NthCommand::Open { deadline, .. } => deadline,
                other => panic!("{other:?}"),
            }),
            Ok(Deadline::In(90))
        );
        assert_eq!(parse("close #2"), Ok(NthCommand::Close(2)));
        assert_eq!(parse(""), Err(NthArgsError::Usage));
        assert_eq!(parse("8"), Err(NthArgsError::Usage));
        assert_eq!(parse("0 30m"), Err(NthArgsError::Number("0".into())));
        assert_eq!(parse("every x 30m"), Err(NthArgsError::Number("x".into())));
        for bad in ["0m", "25:00", "soon", "30", "8d", "200h"] {
            assert_eq!(
                parse(&format!("8 {bad}")),
                Err(NthArgsError::Deadline(bad.into())),
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
        }
    }
}
