//! What `hearth doctor` asks Telegram: whether the token works, how
//! @BotFather set the bot up, and which rights it holds in each group. Only
//! reads; nothing is registered or sent.

use secrecy::ExposeSecret;
use teloxide::{
    RequestError,
    prelude::Requester,
    types::{ChatMemberKind, UserId as TgUserId},
};

use crate::{config::TelegramSettings, domain::ChatId};

/// The bot as `getMe` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotCheck {
    pub id: u64,
    pub username: String,
    /// @BotFather's "Allow Groups".
    pub can_join_groups: bool,
    /// Privacy mode off: the bot sees every message, not only commands and
    /// replies to it.
    pub reads_all_messages: bool,
}

/// The bot's standing in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Not a member any more, or the group is gone.
    Absent(String),
    /// A member without admin rights.
    Member,
    Admin {
        invite_users: bool,
        ban_users: bool,
        pin_messages: bool,
    },
}

/// Why `getMe` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No answer: the network, or the API address.
    Unreachable(String),
    /// Telegram answered no: the token is wrong or revoked.
    Refused(String),
}

impl Refusal {
    /// No answer (the network, the address) or a "no" (the token).
    pub fn of(e: RequestError) -> Self {
        match e {
            RequestError::Network(_) | RequestError::Io(_) => Refusal::Unreachable(e.to_string()),
            other => Refusal::Refused(other.to_string()),
        }
    }
}

/// Calls `getMe`; the error says what Telegram said, never the token.
pub async fn bot(settings: &TelegramSettings) -> Result<(BotCheck, teloxide::Bot), Refusal> {
    let client = super::reqwest_client(settings.request_timeout)
        .map_err(|e| Refusal::Unreachable(format!("{e:#}")))?;
    let bot = teloxide::Bot::with_client(settings.token.expose_secret(), client)
        .set_api_url(settings.api_url.clone());
    let me = bot.get_me().await.map_err(Refusal::of)?;
    Ok((
        BotCheck {
            id: me.user.id.0,
            username: me.username().to_owned(),
            can_join_groups: me.can_join_groups,
            reads_all_messages: me.can_read_all_group_messages,
        },
        bot,
    ))
}

/// The bot's rights in `group`, from `getChatMember`.
pub async fn standing(bot: &teloxide::Bot, me: u64, group: &ChatId) -> Standing {
    let Some(chat) = group.as_telegram() else {
        return Standing::Absent("not a Telegram group".to_owned());
    };
    match bot
        .get_chat_member(teloxide::types::ChatId(chat), TgUserId(me))
        .await
    {
        Err(e) => Standing::Absent(e.to_string()),
        Ok(member) => match member.kind {
            ChatMemberKind::Owner(_) => Standing::Admin {
                invite_users: true,
                ban_users: true,
                pin_messages: true,
            },
            ChatMemberKind::Administrator(a) => Standing::Admin {
                invite_users: a.can_invite_users,
                ban_users: a.can_restrict_members,
                pin_messages: a.can_pin_messages,
            },
            ChatMemberKind::Member(_) | ChatMemberKind::Restricted(_) => Standing::Member,
            ChatMemberKind::Left | ChatMemberKind::Banned(_) => {
                Standing::Absent("the bot is not in the group".to_owned())
            }
        },
    }
}
