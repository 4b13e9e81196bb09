//! `/top` read into which leaderboard and how many places.

use super::rules::{DEFAULT_TOP, MAX_TOP};
use crate::rituals::command::CommandError;

/// Which leaderboard `/top` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopScope {
    Group(u32),
    /// Across all of the operator's groups.
    AllGroups(u32),
}

/// `/top [n]`, `/top all [n]`.
pub fn parse_top(args: &str) -> Result<TopScope, CommandError> {
    let mut words = args.split_whitespace();
    let (first, second) = (words.next(), words.next());
    if words.next().is_some() {
        return Err(CommandError::BadTop);
    }
    let count = |w: Option<&str>| -> Result<u32, CommandError> {
        match w {
            None => Ok(DEFAULT_TOP),
            Some(w) => w
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_TOP).contains(n))
                .ok_or(CommandError::BadTop),
        }
    };
    match first {
        Some(w) if w.eq_ignore_ascii_case("all") => Ok(TopScope::AllGroups(count(second)?)),
        _ if second.is_some() => Err(CommandError::BadTop),
        w => Ok(TopScope::Group(count(w)?)),
    }
}
