//! The giveaway (lottery): members join by button until the end time, then
//! N winners are drawn without replacement from the frozen list of entries.
//! A winner claims the prize; `/reroll` replaces only those who did not,
//! never picking anyone who won the same giveaway before.
//!
//! Round r (0 for the draw at the end, then one per reroll) draws from the
//! seed's ChaCha20 stream number r, excluding every earlier winner. So the
//! whole history re-runs from the seed, the entries and how many each round
//! drew, which is what `hearth verify` does.

use serde::{Deserialize, Serialize};

use super::{
    Lang,
    coupon::{PoolName, split_pool},
    deadline::{Deadline, parse_deadline},
    draw::choose_winners,
    fairness::Seed,
};

/// The most winners one giveaway draws.
pub const MAX_WINNERS: u32 = 1_000;
/// The longest prize text.
pub const MAX_PRIZE_CHARS: usize = 100;
/// The longest membership a giveaway may ask for: a year.
pub const MAX_HOURS: u32 = 24 * 366;
/// The most invites a giveaway may ask for.
pub const MAX_INVITES: u32 = 10_000;

/// Who may join, checked when they press Join.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    /// In the group for at least this many hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<u32>,
    /// At least this many effective invites in the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_invites: Option<u32>,
    /// Audited: none of the member's invitees waits for review (the seed's
    /// rule of auditing before rewards).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub audited: bool,
}

/// A requirement a member does not meet yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmet {
    /// In the group for `have` whole hours of the `need`ed.
    Hours {
        need: u32,
        have: u64,
    },
    Invites {
        need: u32,
        have: u64,
    },
    /// `waiting` of the member's invitees wait for review.
    Audit {
        waiting: u64,
    },
}

impl Requirements {
    /// Checks a member who has been in the group `member_ms`, brought
    /// `invites` effective invites and has `unaudited` invitees waiting for
    /// review.
    pub fn check(&self, member_ms: i64, invites: i64, unaudited: i64) -> Result<(), Unmet> {
        let hours = u64::try_from(member_ms / 3_600_000).unwrap_or(0);
        if let Some(need) = self.min_hours
            && hours < u64::from(need)
        {
            return Err(Unmet::Hours { need, have: hours });
        }
        let invites = u64::try_from(invites).unwrap_or(0);
        if let Some(need) = self.min_invites
            && invites < u64::from(need)
        {
            return Err(Unmet::Invites {
                need,
                have: invites,
            });
        }
        if self.audited && unaudited > 0 {
            return Err(Unmet::Audit {
                waiting: u64::try_from(unaudited).unwrap_or(0),
            });
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.min_hours.is_none() && self.min_invites.is_none() && !self.audited
    }
}

/// What a giveaway was opened with, stored with the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiveawayParams {
    pub winners: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize: Option<String>,
    /// The coupon pool whose code each winner gets when they claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolName>,
    #[serde(default)]
    pub requirements: Requirements,
}

/// Round `round`'s winners: `n` distinct entries (positions in `0..entries`)
/// that are not among `earlier` winners, in the order drawn.
pub fn draw_round(
    seed: &Seed,
    entries: usize,
    n: usize,
    earlier: &[usize],
    round: u64,
) -> Vec<usize> {
    let mut rng = seed.rng();
    rng.set_stream(round);
    choose_winners(entries, n, earlier, &mut rng)
}

/// Why a giveaway does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the revealed seed is not 64 hex digits")]
    BadSeed,
    #[error("the revealed seed does not match the commitment published at the start")]
    Commitment,
    #[error("round {round} drew entries {got:?}, the seed gives {expected:?}")]
    Round {
        round: usize,
        got: Vec<usize>,
        expected: Vec<usize>,
    },
}

/// Re-runs every round from the seed: `rounds[r]` holds the positions round
/// r drew, in order. Returns nothing when each round matches.
pub fn verify(
    seed_hex: &str,
    commitment: &str,
    entries: usize,
    rounds: &[Vec<usize>],
) -> Result<(), VerifyError> {
    let seed = Seed::from_hex(seed_hex).ok_or(VerifyError::BadSeed)?;
    if !seed.matches(commitment) {
        return Err(VerifyError::Commitment);
    }
    let mut earlier = Vec::new();
    for (round, got) in rounds.iter().enumerate() {
        let expected = draw_round(&seed, entries, got.len(), &earlier, round as u64);
        if &expected != got {
            return Err(VerifyError::Round {
                round,
                got: got.clone(),
                expected,
            });
        }
        earlier.extend(got);
    }
    Ok(())
}

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
    use rand::rngs::OsRng;

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

    #[test]
    fn requirements_name_what_is_missing() {
        let all = Requirements {
            min_hours: Some(24),
            min_invites: Some(3),
            audited: true,
        };
        assert_eq!(
            all.check(5 * 3_600_000 + 59 * 60_000, 9, 0),
            Err(Unmet::Hours { need: 24, have: 5 })
        );
        assert_eq!(
            all.check(24 * 3_600_000, 2, 0),
            Err(Unmet::Invites { need: 3, have: 2 })
        );
        assert_eq!(
            all.check(24 * 3_600_000, 3, 2),
            Err(Unmet::Audit { waiting: 2 })
        );
        assert_eq!(all.check(24 * 3_600_000, 3, 0), Ok(()));
        assert_eq!(Requirements::default().check(0, 0, 5), Ok(()));
    }

    #[test]
    fn a_giveaway_with_rerolls_verifies_and_a_forged_one_does_not() {
        let seed = Seed::generate(&mut OsRng);
        let first = draw_round(&seed, 40, 3, &[], 0);
        let second = draw_round(&seed, 40, 2, &first, 1);
        assert!(second.iter().all(|w| !first.contains(w)));
        let rounds = vec![first.clone(), second.clone()];
        assert_eq!(
            verify(&seed.to_hex(), &seed.commitment(), 40, &rounds),
            Ok(())
        );
        let mut forged = rounds.clone();
        forged[1][0] = (0..40)
            .find(|p| !first.contains(p) && !second.contains(p))
            .unwrap();
        assert!(matches!(
            verify(&seed.to_hex(), &seed.commitment(), 40, &forged),
            Err(VerifyError::Round { round: 1, .. })
        ));
        let other = Seed::generate(&mut OsRng);
        assert_eq!(
            verify(&other.to_hex(), &seed.commitment(), 40, &rounds),
            Err(VerifyError::Commitment)
        );
    }

    proptest! {
        /// However many rerolls, nobody wins the same giveaway twice.
        #[test]
        fn rerolls_never_pick_an_earlier_winner(
            entries in 0usize..200,
            rounds in prop::collection::vec(0usize..20, 1..6),
            seed in any::<[u8; 32]>(),
        ) {
            let seed = Seed::from_hex(&hex::encode(seed)).unwrap();
            let mut earlier: Vec<usize> = Vec::new();
            for (round, n) in rounds.iter().enumerate() {
                let got = draw_round(&seed, entries, *n, &earlier, round as u64);
                prop_assert!(got.iter().all(|w| !earlier.contains(w) && *w < entries));
                earlier.extend(got);
            }
            let mut seen = earlier.clone();
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), earlier.len());
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
            let _ = parse_reroll(&text);
        }
    }
}
