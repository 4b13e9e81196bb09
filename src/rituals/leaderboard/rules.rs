//! Ranking rules for invite leaderboards.

use crate::domain::UserId;

/// One inviter's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub inviter: UserId,
    pub count: i64,
    /// When the inviter's current invitees had all arrived (unix ms): of two
    /// equal counts, the one reached earlier ranks first.
    pub reached_at: i64,
}

/// Sorts standings: more invites first, then earlier reached, then by id so
/// the order never flickers between two calls.
pub fn rank(standings: &mut [Standing]) {
    standings.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.reached_at.cmp(&b.reached_at))
            .then(a.inviter.cmp(&b.inviter))
    });
}

/// Default and largest number of rows `/top` shows.
pub const DEFAULT_TOP: u32 = 10;
pub const MAX_TOP: u32 = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_whoever_reached_the_count_first() {
        let s = |id, count, reached_at| Standing {
            inviter: UserId::telegram(id),
            count,
            reached_at,
        };
        let mut v = vec![s(1, 3, 50), s(2, 5, 90), s(3, 3, 10)];
        rank(&mut v);
        let ids: Vec<_> = v
            .iter()
            .map(|s| s.inviter.as_telegram().unwrap_or(0))
            .collect();
        assert_eq!(ids, [2, 3, 1]);
    }
}
