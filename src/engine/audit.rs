//! The audit log as admins see it: what is recorded for each admin action,
//! and `/log`.

use sqlx::AnyConnection;

use super::{Engine, Person};
use crate::{
    domain::{ChatId, RichText, UserId, schedule::local_of},
    rituals::roles::texts,
    store::{self, groups::Group},
};

/// One admin action about to be recorded with the change it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditNote {
    pub group: Option<ChatId>,
    /// The command's name, e.g. `giveaway`.
    pub action: String,
    /// What was typed (cut to `store::audit::MAX_DETAIL_CHARS`).
    pub detail: String,
}

impl AuditNote {
    /// A typed command: the action is its name without prefix or `@bot`.
    pub(crate) fn of_command(group: Option<ChatId>, text: &str) -> Self {
        let name = text
            .get(1..)
            .unwrap_or_default()
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default();
        let name = name.split('@').next().unwrap_or_default();
        Self {
            group,
            action: name.to_lowercase(),
            detail: text.trim().to_owned(),
        }
    }

    /// Writes the note in the caller's transaction; an actor never seen
    /// before is remembered with their name, for `/log` to show.
    pub(crate) async fn record(
        &self,
        conn: &mut AnyConnection,
        actor: &Person,
        now_ms: i64,
    ) -> sqlx::Result<()> {
        store::members::know_user(&mut *conn, &actor.id, &actor.name, actor.is_bot).await?;
        store::audit::record(
            conn,
            self.group.as_ref(),
            actor.id.as_str(),
            &self.action,
            &self.detail,
            now_ms,
        )
        .await
    }
}

impl Engine {
    /// `/log [n]`: the group's latest admin actions, names shown, never
    /// mentioned, times in the group's zone.
    pub(crate) async fn log_list(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
        n: u32,
    ) -> anyhow::Result<RichText> {
        let lang = group.lang;
        let entries = store::audit::latest(conn, &group.id, i64::from(n)).await?;
        if entries.is_empty() {
            return Ok(RichText::plain(texts::log_empty(lang)));
        }
        let zone = group.timezone;
        let mut text = texts::log_header(lang, entries.len());
        for entry in &entries {
            let actor = match UserId::parse(&entry.actor) {
                Ok(id) => store::members::name_of(conn, &id)
                    .await?
                    .map_or_else(|| entry.actor.clone(), |n| n.as_str().to_owned()),
                Err(_) => entry.actor.clone(),
            };
            let at = local_of(zone, entry.at_ms).format("%m-%d %H:%M");
            text.push_str(&format!("\n{at} {actor}: {}", entry.detail));
        }
        Ok(RichText::plain(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_noted_by_its_name() {
        let note = AuditNote::of_command(None, "/Giveaway@hearth_bot 3 21:00 Tea ");
        assert_eq!(note.action, "giveaway");
        assert_eq!(note.detail, "/Giveaway@hearth_bot 3 21:00 Tea");
        assert_eq!(AuditNote::of_command(None, "!remove 4").action, "remove");
        assert_eq!(AuditNote::of_command(None, "").action, "");
    }
}
