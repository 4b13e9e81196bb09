//! `/screening`: a group's screening rules, shown and changed by admins; and
//! the rules file operators keep (`hearth screening show|set`).

use super::rules::{MAX_MARKER_CHARS, MAX_MARKERS, MAX_RAID_JOINS, MAX_THRESHOLD, Rules};
use crate::domain::Lang::{self, En, Zh};
use crate::rituals::command::CommandError;

/// What `/screening` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScreeningCommand {
    Show,
    Threshold(u32),
    /// Remove newcomers at or above this score without asking; `None`: off.
    Auto(Option<u32>),
    /// Telegram ids above this are new accounts; `None`: off.
    NewAccounts(Option<i64>),
    /// Joins per minute that start raid mode; 0: never.
    Raid(u32),
    AddWords(Vec<String>),
    RemoveWords(Vec<String>),
    /// Back to the operator's rules (or the defaults).
    Reset,
}

/// A `/screening` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScreeningArgsError {
    #[error("usage")]
    Usage,
    #[error("bad score")]
    Score(String),
    #[error("bad id")]
    Id(String),
    #[error("bad raid limit")]
    Raid(String),
    #[error("bad word")]
    Word(String),
}

impl ScreeningArgsError {
    /// The sentence the admin sees.
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, En) => "Use /screening to see the rules; /screening threshold <points>, \
                 /screening auto <points>|off, /screening newids <telegram id>|off, \
                 /screening raid <joins per minute>|off, \
                 /screening words add|remove <word> …, or /screening reset."
                .to_owned(),
            (Self::Usage, Zh) => "用法：/screening 查看规则；/screening threshold <分数>、\
                 /screening auto <分数>|off、/screening newids <Telegram id>|off、\
                 /screening raid <每分钟入群人数>|off、\
                 /screening words add|remove <词> …，或 /screening reset。"
                .to_owned(),
            (Self::Score(s), En) => format!(
                "`{}` is not a score: write a whole number from 1 to {MAX_THRESHOLD}.",
                cut(s)
            ),
            (Self::Score(s), Zh) => {
                format!("`{}` 不是分数：请写 1 到 {MAX_THRESHOLD} 的整数。", cut(s))
            }
            (Self::Id(s), En) => format!(
                "`{}` is not a Telegram user id: write a whole number such as 7000000000, or off.",
                cut(s)
            ),
            (Self::Id(s), Zh) => {
                format!(
                    "`{}` 不是 Telegram 用户 id：请写整数，例如 7000000000，或 off。",
                    cut(s)
                )
            }
            (Self::Raid(s), En) => format!(
                "`{}` is not a raid limit: write joins per minute, 1 to {MAX_RAID_JOINS}, or off.",
                cut(s)
            ),
            (Self::Raid(s), Zh) => {
                format!(
                    "`{}` 不是有效的防刷屏阈值：请写每分钟入群人数（1 到 {MAX_RAID_JOINS}）或 off。",
                    cut(s)
                )
            }
            (Self::Word(s), En) => format!(
                "`{}` cannot be a marketing word: words hold 1 to {MAX_MARKER_CHARS} characters, and a group has at most {MAX_MARKERS}.",
                cut(s)
            ),
            (Self::Word(s), Zh) => format!(
                "`{}` 不能作为营销词：每个词 1 到 {MAX_MARKER_CHARS} 个字符，每个群最多 {MAX_MARKERS} 个。",
                cut(s)
            ),
        }
    }
}

/// Parses `/screening`'s arguments.
pub fn parse(args: &str) -> Result<ScreeningCommand, ScreeningArgsError> {
    let mut words = args.split_whitespace();
    let Some(verb) = words.next() else {
        return Ok(ScreeningCommand::Show);
    };
    let score = |w: Option<&str>| -> Result<u32, ScreeningArgsError> {
        let w = w.ok_or(ScreeningArgsError::Usage)?;
        w.parse()
            .ok()
            .filter(|n| (1..=MAX_THRESHOLD).contains(n))
            .ok_or_else(|| ScreeningArgsError::Score(w.to_owned()))
    };
    let off = |w: Option<&str>| w.is_some_and(|w| w.eq_ignore_ascii_case("off"));
    let command = match verb.to_ascii_lowercase().as_str() {
        "show" | "list" => ScreeningCommand::Show,
        "threshold" => ScreeningCommand::Threshold(score(words.next())?),
        "auto" => {
            let w = words.next();
            if off(w) {
                ScreeningCommand::Auto(None)
            } else {
                ScreeningCommand::Auto(Some(score(w)?))
            }
        }
        "newids" => {
            let w = words.next();
            if off(w) {
                ScreeningCommand::NewAccounts(None)
            } else {
                let w = w.ok_or(ScreeningArgsError::Usage)?;
                let id = w
                    .replace(['_', ','], "")
                    .parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| ScreeningArgsError::Id(w.to_owned()))?;
                ScreeningCommand::NewAccounts(Some(id))
            }
        }
        "raid" => {
            let w = words.next();
            if off(w) {
                ScreeningCommand::Raid(0)
            } else {
                let w = w.ok_or(ScreeningArgsError::Usage)?;
                let n = w
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_RAID_JOINS).contains(n))
                    .ok_or_else(|| ScreeningArgsError::Raid(w.to_owned()))?;
                ScreeningCommand::Raid(n)
            }
        }
        "words" | "word" => parse_words(&mut words)?,
        "reset" => ScreeningCommand::Reset,
        _ => return Err(ScreeningArgsError::Usage),
    };
    if words.next().is_some() {
        return Err(ScreeningArgsError::Usage);
    }
    Ok(command)
}

/// `words add|remove <word>…`: marketing words, each within the limits.
fn parse_words<'a>(
    words: &mut impl Iterator<Item = &'a str>,
) -> Result<ScreeningCommand, ScreeningArgsError> {
    let add = match words.next().map(str::to_ascii_lowercase).as_deref() {
        Some("add") => true,
        Some("remove" | "delete") => false,
        _ => return Err(ScreeningArgsError::Usage),
    };
    let list: Vec<String> = words.map(str::to_owned).collect();
    if list.is_empty() || list.len() > MAX_MARKERS {
        return Err(ScreeningArgsError::Usage);
    }
    if let Some(bad) = list
        .iter()
        .find(|w| w.chars().count() > MAX_MARKER_CHARS || w.chars().any(char::is_control))
    {
        return Err(ScreeningArgsError::Word(bad.clone()));
    }
    Ok(if add {
        ScreeningCommand::AddWords(list)
    } else {
        ScreeningCommand::RemoveWords(list)
    })
}

impl ScreeningCommand {
    /// Applies a change to `rules`; `Err` names a word that would break the
    /// limits. `Show` and `Reset` leave them as they are.
    pub fn apply(&self, rules: &mut Rules) -> Result<(), ScreeningArgsError> {
        match self {
            Self::Show | Self::Reset => {}
            Self::Threshold(n) => rules.threshold = *n,
            Self::Auto(n) => rules.auto_remove = *n,
            Self::NewAccounts(id) => rules.new_account_above = *id,
            Self::Raid(n) => rules.raid_joins = *n,
            Self::AddWords(words) => {
                for w in words {
                    if !rules.markers.iter().any(|m| m.eq_ignore_ascii_case(w)) {
                        if rules.markers.len() >= MAX_MARKERS {
                            return Err(ScreeningArgsError::Word(w.clone()));
                        }
                        rules.markers.push(w.clone());
                    }
                }
            }
            Self::RemoveWords(words) => rules
                .markers
                .retain(|m| !words.iter().any(|w| w.eq_ignore_ascii_case(m))),
        }
        Ok(())
    }
}

/// `/keep <n>`, `/remove <n>`.
pub fn suspect_number(args: &str) -> Result<i64, CommandError> {
    args.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(CommandError::BadSuspect)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_each_setting_and_names_mistakes() {
        assert_eq!(parse(""), Ok(ScreeningCommand::Show));
        assert_eq!(parse("threshold 60"), Ok(ScreeningCommand::Threshold(60)));
        assert_eq!(parse("auto off"), Ok(ScreeningCommand::Auto(None)));
        assert_eq!(parse("auto 120"), Ok(ScreeningCommand::Auto(Some(120))));
        assert_eq!(
            parse("newids 7_000_000_000"),
            Ok(ScreeningCommand::NewAccounts(Some(7_000_000_000)))
        );
        assert_eq!(
            parse("words add 代购 私聊"),
            Ok(ScreeningCommand::AddWords(vec![
                "代购".into(),
                "私聊".into()
            ]))
        );
        assert_eq!(
            parse("threshold 0"),
            Err(ScreeningArgsError::Score("0".into()))
        );
        assert_eq!(parse("threshold"), Err(ScreeningArgsError::Usage));
        assert_eq!(parse("auto 60 70"), Err(ScreeningArgsError::Usage));
        assert_eq!(parse("words add"), Err(ScreeningArgsError::Usage));
        assert_eq!(
            parse("newids soon"),
            Err(ScreeningArgsError::Id("soon".into()))
        );
        assert_eq!(parse("raid 50"), Ok(ScreeningCommand::Raid(50)));
        assert_eq!(parse("raid off"), Ok(ScreeningCommand::Raid(0)));
        assert_eq!(parse("raid 0"), Err(ScreeningArgsError::Raid("0".into())));
        assert_eq!(parse("frobnicate"), Err(ScreeningArgsError::Usage));
    }

    #[test]
    fn words_are_added_once_and_removed_in_any_case() {
        let mut rules = Rules::default();
        let before = rules.markers.len();
        parse("words add VX 私聊")
            .unwrap()
            .apply(&mut rules)
            .unwrap();
        assert_eq!(rules.markers.len(), before + 1, "vx is a default already");
        parse("words remove 私聊 WX")
            .unwrap()
            .apply(&mut rules)
            .unwrap();
        assert_eq!(rules.markers.len(), before - 1);
        assert!(!rules.markers.iter().any(|m| m == "wx"));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,200}") {
            if let Ok(command) = parse(&text) {
                let _ = command.apply(&mut Rules::default());
            }
        }
    }
}
