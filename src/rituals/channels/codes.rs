//! Channels in the engine: `/channel add|live`, `/channels`, and live codes
//! handing out links.
//!
//! A live code places visitors one at a time under a lock on its row: each
//! group's members as the platform counts them, plus the places held by
//! links handed out and not used yet, must stay under the cap. So however
//! many visitors arrive at once, no group is handed more links than it has
//! room for.

use crate::engine::commands::say;
use sqlx::AnyConnection;

use super::{
    command::{ChannelCommand, LIVE_PREFIX},
    store as channels, texts,
};
use crate::engine::{Action, Engine, PortError, commands::Outcome, event::Person};
use crate::{
    domain::{ChatId, Lang, RichText, UserId},
    store::{self, groups::Group},
};

/// How long a handed-out link holds its place if nobody uses it.
const HOLD_MS: i64 = 24 * 3600 * 1000;
/// How often an operator hears that a live code's groups are all full.
const TELL_FULL_EVERY_MS: i64 = 24 * 3600 * 1000;
/// How long a member must stay to count as a stayer.
const STAY_MS: i64 = 7 * 24 * 3600 * 1000;

/// What `/channel` changes.
pub(crate) enum ChannelPlan {
    Link {
        lang: Lang,
        name: String,
        group: ChatId,
        url: String,
        owner: UserId,
    },
    Live {
        lang: Lang,
        name: String,
        set: String,
        cap: u32,
        url: String,
        owner: UserId,
    },
}

impl Engine {
    /// `/channel add|live …` from an operator.
    /// The connection is taken for reads only and released before the
    /// platform makes a link.
    pub(crate) async fn channel_command(
        &self,
        command: ChannelCommand,
        chat: &ChatId,
        here: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let port = self.port(chat.platform())?;
        let plan = match command {
            ChannelCommand::Add(name) => {
                let Some(group) = here else {
                    return Ok(say(crate::domain::texts::use_in_group(lang)));
                };
                let known = {
                    let mut conn = self.store().connection().await?;
                    channels::by_name(&mut conn, &name).await?
                };
                match known {
                    // Asked again: the same link.
                    Some(c) if c.link.as_ref().is_some_and(|(g, _)| *g == group.id) => {
                        let url = c.link.map(|(_, url)| url).unwrap_or_default();
                        return Ok(say(texts::link_made(lang, &name, &url)));
                    }
                    Some(_) => return Ok(say(texts::name_taken(lang, &name))),
                    None => {}
                }
                let link_name = format!("channel: {name}");
                match port.create_member_link(&group.id, &link_name, false).await {
                    Ok(url) => ChannelPlan::Link {
                        lang,
                        name,
                        group: group.id.clone(),
                        url,
                        owner: from.id.clone(),
                    },
                    Err(PortError::MissingRight(_)) => {
                        return Ok(say(crate::domain::texts::invite_needs_right(lang)));
                    }
                    Err(PortError::Unexpected(e)) => {
                        tracing::warn!(group = %group.id, error = ?e, "the platform refused a channel link");
                        let reason =
                            crate::domain::texts::short_reason(&e.root_cause().to_string());
                        let platform = group.id.platform().name();
                        let mut reply = RichText::default();
                        reply.push_mention(&from.id, &from.name);
                        reply.push_text(&crate::domain::texts::invite_refused(
                            lang, platform, &reason,
                        ));
                        return Ok(reply.into());
                    }
                }
            }
            ChannelCommand::Live { name, set, cap } => {
                let mut conn = self.store().connection().await?;
                if crate::rituals::schedules::store::library::group_set(&mut conn, &from.id, &set)
                    .await?
                    .is_empty()
                {
                    return Ok(say(texts::no_set(lang, &set)));
                }
                let Some(url) = port.claim_link(&format!("{LIVE_PREFIX}{name}")) else {
                    return Ok(say(texts::live_unavailable(lang)));
                };
                ChannelPlan::Live {
                    lang,
                    name,
                    set,
                    cap,
                    url,
                    owner: from.id.clone(),
                }
            }
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        })
    }

    /// Each group with its member count, as the platform tells it; a group
    /// whose count is unknown is left out.
    async fn member_counts(&self, groups: Vec<Group>) -> anyhow::Result<Vec<(Group, i64)>> {
        let mut counted = Vec::new();
        for group in groups {
            let port = self.port(group.id.platform())?;
            match port.member_count(&group.id).await {
                Ok(n) => counted.push((group, i64::try_from(n).unwrap_or(i64::MAX))),
                Err(e) => {
                    tracing::warn!(group = %group.id, error = %e, "member count unknown; group skipped")
                }
            }
        }
        Ok(counted)
    }

    /// `/start join_<name>` in private: a single-use link into the first
    /// group of the live code's set with room, or word that all are full
    /// (and, once a day, to the operator).
    pub(crate) async fn live_visit(
        &self,
        name: &str,
        visitor: &Person,
        lang: Lang,
    ) -> anyhow::Result<RichText> {
        let now = self.now_ms();
        let (code, groups) = {
            let mut conn = self.store().connection().await?;
            let Some(code) = channels::by_name(&mut conn, name).await? else {
                return Ok(RichText::plain(texts::live_gone(lang)));
            };
            let Some((set, _)) = &code.live else {
                return Ok(RichText::plain(texts::live_gone(lang)));
            };
            // A visitor who asks again gets the link they were given.
            if let Some((group, Some(url), None)) =
                channels::handed(&mut conn, code.id, &visitor.id).await?
                && let Some(g) = store::groups::get(&mut conn, &group).await?
            {
                return Ok(RichText::plain(texts::live_link(lang, &g.title, &url)));
            }
            let mut groups = Vec::new();
            for id in
                crate::rituals::schedules::store::library::group_set(&mut conn, &code.owner, set)
                    .await?
            {
                if let Some(g) = store::groups::get(&mut conn, &id).await?
                    && g.active
                    && g.can_invite
                {
                    groups.push(g);
                }
            }
            (code, groups)
        };
        // Member counts come from the platform, before the transaction.
        let counted = self.member_counts(groups).await?;
        let cap = code.live.as_ref().map_or(0, |(_, cap)| *cap);
        let mut tx = self.store().begin().await?;
        channels::lock(&mut tx, code.id).await?;
        let mut chosen = None;
        for (group, members) in counted {
            let held = channels::held_places(&mut tx, &group.id, now - HOLD_MS).await?;
            if members + held < cap {
                channels::hold_place(&mut tx, code.id, &visitor.id, &group.id, now).await?;
                chosen = Some(group);
                break;
            }
        }
        let Some(group) = chosen else {
            // Under the lock: of visitors turned away at once, one tells.
            let tell = channels::tell_full(&mut tx, code.id, now, now - TELL_FULL_EVERY_MS).await?;
            if tell {
                let set = code.live.as_ref().map_or("", |(s, _)| s.as_str());
                let owner_lang = self.settings().default_lang;
                let text = RichText::plain(texts::all_full(owner_lang, &code.name, set, cap));
                let to = ChatId::private_with(&code.owner);
                self.enqueue(&mut tx, &to, &Action::Send { text }).await?;
            }
            tx.commit().await?;
            if tell {
                self.work.notify_waiters();
            }
            return Ok(RichText::plain(texts::live_full(lang)));
        };
        tx.commit().await?;
        let port = self.port(group.id.platform())?;
        let made = port
            .create_single_use_link(&group.id, &format!("live: {}", code.name))
            .await;
        let mut conn = self.store().connection().await?;
        match made {
            Ok(Some(url)) => {
                channels::set_link(&mut conn, code.id, &visitor.id, &url).await?;
                Ok(RichText::plain(texts::live_link(lang, &group.title, &url)))
            }
            other => {
                if let Err(e) = other {
                    tracing::warn!(group = %group.id, error = %e, "could not make a live code's link");
                }
                channels::release(&mut conn, code.id, &visitor.id).await?;
                Ok(RichText::plain(texts::live_unavailable(lang)))
            }
        }
    }

    /// `/channels`: joins, stayers and audited removals per channel, in
    /// `groups`; channels of `owner` that brought nobody yet are listed too.
    pub(crate) async fn channels_report(
        &self,
        conn: &mut AnyConnection,
        groups: &[ChatId],
        owner: &UserId,
        lang: Lang,
    ) -> anyhow::Result<RichText> {
        let now = self.now_ms();
        let mut rows = channels::brought(conn, groups, now - STAY_MS).await?;
        for c in channels::all(conn).await? {
            let in_scope = match &c.link {
                Some((group, _)) => groups.contains(group),
                None => c.owner == *owner,
            };
            if in_scope && !rows.iter().any(|r| r.channel.as_deref() == Some(&c.name)) {
                rows.push(channels::Brought {
                    channel: Some(c.name),
                    ..channels::Brought::default()
                });
            }
        }
        if rows.is_empty() {
            return Ok(RichText::plain(texts::nothing_yet(lang)));
        }
        rows.sort_by_key(|b| (b.channel.is_none(), !b.invited, b.channel.clone()));
        let mut text = texts::report_header(lang).to_owned();
        for row in rows {
            let name = match (&row.channel, row.invited) {
                (Some(name), _) => name.as_str(),
                (None, true) => texts::member_invites(lang),
                (None, false) => texts::other_entries(lang),
            };
            text.push_str(&texts::report_row(
                lang,
                name,
                row.joined,
                row.stayed,
                row.settled,
                row.removed,
            ));
        }
        Ok(RichText::plain(text))
    }
}

impl ChannelPlan {
    /// Saves the channel; the reply gives its link.
    pub(crate) async fn write(
        self,
        conn: &mut AnyConnection,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let text = match self {
            ChannelPlan::Link {
                lang,
                name,
                group,
                url,
                owner,
            } => {
                if channels::add_link(conn, &name, &owner, &group, &url, now).await? {
                    texts::link_made(lang, &name, &url)
                } else {
                    texts::name_taken(lang, &name)
                }
            }
            ChannelPlan::Live {
                lang,
                name,
                set,
                cap,
                url,
                owner,
            } => {
                if channels::set_live(conn, &name, &owner, &set, cap, now).await? {
                    texts::live_made(lang, &name, &url, &set, cap)
                } else {
                    texts::name_taken(lang, &name)
                }
            }
        };
        Ok(RichText::plain(text))
    }
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for ChannelPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.conn, cx.now).await?))
    }
}
