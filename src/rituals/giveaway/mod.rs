//! Giveaways: entries, a seeded draw at the deadline, claims and rerolls.

use super::{CommandSpec, Help, Ritual};
use crate::domain::{
    command::{Access, Command},
    giveaway,
};

pub const RITUAL: Ritual = Ritual {
    name: "giveaway",
    commands: &[
        CommandSpec {
            name: "giveaway",
            aliases: &["lottery"],
            access: Access::Admin,
            help: Help {
                en: "Giveaway: /giveaway <winners> <until> [prize] [--hours H] [--invites K]; close <id> draws now (admins)",
                zh: "抽奖：/giveaway <人数> <截止> [奖品] [--hours 小时] [--invites 人数]；close <编号> 立即开奖（管理员）",
            },
            parse: |args| Ok(Command::Giveaway(giveaway::parse(args)?)),
        },
        CommandSpec {
            name: "reroll",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Replace winners who did not claim: /reroll <id> [n] (admins)",
                zh: "重抽未领奖的中奖者：/reroll <编号> [人数]（管理员）",
            },
            parse: |args| Ok(Command::Reroll(giveaway::parse_reroll(args)?)),
        },
    ],
    jobs: &[],
};
