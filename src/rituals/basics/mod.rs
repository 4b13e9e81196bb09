//! What every group has: the start, help, its language, adopting a group, the
//! bot's status, and pruning old records.

pub mod texts;

pub(crate) mod pruning;

use crate::rituals::command::CommandError;
use async_trait::async_trait;

use super::{CommandSpec, Help, Job, Ritual};
use crate::{
    domain::{ChatId, Lang, RichText, command::Access},
    engine::{
        commands::Outcome,
        effect::{Cx, Effect},
    },
    rituals::command::Command,
    store::{self, groups::Group},
};

pub const RITUAL: Ritual = Ritual {
    name: "basics",
    commands: &[
        CommandSpec {
            name: "start",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "Start here: your codes, your claims and this list",
                zh: "从这里开始：你的券码、领奖和本列表",
            },
            parse: |args| Ok(Command::Start(parse_start(args))),
        },
        CommandSpec {
            name: "help",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "What you can do here",
                zh: "查看可用命令",
            },
            parse: |_| Ok(Command::Help),
        },
        CommandSpec {
            name: "lang",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Set the group language: /lang zh or /lang en (admins)",
                zh: "设置群语言：/lang zh 或 /lang en（管理员）",
            },
            parse: |args| Ok(Command::Lang(parse_lang(args)?)),
        },
        CommandSpec {
            name: "adopt",
            aliases: &[],
            access: Access::Operator,
            help: Help {
                en: "Register this group (operators)",
                zh: "登记本群（运营者）",
            },
            parse: |_| Ok(Command::Adopt),
        },
        CommandSpec {
            name: "status",
            aliases: &[],
            access: Access::Operator,
            help: Help {
                en: "In a private chat: is the bot well, and what did it skip (operators)",
                zh: "私聊发送：机器人是否正常，跳过了哪些更新（运营者）",
            },
            parse: |_| Ok(Command::Status),
        },
    ],
    jobs: &[Job {
        name: "pruning",
        run: |engine| Box::pin(engine.prune_old_records()),
    }],
};

/// `/lang zh|en`: the group's language from now on.
pub(crate) fn set_lang(new: Lang) -> Outcome {
    Outcome {
        reply: RichText::plain(texts::lang_set(new)),
        effect: Some(Box::new(SetLang(new))),
    }
}

/// `/adopt` by an operator who is an admin there: the group is served.
pub(crate) fn register(group: Group) -> Outcome {
    Outcome {
        reply: RichText::plain(texts::adopted(group.lang)),
        effect: Some(Box::new(Register(group))),
    }
}

/// The private chat's greeting and command list.
pub(crate) fn start_text(lang: Lang, operator: bool) -> RichText {
    let mut text = RichText::plain(texts::start_private(lang));
    text.push_text("\n\n");
    text.append(help_text(lang, operator));
    text
}

pub(crate) fn help_text(lang: Lang, admin: bool) -> RichText {
    let mut out = String::from(texts::help_member_header(lang));
    for (cmd, about) in super::help_lines(lang, false) {
        out.push_str(&format!("\n/{cmd} — {about}"));
    }
    if admin {
        out.push_str(&format!("\n\n{}", texts::help_admin_header(lang)));
        for (cmd, about) in super::help_lines(lang, true) {
            out.push_str(&format!("\n/{cmd} — {about}"));
        }
    }
    RichText::plain(out)
}

/// `/lang zh|en`.
struct SetLang(Lang);

#[async_trait]
impl Effect for SetLang {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        store::groups::set_lang(cx.conn, cx.chat, self.0).await?;
        Ok(None)
    }
}

/// `/adopt`: the group is served from now on.
struct Register(Group);

#[async_trait]
impl Effect for Register {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        store::groups::register(cx.conn, &self.0, cx.now).await?;
        Ok(None)
    }

    fn registers(&self) -> Option<&ChatId> {
        Some(&self.0.id)
    }
}

/// `/start [payload]`: Telegram's deep-link payloads are at most 64 of
/// `[A-Za-z0-9_-]`; anything else is no payload.
pub fn parse_start(args: &str) -> Option<String> {
    Some(args)
        .filter(|a| {
            !a.is_empty()
                && a.len() <= 64
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
        .map(str::to_owned)
}

pub fn parse_lang(args: &str) -> Result<Lang, CommandError> {
    args.parse().map_err(|_| CommandError::BadLang)
}
