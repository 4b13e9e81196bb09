//! One permission model for every command: operator, assistant, group admin,
//! member. Admin status comes from the platform and is cached; assistants
//! are granted by an operator in one group.

use sqlx::AnyConnection;

use async_trait::async_trait;

use super::{
    Engine, Person,
    commands::Outcome,
    effect::{Cx, Effect},
};
use crate::{
    domain::{ChatId, Lang, Platform, RichText, UserId, command::Access},
    rituals::roles::{command::AssistantCommand, texts},
    store::{self, groups::Group},
};

/// How long a cached admin status is trusted. A platform change drops it
/// sooner (Telegram `chat_member`, Matrix `m.room.power_levels`).
pub const ADMIN_TTL_MS: i64 = 5 * 60 * 1000;
/// A member who tries an admin command is told it is not theirs at most once
/// in this long; further tries get no answer, so nobody can make the bot spam.
pub const TELL_AGAIN_MS: i64 = 24 * 3600 * 1000;

/// What someone may do in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Member,
    /// Granted by an operator: admin commands in one group.
    Assistant,
    /// An admin on the platform.
    Admin,
    /// Listed in `HEARTH_OPERATORS`: everything, everywhere.
    Operator,
}

impl Role {
    /// Whether this role may run a command needing `access`.
    pub fn may(self, access: Access) -> bool {
        match access {
            Access::Member => true,
            Access::Admin => self >= Role::Assistant,
            Access::Operator => self == Role::Operator,
        }
    }
}

/// What `/assistant` changes.
pub(crate) enum RolePlan {
    Grant { user: UserId, name: String },
    Revoke { user: UserId, name: String },
}

impl Engine {
    /// The role of `user` in `group`, asking the platform only when the
    /// cached admin status is missing or old.
    pub(crate) async fn role_in(&self, group: &Group, user: &UserId) -> anyhow::Result<Role> {
        if self.is_operator(user) {
            return Ok(Role::Operator);
        }
        let now = self.now_ms();
        {
            let mut conn = self.store.connection().await?;
            if store::roles::is_assistant(&mut conn, &group.id, user).await? {
                return Ok(Role::Assistant);
            }
            if let Some((admin, at)) =
                store::roles::cached_admin(&mut conn, &group.id, user).await?
                && now - at < ADMIN_TTL_MS
            {
                return Ok(if admin { Role::Admin } else { Role::Member });
            }
        }
        let port = self.port(group.id.platform())?;
        let admin = port
            .is_admin(&group.id, user)
            .await
            .map_err(anyhow::Error::from)?;
        let mut conn = self.store.connection().await?;
        store::roles::cache_admin(&mut conn, &group.id, user, admin, now).await?;
        Ok(if admin { Role::Admin } else { Role::Member })
    }

    /// Whether `user` may run admin commands in `group`.
    pub(crate) async fn is_admin(&self, group: &Group, user: &UserId) -> anyhow::Result<bool> {
        Ok(self.role_in(group, user).await?.may(Access::Admin))
    }

    /// `/assistant …`, for operators.
    pub(crate) async fn assistant_command(
        &self,
        conn: &mut AnyConnection,
        command: AssistantCommand,
        group: &Group,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let (who, grant) = match command {
            AssistantCommand::List => return Ok(assistant_list(conn, group).await?.into()),
            AssistantCommand::Add(who) => (who, true),
            AssistantCommand::Remove(who) => (who, false),
        };
        // Powers go to an account named by id or @username, never by a
        // display name anyone can copy; the reply names the account.
        let (user, name) = match find_member(conn, &group.id, &who, Naming::Exact, lang).await? {
            Ok((user, name)) => {
                let name = format!("{name} ({user})");
                (user, name)
            }
            Err(refusal) => return Ok(RichText::plain(refusal).into()),
        };
        let plan = if grant {
            RolePlan::Grant { user, name }
        } else {
            RolePlan::Revoke { user, name }
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(super::effect::InLang(lang, plan))),
        })
    }
}

impl RolePlan {
    /// Writes the change and says what happened.
    pub(crate) async fn write(
        self,
        conn: &mut AnyConnection,
        group: &ChatId,
        by: &Person,
        lang: Lang,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let text = match self {
            RolePlan::Grant { user, name } => {
                if store::roles::grant_assistant(conn, group, &user, &by.id, now).await? {
                    texts::granted(lang, &name)
                } else {
                    texts::already_assistant(lang, &name)
                }
            }
            RolePlan::Revoke { user, name } => {
                if store::roles::revoke_assistant(conn, group, &user).await? {
                    texts::revoked(lang, &name)
                } else {
                    texts::not_assistant(lang, &name)
                }
            }
        };
        Ok(RichText::plain(text))
    }
}

async fn assistant_list(conn: &mut AnyConnection, group: &Group) -> anyhow::Result<RichText> {
    let lang = group.lang;
    let assistants = store::roles::assistants(conn, &group.id).await?;
    if assistants.is_empty() {
        return Ok(RichText::plain(texts::no_assistants(lang)));
    }
    let mut text = texts::assistants_header(lang).to_owned();
    for (user, name) in assistants {
        let name = name.as_ref().map_or("?", |n| n.as_str());
        text.push_str(&format!("\n· {name} ({user})"));
    }
    Ok(RichText::plain(text))
}

/// How a command may name a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// By id or @username only: for granting powers.
    Exact,
    /// Also by exact display name in the group: for tags.
    OrDisplayName,
}

/// Finds a member by id (`tg:123456`, `123456`, `@bob:example.org`),
/// @username (Telegram, as last seen), or where `naming` allows, exact
/// display name in `group`; a sentence saying why not otherwise. Names are
/// shown, never mentioned.
pub(crate) async fn find_member(
    conn: &mut AnyConnection,
    group: &ChatId,
    who: &str,
    naming: Naming,
    lang: Lang,
) -> anyhow::Result<Result<(UserId, String), String>> {
    let by_id = match group.platform() {
        Platform::Telegram => who
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(UserId::telegram),
        Platform::Matrix => {
            (who.starts_with('@') && who.contains(':')).then(|| UserId::matrix(who))
        }
    }
    .or_else(|| UserId::parse(who).ok())
    .filter(|id| id.platform() == group.platform());
    if let Some(id) = by_id {
        let name = store::members::name_of(conn, &id)
            .await?
            .map_or_else(|| id.to_string(), |n| n.as_str().to_owned());
        return Ok(Ok((id, name)));
    }
    if let Some(handle) = who.strip_prefix('@')
        && group.platform() == Platform::Telegram
    {
        let found = store::members::by_handle(conn, &handle.to_ascii_lowercase(), 6).await?;
        return Ok(match found.as_slice() {
            [] => Err(texts::unknown_handle(lang, who)),
            [(id, name)] => Ok((id.clone(), name.as_str().to_owned())),
            many => {
                let ids: Vec<String> = many.iter().map(|(id, _)| id.to_string()).collect();
                Err(texts::ambiguous_member(lang, who, &ids.join(", ")))
            }
        });
    }
    if naming == Naming::Exact {
        return Ok(Err(texts::name_by_id(lang, who)));
    }
    let ids: Vec<String> = store::members::named_in(conn, group, who, 6)
        .await?
        .into_iter()
        .map(|id| id.to_string())
        .collect();
    Ok(match ids.as_slice() {
        [] => Err(texts::no_such_member(lang, who)),
        [one] => Ok((UserId::from_stored(one.clone()), who.to_owned())),
        many => Err(texts::ambiguous_member(lang, who, &many.join(", "))),
    })
}

#[async_trait::async_trait]
impl super::effect::Effect for super::effect::InLang<RolePlan> {
    async fn apply(
        self: Box<Self>,
        cx: &mut super::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        let lang = self.0;
        Ok(Some(
            self.1
                .write(cx.conn, cx.chat, cx.from, lang, cx.now)
                .await?,
        ))
    }
}

impl Engine {
    /// The sender's role in a served group, when it is enough for a
    /// command needing `needed`; otherwise the refusal they are owed. The
    /// platform is asked only when it matters: for admin commands, and for
    /// `/help`, whose answer shows admins more.
    pub(crate) async fn group_role(
        &self,
        group: &Group,
        from: &Person,
        needed: Access,
        name: &str,
    ) -> anyhow::Result<Result<Role, Outcome>> {
        let lang = group.lang;
        let role = if needed == Access::Member && !matches!(name, "start" | "help") {
            self.cheap_role(&from.id)
        } else {
            match self.role_in(group, &from.id).await {
                Ok(role) => role,
                Err(e) => {
                    tracing::warn!(error = ?e, "could not read a member's role");
                    // Help still helps; an admin command says why it waits.
                    if needed != Access::Member {
                        return Ok(Err(RichText::plain(crate::domain::texts::role_unknown(
                            lang,
                        ))
                        .into()));
                    }
                    Role::Member
                }
            }
        };
        if role.may(needed) {
            return Ok(Ok(role));
        }
        let refusal = match needed {
            Access::Operator => crate::domain::texts::operator_only(lang),
            _ => crate::domain::texts::admin_only(lang),
        };
        Ok(Err(Outcome {
            reply: RichText::plain(refusal),
            effect: Some(Box::new(Refused)),
        }))
    }

    /// A role known without a query: operators are listed in the settings,
    /// everyone else counts as a member.
    pub(crate) fn cheap_role(&self, user: &crate::domain::UserId) -> Role {
        if self.is_operator(user) {
            Role::Operator
        } else {
            Role::Member
        }
    }
}

/// A member tried a command that is not theirs: they are told once a day.
pub(crate) struct Refused;

#[async_trait]
impl Effect for Refused {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        let since = cx.now - TELL_AGAIN_MS;
        let (chat, from) = (cx.chat, &cx.from.id);
        if store::roles::tell_refusal(cx.conn, chat, from, since, cx.now).await? {
            Ok(None)
        } else {
            // Told already: no answer at all.
            Ok(Some(RichText::default()))
        }
    }

    fn changes(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assistants_may_run_admin_commands_but_not_operator_ones() {
        assert!(Role::Member.may(Access::Member));
        assert!(!Role::Member.may(Access::Admin));
        assert!(Role::Assistant.may(Access::Admin));
        assert!(!Role::Assistant.may(Access::Operator));
        assert!(Role::Admin.may(Access::Admin));
        assert!(!Role::Admin.may(Access::Operator));
        assert!(Role::Operator.may(Access::Operator));
    }
}
