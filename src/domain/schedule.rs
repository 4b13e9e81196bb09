//! When scheduled posts run: cron lines and one-off times in a group's zone.
//!
//! Runs are computed in the group's *local* time and only then placed on the
//! timeline, and the next run is searched after the previous run's local
//! time. So a daylight-saving change neither doubles a post (01:30 that
//! happens twice is one run, at its first occurrence) nor skips one (02:30
//! that does not exist runs at the first minute that does).
//!
//! Cron lines are written as operators know them from Unix crontab: five
//! fields (minute hour day month weekday) or six with seconds first; weekday
//! 0 or 7 is Sunday. The `cron` crate counts Sunday as 1, so the weekday field
//! is translated here rather than surprising anyone.

use std::{collections::BTreeSet, str::FromStr, time::Duration};

use chrono::{NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;

use super::Lang;

/// How far ahead a one-off post may be set.
const MAX_AHEAD_DAYS: i64 = 366 * 2;

/// When a schedule runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timing {
    /// A recurring post; `source` is the line as the admin typed it.
    Cron {
        source: String,
        schedule: Box<cron::Schedule>,
    },
    /// A single post at a local time.
    Once(NaiveDateTime),
}

/// The next run: the local time it stands for and the instant it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub local: NaiveDateTime,
    pub at_ms: i64,
}

/// A timing the admin typed wrong; [`TimingError::explain`] says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimingError {
    #[error("a cron line has 5 or 6 fields, not {0}")]
    FieldCount(usize),
    #[error("bad {field} field `{value}`")]
    Field { field: &'static str, value: String },
    #[error("both day of month and weekday restricted")]
    BothDays,
    #[error("never runs")]
    Never,
    #[error("`{0}` is not a local time")]
    BadTime(String),
    #[error("the time is in the past")]
    Past,
    #[error("the time is too far ahead")]
    TooFar,
}

impl TimingError {
    /// One sentence in the group's language.
    pub fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (TimingError::FieldCount(n), Lang::En) => format!(
                "A cron line has 5 fields (minute hour day month weekday), e.g. \"30 20 * * *\" for 20:30 daily; yours has {n}."
            ),
            (TimingError::FieldCount(n), Lang::Zh) => format!(
                "cron 表达式应有 5 段（分 时 日 月 周），例如 \"30 20 * * *\" 表示每天 20:30；你写了 {n} 段。"
            ),
            (TimingError::Field { field, value }, Lang::En) => {
                format!("The {field} field `{value}` is not valid in a cron line.")
            }
            (TimingError::Field { field, value }, Lang::Zh) => {
                format!("cron 表达式的{}字段 `{value}` 无效。", field_zh(field))
            }
            (TimingError::BothDays, Lang::En) => {
                "Restrict either the day of the month or the weekday, not both.".to_owned()
            }
            (TimingError::BothDays, Lang::Zh) => "“日”和“周”只能限定其中一个。".to_owned(),
            (TimingError::Never, Lang::En) => "That cron line never runs.".to_owned(),
            (TimingError::Never, Lang::Zh) => "这个 cron 表达式永远不会触发。".to_owned(),
            (TimingError::BadTime(t), Lang::En) => {
                format!("`{t}` is not a time; write it like 2026-11-11T20:30.")
            }
            (TimingError::BadTime(t), Lang::Zh) => {
                format!("`{t}` 不是有效时间，请写成 2026-11-11T20:30 的形式。")
            }
            (TimingError::Past, Lang::En) => {
                "That time has already passed in this group's time zone.".to_owned()
            }
            (TimingError::Past, Lang::Zh) => "按本群时区，这个时间已经过去了。".to_owned(),
            (TimingError::TooFar, Lang::En) => {
                format!("A one-off post can be set at most {MAX_AHEAD_DAYS} days ahead.")
            }
            (TimingError::TooFar, Lang::Zh) => {
                format!("单次定时最多只能设在 {MAX_AHEAD_DAYS} 天之内。")
            }
        }
    }
}

fn field_zh(field: &str) -> &'static str {
    match field {
        "second" => "秒",
        "minute" => "分",
        "hour" => "时",
        "day" => "日",
        "month" => "月",
        _ => "周",
    }
}

impl Timing {
    /// Parses a crontab line (5 fields, or 6 with seconds first).
    pub fn cron(line: &str) -> Result<Self, TimingError> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (seconds, rest) = match fields.len() {
            5 => ("0", &fields[..]),
            6 => (fields[0], &fields[1..]),
            n => return Err(TimingError::FieldCount(n)),
        };
        let [minute, hour, day, month, weekday] = rest else {
            unreachable!("five fields remain");
        };
        if *day != "*" && *day != "?" && *weekday != "*" && *weekday != "?" {
            return Err(TimingError::BothDays);
        }
        let weekday = weekday_names(weekday)?;
        let expr = format!("{seconds} {minute} {hour} {day} {month} {weekday}");
        let schedule = cron::Schedule::from_str(&expr).map_err(|_| {
            // Find the field at fault by checking each alone.
            let names = ["second", "minute", "hour", "day", "month"];
            let values = [seconds, minute, hour, day, month];
            let (field, value) = names
                .iter()
                .zip(values)
                .find(|(name, value)| !field_is_valid(name, value))
                .map_or(("weekday", rest[4]), |(name, value)| (*name, value));
            TimingError::Field {
                field,
                value: value.to_owned(),
            }
        })?;
        if schedule.upcoming(chrono::Utc).next().is_none() {
            return Err(TimingError::Never);
        }
        Ok(Timing::Cron {
            source: fields.join(" "),
            schedule: Box::new(schedule),
        })
    }

    /// Parses a local time like `2026-11-11T20:30` (or with a space) that
    /// must lie ahead of `now_local`.
    pub fn once(text: &str, now_local: NaiveDateTime) -> Result<Self, TimingError> {
        let text = text.trim();
        let at = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .ok_or_else(|| TimingError::BadTime(text.to_owned()))?;
        if at <= now_local {
            return Err(TimingError::Past);
        }
        if (at - now_local).num_days() > MAX_AHEAD_DAYS {
            return Err(TimingError::TooFar);
        }
        Ok(Timing::Once(at))
    }

    /// How the timing is stored and listed: the cron line, or `once <time>`.
    pub fn source(&self) -> String {
        match self {
            Timing::Cron { source, .. } => source.clone(),
            Timing::Once(at) => format!("once {}", at.format("%Y-%m-%dT%H:%M")),
        }
    }

    /// Reads a stored timing back.
    pub fn from_source(source: &str) -> Result<Self, TimingError> {
        match source.strip_prefix("once ") {
            Some(at) => NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M")
                .map(Timing::Once)
                .map_err(|_| TimingError::BadTime(at.to_owned())),
            None => Timing::cron(source),
        }
    }

    /// The first run strictly after the local time `after`.
    pub fn next_after(&self, tz: Tz, after: NaiveDateTime) -> Option<Run> {
        let local = match self {
            Timing::Once(at) => Some(*at).filter(|at| *at > after)?,
            // Local wall-clock times stand in for UTC here, so the crate's
            // search runs in local time, unaware of any offset change.
            Timing::Cron { schedule, .. } => schedule.after(&after.and_utc()).next()?.naive_utc(),
        };
        Some(Run {
            local,
            at_ms: instant_of(tz, local),
        })
    }
}

/// Where a local time falls on the timeline: the earlier of two when the
/// clock went back, the first minute after the gap when it went forward.
pub fn instant_of(tz: Tz, local: NaiveDateTime) -> i64 {
    let mut probe = local;
    for _ in 0..=24 * 60 {
        if let Some(at) = tz.from_local_datetime(&probe).earliest() {
            return at.timestamp_millis();
        }
        // Inside a gap: step to the next whole minute.
        probe = probe.with_second(0).unwrap_or(probe) + chrono::Duration::minutes(1);
    }
    // No zone has a day-long gap; fall back to reading the time as UTC.
    local.and_utc().timestamp_millis()
}

/// The local wall-clock time of an instant in a zone.
pub fn local_of(tz: Tz, at_ms: i64) -> NaiveDateTime {
    tz.timestamp_millis_opt(at_ms).single().map_or_else(
        || chrono::DateTime::UNIX_EPOCH.naive_utc(),
        |t| t.naive_local(),
    )
}

/// What to do with a run whose time has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Post it (possibly late, after downtime shorter than the grace).
    Post,
    /// Missed by more than the grace: skip it, never flood the group.
    Skip,
}

/// Whether a run due at `at_ms` is posted or skipped at `now_ms`.
pub fn due(at_ms: i64, now_ms: i64, grace: Duration) -> Option<Due> {
    if at_ms > now_ms {
        None
    } else if now_ms - at_ms <= grace.as_millis() as i64 {
        Some(Due::Post)
    } else {
        Some(Due::Skip)
    }
}

/// Translates a crontab weekday field (0 or 7 = Sunday) into the names the
/// `cron` crate reads unambiguously.
fn weekday_names(field: &str) -> Result<String, TimingError> {
    if field == "*" || field == "?" {
        return Ok("*".to_owned());
    }
    let bad = || TimingError::Field {
        field: "weekday",
        value: field.to_owned(),
    };
    let day = |s: &str| -> Result<u32, TimingError> {
        const NAMES: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        if let Some(i) = NAMES.iter().position(|n| s.eq_ignore_ascii_case(n)) {
            return Ok(i as u32);
        }
        s.parse::<u32>().ok().filter(|d| *d <= 7).ok_or_else(bad)
    };
    let mut days = BTreeSet::new();
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0).ok_or_else(bad)?),
            None => (item, 1),
        };
        let (from, to) = match range {
            "*" => (0, 6),
            r => match r.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None if step > 1 => (day(r)?, 6),
                None => (day(r)?, day(r)?),
            },
        };
        if from > to {
            return Err(bad());
        }
        days.extend((from..=to).step_by(step as usize).map(|d| d % 7));
    }
    const CRON_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    Ok(days
        .iter()
        .map(|d| CRON_NAMES[*d as usize])
        .collect::<Vec<_>>()
        .join(","))
}

fn field_is_valid(name: &str, value: &str) -> bool {
    let expr = match name {
        "second" => format!("{value} * * * * *"),
        "minute" => format!("0 {value} * * * *"),
        "hour" => format!("0 0 {value} * * *"),
        "day" => format!("0 0 0 {value} * *"),
        _ => format!("0 0 0 * {value} *"),
    };
    cron::Schedule::from_str(&expr).is_ok()
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate, Weekday};
    use proptest::prelude::*;

    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").expect("test time")
    }

    fn utc(tz: Tz, run: Run) -> String {
        chrono::DateTime::from_timestamp_millis(run.at_ms)
            .expect("valid instant")
            .with_timezone(&tz)
            .to_rfc3339()
    }

    #[test]
    fn daily_at_2030_in_shanghai() {
        let tz: Tz = "Asia/Shanghai".parse().expect("zone");
        let timing = Timing::cron("30 20 * * *").expect("valid");
        let run = timing
            .next_after(tz, local("2026-11-10T21:00"))
            .expect("runs");
        assert_eq!(run.local, local("2026-11-11T20:30"));
        assert_eq!(utc(chrono_tz::UTC, run), "2026-11-11T12:30:00+00:00");
    }

    #[test]
    fn weekdays_count_sunday_as_zero_or_seven_like_crontab() {
        let tz = chrono_tz::UTC;
        for line in ["0 9 * * 1-5", "0 9 * * mon-fri"] {
            let timing = Timing::cron(line).expect("valid");
            let mut after = local("2026-11-20T10:00"); // a Friday
            let mut days = Vec::new();
            for _ in 0..5 {
                let run = timing.next_after(tz, after).expect("runs");
                days.push(run.local.weekday());
                after = run.local;
            }
            assert_eq!(
                days,
                [
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri
                ],
                "{line}"
            );
        }
        for line in ["0 9 * * 0", "0 9 * * 7", "0 9 * * sun"] {
            let run = Timing::cron(line)
                .expect("valid")
                .next_after(tz, local("2026-11-20T10:00"))
                .expect("runs");
            assert_eq!(
                run.local.date(),
                NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
            );
        }
    }

    #[test]
    fn spring_forward_runs_once_at_the_first_minute_that_exists() {
        // New York skipped 02:00–03:00 on 2026-03-08.
        let tz: Tz = "America/New_York".parse().expect("zone");
        let timing = Timing::cron("30 2 * * *").expect("valid");
        let run = timing
            .next_after(tz, local("2026-03-07T03:00"))
            .expect("runs");
        assert_eq!(run.local, local("2026-03-08T02:30"));
        assert_eq!(utc(tz, run), "2026-03-08T03:00:00-04:00");
        let next = timing.next_after(tz, run.local).expect("runs");
        assert_eq!(utc(tz, next), "2026-03-09T02:30:00-04:00");
    }

    #[test]
    fn fall_back_runs_once_at_the_first_occurrence() {
        // New York repeated 01:00–02:00 on 2026-11-01.
        let tz: Tz = "America/New_York".parse().expect("zone");
        let timing = Timing::cron("30 1 * * *").expect("valid");
        let run = timing
            .next_after(tz, local("2026-10-31T12:00"))
            .expect("runs");
        assert_eq!(utc(tz, run), "2026-11-01T01:30:00-04:00");
        let next = timing.next_after(tz, run.local).expect("runs");
        assert_eq!(
            utc(tz, next),
            "2026-11-02T01:30:00-05:00",
            "not again an hour later"
        );
    }

    #[test]
    fn bad_lines_say_which_field() {
        assert_eq!(
            Timing::cron("30 20 * *").unwrap_err(),
            TimingError::FieldCount(4)
        );
        assert_eq!(
            Timing::cron("61 20 * * *").unwrap_err(),
            TimingError::Field {
                field: "minute",
                value: "61".into()
            }
        );
        assert_eq!(
            Timing::cron("30 25 * * *").unwrap_err(),
            TimingError::Field {
                field: "hour",
                value: "25".into()
            }
        );
        assert_eq!(
            Timing::cron("30 20 * * funday").unwrap_err(),
            TimingError::Field {
                field: "weekday",
                value: "funday".into()
            }
        );
        assert_eq!(
            Timing::cron("0 9 1 * 1").unwrap_err(),
            TimingError::BothDays
        );
        assert_eq!(Timing::cron("0 0 31 2 *").unwrap_err(), TimingError::Never);
    }

    #[test]
    fn one_off_times_must_lie_ahead() {
        let now = local("2026-11-10T20:00");
        assert!(matches!(
            Timing::once("2026-11-11T20:30", now),
            Ok(Timing::Once(_))
        ));
        assert!(matches!(
            Timing::once("2026-11-11 20:30", now),
            Ok(Timing::Once(_))
        ));
        assert_eq!(
            Timing::once("2026-11-10T19:59", now).unwrap_err(),
            TimingError::Past
        );
        assert!(matches!(
            Timing::once("tomorrow", now),
            Err(TimingError::BadTime(_))
        ));
        assert_eq!(
            Timing::once("2030-01-01T00:00", now).unwrap_err(),
            TimingError::TooFar
        );
    }

    #[test]
    fn sources_read_back_to_the_same_timing() {
        for line in [
            "30 20 * * *",
            "0 30 20 * * mon-fri",
            "once 2026-11-11T20:30",
        ] {
            let timing = if let Some(at) = line.strip_prefix("once ") {
                Timing::once(at, local("2026-01-01T00:00")).expect("valid")
            } else {
                Timing::cron(line).expect("valid")
            };
            let again = Timing::from_source(&timing.source()).expect("stored form parses");
            assert_eq!(again.source(), timing.source());
        }
    }

    #[test]
    fn late_runs_within_the_grace_post_and_older_ones_skip() {
        let grace = Duration::from_secs(600);
        assert_eq!(due(1_000, 999, grace), None);
        assert_eq!(due(1_000, 1_000, grace), Some(Due::Post));
        assert_eq!(due(1_000, 601_000, grace), Some(Due::Post));
        assert_eq!(due(1_000, 601_001, grace), Some(Due::Skip));
    }

    proptest! {
        /// Across whole years of any zone, a daily line runs exactly once per
        /// local day, in order, never twice at one instant.
        #[test]
        fn a_daily_line_runs_once_every_local_day(
            zone in prop::sample::select(vec!["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai", "America/Santiago"]),
            hour in 0u32..24,
            minute in 0u32..60,
        ) {
            let tz: Tz = zone.parse().expect("zone");
            let timing = Timing::cron(&format!("{minute} {hour} * * *")).expect("valid");
            let mut after = local("2025-12-31T23:59");
            let mut last_at = i64::MIN;
            for day in 0..365 {
                let run = timing.next_after(tz, after).expect("runs");
                prop_assert_eq!(run.local.date(), local("2026-01-01T00:00").date() + chrono::Duration::days(day));
                prop_assert!(run.at_ms > last_at);
                last_at = run.at_ms;
                after = run.local;
            }
        }
    }
}
