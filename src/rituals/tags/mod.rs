//! Manual tags, and paced private broadcasts to a segment.

pub(crate) mod broadcasts;
pub mod command;
pub mod store;
pub mod texts;

use async_trait::async_trait;

use super::{CommandSpec, Help, Job, Ritual, Section};
use crate::engine::{
    commands::Outcome,
    effect::{Cx, Effect},
};
use crate::{
    domain::{Lang, RichText, command::Access},
    rituals::command::Command,
};

use self::command::{BroadcastCommand, TagCommand};
use crate::{
    engine::{Engine, Person},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "tags",
    section: Section::Posts,
    commands: &[
        CommandSpec {
            name: "tag",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Tag a member: /tag <member> <tag>; /untag takes it away (admins)",
                zh: "给成员加标签：/tag <成员> <标签>；/untag 移除（管理员）",
            },
            usage: Help {
                en: "/tag <member> <tag>",
                zh: "/tag <成员> <标签>",
            },
            example: "/tag @bob vip",
            parse: |args| Ok(Command::Tag(command::parse_tag_command(args)?)),
        },
        CommandSpec {
            name: "untag",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Take a tag away: /untag <member> <tag> (admins)",
                zh: "移除成员的标签：/untag <成员> <标签>（管理员）",
            },
            usage: Help {
                en: "/untag <member> <tag>",
                zh: "/untag <成员> <标签>",
            },
            example: "/untag @bob vip",
            parse: |args| Ok(Command::Tag(command::parse_untag(args)?)),
        },
        CommandSpec {
            name: "tags",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "The group's tags and how many carry each; /tags <member> for one member (admins)",
                zh: "本群的标签和人数；/tags <成员> 查看某人的标签（管理员）",
            },
            usage: Help {
                en: "/tags [member]",
                zh: "/tags [成员]",
            },
            example: "/tags @bob",
            parse: |args| Ok(Command::Tag(command::parse_tags(args)?)),
        },
        CommandSpec {
            name: "broadcast",
            aliases: &[],
            access: Access::Operator,
            help: Help {
                en: "Private message to a segment: /broadcast tag:<tag> <text> or /broadcast all <text> (operators)",
                zh: "按分组私信群发：/broadcast tag:<标签> <内容> 或 /broadcast all <内容>（运营者）",
            },
            usage: Help {
                en: "/broadcast tag:<tag> <text>\n/broadcast all <text>",
                zh: "/broadcast tag:<标签> <内容>\n/broadcast all <内容>",
            },
            example: "/broadcast tag:vip 今晚 20:30 专属福利",
            parse: |args| Ok(Command::Broadcast(command::parse_broadcast(args)?)),
        },
        CommandSpec {
            name: "stop",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "In a private chat: no more broadcasts",
                zh: "私聊发送，不再接收群发消息",
            },
            usage: Help {
                en: "/stop (in a private chat)",
                zh: "/stop（私聊）",
            },
            example: "/stop",
            parse: |_| Ok(Command::Stop),
        },
    ],
    jobs: &[Job {
        name: "broadcasts",
        run: |engine| Box::pin(engine.run_broadcasts()),
    }],
};

/// `/stop` in private: no more broadcasts.
pub(crate) fn stop(lang: Lang) -> Outcome {
    Outcome {
        reply: RichText::plain(texts::stopped(lang)),
        effect: Some(Box::new(OptOut)),
    }
}

/// `/stop` in private: no more broadcasts.
struct OptOut;

#[async_trait]
impl Effect for OptOut {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        self::store::opt_out(cx.conn, &cx.from.id, cx.now).await?;
        Ok(None)
    }
}

/// `/tag`, `/untag`, `/tags` in a group.
pub(crate) async fn tags(
    engine: &Engine,
    command: TagCommand,
    group: &Group,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine.tag_command(&mut conn, command, group).await
}

/// `/broadcast …` typed in a group: to this group's members.
pub(crate) async fn broadcast(
    engine: &Engine,
    command: BroadcastCommand,
    group: &Group,
    from: &Person,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine
        .broadcast_command(&mut conn, command, Some(group), from, group.lang)
        .await
}
