//! Codes won in draws: taken from a pool inside the win's transaction, so a
//! replayed press or a restart never hands out a second one, and carried to
//! the winner in private (at once, or through a claim link that opens it).
//! The pool's owner hears when it runs low or dry.

use super::{
    rules::PoolName,
    store::{
        PoolScope,
        codes::{Grant, Held, Taken},
    },
    texts,
};
use crate::engine::{Action, Engine, Person};
use crate::rituals::draws::store::Draw;
use crate::{
    domain::{ChatId, Lang, RichText},
    store::{self},
};
use rand::{RngCore, rngs::OsRng};
use sqlx::AnyConnection;

/// The `/start` payload prefix of a claim link.
pub const CLAIM_PREFIX: &str = "claim_";

/// How a won code reaches its winner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Award {
    /// On its way to the winner's private chat.
    Sent,
    /// The winner has no private chat with the bot yet; the link opens one.
    Claim(Option<String>),
    /// The winner holds as many of the pool's codes as allowed.
    Limit,
    /// The pool ran dry; the operators are told.
    Empty,
}

impl Award {
    /// What the winner reads after their prize, where only they see it.
    pub(crate) fn explain(&self, lang: Lang) -> &'static str {
        match self {
            Award::Sent => texts::code_sent(lang),
            Award::Claim(_) => texts::code_tap_to_claim(lang),
            Award::Limit => texts::code_limit(lang),
            Award::Empty => texts::code_none_left(lang),
        }
    }

    /// The link that opens the private chat, for a button's answer.
    pub(crate) fn url(&self) -> Option<&str> {
        match self {
            Award::Claim(url) => url.as_deref(),
            _ => None,
        }
    }

    /// What a group message says about it: the claim link, never the code.
    pub(crate) fn in_group(&self, lang: Lang) -> String {
        match self {
            Award::Claim(Some(url)) => texts::code_claim_link(lang, url),
            other => other.explain(lang).to_owned(),
        }
    }
}

/// Who wins a code, where, and for what.
pub(crate) struct Win<'a> {
    pub(crate) winner: &'a Person,
    pub(crate) group: &'a ChatId,
    pub(crate) reason: String,
    pub(crate) prize: &'a str,
    /// The code's value for this win (an envelope's share), if not the imported one.
    pub(crate) value: Option<String>,
    pub(crate) lang: Lang,
}

impl<'a> Win<'a> {
    /// A draw's prize won by `winner`: the code's reason names the draw,
    /// so `hearth export codes` ties each code to what won it.
    pub(crate) fn in_draw(winner: &'a Person, draw: &'a Draw, prize: &'a str, lang: Lang) -> Self {
        Self {
            winner,
            group: &draw.group,
            reason: format!("draw:{}", draw.id),
            prize,
            value: None,
            lang,
        }
    }
}

impl Engine {
    /// Hands the winner a code from `pool` inside the win's transaction,
    /// and tells the operators when the pool runs low or dry.
    pub(crate) async fn award_code(
        &self,
        conn: &mut AnyConnection,
        pool: &PoolName,
        win: Win<'_>,
    ) -> anyhow::Result<Award> {
        let scope = PoolScope::Group(win.group);
        let Some(settings) = super::store::get_pool_in(conn, pool, scope).await? else {
            // Gone, or no longer allowed to this group since the draw opened.
            tracing::warn!(%pool, "a prize names a coupon pool this group may not pay from");
            return Ok(Award::Empty);
        };
        let token = claim_token();
        let grant = Grant {
            user: &win.winner.id,
            group: win.group,
            reason: &win.reason,
            prize: win.prize,
            token: &token,
            value: win.value.as_deref(),
        };
        let now = self.now_ms();
        // Staff redeeming the code see the holder's name.
        let who = &win.winner;
        store::members::upsert_users(conn, &[who.seen()]).await?;
        let held = match super::store::codes::take(conn, &settings, grant, now).await? {
            Taken::Code(held) => held,
            Taken::Limit => return Ok(Award::Limit),
            Taken::Empty => {
                self.warn_low_stock(conn, &settings, win.group, 0, win.lang)
                    .await?;
                return Ok(Award::Empty);
            }
        };
        let free = super::store::free_count(conn, pool).await?;
        if free < settings.alert_below {
            self.warn_low_stock(conn, &settings, win.group, free, win.lang)
                .await?;
        }
        let port = self.port(win.group.platform())?;
        let reachable = port.opens_private_chats()
            || store::members::has_private_chat(conn, &win.winner.id).await?;
        if !reachable {
            return Ok(Award::Claim(
                port.claim_link(&format!("{CLAIM_PREFIX}{token}")),
            ));
        }
        self.send_codes(conn, &win.winner.id, std::slice::from_ref(&held), win.lang)
            .await?;
        Ok(Award::Sent)
    }

    /// The first of `pools` that `group` may not pay from (missing, another
    /// operator's, or kept for other groups), so a draw naming it is
    /// refused before it opens.
    pub(crate) async fn missing_pool<'p>(
        &self,
        conn: &mut AnyConnection,
        group: &ChatId,
        pools: &[&'p PoolName],
    ) -> anyhow::Result<Option<&'p PoolName>> {
        for pool in pools {
            let scope = PoolScope::Group(group);
            if super::store::get_pool_in(conn, pool, scope)
                .await?
                .is_none()
            {
                return Ok(Some(pool));
            }
        }
        Ok(None)
    }

    /// The refusal of a draw naming a pool `group` may not pay from, in
    /// the group's language; `None` when every pool named may pay.
    pub(crate) async fn refuse_missing_pool(
        &self,
        conn: &mut AnyConnection,
        group: &ChatId,
        pools: &[&PoolName],
        lang: Lang,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(self
            .missing_pool(conn, group, pools)
            .await?
            .map(|missing| RichText::plain(texts::pool_unknown(lang, missing.as_str()))))
    }

    /// Queues codes to their holder's private chat and records them shown.
    pub(super) async fn send_codes(
        &self,
        conn: &mut AnyConnection,
        holder: &crate::domain::UserId,
        codes: &[Held],
        lang: Lang,
    ) -> anyhow::Result<()> {
        let private = ChatId::private_with(holder);
        for held in codes {
            let text = RichText::plain(code_text(held, lang));
            self.enqueue(conn, &private, &Action::Send { text }).await?;
        }
        let ids: Vec<i64> = codes.iter().map(|h| h.id).collect();
        super::store::codes::mark_delivered(conn, &ids, self.now_ms()).await?;
        Ok(())
    }

    /// Tells the pool's owner (every operator on the group's platform for a
    /// pool from before owners), once per shortage.
    async fn warn_low_stock(
        &self,
        conn: &mut AnyConnection,
        pool: &super::store::Pool,
        group: &ChatId,
        free: i64,
        lang: Lang,
    ) -> anyhow::Result<()> {
        let name = &pool.name;
        if !super::store::mark_alerted(conn, name).await? {
            return Ok(());
        }
        tracing::warn!(pool = %name, free, "coupon pool runs low");
        let text = RichText::plain(texts::low_stock(lang, name.as_str(), free));
        for operator in &self.settings().operators {
            let told = pool.owner.as_ref().is_none_or(|owner| owner == operator);
            if told && operator.platform() == group.platform() {
                let private = ChatId::private_with(operator);
                self.enqueue(conn, &private, &Action::Send { text: text.clone() })
                    .await?;
            }
        }
        Ok(())
    }
}

pub(super) fn code_text(held: &Held, lang: Lang) -> String {
    texts::code_message(lang, &held.prize, &held.code, held.value.as_deref())
}

/// 96 random bits: a claim link cannot be guessed, and fits Telegram's
/// 64-character start payload with room to spare.
fn claim_token() -> String {
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
