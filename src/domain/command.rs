//! Commands as members and admins type them, parsed into types.
//!
//! Telegram commands start with `/` (and may carry `@botname`); Matrix clients
//! keep `/` for themselves, so there Hearth answers to `!`. A command for
//! another bot, or an unknown one, is `None`: groups often hold several bots.

/// Who may run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Member,
    Admin,
    Operator,
}

/// A command's name and its unparsed arguments: enough to decide who may run
/// it before a stranger's arguments are read, let alone answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation<'a> {
    /// Lowercased, without prefix or `@bot` suffix.
    name: String,
    args: &'a str,
}

impl<'a> Invocation<'a> {
    /// The name and arguments of a message addressed to this bot; `None`
    /// for plain text and for another bot's commands.
    pub fn read(text: &'a str, prefix: char, bot_username: &str) -> Option<Self> {
        let rest = text.strip_prefix(prefix)?;
        let (head, args) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim()),
            None => (rest, ""),
        };
        let name = match head.split_once('@') {
            Some((name, bot)) if bot.eq_ignore_ascii_case(bot_username) => name,
            Some(_) => return None,
            None => head,
        };
        Some(Self {
            name: name.to_ascii_lowercase(),
            args,
        })
    }

    /// The name as typed, lowercased (`top`, `wheel`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The arguments, trimmed, unparsed.
    pub fn args(&self) -> &'a str {
        self.args
    }
}
