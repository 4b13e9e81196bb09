//! What the engine asks of Telegram, over the Bot API: membership and
//! rights, invite links, profiles, files, and delivery of outbox actions
//! with each failure classified for the retry policy.

use super::{Telegram, render::to_html};
use crate::{
    domain::{ChatId, Platform, UserId},
    engine::{Action, DeliveryError, Port, PortError},
    rituals::screening::rules::Profile,
};
use anyhow::Context;
use async_trait::async_trait;
use teloxide::{
    ApiError, RequestError,
    net::Download,
    payloads::{
        AnswerCallbackQuerySetters, CreateChatInviteLinkSetters, PinChatMessageSetters,
        SendMessageSetters, SendPhotoSetters, UnbanChatMemberSetters, UnpinChatMessageSetters,
    },
    prelude::Requester,
    types::{
        CallbackQueryId, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
        LinkPreviewOptions, MessageId, ParseMode, ThreadId,
    },
};

#[async_trait]
impl Port for Telegram {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    fn command_prefix(&self) -> char {
        '/'
    }

    fn bot_handle(&self) -> &str {
        &self.username
    }

    fn bot_id(&self) -> &UserId {
        &self.me
    }

    fn reads_profiles(&self) -> bool {
        true
    }

    /// `getChat` on a member's id: Telegram shows a bot the bio, username
    /// and photo of people who share a group with it.
    #[tracing::instrument(skip_all)]
    async fn profile(&self, user: &UserId) -> Result<Option<Profile>, PortError> {
        let id = Self::user(user)?;
        let chat = match self.bot.get_chat(teloxide::types::ChatId::from(id)).await {
            Ok(chat) => chat,
            // Gone, or never seen by the bot: nothing to read, ever.
            Err(RequestError::Api(ApiError::ChatNotFound | ApiError::UserNotFound)) => {
                return Ok(None);
            }
            Err(e) => return Err(anyhow::Error::new(e).context("getChat").into()),
        };
        Ok(Some(Profile {
            bio: chat.bio().map(str::to_owned),
            username: chat.username().map(str::to_owned),
            has_photo: chat.photo.is_some(),
        }))
    }

    #[tracing::instrument(skip_all, fields(chat_id = %group))]
    async fn is_admin(&self, group: &ChatId, user: &UserId) -> Result<bool, PortError> {
        Ok(self.member(group, user).await?.kind.is_privileged())
    }

    async fn is_member(&self, group: &ChatId, user: &UserId) -> Result<bool, PortError> {
        Ok(self.member(group, user).await?.kind.is_present())
    }

    #[tracing::instrument(skip_all, fields(chat_id = %group))]
    /// Telegram shows no reason for a removal.
    async fn remove_member(
        &self,
        group: &ChatId,
        user: &UserId,
        _reason: &str,
    ) -> Result<(), PortError> {
        let (chat, member) = (Self::chat(group)?, Self::user(user)?);
        match self.bot.ban_chat_member(chat, member).await {
            Ok(_) => {}
            Err(e) if lacks_rights(&e) => return Err(PortError::MissingRight("Ban Users")),
            Err(e) => {
                return Err(PortError::Unexpected(
                    in_telegrams_words(e).context("banChatMember"),
                ));
            }
        }
        // Lifting the ban at once makes it a removal: a fresh invite can
        // bring them back, as the seed's operators wanted.
        self.bot
            .unban_chat_member(chat, member)
            .only_if_banned(true)
            .await
            .context("unbanChatMember")?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(chat_id = %group))]
    async fn create_member_link(
        &self,
        group: &ChatId,
        name: &str,
        join_request: bool,
    ) -> Result<String, PortError> {
        let result = self
            .bot
            .create_chat_invite_link(Self::chat(group)?)
            .name(name)
            .creates_join_request(join_request)
            .await;
        match result {
            Ok(link) => Ok(link.invite_link),
            Err(e) if lacks_rights(&e) => Err(PortError::MissingRight("Invite Users via Link")),
            Err(e) => Err(PortError::Unexpected(
                in_telegrams_words(e).context("createChatInviteLink"),
            )),
        }
    }

    #[tracing::instrument(skip_all, fields(chat_id = %group))]
    async fn create_single_use_link(
        &self,
        group: &ChatId,
        name: &str,
    ) -> Result<Option<String>, PortError> {
        let result = self
            .bot
            .create_chat_invite_link(Self::chat(group)?)
            .name(name)
            .member_limit(1)
            .await;
        match result {
            Ok(link) => Ok(Some(link.invite_link)),
            Err(e) if lacks_rights(&e) => Err(PortError::MissingRight("Invite Users via Link")),
            Err(e) => Err(PortError::Unexpected(
                in_telegrams_words(e).context("createChatInviteLink"),
            )),
        }
    }

    fn claim_link(&self, payload: &str) -> Option<String> {
        Some(format!("https://t.me/{}?start={payload}", self.username))
    }

    async fn answer_press(
        &self,
        query: &str,
        text: &str,
        url: Option<&str>,
    ) -> Result<(), PortError> {
        let mut request = self
            .bot
            .answer_callback_query(CallbackQueryId(query.to_owned()))
            .text(text);
        if let Some(url) = url {
            // A t.me link to the bot opens its private chat with /start.
            request = request.url(url::Url::parse(url).context("a claim link")?);
        }
        request.await.context("answerCallbackQuery")?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn download(&self, file: &str, max_bytes: usize) -> Result<Vec<u8>, PortError> {
        let file = self
            .bot
            .get_file(FileId(file.to_owned()))
            .await
            .context("getFile")?;
        if file.size as usize > max_bytes {
            return Err(PortError::Unexpected(anyhow::anyhow!(
                "the file has {} bytes, more than {max_bytes}",
                file.size
            )));
        }
        let mut bytes = Vec::with_capacity(file.size as usize);
        self.bot
            .download_file(&file.path, &mut bytes)
            .await
            .context("downloading a file")?;
        Ok(bytes)
    }

    async fn member_count(&self, group: &ChatId) -> Result<u64, PortError> {
        let count = self
            .bot
            .get_chat_member_count(Self::chat(group)?)
            .await
            .context("getChatMemberCount")?;
        Ok(u64::from(count))
    }

    #[tracing::instrument(skip_all, fields(chat_id = %chat))]
    async fn deliver(
        &self,
        chat: &ChatId,
        topic: Option<&str>,
        action: &Action,
    ) -> Result<Option<String>, DeliveryError> {
        let target = Self::chat(chat).map_err(DeliveryError::Permanent)?;
        let thread = match topic.map(str::parse::<i32>) {
            None => None,
            Some(Ok(id)) => Some(ThreadId(MessageId(id))),
            Some(Err(_)) => {
                return Err(DeliveryError::Permanent(anyhow::anyhow!(
                    "bad topic {topic:?}"
                )));
            }
        };
        let message_id = |m: &str| {
            m.parse::<i32>()
                .map(MessageId)
                .map_err(|_| DeliveryError::Permanent(anyhow::anyhow!("bad message id {m}")))
        };
        let result = match action {
            Action::Send { text }
            | Action::Post { text, .. }
            | Action::Announce { text, .. }
            | Action::Ask { text, .. }
            | Action::Confirm { text, .. } => {
                let mut request = self
                    .bot
                    .send_message(target, to_html(text))
                    .parse_mode(ParseMode::Html)
                    .link_preview_options(no_preview());
                if let Some(thread) = thread {
                    request = request.message_thread_id(thread);
                }
                let rows: Vec<Vec<&crate::engine::Button>> = match action {
                    Action::Announce {
                        button: Some(button),
                        ..
                    } => vec![vec![button]],
                    Action::Ask { rows, .. } | Action::Confirm { rows, .. } => {
                        rows.iter().map(|r| r.iter().collect()).collect()
                    }
                    _ => Vec::new(),
                };
                if !rows.is_empty() {
                    request = request.reply_markup(InlineKeyboardMarkup::new(
                        rows.into_iter().map(|row| {
                            row.into_iter()
                                .map(|b| InlineKeyboardButton::callback(&b.label, &b.data))
                                .collect::<Vec<_>>()
                        }),
                    ));
                }
                request.await.map(|m| Some(m.id.0.to_string()))
            }
            Action::Photo {
                png,
                file_name,
                caption,
            } => {
                let bytes =
                    crate::engine::action::decode_image(png).map_err(DeliveryError::Permanent)?;
                let mut request = self
                    .bot
                    .send_photo(
                        target,
                        InputFile::memory(bytes).file_name(file_name.clone()),
                    )
                    .caption(caption.clone());
                if let Some(thread) = thread {
                    request = request.message_thread_id(thread);
                }
                request.await.map(|m| Some(m.id.0.to_string()))
            }
            Action::React { .. } => {
                return Err(DeliveryError::Permanent(anyhow::anyhow!(
                    "Telegram messages carry buttons; the bot does not react"
                )));
            }
            Action::Pin { message } => self
                .bot
                .pin_chat_message(target, message_id(message)?)
                .disable_notification(true)
                .await
                .map(|_| None),
            Action::Unpin { message } => self
                .bot
                .unpin_chat_message(target)
                .message_id(message_id(message)?)
                .await
                .map(|_| None),
            Action::ApproveJoin { user } => {
                let user = Self::user(user).map_err(DeliveryError::Permanent)?;
                self.bot
                    .approve_chat_join_request(target, user)
                    .await
                    .map(|_| None)
            }
            Action::Leave => self.bot.leave_chat(target).await.map(|_| None),
            Action::RemoveMember { user, reason } => {
                self.remove_member(chat, user, reason).await?;
                return Ok(None);
            }
        };
        result.map_err(classify)
    }
}

/// Sorts a failed request into wait, retry, or give up. Telegram reports its
/// own server errors as API errors with a 5xx description, and a proxy in
/// front of it may answer with a page that is not JSON: both are worth
/// another try.
fn classify(e: RequestError) -> DeliveryError {
    match e {
        RequestError::RetryAfter(wait) => DeliveryError::RetryAfter(wait.duration()),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            DeliveryError::Transient(e.into())
        }
        RequestError::Api(ApiError::Unknown(ref text)) if is_server_error(text) => {
            DeliveryError::Transient(e.into())
        }
        other => DeliveryError::Permanent(other.into()),
    }
}

fn is_server_error(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    [
        "internal server error",
        "bad gateway",
        "service unavailable",
        "gateway timeout",
    ]
    .iter()
    .any(|phrase| d.contains(phrase))
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// An error whose root is Telegram's own description, as members may read
/// it when the bot has no rule for it (teloxide wraps descriptions it does
/// not know as `Unknown error: "…"`).
pub(super) fn in_telegrams_words(e: RequestError) -> anyhow::Error {
    match e {
        RequestError::Api(ApiError::Unknown(description)) => anyhow::Error::msg(description),
        other => other.into(),
    }
}

fn lacks_rights(e: &RequestError) -> bool {
    match e {
        RequestError::Api(ApiError::Unknown(text)) => {
            text.to_ascii_lowercase().contains("not enough rights")
        }
        RequestError::Api(
            ApiError::NotEnoughRightsToManagePins | ApiError::NotEnoughRightsToRestrict,
        ) => true,
        RequestError::Api(other) => other
            .to_string()
            .to_ascii_lowercase()
            .contains("not enough rights"),
        _ => false,
    }
}
