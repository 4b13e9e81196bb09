//! The audit log of admin actions.

use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::command::Access,
    rituals::{command::Command, roles::command as role_command},
};

use crate::{domain::RichText, engine::Engine, store::groups::Group};

pub const RITUAL: Ritual = Ritual {
    name: "audit",
    section: Section::Guard,
    commands: &[CommandSpec {
        name: "log",
        aliases: &[],
        access: Access::Admin,
        help: Help {
            en: "The latest admin actions: /log [n] (admins)",
            zh: "最近的管理操作记录：/log [条数]（管理员）",
        },
        usage: Help {
            en: "/log [n]",
            zh: "/log [条数]",
        },
        example: "/log 20",
        parse: |args| Ok(Command::Log(role_command::parse_log(args)?)),
    }],
    jobs: &[],
};

/// `/log [n]`: the group's latest admin actions.
pub(crate) async fn log(engine: &Engine, group: &Group, n: u32) -> anyhow::Result<RichText> {
    let mut conn = engine.store().connection().await?;
    engine.log_list(&mut conn, group, n).await
}
