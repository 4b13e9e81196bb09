//! "The Nth reply wins": an admin posts a prompt; replies to it are counted
//! in the order the platform delivers them, once per member; at the
//! deadline the winners are announced (and handed a code when the prize
//! names a pool).
//!
//! Replies are counted in the batch transaction of the updates that carry
//! them, so a replayed update finds the member already counted and the
//! order never changes. The scheduler's pass ends games whose time is up.

pub mod command;
pub mod rules;
pub mod texts;

use sqlx::AnyConnection;

use self::{
    command::NthCommand,
    rules::{NthParams, Rule},
};
use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{
        ChatId, Lang, RichText, command::Access, deadline::moment_after, draw::DrawKind,
        schedule::local_of,
    },
    rituals::{command::Command, coupons::rules::PoolName, draws::store::Draw},
    store::{self, groups::Group},
};
use crate::{
    engine::{Action, Engine, Person, commands::Outcome},
    rituals::coupons::awards::Win,
};

pub const RITUAL: Ritual = Ritual {
    name: "nth_reply",
    section: Section::Draws,
    commands: &[CommandSpec {
        name: "nth",
        aliases: &[],
        access: Access::Admin,
        help: Help {
            en: "The Nth reply wins: /nth <N> <until> [prize], or /nth every <M> …; close <id> (admins)",
            zh: "第 N 位回复中奖：/nth <N> <截止> [奖品]，或 /nth every <M> …；close <编号>（管理员）",
        },
        usage: Help {
            en: "/nth <N> <until> [prize]\n/nth every <M> <until> [prize]\n/nth close <id>",
            zh: "/nth <N> <截止> [奖品]\n/nth every <M> <截止> [奖品]\n/nth close <编号>",
        },
        example: "/nth 88 21:00 奶茶券",
        parse: |args| Ok(Command::Nth(command::parse(args)?)),
    }],
    jobs: &[],
};

/// Replies a game may count: more than any group has members.
const UNLIMITED_REPLIES: i64 = 1 << 40;
/// Winners mentioned in the results; beyond, they are named.
const MENTIONED_WINNERS: usize = 25;

/// An Nth-reply command, written with its reply.
pub(crate) enum NthPlan {
    Open {
        lang: Lang,
        by: Person,
        rule: Rule,
        ends_at: i64,
        ends_local: String,
        prize: Option<String>,
        pool: Option<PoolName>,
    },
    Close {
        lang: Lang,
        id: i64,
    },
}

impl NthPlan {
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        group: &ChatId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        match self {
            NthPlan::Open {
                lang,
                by,
                rule,
                ends_at,
                ends_local,
                prize,
                pool,
            } => {
                let pools: Vec<&PoolName> = pool.iter().collect();
                if let Some(refusal) = engine
                    .refuse_missing_pool(conn, group, &pools, lang)
                    .await?
                {
                    return Ok(refusal);
                }
                let params = NthParams {
                    rule,
                    ends_at,
                    prize,
                    pool,
                };
                // Nothing is random: no seed to commit to.
                let id = crate::rituals::draws::store::insert(
                    conn,
                    &crate::rituals::draws::store::NewDraw {
                        group,
                        kind: DrawKind::Nth,
                        params: &serde_json::to_string(&params)?,
                        seed: "",
                        commitment: "",
                        slots: UNLIMITED_REPLIES,
                        created_by: &by.id,
                        open: true,
                        closes_at: None,
                    },
                    now,
                )
                .await?;
                let mut text = RichText::default();
                text.push_mention(&by.id, &by.name);
                text.push_text(&texts::opened(lang, id, rule, &ends_local));
                if let Some(prize) = &params.prize {
                    text.push_text(&texts::prize(lang, prize));
                }
                let announce = Action::Announce {
                    draw: id,
                    text,
                    button: None,
                };
                engine.enqueue(conn, group, &announce).await?;
                tracing::info!(draw = id, "reply game opened");
                Ok(RichText::default())
            }
            NthPlan::Close { lang, id } => {
                let draw =
                    crate::rituals::draws::store::get_in(conn, group, DrawKind::Nth, id).await?;
                let Some(draw) = draw else {
                    return Ok(RichText::plain(texts::not_found(lang, id)));
                };
                if !crate::rituals::draws::store::close(conn, id, now).await? {
                    return Ok(RichText::plain(texts::already_closed(lang, id)));
                }
                engine.post_nth_results(conn, &draw, lang).await?;
                Ok(RichText::default())
            }
        }
    }
}

impl Engine {
    /// `/nth …` in a served group, from an admin.
    pub(crate) fn nth_command(&self, command: NthCommand, group: &Group, from: &Person) -> Outcome {
        let lang = group.lang;
        let plan = match command {
            NthCommand::Open {
                rule,
                deadline,
                prize,
                pool,
            } => {
                let zone = group.timezone;
                let now = self.now_ms();
                let ends_at = moment_after(deadline, zone, now);
                NthPlan::Open {
                    lang,
                    by: from.clone(),
                    rule,
                    ends_at,
                    ends_local: local_of(zone, ends_at).format("%H:%M").to_string(),
                    prize,
                    pool,
                }
            }
            NthCommand::Close(id) => NthPlan::Close { lang, id },
        };
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        }
    }

    /// Counts replies to open games' prompts, in delivery order, inside the
    /// batch's transaction.
    pub(crate) async fn record_replies(
        &self,
        conn: &mut AnyConnection,
        replies: &[(ChatId, String, Person)],
    ) -> anyhow::Result<()> {
        let now = self.now_ms();
        for (group, message, from) in replies {
            let Some(draw) = crate::rituals::draws::store::by_message(conn, group, message).await?
            else {
                continue;
            };
            if draw.kind != DrawKind::Nth
                || draw.closed_at.is_some()
                || params_of(&draw)?.ends_at <= now
            {
                continue;
            }
            if crate::rituals::draws::store::entry_of(conn, draw.id, &from.id)
                .await?
                .is_some()
            {
                continue;
            }
            let Some(position) = crate::rituals::draws::store::take_slot(conn, draw.id).await?
            else {
                continue;
            };
            let entry = crate::rituals::draws::store::Entry {
                user: from.id.clone(),
                name: from.name.clone(),
                position,
                amount: 0,
            };
            crate::rituals::draws::store::enter(conn, draw.id, &entry, now).await?;
        }
        Ok(())
    }

    /// Ends every game whose deadline has passed; returns how many.
    pub(crate) async fn close_due_games(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let open = {
            let mut conn = self.store().connection().await?;
            crate::rituals::draws::store::open_of_kind(&mut conn, DrawKind::Nth).await?
        };
        let mut closed = 0;
        for draw in open {
            if params_of(&draw)?.ends_at > now {
                continue;
            }
            let mut tx = self.store().begin().await?;
            let lang = store::groups::get(&mut tx, &draw.group)
                .await?
                .map_or(self.settings().default_lang, |g| g.lang);
            if crate::rituals::draws::store::close(&mut tx, draw.id, now).await? {
                self.post_nth_results(&mut tx, &draw, lang).await?;
                closed += 1;
            }
            tx.commit().await?;
        }
        if closed > 0 {
            self.work.notify_waiters();
        }
        Ok(closed)
    }

    /// Names the winners, mentions them, and hands out their codes.
    pub(crate) async fn post_nth_results(
        &self,
        conn: &mut AnyConnection,
        draw: &Draw,
        lang: Lang,
    ) -> anyhow::Result<()> {
        let params = params_of(draw)?;
        let entries = crate::rituals::draws::store::entries(conn, draw.id).await?;
        let count = entries.len() as u64;
        let mut text = RichText::plain(texts::results(lang, draw.id, count));
        let winners = params.rule.winners(count);
        if winners.is_empty() {
            text.push_text(&texts::no_winner(lang, params.rule));
        }
        for (i, position) in winners.iter().enumerate() {
            let Some(entry) = entries.get(*position as usize) else {
                continue;
            };
            text.push_text(&texts::winner(lang, *position));
            // Mentions for the first winners; a long list is only named.
            if i < MENTIONED_WINNERS {
                text.push_mention(&entry.user, &entry.name);
            } else {
                text.push_text(entry.name.as_str());
            }
            if let (Some(pool), Some(prize)) = (&params.pool, &params.prize) {
                let winner = Person::known(entry.user.clone(), entry.name.clone());
                let win = Win::in_draw(&winner, draw, prize, lang);
                let award = self.award_code(conn, pool, win).await?;
                text.push_text(&award.in_group(lang));
            }
        }
        if let (false, Some(prize)) = (winners.is_empty(), &params.prize) {
            text.push_text(&texts::prize(lang, prize));
        }
        self.enqueue(conn, &draw.group, &Action::Send { text })
            .await?;
        tracing::info!(
            draw = draw.id,
            replies = count,
            winners = winners.len(),
            "reply game closed"
        );
        Ok(())
    }
}

pub(crate) fn params_of(draw: &Draw) -> anyhow::Result<NthParams> {
    use anyhow::Context;
    serde_json::from_str(&draw.params)
        .with_context(|| format!("draw {} has unreadable parameters", draw.id))
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for NthPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.chat, cx.now).await?))
    }
}
