//! `/assistant` and `/log`: roles an operator grants and the audit log admins read.

use crate::domain::Lang::{self, En, Zh};

/// Entries `/log` shows unless told otherwise, and at most.
pub const DEFAULT_LOG: u32 = 10;
pub const MAX_LOG: u32 = 50;

/// `/assistant [add|remove <member>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssistantCommand {
    List,
    /// A member as typed: an id (`tg:123`, `123`, `@bob:example.org`) or
    /// their @username.
    Add(String),
    Remove(String),
}

/// A role or log command typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleArgsError {
    #[error("assistant usage")]
    AssistantUsage,
    #[error("log usage")]
    LogUsage,
}

impl RoleArgsError {
    /// The sentence the admin sees.
    pub fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (RoleArgsError::AssistantUsage, En) => "Use /assistant to list assistants, \
                 /assistant add <member> or /assistant remove <member>; a member is their \
                 id (tg:123456 or @bob:example.org) or their @username."
                .to_owned(),
            (RoleArgsError::AssistantUsage, Zh) => "用法：/assistant 查看助理，\
                 /assistant add <成员> 或 /assistant remove <成员>；成员可写其 id\
                 （tg:123456 或 @bob:example.org）或 @用户名。"
                .to_owned(),
            (RoleArgsError::LogUsage, En) => {
                format!("Use /log or /log N (1 to {MAX_LOG}).")
            }
            (RoleArgsError::LogUsage, Zh) => format!("用法：/log 或 /log N（1 到 {MAX_LOG}）。"),
        }
    }
}

/// Parses `/assistant`'s arguments.
pub fn parse_assistant(args: &str) -> Result<AssistantCommand, RoleArgsError> {
    let args = args.trim();
    if args.is_empty() || args.eq_ignore_ascii_case("list") {
        return Ok(AssistantCommand::List);
    }
    let (verb, who) = args
        .split_once(char::is_whitespace)
        .ok_or(RoleArgsError::AssistantUsage)?;
    let who = who.trim();
    // A display name is at most 64 characters on Telegram, 255 on Matrix.
    if who.is_empty() || who.chars().count() > 255 {
        return Err(RoleArgsError::AssistantUsage);
    }
    match verb.to_ascii_lowercase().as_str() {
        "add" | "grant" => Ok(AssistantCommand::Add(who.to_owned())),
        "remove" | "revoke" => Ok(AssistantCommand::Remove(who.to_owned())),
        _ => Err(RoleArgsError::AssistantUsage),
    }
}

/// Parses `/log [n]`.
pub fn parse_log(args: &str) -> Result<u32, RoleArgsError> {
    match args.trim() {
        "" => Ok(DEFAULT_LOG),
        n => n
            .parse()
            .ok()
            .filter(|n| (1..=MAX_LOG).contains(n))
            .ok_or(RoleArgsError::LogUsage),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn assistant_arguments() {
        assert_eq!(parse_assistant(""), Ok(AssistantCommand::List));
        assert_eq!(
            parse_assistant("add 小 明"),
            Ok(AssistantCommand::Add("小 明".into()))
        );
        assert_eq!(
            parse_assistant("remove tg:42"),
            Ok(AssistantCommand::Remove("tg:42".into()))
        );
        assert_eq!(parse_assistant("add"), Err(RoleArgsError::AssistantUsage));
        assert_eq!(
            parse_assistant("promote bob"),
            Err(RoleArgsError::AssistantUsage)
        );
    }

    #[test]
    fn log_arguments() {
        assert_eq!(parse_log(""), Ok(DEFAULT_LOG));
        assert_eq!(parse_log("50"), Ok(50));
        assert_eq!(parse_log("0"), Err(RoleArgsError::LogUsage));
        assert_eq!(parse_log("51"), Err(RoleArgsError::LogUsage));
        assert_eq!(parse_log("all"), Err(RoleArgsError::LogUsage));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,300}") {
            let _ = parse_assistant(&text);
            let _ = parse_log(&text);
        }
    }
}
