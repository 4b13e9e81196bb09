//! Invite-contest milestones: a code and a certificate at N invites.

pub(crate) mod awards;
pub mod command;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Job, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use self::command::MilestoneCommand;
use crate::{
    engine::{Engine, commands::Outcome},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "milestones",
    section: Section::Invites,
    commands: &[CommandSpec {
        name: "milestone",
        aliases: &["milestones"],
        access: Access::Admin,
        help: Help {
            en: "Invite milestones: /milestone add <invites> [pool] gives a code and a certificate; remove <invites> (admins)",
            zh: "邀请里程碑：/milestone add <人数> [券池] 发放券码和证书；remove <人数> 删除（管理员）",
        },
        usage: Help {
            en: "/milestone\n/milestone add <invites> [pool]\n/milestone remove <invites>",
            zh: "/milestone\n/milestone add <人数> [券池]\n/milestone remove <人数>",
        },
        example: "/milestone add 10 vip",
        parse: |args| Ok(Command::Milestone(command::parse(args)?)),
    }],
    jobs: &[Job {
        name: "milestones",
        run: |engine| Box::pin(engine.award_milestones()),
    }],
};

/// `/milestone add|remove`, `/milestones`.
pub(crate) async fn milestones(
    engine: &Engine,
    command: MilestoneCommand,
    group: &Group,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine.milestone_command(&mut conn, command, group).await
}
