//! Scheduled posts, time zones, the operator's snippets and group sets.

pub mod command;
pub(crate) mod library;
pub(crate) mod manage;
pub(crate) mod plan;
pub(crate) mod posts;
pub mod store;
pub mod texts;

use super::{CommandSpec, Help, Job, Ritual, Section};
use crate::{domain::command::Access, rituals::command::Command};

pub const RITUAL: Ritual = Ritual {
    name: "schedules",
    section: Section::Posts,
    commands: &[
        CommandSpec {
            name: "schedule",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Scheduled posts: list, add (daily 20:30…), once, edit, pause, resume, delete (admins)",
                zh: "定时帖子：list、add（每天 20:30…）、once、edit、pause、resume、delete（管理员）",
            },
            usage: Help {
                en: "/schedule list\n/schedule add <rule> <teaser|notice|announce> [--pin] [--confirm \"phrase\"] [--groups <ids or set>] <text>\n/schedule once <YYYY-MM-DDTHH:MM> <kind> <text>\n/schedule edit <id> <rule> | edit <id> text <text>\n/schedule pause|resume|delete <id>\nRules: daily 20:30, weekdays 09:00, weekends 10:00, fri 20:30, or a cron line in quotes",
                zh: "/schedule list\n/schedule add <规则> <teaser|notice|announce> [--pin] [--confirm \"口令\"] [--groups <群编号或群组名>] <内容>\n/schedule once <YYYY-MM-DDTHH:MM> <类型> <内容>\n/schedule edit <编号> <规则> | edit <编号> text <内容>\n/schedule pause|resume|delete <编号>\n规则：每天 20:30、工作日 09:00、周末 10:00、每周五 20:30，或引号括起的 cron 表达式",
            },
            example: "/schedule add 每天 20:30 notice --pin 今晚 20:30 开奖！",
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
            usage: Help {
                en: "/timezone [zone]",
                zh: "/timezone [时区]",
            },
            example: "/timezone Asia/Shanghai",
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
            usage: Help {
                en: "/snippet list | save <name> <text> | delete <name>; in a post: {{snippet name}}",
                zh: "/snippet list | save <名称> <内容> | delete <名称>；帖子里用 {{snippet 名称}}",
            },
            example: "/snippet save rules Be kind, no ads.",
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
            usage: Help {
                en: "/groups (in a private chat)",
                zh: "/groups（私聊）",
            },
            example: "/groups",
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
            usage: Help {
                en: "/groupset list | save <name> <group id>… | delete <name>",
                zh: "/groupset list | save <名称> <群编号>… | delete <名称>",
            },
            example: "/groupset save south tg:-1001234 tg:-1005678",
            parse: |args| Ok(Command::GroupSet(command::parse_group_set(args)?)),
        },
    ],
    jobs: &[Job {
        name: "scheduled posts",
        run: |engine| Box::pin(engine.fire_due_schedules()),
    }],
};
