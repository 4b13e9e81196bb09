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

pub mod words;

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
                "Say when it runs in words (daily 20:30, weekdays 09:00, fri 20:30) or as a cron line of 5 fields (minute hour day month weekday) in quotes, e.g. \"30 20 * * *\" for 20:30 daily; yours has {n}."
            ),
            (TimingError::FieldCount(n), Lang::Zh) => format!(
                "请用文字写时间（每天 20:30、工作日 09:00、每周五 20:30），或用引号括起 5 段的 cron 表达式（分 时 日 月 周），例如 \"30 20 * * *\" 表示每天 20:30；你写了 {n} 段。"
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

    /// Parses a recurring rule in words (`daily 20:30`, `每周五 20:30`,
    /// see [`words`]) or as a crontab line; it is kept as the crontab line.
    pub fn recurring(text: &str) -> Result<Self, TimingError> {
        match words::cron_line(text) {
            Some(line) => Timing::cron(&line),
            None => Timing::cron(text),
        }
    }

    /// How the timing reads in a list: in words when it can be, else as
    /// stored.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Timing::Cron { source, .. } => {
                words::describe(source, lang).unwrap_or_else(|| source.clone())
            }
            Timing::Once(_) => self.source(),
        }
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
    const CRON_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    Ok(weekday_set(field)?
        .iter()
        .map(|d| CRON_NAMES[*d as usize])
        .collect::<Vec<_>>()
        .join(","))
}

/// The days a crontab weekday field names, Sunday = 0.
fn weekday_set(field: &str) -> Result<BTreeSet<u32>, TimingError> {
    if field == "*" || field == "?" {
        return Ok((0..7).collect());
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
    Ok(days)
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
mod tests;
