//! Raid mode: when joins come faster than a group's limit, greetings fold
//! into one summary per interval, screening tightens and admins are told;
//! the raid ends by itself after quiet minutes.

/// Raid mode is off unless a group or operator sets a limit: a campaign's
/// own push can bring hundreds of real members in a minute, and they expect
/// to be greeted by name.
pub const DEFAULT_RAID_JOINS: u32 = 0;
/// Minutes without a busy minute after which a raid ends.
pub const QUIET_MINUTES: i64 = 10;
/// Newcomers one raid summary stands for at most; more wait for the next.
pub const MAX_SUMMARY: i64 = 5_000;

/// The minute (since the epoch) a moment falls in: joins are counted per minute.
pub fn minute_of(at_ms: i64) -> i64 {
    at_ms.div_euclid(60_000)
}

/// Whether `joins` in one minute make a raid, at a limit of `limit` (0: never).
pub fn is_raid(joins: i64, limit: u32) -> bool {
    limit > 0 && joins >= i64::from(limit)
}

/// The review threshold during a raid: half the usual, so the faint tells
/// (a doubled name, a new account) flag a newcomer too.
pub fn tightened(threshold: u32) -> u32 {
    (threshold / 2).max(1)
}

/// Whether a raid last busy at `busy_at_ms` is over at `now_ms`.
pub fn is_over(busy_at_ms: i64, now_ms: i64) -> bool {
    now_ms - busy_at_ms >= QUIET_MINUTES * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raid_starts_at_the_limit_and_ends_after_quiet_minutes() {
        assert!(!is_raid(29, 30));
        assert!(is_raid(30, 30));
        assert!(!is_raid(1_000, 0), "0 turns raid mode off");
        assert_eq!(tightened(40), 20);
        assert_eq!(tightened(1), 1);
        assert!(!is_over(0, 9 * 60_000 + 59_999));
        assert!(is_over(0, 10 * 60_000));
        assert_eq!(minute_of(59_999), 0);
        assert_eq!(minute_of(-1), -1);
    }
}
