//! Screening newcomers, and the review of suspects.

pub mod command;
pub(crate) mod profiles;
pub(crate) mod review;
pub mod rules;
pub(crate) mod screen;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Job, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use self::command::ScreeningCommand;
use crate::{
    engine::{Engine, commands::Outcome},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "screening",
    section: Section::Guard,
    commands: &[
        CommandSpec {
            name: "review",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Suspicious newcomers waiting for review, highest score first (admins)",
                zh: "待审核的可疑新成员，按可疑分排序（管理员）",
            },
            usage: Help {
                en: "/review",
                zh: "/review",
            },
            example: "/review",
            parse: |_| Ok(Command::Review),
        },
        CommandSpec {
            name: "keep",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Keep a suspect for good: /keep <number> (admins)",
                zh: "保留待审核成员：/keep <编号>（管理员）",
            },
            usage: Help {
                en: "/keep <number>",
                zh: "/keep <序号>",
            },
            example: "/keep 2",
            parse: |args| Ok(Command::Keep(command::suspect_number(args)?)),
        },
        CommandSpec {
            name: "remove",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Remove a suspect and withdraw their inviter's credit: /remove <number> (admins)",
                zh: "移出待审核成员并撤销其邀请人的计数：/remove <编号>（管理员）",
            },
            usage: Help {
                en: "/remove <number>",
                zh: "/remove <序号>",
            },
            example: "/remove 3",
            parse: |args| Ok(Command::Remove(command::suspect_number(args)?)),
        },
        CommandSpec {
            name: "screening",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Screening rules: threshold, auto, newids, words, reset (admins)",
                zh: "新成员筛查规则：threshold、auto、newids、words、reset（管理员）",
            },
            usage: Help {
                en: "/screening\n/screening threshold <points>\n/screening auto <points>|off\n/screening newids <telegram id>|off\n/screening raid <joins per minute>|off\n/screening words add|remove <word> …\n/screening reset",
                zh: "/screening\n/screening threshold <分数>\n/screening auto <分数>|off\n/screening newids <Telegram id>|off\n/screening raid <每分钟入群人数>|off\n/screening words add|remove <词> …\n/screening reset",
            },
            example: "/screening threshold 60",
            parse: |args| Ok(Command::Screening(command::parse(args)?)),
        },
    ],
    jobs: &[Job {
        name: "screening reports",
        run: |engine| Box::pin(engine.send_auto_reports()),
    }],
};

/// `/review`: the suspects waiting, highest score first.
pub(crate) async fn review(engine: &Engine, group: &Group) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine.review_list(&mut conn, group).await
}

/// `/screening …`: the group's rules, shown or changed.
pub(crate) async fn rules(
    engine: &Engine,
    command: ScreeningCommand,
    group: &Group,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine.screening_command(&mut conn, command, group).await
}
