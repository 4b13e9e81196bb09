//! Assistants an operator trusts with admin commands in one group.

pub mod command;
pub mod texts;

use super::{CommandSpec, Help, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use self::command::AssistantCommand;
use crate::{
    engine::{Engine, commands::Outcome},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "roles",
    section: Section::Guard,
    commands: &[CommandSpec {
        name: "assistant",
        aliases: &["assistants"],
        access: Access::Operator,
        help: Help {
            en: "Assistants here: /assistant add|remove <member>; they may use admin commands (operators)",
            zh: "本群助理：/assistant add|remove <成员>，助理可用管理员命令（运营者）",
        },
        usage: Help {
            en: "/assistant\n/assistant add|remove <member>",
            zh: "/assistant\n/assistant add|remove <成员>",
        },
        example: "/assistant add @bob",
        parse: |args| Ok(Command::Assistant(command::parse_assistant(args)?)),
    }],
    jobs: &[],
};

/// `/assistant add|remove|list`.
pub(crate) async fn assistants(
    engine: &Engine,
    command: AssistantCommand,
    group: &Group,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine.assistant_command(&mut conn, command, group).await
}
