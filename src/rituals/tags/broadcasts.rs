//! Tags, segments and broadcasts in the engine: `/tag`, `/untag`, `/tags`,
//! `/broadcast` and `/stop`.
//!
//! A broadcast fixes its recipients when it is sent: members of the segment
//! who started the bot in private and did not opt out. They then trickle
//! into the outbox at most [`WINDOW`] at a time, so the delivery loop's pace
//! holds and greetings and replies in groups never queue behind thousands
//! of private messages. A member who sends `/stop` before their turn is
//! skipped. The report goes where the broadcast was asked for once every
//! message has gone or failed.

use crate::engine::commands::say;
use anyhow::Context;
use sqlx::AnyConnection;

use super::{
    command::{BroadcastCommand, Segment, TagCommand},
    store::{Member, broadcasts::NewBroadcast},
    texts,
};
use crate::engine::{Action, Engine, commands::Outcome, event::Person};
use crate::{
    domain::{ChatId, Lang, RichText, UserId},
    store::{self, groups::Group},
};

/// A broadcast's messages in the outbox at once.
const WINDOW: i64 = 20;
/// How many of a group's inviters carry the `top` tag.
const TOP: u32 = 10;

/// What `/tag` (`add`) and `/untag` change.
pub(crate) struct TagPlan {
    lang: Lang,
    user: UserId,
    name: String,
    tag: String,
    add: bool,
}

/// A broadcast to record, with its recipients.
pub(crate) struct BroadcastPlan {
    lang: Lang,
    segment: String,
    message: RichText,
    recipients: Vec<UserId>,
    unreachable: usize,
}

impl Engine {
    /// `/tag`, `/untag` and `/tags` in a group.
    pub(crate) async fn tag_command(
        &self,
        conn: &mut AnyConnection,
        command: TagCommand,
        group: &Group,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let (who, change) = match command {
            TagCommand::List => return Ok(self.tag_list(conn, group).await?.into()),
            TagCommand::Of(who) => (who, None),
            TagCommand::Add { who, tag } => (who, Some((tag, true))),
            TagCommand::Remove { who, tag } => (who, Some((tag, false))),
        };
        let (user, name) = match crate::engine::roles::find_member(
            conn,
            &group.id,
            &who,
            crate::engine::roles::Naming::OrDisplayName,
            lang,
        )
        .await?
        {
            Ok(found) => found,
            Err(refusal) => return Ok(say(refusal)),
        };
        let Some((tag, add)) = change else {
            return Ok(self.tags_of(conn, group, &user, &name).await?.into());
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(TagPlan {
                lang,
                user,
                name,
                tag,
                add,
            })),
        })
    }

    /// Every tag in the group, with how many present members carry it.
    async fn tag_list(&self, conn: &mut AnyConnection, group: &Group) -> anyhow::Result<RichText> {
        let groups = std::slice::from_ref(&group.id);
        let top = top_inviters(conn, groups).await?;
        let mut lines = Vec::new();
        for tag in super::store::candidates(conn, groups).await? {
            let mark = if tag.is_manual() {
                texts::manual_mark(group.lang)
            } else {
                ""
            };
            let label = format!("{tag}{mark}");
            let segment = Segment::Tagged(tag);
            let n = super::store::segment(conn, groups, &segment, &top)
                .await?
                .len();
            if n > 0 {
                lines.push(format!("\n· {label}: {n}"));
            }
        }
        if lines.is_empty() {
            return Ok(RichText::plain(texts::tags_none(group.lang)));
        }
        Ok(RichText::plain(format!(
            "{}{}",
            texts::tags_header(group.lang),
            lines.concat()
        )))
    }

    /// One member's tags, manual ones first.
    async fn tags_of(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
        user: &UserId,
        name: &str,
    ) -> anyhow::Result<RichText> {
        let groups = std::slice::from_ref(&group.id);
        let top = top_inviters(conn, groups).await?;
        let mut tags = super::store::manual_of(conn, &group.id, user).await?;
        for tag in super::store::candidates(conn, groups).await? {
            if tag.is_manual() {
                continue;
            }
            let label = tag.to_string();
            let segment = Segment::Tagged(tag);
            let members = super::store::segment(conn, groups, &segment, &top).await?;
            if members.iter().any(|m| m.user == *user) {
                tags.push(label);
            }
        }
        Ok(RichText::plain(if tags.is_empty() {
            texts::tags_of_none(group.lang, name)
        } else {
            texts::tags_of(group.lang, name, &tags.join(", "))
        }))
    }

    /// `/broadcast <segment> <text>` from an operator: in a group for its
    /// members, in private for all of the operator's groups.
    pub(crate) async fn broadcast_command(
        &self,
        conn: &mut AnyConnection,
        command: BroadcastCommand,
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let (groups, titles) = match here {
            Some(group) => (vec![group.id.clone()], vec![group.title.clone()]),
            None => {
                let ids = store::groups::owned_by(conn, &from.id).await?;
                let mut titles = Vec::new();
                for id in &ids {
                    if let Some(g) = store::groups::get(conn, id).await? {
                        titles.push(g.title);
                    }
                }
                (ids, titles)
            }
        };
        let top = top_inviters(conn, &groups).await?;
        let segment = command.segment.to_string();
        let members = super::store::segment(conn, &groups, &command.segment, &top).await?;
        let (reachable, unreachable): (Vec<Member>, Vec<Member>) =
            members.into_iter().partition(|m| m.reachable);
        if reachable.is_empty() {
            return Ok(say(texts::broadcast_nobody(
                lang,
                &segment,
                unreachable.len(),
            )));
        }
        let mut message = RichText::plain(command.text);
        message.push_text(&texts::broadcast_footer(lang, &signature(&titles)));
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(BroadcastPlan {
                lang,
                segment,
                message,
                recipients: reachable.into_iter().map(|m| m.user).collect(),
                unreachable: unreachable.len(),
            })),
        })
    }

    /// Queues the next window of every broadcast under way, and reports the
    /// ones whose messages have all gone. Returns how many were queued.
    pub async fn run_broadcasts(&self) -> anyhow::Result<usize> {
        let open = {
            let mut conn = self.store().connection().await?;
            super::store::broadcasts::open(&mut conn).await?
        };
        let mut queued = 0;
        for broadcast in open {
            match self.advance_broadcast(&broadcast).await {
                Ok(n) => queued += n,
                Err(e) => {
                    tracing::error!(broadcast = broadcast.id, error = ?e, "broadcast pass failed; others go on")
                }
            }
        }
        if queued > 0 {
            self.work.notify_waiters();
        }
        Ok(queued)
    }

    async fn advance_broadcast(
        &self,
        broadcast: &super::store::broadcasts::Open,
    ) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let mut tx = self.store().begin().await?;
        if !super::store::broadcasts::lock(&mut tx, broadcast.id).await? {
            return Ok(0);
        }
        let tally = super::store::broadcasts::tally(&mut tx, broadcast.id).await?;
        let lang: Lang = broadcast
            .lang
            .parse()
            .unwrap_or(self.settings().default_lang);
        if tally.waiting == 0 && tally.pending == 0 {
            let report = texts::broadcast_report(
                lang,
                broadcast.id,
                &broadcast.segment,
                tally.sent,
                tally.failed,
                tally.stopped,
            );
            self.enqueue(
                &mut tx,
                &broadcast.chat,
                &Action::Send {
                    text: RichText::plain(report),
                },
            )
            .await?;
            super::store::broadcasts::finish(&mut tx, broadcast.id, now).await?;
            tracing::info!(
                broadcast = broadcast.id,
                sent = tally.sent,
                failed = tally.failed,
                "broadcast done"
            );
            tx.commit().await.context("reporting a broadcast")?;
            self.work.notify_waiters();
            return Ok(0);
        }
        let room = WINDOW - tally.pending;
        if room <= 0 || tally.waiting == 0 {
            return Ok(0);
        }
        let text: RichText =
            serde_json::from_str(&broadcast.message).context("reading a broadcast's message")?;
        let mut queued = 0;
        for (user, stopped) in
            super::store::broadcasts::next_waiting(&mut tx, broadcast.id, room).await?
        {
            // A /stop sent after the broadcast began still counts.
            if stopped {
                super::store::broadcasts::mark_stopped(&mut tx, broadcast.id, &user).await?;
                continue;
            }
            let chat = ChatId::private_with(&user);
            let send = Action::Send { text: text.clone() };
            if let Some(entry) = self.enqueue(&mut tx, &chat, &send).await? {
                super::store::broadcasts::mark_queued(&mut tx, broadcast.id, &user, entry).await?;
                queued += 1;
            }
        }
        tx.commit().await.context("queueing a broadcast")?;
        Ok(queued)
    }
}

impl TagPlan {
    /// Writes the change and says what happened.
    pub(crate) async fn write(
        self,
        conn: &mut AnyConnection,
        group: &ChatId,
        by: &UserId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let TagPlan {
            lang,
            user,
            name,
            tag,
            add,
        } = self;
        let text = if add {
            if super::store::add(conn, group, &user, &tag, by, now).await? {
                texts::tagged(lang, &name, &tag)
            } else {
                texts::already_tagged(lang, &name, &tag)
            }
        } else if super::store::remove(conn, group, &user, &tag).await? {
            texts::untagged(lang, &name, &tag)
        } else {
            texts::not_tagged(lang, &name, &tag)
        };
        Ok(RichText::plain(text))
    }
}

impl BroadcastPlan {
    /// Records the broadcast; the scheduler's pass sends it.
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        chat: &ChatId,
        by: &UserId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let message = serde_json::to_string(&self.message).context("encoding a broadcast")?;
        let id = super::store::broadcasts::create(
            conn,
            &NewBroadcast {
                chat,
                lang: self.lang.code(),
                segment: &self.segment,
                message: &message,
                unreachable: self.unreachable as i64,
                by,
                recipients: &self.recipients,
            },
            now,
        )
        .await?;
        tracing::info!(
            broadcast = id,
            recipients = self.recipients.len(),
            "broadcast queued"
        );
        engine.work.notify_waiters();
        Ok(RichText::plain(texts::broadcast_queued(
            self.lang,
            id,
            &self.segment,
            self.recipients.len(),
            self.unreachable,
        )))
    }
}

/// The ten best inviters of each group: they carry the `top` tag.
async fn top_inviters(conn: &mut AnyConnection, groups: &[ChatId]) -> anyhow::Result<Vec<UserId>> {
    let mut top = Vec::new();
    for group in groups {
        let standings = crate::rituals::leaderboard::store::top(conn, group, TOP).await?;
        top.extend(standings.into_iter().map(|s| s.inviter));
    }
    top.sort();
    top.dedup();
    Ok(top)
}

/// Who a broadcast is from, as members know them: the group's title, or a
/// few of the operator's groups.
fn signature(titles: &[String]) -> String {
    match titles {
        [] => String::from("Hearth"),
        [one] => one.clone(),
        [a, b] => format!("{a}, {b}"),
        [a, b, ..] => format!("{a}, {b} …"),
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for TagPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(
            self.write(cx.conn, cx.chat, &cx.from.id, cx.now).await?,
        ))
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for BroadcastPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(
            self.write(cx.engine, cx.conn, cx.chat, &cx.from.id, cx.now)
                .await?,
        ))
    }
}
