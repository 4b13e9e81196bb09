//! What adapters tell the engine: platform-neutral events.

use crate::domain::{ChatId, DisplayName, Lang, UserId};

/// One event with the platform key that makes replays recognisable.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Unique per platform update (and per item, when one update carries
    /// several), e.g. `tg:8123:0`.
    pub key: String,
    pub event: Event,
}

/// Someone, as the platform showed them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub id: UserId,
    pub name: DisplayName,
    pub is_bot: bool,
    /// The language their client reports, when it is one we speak.
    pub lang: Option<Lang>,
    /// Their public @username, lowercased and without the `@` (Telegram),
    /// by which an operator may name them; display names can be copied.
    pub handle: Option<String>,
}

impl Person {
    /// A member known from the store by id and name rather than from an
    /// event (a draw's winner, the operator behind a campaign): not a bot,
    /// language and @username unknown.
    pub(crate) fn known(id: UserId, name: DisplayName) -> Self {
        Self {
            id,
            name,
            is_bot: false,
            lang: None,
            handle: None,
        }
    }

    /// What the store keeps of them.
    pub(crate) fn seen(&self) -> crate::store::members::SeenUser {
        crate::store::members::SeenUser {
            id: self.id.clone(),
            name: self.name.clone(),
            is_bot: self.is_bot,
            handle: self.handle.clone(),
        }
    }
}

/// A group, as the platform showed it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GroupInfo {
    pub id: ChatId,
    pub title: String,
    /// Public username/alias; public groups get join-request links.
    pub public_handle: Option<String>,
}

/// The invite link a join or join request went through.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LinkUse {
    pub url: String,
}

/// Something that happened on a platform. Serialized for the commands that
/// wait in their chat's lane (`engine::lanes`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A member is in the group. `added_by` is whoever else made the change
    /// (an admin who added them, or who approved their request); `link` the
    /// invite link they used. Either may be missing; who earns the credit is
    /// the domain's rule (`rituals::greeting::invites::inviter_of`), not the adapter's.
    MemberJoined {
        group: GroupInfo,
        member: Person,
        added_by: Option<Person>,
        link: Option<LinkUse>,
    },
    /// A member is gone; `removed_by` is set when someone else removed them.
    MemberLeft {
        group: ChatId,
        member: Person,
        removed_by: Option<UserId>,
    },
    /// A member asked to join through a join-request link.
    JoinRequested {
        group: GroupInfo,
        member: Person,
        link: Option<LinkUse>,
    },
    /// `by` invited a member who has not joined yet (Matrix).
    Invited {
        group: GroupInfo,
        member: Person,
        by: Person,
    },
    /// A member opened a direct chat with the bot (Matrix's "Start"): what
    /// `/start` gives in private is owed to them.
    DirectOpened { chat: ChatId, from: Person },
    /// The bot was added to a group by `by`, with these rights.
    BotJoined {
        group: GroupInfo,
        by: Person,
        rights: BotRights,
    },
    /// The bot's rights in a group changed.
    BotRightsChanged { group: ChatId, can_invite: bool },
    /// The bot is no longer in a group.
    BotLeft { group: ChatId },
    /// Someone's standing in a group changed on the platform (promoted,
    /// demoted, restricted); `None` when it may be anyone's (Matrix power
    /// levels). Cached admin status is read again.
    StandingChanged {
        group: ChatId,
        member: Option<UserId>,
    },
    /// An ordinary message in a group (not a command). `reply_to` is the
    /// platform id of the message it answers.
    Message {
        group: ChatId,
        from: Person,
        text: String,
        reply_to: Option<String>,
    },
    /// Someone pressed a button under a bot's message, in a group or (a
    /// prompt to confirm) a private chat: on Telegram `button` is the
    /// button's data and `query` the callback to answer; on Matrix `button`
    /// is the reaction's key.
    Pressed {
        chat: ChatId,
        from: Person,
        button: String,
        message: Option<String>,
        query: Option<String>,
        /// The forum topic of the message pressed under, where answers go.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
    },
    /// A file sent to the bot in a private chat (a CSV of coupon codes).
    Document {
        chat: ChatId,
        from: Person,
        file: String,
        file_name: Option<String>,
        size: Option<u64>,
        caption: Option<String>,
    },
    /// A message that starts with the platform's command prefix.
    Command {
        chat: ChatId,
        group: Option<GroupInfo>,
        from: Person,
        text: String,
        /// Where in the chat it was typed, and so its answer goes: a
        /// Telegram forum topic (`message_thread_id`, as text) or a Matrix
        /// thread's root event; `None` outside them (General included).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
    },
}

/// The admin rights Hearth uses, as the platform reported them when the bot
/// was added: the first-run checklist names the missing ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BotRights {
    /// Members' own invite links and channel links.
    pub invite: bool,
    /// `/remove` and automatic screening.
    pub ban: bool,
    /// Posts scheduled with `--pin`.
    pub pin: bool,
}

impl BotRights {
    /// Every right (a Matrix room checks power levels when they are used).
    pub const ALL: BotRights = BotRights {
        invite: true,
        ban: true,
        pin: true,
    };
}
