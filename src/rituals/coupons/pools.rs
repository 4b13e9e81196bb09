//! Coupon codes in the engine: winners get codes from pools, always in
//! private; `/coupons`, `/redeem`, `/mycodes`, claim links and CSV imports.
//!
//! A code is taken in the same transaction as the win that earns it, so a
//! replayed press or a restart never hands out a second one. It reaches its
//! holder in a private chat: at once when the member has one with the bot,
//! otherwise through a claim link (`/start claim_<token>`) that opens it.
//! Codes are never shown in a group.

use sqlx::AnyConnection;

use super::awards::{CLAIM_PREFIX, code_text};
use super::{
    command::CouponsCommand,
    rules::{CodeFile, FileError, MAX_IMPORT_BYTES, PoolName, read_codes},
    store::{
        PoolScope,
        codes::{Held, Redeemed},
    },
    texts,
};
use crate::engine::{Engine, Person, answers::Routing, commands::Outcome};
use crate::{
    domain::{ChatId, Lang, RichText},
    store::{self, groups::Group},
};

/// A coupon command or import, written with its reply. Pools are the
/// operator's: settings change only the sender's own.
pub(crate) enum CouponPlan {
    Limit(PoolName, u32),
    Alert(PoolName, u32),
    /// Only these groups may pay from the pool; all the owner's when empty.
    Allow(PoolName, Vec<Group>),
    /// A code shown at the till: in a group, only codes of pools the group
    /// may pay from; in private, the operator's own pools.
    Redeem {
        code: super::rules::Code,
        group: Option<ChatId>,
    },
    /// `/start` in private, maybe from a claim link.
    Start(Option<String>),
    Import {
        pool: PoolName,
        file: CodeFile,
    },
}

impl CouponPlan {
    pub(crate) async fn write(
        self,
        engine: &Engine,
        conn: &mut AnyConnection,
        from: &Person,
        lang: Lang,
        now: i64,
    ) -> anyhow::Result<Option<RichText>> {
        let plain = |s: String| Ok(Some(RichText::plain(s)));
        match self {
            CouponPlan::Limit(pool, n) => {
                if !super::store::set_per_member(conn, &pool, &from.id, i64::from(n)).await? {
                    return plain(texts::pool_unknown(lang, pool.as_str()));
                }
                plain(texts::limit_set(lang, pool.as_str(), n))
            }
            CouponPlan::Alert(pool, n) => {
                if !super::store::set_alert_below(conn, &pool, &from.id, i64::from(n)).await? {
                    return plain(texts::pool_unknown(lang, pool.as_str()));
                }
                plain(texts::alert_set(lang, pool.as_str(), n))
            }
            CouponPlan::Allow(pool, groups) => {
                let ids: Vec<ChatId> = groups.iter().map(|g| g.id.clone()).collect();
                if !super::store::allow(conn, &pool, &from.id, &ids).await? {
                    return plain(texts::pool_unknown(lang, pool.as_str()));
                }
                let titles: Vec<&str> = groups.iter().map(|g| g.title.as_str()).collect();
                plain(texts::allowed(lang, pool.as_str(), &titles))
            }
            CouponPlan::Redeem { code, group } => {
                let scope = match &group {
                    Some(group) => PoolScope::Group(group),
                    None => PoolScope::Owner(&from.id),
                };
                // Another operator's code, or one this group may not pay
                // out, is unknown here: its holder stays private.
                let ours = match super::store::codes::pool_of_code(conn, &code).await? {
                    Some(pool) => super::store::get_pool_in(conn, &pool, scope)
                        .await?
                        .is_some(),
                    None => false,
                };
                if !ours {
                    return plain(texts::redeem_unknown(lang, code.as_str()));
                }
                let reply = match super::store::codes::redeem(conn, &code, &from.id, now).await? {
                    Redeemed::Done(held) => {
                        let holder = store::members::name_of(conn, &held.holder)
                            .await?
                            .map_or_else(
                                || held.holder.native().to_owned(),
                                |n| n.as_str().to_owned(),
                            );
                        tracing::info!(pool = %held.pool, "code redeemed");
                        texts::redeemed(lang, code.as_str(), held.pool.as_str(), &holder)
                    }
                    Redeemed::Unknown => texts::redeem_unknown(lang, code.as_str()),
                    Redeemed::NotHanded => texts::redeem_not_handed(lang, code.as_str()),
                    Redeemed::Already { at, .. } => {
                        texts::redeem_already(lang, code.as_str(), &utc_minute(at))
                    }
                };
                plain(reply)
            }
            CouponPlan::Start(payload) => {
                engine.start_private(conn, from, payload, lang, now).await
            }
            CouponPlan::Import { pool, file } => {
                let existing = super::store::get_pool(conn, &pool).await?;
                if existing.is_some_and(|p| p.owner.is_some_and(|o| o != from.id)) {
                    return plain(texts::pool_taken(lang, pool.as_str()));
                }
                super::store::ensure_pool(conn, &pool, Some(&from.id), now).await?;
                let added = super::store::add_codes(conn, &pool, &file.codes, now).await?;
                let free = super::store::free_count(conn, &pool).await?;
                let duplicates = file.codes.len() as u64 - added + file.repeated as u64;
                tracing::info!(%pool, added, duplicates, invalid = file.invalid.len(), "codes imported");
                plain(texts::import_summary(
                    lang,
                    pool.as_str(),
                    added,
                    duplicates,
                    &file.invalid,
                    free,
                ))
            }
        }
    }
}

/// A file an operator sent in private.
pub(crate) struct Upload {
    pub(crate) file: String,
    pub(crate) file_name: Option<String>,
    pub(crate) size: Option<u64>,
    /// Names the pool; without it, the file's name does (`vip.csv`).
    pub(crate) caption: Option<String>,
}

impl Upload {
    fn pool(&self) -> Option<PoolName> {
        let caption = self
            .caption
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        match caption {
            Some(caption) => PoolName::parse(caption.trim_start_matches("/import").trim()),
            None => {
                let name = self.file_name.as_deref()?;
                PoolName::parse(name.rsplit_once('.').map_or(name, |(stem, _)| stem))
            }
        }
    }
}

impl Engine {
    /// A file sent in private: an operator's CSV of codes for a pool.
    /// Like a command, it is answered once even when delivered again.
    #[tracing::instrument(skip_all, fields(chat = %chat, from = %from.id))]
    pub(crate) async fn handle_document(
        &self,
        key: &str,
        chat: ChatId,
        from: Person,
        upload: Upload,
    ) -> anyhow::Result<()> {
        {
            let mut conn = self.store().connection().await?;
            if store::updates::is_processed(&mut conn, key).await? {
                return Ok(());
            }
        }
        let lang = from.lang.unwrap_or(self.settings().default_lang);
        let refuse = |text: String| RichText::plain(text);
        let reply = if !self.is_operator(&from.id) {
            Err(refuse(texts::import_needs_operator(lang).to_owned()))
        } else if let Some(pool) = upload.pool() {
            self.read_upload(&chat, &upload, lang)
                .await
                .map(|file| CouponPlan::Import { pool, file })
        } else {
            Err(refuse(texts::import_needs_pool(lang).to_owned()))
        };
        match reply {
            Ok(plan) => {
                let audit = crate::engine::audit::AuditNote {
                    group: None,
                    action: "coupons import".to_owned(),
                    detail: format!(
                        "{} ← {}",
                        upload
                            .pool()
                            .map_or_else(String::new, |p| p.as_str().to_owned()),
                        upload.file_name.as_deref().unwrap_or("?")
                    ),
                };
                let effect: Option<Box<dyn crate::engine::effect::Effect>> =
                    Some(Box::new(crate::engine::effect::InLang(lang, plan)));
                self.answer(
                    key,
                    &chat,
                    &from,
                    RichText::default(),
                    effect,
                    Some(audit),
                    Routing::HERE,
                )
                .await
            }
            Err(text) => {
                self.answer(key, &chat, &from, text, None, None, Routing::HERE)
                    .await
            }
        }
    }

    /// Downloads and reads an upload; a refusal comes back as the reply.
    async fn read_upload(
        &self,
        chat: &ChatId,
        upload: &Upload,
        lang: Lang,
    ) -> Result<CodeFile, RichText> {
        let refused = |e: FileError| {
            RichText::plain(format!(
                "{}{}",
                texts::import_refused(lang),
                e.explain(lang)
            ))
        };
        if upload.size.is_some_and(|s| s > MAX_IMPORT_BYTES as u64) {
            return Err(refused(FileError::TooBig));
        }
        let bytes = match self.port(chat.platform()) {
            Ok(port) => port.download(&upload.file, MAX_IMPORT_BYTES).await,
            Err(e) => Err(e.into()),
        };
        let bytes = bytes.map_err(|e| {
            tracing::warn!(error = ?anyhow::Error::from(e), "could not download an upload");
            RichText::plain(texts::import_download_failed(lang))
        })?;
        read_codes(&bytes).map_err(refused)
    }

    /// `/start` in private: the member can be written to from now on, and
    /// gets every code not shown to them yet (a claim link's among them).
    async fn start_private(
        &self,
        conn: &mut AnyConnection,
        from: &Person,
        payload: Option<String>,
        lang: Lang,
        now: i64,
    ) -> anyhow::Result<Option<RichText>> {
        store::members::mark_private_chat(conn, &from.id, now).await?;
        let mut notes = Vec::new();
        // A plain /start after /stop: broadcasts reach them again.
        if payload.is_none() && crate::rituals::tags::store::opt_in(conn, &from.id).await? {
            notes.push(crate::rituals::tags::texts::resumed(lang).to_owned());
        }
        let mut claimed = None;
        if let Some(token) = payload
            .as_deref()
            .and_then(|p| p.strip_prefix(CLAIM_PREFIX))
        {
            match super::store::codes::by_token(conn, token).await? {
                Some(held) if held.holder == from.id => claimed = Some(held),
                Some(_) => notes.push(texts::claim_not_yours(lang).to_owned()),
                None => notes.push(texts::claim_unknown(lang).to_owned()),
            }
        }
        let waiting: Vec<Held> = super::store::codes::held_by(conn, &from.id)
            .await?
            .into_iter()
            .filter(|h| !h.delivered)
            .collect();
        // A claim link opened again shows its code again.
        if let Some(held) = claimed.filter(|h| h.delivered) {
            notes.push(code_text(&held, lang));
        }
        if waiting.is_empty() && notes.is_empty() {
            return Ok(None);
        }
        self.send_codes(conn, &from.id, &waiting, lang).await?;
        Ok(Some(RichText::plain(notes.join("\n\n"))))
    }

    /// `/coupons` alone: the stock of the pools the group may pay from,
    /// or in private, of the operator's pools with the groups each serves.
    async fn coupon_stock(
        &self,
        conn: &mut AnyConnection,
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<RichText> {
        let scope = match here {
            Some(group) => PoolScope::Group(&group.id),
            None => PoolScope::Owner(&from.id),
        };
        let pools = super::store::stock(conn, scope).await?;
        if pools.is_empty() {
            return Ok(RichText::plain(texts::stock_empty(lang)));
        }
        let mut text = RichText::plain(texts::stock_header(lang));
        for p in &pools {
            text.push_text(&texts::stock_row(
                lang,
                p.pool.name.as_str(),
                (p.free, p.handed, p.redeemed),
                p.pool.per_member,
                p.pool.alert_below,
            ));
            if here.is_none() {
                let only = super::store::allowed_groups(conn, &p.pool.name).await?;
                if !only.is_empty() {
                    let ids: Vec<&str> = only.iter().map(ChatId::as_str).collect();
                    text.push_text(&texts::stock_only_in(lang, &ids));
                }
            }
        }
        Ok(text)
    }

    /// `/coupons …` from an admin or operator, in a group or in private.
    pub(crate) async fn coupons_command(
        &self,
        conn: &mut AnyConnection,
        command: CouponsCommand,
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let plan = match command {
            CouponsCommand::Stock => {
                return Ok(self.coupon_stock(conn, here, from, lang).await?.into());
            }
            CouponsCommand::Limit(pool, n) => CouponPlan::Limit(pool, n),
            CouponsCommand::Alert(pool, n) => CouponPlan::Alert(pool, n),
            CouponsCommand::Allow(pool, targets) => {
                let groups = if targets.is_empty() {
                    Vec::new()
                } else {
                    match self
                        .owned_targets(conn, &targets, here, &from.id, lang)
                        .await?
                    {
                        Ok(groups) => groups,
                        Err(why) => return Ok(RichText::plain(why).into()),
                    }
                };
                CouponPlan::Allow(pool, groups)
            }
        };
        Ok(plan.into_outcome(lang))
    }

    /// `/mycodes` in private: every code the member holds.
    pub(crate) async fn my_codes(&self, from: &Person, lang: Lang) -> anyhow::Result<RichText> {
        let mut conn = self.store().connection().await?;
        let held = super::store::codes::held_by(&mut conn, &from.id).await?;
        if held.is_empty() {
            return Ok(RichText::plain(texts::no_codes(lang)));
        }
        let mut text = RichText::plain(texts::my_codes_header(lang));
        for h in &held {
            text.push_text(&texts::my_codes_row(
                lang,
                &h.prize,
                &h.code,
                h.redeemed_at.is_some(),
            ));
        }
        Ok(text)
    }
}

impl CouponPlan {
    /// A command whose reply depends on what it writes.
    pub(crate) fn into_outcome(self, lang: Lang) -> Outcome {
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(crate::engine::effect::InLang(lang, self))),
        }
    }
}

/// A moment as operators read it in a reply.
fn utc_minute(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || ms.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for crate::engine::effect::InLang<CouponPlan> {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        let lang = self.0;
        self.1
            .write(cx.engine, cx.conn, cx.from, lang, cx.now)
            .await
    }

    fn changes(&self) -> bool {
        !matches!(self.1, CouponPlan::Start(_))
    }
}
