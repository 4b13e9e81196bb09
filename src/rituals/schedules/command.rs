//! The arguments of `/schedule`, `/snippet` and friends, parsed into types.
//!
//! Phones turn `"` into `“ ”` as people type, so both quote styles (and
//! `「 」`) group words. Flags come before the text; the text is everything
//! after them, kept as typed, line breaks included.

use crate::domain::{
    Lang,
    schedule::{Timing, TimingError, words},
    template::MAX_TEMPLATE_CHARS,
};
use crate::rituals::command::CommandError;

/// What a scheduled post is for; the kind sets its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    /// Hype: hints a benefit, no details.
    Teaser,
    /// Time, place and what happens.
    Notice,
    /// A draw's announcement.
    Announce,
}

impl PostKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Teaser => "teaser",
            PostKind::Notice => "notice",
            PostKind::Announce => "announce",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "teaser" => Some(PostKind::Teaser),
            "notice" => Some(PostKind::Notice),
            "announce" => Some(PostKind::Announce),
            _ => None,
        }
    }
}

/// `/schedule …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleCommand {
    List,
    Add(NewPost),
    Pause(i64),
    Resume(i64),
    Delete(i64),
    /// `/schedule edit <n> <when>` or `/schedule edit <n> text <text>`.
    Edit(i64, Change),
}

/// What `/schedule edit` changes; the rest of the schedule, its
/// confirmations among it, stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    When(When),
    Text(String),
}

/// When a new post runs, before the group's time zone is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    Cron(Timing),
    /// A local time, checked against the group's "now" when saved.
    Once(String),
}

/// A post to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub when: When,
    pub kind: PostKind,
    pub pin: bool,
    /// Members confirm by replying this phrase (or replying to the post).
    pub confirm: Option<String>,
    /// `--groups`: group ids or group-set names; empty means this group.
    pub targets: Vec<String>,
    pub text: String,
}

/// `/snippet …`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnippetCommand {
    List,
    Save { name: String, text: String },
    Delete(String),
}

/// `/groupset …` (operators)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSetCommand {
    List,
    Save { name: String, groups: Vec<String> },
    Delete(String),
}

/// Arguments typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    #[error("usage")]
    ScheduleUsage,
    #[error("kind")]
    Kind(String),
    #[error("id")]
    Id(String),
    #[error("flag")]
    Flag(String),
    #[error("quote")]
    Unclosed,
    #[error("timing")]
    Timing(#[from] TimingError),
    #[error("text")]
    NoText,
    #[error("too long")]
    TooLong,
    #[error("snippet usage")]
    SnippetUsage,
    #[error("name")]
    Name(String),
    #[error("group set usage")]
    GroupSetUsage,
}

impl ArgsError {
    pub fn explain(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        match (self, lang) {
            (ArgsError::ScheduleUsage, En) => "Use /schedule list, /schedule add daily 20:30 notice <text> (or weekdays 09:00, fri 20:30, a cron line in quotes), /schedule once 2026-11-11T20:30 teaser <text>, /schedule edit <id> fri 21:00 or /schedule edit <id> text <text>, or /schedule pause|resume|delete <id>. Options before the text: --pin, --confirm \"phrase\", --groups <ids or set>.".to_owned(),
            (ArgsError::ScheduleUsage, Zh) => "用法：/schedule list、/schedule add 每天 20:30 notice <内容>（或 工作日 09:00、每周五 20:30、引号括起的 cron 表达式）、/schedule once 2026-11-11T20:30 teaser <内容>、/schedule edit <编号> 每周五 21:00 或 /schedule edit <编号> text <内容>，或 /schedule pause|resume|delete <编号>。内容前可加：--pin、--confirm \"口令\"、--groups <群编号或群组名>。".to_owned(),
            (ArgsError::Kind(k), En) => format!("`{k}` is not a kind of post; use teaser, notice or announce."),
            (ArgsError::Kind(k), Zh) => format!("`{k}` 不是帖子类型；可用 teaser（预热）、notice（通知）或 announce（开奖公告）。"),
            (ArgsError::Id(id), En) => format!("`{id}` is not a schedule number; /schedule list shows them."),
            (ArgsError::Id(id), Zh) => format!("`{id}` 不是定时编号；发送 /schedule list 查看。"),
            (ArgsError::Flag(f), En) => format!("Unknown option `{f}`; the options are --pin, --confirm \"phrase\" and --groups <ids or set>."),
            (ArgsError::Flag(f), Zh) => format!("未知选项 `{f}`；可用选项：--pin、--confirm \"口令\"、--groups <群编号或群组名>。"),
            (ArgsError::Unclosed, En) => "A quote is never closed.".to_owned(),
            (ArgsError::Unclosed, Zh) => "有一个引号没有闭合。".to_owned(),
            (ArgsError::Timing(e), lang) => e.explain(lang),
            (ArgsError::NoText, En) => "The post has no text; put it after the kind.".to_owned(),
            (ArgsError::NoText, Zh) => "帖子没有内容；请把内容写在类型之后。".to_owned(),
            (ArgsError::TooLong, En) => format!("That is too long; a post holds at most {MAX_TEMPLATE_CHARS} characters."),
            (ArgsError::TooLong, Zh) => format!("内容太长：帖子最多 {MAX_TEMPLATE_CHARS} 个字符。"),
            (ArgsError::SnippetUsage, En) => "Use /snippet list, /snippet save <name> <text> or /snippet delete <name>; use it in a post as {{snippet name}}.".to_owned(),
            (ArgsError::SnippetUsage, Zh) => "用法：/snippet list、/snippet save <名称> <内容> 或 /snippet delete <名称>；在帖子里用 {{snippet 名称}} 引用。".to_owned(),
            (ArgsError::Name(n), En) => format!("`{n}` cannot be a name: use up to 32 letters, digits, - or _."),
            (ArgsError::Name(n), Zh) => format!("`{n}` 不能作为名称：最多 32 个字母、数字、- 或 _。"),
            (ArgsError::GroupSetUsage, En) => "Use /groupset list, /groupset save <name> <group id> <group id>… or /groupset delete <name>; /groups shows your groups' ids.".to_owned(),
            (ArgsError::GroupSetUsage, Zh) => "用法：/groupset list、/groupset save <名称> <群编号> <群编号>… 或 /groupset delete <名称>；/groups 可查看群编号。".to_owned(),
        }
    }
}

/// Splits off the next word or quoted phrase; `None` at the end.
fn next_token(s: &str) -> Result<Option<(String, &str)>, ArgsError> {
    let s = s.trim_start();
    let mut chars = s.char_indices();
    let Some((_, first)) = chars.next() else {
        return Ok(None);
    };
    let close = match first {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        _ => None,
    };
    match close {
        Some(close) => {
            let body = &s[first.len_utf8()..];
            let end = body.find(close).ok_or(ArgsError::Unclosed)?;
            Ok(Some((
                body[..end].to_owned(),
                &body[end + close.len_utf8()..],
            )))
        }
        None => {
            let end = s.find(char::is_whitespace).unwrap_or(s.len());
            Ok(Some((s[..end].to_owned(), &s[end..])))
        }
    }
}

fn parse_id(token: Option<(String, &str)>) -> Result<i64, ArgsError> {
    let (word, rest) = token.ok_or(ArgsError::ScheduleUsage)?;
    if !rest.trim().is_empty() {
        return Err(ArgsError::ScheduleUsage);
    }
    word.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(ArgsError::Id(word))
}

/// A name for a snippet or group set.
pub fn parse_name(word: &str) -> Result<String, ArgsError> {
    let ok = !word.is_empty()
        && word.chars().count() <= 32
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(word.to_lowercase())
    } else {
        Err(ArgsError::Name(word.chars().take(40).collect()))
    }
}

/// Parses what follows `/schedule`.
pub fn parse_schedule(args: &str) -> Result<ScheduleCommand, ArgsError> {
    let Some((verb, rest)) = next_token(args)? else {
        return Ok(ScheduleCommand::List);
    };
    match verb.to_ascii_lowercase().as_str() {
        "list" if rest.trim().is_empty() => Ok(ScheduleCommand::List),
        "pause" => Ok(ScheduleCommand::Pause(parse_id(next_token(rest)?)?)),
        "resume" => Ok(ScheduleCommand::Resume(parse_id(next_token(rest)?)?)),
        "delete" => Ok(ScheduleCommand::Delete(parse_id(next_token(rest)?)?)),
        "add" => {
            let (when, rest) = parse_when(rest)?;
            parse_post(when, rest).map(ScheduleCommand::Add)
        }
        "once" => {
            let (when, rest) = parse_once(rest)?;
            parse_post(when, rest).map(ScheduleCommand::Add)
        }
        "edit" => {
            let (id, rest) = next_token(rest)?.ok_or(ArgsError::ScheduleUsage)?;
            let id = parse_id(Some((id, "")))?;
            parse_change(rest).map(|change| ScheduleCommand::Edit(id, change))
        }
        _ => Err(ArgsError::ScheduleUsage),
    }
}

/// A recurring rule: in words, which may take two words (`daily 20:30`),
/// or a crontab line in quotes.
fn parse_when(rest: &str) -> Result<(When, &str), ArgsError> {
    let (first, rest) = next_token(rest)?.ok_or(ArgsError::ScheduleUsage)?;
    if let Some((time, after)) = next_token(rest)?
        && let Some(line) = words::cron_line(&format!("{first} {time}"))
    {
        return Ok((When::Cron(Timing::cron(&line)?), after));
    }
    Ok((When::Cron(Timing::recurring(&first)?), rest))
}

/// A one-off local time: `2026-11-11T20:30`, or `2026-11-11 20:30` as two
/// words.
fn parse_once(rest: &str) -> Result<(When, &str), ArgsError> {
    let (mut at, mut rest) = next_token(rest)?.ok_or(ArgsError::ScheduleUsage)?;
    if let Some((time, after)) = next_token(rest)?
        && !at.contains('T')
        && time.contains(':')
    {
        at = format!("{at} {time}");
        rest = after;
    }
    Ok((When::Once(at), rest))
}

fn parse_change(rest: &str) -> Result<Change, ArgsError> {
    let (word, after) = next_token(rest)?.ok_or(ArgsError::ScheduleUsage)?;
    let end = |(when, rest): (When, &str)| {
        if rest.trim().is_empty() {
            Ok(Change::When(when))
        } else {
            Err(ArgsError::ScheduleUsage)
        }
    };
    match word.to_lowercase().as_str() {
        "text" | "文本" | "内容" => {
            let text = after.trim();
            if text.is_empty() {
                Err(ArgsError::NoText)
            } else if text.chars().count() > MAX_TEMPLATE_CHARS {
                Err(ArgsError::TooLong)
            } else {
                Ok(Change::Text(text.to_owned()))
            }
        }
        "once" => end(parse_once(after)?),
        _ => end(parse_when(rest)?),
    }
}

fn parse_post(when: When, rest: &str) -> Result<NewPost, ArgsError> {
    let (kind, mut rest) = next_token(rest)?.ok_or(ArgsError::ScheduleUsage)?;
    let kind = PostKind::parse(&kind).ok_or(ArgsError::Kind(kind))?;
    let mut post = NewPost {
        when,
        kind,
        pin: false,
        confirm: None,
        targets: Vec::new(),
        text: String::new(),
    };
    while let Some((word, after)) = next_token(rest)? {
        if !word.starts_with("--") || rest.trim_start().starts_with(['"', '“', '「']) {
            break;
        }
        match word.as_str() {
            "--pin" => post.pin = true,
            "--confirm" => {
                let (phrase, after) = next_token(after)?.ok_or(ArgsError::ScheduleUsage)?;
                post.confirm = Some(phrase.trim().to_owned()).filter(|p| !p.is_empty());
                rest = after;
                continue;
            }
            "--groups" => {
                let (list, after) = next_token(after)?.ok_or(ArgsError::ScheduleUsage)?;
                post.targets = list
                    .split([',', '，'])
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect();
                rest = after;
                continue;
            }
            other => return Err(ArgsError::Flag(other.chars().take(40).collect())),
        }
        rest = after;
    }
    let text = rest.trim();
    if text.is_empty() {
        return Err(ArgsError::NoText);
    }
    if text.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(ArgsError::TooLong);
    }
    post.text = text.to_owned();
    Ok(post)
}

/// Parses what follows `/snippet`.
pub fn parse_snippet(args: &str) -> Result<SnippetCommand, ArgsError> {
    let Some((verb, rest)) = next_token(args)? else {
        return Ok(SnippetCommand::List);
    };
    match verb.to_ascii_lowercase().as_str() {
        "list" => Ok(SnippetCommand::List),
        "save" => {
            let (name, text) = next_token(rest)?.ok_or(ArgsError::SnippetUsage)?;
            let text = text.trim();
            if text.is_empty() {
                return Err(ArgsError::SnippetUsage);
            }
            if text.chars().count() > MAX_TEMPLATE_CHARS {
                return Err(ArgsError::TooLong);
            }
            Ok(SnippetCommand::Save {
                name: parse_name(&name)?,
                text: text.to_owned(),
            })
        }
        "delete" => {
            let (name, _) = next_token(rest)?.ok_or(ArgsError::SnippetUsage)?;
            Ok(SnippetCommand::Delete(parse_name(&name)?))
        }
        _ => Err(ArgsError::SnippetUsage),
    }
}

/// Parses what follows `/groupset`.
pub fn parse_group_set(args: &str) -> Result<GroupSetCommand, ArgsError> {
    let Some((verb, rest)) = next_token(args)? else {
        return Ok(GroupSetCommand::List);
    };
    match verb.to_ascii_lowercase().as_str() {
        "list" => Ok(GroupSetCommand::List),
        "save" => {
            let (name, rest) = next_token(rest)?.ok_or(ArgsError::GroupSetUsage)?;
            let groups: Vec<String> = rest
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，')
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect();
            if groups.is_empty() {
                return Err(ArgsError::GroupSetUsage);
            }
            Ok(GroupSetCommand::Save {
                name: parse_name(&name)?,
                groups,
            })
        }
        "delete" => {
            let (name, _) = next_token(rest)?.ok_or(ArgsError::GroupSetUsage)?;
            Ok(GroupSetCommand::Delete(parse_name(&name)?))
        }
        _ => Err(ArgsError::GroupSetUsage),
    }
}

/// `/timezone [zone]`.
pub fn parse_timezone(args: &str) -> Result<Option<chrono_tz::Tz>, CommandError> {
    match args {
        "" => Ok(None),
        zone => zone
            .parse()
            .map(Some)
            .map_err(|_| CommandError::BadZone(zone.chars().take(60).collect())),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn add(args: &str) -> NewPost {
        match parse_schedule(args) {
            Ok(ScheduleCommand::Add(post)) => post,
            other => panic!("{args}: {other:?}"),
        }
    }

    #[test]
    fn a_daily_notice_with_options() {
        let post =
            add("add \"30 20 * * *\" notice --pin --confirm “收到” 今晚 20:30 抽奖\n准时参加");
        assert!(matches!(post.when, When::Cron(_)));
        assert_eq!(post.kind, PostKind::Notice);
        assert!(post.pin);
        assert_eq!(post.confirm.as_deref(), Some("收到"));
        assert_eq!(post.text, "今晚 20:30 抽奖\n准时参加");
    }

    #[test]
    fn a_one_off_teaser_for_several_groups() {
        let post = add("once 2026-11-10 21:00 teaser --groups vip,tg:-100123 Tomorrow: 🎁");
        match post.when {
            When::Once(at) => assert_eq!(at, "2026-11-10 21:00"),
            When::Cron(_) => panic!("a one-off"),
        }
        assert_eq!(post.targets, ["vip", "tg:-100123"]);
        assert_eq!(post.text, "Tomorrow: 🎁");
    }

    fn source(when: &When) -> String {
        match when {
            When::Cron(timing) => timing.source(),
            When::Once(at) => format!("once {at}"),
        }
    }

    #[test]
    fn rules_in_words_in_both_languages() {
        for (args, line, text) in [
            (
                "add daily 20:30 notice Draw tonight",
                "30 20 * * *",
                "Draw tonight",
            ),
            ("add 每周五 20:30 teaser 周五见", "30 20 * * 5", "周五见"),
            ("add 工作日09:00 notice 早安", "0 9 * * 1,2,3,4,5", "早安"),
            ("add \"weekends 10:00\" notice Hi", "0 10 * * 0,6", "Hi"),
        ] {
            let post = add(args);
            assert_eq!(source(&post.when), line, "{args}");
            assert_eq!(post.text, text, "{args}");
        }
        assert_eq!(
            parse_schedule("add daily notice hi").unwrap_err(),
            ArgsError::Timing(TimingError::FieldCount(1))
        );
    }

    #[test]
    fn edits_change_the_time_or_the_text() {
        let edit = |args: &str| match parse_schedule(args) {
            Ok(ScheduleCommand::Edit(id, change)) => (id, change),
            other => panic!("{args}: {other:?}"),
        };
        let (id, change) = edit("edit 3 fri 21:00");
        assert_eq!(id, 3);
        assert!(matches!(&change, Change::When(w) if source(w) == "0 21 * * 5"));
        let (_, change) = edit("edit #3 \"0 9 * * *\"");
        assert!(matches!(&change, Change::When(w) if source(w) == "0 9 * * *"));
        let (_, change) = edit("edit 3 once 2026-11-11 20:30");
        assert!(matches!(&change, Change::When(w) if source(w) == "once 2026-11-11 20:30"));
        assert_eq!(
            edit("edit 3 text 今晚 8 点\n开奖").1,
            Change::Text("今晚 8 点\n开奖".into())
        );
        assert_eq!(
            parse_schedule("edit 3 daily 21:00 extra").unwrap_err(),
            ArgsError::ScheduleUsage
        );
        assert_eq!(
            parse_schedule("edit 3 text").unwrap_err(),
            ArgsError::NoText
        );
        assert_eq!(
            parse_schedule("edit x daily 21:00").unwrap_err(),
            ArgsError::Id("x".into())
        );
    }

    #[test]
    fn managing_by_id() {
        assert!(matches!(parse_schedule(""), Ok(ScheduleCommand::List)));
        assert!(matches!(
            parse_schedule("pause 3"),
            Ok(ScheduleCommand::Pause(3))
        ));
        assert!(matches!(
            parse_schedule("resume #3"),
            Ok(ScheduleCommand::Resume(3))
        ));
        assert!(matches!(
            parse_schedule("delete 12"),
            Ok(ScheduleCommand::Delete(12))
        ));
        assert_eq!(
            parse_schedule("delete x").unwrap_err(),
            ArgsError::Id("x".into())
        );
        assert_eq!(
            parse_schedule("delete 1 2").unwrap_err(),
            ArgsError::ScheduleUsage
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(
            parse_schedule("add \"30 25 * * *\" notice hi").unwrap_err(),
            ArgsError::Timing(TimingError::Field {
                field: "hour",
                value: "25".into()
            })
        );
        assert_eq!(
            parse_schedule("add \"30 20 * * *\" party hi").unwrap_err(),
            ArgsError::Kind("party".into())
        );
        assert_eq!(
            parse_schedule("add \"30 20 * * *\" notice --loud hi").unwrap_err(),
            ArgsError::Flag("--loud".into())
        );
        assert_eq!(
            parse_schedule("add \"30 20 * * * notice hi").unwrap_err(),
            ArgsError::Unclosed
        );
        assert_eq!(
            parse_schedule("add \"30 20 * * *\" notice --pin").unwrap_err(),
            ArgsError::NoText
        );
        assert_eq!(
            parse_schedule("frob").unwrap_err(),
            ArgsError::ScheduleUsage
        );
    }

    #[test]
    fn snippets_and_group_sets() {
        assert_eq!(
            parse_snippet("save Rules 1. Be kind\n2. No ads"),
            Ok(SnippetCommand::Save {
                name: "rules".into(),
                text: "1. Be kind\n2. No ads".into()
            })
        );
        assert_eq!(
            parse_snippet("save bad/name x").unwrap_err(),
            ArgsError::Name("bad/name".into())
        );
        assert_eq!(
            parse_group_set("save south tg:-1001 tg:-1002"),
            Ok(GroupSetCommand::Save {
                name: "south".into(),
                groups: vec!["tg:-1001".into(), "tg:-1002".into()]
            })
        );
    }

    proptest! {
        #[test]
        fn any_arguments_parse_or_fail_cleanly(args in ".{0,200}") {
            let _ = parse_schedule(&args);
            let _ = parse_snippet(&args);
            let _ = parse_group_set(&args);
        }
    }
}
