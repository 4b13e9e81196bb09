//! Reply-to-confirm notices and who confirmed them.

use super::{CommandSpec, Help, Ritual};
use crate::domain::command::{self, Access, Command};

pub const RITUAL: Ritual = Ritual {
    name: "confirmations",
    commands: &[CommandSpec {
        name: "acks",
        aliases: &[],
        access: Access::Admin,
        help: Help {
            en: "Who confirmed a notice: /acks <id> (admins)",
            zh: "查看通知的确认人数：/acks <编号>（管理员）",
        },
        parse: |args| Ok(Command::Acks(command::parse_acks(args)?)),
    }],
    jobs: &[],
};
