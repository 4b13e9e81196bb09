//! The review queue: newcomers screening flagged at join wait here, highest
//! score first, until an admin keeps them or removes them. A removal takes
//! the member out on the platform first, then, in one transaction, records
//! the decision and withdraws their inviter's credit, so counts and
//! leaderboards change at once.

use sqlx::AnyConnection;

use super::{
    store::suspects::{KEPT, PENDING, REMOVED, Suspect},
    texts,
};
use crate::engine::{
    Action, Button, Engine, Person, PortError, audit::AuditNote, buttons::with_buttons,
    commands::Outcome,
};
use crate::{
    domain::{ChatId, Lang, RichText},
    store::{self, groups::Group, outbox::Lane},
};

/// Suspects `/review` shows at once.
const SHOWN: i64 = 10;

/// What a review button's data starts with: `review:keep:<n>`,
/// `review:remove:<n>`.
pub(crate) const REVIEW_PREFIX: &str = "review:";

/// A decision, written with its reply.
pub(crate) enum ReviewPlan {
    Keep {
        lang: Lang,
        suspect: Suspect,
        by: Person,
    },
    /// The platform has already taken the member out.
    Remove {
        lang: Lang,
        suspect: Suspect,
        by: Person,
    },
}

impl ReviewPlan {
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        group: &ChatId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let (lang, suspect, by, state) = match self {
            ReviewPlan::Keep { lang, suspect, by } => (lang, suspect, by, KEPT),
            ReviewPlan::Remove { lang, suspect, by } => (lang, suspect, by, REMOVED),
        };
        if !super::store::suspects::decide(conn, suspect.id, state, &by.id, now).await? {
            let current = super::store::suspects::get(conn, group, suspect.id).await?;
            let kept = current.is_some_and(|s| s.state == KEPT);
            return Ok(RichText::plain(texts::decided(lang, suspect.id, kept)));
        }
        let name = suspect.name.as_str();
        if state == KEPT {
            tracing::info!(suspect = suspect.id, "suspect kept");
            return Ok(RichText::plain(texts::kept(lang, name)));
        }
        let mut text = RichText::plain(texts::removed(lang, name));
        if let Some(inviter) = engine
            .record_removal(conn, group, &suspect.user, now)
            .await?
        {
            let count = store::members::invites_of(conn, group, &inviter).await?;
            let who = store::members::name_of(conn, &inviter)
                .await?
                .map_or_else(|| inviter.to_string(), |n| n.as_str().to_owned());
            text.push_text(&texts::credit_withdrawn(lang, &who, count));
        }
        tracing::info!(suspect = suspect.id, "suspect removed");
        Ok(text)
    }
}

impl Engine {
    /// `/review`: the group's suspects, highest score first, with why, and
    /// a Keep and a Remove button for each where the platform has buttons.
    pub(crate) async fn review_list(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let waiting = super::store::suspects::pending_count(conn, &group.id).await?;
        if waiting == 0 {
            return Ok(RichText::plain(texts::empty(lang)).into());
        }
        let shown = super::store::suspects::pending(conn, &group.id, SHOWN).await?;
        let mut text = RichText::plain(texts::header(lang, waiting, shown.len()));
        for s in &shown {
            let reasons: Vec<String> = s.reasons.iter().map(|r| r.explain(lang)).collect();
            // Names only: a mention would notify the suspect.
            text.push_text(&texts::row(
                lang,
                s.id,
                s.name.as_str(),
                s.score,
                &reasons.join(match lang {
                    Lang::Zh => "；",
                    Lang::En => "; ",
                }),
            ));
        }
        text.push_text(texts::howto(lang, self.has_buttons(group.id.platform())));
        let button = |label: String, verb: &str, id: i64| Button {
            label,
            data: format!("{REVIEW_PREFIX}{verb}:{id}"),
            reaction: String::new(),
        };
        let rows = shown
            .iter()
            .map(|s| {
                vec![
                    button(texts::keep_label(lang, s.id), "keep", s.id),
                    button(texts::remove_label(lang, s.id), "remove", s.id),
                ]
            })
            .collect();
        Ok(with_buttons(text, rows))
    }

    /// An admin pressed Keep or Remove under the queue. Only admins may; the
    /// decision is carried out as its command would be, its result posted in
    /// the group and shown to the admin. A press on a suspect decided
    /// already (or delivered twice) only answers the admin.
    pub(crate) async fn review_press(
        &self,
        group: &Group,
        from: &Person,
        what: &str,
        query: Option<&str>,
        topic: Option<&str>,
    ) -> anyhow::Result<()> {
        let lang = group.lang;
        let parsed = what
            .split_once(':')
            .and_then(|(verb, id)| Some((verb == "remove", id.parse::<i64>().ok()?)));
        let Some((remove, id)) = parsed else {
            return Ok(());
        };
        let answer = if !self.is_admin(group, &from.id).await? {
            crate::domain::texts::admin_only(lang).to_owned()
        } else {
            let outcome = self.review_decision(id, remove, group, from).await?;
            match outcome.effect {
                Some(effect) => {
                    let mut tx = self.store().begin().await?;
                    let now = self.now_ms();
                    let verb = if remove { "remove" } else { "keep" };
                    let note = AuditNote {
                        group: Some(group.id.clone()),
                        action: verb.to_owned(),
                        detail: format!("{verb} #{id} (button)"),
                    };
                    note.record(&mut tx, from, now).await?;
                    let mut cx = crate::engine::effect::Cx {
                        engine: self,
                        conn: &mut tx,
                        chat: &group.id,
                        from,
                        answer_to: &group.id,
                        answer_topic: topic,
                        now,
                    };
                    let text = effect.apply(&mut cx).await?.unwrap_or_default();
                    let action = Action::Send { text: text.clone() };
                    self.enqueue_at(&mut tx, &group.id, topic, &action, Lane::Owed)
                        .await?;
                    tx.commit().await?;
                    self.work.notify_waiters();
                    text.to_plain()
                }
                _ => outcome.reply.to_plain(),
            }
        };
        if let Some(query) = query {
            let port = self.port(group.id.platform())?;
            if let Err(e) = port.answer_press(query, &answer, None).await {
                tracing::warn!(error = ?e, "could not answer a review press");
            }
        }
        Ok(())
    }

    /// `/keep <n>` or `/remove <n>`. A removal asks the platform first: if
    /// it refuses, nothing is recorded.
    pub(crate) async fn review_decision(
        &self,
        id: i64,
        remove: bool,
        group: &Group,
        from: &Person,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let suspect = {
            let mut conn = self.store().connection().await?;
            super::store::suspects::get(&mut conn, &group.id, id).await?
        };
        let Some(suspect) = suspect else {
            return Ok(RichText::plain(texts::not_found(lang, id)).into());
        };
        if suspect.state != PENDING {
            return Ok(RichText::plain(texts::decided(lang, id, suspect.state == KEPT)).into());
        }
        let by = from.clone();
        let plan = if remove {
            let port = self.port(group.id.platform())?;
            let reason = texts::removal_reason(lang, false);
            match port.remove_member(&group.id, &suspect.user, reason).await {
                Ok(()) => {}
                Err(PortError::MissingRight(right)) => {
                    return Ok(RichText::plain(texts::cannot_remove(lang, right)).into());
                }
                Err(PortError::Unexpected(e)) => {
                    tracing::warn!(error = ?e, "the platform refused to remove a suspect");
                    let reason = crate::domain::texts::short_reason(&e.root_cause().to_string());
                    let platform = group.id.platform().name();
                    let said = crate::domain::texts::removal_refused(lang, platform, &reason);
                    return Ok(RichText::plain(said).into());
                }
            }
            ReviewPlan::Remove { lang, suspect, by }
        } else {
            ReviewPlan::Keep { lang, suspect, by }
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        })
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for ReviewPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.chat, cx.now).await?))
    }
}
