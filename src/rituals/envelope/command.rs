//! `/envelope` as admins type it (amounts as `domain::amount` reads them).

use crate::{
    domain::{
        Lang,
        amount::{Amount, MAX_DECIMALS},
        lang::en_count,
    },
    rituals::coupons::rules::{PoolName, split_pool},
};

/// The most shares one envelope may hold.
pub const MAX_SHARES: u32 = 1_000;
/// The longest prize text for the luckiest grabber.
pub const MAX_PRIZE_CHARS: usize = 200;

/// `/envelope …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeCommand {
    /// Post a new envelope.
    Open(NewEnvelope),
    /// End an envelope early: reveal its seed and post what was grabbed.
    Close(i64),
}

/// An envelope to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnvelope {
    pub total: Amount,
    pub shares: u32,
    /// What the luckiest grabber (手气王) gets besides their share.
    pub prize: Option<String>,
    /// The coupon pool that prize is a code from (`prize[pool]`).
    pub prize_pool: Option<PoolName>,
    /// The pool whose codes carry the shares (`88.88[pool]`): each grabber
    /// gets a code worth their share.
    pub share_pool: Option<PoolName>,
}

/// `/envelope` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeArgsError {
    #[error("usage")]
    Usage,
    #[error("amount")]
    Amount(String),
    #[error("shares")]
    Shares(String),
    #[error("too small")]
    TooSmall { total: Amount, shares: u32 },
    #[error("prize too long")]
    PrizeTooLong,
    #[error("id")]
    Id(String),
}

impl EnvelopeArgsError {
    /// The sentence the admin sees.
    pub fn explain(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, En) => format!(
                "Use /envelope <total> <shares> [prize for the luckiest], e.g. /envelope 88.88 10 a milk-tea coupon; or /envelope close <number>. Up to {MAX_SHARES} shares. 88.88[pool] pays each share as a code from that coupon pool; prize[pool] gives the luckiest a code."
            ),
            (Self::Usage, Zh) => format!(
                "用法：/envelope <总额> <份数> [手气王奖品]，例如 /envelope 88.88 10 奶茶券一张；或 /envelope close <编号>。最多 {MAX_SHARES} 份。88.88[券池] 表示每份以该券池的券码发放；奖品[券池] 表示手气王获得一张券码。"
            ),
            (Self::Amount(a), En) => format!(
                "`{}` is not an amount; write a positive number with at most {MAX_DECIMALS} decimals, like 100 or 88.88.",
                cut(a)
            ),
            (Self::Amount(a), Zh) => format!(
                "`{}` 不是金额；请写正数，最多 {MAX_DECIMALS} 位小数，例如 100 或 88.88。",
                cut(a)
            ),
            (Self::Shares(s), En) => format!(
                "`{}` is not a number of shares; use 1 to {MAX_SHARES}.",
                cut(s)
            ),
            (Self::Shares(s), Zh) => format!("`{}` 不是份数；请用 1 到 {MAX_SHARES}。", cut(s)),
            (Self::TooSmall { total, shares }, En) => format!(
                "{total} cannot be split into {}: each share needs at least {}.",
                en_count(*shares, "share", "shares"),
                total.with_units(1)
            ),
            (Self::TooSmall { total, shares }, Zh) => format!(
                "{total} 不够分成 {shares} 份：每份至少 {}。",
                total.with_units(1)
            ),
            (Self::PrizeTooLong, En) => {
                format!("The prize text is too long; keep it under {MAX_PRIZE_CHARS} characters.")
            }
            (Self::PrizeTooLong, Zh) => format!("奖品说明太长：最多 {MAX_PRIZE_CHARS} 个字符。"),
            (Self::Id(id), En) => format!(
                "`{}` is not an envelope number; /draws shows them.",
                cut(id)
            ),
            (Self::Id(id), Zh) => format!("`{}` 不是红包编号；发送 /draws 查看。", cut(id)),
        }
    }
}

/// Parses the arguments after `/envelope`.
pub fn parse(args: &str) -> Result<EnvelopeCommand, EnvelopeArgsError> {
    let mut words = args.split_whitespace();
    let first = words.next().ok_or(EnvelopeArgsError::Usage)?;
    if first.eq_ignore_ascii_case("close") {
        let id = words.next().ok_or(EnvelopeArgsError::Usage)?;
        if words.next().is_some() {
            return Err(EnvelopeArgsError::Usage);
        }
        return id
            .trim_start_matches('#')
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .map(EnvelopeCommand::Close)
            .ok_or_else(|| EnvelopeArgsError::Id(id.to_owned()));
    }
    let (first, share_pool) = split_pool(first);
    let total = Amount::parse(&first).ok_or_else(|| EnvelopeArgsError::Amount(first.to_owned()))?;
    let count = words.next().ok_or(EnvelopeArgsError::Usage)?;
    let shares = count
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_SHARES).contains(n))
        .ok_or_else(|| EnvelopeArgsError::Shares(count.to_owned()))?;
    if u64::from(shares) > total.units {
        return Err(EnvelopeArgsError::TooSmall { total, shares });
    }
    let prize = words.collect::<Vec<_>>().join(" ");
    if prize.chars().count() > MAX_PRIZE_CHARS {
        return Err(EnvelopeArgsError::PrizeTooLong);
    }
    let (prize, prize_pool) = split_pool(&prize);
    Ok(EnvelopeCommand::Open(NewEnvelope {
        total,
        shares,
        prize: Some(prize).filter(|p| !p.is_empty()),
        prize_pool,
        share_pool,
    }))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::amount::MAX_UNITS;

    #[test]
    fn amounts_keep_the_unit_they_were_written_in() {
        assert_eq!(
            Amount::parse("88.88"),
            Some(Amount {
                units: 8888,
                decimals: 2
            })
        );
        assert_eq!(
            Amount::parse("100").map(|a| a.to_string()),
            Some("100".into())
        );
        assert_eq!(Amount::parse("0.5").map(|a| a.units), Some(5));
        assert_eq!(
            Amount::parse("88.88").unwrap().with_units(5).to_string(),
            "0.05"
        );
        for bad in [
            "",
            "0",
            "0.00",
            "-1",
            "1e3",
            "1.234",
            ".5",
            "5.",
            "１２",
            "99999999999999",
        ] {
            assert_eq!(Amount::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parses_envelopes_and_names_each_mistake() {
        assert_eq!(
            parse("88.88 10 奶茶券 一张"),
            Ok(EnvelopeCommand::Open(NewEnvelope {
                total: Amount::parse("88.88").unwrap(),
                shares: 10,
                prize: Some("奶茶券 一张".into()),
                prize_pool: None,
                share_pool: None,
            }))
        );
        assert_eq!(
            parse("100 5 Gift box[VIP]"),
            Ok(EnvelopeCommand::Open(NewEnvelope {
                total: Amount::parse("100").unwrap(),
                shares: 5,
                prize: Some("Gift box".into()),
                prize_pool: PoolName::parse("vip"),
                share_pool: None,
            }))
        );
        let Ok(EnvelopeCommand::Open(tied)) = parse("88.88[tea] 10") else {
            panic!("an envelope")
        };
        assert_eq!(tied.total, Amount::parse("88.88").unwrap());
        assert_eq!(tied.share_pool, PoolName::parse("tea"));
        assert_eq!(parse("close #4"), Ok(EnvelopeCommand::Close(4)));
        assert_eq!(parse(""), Err(EnvelopeArgsError::Usage));
        assert_eq!(parse("100"), Err(EnvelopeArgsError::Usage));
        assert_eq!(
            parse("lots 3"),
            Err(EnvelopeArgsError::Amount("lots".into()))
        );
        assert_eq!(parse("100 0"), Err(EnvelopeArgsError::Shares("0".into())));
        assert_eq!(
            parse("100 1001"),
            Err(EnvelopeArgsError::Shares("1001".into()))
        );
        assert!(matches!(
            parse("0.05 10"),
            Err(EnvelopeArgsError::TooSmall { shares: 10, .. })
        ));
        assert_eq!(parse("close x"), Err(EnvelopeArgsError::Id("x".into())));
        assert_eq!(
            parse(&format!("100 3 {}", "奖".repeat(201))),
            Err(EnvelopeArgsError::PrizeTooLong)
        );
    }

    proptest! {
        #[test]
        fn amounts_print_as_they_parse(units in 1u64..=MAX_UNITS, decimals in 0u8..=MAX_DECIMALS) {
            let amount = Amount { units, decimals };
            prop_assert_eq!(Amount::parse(&amount.to_string()), Some(amount));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let _ = parse(&text);
        }
    }
}
