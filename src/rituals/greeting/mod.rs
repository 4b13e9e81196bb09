//! Greetings and invites: the welcome that mentions the newcomer and their
//! inviter, and members' own invite links.
//!
//! The greeter (`greeter.rs`) posts the greetings, folded per group; the
//! invite rule (`invites.rs`) decides who is credited; `/invite`,
//! `/myinvites` and `/setwelcome` are here.

pub mod texts;

pub(crate) mod greeter;
pub mod invites;
pub mod pace;
pub mod rules;
pub mod store;

use crate::domain::template::MAX_TEMPLATE_CHARS;
use crate::rituals::command::CommandError;
use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{
        RichText,
        command::Access,
        schedule::local_of,
        template::{Template, Value, Values},
    },
    engine::{
        Engine, Person, PortError,
        commands::{Outcome, addressed},
        effect::{Cx, Effect},
    },
    rituals::{command::Command, screening::texts as review_texts},
    store::groups::Group,
};

pub const RITUAL: Ritual = Ritual {
    name: "greeting",
    section: Section::Invites,
    commands: &[
        CommandSpec {
            name: "setwelcome",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Show or change the welcome template (admins)",
                zh: "查看或修改欢迎模板（管理员）",
            },
            usage: Help {
                en: "/setwelcome [template]",
                zh: "/setwelcome [模板]",
            },
            example: "/setwelcome 欢迎 {{newcomer}}！感谢 {{inviter}} 的邀请",
            parse: parse_setwelcome,
        },
        CommandSpec {
            name: "welcomepace",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Show or change how often the group gets a welcome message (admins)",
                zh: "查看或修改本群欢迎消息的间隔（管理员）",
            },
            usage: Help {
                en: "/welcomepace [seconds | 5m | default]",
                zh: "/welcomepace [秒数 | 5m | default]",
            },
            example: "/welcomepace 60",
            parse: pace::parse,
        },
        CommandSpec {
            name: "invite",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "Bring friends; they count for you",
                zh: "邀请好友（计入你的名下）",
            },
            usage: Help {
                en: "/invite",
                zh: "/invite",
            },
            example: "/invite",
            parse: |_| Ok(Command::Invite),
        },
        CommandSpec {
            name: "myinvites",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "Your effective invites and rank",
                zh: "查看你的有效邀请数和排名",
            },
            usage: Help {
                en: "/myinvites",
                zh: "/myinvites",
            },
            example: "/myinvites",
            parse: |_| Ok(Command::MyInvites),
        },
    ],
    jobs: &[],
};

impl Engine {
    /// `/invite`: the member's own link, made once by the platform and
    /// kept; without the right to make links, says which right is missing.
    pub(crate) async fn invite(&self, group: &Group, from: &Person) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let port = self.port(group.id.platform())?;
        if !port.personal_links() {
            return Ok(addressed(from, texts::invite_howto_without_links(lang)).into());
        }
        let known = {
            let mut conn = self.store().connection().await?;
            crate::store::links::of_member(&mut conn, &group.id, &from.id).await?
        };
        if let Some(url) = known {
            return Ok(addressed(from, &format!("{}{url}", texts::invite_link_intro(lang))).into());
        }
        let needs_right = || addressed(from, crate::domain::texts::invite_needs_right(lang));
        if !group.can_invite {
            return Ok(needs_right().into());
        }
        let name = link_name(from);
        let join_request = group.public_handle.is_some();
        match port
            .create_member_link(&group.id, &name, join_request)
            .await
        {
            Ok(url) => Ok(Outcome {
                reply: addressed(from, &format!("{}{url}", texts::invite_link_intro(lang))),
                effect: Some(Box::new(SaveLink {
                    url,
                    name,
                    join_request,
                })),
            }),
            Err(PortError::MissingRight(right)) => {
                tracing::warn!(group = %group.id, right, "cannot create invite links");
                Ok(Outcome {
                    reply: needs_right(),
                    effect: Some(Box::new(LostInviteRight)),
                })
            }
            Err(PortError::Unexpected(e)) => {
                tracing::warn!(group = %group.id, error = ?e, "the platform refused an invite link");
                let reason = crate::domain::texts::short_reason(&e.root_cause().to_string());
                let platform = group.id.platform().name();
                Ok(addressed(
                    from,
                    &crate::domain::texts::invite_refused(lang, platform, &reason),
                )
                .into())
            }
        }
    }
}

/// `/setwelcome`: alone, the current template and how to change it;
/// with a template, a preview of it, saved only if it parses.
pub(crate) fn set_welcome(source: Option<String>, group: &Group) -> Outcome {
    let lang = group.lang;
    let Some(source) = source else {
        let current = group
            .welcome_template
            .as_deref()
            .unwrap_or(texts::default_welcome(lang));
        let mut text = RichText::plain(texts::welcome_current(lang));
        text.push_text(current);
        text.push_text(texts::welcome_howto(lang));
        return text.into();
    };
    match Template::parse(&source, texts::WELCOME_VARS) {
        Err(e) => RichText::plain(format!(
            "{}{}",
            texts::welcome_rejected(lang),
            e.explain(lang)
        ))
        .into(),
        Ok(template) => {
            let mut reply = RichText::plain(texts::welcome_saved_preview(lang));
            reply.append(preview(&template, group));
            Outcome {
                reply,
                effect: Some(Box::new(SaveWelcome(source))),
            }
        }
    }
}

/// `/myinvites`: the member's count and rank, and its history: whose
/// credit went after review, and how many invitees still wait for it.
pub(crate) async fn my_invites(
    conn: &mut AnyConnection,
    group: &Group,
    from: &Person,
) -> anyhow::Result<RichText> {
    let lang = group.lang;
    let (count, rank) =
        crate::rituals::leaderboard::store::standing_of(conn, &group.id, &from.id).await?;
    let mut text = addressed(from, &texts::my_invites(lang, count, rank));
    let zone = group.timezone;
    for (name, at) in
        crate::rituals::screening::store::suspects::removed_invitees(conn, &group.id, &from.id)
            .await?
    {
        let day = local_of(zone, at).format("%m-%d").to_string();
        text.push_text(&review_texts::history_withdrawn(lang, name.as_str(), &day));
    }
    let waiting =
        crate::rituals::screening::store::suspects::pending_invitees(conn, &group.id, &from.id)
            .await?;
    if waiting > 0 {
        text.push_text(&review_texts::invitees_waiting(lang, waiting));
    }
    Ok(text)
}

/// A link name admins recognise in the group's link list; Telegram allows 32 characters.
fn link_name(member: &Person) -> String {
    let id = member.id.native();
    let room = 32usize.saturating_sub(id.chars().count() + 3);
    let name: String = member.name.as_str().chars().take(room).collect();
    format!("{name} · {id}")
}

/// Renders a template with sample values, so an admin sees what members will.
pub(crate) fn preview(template: &Template, group: &Group) -> RichText {
    let (newcomer, inviter) = texts::preview_names(group.lang);
    let sample = |name: &str| {
        let mut r = RichText::default();
        r.push_text(name);
        Value::Rich(r)
    };
    let values: Values = HashMap::from([
        ("newcomer", sample(newcomer)),
        ("inviter", sample(inviter)),
        ("count", Value::Text("7".into())),
        ("rank", Value::Text("1".into())),
        ("group", Value::Text(group.title.clone())),
    ]);
    template.render(&values)
}

/// `/setwelcome <template>`.
struct SaveWelcome(String);

#[async_trait]
impl Effect for SaveWelcome {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        crate::store::groups::set_welcome(cx.conn, cx.chat, &self.0).await?;
        Ok(None)
    }
}

/// A member's own invite link, made by the platform.
struct SaveLink {
    url: String,
    name: String,
    join_request: bool,
}

#[async_trait]
impl Effect for SaveLink {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        let from = cx.from;
        crate::store::members::upsert_users(cx.conn, &[from.seen()]).await?;
        let (url, name) = (&self.url, &self.name);
        crate::store::links::save(
            cx.conn,
            cx.chat,
            &from.id,
            url,
            name,
            self.join_request,
            cx.now,
        )
        .await?;
        Ok(None)
    }
}

/// The platform refused a link for want of the right to make one.
struct LostInviteRight;

#[async_trait]
impl Effect for LostInviteRight {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        crate::store::groups::set_can_invite(cx.conn, cx.chat, false).await?;
        Ok(None)
    }
}

/// `/setwelcome [template]`: alone, it shows the current one.
pub fn parse_setwelcome(args: &str) -> Result<Command, CommandError> {
    if args.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(CommandError::TooLong);
    }
    Ok(Command::SetWelcome(
        Some(args.to_owned()).filter(|a| !a.is_empty()),
    ))
}
