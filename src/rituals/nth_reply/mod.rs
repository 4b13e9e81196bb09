//! "The Nth reply wins".

use super::{CommandSpec, Help, Ritual};
use crate::domain::{
    command::{Access, Command},
    nth_reply,
};

pub const RITUAL: Ritual = Ritual {
    name: "nth_reply",
    commands: &[CommandSpec {
        name: "nth",
        aliases: &[],
        access: Access::Admin,
        help: Help {
            en: "The Nth reply wins: /nth <N> <until> [prize], or /nth every <M> …; close <id> (admins)",
            zh: "第 N 位回复中奖：/nth <N> <截止> [奖品]，或 /nth every <M> …；close <编号>（管理员）",
        },
        parse: |args| Ok(Command::Nth(nth_reply::parse(args)?)),
    }],
    jobs: &[],
};
