//! A giveaway's life after it opens: members join, the scheduler's pass
//! draws the winners at the end, winners claim, `/reroll` replaces those
//! who did not.

use anyhow::Context;
use sqlx::AnyConnection;

use super::store::Claim;
use super::{
    Claimed, Join, MENTIONED_WINNERS,
    command::Reroll,
    rules::{self, GiveawayParams},
    texts,
};
use crate::{
    domain::{ChatId, Lang, RichText, draw::DrawKind, fairness::Seed},
    rituals::draws::store::{Draw, Entry},
    store,
};
use crate::{
    engine::{Action, Button, Engine, Person},
    rituals::coupons::awards::Win,
};

impl Engine {
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
        let mut tx = self.store().begin().await?;
        let join = 'join: {
            if crate::rituals::draws::store::entry_of(&mut tx, draw.id, &from.id)
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
                crate::rituals::screening::store::suspects::pending_invitees(
                    &mut tx,
                    &draw.group,
                    &from.id,
                )
                .await?
            } else {
                0
            };
            if let Err(unmet) = params.requirements.check(member_ms, invites, unaudited) {
                break 'join Join::Unmet(unmet);
            }
            let Some(position) = crate::rituals::draws::store::take_slot(&mut tx, draw.id).await?
            else {
                break 'join Join::Ended;
            };
            let entry = Entry {
                user: from.id.clone(),
                name: from.name.clone(),
                position,
                amount: 0,
            };
            if !crate::rituals::draws::store::enter(&mut tx, draw.id, &entry, now).await? {
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
        let mut tx = self.store().begin().await?;
        let claim = super::store::claim(&mut tx, draw.id, &from.id, self.now_ms()).await?;
        if claim != Claim::Claimed {
            return Ok(Claimed::Other(claim));
        }
        let award = match (&params.pool, &params.prize) {
            (Some(pool), prize) => {
                let fallback = texts::claimed(lang, None);
                let win = Win::in_draw(from, draw, prize.as_deref().unwrap_or(&fallback), lang);
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
        let entries = crate::rituals::draws::store::entries(conn, draw.id).await?;
        let seed = Seed::from_hex(&draw.seed).context("a stored seed is not hex")?;
        let picked = rules::draw_round(&seed, entries.len(), params.winners as usize, &[], 0);
        let positions: Vec<i64> = picked.iter().map(|p| *p as i64).collect();
        super::store::add_round(conn, draw.id, 0, &positions).await?;
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
        text.push_text(&crate::rituals::draws::texts::reveal(
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
    pub(crate) async fn reroll(
        &self,
        conn: &mut AnyConnection,
        group: &ChatId,
        reroll: Reroll,
        lang: Lang,
        buttons: bool,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let id = reroll.id;
        let Some(draw) =
            crate::rituals::draws::store::get_in(conn, group, DrawKind::Giveaway, id).await?
        else {
            return Ok(RichText::plain(texts::not_found(lang, id)));
        };
        if draw.closed_at.is_none() {
            return Ok(RichText::plain(texts::still_open(lang, id)));
        }
        // One reroll at a time: each is a round of its own.
        crate::rituals::draws::store::lock(conn, id).await?;
        let winners = super::store::of_draw(conn, id).await?;
        let unclaimed: Vec<_> = winners
            .iter()
            .filter(|w| w.stands() && w.claimed_at.is_none())
            .map(|w| w.user.clone())
            .take(reroll.count.map_or(usize::MAX, |n| n as usize))
            .collect();
        let replaced = super::store::replace(conn, id, &unclaimed, now).await?;
        if replaced.is_empty() {
            return Ok(RichText::plain(texts::all_claimed(lang, id)));
        }
        let round = winners.iter().map(|w| w.round).max().unwrap_or(0) + 1;
        let earlier: Vec<usize> = winners.iter().map(|w| w.position as usize).collect();
        let entries = crate::rituals::draws::store::entries(conn, id).await?;
        let seed = Seed::from_hex(&draw.seed).context("a stored seed is not hex")?;
        let picked =
            rules::draw_round(&seed, entries.len(), replaced.len(), &earlier, round as u64);
        let positions: Vec<i64> = picked.iter().map(|p| *p as i64).collect();
        super::store::add_round(conn, id, round, &positions).await?;
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
pub(crate) fn button(id: i64, label: &str) -> Button {
    Button {
        label: label.to_owned(),
        data: format!("draw:{id}"),
        reaction: texts::GIVEAWAY_REACTION.to_owned(),
    }
}

/// Mentions the first winners and names the rest, so a long list does not
/// ping a crowd it cannot fit.
pub(crate) fn push_winners(text: &mut RichText, entries: &[Entry], picked: &[usize]) {
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
