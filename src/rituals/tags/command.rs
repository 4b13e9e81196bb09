//! `/tag`, `/untag`, `/tags`, `/broadcast` and `/stop`: segments of members
//! and the private messages operators send them.
//!
//! Admins tag members by hand (`vip`); other tags follow from what members
//! did (won a draw, hold a code, top inviter, came through a channel, joined
//! during a campaign), so they are read from those facts, never stored.

use std::fmt;

use crate::domain::Lang::{self, En, Zh};

/// The longest broadcast, in characters (Telegram's limit is 4096, and the
/// opt-out line follows).
pub const MAX_BROADCAST_CHARS: usize = 3500;

/// A tag: one an admin gave, or one that follows from the facts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Given with `/tag`: 1 to 32 letters, digits, `_` or `-`.
    Manual(String),
    /// Picked in a giveaway or a reply game (and not replaced).
    Winner,
    /// Holds a coupon code won in the group.
    Coupon,
    /// Among the group's ten best inviters.
    Top,
    /// Came in through this channel.
    Channel(String),
    /// Joined one of this campaign's groups after it started.
    Campaign(String),
}

impl Tag {
    /// Whether admins give it (the others follow from the facts).
    pub fn is_manual(&self) -> bool {
        matches!(self, Tag::Manual(_))
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::Manual(t) => f.write_str(t),
            Tag::Winner => f.write_str("winner"),
            Tag::Coupon => f.write_str("coupon"),
            Tag::Top => f.write_str("top"),
            Tag::Channel(c) => write!(f, "channel:{c}"),
            Tag::Campaign(c) => write!(f, "campaign:{c}"),
        }
    }
}

/// Who a broadcast is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Every member of the groups in scope.
    All,
    Tagged(Tag),
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::All => f.write_str("all"),
            Segment::Tagged(tag) => write!(f, "tag:{tag}"),
        }
    }
}

/// What `/tag`, `/untag` and `/tags` ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagCommand {
    /// A member as typed (id or exact display name), and a manual tag.
    Add {
        who: String,
        tag: String,
    },
    Remove {
        who: String,
        tag: String,
    },
    /// The group's tags with how many members carry each.
    List,
    /// One member's tags.
    Of(String),
}

/// `/broadcast <segment> <text>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastCommand {
    pub segment: Segment,
    pub text: String,
}

/// A tag or broadcast command typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagArgsError {
    #[error("tag usage")]
    TagUsage,
    #[error("broadcast usage")]
    BroadcastUsage,
    #[error("bad tag")]
    BadTag(String),
    #[error("automatic tag")]
    Automatic(String),
    #[error("too long")]
    TooLong,
}

impl TagArgsError {
    /// The sentence the admin sees.
    pub fn explain(&self, lang: Lang) -> String {
        let cut = |s: &str| s.chars().take(40).collect::<String>();
        match (self, lang) {
            (Self::TagUsage, En) => "Use /tag <member> <tag> or /untag <member> <tag>; a member is \
                 their id (tg:123456 or @bob:example.org) or exact display name, a tag 1 to 32 \
                 letters, digits, `_` or `-`. /tags lists the tags, /tags <member> one member's."
                .to_owned(),
            (Self::TagUsage, Zh) => "用法：/tag <成员> <标签> 或 /untag <成员> <标签>；成员可写其 id\
                 （tg:123456 或 @bob:example.org）或完整昵称，标签为 1 到 32 个字母、数字、`_` 或 `-`。\
                 /tags 查看所有标签，/tags <成员> 查看某位成员的标签。"
                .to_owned(),
            (Self::BroadcastUsage, En) => "Use /broadcast tag:<tag> <message> or /broadcast all \
                 <message>. Automatic tags: winner, coupon, top, channel:<name>, campaign:<name>. \
                 Only members who started the bot in private and did not send /stop receive it."
                .to_owned(),
            (Self::BroadcastUsage, Zh) => "用法：/broadcast tag:<标签> <内容> 或 /broadcast all <内容>。\
                 自动标签：winner（中奖者）、coupon（持券者）、top（邀请前十）、channel:<渠道>、\
                 campaign:<活动>。只有私聊启动过机器人且未发送 /stop 的成员会收到。"
                .to_owned(),
            (Self::BadTag(t), En) => format!(
                "`{}` is not a tag: 1 to 32 letters, digits, `_` or `-`, or one of winner, coupon, top, channel:<name>, campaign:<name>.",
                cut(t)
            ),
            (Self::BadTag(t), Zh) => format!(
                "`{}` 不是有效的标签：1 到 32 个字母、数字、`_` 或 `-`，或 winner、coupon、top、channel:<渠道>、campaign:<活动> 之一。",
                cut(t)
            ),
            (Self::Automatic(t), En) => format!(
                "`{}` is an automatic tag: members get it from what they did, not by hand.",
                cut(t)
            ),
            (Self::Automatic(t), Zh) => {
                format!("`{}` 是自动标签：由成员的行为决定，不能手动添加或移除。", cut(t))
            }
            (Self::TooLong, En) => {
                format!("That message is too long; a broadcast holds at most {MAX_BROADCAST_CHARS} characters.")
            }
            (Self::TooLong, Zh) => format!("内容太长：群发消息最多 {MAX_BROADCAST_CHARS} 个字符。"),
        }
    }
}

/// A name of letters, digits, `_` and `-`, lower-cased.
fn word(text: &str) -> Option<String> {
    let ok = !text.is_empty()
        && text.chars().count() <= 32
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    ok.then(|| text.to_lowercase())
}

/// Parses a tag as typed: `vip`, `winner`, `channel:poster`, ….
pub fn parse_tag(text: &str) -> Result<Tag, TagArgsError> {
    let bad = || TagArgsError::BadTag(text.to_owned());
    let lower = text.to_lowercase();
    if let Some((kind, name)) = lower.split_once(':') {
        let name = word(name).ok_or_else(bad)?;
        return match kind {
            "channel" => Ok(Tag::Channel(name)),
            "campaign" => Ok(Tag::Campaign(name)),
            _ => Err(bad()),
        };
    }
    Ok(match lower.as_str() {
        "winner" => Tag::Winner,
        "coupon" => Tag::Coupon,
        "top" => Tag::Top,
        _ => Tag::Manual(word(&lower).ok_or_else(bad)?),
    })
}

/// A tag an admin may give or take: not an automatic one.
fn manual_tag(text: &str) -> Result<String, TagArgsError> {
    match parse_tag(text)? {
        Tag::Manual(tag) => Ok(tag),
        _ => Err(TagArgsError::Automatic(text.to_owned())),
    }
}

/// Splits `<member> <tag>`: the tag is the last word, since display names
/// may hold spaces.
fn member_and_tag(args: &str) -> Result<(String, String), TagArgsError> {
    let (who, tag) = args
        .trim()
        .rsplit_once(char::is_whitespace)
        .ok_or(TagArgsError::TagUsage)?;
    let who = who.trim();
    // A display name is at most 64 characters on Telegram, 255 on Matrix.
    if who.is_empty() || who.chars().count() > 255 {
        return Err(TagArgsError::TagUsage);
    }
    Ok((who.to_owned(), manual_tag(tag)?))
}

/// Parses `/tag`'s arguments.
pub fn parse_tag_command(args: &str) -> Result<TagCommand, TagArgsError> {
    let (who, tag) = member_and_tag(args)?;
    Ok(TagCommand::Add { who, tag })
}

/// Parses `/untag`'s arguments.
pub fn parse_untag(args: &str) -> Result<TagCommand, TagArgsError> {
    let (who, tag) = member_and_tag(args)?;
    Ok(TagCommand::Remove { who, tag })
}

/// Parses `/tags [member]`.
pub fn parse_tags(args: &str) -> Result<TagCommand, TagArgsError> {
    match args.trim() {
        "" => Ok(TagCommand::List),
        who if who.chars().count() > 255 => Err(TagArgsError::TagUsage),
        who => Ok(TagCommand::Of(who.to_owned())),
    }
}

/// Parses `/broadcast <segment> <text>`.
pub fn parse_broadcast(args: &str) -> Result<BroadcastCommand, TagArgsError> {
    let (segment, text) = args
        .trim()
        .split_once(char::is_whitespace)
        .ok_or(TagArgsError::BroadcastUsage)?;
    let segment = if segment.eq_ignore_ascii_case("all") {
        Segment::All
    } else {
        let tag = segment
            .strip_prefix("tag:")
            .or_else(|| segment.strip_prefix("TAG:"))
            .ok_or(TagArgsError::BroadcastUsage)?;
        Segment::Tagged(parse_tag(tag)?)
    };
    let text = text.trim();
    if text.chars().count() > MAX_BROADCAST_CHARS {
        return Err(TagArgsError::TooLong);
    }
    Ok(BroadcastCommand {
        segment,
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn tags_are_manual_or_follow_from_facts() {
        assert_eq!(parse_tag("VIP"), Ok(Tag::Manual("vip".into())));
        assert_eq!(parse_tag("老客户"), Ok(Tag::Manual("老客户".into())));
        assert_eq!(parse_tag("winner"), Ok(Tag::Winner));
        assert_eq!(
            parse_tag("channel:Poster"),
            Ok(Tag::Channel("poster".into()))
        );
        assert_eq!(
            parse_tag("campaign:double11"),
            Ok(Tag::Campaign("double11".into()))
        );
        assert!(parse_tag("shop:x").is_err());
        assert!(parse_tag("a b").is_err());
        assert!(parse_tag(&"x".repeat(33)).is_err());
        assert_eq!(Tag::Channel("poster".into()).to_string(), "channel:poster");
    }

    #[test]
    fn tag_commands_take_the_last_word_as_the_tag() {
        assert_eq!(
            parse_tag_command("Lily Chen vip"),
            Ok(TagCommand::Add {
                who: "Lily Chen".into(),
                tag: "vip".into()
            })
        );
        assert_eq!(
            parse_untag("tg:42 VIP"),
            Ok(TagCommand::Remove {
                who: "tg:42".into(),
                tag: "vip".into()
            })
        );
        assert_eq!(parse_tag_command("vip"), Err(TagArgsError::TagUsage));
        assert_eq!(
            parse_tag_command("Lily winner"),
            Err(TagArgsError::Automatic("winner".into()))
        );
        assert_eq!(parse_tags(""), Ok(TagCommand::List));
        assert_eq!(parse_tags(" Lily "), Ok(TagCommand::Of("Lily".into())));
    }

    #[test]
    fn broadcasts_name_a_segment_and_carry_text() {
        assert_eq!(
            parse_broadcast("tag:vip  New menu tonight!"),
            Ok(BroadcastCommand {
                segment: Segment::Tagged(Tag::Manual("vip".into())),
                text: "New menu tonight!".into()
            })
        );
        assert_eq!(
            parse_broadcast("all 你好").map(|b| b.segment),
            Ok(Segment::All)
        );
        assert_eq!(
            parse_broadcast("vip hello"),
            Err(TagArgsError::BroadcastUsage)
        );
        assert_eq!(
            parse_broadcast("tag:vip"),
            Err(TagArgsError::BroadcastUsage)
        );
        assert_eq!(
            parse_broadcast(&format!("all {}", "x".repeat(MAX_BROADCAST_CHARS + 1))),
            Err(TagArgsError::TooLong)
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in "\\PC{0,300}") {
            for result in [parse_tag_command(&text), parse_untag(&text), parse_tags(&text)] {
                if let Err(e) = result {
                    prop_assert!(!e.explain(Lang::Zh).is_empty());
                }
            }
            let _ = parse_broadcast(&text);
        }
    }
}
