//! What the engine asks of a Matrix homeserver: membership and power
//! levels, removals, direct rooms, and delivery of outbox actions (in
//! encrypted rooms too) with each failure classified for the retry policy.

use super::{Matrix, matrix_user, render};
use crate::{
    domain::{ChatId, Platform, UserId},
    engine::{Action, DeliveryError, Port, PortError},
};
use anyhow::Context;
use async_trait::async_trait;

#[async_trait]
impl Port for Matrix {
    fn platform(&self) -> Platform {
        Platform::Matrix
    }

    fn command_prefix(&self) -> char {
        '!'
    }

    fn bot_handle(&self) -> &str {
        self.me.native()
    }

    fn bot_id(&self) -> &UserId {
        &self.me
    }

    fn personal_links(&self) -> bool {
        false
    }

    fn opens_private_chats(&self) -> bool {
        true
    }

    /// Room admins are members with the power level to kick.
    async fn is_admin(&self, group: &ChatId, user: &UserId) -> Result<bool, PortError> {
        let room = self.room(group)?;
        let user = matrix_user(user)?;
        let levels = room.power_levels().await.context("reading power levels")?;
        Ok(levels.user_can_kick(&user))
    }

    async fn is_member(&self, group: &ChatId, user: &UserId) -> Result<bool, PortError> {
        let room = self.room(group)?;
        let user = matrix_user(user)?;
        let member = room.get_member(&user).await.context("reading a member")?;
        Ok(member.is_some_and(|m| {
            *m.membership() == matrix_sdk::ruma::events::room::member::MembershipState::Join
        }))
    }

    async fn remove_member(
        &self,
        group: &ChatId,
        user: &UserId,
        reason: &str,
    ) -> Result<(), PortError> {
        let room = self.room(group)?;
        let user = matrix_user(user)?;
        room.kick_user(&user, Some(reason).filter(|r| !r.is_empty()))
            .await
            .map_err(|e| {
                if e.as_client_api_error()
                    .is_some_and(|api| api.status_code.as_u16() == 403)
                {
                    PortError::MissingRight("Kick users")
                } else {
                    PortError::Unexpected(anyhow::Error::new(e).context("kicking a member"))
                }
            })
    }

    async fn create_member_link(
        &self,
        _group: &ChatId,
        _name: &str,
        _join_request: bool,
    ) -> Result<String, PortError> {
        Err(PortError::Unexpected(anyhow::anyhow!(
            "Matrix has no per-member invite links"
        )))
    }

    fn has_buttons(&self) -> bool {
        false
    }

    async fn member_count(&self, group: &ChatId) -> Result<u64, PortError> {
        Ok(self.room(group)?.joined_members_count())
    }

    #[tracing::instrument(skip_all, fields(chat_id = %chat))]
    async fn deliver(
        &self,
        chat: &ChatId,
        // A thread's root event: the message goes into that thread.
        topic: Option<&str>,
        action: &Action,
    ) -> Result<Option<String>, DeliveryError> {
        // A user id stands for the private chat with them.
        let room = if chat.native().starts_with('@') {
            self.direct_room(chat.native())
                .await
                .map_err(DeliveryError::Transient)?
        } else {
            self.room(chat).map_err(DeliveryError::Permanent)?
        };
        let event_id = |m: &str| {
            matrix_sdk::ruma::OwnedEventId::try_from(m)
                .map_err(|_| DeliveryError::Permanent(anyhow::anyhow!("bad event id {m}")))
        };
        let result = match action {
            // An announcement's button becomes the bot's reaction, added
            // once the message is delivered.
            Action::Send { text }
            | Action::Post { text, .. }
            | Action::Announce { text, .. }
            | Action::Ask { text, .. }
            | Action::Confirm { text, .. } => {
                let mut content = render::to_content(text);
                if let Some(root) = topic {
                    content["m.relates_to"] = render::in_thread(root);
                }
                room.send_raw("m.room.message", content)
                    .await
                    .map(|sent| Some(sent.response.event_id.to_string()))
            }
            Action::Photo {
                png,
                file_name,
                caption,
            } => {
                let bytes =
                    crate::engine::action::decode_image(png).map_err(DeliveryError::Permanent)?;
                let caption =
                    matrix_sdk::ruma::events::room::message::TextMessageEventContent::plain(
                        caption.clone(),
                    );
                let config = matrix_sdk::attachment::AttachmentConfig::new().caption(Some(caption));
                room.send_attachment(file_name.clone(), &mime::IMAGE_PNG, bytes, config)
                    .await
                    .map(|sent| Some(sent.event_id.to_string()))
            }
            Action::React { message, key } => room
                .send_raw("m.reaction", render::reaction(&event_id(message)?, key))
                .await
                .map(|_| None),
            Action::Pin { message } => room.pin_event(&event_id(message)?).await.map(|_| None),
            Action::Unpin { message } => room.unpin_event(&event_id(message)?).await.map(|_| None),
            Action::Leave => room.leave().await.map(|()| None),
            Action::ApproveJoin { .. } => {
                return Err(DeliveryError::Permanent(anyhow::anyhow!(
                    "Matrix joins need no approval"
                )));
            }
            Action::RemoveMember { user, reason } => {
                self.remove_member(chat, user, reason).await?;
                return Ok(None);
            }
        };
        result.map_err(classify)
    }
}

/// A refusal (403 for a missing power level, 404, a bad request) will not
/// change by trying again; rate limits, server errors and the network may.
fn classify(e: matrix_sdk::Error) -> DeliveryError {
    let status = e.as_client_api_error().map(|api| api.status_code);
    match status {
        Some(s) if s.is_client_error() && s.as_u16() != 429 => {
            DeliveryError::Permanent(anyhow::Error::from(e))
        }
        _ => DeliveryError::Transient(anyhow::Error::from(e)),
    }
}
