//! `/coupons` and `/redeem`, parsed into types.

use super::rules::{Code, PoolName};
use crate::domain::Lang;

/// The largest per-member limit or alert threshold.
pub const MAX_SETTING: u32 = 1_000_000;

/// `/coupons …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CouponsCommand {
    /// Stock per pool.
    Stock,
    /// How many codes of a pool one member may hold.
    Limit(PoolName, u32),
    /// Tell the operators when fewer codes than this are left.
    Alert(PoolName, u32),
    /// Which of the operator's groups may pay from a pool: groups or group
    /// sets as typed, or none for all of them (`all`).
    Allow(PoolName, Vec<String>),
}

/// `/coupons` or `/redeem` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouponArgsError {
    #[error("usage")]
    Usage,
    #[error("redeem usage")]
    RedeemUsage,
    #[error("pool")]
    Pool(String),
    #[error("number")]
    Number(String),
}

impl CouponArgsError {
    /// The sentence the admin sees.
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, Lang::En) => "Use /coupons for the stock, /coupons limit <pool> <n> for codes per member, /coupons alert <pool> <n> to be told when fewer than n are left, /coupons allow <pool> <group|set>… (or all) for the groups that may pay from it.".to_owned(),
            (Self::Usage, Lang::Zh) => "用法：/coupons 查看库存；/coupons limit <券池> <n> 设置每人可领数量；/coupons alert <券池> <n> 在剩余少于 n 张时提醒；/coupons allow <券池> <群|群组集>…（或 all）指定可用该券池的群。".to_owned(),
            (Self::RedeemUsage, Lang::En) => "Use /redeem <code>, with the code as the member shows it.".to_owned(),
            (Self::RedeemUsage, Lang::Zh) => "用法：/redeem <券码>，填写会员出示的券码。".to_owned(),
            (Self::Pool(p), Lang::En) => format!("`{}` is not a pool name: letters, digits, _ and -, at most 32.", cut(p)),
            (Self::Pool(p), Lang::Zh) => format!("`{}` 不是券池名：只能用字母、数字、_ 和 -，最多 32 个字符。", cut(p)),
            (Self::Number(n), Lang::En) => format!("`{}` is not a number from 0 to {MAX_SETTING}.", cut(n)),
            (Self::Number(n), Lang::Zh) => format!("`{}` 不是 0 到 {MAX_SETTING} 之间的数字。", cut(n)),
        }
    }
}

/// Parses the arguments after `/coupons`.
pub fn parse_coupons(args: &str) -> Result<CouponsCommand, CouponArgsError> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let setting = |pool: &str, n: &str| -> Result<(PoolName, u32), CouponArgsError> {
        let pool = PoolName::parse(pool).ok_or_else(|| CouponArgsError::Pool(pool.to_owned()))?;
        let n = n
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_SETTING)
            .ok_or_else(|| CouponArgsError::Number(n.to_owned()))?;
        Ok((pool, n))
    };
    match words.as_slice() {
        [] => Ok(CouponsCommand::Stock),
        [verb, pool, n] if verb.eq_ignore_ascii_case("limit") => {
            let (pool, n) = setting(pool, n)?;
            Ok(CouponsCommand::Limit(pool, n))
        }
        [verb, pool, n] if verb.eq_ignore_ascii_case("alert") => {
            let (pool, n) = setting(pool, n)?;
            Ok(CouponsCommand::Alert(pool, n))
        }
        [verb, pool, targets @ ..] if verb.eq_ignore_ascii_case("allow") && !targets.is_empty() => {
            let pool =
                PoolName::parse(pool).ok_or_else(|| CouponArgsError::Pool((*pool).to_owned()))?;
            let all = matches!(targets, [t] if t.eq_ignore_ascii_case("all"));
            let targets = if all {
                Vec::new()
            } else {
                targets.iter().map(|t| (*t).to_owned()).collect()
            };
            Ok(CouponsCommand::Allow(pool, targets))
        }
        _ => Err(CouponArgsError::Usage),
    }
}

/// Parses the arguments after `/redeem`.
pub fn parse_redeem(args: &str) -> Result<Code, CouponArgsError> {
    let mut words = args.split_whitespace();
    match (words.next(), words.next()) {
        (Some(code), None) => Code::parse(code).map_err(|_| CouponArgsError::RedeemUsage),
        _ => Err(CouponArgsError::RedeemUsage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stock_settings_and_redeem() {
        assert_eq!(parse_coupons(""), Ok(CouponsCommand::Stock));
        assert_eq!(
            parse_coupons("limit VIP 2"),
            Ok(CouponsCommand::Limit(PoolName::parse("vip").unwrap(), 2))
        );
        assert_eq!(
            parse_coupons("alert vip 50"),
            Ok(CouponsCommand::Alert(PoolName::parse("vip").unwrap(), 50))
        );
        assert_eq!(parse_redeem(" AB-12 ").unwrap().as_str(), "AB-12");
        let vip = || PoolName::parse("vip").unwrap();
        assert_eq!(
            parse_coupons("allow vip tg:-1001 south"),
            Ok(CouponsCommand::Allow(
                vip(),
                vec!["tg:-1001".into(), "south".into()]
            ))
        );
        assert_eq!(
            parse_coupons("allow vip ALL"),
            Ok(CouponsCommand::Allow(vip(), Vec::new()))
        );
    }

    #[test]
    fn names_each_mistake() {
        assert_eq!(parse_coupons("limit"), Err(CouponArgsError::Usage));
        assert_eq!(parse_coupons("allow vip"), Err(CouponArgsError::Usage));
        assert_eq!(
            parse_coupons("limit 券 2"),
            Err(CouponArgsError::Pool("券".into()))
        );
        assert_eq!(
            parse_coupons("alert vip -1"),
            Err(CouponArgsError::Number("-1".into()))
        );
        assert_eq!(parse_redeem(""), Err(CouponArgsError::RedeemUsage));
        assert_eq!(parse_redeem("a b"), Err(CouponArgsError::RedeemUsage));
    }
}
