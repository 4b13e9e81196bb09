//! "The Nth reply wins": members reply to the bot's prompt, each counted once
//! in the order the platform delivers the replies, and at the deadline the
//! Nth (or every Mth) is announced. Nothing here is random, so there is no
//! seed: the frozen order of replies is the whole proof.

use serde::{Deserialize, Serialize};

use crate::rituals::coupons::rules::PoolName;

/// The largest N (or M).
pub const MAX_NTH: u32 = 10_000;
/// The longest prize text.
pub const MAX_PRIZE_CHARS: usize = 100;

/// Which replies win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Only the Nth.
    Nth(u32),
    /// The Mth, 2Mth, 3Mth, …
    Every(u32),
}

impl Rule {
    /// Whether the reply at 0-based `position` wins.
    pub fn wins(self, position: u64) -> bool {
        match self {
            Rule::Nth(n) => position + 1 == u64::from(n),
            Rule::Every(m) => (position + 1).is_multiple_of(u64::from(m)),
        }
    }

    /// The winning positions among `count` replies, in order.
    pub fn winners(self, count: u64) -> Vec<u64> {
        match self {
            Rule::Nth(n) if u64::from(n) <= count => vec![u64::from(n) - 1],
            Rule::Nth(_) => Vec::new(),
            Rule::Every(m) => (1..=count / u64::from(m))
                .map(|k| k * u64::from(m) - 1)
                .collect(),
        }
    }
}

/// What a game was opened with, stored with the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NthParams {
    pub rule: Rule,
    /// Unix ms after which replies no longer count.
    pub ends_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize: Option<String>,
    /// The coupon pool each winner's code comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolName>,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_nth_wins_once_and_every_mth_wins_each_time() {
        assert_eq!(Rule::Nth(8).winners(7), Vec::<u64>::new());
        assert_eq!(Rule::Nth(8).winners(20), vec![7]);
        assert_eq!(Rule::Every(5).winners(17), vec![4, 9, 14]);
    }

    proptest! {
        #[test]
        fn winners_are_exactly_the_winning_positions(n in 1u32..50, every: bool, count in 0u64..500) {
            let rule = if every { Rule::Every(n) } else { Rule::Nth(n) };
            let expected: Vec<u64> = (0..count).filter(|p| rule.wins(*p)).collect();
            prop_assert_eq!(rule.winners(count), expected);
        }
    }
}
