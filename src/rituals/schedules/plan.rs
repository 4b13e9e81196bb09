//! What `/schedule`, `/timezone`, `/snippet` and `/groupset` write, planned
//! while the command is checked and written with its reply in the command's
//! transaction: a command that fails a check writes nothing.

use sqlx::AnyConnection;

use super::command::PostKind;
use super::store::NewSchedule;
use super::texts;
use crate::engine::{Engine, commands::Outcome};
use crate::{
    domain::{ChatId, Lang, RichText, UserId},
    store,
};

/// Writes a command plans, applied with its reply.
pub(crate) enum Plan {
    AddSchedules {
        lang: Lang,
        by: UserId,
        items: Vec<Planned>,
    },
    Pause(i64),
    Resume(i64, Option<(String, i64)>),
    Delete(i64),
    Retime {
        id: i64,
        timing: String,
        next: (String, i64),
    },
    Retext {
        id: i64,
        body: String,
    },
    Timezone {
        group: ChatId,
        zone: chrono_tz::Tz,
        moved: Vec<(i64, Option<(String, i64)>)>,
    },
    SaveSnippet {
        owner: UserId,
        name: String,
        body: String,
    },
    DeleteSnippet {
        owner: UserId,
        name: String,
        lang: Lang,
    },
    SaveGroupSet {
        owner: UserId,
        name: String,
        groups: Vec<ChatId>,
    },
    DeleteGroupSet {
        owner: UserId,
        name: String,
        lang: Lang,
    },
}

/// One schedule about to be created, with what the reply shows of it.
pub(crate) struct Planned {
    pub(super) group: ChatId,
    pub(super) title: String,
    pub(super) kind: PostKind,
    pub(super) timing: String,
    pub(super) body: String,
    pub(super) pin: bool,
    pub(super) confirm: Option<String>,
    pub(super) next: (String, i64),
    pub(super) next_shown: String,
    pub(super) preview: RichText,
}

impl Plan {
    /// Applies the writes; returns a reply that replaces the planned one
    /// when it depends on them (new ids, whether something existed).
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        now: i64,
    ) -> anyhow::Result<Option<RichText>> {
        match self {
            Plan::AddSchedules { lang, by, items } => {
                Ok(Some(add_schedules(conn, lang, &by, items, now).await?))
            }
            Plan::Pause(id) => {
                super::store::set_paused(conn, id, true).await?;
                Ok(None)
            }
            Plan::Resume(id, next) => {
                super::store::set_paused(conn, id, false).await?;
                let next = next.as_ref().map(|(l, at)| (l.as_str(), *at));
                super::store::advance(conn, id, next).await?;
                Ok(None)
            }
            Plan::Delete(id) => {
                super::store::delete(conn, id).await?;
                engine.confirm_closed(id);
                Ok(None)
            }
            Plan::Retime { id, timing, next } => {
                super::store::set_timing(conn, id, &timing, (&next.0, next.1)).await?;
                Ok(None)
            }
            Plan::Retext { id, body } => {
                super::store::set_body(conn, id, &body).await?;
                Ok(None)
            }
            Plan::Timezone { group, zone, moved } => {
                store::groups::set_timezone(conn, &group, zone).await?;
                for (id, next) in moved {
                    let next = next.as_ref().map(|(l, at)| (l.as_str(), *at));
                    super::store::advance(conn, id, next).await?;
                }
                Ok(None)
            }
            Plan::SaveSnippet { owner, name, body } => {
                super::store::library::save_snippet(conn, &owner, &name, &body, now).await?;
                Ok(None)
            }
            Plan::DeleteSnippet { owner, name, lang } => {
                let gone = super::store::library::delete_snippet(conn, &owner, &name).await?;
                Ok((!gone).then(|| RichText::plain(texts::snippet_missing(lang))))
            }
            Plan::SaveGroupSet {
                owner,
                name,
                groups,
            } => {
                super::store::library::save_group_set(conn, &owner, &name, &groups).await?;
                Ok(None)
            }
            Plan::DeleteGroupSet { owner, name, lang } => {
                let gone = super::store::library::delete_group_set(conn, &owner, &name).await?;
                Ok((!gone).then(|| RichText::plain(texts::group_set_missing(lang))))
            }
        }
    }
}

/// Writes new schedules; the reply names each with its id and next run,
/// and previews the post once.
async fn add_schedules(
    conn: &mut AnyConnection,
    lang: Lang,
    by: &UserId,
    items: Vec<Planned>,
    now: i64,
) -> anyhow::Result<RichText> {
    let mut reply = RichText::default();
    // One preview is enough when one text goes to many groups.
    let single = items.len() == 1;
    let mut preview = None;
    for (n, item) in items.into_iter().enumerate() {
        let id = super::store::insert(
            conn,
            &NewSchedule {
                group: &item.group,
                kind: item.kind,
                timing: &item.timing,
                body: &item.body,
                pin: item.pin,
                confirm: item.confirm.as_deref(),
                next: (&item.next.0, item.next.1),
                created_by: by,
            },
            now,
        )
        .await?;
        if n > 0 {
            // Only a multi-group plan has a second item.
            reply.push_text("\n");
        }
        reply.push_text(&format!("{}#{id} · ", texts::schedule_saved(lang)));
        reply.push_text(&item.title);
        reply.push_text(texts::schedule_next_run(lang));
        reply.push_text(&item.next_shown);
        if single {
            reply.push_text(texts::preview_heading(lang));
            reply.append(item.preview);
        } else if n == 0 {
            preview = Some(item.preview);
        }
    }
    if let Some(preview) = preview {
        reply.push_text(texts::preview_heading(lang));
        reply.append(preview);
    }
    Ok(reply)
}

pub(super) fn planned(reply: RichText, plan: Plan) -> Outcome {
    Outcome {
        reply,
        effect: Some(Box::new(plan)),
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for Plan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        self.write(cx.engine, cx.conn, cx.now).await
    }
}
