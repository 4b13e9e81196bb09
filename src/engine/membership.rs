//! Joins, leaves, join requests and the bot's own arrival.
//!
//! Member events are applied set-based: one query loads the state of every
//! member a batch touches, the events are folded through the pure rules in
//! platform order, and the results are written back in a few multi-row
//! statements, all in the caller's transaction. A statement costs tens of
//! microseconds on SQLite, so this is what makes bursts cheap.

use std::collections::{HashMap, HashSet};

use sqlx::AnyConnection;

use super::{Action, BotRights, CacheChange, Engine, Event, GroupInfo, Incoming, Person, buttons};
use crate::{
    domain::{ChatId, DisplayName, Lang, RichText, UserId, texts},
    rituals::greeting::invites::{self, Arrival, Change, Credit},
    store::{
        self,
        groups::Group,
        members::{MemberKey, MemberRow, SeenUser},
    },
};

/// Whether an event is about a member (rather than the bot or a command).
pub(crate) fn is_member_event(event: &Event) -> bool {
    matches!(
        event,
        Event::MemberJoined { .. }
            | Event::MemberLeft { .. }
            | Event::JoinRequested { .. }
            | Event::Invited { .. }
    )
}

fn key_of(event: &Event) -> Option<MemberKey> {
    match event {
        Event::MemberJoined { group, member, .. }
        | Event::JoinRequested { group, member, .. }
        | Event::Invited { group, member, .. } => Some((group.id.clone(), member.id.clone())),
        Event::MemberLeft { group, member, .. } => Some((group.clone(), member.id.clone())),
        _ => None,
    }
}

/// What a batch of member events changes, gathered before it is written.
#[derive(Default)]
struct Fold {
    users: HashMap<UserId, SeenUser>,
    rows: HashMap<MemberKey, MemberRow>,
    changed: HashSet<MemberKey>,
    /// Newcomers to greet, in arrival order, with when they become ready.
    greet: Vec<(MemberKey, i64)>,
    ungreet: HashSet<MemberKey>,
    /// Intents from join requests in this batch, not yet used by a join.
    new_intents: HashMap<MemberKey, UserId>,
    stored_intents: HashMap<MemberKey, UserId>,
    approvals: Vec<MemberKey>,
    /// Members who joined (not bots), with the name to screen.
    joined: Vec<(MemberKey, DisplayName)>,
    /// Joins and voluntary leaves, for noticing accounts that sweep groups.
    moves: Vec<(ChatId, UserId, &'static str)>,
    /// When the batch is applied (engine clock).
    now: i64,
    /// How long a newcomer waits before their greeting.
    settle_ms: i64,
}

impl Fold {
    fn see(&mut self, person: &Person) {
        self.users.insert(person.id.clone(), person.seen());
    }

    /// A join: credited to the inviter the invite rule names from what is
    /// known (the link's owner, a stored intent, who added them).
    fn joined(
        &mut self,
        key: MemberKey,
        member: &Person,
        added_by: Option<&Person>,
        link_owner: Option<UserId>,
        through_link: bool,
    ) {
        self.see(member);
        if !member.is_bot {
            self.joined.push((key.clone(), member.name.clone()));
            self.moves.push((key.0.clone(), key.1.clone(), "join"));
        }
        let intent = self
            .new_intents
            .remove(&key)
            .or_else(|| self.stored_intents.remove(&key));
        let adder = added_by.filter(|a| a.id != member.id && !a.is_bot);
        if let Some(adder) = adder {
            self.see(adder);
        }
        let inviter = invites::inviter_of(Arrival {
            through_link,
            link_owner: link_owner.as_ref(),
            intent: intent.as_ref(),
            acted_by: adder.map(|a| &a.id),
        });
        let is_bot = member.is_bot;
        self.apply(key, &Change::Joined { inviter, is_bot });
    }

    /// A leave: credit withdrawn if they were counted; a removal by someone
    /// else is no move of their own.
    fn left(&mut self, key: MemberKey, member: &UserId, removed_by: Option<&UserId>) {
        if !self.rows.contains_key(&key) {
            return;
        }
        let change = match removed_by {
            Some(by) if by != member => Change::Removed,
            _ => {
                self.moves.push((key.0.clone(), key.1.clone(), "leave"));
                Change::Left
            }
        };
        self.apply(key, &change);
    }

    fn apply(&mut self, key: MemberKey, change: &Change) {
        let (now, settle_ms) = (self.now, self.settle_ms);
        let prior = self.rows.get(&key);
        let outcome = invites::apply(&key.1, prior.map(|r| &r.record), change);
        let credited_at = match outcome.credit {
            Credit::Granted(_) => Some(now),
            _ => prior.and_then(|r| r.credited_at),
        };
        if outcome.arrived {
            self.greet.push((key.clone(), now + settle_ms));
        }
        if outcome.departed {
            match self.greet.iter().position(|(k, _)| k == &key) {
                Some(i) => drop(self.greet.remove(i)),
                None => drop(self.ungreet.insert(key.clone())),
            }
        }
        self.rows.insert(
            key.clone(),
            MemberRow {
                record: outcome.record,
                credited_at,
            },
        );
        self.changed.insert(key);
    }
}

impl Engine {
    /// Applies member events in order; replays and unserved groups are skipped.
    pub(crate) async fn apply_member_events(
        &self,
        conn: &mut AnyConnection,
        batch: Vec<Incoming>,
        overlay: &[CacheChange],
    ) -> anyhow::Result<()> {
        let now = self.now_ms();
        let events = self.fresh_events(conn, batch, overlay, now).await?;
        if events.is_empty() {
            return Ok(());
        }
        let member_keys: Vec<MemberKey> = unique(events.iter().filter_map(key_of));
        let join_keys: Vec<MemberKey> = unique(
            events
                .iter()
                .filter(|e| matches!(e, Event::MemberJoined { .. }))
                .filter_map(key_of),
        );
        let urls = link_urls(&events);
        let owners = store::links::owners_of(conn, &urls).await?;
        let channels = crate::rituals::channels::store::of_urls(conn, &urls).await?;
        let mut fold = Fold {
            rows: store::members::get_many(conn, &member_keys).await?,
            stored_intents: store::links::take_intents(conn, &join_keys).await?,
            now,
            settle_ms: self.settings.greet_settle.as_millis() as i64,
            ..Fold::default()
        };
        for event in &events {
            let Some(key) = key_of(event) else { continue };
            let owner =
                |group: &GroupInfo, link: &Option<super::LinkUse>| link_owner(&owners, group, link);
            match event {
                Event::MemberJoined {
                    group,
                    member,
                    added_by,
                    link,
                } => fold.joined(
                    key,
                    member,
                    added_by.as_ref(),
                    owner(group, link),
                    link.is_some(),
                ),
                Event::MemberLeft {
                    member, removed_by, ..
                } => fold.left(key, &member.id, removed_by.as_ref()),
                Event::JoinRequested { group, link, .. } => {
                    if let Some(owner) = owner(group, link) {
                        fold.new_intents.insert(key.clone(), owner);
                        fold.approvals.push(key);
                    }
                }
                // An invite is an intent like a join request: kept until
                // the member joins, across restarts.
                Event::Invited { member, by, .. } if by.id != member.id && !by.is_bot => {
                    fold.see(by);
                    fold.new_intents.insert(key.clone(), by.id.clone());
                }
                _ => {}
            }
        }
        crate::rituals::channels::store::record_joins(
            conn,
            &channel_joins(&events, &channels),
            now,
        )
        .await?;
        self.write_fold(conn, fold, now).await
    }

    /// The member events of a batch not applied before, in served groups.
    async fn fresh_events(
        &self,
        conn: &mut AnyConnection,
        batch: Vec<Incoming>,
        overlay: &[CacheChange],
        now: i64,
    ) -> anyhow::Result<Vec<Event>> {
        let keys: Vec<&str> = batch.iter().map(|i| i.key.as_str()).collect();
        let fresh = store::updates::claim_many(conn, &keys, now).await?;
        Ok(batch
            .into_iter()
            .filter(|i| fresh.contains(&i.key))
            .map(|i| i.event)
            .filter(|e| key_of(e).is_some_and(|(group, _)| self.is_active_with(&group, overlay)))
            .collect())
    }

    async fn write_fold(
        &self,
        conn: &mut AnyConnection,
        fold: Fold,
        now: i64,
    ) -> anyhow::Result<()> {
        let users: Vec<SeenUser> = fold.users.into_values().collect();
        store::members::upsert_users(conn, &users).await?;
        let mut rows = fold.rows;
        let changed: Vec<_> = fold
            .changed
            .into_iter()
            .filter_map(|k| rows.remove(&k).map(|r| (k, r)))
            .collect();
        store::members::put_many(conn, &changed, now).await?;
        crate::rituals::greeting::store::remove_many(
            conn,
            &fold.ungreet.into_iter().collect::<Vec<_>>(),
        )
        .await?;
        crate::rituals::greeting::store::add_many(conn, &fold.greet).await?;
        store::links::record_intents(conn, &fold.new_intents.into_iter().collect::<Vec<_>>(), now)
            .await?;
        for (group, user) in fold.approvals {
            self.enqueue(conn, &group, &Action::ApproveJoin { user })
                .await?;
        }
        store::moves::record_moves(conn, &fold.moves, now).await?;
        self.screen_joins(conn, fold.joined, now).await?;
        tracing::debug!(members = changed.len(), "member events applied");
        Ok(())
    }

    /// Operators register a group by adding the bot; anyone else is told why
    /// the bot cannot stay, and it leaves.
    pub(crate) async fn bot_joined(
        &self,
        conn: &mut AnyConnection,
        info: &GroupInfo,
        by: &Person,
        rights: BotRights,
        now: i64,
        cache: &mut Vec<CacheChange>,
    ) -> anyhow::Result<()> {
        let can_invite = rights.invite;
        let existing = store::groups::get(conn, &info.id).await?;
        if existing.as_ref().is_some_and(|g| g.active) {
            return Ok(store::groups::set_can_invite(conn, &info.id, can_invite).await?);
        }
        if !self.is_operator(&by.id) {
            let lang = by.lang.unwrap_or(self.settings.default_lang);
            tracing::info!(group = %info.id, by = %by.id, "added by a non-operator; leaving");
            self.enqueue(
                conn,
                &info.id,
                &Action::Send {
                    text: texts::refuse_unowned(lang).into(),
                },
            )
            .await?;
            self.enqueue(conn, &info.id, &Action::Leave).await?;
            return Ok(());
        }
        let group = self.new_group(info, &by.id, can_invite);
        let lang = existing.map(|g| g.lang).unwrap_or(group.lang);
        store::groups::register(conn, &group, self.settings.zone_set, now).await?;
        let zone_chosen = store::groups::zone_chosen(conn, &info.id).await?;
        cache.push(CacheChange::Activate(info.id.clone()));
        tracing::info!(group = %info.id, operator = %by.id, "group registered");
        let checklist = self.checklist(&group, lang, rights, zone_chosen);
        // The time zone is asked with buttons (Matrix shows the command).
        let rows = buttons::zone_rows(&group.id, lang);
        // The checklist goes to the operator in private when they opened a
        // private chat; else the group's hello carries it.
        let private = store::members::has_private_chat(conn, &by.id).await?;
        let mut hello = RichText::plain(texts::hello_registered(lang));
        let hello = if private {
            let to = ChatId::private_with(&by.id);
            let ask = Action::Ask {
                text: checklist,
                rows,
            };
            self.enqueue(conn, &to, &ask).await?;
            Action::Send { text: hello }
        } else {
            hello.push_text("\n\n");
            hello.append(checklist);
            Action::Ask { text: hello, rows }
        };
        self.enqueue(conn, &info.id, &hello).await?;
        Ok(())
    }

    /// What an operator checks in a group the bot was just added to: the
    /// rights it lacks, the time zone, the language, and what to do next.
    fn checklist(
        &self,
        group: &Group,
        lang: Lang,
        rights: BotRights,
        zone_chosen: bool,
    ) -> RichText {
        let mut text = RichText::plain(texts::checklist_heading(lang));
        text.push_text(&group.title);
        text.push_text(&texts::checklist_rights(
            lang,
            rights.invite,
            rights.ban,
            rights.pin,
        ));
        let unset = !zone_chosen;
        let buttons = self.has_buttons(group.id.platform());
        text.push_text(&texts::checklist_zone(
            lang,
            group.timezone.name(),
            unset,
            buttons,
        ));
        text.push_text(texts::checklist_next(lang));
        text
    }

    /// Records that an admin took `member` out of `group` (a review's
    /// removal): they never count for their inviter again. Returns the
    /// inviter who lost the credit, if one did.
    pub(crate) async fn record_removal(
        &self,
        conn: &mut AnyConnection,
        group: &ChatId,
        member: &UserId,
        now: i64,
    ) -> anyhow::Result<Option<UserId>> {
        let key = (group.clone(), member.clone());
        let rows = store::members::get_many(conn, std::slice::from_ref(&key)).await?;
        let prior = rows.get(&key);
        let outcome = invites::apply(member, prior.map(|r| &r.record), &Change::Removed);
        let row = MemberRow {
            record: outcome.record,
            credited_at: prior.and_then(|r| r.credited_at),
        };
        store::members::put_many(conn, &[(key.clone(), row)], now).await?;
        crate::rituals::greeting::store::remove_many(conn, &[key]).await?;
        Ok(match outcome.credit {
            Credit::Withdrawn(inviter) => Some(inviter),
            _ => None,
        })
    }

    pub(crate) fn new_group(&self, info: &GroupInfo, owner: &UserId, can_invite: bool) -> Group {
        Group {
            id: info.id.clone(),
            title: info.title.clone(),
            owner: owner.clone(),
            lang: self.settings.default_lang,
            timezone: self.settings.default_timezone,
            public_handle: info.public_handle.clone(),
            can_invite,
            active: true,
            welcome_template: None,
            welcome_pace: None,
        }
    }
}

/// The invite links joins and join requests came through.
fn link_urls(events: &[Event]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MemberJoined { link, .. } | Event::JoinRequested { link, .. } => {
                link.as_ref().map(|l| l.url.as_str())
            }
            _ => None,
        })
        .collect()
}

/// Whose personal link a join came through. Only the bot's personal links
/// credit anyone: an admin's generic link (or the group's primary link)
/// says nothing about who invited whom.
fn link_owner(
    owners: &HashMap<String, (ChatId, UserId)>,
    group: &GroupInfo,
    link: &Option<super::LinkUse>,
) -> Option<UserId> {
    link.as_ref()
        .and_then(|l| owners.get(&l.url))
        .filter(|(g, _)| g == &group.id)
        .map(|(_, owner)| owner.clone())
}

/// Joins of members (not bots) through a channel's link, with the link.
fn channel_joins(
    events: &[Event],
    channels: &HashMap<String, i64>,
) -> Vec<(MemberKey, i64, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::MemberJoined {
                member,
                link: Some(l),
                ..
            } if !member.is_bot => {
                let channel = channels.get(&l.url)?;
                Some((key_of(e)?, *channel, l.url.clone()))
            }
            _ => None,
        })
        .collect()
}

fn unique(keys: impl Iterator<Item = MemberKey>) -> Vec<MemberKey> {
    let mut seen = HashSet::new();
    keys.filter(|k| seen.insert(k.clone())).collect()
}
