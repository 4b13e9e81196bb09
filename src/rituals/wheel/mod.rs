//! The spin wheel: an admin defines it with its prizes (`/wheel new`), opens
//! it now or at a time (`/wheel open`, the scheduler's pass for a timed one),
//! members spin once each by button, reaction or `/spin`, and closing it (by
//! command, at its end time, or when the last prize goes) posts the winners.
//!
//! Each spin takes the next position under the draw's row lock, counts what
//! the earlier spins took, and lets the seed's stream for that position pick
//! among the prizes still in stock, so stock is never oversold however many
//! spin at once, and `hearth verify` can replay every spin.

pub mod command;
pub(crate) mod plan;
pub mod rules;
pub mod texts;

use anyhow::Context;
use rand::rngs::OsRng;
use sqlx::AnyConnection;

use self::plan::{OpenWheel, WheelPlan};
use self::{command::WheelCommand, rules::WheelParams};
use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{
        DisplayName, Lang, RichText, command::Access, deadline::moment_after, draw::DrawKind,
        fairness::Seed, schedule::local_of,
    },
    rituals::{
        command::Command,
        draws::{
            store::{Draw, Entry},
            texts as draw_texts,
        },
    },
    store::{self, groups::Group},
};
use crate::{
    engine::{Action, Button, Engine, Person, commands::Outcome},
    rituals::coupons::awards::{Award, Win},
};

pub const RITUAL: Ritual = Ritual {
    name: "wheel",
    section: Section::Draws,
    commands: &[
        CommandSpec {
            name: "wheel",
            aliases: &[],
            access: Access::Admin,
            help: Help {
                en: "Spin wheel: /wheel new prize*stock:weight …; open <id> [start] [end]; close <id> ends it (admins)",
                zh: "幸运转盘：/wheel new 奖品*数量:权重 …；open <编号> [开始] [结束]；close <编号> 结束并公布（管理员）",
            },
            usage: Help {
                en: "/wheel new <prize>*<stock>:<weight> …\n/wheel open <id> [now|20:00|30m] [21:00|1h]\n/wheel close <id>",
                zh: "/wheel new <奖品>*<库存>:<权重> …\n/wheel open <编号> [now|20:00|30m] [21:00|1h]\n/wheel close <编号>",
            },
            example: "/wheel new 九折券*10:3 谢谢参与:7",
            parse: |args| Ok(Command::Wheel(command::parse(args)?)),
        },
        CommandSpec {
            name: "spin",
            aliases: &[],
            access: Access::Member,
            help: Help {
                en: "Spin the group's open wheel",
                zh: "转一次本群进行中的转盘",
            },
            usage: Help {
                en: "/spin",
                zh: "/spin",
            },
            example: "/spin",
            parse: |_| Ok(Command::Spin),
        },
    ],
    jobs: &[],
};

/// Spins a wheel whose prizes never run out may take: more than any group.
const UNLIMITED_SPINS: i64 = 1 << 40;
/// Winners named per prize in the results; beyond, only a count.
const NAMED_WINNERS: usize = 50;

/// What a spin led to.
pub(crate) enum Spin {
    /// The prize, and its code when it is one from a pool.
    Won(String, Option<Award>),
    Already(String),
    Empty,
}

impl Spin {
    pub(crate) fn explain(&self, lang: Lang) -> String {
        match self {
            Spin::Won(prize, None) => texts::spun(lang, prize),
            Spin::Won(prize, Some(award)) => {
                format!("{}{}", texts::spun(lang, prize), award.explain(lang))
            }
            Spin::Already(prize) => texts::spun_already(lang, prize),
            Spin::Empty => texts::wheel_empty(lang).to_owned(),
        }
    }

    /// The same for a group reply (`/spin`): a won code's claim link, never
    /// the code.
    pub(crate) fn in_group(&self, lang: Lang) -> String {
        match self {
            Spin::Won(prize, Some(award)) => {
                format!("{}{}", texts::spun(lang, prize), award.in_group(lang))
            }
            other => other.explain(lang),
        }
    }
}

impl Engine {
    /// `/wheel …` in a served group, from an admin.
    pub(crate) fn wheel_command(
        &self,
        command: WheelCommand,
        group: &Group,
        from: &Person,
    ) -> Outcome {
        let plan = match command {
            WheelCommand::New(prizes) => WheelPlan::Create {
                lang: group.lang,
                by: from.clone(),
                prizes,
                seed: Seed::generate(&mut OsRng),
            },
            WheelCommand::Open { id, at, until } => {
                let zone = group.timezone;
                let now = self.now_ms();
                let opens_at = at.map(|at| moment_after(at, zone, now));
                let closes_at = until.map(|u| moment_after(u, zone, opens_at.unwrap_or(now)));
                let local = |ms| local_of(zone, ms).format("%m-%d %H:%M").to_string();
                WheelPlan::Open(OpenWheel {
                    lang: group.lang,
                    id,
                    opens_at,
                    closes_at,
                    window: (local(opens_at.unwrap_or(now)), closes_at.map(local)),
                })
            }
            WheelCommand::Close(id) => WheelPlan::Close {
                lang: group.lang,
                id,
            },
        };
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        }
    }

    /// `/spin`: spins the group's newest open wheel.
    pub(crate) async fn spin_command(
        &self,
        group: &Group,
        from: &Person,
    ) -> anyhow::Result<String> {
        let mut conn = self.store().connection().await?;
        let open = crate::rituals::draws::store::recent(&mut conn, &group.id, 20)
            .await?
            .into_iter()
            .find(|d| d.kind == DrawKind::Wheel && d.is_open());
        drop(conn);
        Ok(match open {
            Some(draw) => self
                .spin(&draw, from, group.lang, false)
                .await?
                .in_group(group.lang),
            None => texts::no_open_wheel(group.lang).to_owned(),
        })
    }

    /// One member's spin; a second spin only tells them what they won.
    /// `tell_in_room` as for a grab: a win is told in the group, in the
    /// spin's own transaction.
    pub(crate) async fn spin(
        &self,
        draw: &Draw,
        from: &Person,
        lang: Lang,
        tell_in_room: bool,
    ) -> anyhow::Result<Spin> {
        let params = wheel_params(draw)?;
        let name = |i: i64| {
            params
                .prizes
                .get(i as usize)
                .map_or_else(|| "?".to_owned(), |p| p.name.clone())
        };
        let mut tx = self.store().begin().await?;
        if let Some(entry) =
            crate::rituals::draws::store::entry_of(&mut tx, draw.id, &from.id).await?
        {
            return Ok(Spin::Already(name(entry.amount)));
        }
        let Some(position) = crate::rituals::draws::store::take_slot(&mut tx, draw.id).await?
        else {
            return Ok(Spin::Empty);
        };
        // Under the slot's lock: what the earlier spins took.
        let mut taken = vec![0u64; params.prizes.len()];
        for (prize, count) in crate::rituals::draws::store::tally(&mut tx, draw.id).await? {
            if let Some(t) = taken.get_mut(prize as usize) {
                *t = count as u64;
            }
        }
        let seed = Seed::from_hex(&draw.seed).context("a stored seed is not hex")?;
        let Some(prize) = params.spin(&seed, position as u64, &taken) else {
            return Ok(Spin::Empty);
        };
        let entry = Entry {
            user: from.id.clone(),
            name: from.name.clone(),
            position,
            amount: prize as i64,
        };
        if !crate::rituals::draws::store::enter(&mut tx, draw.id, &entry, self.now_ms()).await? {
            drop(tx);
            let mut conn = self.store().connection().await?;
            let entry = crate::rituals::draws::store::entry_of(&mut conn, draw.id, &from.id)
                .await?
                .context("an entry that blocked a spin is gone")?;
            return Ok(Spin::Already(name(entry.amount)));
        }
        crate::rituals::draws::store::count_outcome(&mut tx, draw.id, entry.amount).await?;
        let won = &params.prizes[prize];
        let award = match &won.pool {
            Some(pool) => {
                let win = Win::in_draw(from, draw, &won.name, lang);
                Some(self.award_code(&mut tx, pool, win).await?)
            }
            None => None,
        };
        let spun = Spin::Won(won.name.clone(), award);
        if tell_in_room {
            self.tell_win(&mut tx, draw, from, &spun.explain(lang))
                .await?;
        }
        // A wheel whose every prize is gone closes by itself.
        if position + 1 == draw.slots
            && crate::rituals::draws::store::close(&mut tx, draw.id, self.now_ms()).await?
        {
            self.post_wheel_results(&mut tx, draw, lang).await?;
        }
        tx.commit().await.context("committing a spin")?;
        self.work.notify_waiters();
        Ok(spun)
    }

    /// Announces an opened wheel: its prizes and odds, how to spin, until
    /// when, and the commitment to its seed.
    pub(crate) async fn announce_wheel(
        &self,
        conn: &mut AnyConnection,
        draw: &Draw,
        lang: Lang,
        until: &Option<String>,
    ) -> anyhow::Result<()> {
        let params = wheel_params(draw)?;
        let name = store::members::name_of(conn, &draw.created_by)
            .await?
            .unwrap_or_else(|| DisplayName::from_stored("?".to_owned()));
        let mut text = RichText::default();
        text.push_mention(&draw.created_by, &name);
        text.push_text(&texts::wheel_opened(lang, draw.id));
        push_prizes(&mut text, &params, lang);
        text.push_text(&texts::wheel_howto(
            lang,
            self.has_buttons(draw.group.platform()),
        ));
        if let Some(until) = until {
            text.push_text(&texts::wheel_until(lang, until));
        }
        text.push_text(&draw_texts::commitment_line(lang, &draw.commitment));
        let announce = Action::Announce {
            draw: draw.id,
            text,
            button: Some(Button {
                label: texts::spin_label(lang).to_owned(),
                data: format!("draw:{}", draw.id),
                reaction: texts::WHEEL_REACTION.to_owned(),
            }),
        };
        self.enqueue(conn, &draw.group, &announce).await?;
        tracing::info!(draw = draw.id, "wheel opened");
        Ok(())
    }

    /// Posts each prize's winners and reveals the seed.
    pub(crate) async fn post_wheel_results(
        &self,
        conn: &mut AnyConnection,
        draw: &Draw,
        lang: Lang,
    ) -> anyhow::Result<()> {
        let params = wheel_params(draw)?;
        let entries = crate::rituals::draws::store::entries(conn, draw.id).await?;
        let mut text = RichText::plain(texts::wheel_results(lang, draw.id, entries.len()));
        for (i, prize) in params.prizes.iter().enumerate() {
            let winners: Vec<&Entry> = entries.iter().filter(|e| e.amount == i as i64).collect();
            if prize.stock.is_none() || winners.len() > NAMED_WINNERS {
                text.push_text(&texts::wheel_count(lang, &prize.name, winners.len()));
            } else if !winners.is_empty() {
                // Names, not mentions: results must not ping a crowd.
                let names: Vec<&str> = winners.iter().map(|e| e.name.as_str()).collect();
                text.push_text(&texts::wheel_winners(&prize.name, &names.join(", ")));
            }
        }
        text.push_text(&draw_texts::reveal(
            lang,
            draw.id,
            &draw.seed,
            &draw.commitment,
        ));
        self.enqueue(conn, &draw.group, &Action::Send { text })
            .await?;
        tracing::info!(draw = draw.id, spins = entries.len(), "wheel closed");
        Ok(())
    }
}

/// Each prize with its stock and chance.
fn push_prizes(text: &mut RichText, params: &WheelParams, lang: Lang) {
    let total: u64 = params.prizes.iter().map(|p| p.weight).sum();
    for prize in &params.prizes {
        let percent = 100.0 * prize.weight as f64 / total.max(1) as f64;
        text.push_text(&texts::wheel_prize(lang, &prize.name, prize.stock, percent));
    }
}

pub(crate) fn wheel_params(draw: &Draw) -> anyhow::Result<WheelParams> {
    serde_json::from_str(&draw.params)
        .with_context(|| format!("draw {} has unreadable parameters", draw.id))
}
