//! Channels and live codes: named entry links, and what each brought.

pub(crate) mod codes;
pub mod command;
pub(crate) mod funnel;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use self::command::ChannelCommand;
use crate::{
    domain::RichText,
    engine::{Engine, Person, commands::Outcome},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "channels",
    section: Section::Invites,
    commands: &[
        CommandSpec {
            name: "channel",
            aliases: &[],
            access: Access::Operator,
            help: Help {
                en: "Channel links: /channel add <name>; live codes: /channel live <name> <set> [cap] (operators)",
                zh: "渠道链接：/channel add <名称>；群活码：/channel live <名称> <群组> [上限]（运营者）",
            },
            usage: Help {
                en: "/channel add <name>\n/channel live <name> <group set> [members per group]",
                zh: "/channel add <名称>\n/channel live <名称> <群组名> [每群人数]",
            },
            example: "/channel add poster",
            parse: |args| Ok(Command::Channel(command::parse(args)?)),
        },
        CommandSpec {
            name: "channels",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "What each channel brought: joins, stayers after 7 days, audited removals (admins)",
                zh: "各渠道带来的成员：加入、留存 7 天、审核移出（管理员）",
            },
            usage: Help {
                en: "/channels",
                zh: "/channels",
            },
            example: "/channels",
            parse: |_| Ok(Command::Channels),
        },
        CommandSpec {
            name: "funnel",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Joined → stayed 7 days → active → got a code → redeemed; /funnel <campaign> for a campaign (admins)",
                zh: "转化漏斗：加入 → 留存 7 天 → 活跃 → 领券 → 核销；/funnel <活动名> 查看某个活动（管理员）",
            },
            usage: Help {
                en: "/funnel [campaign]",
                zh: "/funnel [活动名]",
            },
            example: "/funnel double11",
            parse: |args| Ok(Command::Funnel(command::parse_funnel(args)?)),
        },
    ],
    jobs: &[],
};

/// `/channel …` typed in a group: links into this group.
pub(crate) async fn channel(
    engine: &Engine,
    command: ChannelCommand,
    group: &Group,
    from: &Person,
) -> anyhow::Result<Outcome> {
    engine
        .channel_command(command, &group.id, Some(group), from, group.lang)
        .await
}

/// `/funnel [campaign]` in a group.
pub(crate) async fn funnel(
    engine: &Engine,
    campaign: Option<String>,
    group: &Group,
    from: &Person,
) -> anyhow::Result<RichText> {
    let mut conn = engine.store().connection().await?;
    engine
        .funnel_command(&mut conn, campaign, Some(group), &from.id, group.lang)
        .await
}

/// `/channels` in a group: what each channel brought to it.
pub(crate) async fn report(engine: &Engine, group: &Group) -> anyhow::Result<RichText> {
    let mut conn = engine.store().connection().await?;
    let groups = std::slice::from_ref(&group.id);
    engine
        .channels_report(&mut conn, groups, &group.owner, group.lang)
        .await
}
