//! Parsing `/wheel …` into a typed command; every mistake is named.

use super::rules::{MAX_PRIZE_NAME, MAX_PRIZES, Prize};
use crate::{
    domain::{
        Lang,
        deadline::{Deadline, parse_deadline},
    },
    rituals::coupons::rules::split_pool,
};

/// `/wheel …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WheelCommand {
    /// Define a wheel; it waits for `/wheel open`.
    New(Vec<Prize>),
    /// Open a wheel now or at a time (`at`), and close it by itself at
    /// `until` (a duration counts from the opening). `id` is `None` for
    /// `last`: the group's newest wheel still waiting, so a playbook can
    /// define a wheel and open it without knowing its number.
    Open {
        id: Option<i64>,
        at: Option<Deadline>,
        until: Option<Deadline>,
    },
    /// Stop spins and post the winners.
    Close(i64),
}

/// `/wheel` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WheelArgsError {
    #[error("usage")]
    Usage,
    #[error("prize")]
    Prize(String),
    #[error("too many")]
    TooMany,
    #[error("no weight")]
    NoWeight,
    #[error("id")]
    Id(String),
    #[error("time")]
    When(String),
}

impl WheelArgsError {
    /// The sentence the admin sees.
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(60).collect::<String>();
        match (self, lang) {
            (Self::Usage, Lang::En) => "Use /wheel new <prize>*<stock>:<weight> …, e.g. /wheel new First*1:1 Second*3:10 Coupon[pool]:89 (no *stock: never runs out; [pool]: the winner gets a code from that coupon pool); then /wheel open <number>|last [now|20:00|30m] [until: 21:00|1h], and /wheel close <number>.".to_owned(),
            (Self::Usage, Lang::Zh) => "用法：/wheel new <奖品>*<数量>:<权重> …，例如 /wheel new 一等奖*1:1 二等奖*3:10 优惠券[券池]:89（不写 *数量 表示不限量；[券池] 表示中奖者获得该券池的一张券码）；然后 /wheel open <编号>|last [now|20:00|30m] [结束：21:00|1h]，以及 /wheel close <编号>。".to_owned(),
            (Self::Prize(p), Lang::En) => format!(
                "`{}` is not a prize; write name*stock:weight (stock optional, weight a whole number, name at most {MAX_PRIZE_NAME} characters).",
                cut(p)
            ),
            (Self::Prize(p), Lang::Zh) => format!(
                "`{}` 不是奖品；请写 名称*数量:权重（数量可省略，权重为整数，名称最多 {MAX_PRIZE_NAME} 个字符）。",
                cut(p)
            ),
            (Self::TooMany, Lang::En) => format!("A wheel has at most {MAX_PRIZES} prizes."),
            (Self::TooMany, Lang::Zh) => format!("转盘最多 {MAX_PRIZES} 个奖品。"),
            (Self::NoWeight, Lang::En) => "At least one prize needs a weight above 0 and some stock.".to_owned(),
            (Self::NoWeight, Lang::Zh) => "至少要有一个权重大于 0 且有库存的奖品。".to_owned(),
            (Self::Id(id), Lang::En) => format!("`{}` is not a wheel number; /draws shows them.", cut(id)),
            (Self::Id(id), Lang::Zh) => format!("`{}` 不是转盘编号；发送 /draws 查看。", cut(id)),
            (Self::When(w), Lang::En) => format!("`{}` is not a time: write now, minutes or hours (30m, 2h, at most a week) or a local time (20:00).", cut(w)),
            (Self::When(w), Lang::Zh) => format!("`{}` 不是时间：请写 now、时长（30m、2h，最长一周）或当地时间（20:00）。", cut(w)),
        }
    }
}

/// Parses the arguments after `/wheel`.
pub fn parse(args: &str) -> Result<WheelCommand, WheelArgsError> {
    let mut words = args.split_whitespace();
    match words.next().map(str::to_ascii_lowercase).as_deref() {
        Some("open") => {
            let id = match words.next().ok_or(WheelArgsError::Usage)? {
                w if w.eq_ignore_ascii_case("last") => None,
                w => Some(parse_id(w)?),
            };
            let when =
                |w: &str| parse_deadline(w).ok_or_else(|| WheelArgsError::When(w.to_owned()));
            let at = match words.next() {
                None => None,
                Some(w) if w.eq_ignore_ascii_case("now") => None,
                Some(w) => Some(when(w)?),
            };
            let until = words.next().map(when).transpose()?;
            if words.next().is_some() {
                return Err(WheelArgsError::Usage);
            }
            Ok(WheelCommand::Open { id, at, until })
        }
        Some("close") => {
            let id = words.next().ok_or(WheelArgsError::Usage)?;
            if words.next().is_some() {
                return Err(WheelArgsError::Usage);
            }
            parse_id(id).map(WheelCommand::Close)
        }
        Some("new") => {
            let prizes = words.map(prize).collect::<Result<Vec<_>, _>>()?;
            if prizes.is_empty() {
                return Err(WheelArgsError::Usage);
            }
            if prizes.len() > MAX_PRIZES {
                return Err(WheelArgsError::TooMany);
            }
            if !prizes
                .iter()
                .any(|p| p.weight > 0 && p.stock.is_none_or(|s| s > 0))
            {
                return Err(WheelArgsError::NoWeight);
            }
            Ok(WheelCommand::New(prizes))
        }
        _ => Err(WheelArgsError::Usage),
    }
}

fn parse_id(word: &str) -> Result<i64, WheelArgsError> {
    word.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WheelArgsError::Id(word.to_owned()))
}

/// `name*stock:weight`, the stock optional.
fn prize(word: &str) -> Result<Prize, WheelArgsError> {
    let bad = || WheelArgsError::Prize(word.to_owned());
    let (head, weight) = word.rsplit_once(':').ok_or_else(bad)?;
    let weight = weight
        .parse::<u64>()
        .ok()
        .filter(|w| *w <= 1_000_000)
        .ok_or_else(bad)?;
    let (name, stock) = match head.rsplit_once('*') {
        Some((name, stock)) => (
            name,
            Some(
                stock
                    .parse::<u64>()
                    .ok()
                    .filter(|s| *s <= 1_000_000)
                    .ok_or_else(bad)?,
            ),
        ),
        None => (head, None),
    };
    let (name, pool) = split_pool(name);
    if name.is_empty() || name.chars().count() > MAX_PRIZE_NAME {
        return Err(bad());
    }
    Ok(Prize {
        name,
        weight,
        stock,
        pool,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rituals::wheel::rules::WheelParams;

    fn wheel() -> WheelParams {
        match parse("new First*1:1 Second*3:10 Thanks:89").unwrap() {
            WheelCommand::New(prizes) => WheelParams { prizes },
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_prizes_and_names_each_mistake() {
        let w = wheel();
        assert_eq!(
            w.prizes[0],
            Prize {
                name: "First".into(),
                weight: 1,
                stock: Some(1),
                pool: None,
            }
        );
        assert_eq!(w.prizes[2].stock, None);
        let WheelCommand::New(prizes) = parse("new 九折券[ten_off]*100:89").unwrap() else {
            panic!("a wheel")
        };
        assert_eq!(
            (
                prizes[0].name.as_str(),
                prizes[0].pool.as_ref().map(|p| p.as_str())
            ),
            ("九折券", Some("ten_off"))
        );
        assert_eq!(w.capacity(), None);
        assert_eq!(parse("close #2"), Ok(WheelCommand::Close(2)));
        assert_eq!(parse(""), Err(WheelArgsError::Usage));
        assert_eq!(parse("new"), Err(WheelArgsError::Usage));
        assert_eq!(
            parse("new First"),
            Err(WheelArgsError::Prize("First".into()))
        );
        assert_eq!(
            parse("new A*x:1"),
            Err(WheelArgsError::Prize("A*x:1".into()))
        );
        assert_eq!(parse("new :5"), Err(WheelArgsError::Prize(":5".into())));
        assert_eq!(parse("new A*0:5 B:0"), Err(WheelArgsError::NoWeight));
        let many = (0..13)
            .map(|i| format!("P{i}:1"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(parse(&format!("new {many}")), Err(WheelArgsError::TooMany));
        assert_eq!(parse("close x"), Err(WheelArgsError::Id("x".into())));
    }

    #[test]
    fn parses_when_a_wheel_opens_and_closes() {
        let at = |h, m| {
            Some(Deadline::At(
                chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            ))
        };
        assert_eq!(
            parse("open 3"),
            Ok(WheelCommand::Open {
                id: Some(3),
                at: None,
                until: None
            })
        );
        assert_eq!(
            parse("open #3 20:00 21:30"),
            Ok(WheelCommand::Open {
                id: Some(3),
                at: at(20, 0),
                until: at(21, 30)
            })
        );
        assert_eq!(
            parse("open 3 now 1h"),
            Ok(WheelCommand::Open {
                id: Some(3),
                at: None,
                until: Some(Deadline::In(60))
            })
        );
        assert_eq!(parse("open"), Err(WheelArgsError::Usage));
        assert_eq!(
            parse("open LAST now 21:30"),
            Ok(WheelCommand::Open {
                id: None,
                at: None,
                until: Some(Deadline::At(
                    chrono::NaiveTime::from_hms_opt(21, 30, 0).unwrap()
                ))
            })
        );
        assert_eq!(
            parse("open 3 soon"),
            Err(WheelArgsError::When("soon".into()))
        );
        assert_eq!(
            parse("open 3 now 25:00"),
            Err(WheelArgsError::When("25:00".into()))
        );
        assert_eq!(parse("open 3 now 1h x"), Err(WheelArgsError::Usage));
    }
}
