//! `/channel` and `/channels`: named entry points and what each brought.
//!
//! Operators never knew which channel (shop-floor staff, a poster's QR code,
//! a menu link, a friend's invite) brought whom. A channel is a
//! named invite link into one group; a live code (群活码) is one permanent
//! entry link for a set of groups that hands each visitor a link to the
//! first group with room.

use crate::domain::Lang::{self, En, Zh};
use crate::rituals::command::CommandError;

/// Members per group a live code fills by default, and at most.
pub const DEFAULT_CAP: u32 = 200;
pub const MAX_CAP: u32 = 200_000;
/// The deep-link payload of a live code: `join_<name>`.
pub const LIVE_PREFIX: &str = "join_";

/// What `/channel` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelCommand {
    /// A named invite link into this group.
    Add(String),
    /// A live code over a group set, filling each group up to `cap`.
    Live { name: String, set: String, cap: u32 },
}

/// A `/channel` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelArgsError {
    #[error("usage")]
    Usage,
    #[error("bad name")]
    Name(String),
    #[error("bad cap")]
    Cap(String),
}

impl ChannelArgsError {
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::Usage, En) => "Use /channel add <name> for a named invite link into this group \
                 (poster, staff, menu…), or /channel live <name> <group set> [members per group] \
                 for one entry link that fills the set's groups in turn; /channels shows what each brought."
                .to_owned(),
            (Self::Usage, Zh) => "用法：/channel add <名称> 为本群创建一个具名邀请链接（海报、店员、菜单……），\
                 或 /channel live <名称> <群组名> [每群人数上限] 创建一个群活码，依次填满群组里的群；\
                 /channels 查看各渠道带来的成员。"
                .to_owned(),
            (Self::Name(s), En) => format!(
                "`{}` is not a channel name: 1 to 32 letters, digits, `_` or `-` (a live code's name: Latin letters and digits only, for its link).",
                cut(s)
            ),
            (Self::Name(s), Zh) => format!(
                "`{}` 不是有效的渠道名：1 到 32 个字母、数字、`_` 或 `-`（群活码的名称只能用英文字母和数字，以便放进链接）。",
                cut(s)
            ),
            (Self::Cap(s), En) => format!(
                "`{}` is not a cap: write members per group, 2 to {MAX_CAP}.",
                cut(s)
            ),
            (Self::Cap(s), Zh) => {
                format!("`{}` 不是有效的人数上限：请写每群人数，2 到 {MAX_CAP}。", cut(s))
            }
        }
    }
}

/// A channel's name: what `/channels` shows it as.
fn name(word: &str, live: bool) -> Result<String, ChannelArgsError> {
    let ok = !word.is_empty()
        && word.chars().count() <= 32
        && word.chars().all(|c| {
            (c == '-' || c == '_')
                || if live {
                    c.is_ascii_alphanumeric()
                } else {
                    c.is_alphanumeric()
                }
        });
    if ok {
        Ok(word.to_lowercase())
    } else {
        Err(ChannelArgsError::Name(word.to_owned()))
    }
}

/// Parses what follows `/channel`.
pub fn parse(args: &str) -> Result<ChannelCommand, ChannelArgsError> {
    let words: Vec<&str> = args.split_whitespace().collect();
    match words.as_slice() {
        ["add", n] => Ok(ChannelCommand::Add(name(n, false)?)),
        ["live", n, set, rest @ ..] if rest.len() <= 1 => {
            let cap = match rest.first() {
                None => DEFAULT_CAP,
                Some(w) => w
                    .parse()
                    .ok()
                    .filter(|c| (2..=MAX_CAP).contains(c))
                    .ok_or_else(|| ChannelArgsError::Cap((*w).to_owned()))?,
            };
            Ok(ChannelCommand::Live {
                name: name(n, true)?,
                set: crate::rituals::schedules::command::parse_name(set)
                    .map_err(|_| ChannelArgsError::Name((*set).to_owned()))?,
                cap,
            })
        }
        _ => Err(ChannelArgsError::Usage),
    }
}

/// `/funnel [campaign]`.
pub fn parse_funnel(args: &str) -> Result<Option<String>, CommandError> {
    match args.split_whitespace().collect::<Vec<_>>()[..] {
        [] => Ok(None),
        [name] => Ok(Some(name.to_ascii_lowercase())),
        _ => Err(CommandError::BadFunnel),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_commands_parse_into_types() {
        assert_eq!(parse("add 海报"), Ok(ChannelCommand::Add("海报".into())));
        assert_eq!(
            parse("add Poster"),
            Ok(ChannelCommand::Add("poster".into()))
        );
        assert_eq!(
            parse("live shop south 300"),
            Ok(ChannelCommand::Live {
                name: "shop".into(),
                set: "south".into(),
                cap: 300
            })
        );
        assert_eq!(
            parse("live shop south"),
            Ok(ChannelCommand::Live {
                name: "shop".into(),
                set: "south".into(),
                cap: DEFAULT_CAP
            })
        );
        assert_eq!(
            parse("live 海报 south"),
            Err(ChannelArgsError::Name("海报".into())),
            "a live code's name goes into a t.me link"
        );
        assert_eq!(
            parse("live shop south 1"),
            Err(ChannelArgsError::Cap("1".into()))
        );
        assert_eq!(parse("add a b"), Err(ChannelArgsError::Usage));
        assert_eq!(parse(""), Err(ChannelArgsError::Usage));
    }
}
