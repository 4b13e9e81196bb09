//! What every draw shares: the list of a group's draws, and their windows
//! opening and closing on time.

pub(crate) mod presses;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Job, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

use crate::{domain::RichText, engine::Engine, store::groups::Group};

pub const RITUAL: Ritual = Ritual {
    name: "draws",
    section: Section::Draws,
    commands: &[CommandSpec {
        name: "draws",
        aliases: &[],
        access: Access::Member,
        help: Help {
            en: "Recent draws and their results",
            zh: "最近的红包、转盘等活动和结果",
        },
        usage: Help {
            en: "/draws",
            zh: "/draws",
        },
        example: "/draws",
        parse: |_| Ok(Command::Draws),
    }],
    jobs: &[Job {
        name: "draws",
        run: |engine| Box::pin(engine.run_due_draws()),
    }],
};

/// `/draws`: the group's recent draws and their results.
pub(crate) async fn list(engine: &Engine, group: &Group) -> anyhow::Result<RichText> {
    let mut conn = engine.store().connection().await?;
    engine.list_draws(&mut conn, group).await
}
