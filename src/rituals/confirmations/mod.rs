//! Reply-to-confirm notices and who confirmed them.

pub(crate) mod acks;
pub(crate) mod replies;
pub mod texts;

use super::{CommandSpec, Help, Ritual, Section};
use crate::rituals::command::CommandError;
use crate::{domain::command::Access, rituals::command::Command};

pub const RITUAL: Ritual = Ritual {
    name: "confirmations",
    section: Section::Posts,
    commands: &[CommandSpec {
        name: "acks",
        aliases: &[],
        access: Access::Admin,
        help: Help {
            en: "Who confirmed a notice: /acks <id> (admins)",
            zh: "查看通知的确认人数：/acks <编号>（管理员）",
        },
        usage: Help {
            en: "/acks <schedule id>",
            zh: "/acks <定时编号>",
        },
        example: "/acks 3",
        parse: |args| Ok(Command::Acks(parse_acks(args)?)),
    }],
    jobs: &[],
};

/// `/acks <schedule>`.
pub fn parse_acks(args: &str) -> Result<i64, CommandError> {
    args.trim_start_matches('#')
        .parse()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(CommandError::BadAcks)
}
