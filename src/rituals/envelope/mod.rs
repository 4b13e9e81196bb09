//! Lucky red envelopes (拼手气红包): opened by an admin's command, grabbed by
//! pressing a button (a reaction on Matrix), summed up once the last share is
//! gone or an admin closes the envelope.
//!
//! The shares are fixed by the draw's secret seed when it opens; the n-th
//! grabber gets the n-th share. The announcement publishes the seed's
//! SHA-256, the results reveal the seed, so anyone can re-run the envelope
//! (`hearth verify <id>`) and see nobody was favoured.

pub mod command;
pub mod rules;
pub mod texts;

use anyhow::Context;
use rand::rngs::OsRng;
use sqlx::AnyConnection;

use self::{
    command::{EnvelopeCommand, NewEnvelope},
    rules::EnvelopeParams,
};
use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{
        ChatId, Lang, RichText, amount::Amount, command::Access, draw::DrawKind, fairness::Seed,
    },
    rituals::{
        command::Command,
        coupons::texts as coupon_texts,
        draws::{
            store::{Draw, Entry},
            texts as draw_texts,
        },
    },
    store::groups::Group,
};
use crate::{
    engine::{Action, Button, Engine, Person, commands::Outcome},
    rituals::coupons::awards::{Award, Win},
};

pub const RITUAL: Ritual = Ritual {
    name: "envelope",
    section: Section::Draws,
    commands: &[CommandSpec {
        name: "envelope",
        aliases: &["hongbao"],
        access: Access::Admin,
        help: Help {
            en: "Lucky red envelope: /envelope <total> <shares> [prize for the luckiest]; close <id> ends it (admins)",
            zh: "发拼手气红包：/envelope <总额> <份数> [手气王奖品]；close <编号> 提前结束（管理员）",
        },
        usage: Help {
            en: "/envelope <total> <shares> [prize for the luckiest]\n/envelope close <id>",
            zh: "/envelope <总额> <份数> [手气最佳奖品]\n/envelope close <编号>",
        },
        example: "/envelope 88.88 10 奶茶券[tea]",
        parse: |args| Ok(Command::Envelope(command::parse(args)?)),
    }],
    jobs: &[],
};

/// An envelope command, written with its reply.
pub(crate) enum EnvelopePlan {
    Open {
        lang: Lang,
        by: Person,
        // Boxed: the other variant is a few bytes.
        new: Box<NewEnvelope>,
        seed: Seed,
        buttons: bool,
    },
    Close {
        lang: Lang,
        id: i64,
    },
}

/// The group's post for a new envelope: who opened it, what it holds, how
/// to grab, and the seed's commitment.
fn opened_text(
    lang: Lang,
    by: &Person,
    id: i64,
    new: &NewEnvelope,
    params: &EnvelopeParams,
    buttons: bool,
    commitment: &str,
) -> RichText {
    let mut text = RichText::default();
    text.push_mention(&by.id, &by.name);
    text.push_text(&texts::envelope_opened(lang, id, new.total, new.shares));
    if let Some(prize) = &params.prize {
        text.push_text(&texts::envelope_prize(lang, prize));
    }
    if params.share_pool.is_some() {
        text.push_text(coupon_texts::shares_as_codes(lang));
    }
    text.push_text(&texts::envelope_howto(lang, buttons));
    text.push_text(&draw_texts::commitment_line(lang, commitment));
    text
}

impl EnvelopePlan {
    /// Writes the plan; the reply comes back (empty when the group's own
    /// post says it all).
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        group: &ChatId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        match self {
            EnvelopePlan::Open {
                lang,
                by,
                new,
                seed,
                buttons,
            } => {
                let pools: Vec<_> = new.prize_pool.iter().chain(&new.share_pool).collect();
                if let Some(refusal) = engine
                    .refuse_missing_pool(conn, group, &pools, lang)
                    .await?
                {
                    return Ok(refusal);
                }
                let params = EnvelopeParams {
                    total: new.total.units,
                    decimals: new.total.decimals,
                    shares: new.shares,
                    min: 1,
                    prize: new.prize.clone(),
                    prize_pool: new.prize_pool.clone(),
                    share_pool: new.share_pool.clone(),
                };
                let commitment = seed.commitment();
                let id = crate::rituals::draws::store::insert(
                    conn,
                    &crate::rituals::draws::store::NewDraw {
                        group,
                        kind: DrawKind::Envelope,
                        params: &serde_json::to_string(&params)?,
                        seed: &seed.to_hex(),
                        commitment: &commitment,
                        slots: i64::from(new.shares),
                        created_by: &by.id,
                        open: true,
                        closes_at: None,
                    },
                    now,
                )
                .await?;
                let text = opened_text(lang, &by, id, &new, &params, buttons, &commitment);
                let button = Button {
                    label: texts::grab_label(lang).to_owned(),
                    data: format!("draw:{id}"),
                    reaction: texts::ENVELOPE_REACTION.to_owned(),
                };
                let announce = Action::Announce {
                    draw: id,
                    text,
                    button: Some(button),
                };
                engine.enqueue(conn, group, &announce).await?;
                tracing::info!(draw = id, shares = new.shares, "envelope opened");
                Ok(RichText::default())
            }
            EnvelopePlan::Close { lang, id } => {
                let draw =
                    crate::rituals::draws::store::get_in(conn, group, DrawKind::Envelope, id)
                        .await?;
                let Some(draw) = draw else {
                    return Ok(RichText::plain(texts::envelope_not_found(lang, id)));
                };
                if !crate::rituals::draws::store::close(conn, id, now).await? {
                    return Ok(RichText::plain(texts::envelope_already_closed(lang, id)));
                }
                engine.post_results(conn, &draw, lang).await?;
                Ok(RichText::default())
            }
        }
    }
}

/// What a press led to, for the presser's eyes only.
pub(crate) enum Grab {
    /// The share, and its code when the envelope pays in coupons.
    Won(Amount, Option<Award>),
    Already(Amount),
    Empty,
}

impl Grab {
    pub(crate) fn explain(&self, lang: Lang) -> String {
        match self {
            Grab::Won(amount, None) => texts::grabbed(lang, *amount),
            Grab::Won(amount, Some(award)) => {
                format!("{}{}", texts::grabbed(lang, *amount), award.explain(lang))
            }
            Grab::Already(amount) => texts::grabbed_already(lang, *amount),
            Grab::Empty => texts::envelope_empty(lang).to_owned(),
        }
    }
}

impl Engine {
    /// `/envelope …` in a served group, from an admin.
    pub(crate) fn envelope_command(
        &self,
        command: EnvelopeCommand,
        group: &Group,
        from: &Person,
    ) -> Outcome {
        let buttons = self.has_buttons(group.id.platform());
        let plan = match command {
            EnvelopeCommand::Open(new) => EnvelopePlan::Open {
                lang: group.lang,
                by: from.clone(),
                new: Box::new(new),
                seed: Seed::generate(&mut OsRng),
                buttons,
            },
            EnvelopeCommand::Close(id) => EnvelopePlan::Close {
                lang: group.lang,
                id,
            },
        };
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        }
    }

    /// One member's grab; a second grab only tells them what they got.
    /// `tell_in_room`: the platform has no private answer (Matrix), so a
    /// win is told in the group, in the grab's own transaction.
    pub(crate) async fn grab(
        &self,
        draw: &Draw,
        from: &Person,
        lang: Lang,
        tell_in_room: bool,
    ) -> anyhow::Result<Grab> {
        let params = params_of(draw)?;
        let unit = Amount {
            units: params.total,
            decimals: params.decimals,
        };
        let amount = |e: &Entry| unit.with_units(e.amount as u64);
        let now = self.now_ms();
        let mut tx = self.store().begin().await?;
        if let Some(entry) =
            crate::rituals::draws::store::entry_of(&mut tx, draw.id, &from.id).await?
        {
            return Ok(Grab::Already(amount(&entry)));
        }
        let Some(position) = crate::rituals::draws::store::take_slot(&mut tx, draw.id).await?
        else {
            return Ok(Grab::Empty);
        };
        let seed = Seed::from_hex(&draw.seed).context("a stored seed is not hex")?;
        let shares = params.shares_from(&seed)?;
        let share = *shares
            .get(position as usize)
            .context("a slot beyond the envelope's shares")?;
        let entry = Entry {
            user: from.id.clone(),
            name: from.name.clone(),
            position,
            amount: i64::try_from(share)?,
        };
        if !crate::rituals::draws::store::enter(&mut tx, draw.id, &entry, now).await? {
            // Pressed twice at once: the other press holds the entry.
            drop(tx);
            let mut conn = self.store().connection().await?;
            let entry = crate::rituals::draws::store::entry_of(&mut conn, draw.id, &from.id)
                .await?
                .context("an entry that blocked a grab is gone")?;
            return Ok(Grab::Already(amount(&entry)));
        }
        let won = unit.with_units(share);
        let award = match &params.share_pool {
            Some(pool) => {
                let prize = texts::envelope_share_prize(lang, draw.id);
                let win = Win {
                    winner: from,
                    group: &draw.group,
                    reason: format!("draw:{}", draw.id),
                    prize: &prize,
                    value: Some(won.to_string()),
                    lang,
                };
                Some(self.award_code(&mut tx, pool, win).await?)
            }
            None => None,
        };
        let grabbed = Grab::Won(won, award);
        if tell_in_room {
            self.tell_win(&mut tx, draw, from, &grabbed.explain(lang))
                .await?;
        }
        if position + 1 == draw.slots
            && crate::rituals::draws::store::close(&mut tx, draw.id, now).await?
        {
            self.post_results(&mut tx, draw, lang).await?;
        }
        tx.commit().await.context("committing a grab")?;
        self.work.notify_waiters();
        Ok(grabbed)
    }

    /// Posts who got what, the luckiest, and the revealed seed.
    pub(crate) async fn post_results(
        &self,
        conn: &mut AnyConnection,
        draw: &Draw,
        lang: Lang,
    ) -> anyhow::Result<()> {
        let params = params_of(draw)?;
        let unit = Amount {
            units: params.total,
            decimals: params.decimals,
        };
        let entries = crate::rituals::draws::store::entries(conn, draw.id).await?;
        let mut text = RichText::plain(texts::envelope_results(
            lang,
            draw.id,
            entries.len() as i64,
            params.shares,
        ));
        // Names, not mentions: a list of hundreds must not ping them all.
        for entry in &entries {
            text.push_text(&format!(
                "\n{}. {} {}",
                entry.position + 1,
                entry.name.as_str(),
                unit.with_units(entry.amount as u64)
            ));
        }
        if let Some(best) = luckiest(&entries) {
            text.push_text(texts::luckiest(lang));
            text.push_mention(&best.user, &best.name);
            text.push_text(&format!(" {}", unit.with_units(best.amount as u64)));
            if let Some(prize) = &params.prize {
                text.push_text(&texts::prize_for_luckiest(lang, prize));
                if let Some(pool) = &params.prize_pool {
                    let winner = Person::known(best.user.clone(), best.name.clone());
                    let win = Win::in_draw(&winner, draw, prize, lang);
                    let award = self.award_code(conn, pool, win).await?;
                    text.push_text(&award.in_group(lang));
                }
            }
        }
        let handed: u64 = entries.iter().map(|e| e.amount as u64).sum();
        if handed < params.total {
            text.push_text(&texts::unclaimed(
                lang,
                unit.with_units(params.total - handed),
            ));
        }
        text.push_text(&draw_texts::reveal(
            lang,
            draw.id,
            &draw.seed,
            &draw.commitment,
        ));
        self.enqueue(conn, &draw.group, &Action::Send { text })
            .await?;
        tracing::info!(draw = draw.id, grabbed = entries.len(), "envelope closed");
        Ok(())
    }
}

pub(crate) fn params_of(draw: &Draw) -> anyhow::Result<EnvelopeParams> {
    serde_json::from_str(&draw.params)
        .with_context(|| format!("draw {} has unreadable parameters", draw.id))
}

/// The luckiest entry, by the domain's rule (the earliest on a tie).
pub(crate) fn luckiest(entries: &[Entry]) -> Option<&Entry> {
    let amounts: Vec<u64> = entries.iter().map(|e| e.amount as u64).collect();
    rules::luckiest(&amounts).map(|i| &entries[i])
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for EnvelopePlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.chat, cx.now).await?))
    }
}
