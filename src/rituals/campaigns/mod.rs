//! Campaign playbooks: dated steps started, followed, paused and stopped.

pub mod command;
pub(crate) mod manage;
pub mod playbook;
pub(crate) mod steps;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Job, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use self::command::CampaignCommand;
use crate::{
    engine::{Engine, Person, commands::Outcome},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "campaigns",
    section: Section::Campaigns,
    commands: &[CommandSpec {
        name: "campaign",
        aliases: &[],
        access: Access::Operator,
        help: Help {
            en: "Campaign playbooks: start <playbook> <date> [--groups …], status, pause, resume, stop (operators)",
            zh: "活动剧本：start <剧本> <日期> [--groups …]、status、pause、resume、stop（运营者）",
        },
        usage: Help {
            en: "/campaign\n/campaign start <playbook> <YYYY-MM-DD> [--groups <ids or set>]\n/campaign status|pause|resume|stop <playbook>",
            zh: "/campaign\n/campaign start <剧本> <YYYY-MM-DD> [--groups <群编号或群组名>]\n/campaign status|pause|resume|stop <剧本>",
        },
        example: "/campaign start double11 2026-11-01 --groups south",
        parse: |args| Ok(Command::Campaign(command::parse(args)?)),
    }],
    jobs: &[Job {
        name: "campaign steps",
        run: |engine| Box::pin(engine.run_due_campaign_steps()),
    }],
};

/// `/campaign …` typed in a group.
pub(crate) async fn in_group(
    engine: &Engine,
    command: CampaignCommand,
    group: &Group,
    from: &Person,
) -> anyhow::Result<Outcome> {
    let mut conn = engine.store().connection().await?;
    engine
        .campaign_command(&mut conn, command, Some(group), from, group.lang)
        .await
}
