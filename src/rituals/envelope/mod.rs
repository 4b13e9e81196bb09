//! The lucky red envelope: a sum split among the first K grabbers.

use super::{CommandSpec, Help, Ritual};
use crate::domain::{
    command::{Access, Command},
    envelope_command,
};

pub const RITUAL: Ritual = Ritual {
    name: "envelope",
    commands: &[CommandSpec {
        name: "envelope",
        aliases: &["hongbao"],
        access: Access::Admin,
        help: Help {
            en: "Lucky red envelope: /envelope <total> <shares> [prize for the luckiest]; close <id> ends it (admins)",
            zh: "发拼手气红包：/envelope <总额> <份数> [手气王奖品]；close <编号> 提前结束（管理员）",
        },
        parse: |args| Ok(Command::Envelope(envelope_command::parse(args)?)),
    }],
    jobs: &[],
};
