//! What `/wheel new|open|close` write, planned when the command is read
//! and written with its reply in the command's transaction.

use super::rules::{Prize, WheelParams};
use super::{UNLIMITED_SPINS, push_prizes, texts};
use crate::engine::{Engine, Person};
use crate::{
    domain::{ChatId, Lang, RichText, draw::DrawKind, fairness::Seed},
    rituals::coupons::rules::PoolName,
    store::{self},
};
use anyhow::Context;
use sqlx::AnyConnection;

/// A wheel command, written with its reply.
pub(crate) enum WheelPlan {
    /// Defines a wheel that waits for `/wheel open`.
    Create {
        lang: Lang,
        by: Person,
        prizes: Vec<Prize>,
        seed: Seed,
    },
    Open(OpenWheel),
    Close {
        lang: Lang,
        id: i64,
    },
}

/// Opens a waiting wheel (`None`: the newest) now (`opens_at` is `None`)
/// or sets when.
pub(crate) struct OpenWheel {
    pub(super) lang: Lang,
    pub(super) id: Option<i64>,
    pub(super) opens_at: Option<i64>,
    pub(super) closes_at: Option<i64>,
    /// The window in the group's local time, for the reply.
    pub(super) window: (String, Option<String>),
}

impl WheelPlan {
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        group: &ChatId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        match self {
            WheelPlan::Create {
                lang,
                by,
                prizes,
                seed,
            } => {
                let pools: Vec<&PoolName> = prizes.iter().filter_map(|p| p.pool.as_ref()).collect();
                if let Some(refusal) = engine
                    .refuse_missing_pool(conn, group, &pools, lang)
                    .await?
                {
                    return Ok(refusal);
                }
                let params = WheelParams { prizes };
                let slots = params
                    .capacity()
                    .and_then(|c| i64::try_from(c).ok())
                    .unwrap_or(UNLIMITED_SPINS);
                // The announcement names who made the wheel, maybe hours later.
                store::members::upsert_users(conn, &[by.seen()]).await?;
                let id = crate::rituals::draws::store::insert(
                    conn,
                    &crate::rituals::draws::store::NewDraw {
                        group,
                        kind: DrawKind::Wheel,
                        params: &serde_json::to_string(&params)?,
                        seed: &seed.to_hex(),
                        commitment: &seed.commitment(),
                        slots,
                        created_by: &by.id,
                        open: false,
                        closes_at: None,
                    },
                    now,
                )
                .await?;
                let mut text = RichText::plain(texts::wheel_ready(lang, id));
                push_prizes(&mut text, &params, lang);
                text.push_text(&texts::wheel_open_howto(lang, id));
                tracing::info!(draw = id, "wheel defined");
                Ok(text)
            }
            WheelPlan::Open(open) => open.write(engine, conn, group, now).await,
            WheelPlan::Close { lang, id } => {
                let Some(draw) =
                    crate::rituals::draws::store::get_in(conn, group, DrawKind::Wheel, id).await?
                else {
                    return Ok(RichText::plain(texts::wheel_not_found(lang, id)));
                };
                if !crate::rituals::draws::store::close(conn, id, now).await? {
                    return Ok(RichText::plain(texts::wheel_already_closed(lang, id)));
                }
                engine.post_wheel_results(conn, &draw, lang).await?;
                Ok(RichText::default())
            }
        }
    }
}

impl OpenWheel {
    async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        group: &ChatId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let OpenWheel {
            lang,
            id,
            opens_at,
            closes_at,
            window,
        } = self;
        let found = match id {
            Some(id) => {
                crate::rituals::draws::store::get_in(conn, group, DrawKind::Wheel, id).await?
            }
            None => crate::rituals::draws::store::recent(conn, group, 50)
                .await?
                .into_iter()
                .find(|d| d.kind == DrawKind::Wheel && d.opened_at.is_none()),
        };
        let Some(draw) = found else {
            return Ok(RichText::plain(match id {
                Some(id) => texts::wheel_not_found(lang, id),
                None => texts::no_waiting_wheel(lang).to_owned(),
            }));
        };
        let id = draw.id;
        if draw.closed_at.is_some() {
            return Ok(RichText::plain(texts::wheel_already_closed(lang, id)));
        }
        if draw.opened_at.is_some() {
            return Ok(RichText::plain(texts::wheel_already_open(lang, id)));
        }
        crate::rituals::draws::store::set_window(conn, id, opens_at.unwrap_or(now), closes_at)
            .await?;
        if opens_at.is_some() {
            let (at, until) = window;
            return Ok(RichText::plain(texts::wheel_opens_at(
                lang,
                id,
                &at,
                until.as_deref(),
            )));
        }
        if crate::rituals::draws::store::mark_opened(conn, id, now).await? {
            let draw = crate::rituals::draws::store::get_in(conn, group, DrawKind::Wheel, id)
                .await?
                .context("just opened")?;
            engine.announce_wheel(conn, &draw, lang, &window.1).await?;
        }
        Ok(RichText::default())
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for WheelPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.engine, cx.conn, cx.chat, cx.now).await?))
    }
}
