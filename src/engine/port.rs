//! What the engine needs from a platform, implemented by each adapter.

use std::time::Duration;

use async_trait::async_trait;

use super::Action;
use crate::{
    domain::{ChatId, Platform, UserId},
    rituals::screening::rules::Profile,
};

/// A platform request that did not work.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// The bot lacks a right; the text names it as the platform's UI does.
    #[error("the bot lacks the right: {0}")]
    MissingRight(&'static str),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Why an outbox action was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The platform asked us to slow down.
    #[error("rate limited for {0:?}")]
    RetryAfter(Duration),
    /// Worth another try (network, server error).
    #[error("transient failure")]
    Transient(#[source] anyhow::Error),
    /// Will never work (chat gone, bot removed, bad request).
    #[error("permanent failure")]
    Permanent(#[source] anyhow::Error),
}

impl From<PortError> for DeliveryError {
    /// A missing right stays missing until an admin acts; anything else may
    /// pass on another try.
    fn from(e: PortError) -> Self {
        match e {
            PortError::MissingRight(_) => DeliveryError::Permanent(anyhow::Error::new(e)),
            PortError::Unexpected(e) => DeliveryError::Transient(e),
        }
    }
}

/// A connected platform.
#[async_trait]
pub trait Port: Send + Sync {
    /// Which platform this is.
    fn platform(&self) -> Platform;
    /// `/` on Telegram, `!` on Matrix.
    fn command_prefix(&self) -> char;
    /// The bot's handle, to recognise `/cmd@handle`.
    fn bot_handle(&self) -> &str;
    /// The bot's own account.
    fn bot_id(&self) -> &UserId;
    /// Whether the platform has per-member invite links (Matrix has not:
    /// there, members invite their friends from their client).
    fn personal_links(&self) -> bool {
        true
    }
    /// Whether messages can carry buttons (Matrix's cannot: members react).
    fn has_buttons(&self) -> bool {
        true
    }
    /// Whether the bot may write to a member it never spoke with (Matrix:
    /// it opens a direct room). On Telegram the member must press Start first.
    fn opens_private_chats(&self) -> bool {
        false
    }
    /// A link that opens the private chat with the bot and sends it
    /// `/start <payload>` (Telegram's deep links); `None` where there is none.
    fn claim_link(&self, _payload: &str) -> Option<String> {
        None
    }
    /// Whether the platform shows more of an account than its name (a bio,
    /// a username, a photo): then newcomers' profiles are read after their
    /// join and screened too.
    fn reads_profiles(&self) -> bool {
        false
    }
    /// What the platform shows of `user`'s account; `None` when it shows
    /// nothing (the account is gone, or the platform keeps it private).
    async fn profile(&self, _user: &UserId) -> Result<Option<Profile>, PortError> {
        Ok(None)
    }
    /// Whether `user` administers `group` on the platform.
    async fn is_admin(&self, group: &ChatId, user: &UserId) -> Result<bool, PortError>;

    /// Whether `user` is in `group` now (for someone the bot never saw
    /// join).
    async fn is_member(&self, group: &ChatId, user: &UserId) -> Result<bool, PortError>;
    /// Creates a personal invite link named `name` for `member`.
    async fn create_member_link(
        &self,
        group: &ChatId,
        name: &str,
        join_request: bool,
    ) -> Result<String, PortError>;
    /// Creates a link named `name` that lets one person into `group` (a live
    /// code hands these out); `None` where the platform has no such links.
    async fn create_single_use_link(
        &self,
        _group: &ChatId,
        _name: &str,
    ) -> Result<Option<String>, PortError> {
        Ok(None)
    }
    /// Takes `user` out of `group` without barring them for good (Telegram:
    /// ban, then unban; Matrix: kick), so a fresh invite can bring them back.
    /// `reason` is shown where the platform shows one (Matrix).
    async fn remove_member(
        &self,
        group: &ChatId,
        user: &UserId,
        reason: &str,
    ) -> Result<(), PortError>;
    /// How many members `group` has, as the platform counts them.
    async fn member_count(&self, group: &ChatId) -> Result<u64, PortError>;
    /// Shows the member who pressed a button a short answer only they see
    /// (Telegram's callback answer), and opens `url` for them when given (a
    /// claim link). Platforms without one show nothing: the draw's results
    /// say it all.
    async fn answer_press(
        &self,
        _query: &str,
        _text: &str,
        _url: Option<&str>,
    ) -> Result<(), PortError> {
        Ok(())
    }
    /// Fetches a file a member sent, refusing one larger than `max_bytes`.
    async fn download(&self, _file: &str, _max_bytes: usize) -> Result<Vec<u8>, PortError> {
        Err(PortError::Unexpected(anyhow::anyhow!(
            "this platform's files are not read"
        )))
    }
    /// Carries out one outbox action in `chat` (in its forum `topic`, where
    /// the platform has topics); a posted message's id comes back.
    async fn deliver(
        &self,
        chat: &ChatId,
        topic: Option<&str>,
        action: &Action,
    ) -> Result<Option<String>, DeliveryError>;
}
