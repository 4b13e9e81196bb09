//! An operator's library: `/snippet` (wording reused in posts),
//! `/groupset` (named sets of groups a post can target) and `/groups`.

use sqlx::AnyConnection;

use super::command::{GroupSetCommand, SnippetCommand};
use super::texts;
use crate::engine::{Engine, Person, commands::Outcome};
use crate::{
    domain::{ChatId, Lang, RichText, UserId, template::Template},
    store::{self, groups::Group},
};

use super::manage::preview_of;
use super::plan::{Plan, planned};
use crate::engine::commands::say;

impl Engine {
    /// `/snippet`: the owner's snippets listed, saved or deleted.
    pub(crate) async fn snippet_command(
        &self,
        command: SnippetCommand,
        group: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let owner = group.map_or_else(|| from.id.clone(), |g| g.owner.clone());
        Ok(match command {
            SnippetCommand::List => {
                let mut conn = self.store().connection().await?;
                let snippets = super::store::library::snippets(&mut conn, &owner).await?;
                if snippets.is_empty() {
                    say(texts::snippet_list_empty(lang))
                } else {
                    let mut text = String::from(texts::snippet_list_header(lang));
                    for (name, body) in snippets {
                        text.push_str(&format!("\n• {name}: {}", preview_of(&body)));
                    }
                    say(text)
                }
            }
            SnippetCommand::Save { name, text } => {
                match Template::parse_with(&text, texts::POST_VARS, &["countdown"]) {
                    Err(e) => say(format!("{}{}", texts::post_rejected(lang), e.explain(lang))),
                    Ok(_) => planned(
                        RichText::plain(format!(
                            "{}{{{{snippet {name}}}}}",
                            texts::snippet_saved(lang)
                        )),
                        Plan::SaveSnippet {
                            owner,
                            name,
                            body: text,
                        },
                    ),
                }
            }
            SnippetCommand::Delete(name) => planned(
                RichText::plain(texts::snippet_deleted(lang)),
                Plan::DeleteSnippet { owner, name, lang },
            ),
        })
    }

    /// `/groups`: the operator's groups with their ids, and their sets.
    pub(crate) async fn groups_command(
        &self,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let mut conn = self.store().connection().await?;
        let groups = store::groups::owned(&mut conn, &from.id).await?;
        if groups.is_empty() {
            return Ok(say(texts::groups_empty(lang)));
        }
        let mut text = String::from(texts::groups_header(lang));
        for g in &groups {
            text.push_str(&format!("\n• {} — {}", g.title, g.id));
        }
        for (name, ids) in super::store::library::group_sets(&mut conn, &from.id).await? {
            text.push_str(&format!("\n\n{} {name}: ", texts::group_sets_header(lang)));
            let ids: Vec<&str> = ids.iter().map(ChatId::as_str).collect();
            text.push_str(&ids.join(", "));
        }
        Ok(say(text))
    }

    /// `/groupset`: the operator's named sets of groups listed, saved or
    /// deleted; a set names only groups the operator owns.
    pub(crate) async fn groupset_command(
        &self,
        command: GroupSetCommand,
        group: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        Ok(match command {
            GroupSetCommand::List => {
                let mut conn = self.store().connection().await?;
                let mut text = String::from(texts::group_sets_header(lang));
                for (name, ids) in super::store::library::group_sets(&mut conn, &from.id).await? {
                    let ids: Vec<&str> = ids.iter().map(ChatId::as_str).collect();
                    text.push_str(&format!("\n• {name}: {}", ids.join(", ")));
                }
                say(text)
            }
            GroupSetCommand::Save { name, groups } => {
                let mut conn = self.store().connection().await?;
                let mut ids = Vec::new();
                for raw in &groups {
                    match self.owned_group(&mut conn, raw, group, &from.id).await? {
                        Some(g) => ids.push(g.id),
                        None => return Ok(say(texts::not_your_group(lang, raw))),
                    }
                }
                let list: Vec<&str> = ids.iter().map(ChatId::as_str).collect();
                planned(
                    RichText::plain(format!(
                        "{}{name} = {}",
                        texts::group_set_saved(lang),
                        list.join(", ")
                    )),
                    Plan::SaveGroupSet {
                        owner: from.id.clone(),
                        name,
                        groups: ids,
                    },
                )
            }
            GroupSetCommand::Delete(name) => planned(
                RichText::plain(texts::group_set_deleted(lang)),
                Plan::DeleteGroupSet {
                    owner: from.id.clone(),
                    name,
                    lang,
                },
            ),
        })
    }

    /// The groups `raws` name (ids or set names), each owned by `owner`,
    /// without repeats; or the sentence naming one that is not theirs.
    pub(crate) async fn owned_targets(
        &self,
        conn: &mut AnyConnection,
        raws: &[String],
        here: Option<&Group>,
        owner: &UserId,
        lang: Lang,
    ) -> anyhow::Result<Result<Vec<Group>, String>> {
        let mut groups: Vec<Group> = Vec::new();
        for raw in raws {
            let set = match super::command::parse_name(raw) {
                Ok(name) => super::store::library::group_set(conn, owner, &name).await?,
                Err(_) => Vec::new(),
            };
            let found = if set.is_empty() {
                self.owned_group(conn, raw, here, owner)
                    .await?
                    .into_iter()
                    .collect()
            } else {
                let mut found = Vec::new();
                for id in set {
                    found.extend(self.owned_group(conn, id.as_str(), here, owner).await?);
                }
                found
            };
            if found.is_empty() {
                return Ok(Err(texts::not_your_group(lang, raw)));
            }
            for g in found {
                if !groups.iter().any(|known| known.id == g.id) {
                    groups.push(g);
                }
            }
        }
        Ok(Ok(groups))
    }

    /// A group named by id (`tg:-100…`, or a bare Telegram number) that the
    /// operator owns and the bot serves.
    async fn owned_group(
        &self,
        conn: &mut AnyConnection,
        raw: &str,
        here: Option<&Group>,
        owner: &UserId,
    ) -> anyhow::Result<Option<Group>> {
        let id = match ChatId::parse(raw) {
            Some(id) => id,
            None => match raw.parse::<i64>() {
                Ok(n)
                    if here
                        .is_none_or(|g| g.id.platform() == crate::domain::Platform::Telegram) =>
                {
                    ChatId::telegram(n)
                }
                _ => return Ok(None),
            },
        };
        Ok(store::groups::get(conn, &id)
            .await?
            .filter(|g| g.active && g.owner == *owner))
    }
}
