//! Recurring times in words, both ways: `daily 20:30`, `weekdays 09:00`,
//! `fri 20:30`, `每天 20:30`, `工作日 09:00`, `每周五 20:30` read as the
//! crontab line they stand for, and simple crontab lines told back in the
//! group's language. Operators think in days and clock times, not fields.

use std::collections::BTreeSet;

use super::Lang;

/// Sunday = 0, as in crontab.
type Days = BTreeSet<u32>;

const WEEKDAYS: [u32; 5] = [1, 2, 3, 4, 5];
const WEEKEND: [u32; 2] = [0, 6];

/// The crontab line (`minute hour * * weekdays`) a rule in words stands
/// for, or `None` when `text` is not one. The day part and the time may be
/// written together (`每天20:30`) and the colon may be full-width.
pub fn cron_line(text: &str) -> Option<String> {
    let text = text.trim().replace('：', ":");
    let (days, time) = match text.split_once(char::is_whitespace) {
        Some((days, time)) => (days.trim(), time.trim()),
        // `每天20:30`: the time is the digits at the end.
        None => text.split_at(text.find(|c: char| c.is_ascii_digit())?),
    };
    let (hour, minute) = clock(time)?;
    let days = days_of(days)?;
    let weekday = if days.len() == 7 {
        "*".to_owned()
    } else {
        let names: Vec<String> = days.iter().map(u32::to_string).collect();
        names.join(",")
    };
    Some(format!("{minute} {hour} * * {weekday}"))
}

/// `20:30` or `9:05`.
fn clock(time: &str) -> Option<(u32, u32)> {
    let (hour, minute) = time.split_once(':')?;
    let two_digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(hour) || minute.len() != 2 || !two_digits(minute) {
        return None;
    }
    let (hour, minute) = (hour.parse().ok()?, minute.parse().ok()?);
    (hour < 24 && minute < 60).then_some((hour, minute))
}

/// The days a day part names: a word for a set of days, or weekday names
/// (`mon,wed,fri`, `fridays`, `每周一三五`, `周五`, `星期五`).
fn days_of(words: &str) -> Option<Days> {
    let lower = words.to_lowercase();
    let set = |days: &[u32]| Some(days.iter().copied().collect());
    match lower.as_str() {
        "daily" | "everyday" | "每天" | "每日" | "天天" => {
            return set(&[0, 1, 2, 3, 4, 5, 6]);
        }
        "weekdays" | "workdays" | "工作日" | "每个工作日" => return set(&WEEKDAYS),
        "weekends" | "周末" | "每周末" | "週末" | "每週末" => return set(&WEEKEND),
        _ => {}
    }
    if let Some(days) = chinese_days(&lower) {
        return Some(days);
    }
    lower
        .split(',')
        .map(|name| english_day(name.trim()))
        .collect::<Option<Days>>()
        .filter(|days| !days.is_empty())
}

fn english_day(name: &str) -> Option<u32> {
    const NAMES: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    let name = name.strip_suffix('s').unwrap_or(name);
    NAMES
        .iter()
        .position(|full| name.len() >= 3 && full.starts_with(name))
        .map(|i| i as u32)
}

/// `每周五`, `周五`, `星期五`, `礼拜五`, `每周一三五`, `每週一、三`.
fn chinese_days(words: &str) -> Option<Days> {
    let rest = words.strip_prefix('每').unwrap_or(words);
    let rest = ["周", "週", "星期", "礼拜", "禮拜"]
        .iter()
        .find_map(|prefix| rest.strip_prefix(prefix))?;
    let mut days = Days::new();
    for c in rest.chars().filter(|c| !matches!(c, '、' | ',' | '，')) {
        let day = "日一二三四五六".chars().position(|d| d == c);
        days.insert(day.or((c == '天').then_some(0))? as u32);
    }
    (!days.is_empty()).then_some(days)
}

/// A crontab line told in words, when it is one that runs at one time of
/// day on a set of weekdays (every month, any day of the month).
pub fn describe(line: &str, lang: Lang) -> Option<String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let fields = match fields.as_slice() {
        ["0", rest @ ..] if rest.len() == 5 => rest,
        all => all,
    };
    let [minute, hour, "*" | "?", "*", weekday] = fields else {
        return None;
    };
    let (hour, minute) = (hour.parse::<u32>().ok()?, minute.parse::<u32>().ok()?);
    if hour > 23 || minute > 59 {
        return None;
    }
    let days = super::weekday_set(weekday).ok()?;
    let time = format!("{hour:02}:{minute:02}");
    Some(match lang {
        Lang::En => format!("{} at {time}", english_days(&days)),
        Lang::Zh => format!("{} {time}", chinese_days_text(&days)),
    })
}

fn english_days(days: &Days) -> String {
    const PLURALS: [&str; 7] = [
        "Sundays",
        "Mondays",
        "Tuesdays",
        "Wednesdays",
        "Thursdays",
        "Fridays",
        "Saturdays",
    ];
    match days.len() {
        7 => return "every day".to_owned(),
        _ if days.iter().eq(WEEKDAYS.iter()) => return "weekdays".to_owned(),
        _ if days.iter().eq(WEEKEND.iter()) => return "weekends".to_owned(),
        _ => {}
    }
    let names: Vec<&str> = monday_first(days).map(|d| PLURALS[d as usize]).collect();
    match names.as_slice() {
        [.., last] if names.len() > 1 => {
            format!("{} and {last}", names[..names.len() - 1].join(", "))
        }
        _ => names.concat(),
    }
}

fn chinese_days_text(days: &Days) -> String {
    match days.len() {
        7 => return "每天".to_owned(),
        _ if days.iter().eq(WEEKDAYS.iter()) => return "工作日".to_owned(),
        _ if days.iter().eq(WEEKEND.iter()) => return "周末".to_owned(),
        _ => {}
    }
    const NAMES: [&str; 7] = ["日", "一", "二", "三", "四", "五", "六"];
    let names: Vec<&str> = monday_first(days).map(|d| NAMES[d as usize]).collect();
    format!("每周{}", names.join("、"))
}

/// Days in the order a week is read here: Monday to Sunday.
fn monday_first(days: &Days) -> impl Iterator<Item = u32> + '_ {
    days.iter()
        .copied()
        .filter(|d| *d != 0)
        .chain(days.get(&0).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_both_languages_read_as_crontab_lines() {
        for (words, line) in [
            ("daily 20:30", "30 20 * * *"),
            ("Daily 9:05", "5 9 * * *"),
            ("weekdays 09:00", "0 9 * * 1,2,3,4,5"),
            ("weekends 10:00", "0 10 * * 0,6"),
            ("fri 20:30", "30 20 * * 5"),
            ("Fridays 20:30", "30 20 * * 5"),
            ("mon,wed,fri 08:15", "15 8 * * 1,3,5"),
            ("sun 23:59", "59 23 * * 0"),
            ("每天 20:30", "30 20 * * *"),
            ("每天20:30", "30 20 * * *"),
            ("每日 20：30", "30 20 * * *"),
            ("工作日 09:00", "0 9 * * 1,2,3,4,5"),
            ("周末 10:00", "0 10 * * 0,6"),
            ("每周五 20:30", "30 20 * * 5"),
            ("周日 08:00", "0 8 * * 0"),
            ("星期天 08:00", "0 8 * * 0"),
            ("每周一三五 19:00", "0 19 * * 1,3,5"),
            ("每週一、三 19:00", "0 19 * * 1,3"),
        ] {
            assert_eq!(cron_line(words).as_deref(), Some(line), "{words}");
        }
    }

    #[test]
    fn anything_else_is_not_words() {
        for text in [
            "30 20 * * *",
            "daily",
            "daily 24:00",
            "daily 20:3",
            "daily 20:300",
            "fr 20:30",
            "someday 20:30",
            "每周八 20:30",
            "每周 20:30",
            "20:30",
            "",
        ] {
            assert_eq!(cron_line(text), None, "{text}");
        }
    }

    #[test]
    fn simple_crontab_lines_are_told_in_words() {
        for (line, en, zh) in [
            ("30 20 * * *", "every day at 20:30", "每天 20:30"),
            ("0 9 * * 1-5", "weekdays at 09:00", "工作日 09:00"),
            ("0 10 * * 6,0", "weekends at 10:00", "周末 10:00"),
            ("30 20 * * 5", "Fridays at 20:30", "每周五 20:30"),
            (
                "0 19 * * 0,1,3",
                "Mondays, Wednesdays and Sundays at 19:00",
                "每周一、三、日 19:00",
            ),
            ("0 30 20 * * 7", "Sundays at 20:30", "每周日 20:30"),
        ] {
            assert_eq!(describe(line, Lang::En).as_deref(), Some(en), "{line}");
            assert_eq!(describe(line, Lang::Zh).as_deref(), Some(zh), "{line}");
        }
        for line in ["*/15 * * * *", "0 9 1 * *", "0 9 * 12 *", "0 8,20 * * *"] {
            assert_eq!(describe(line, Lang::En), None, "{line}");
        }
    }

    #[test]
    fn every_rule_in_words_is_told_back_the_same_way() {
        for words in [
            "daily 20:30",
            "weekdays 09:00",
            "fri 20:30",
            "每周一三五 19:00",
        ] {
            let line = cron_line(words).unwrap();
            assert!(describe(&line, Lang::En).is_some(), "{words}");
            assert!(describe(&line, Lang::Zh).is_some(), "{words}");
        }
    }
}
