//! Unique coupon codes: pools, claims, members' codes and redemption.

pub(crate) mod awards;
pub mod code_file;
pub mod command;
pub(crate) mod pools;
pub mod rules;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use self::{command::CouponsCommand, pools::CouponPlan, rules::Code};
use crate::{
    engine::{Engine, Person, commands::Outcome},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "coupons",
    section: Section::Coupons,
    commands: &[
        CommandSpec {
            name: "coupons",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Coupon stock; limit <pool> <n> per member; alert <pool> <n> low-stock alert; allow <pool> <groups> where it pays (admins)",
                zh: "券池库存；limit <券池> <n> 每人数量；alert <券池> <n> 库存提醒；allow <券池> <群…> 可用的群（管理员）",
            },
            usage: Help {
                en: "/coupons\n/coupons limit <pool> <n>\n/coupons alert <pool> <n>\n/coupons allow <pool> <groups or set>…|all",
                zh: "/coupons\n/coupons limit <券池> <n>\n/coupons alert <券池> <n>\n/coupons allow <券池> <群或群组>…|all",
            },
            example: "/coupons alert tea 50",
            parse: |args| Ok(Command::Coupons(command::parse_coupons(args)?)),
        },
        CommandSpec {
            name: "redeem",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Mark a code used: /redeem <code> (admins)",
                zh: "核销券码：/redeem <券码>（管理员）",
            },
            usage: Help {
                en: "/redeem <code>",
                zh: "/redeem <券码>",
            },
            example: "/redeem TEA-0001",
            parse: |args| Ok(Command::Redeem(command::parse_redeem(args)?)),
        },
        CommandSpec {
            name: "mycodes",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "Your coupon codes (in a private chat)",
                zh: "私聊查看你获得的券码",
            },
            usage: Help {
                en: "/mycodes (in a private chat)",
                zh: "/mycodes（私聊）",
            },
            example: "/mycodes",
            parse: |_| Ok(Command::MyCodes),
        },
    ],
    jobs: &[],
};

/// `/coupons …` in a group: its stock, and the operator's pool settings.
pub(crate) async fn coupons_in_group(
    engine: &Engine,
    command: CouponsCommand,
    group: &Group,
    from: &Person,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine
        .coupons_command(&mut conn, command, Some(group), from, group.lang)
        .await
}

/// `/redeem <code>` at the till, for codes of the pools this group uses.
pub(crate) fn redeem_in_group(code: Code, group: &Group) -> Outcome {
    let plan = CouponPlan::Redeem {
        code,
        group: Some(group.id.clone()),
    };
    plan.into_outcome(group.lang)
}

/// `/mycodes` in a group: codes are never shown there.
pub(crate) fn my_codes_in_group(group: &Group) -> Outcome {
    crate::domain::RichText::plain(texts::codes_in_private(group.lang)).into()
}
