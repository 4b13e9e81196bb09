//! Giveaways: members join by button (🎉 on Matrix) until the end time;
//! then the scheduler's pass draws the winners without replacement, mentions
//! them, and each winner claims by pressing the results' button. `/reroll`
//! replaces the winners who did not claim, never drawing anyone twice.
//!
//! Joining is one short transaction on the draw's slot counter, as for the
//! other draws; the draw at the end reads the frozen entries under the
//! close, and a claim is a conditional update, so a replayed press or a
//! restart never claims, awards or draws twice.

pub mod command;
pub mod rounds;
pub mod rules;
pub mod store;
pub mod texts;

use rand::rngs::OsRng;
use sqlx::AnyConnection;

use self::store::Claim;
use self::{
    command::{GiveawayCommand, Reroll},
    rules::{GiveawayParams, Unmet},
};
use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{
        ChatId, Lang, RichText, command::Access, deadline::moment_after, draw::DrawKind,
        fairness::Seed, schedule::local_of,
    },
    rituals::{command::Command, coupons::texts as coupon_texts},
    store::groups::Group,
};
use crate::{
    engine::{
        Action, Engine, Person,
        commands::{Outcome, say},
    },
    rituals::coupons::awards::Award,
};

pub const RITUAL: Ritual = Ritual {
    name: "giveaway",
    section: Section::Draws,
    commands: &[
        CommandSpec {
            name: "giveaway",
            aliases: &["lottery"],
            access: Access::Admin,
            help: Help {
                en: "Giveaway: /giveaway <winners> <until> [prize] [--hours H] [--invites K]; close <id> draws now (admins)",
                zh: "抽奖：/giveaway <人数> <截止> [奖品] [--hours 小时] [--invites 人数]；close <编号> 立即开奖（管理员）",
            },
            usage: Help {
                en: "/giveaway <winners> <until> [prize] [--hours H] [--invites K] [--audited]\n/giveaway close <id>",
                zh: "/giveaway <中奖人数> <截止> [奖品] [--hours H] [--invites K] [--audited]\n/giveaway close <编号>",
            },
            example: "/giveaway 3 21:00 Gift box --invites 2",
            parse: |args| Ok(Command::Giveaway(command::parse(args)?)),
        },
        CommandSpec {
            name: "reroll",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Replace winners who did not claim: /reroll <id> [n] (admins)",
                zh: "重抽未领奖的中奖者：/reroll <编号> [人数]（管理员）",
            },
            usage: Help {
                en: "/reroll <id> [n]",
                zh: "/reroll <编号> [人数]",
            },
            example: "/reroll 12 1",
            parse: |args| Ok(Command::Reroll(command::parse_reroll(args)?)),
        },
    ],
    jobs: &[],
};

/// Entries a giveaway may take: more than any group has members.
pub(crate) const UNLIMITED_ENTRIES: i64 = 1 << 40;
/// Winners mentioned in a message; beyond, they are named.
pub(crate) const MENTIONED_WINNERS: usize = 25;

/// A giveaway command, written with its reply.
pub(crate) enum GiveawayPlan {
    Open {
        lang: Lang,
        by: Person,
        params: GiveawayParams,
        ends_at: i64,
        ends_local: String,
        seed: Seed,
        buttons: bool,
    },
    Close {
        lang: Lang,
        id: i64,
    },
    Reroll {
        lang: Lang,
        reroll: Reroll,
        buttons: bool,
    },
}

/// What pressing Join led to.
pub(crate) enum Join {
    Joined(i64),
    Already,
    Unmet(Unmet),
    NotMember,
    Ended,
}

impl Join {
    pub(crate) fn explain(&self, lang: Lang) -> String {
        match self {
            Join::Joined(n) => texts::joined(lang, *n),
            Join::Already => texts::joined_already(lang).to_owned(),
            Join::Unmet(unmet) => texts::unmet(lang, *unmet),
            Join::NotMember => texts::not_a_member(lang).to_owned(),
            Join::Ended => texts::not_open(lang).to_owned(),
        }
    }
}

/// What a winner's press on a drawn giveaway led to.
pub(crate) enum Claimed {
    /// The prize, and its code when it is one from a pool.
    Claimed(Option<String>, Option<Award>),
    Other(Claim),
}

impl Claimed {
    pub(crate) fn explain(&self, lang: Lang) -> String {
        match self {
            Claimed::Claimed(prize, award) => {
                let award = award.as_ref().map_or("", |a| a.explain(lang));
                format!("{}{award}", texts::claimed(lang, prize.as_deref()))
            }
            Claimed::Other(Claim::Already) => texts::claimed_already(lang).to_owned(),
            Claimed::Other(Claim::Replaced) => texts::replaced(lang).to_owned(),
            Claimed::Other(_) => texts::not_a_winner(lang).to_owned(),
        }
    }

    pub(crate) fn url(&self) -> Option<&str> {
        match self {
            Claimed::Claimed(_, Some(award)) => award.url(),
            _ => None,
        }
    }
}

impl GiveawayPlan {
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        group: &ChatId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        match self {
            GiveawayPlan::Open {
                lang,
                by,
                params,
                ends_at,
                ends_local,
                seed,
                buttons,
            } => {
                if let Some(pool) = &params.pool
                    && engine.missing_pool(conn, group, &[pool]).await?.is_some()
                {
                    return Ok(RichText::plain(coupon_texts::pool_unknown(
                        lang,
                        pool.as_str(),
                    )));
                }
                let commitment = seed.commitment();
                let id = crate::rituals::draws::store::insert(
                    conn,
                    &crate::rituals::draws::store::NewDraw {
                        group,
                        kind: DrawKind::Giveaway,
                        params: &serde_json::to_string(&params)?,
                        seed: &seed.to_hex(),
                        commitment: &commitment,
                        slots: UNLIMITED_ENTRIES,
                        created_by: &by.id,
                        open: true,
                        closes_at: Some(ends_at),
                    },
                    now,
                )
                .await?;
                let mut text = RichText::default();
                text.push_mention(&by.id, &by.name);
                text.push_text(&texts::opened(lang, id, params.winners, &ends_local));
                if let Some(prize) = &params.prize {
                    text.push_text(&texts::prize(lang, prize));
                }
                if !params.requirements.is_empty() {
                    text.push_text(&texts::requirements(lang, &params.requirements));
                }
                text.push_text(&texts::howto(lang, buttons));
                text.push_text(&crate::rituals::draws::texts::commitment_line(
                    lang,
                    &commitment,
                ));
                let announce = Action::Announce {
                    draw: id,
                    text,
                    button: Some(rounds::button(id, texts::join_label(lang))),
                };
                engine.enqueue(conn, group, &announce).await?;
                tracing::info!(draw = id, winners = params.winners, "giveaway opened");
                Ok(RichText::default())
            }
            GiveawayPlan::Close { lang, id } => {
                let Some(draw) =
                    crate::rituals::draws::store::get_in(conn, group, DrawKind::Giveaway, id)
                        .await?
                else {
                    return Ok(RichText::plain(texts::not_found(lang, id)));
                };
                if !crate::rituals::draws::store::close(conn, id, now).await? {
                    return Ok(RichText::plain(texts::already_closed(lang, id)));
                }
                engine.draw_giveaway(conn, &draw, lang).await?;
                Ok(RichText::default())
            }
            GiveawayPlan::Reroll {
                lang,
                reroll,
                buttons,
            } => engine.reroll(conn, group, reroll, lang, buttons, now).await,
        }
    }
}

impl Engine {
    /// `/giveaway …` in a served group, from an admin. A giveaway to
    /// close is looked up first: closing waits for a Confirm, which a
    /// giveaway missing or drawn already does not need.
    pub(crate) async fn giveaway_command(
        &self,
        command: GiveawayCommand,
        group: &Group,
        from: &Person,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        if let GiveawayCommand::Close(id) = command {
            let mut conn = self.store().connection().await?;
            let draw =
                crate::rituals::draws::store::get_in(&mut conn, &group.id, DrawKind::Giveaway, id)
                    .await?;
            match draw {
                None => return Ok(say(texts::not_found(lang, id))),
                Some(draw) if draw.closed_at.is_some() => {
                    return Ok(say(texts::already_closed(lang, id)));
                }
                Some(_) => {}
            }
        }
        let plan = match command {
            GiveawayCommand::Open {
                winners,
                deadline,
                prize,
                pool,
                requirements,
            } => {
                let zone = group.timezone;
                let ends_at = moment_after(deadline, zone, self.now_ms());
                GiveawayPlan::Open {
                    lang,
                    by: from.clone(),
                    params: GiveawayParams {
                        winners,
                        prize,
                        pool,
                        requirements,
                    },
                    ends_at,
                    ends_local: local_of(zone, ends_at).format("%m-%d %H:%M").to_string(),
                    seed: Seed::generate(&mut OsRng),
                    buttons: self.has_buttons(group.id.platform()),
                }
            }
            GiveawayCommand::Close(id) => GiveawayPlan::Close { lang, id },
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        })
    }

    /// `/reroll <id> [n]` in a served group, from an admin.
    pub(crate) fn reroll_command(&self, reroll: Reroll, group: &Group) -> Outcome {
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(GiveawayPlan::Reroll {
                lang: group.lang,
                reroll,
                buttons: self.has_buttons(group.id.platform()),
            })),
        }
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for GiveawayPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.chat, cx.now).await?))
    }
}
