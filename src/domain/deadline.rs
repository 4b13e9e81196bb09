//! A deadline as admins type it (`30m`, `2h`, `1h30m`, or a local `21:00`),
//! and the moment it names in a group's time zone. Reply games, wheels and
//! giveaways end this way.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use super::schedule::{instant_of, local_of};

/// The longest a deadline may be: a game, a wheel or a giveaway runs a
/// week at most.
pub const MAX_MINUTES: u32 = 7 * 24 * 60;

/// When the game ends, before the group's time zone is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// After this many minutes.
    In(u32),
    /// At the next such local time.
    At(NaiveTime),
}

/// `30m`, `2h`, `1h30m`, or a local `21:00`.
pub fn parse_deadline(text: &str) -> Option<Deadline> {
    if let Ok(time) = NaiveTime::parse_from_str(text, "%H:%M") {
        return Some(Deadline::At(time));
    }
    let lower = text.to_ascii_lowercase();
    let (hours, rest) = match lower.split_once('h') {
        Some((h, rest)) => (h.parse::<u32>().ok()?, rest),
        None => (0, lower.as_str()),
    };
    let minutes = match rest {
        "" => 0,
        m => m.strip_suffix('m')?.parse::<u32>().ok()?,
    };
    let total = hours.checked_mul(60)?.checked_add(minutes)?;
    (1..=MAX_MINUTES)
        .contains(&total)
        .then_some(Deadline::In(total))
}

/// The moment a deadline names, counted from `now`: after the minutes
/// given, or at the next such local time.
pub fn moment_after(deadline: Deadline, zone: Tz, now: i64) -> i64 {
    match deadline {
        Deadline::In(minutes) => now + i64::from(minutes) * 60_000,
        Deadline::At(time) => {
            let local_now = local_of(zone, now);
            let today = NaiveDateTime::new(local_now.date(), time);
            let at = if today > local_now {
                today
            } else {
                today + Duration::days(1)
            };
            instant_of(zone, at)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_read_as_minutes_or_a_local_time() {
        assert_eq!(parse_deadline("30m"), Some(Deadline::In(30)));
        assert_eq!(parse_deadline("1h30m"), Some(Deadline::In(90)));
        assert_eq!(parse_deadline("2H"), Some(Deadline::In(120)));
        assert_eq!(
            parse_deadline("21:00"),
            NaiveTime::from_hms_opt(21, 0, 0).map(Deadline::At)
        );
        for bad in ["0m", "", "m", "1h-5m", "soon", "25:00"] {
            assert_eq!(parse_deadline(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_local_time_already_past_today_is_tomorrow() {
        let zone = chrono_tz::Asia::Shanghai;
        // 2026-11-12 12:00 UTC is 20:00 in Shanghai.
        let now = 1_794_484_800_000;
        let at = |h| Deadline::At(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
        assert_eq!(moment_after(at(21), zone, now), now + 3_600_000);
        assert_eq!(moment_after(at(19), zone, now), now + 23 * 3_600_000);
        assert_eq!(moment_after(Deadline::In(5), zone, now), now + 300_000);
    }
}
