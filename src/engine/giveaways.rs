//! Giveaways: members join by button (🎉 on Matrix) until the end time;
//! then the scheduler's pass draws the winners without replacement, mentions
//! them, and each winner claims by pressing the results' button. `/reroll`
//! replaces the winners who did not claim, never drawing anyone twice.
//!
//! Joining is one short transaction on the draw's slot counter, as for the
//! other draws; the draw at the end reads the frozen entries under the
//! close, and a claim is a conditional update, so a replayed press or a
//! restart never claims, awards or draws twice.

use anyhow::Context;
use rand::rngs::OsRng;
use sqlx::AnyConnection;

use super::{
    Action, Button, Engine, Person,
    commands::Outcome,
    coupons::{Award, Win},
};
use crate::domain::draw::DrawKind;
use crate::{
    domain::{
        ChatId, Lang, RichText, coupon_texts,
        deadline::moment_after,
        fairness::Seed,
        giveaway::{self, GiveawayCommand, GiveawayParams, Reroll, Unmet},
        giveaway_texts as texts,
        schedule::local_of,
    },
    store::{
        self,
        draws::{Draw, Entry},
        groups::Group,
        winners::Claim,
    },
};

/// Entries a giveaway may take: more than any group has members.
const UNLIMITED_ENTRIES: i64 = 1 << 40;
/// Winners mentioned in a message; beyond, they are named.
const MENTIONED_WINNERS: usize = 25;

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
                let id = store::draws::insert(
                    conn,
                    &store::draws::NewDraw {
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
                text.push_text(&crate::domain::draw_texts::commitment_line(
                    lang,
                    &commitment,
                ));
                let announce = Action::Announce {
                    draw: id,
                    text,
                    button: Some(button(id, texts::join_label(lang))),
                };
                engine.enqueue(conn, group, &announce).await?;
                tracing::info!(draw = id, winners = params.winners, "giveaway opened");
                Ok(RichText::default())
            }
            GiveawayPlan::Close { lang, id } => {
                let Some(draw) = store::draws::get_in(conn, group, DrawKind::Giveaway, id).await?
                else {
                    return Ok(RichText::plain(texts::not_found(lang, id)));
                };
                if !store::draws::close(conn, id, now).await? {
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
    /// `/giveaway …` in a served group, from an admin.
    pub(crate) fn giveaway_command(
        &self,
        command: GiveawayCommand,
        group: &Group,
        from: &Person,
    ) -> Outcome {
        let lang = group.lang;
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
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        }
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

    /// A member presses Join: checks the requirements, then takes an entry.
    /// On Matrix a refusal is told in the room, since a reaction has no
    /// private answer; a member who got in is not announced to everyone.
    pub(crate) async fn join_giveaway(
        &self,
        draw: &Draw,
        from: &Person,
        lang: Lang,
        tell_in_room: bool,
    ) -> anyhow::Result<Join> {
        let params = params_of(draw)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let join = 'join: {
            if store::draws::entry_of(&mut tx, draw.id, &from.id)
                .await?
                .is_some()
            {
                break 'join Join::Already;
            }
            if draw.closes_at.is_some_and(|end| end <= now) {
                break 'join Join::Ended;
            }
            // Since the bot first knew them here: someone it never saw join
            // counts from the first time it asked about them, never forever.
            let member_ms = match store::members::presence(&mut tx, &draw.group, &from.id).await? {
                Some((false, _)) => break 'join Join::NotMember,
                Some((true, since)) => now - since,
                None => 0,
            };
            let invites = match params.requirements.min_invites {
                Some(_) => store::members::invites_of(&mut tx, &draw.group, &from.id).await?,
                None => 0,
            };
            let unaudited = if params.requirements.audited {
                store::suspects::pending_invitees(&mut tx, &draw.group, &from.id).await?
            } else {
                0
            };
            if let Err(unmet) = params.requirements.check(member_ms, invites, unaudited) {
                break 'join Join::Unmet(unmet);
            }
            let Some(position) = store::draws::take_slot(&mut tx, draw.id).await? else {
                break 'join Join::Ended;
            };
            let entry = Entry {
                user: from.id.clone(),
                name: from.name.clone(),
                position,
                amount: 0,
            };
            if !store::draws::enter(&mut tx, draw.id, &entry, now).await? {
                // A press delivered twice at once: the other one got in.
                return Ok(Join::Already);
            }
            Join::Joined(position + 1)
        };
        if tell_in_room && matches!(join, Join::Unmet(_) | Join::NotMember) {
            self.tell_win(&mut tx, draw, from, &join.explain(lang))
                .await?;
        }
        tx.commit().await.context("committing a giveaway entry")?;
        self.work.notify_waiters();
        Ok(join)
    }

    /// A winner claims their prize (a code, when the prize names a pool,
    /// taken in the claim's own transaction).
    pub(crate) async fn claim_prize(
        &self,
        draw: &Draw,
        from: &Person,
        lang: Lang,
        tell_in_room: bool,
    ) -> anyhow::Result<Claimed> {
        let params = params_of(draw)?;
        let mut tx = self.store.begin().await?;
        let claim = store::winners::claim(&mut tx, draw.id, &from.id, self.now_ms()).await?;
        if claim != Claim::Claimed {
            return Ok(Claimed::Other(claim));
        }
        let award = match (&params.pool, &params.prize) {
            (Some(pool), prize) => {
                let fallback = texts::claimed(lang, None);
                let win = Win {
                    winner: from,
                    group: &draw.group,
                    reason: format!("draw:{}", draw.id),
                    prize: prize.as_deref().unwrap_or(&fallback),
                    value: None,
                    lang,
                };
                Some(self.award_code(&mut tx, pool, win).await?)
            }
            (None, _) => None,
        };
        let claimed = Claimed::Claimed(params.prize.clone(), award);
        if tell_in_room {
            self.tell_win(&mut tx, draw, from, &claimed.explain(lang))
                .await?;
        }
        tx.commit().await.context("committing a claim")?;
        self.work.notify_waiters();
        tracing::info!(draw = draw.id, "prize claimed");
        Ok(claimed)
    }

    /// Draws a just-closed giveaway's winners (round 0), mentions them and
    /// reveals the seed, in the close's transaction.
    pub(crate) async fn draw_giveaway(
        &self,
        conn: &mut AnyConnection,
        draw: &Draw,
        lang: Lang,
    ) -> anyhow::Result<()> {
        let params = params_of(draw)?;
        let entries = store::draws::entries(conn, draw.id).await?;
        let seed = Seed::from_hex(&draw.seed).context("a stored seed is not hex")?;
        let picked = giveaway::draw_round(&seed, entries.len(), params.winners as usize, &[], 0);
        let positions: Vec<i64> = picked.iter().map(|p| *p as i64).collect();
        store::winners::add_round(conn, draw.id, 0, &positions).await?;
        let mut text = RichText::plain(texts::results(lang, draw.id, entries.len()));
        if picked.is_empty() {
            text.push_text(texts::no_entries(lang));
        } else {
            text.push_text(texts::winners_header(lang));
            push_winners(&mut text, &entries, &picked);
            if let Some(prize) = &params.prize {
                text.push_text(&texts::prize(lang, prize));
            }
            text.push_text(&texts::claim_howto(
                lang,
                self.has_buttons(draw.group.platform()),
            ));
        }
        text.push_text(&crate::domain::draw_texts::reveal(
            lang,
            draw.id,
            &draw.seed,
            &draw.commitment,
        ));
        let button = (!picked.is_empty()).then(|| button(draw.id, texts::claim_label(lang)));
        let announce = Action::Announce {
            draw: draw.id,
            text,
            button,
        };
        self.enqueue(conn, &draw.group, &announce).await?;
        tracing::info!(
            draw = draw.id,
            entries = entries.len(),
            winners = picked.len(),
            "giveaway drawn"
        );
        Ok(())
    }

    /// Replaces unclaimed winners (all, or the first `count` in the order
    /// drawn) with new ones from the seed's next round.
    async fn reroll(
        &self,
        conn: &mut AnyConnection,
        group: &ChatId,
        reroll: Reroll,
        lang: Lang,
        buttons: bool,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let id = reroll.id;
        let Some(draw) = store::draws::get_in(conn, group, DrawKind::Giveaway, id).await? else {
            return Ok(RichText::plain(texts::not_found(lang, id)));
        };
        if draw.closed_at.is_none() {
            return Ok(RichText::plain(texts::still_open(lang, id)));
        }
        // One reroll at a time: each is a round of its own.
        store::draws::lock(conn, id).await?;
        let winners = store::winners::of_draw(conn, id).await?;
        let unclaimed: Vec<_> = winners
            .iter()
            .filter(|w| w.stands() && w.claimed_at.is_none())
            .map(|w| w.user.clone())
            .take(reroll.count.map_or(usize::MAX, |n| n as usize))
            .collect();
        let replaced = store::winners::replace(conn, id, &unclaimed, now).await?;
        if replaced.is_empty() {
            return Ok(RichText::plain(texts::all_claimed(lang, id)));
        }
        let round = winners.iter().map(|w| w.round).max().unwrap_or(0) + 1;
        let earlier: Vec<usize> = winners.iter().map(|w| w.position as usize).collect();
        let entries = store::draws::entries(conn, id).await?;
        let seed = Seed::from_hex(&draw.seed).context("a stored seed is not hex")?;
        let picked =
            giveaway::draw_round(&seed, entries.len(), replaced.len(), &earlier, round as u64);
        let positions: Vec<i64> = picked.iter().map(|p| *p as i64).collect();
        store::winners::add_round(conn, id, round, &positions).await?;
        let mut text = RichText::plain(texts::rerolled(lang, id, replaced.len()));
        if picked.is_empty() {
            text.push_text(texts::nobody_left(lang));
        } else {
            push_winners(&mut text, &entries, &picked);
            text.push_text(&texts::claim_howto(lang, buttons));
        }
        let button = (!picked.is_empty()).then(|| button(id, texts::claim_label(lang)));
        self.enqueue(
            conn,
            group,
            &Action::Announce {
                draw: id,
                text,
                button,
            },
        )
        .await?;
        tracing::info!(
            draw = id,
            round,
            replaced = replaced.len(),
            "giveaway rerolled"
        );
        Ok(RichText::default())
    }
}

/// The button that joins a giveaway and, once drawn, claims its prize.
fn button(id: i64, label: &str) -> Button {
    Button {
        label: label.to_owned(),
        data: format!("draw:{id}"),
        reaction: texts::GIVEAWAY_REACTION.to_owned(),
    }
}

/// Mentions the first winners and names the rest, so a long list does not
/// ping a crowd it cannot fit.
fn push_winners(text: &mut RichText, entries: &[Entry], picked: &[usize]) {
    for (i, position) in picked.iter().enumerate() {
        let Some(entry) = entries.get(*position) else {
            continue;
        };
        if i > 0 {
            text.push_text(", ");
        }
        if i < MENTIONED_WINNERS {
            text.push_mention(&entry.user, &entry.name);
        } else {
            text.push_text(entry.name.as_str());
        }
    }
}

pub(crate) fn params_of(draw: &Draw) -> anyhow::Result<GiveawayParams> {
    serde_json::from_str(&draw.params)
        .with_context(|| format!("draw {} has unreadable parameters", draw.id))
}

#[async_trait::async_trait]
impl super::effect::Effect for GiveawayPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut super::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.chat, cx.now).await?))
    }
}
