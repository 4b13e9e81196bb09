//! What every kind of draw shares: button presses (a reaction on Matrix)
//! routed to their draw and answered, and `/draws`.

use sqlx::AnyConnection;

use super::{store::Draw, texts};
use crate::domain::draw::DrawKind;
use crate::rituals::{
    envelope::{Grab, luckiest, params_of},
    wheel::Spin,
};
use crate::{
    domain::{ChatId, RichText, amount::Amount, schedule::local_of},
    store::{self, groups::Group},
};
use crate::{
    engine::{Action, Engine, Person},
    rituals::screening::review::REVIEW_PREFIX,
};

/// How many draws `/draws` lists.
const RECENT_DRAWS: i64 = 10;

impl Engine {
    /// `/draws`: the group's latest draws and how they went.
    pub(crate) async fn list_draws(
        &self,
        conn: &mut AnyConnection,
        group: &Group,
    ) -> anyhow::Result<RichText> {
        let lang = group.lang;
        let draws = super::store::recent(conn, &group.id, RECENT_DRAWS).await?;
        if draws.is_empty() {
            return Ok(RichText::plain(texts::draws_empty(lang)));
        }
        let mut text = RichText::plain(texts::draws_header(lang));
        for draw in &draws {
            let open = draw.closed_at.is_none();
            if draw.kind == DrawKind::Wheel {
                let state = draw.opened_at.map(|_| open);
                text.push_text(&crate::rituals::wheel::texts::draws_wheel_row(
                    lang, draw.id, draw.taken, state,
                ));
                continue;
            }
            if draw.kind == DrawKind::Giveaway {
                text.push_text(&crate::rituals::giveaway::texts::draws_row(
                    lang, draw.id, draw.taken, open,
                ));
                let winners: Vec<_> = crate::rituals::giveaway::store::of_draw(conn, draw.id)
                    .await?
                    .into_iter()
                    .filter(|w| w.stands())
                    .collect();
                if !winners.is_empty() {
                    let names: Vec<&str> = winners.iter().map(|w| w.name.as_str()).collect();
                    let claimed = winners.iter().filter(|w| w.claimed_at.is_some()).count();
                    text.push_text(&crate::rituals::giveaway::texts::draws_winners(
                        lang,
                        &names.join(", "),
                        claimed,
                        winners.len(),
                    ));
                }
                continue;
            }
            if draw.kind == DrawKind::Nth {
                text.push_text(&crate::rituals::nth_reply::texts::draws_row(
                    lang, draw.id, draw.taken, open,
                ));
                continue;
            }
            let params = params_of(draw)?;
            let unit = Amount {
                units: params.total,
                decimals: params.decimals,
            };
            text.push_text(&texts::draws_row(
                lang,
                draw.id,
                unit,
                draw.taken,
                params.shares,
                open,
            ));
            if !open {
                let entries = super::store::entries(conn, draw.id).await?;
                if let Some(best) = luckiest(&entries) {
                    let amount = unit.with_units(best.amount as u64);
                    text.push_text(&crate::rituals::envelope::texts::draws_luckiest(
                        lang,
                        best.name.as_str(),
                        amount,
                    ));
                }
            }
        }
        Ok(text)
    }

    /// A member pressed a draw's button (or reacted on Matrix). The grab
    /// commits before the answer is shown; a press delivered twice finds the
    /// member's entry and is only answered again. Matrix has no private
    /// answer: there a win is told in the room, queued in the grab's own
    /// transaction, so it is neither lost nor doubled.
    #[tracing::instrument(skip_all, fields(chat_id = %group, from = %from.id))]
    pub(crate) async fn handle_press(
        &self,
        group: &ChatId,
        from: &Person,
        button: &str,
        message: Option<&str>,
        query: Option<&str>,
        topic: Option<&str>,
    ) -> anyhow::Result<()> {
        if from.is_bot {
            return Ok(());
        }
        // A button where Hearth serves no group (an old message in a
        // private chat, a group it left): the client still waits for an
        // answer, so it gets one rather than a spinner.
        if !self.is_active(group) {
            if let Some(query) = query {
                let lang = from.lang.unwrap_or(self.settings().default_lang);
                let port = self.port(group.platform())?;
                if let Err(e) = port
                    .answer_press(query, texts::button_stale(lang), None)
                    .await
                {
                    tracing::debug!(error = ?e, "could not answer a stale press");
                }
            }
            return Ok(());
        }
        let mut conn = self.store().connection().await?;
        let Some(info) = store::groups::get(&mut conn, group).await? else {
            return Ok(());
        };
        let lang = info.lang;
        if let Some(what) = button.strip_prefix(REVIEW_PREFIX) {
            drop(conn);
            return self.review_press(&info, from, what, query, topic).await;
        }
        let draw = draw_pressed(&mut conn, group, button, message).await?;
        drop(conn);
        if draw.is_none() && query.is_none() {
            // Any other reaction is just a reaction.
            return Ok(());
        }
        // Repeats and late presses on Matrix stay quiet rather than flood
        // the room; only wins are told there.
        let tell_in_room = query.is_none();
        // What the member sees, and the link that opens the private chat
        // with a won code.
        // Grabs, spins, entries and claims are for members of the group now,
        // not for someone looking at a public group or gone since.
        let member = match &draw {
            Some(_) => self.is_present(group, &from.id).await?,
            None => false,
        };
        let (answer, url) = match draw {
            Some(_) if !member => (texts::members_only(lang).to_owned(), None),
            Some(draw) if draw.kind == DrawKind::Envelope => {
                let grab = self.grab(&draw, from, lang, tell_in_room).await?;
                let url = match &grab {
                    Grab::Won(_, Some(award)) => award.url().map(str::to_owned),
                    _ => None,
                };
                (grab.explain(lang), url)
            }
            Some(draw) if draw.kind == DrawKind::Giveaway && draw.closed_at.is_none() => {
                let join = self.join_giveaway(&draw, from, lang, tell_in_room).await?;
                (join.explain(lang), None)
            }
            Some(draw) if draw.kind == DrawKind::Giveaway => {
                let claimed = self.claim_prize(&draw, from, lang, tell_in_room).await?;
                (claimed.explain(lang), claimed.url().map(str::to_owned))
            }
            Some(draw) if draw.kind == DrawKind::Wheel => {
                let spin = self.spin(&draw, from, lang, tell_in_room).await?;
                let url = match &spin {
                    Spin::Won(_, Some(award)) => award.url().map(str::to_owned),
                    _ => None,
                };
                (spin.explain(lang), url)
            }
            _ => (texts::draw_unknown(lang).to_owned(), None),
        };
        if let Some(query) = query {
            let port = self.port(group.platform())?;
            // The grab is recorded; a lost answer only hides a toast.
            if let Err(e) = port.answer_press(query, &answer, url.as_deref()).await {
                tracing::warn!(error = ?e, "could not answer a button press");
            }
        }
        Ok(())
    }

    /// Opens and closes the draws whose time has come: reply games at their
    /// deadline, wheels set to open (or close) at a time, giveaways at their
    /// end. Each change is one transaction that also queues its message, and
    /// opens or closes only once, so a restart mid-pass posts nothing twice.
    /// Returns how many draws changed.
    pub async fn run_due_draws(&self) -> anyhow::Result<usize> {
        let mut changed = self.close_due_games().await?;
        let now = self.now_ms();
        let due = {
            let mut conn = self.store().connection().await?;
            super::store::due(&mut conn, now).await?
        };
        for draw in due {
            let mut tx = self.store().begin().await?;
            let group = store::groups::get(&mut tx, &draw.group).await?;
            let lang = group
                .as_ref()
                .map_or(self.settings().default_lang, |g| g.lang);
            let closing = draw.closes_at.is_some_and(|end| end <= now);
            if !closing && draw.kind == DrawKind::Wheel {
                if super::store::mark_opened(&mut tx, draw.id, now).await? {
                    let zone = group.as_ref().map_or(chrono_tz::UTC, |g| g.timezone);
                    let until = draw
                        .closes_at
                        .map(|end| local_of(zone, end).format("%m-%d %H:%M").to_string());
                    self.announce_wheel(&mut tx, &draw, lang, &until).await?;
                    changed += 1;
                }
            } else if closing && super::store::close(&mut tx, draw.id, now).await? {
                match draw.kind {
                    DrawKind::Wheel => self.post_wheel_results(&mut tx, &draw, lang).await?,
                    DrawKind::Giveaway => self.draw_giveaway(&mut tx, &draw, lang).await?,
                    DrawKind::Envelope | DrawKind::Nth => {}
                }
                changed += 1;
            }
            tx.commit().await?;
        }
        if changed > 0 {
            self.work.notify_waiters();
        }
        Ok(changed)
    }

    /// Tells a press's answer in the group, mentioning the member, inside
    /// the press's transaction (Matrix: a reaction has no private answer).
    /// The same answer to the same member about the same draw is told once,
    /// so taking a reaction back and again cannot make the bot talk.
    pub(crate) async fn tell_win(
        &self,
        conn: &mut AnyConnection,
        draw: &Draw,
        winner: &Person,
        answer: &str,
    ) -> anyhow::Result<()> {
        let told = (draw.id, winner.id.clone(), answer.to_owned());
        if self
            .memory()
            .told_in_room
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(told, ())
            .is_some()
        {
            return Ok(());
        }
        let group = &draw.group;
        let mut text = RichText::default();
        text.push_mention(&winner.id, &winner.name);
        text.push_text(&format!(" {answer}"));
        self.enqueue(conn, group, &Action::Send { text }).await?;
        Ok(())
    }
}

/// The reaction that stands for a draw's button on Matrix.
fn reaction_of(kind: DrawKind) -> Option<&'static str> {
    match kind {
        DrawKind::Envelope => Some(crate::rituals::envelope::texts::ENVELOPE_REACTION),
        DrawKind::Wheel => Some(crate::rituals::wheel::texts::WHEEL_REACTION),
        DrawKind::Giveaway => Some(crate::rituals::giveaway::texts::GIVEAWAY_REACTION),
        DrawKind::Nth => None,
    }
}

/// The draw a press or reaction is for. It counts only on a message that
/// announced the draw it names: a button's data copied onto another message,
/// or a reaction under any other message, is not a press.
async fn draw_pressed(
    conn: &mut AnyConnection,
    group: &ChatId,
    button: &str,
    message: Option<&str>,
) -> anyhow::Result<Option<Draw>> {
    let Some(message) = message else {
        return Ok(None);
    };
    let announced = super::store::announced_by(conn, group, message).await?;
    let Some(id) = button.strip_prefix("draw:") else {
        return Ok(announced.filter(|d| reaction_of(d.kind) == Some(button)));
    };
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    if announced.is_some() {
        return Ok(announced.filter(|d| d.id == id));
    }
    // A message not known yet may be the draw's announcement, pressed
    // before its delivery was recorded (it is still on its way), or recorded
    // since we looked.
    Ok(if store::outbox::announcing(conn, group, id).await? {
        super::store::get(conn, id)
            .await?
            .filter(|d| &d.group == group)
    } else {
        super::store::announced_by(conn, group, message)
            .await?
            .filter(|d| d.id == id)
    })
}
