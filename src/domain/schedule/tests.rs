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
