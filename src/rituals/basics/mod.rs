//! What every group has: the start, help, its language, adopting a group, the
//! bot's status, and pruning old records.

pub mod texts;

pub(crate) mod pruning;

use crate::rituals::command::CommandError;
use async_trait::async_trait;

use super::{CommandSpec, Help, Job, Ritual, Section};
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
    section: Section::Start,
    commands: &[
        CommandSpec {
            name: "start",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "Start here: your codes, your claims and this list",
                zh: "从这里开始：你的券码、领奖和本列表",
            },
            usage: Help {
                en: "/start",
                zh: "/start",
            },
            example: "/start",
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
            usage: Help {
                en: "/help [command or section]",
                zh: "/help [命令或分类]",
            },
            example: "/help top",
            parse: |args| Ok(Command::Help(parse_help(args))),
        },
        CommandSpec {
            name: "lang",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Set the group language: /lang zh or /lang en (admins)",
                zh: "设置群语言：/lang zh 或 /lang en（管理员）",
            },
            usage: Help {
                en: "/lang zh|en",
                zh: "/lang zh|en",
            },
            example: "/lang zh",
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
            usage: Help {
                en: "/adopt (in the group, as an operator who is its admin)",
                zh: "/adopt（在群里，由身为群管理员的运营者发送）",
            },
            example: "/adopt",
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
            usage: Help {
                en: "/status (in a private chat)",
                zh: "/status（私聊）",
            },
            example: "/status",
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

/// `/help`: the commands `admin` (or a member) may use, by section, and
/// how to ask about one.
pub(crate) fn help_text(lang: Lang, admin: bool) -> RichText {
    let mut out = String::from(texts::help_header(lang, admin));
    for (section, specs) in super::sections(admin) {
        out.push_str("\n\n");
        out.push_str(&section_text(section, &specs, lang));
    }
    out.push_str(&format!("\n\n{}", texts::help_footer(lang)));
    RichText::plain(out)
}

/// `/help <command or section>`: a command's forms, an example and who may
/// use it; a section's commands; or what to ask instead.
pub(crate) fn help_topic(topic: &str, lang: Lang, admin: bool) -> RichText {
    let name = topic.trim_start_matches(['/', '!']).to_lowercase();
    if let Some(spec) = super::command(&name) {
        return RichText::plain(command_help(spec, lang));
    }
    let Some(section) = super::Section::named(topic) else {
        return RichText::plain(texts::help_unknown(lang, topic));
    };
    let specs = super::sections(admin)
        .into_iter()
        .find(|(s, _)| *s == section)
        .map(|(_, specs)| specs)
        .unwrap_or_default();
    let mut out = section_text(section, &specs, lang);
    out.push_str(&format!("\n\n{}", texts::help_footer(lang)));
    RichText::plain(out)
}

/// A section's heading and its commands' help lines.
fn section_text(section: super::Section, specs: &[&CommandSpec], lang: Lang) -> String {
    let mut out = format!("▸ {}", section.title(lang));
    for spec in specs {
        out.push_str(&format!("\n/{} — {}", spec.name, spec.help.get(lang)));
    }
    out
}

/// One command's page.
pub fn command_help(spec: &CommandSpec, lang: Lang) -> String {
    format!(
        "/{} — {}\n\n{}\n{}\n\n{}{}\n{}",
        spec.name,
        spec.help.get(lang),
        texts::usage_heading(lang),
        spec.usage.get(lang),
        texts::example_heading(lang),
        spec.example,
        texts::who_may(lang, spec.access),
    )
}

/// `/help` takes one word: a command (with or without its `/`) or a
/// section's heading.
fn parse_help(args: &str) -> Option<String> {
    let word = args.split_whitespace().next()?;
    Some(word.chars().take(32).collect())
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
        let zone_chosen = cx.engine.settings().zone_set;
        store::groups::register(cx.conn, &self.0, zone_chosen, cx.now).await?;
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
