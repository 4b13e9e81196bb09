//! Telegram updates to engine events.

use teloxide::types::{
    CallbackQuery, Chat, ChatInviteLink, ChatMemberKind, ChatMemberUpdated, Message, Update,
    UpdateKind, User,
};

use crate::{
    domain::{ChatId, DisplayName, UserId},
    engine::{BotRights, Event, GroupInfo, Incoming, LinkUse, Person},
};

/// Turns one update into the events it carries (a `new_chat_members` message
/// can add several people at once). `me` is the bot's own id.
pub fn translate(update: &Update, me: &UserId) -> Vec<Incoming> {
    // Update ids count per bot: the bot's id keeps two bots on one
    // database (or a changed token) from taking each other's for replays.
    let key = |i: usize| format!("tg:{}:{}:{i}", me.native(), update.id.0);
    let events = match &update.kind {
        UpdateKind::Message(msg) => from_message(msg, me),
        UpdateKind::ChatMember(change) => from_member_change(change).into_iter().collect(),
        UpdateKind::MyChatMember(change) => from_bot_change(change).into_iter().collect(),
        UpdateKind::ChatJoinRequest(req) => vec![Event::JoinRequested {
            group: group_info(&req.chat),
            member: person(&req.from),
            link: req.invite_link.as_ref().map(link_use),
        }],
        UpdateKind::CallbackQuery(query) => from_press(query).into_iter().collect(),
        _ => Vec::new(),
    };
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| Incoming { key: key(i), event })
        .collect()
}

fn from_message(msg: &Message, me: &UserId) -> Vec<Event> {
    let from = msg.from.as_ref();
    if let Some(users) = msg.new_chat_members() {
        return users
            .iter()
            .filter(|u| &user_id(u) != me)
            .map(|u| Event::MemberJoined {
                group: group_info(&msg.chat),
                member: person(u),
                added_by: from.filter(|f| f.id != u.id).map(person),
                link: None,
            })
            .collect();
    }
    if let Some(user) = msg.left_chat_member() {
        if &user_id(user) == me {
            return Vec::new();
        }
        return vec![Event::MemberLeft {
            group: chat_id(&msg.chat),
            member: person(user),
            removed_by: from.filter(|f| f.id != user.id).map(user_id),
        }];
    }
    if let (Some(doc), Some(from)) = (msg.document(), from)
        && msg.chat.is_private()
    {
        return vec![Event::Document {
            chat: chat_id(&msg.chat),
            from: person(from),
            file: doc.file.id.0.clone(),
            file_name: doc.file_name.clone(),
            size: Some(u64::from(doc.file.size)),
            caption: msg.caption().map(str::to_owned),
        }];
    }
    match (msg.text(), from) {
        (Some(text), Some(from)) if text.starts_with('/') => vec![Event::Command {
            chat: chat_id(&msg.chat),
            group: (!msg.chat.is_private()).then(|| group_info(&msg.chat)),
            from: person(from),
            text: text.to_owned(),
            topic: topic_of(msg),
        }],
        (Some(text), Some(from)) if !msg.chat.is_private() && !from.is_bot => {
            vec![Event::Message {
                group: chat_id(&msg.chat),
                from: person(from),
                text: text.to_owned(),
                reply_to: msg.reply_to_message().map(|r| r.id.0.to_string()),
            }]
        }
        _ => Vec::new(),
    }
}

/// A button pressed under one of the bot's messages in a group.
fn from_press(query: &CallbackQuery) -> Option<Event> {
    let message = query.message.as_ref()?;
    Some(Event::Pressed {
        chat: chat_id(message.chat()),
        from: person(&query.from),
        button: query.data.clone()?,
        message: Some(message.id().0.to_string()),
        query: Some(query.id.0.clone()),
        topic: message.regular_message().and_then(topic_of),
    })
}

/// The forum topic a message is in. Replies in ordinary supergroups carry
/// a thread id too, but only a forum's topics can be sent to.
fn topic_of(msg: &Message) -> Option<String> {
    msg.is_topic_message
        .then_some(msg.thread_id)
        .flatten()
        .map(|thread| thread.0.0.to_string())
}

fn from_member_change(change: &ChatMemberUpdated) -> Option<Event> {
    let member = &change.new_chat_member.user;
    let (was, is) = (
        change.old_chat_member.kind.is_present(),
        change.new_chat_member.kind.is_present(),
    );
    match (was, is) {
        (false, true) => Some(Event::MemberJoined {
            group: group_info(&change.chat),
            member: person(member),
            added_by: (change.from.id != member.id).then(|| person(&change.from)),
            link: change.invite_link.as_ref().map(link_use),
        }),
        (true, false) => Some(Event::MemberLeft {
            group: chat_id(&change.chat),
            member: person(member),
            removed_by: (change.from.id != member.id).then(|| user_id(&change.from)),
        }),
        // Promoted, demoted or restricted: their admin status is read again.
        (true, true) => Some(Event::StandingChanged {
            group: chat_id(&change.chat),
            member: Some(user_id(member)),
        }),
        (false, false) => None,
    }
}

fn from_bot_change(change: &ChatMemberUpdated) -> Option<Event> {
    if change.chat.is_private() {
        return None;
    }
    let rights = match &change.new_chat_member.kind {
        ChatMemberKind::Owner(_) => BotRights::ALL,
        ChatMemberKind::Administrator(a) => BotRights {
            invite: a.can_invite_users,
            ban: a.can_restrict_members,
            pin: a.can_pin_messages,
        },
        _ => BotRights {
            invite: false,
            ban: false,
            pin: false,
        },
    };
    let can_invite = rights.invite;
    let (was, is) = (
        change.old_chat_member.kind.is_present(),
        change.new_chat_member.kind.is_present(),
    );
    match (was, is) {
        (false, true) => Some(Event::BotJoined {
            group: group_info(&change.chat),
            by: person(&change.from),
            rights,
        }),
        (true, true) => Some(Event::BotRightsChanged {
            group: chat_id(&change.chat),
            can_invite,
        }),
        (true, false) => Some(Event::BotLeft {
            group: chat_id(&change.chat),
        }),
        (false, false) => None,
    }
}

fn link_use(link: &ChatInviteLink) -> LinkUse {
    LinkUse {
        url: link.invite_link.clone(),
    }
}

pub fn user_id(user: &User) -> UserId {
    UserId::telegram(user.id.0 as i64)
}

pub fn chat_id(chat: &Chat) -> ChatId {
    ChatId::telegram(chat.id.0)
}

fn person(user: &User) -> Person {
    Person {
        id: user_id(user),
        name: DisplayName::clean(&user.full_name(), "user"),
        is_bot: user.is_bot,
        lang: user
            .language_code
            .as_deref()
            .and_then(|code| code.split('-').next()?.parse().ok()),
        handle: user.username.as_deref().map(str::to_ascii_lowercase),
    }
}

fn group_info(chat: &Chat) -> GroupInfo {
    GroupInfo {
        id: chat_id(chat),
        title: crate::domain::name::clean_title(chat.title().unwrap_or_default()),
        public_handle: chat.username().map(str::to_owned),
    }
}
