//! Scheduled posts, time zones, the operator's snippets and group sets.

pub mod command;
pub(crate) mod library;
pub(crate) mod manage;
pub(crate) mod plan;
pub(crate) mod posts;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Job, Ritual};
use crate::{domain::command::Access, rituals::command::Command};

pub const RITUAL: Ritual = Ritual {
    name: "schedules",
    commands: &[
        CommandSpec {
            name: "schedule",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Scheduled posts: list, add (daily 20:30…), once, edit, pause, resume, delete (admins)",
                zh: "定时帖子：list、add（每天 20:30…）、once、edit、pause、resume、delete（管理员）",
            },
            parse: |args| Ok(Command::Schedule(command::parse_schedule(args)?)),
        },
        CommandSpec {
            name: "timezone",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Show or set the group's time zone (admins)",
                zh: "查看或设置本群时区（管理员）",
            },
            parse: |args| Ok(Command::Timezone(command::parse_timezone(args)?)),
        },
        CommandSpec {
            name: "snippet",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Reusable wording: list, save, delete (admins)",
                zh: "话术库：list、save、delete（管理员）",
            },
            parse: |args| Ok(Command::Snippet(command::parse_snippet(args)?)),
        },
        CommandSpec {
            name: "groups",
            aliases: &[],
            access: Access::Operator,
            help: Help {
                en: "Your groups and group sets (operators)",
                zh: "你的群和群组（运营者）",
            },
            parse: |_| Ok(Command::Groups),
        },
        CommandSpec {
            name: "groupset",
            aliases: &[],
            access: Access::Operator,
            help: Help {
                en: "Name a set of groups for posting to all (operators)",
                zh: "命名群组，用于多群定时（运营者）",
            },
            parse: |args| Ok(Command::GroupSet(command::parse_group_set(args)?)),
        },
    ],
    jobs: &[Job {
        name: "scheduled posts",
        run: |engine| Box::pin(engine.fire_due_schedules()),
    }],
};
