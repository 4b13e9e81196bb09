//! `/milestone`: invite-contest thresholds that earn a reward and a
//! certificate.
//!
//! A member who reaches a milestone's count of effective invites, with none
//! of their invitees still waiting for review (the audit comes before
//! rewards), is congratulated in the group, gets a code from the
//! milestone's pool if it names one, and a certificate to show.

use crate::{
    domain::Lang::{self, En, Zh},
    rituals::coupons::rules::PoolName,
};

/// The highest threshold a milestone may set.
pub const MAX_INVITES: u32 = 100_000;

/// What `/milestone` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MilestoneCommand {
    List,
    Add {
        invites: u32,
        pool: Option<PoolName>,
    },
    Remove(u32),
}

/// A `/milestone` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MilestoneArgsError {
    #[error("usage")]
    Usage,
    #[error("bad count")]
    Count(String),
    #[error("bad pool")]
    Pool(String),
}

impl MilestoneArgsError {
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, En) => "Use /milestone to list milestones, /milestone add <invites> [pool] \
                 (e.g. /milestone add 30 gift: at 30 effective invites a member is congratulated, \
                 gets a code from the pool and a certificate), or /milestone remove <invites>."
                .to_owned(),
            (Self::Usage, Zh) => "用法：/milestone 查看里程碑，/milestone add <邀请人数> [券池]\
                 （例如 /milestone add 30 gift：有效邀请满 30 人时在群里祝贺，发放券池里的一张券和一张证书），\
                 或 /milestone remove <邀请人数>。"
                .to_owned(),
            (Self::Count(s), En) => format!(
                "`{}` is not a count of invites: write a whole number from 1 to {MAX_INVITES}.",
                cut(s)
            ),
            (Self::Count(s), Zh) => {
                format!("`{}` 不是有效的邀请人数：请写 1 到 {MAX_INVITES} 的整数。", cut(s))
            }
            (Self::Pool(s), En) => format!(
                "`{}` is not a pool name: lower-case letters, digits, `_` or `-`.",
                cut(s)
            ),
            (Self::Pool(s), Zh) => {
                format!("`{}` 不是有效的券池名：小写字母、数字、`_` 或 `-`。", cut(s))
            }
        }
    }
}

fn count(word: &str) -> Result<u32, MilestoneArgsError> {
    word.parse()
        .ok()
        .filter(|n| (1..=MAX_INVITES).contains(n))
        .ok_or_else(|| MilestoneArgsError::Count(word.to_owned()))
}

/// Parses what follows `/milestone`.
pub fn parse(args: &str) -> Result<MilestoneCommand, MilestoneArgsError> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        [] | ["list"] => Ok(MilestoneCommand::List),
        ["add", n] => Ok(MilestoneCommand::Add {
            invites: count(n)?,
            pool: None,
        }),
        ["add", n, pool] => Ok(MilestoneCommand::Add {
            invites: count(n)?,
            pool: Some(
                PoolName::parse(pool)
                    .ok_or_else(|| MilestoneArgsError::Pool((*pool).to_owned()))?,
            ),
        }),
        ["remove" | "delete", n] => Ok(MilestoneCommand::Remove(count(n)?)),
        _ => Err(MilestoneArgsError::Usage),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn milestones_name_a_count_and_maybe_a_pool() {
        assert_eq!(parse(""), Ok(MilestoneCommand::List));
        assert_eq!(
            parse("add 30 gift"),
            Ok(MilestoneCommand::Add {
                invites: 30,
                pool: PoolName::parse("gift")
            })
        );
        assert_eq!(
            parse("add 5"),
            Ok(MilestoneCommand::Add {
                invites: 5,
                pool: None
            })
        );
        assert_eq!(parse("remove 30"), Ok(MilestoneCommand::Remove(30)));
        assert_eq!(parse("add 0"), Err(MilestoneArgsError::Count("0".into())));
        assert_eq!(parse("add x"), Err(MilestoneArgsError::Count("x".into())));
        assert_eq!(
            parse("add 3 Gift!"),
            Err(MilestoneArgsError::Pool("Gift!".into()))
        );
        assert_eq!(parse("add 3 gift more"), Err(MilestoneArgsError::Usage));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,200}") {
            if let Err(e) = parse(&text) {
                prop_assert!(!e.explain(Lang::Zh).is_empty());
            }
        }
    }
}
