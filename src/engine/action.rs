//! What the engine asks adapters to do, stored in the outbox as JSON.

use serde::{Deserialize, Serialize};

use crate::domain::{RichText, UserId};

/// One thing to carry out in the outbox entry's chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Post a message.
    Send { text: RichText },
    /// Post a scheduled run; its message id is kept for pins and replies.
    Post {
        post: i64,
        text: RichText,
        pin: bool,
    },
    /// Post a draw's announcement, with the button members press to take
    /// part if it has one; its message id is kept, since a Matrix reaction
    /// (or a reply, in an Nth-reply game) names only that.
    Announce {
        draw: i64,
        text: RichText,
        button: Option<Button>,
    },
    /// Post a message with rows of buttons (Telegram's inline keyboard).
    /// Matrix shows the text alone, which names the commands to type.
    Ask {
        text: RichText,
        rows: Vec<Vec<Button>>,
    },
    /// Ask the sender of a destructive command to confirm it: Confirm and
    /// Cancel buttons on Telegram; on Matrix the bot reacts ✅ to its own
    /// prompt once delivered, for the sender to press. Its message id is
    /// kept, since a reaction names only that.
    Confirm {
        token: String,
        text: RichText,
        rows: Vec<Vec<Button>>,
    },
    /// Post an image (a milestone certificate) with a short caption.
    Photo {
        /// PNG, base64; a certificate is some tens of kilobytes.
        png: String,
        file_name: String,
        caption: String,
    },
    /// React to a message (Matrix's stand-in for a button).
    React { message: String, key: String },
    /// Pin a message the bot posted, quietly.
    Pin { message: String },
    /// Unpin a message.
    Unpin { message: String },
    /// Let a member in who asked through one of our links.
    ApproveJoin { user: UserId },
    /// Take a member out without barring them for good (automatic mode),
    /// saying why where the platform shows it.
    RemoveMember {
        user: UserId,
        /// Empty in actions queued before reasons were given.
        #[serde(default)]
        reason: String,
    },
    /// Leave the chat.
    Leave,
}

/// A button under a message. Telegram shows it as an inline button that
/// sends `data` back; Matrix has no buttons, so the bot reacts to its own
/// message with `reaction` and members press that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub data: String,
    pub reaction: String,
}

/// An image as an action carries it: base64, so the outbox stays text.
pub fn encode_image(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The bytes of an image an action carries.
pub fn decode_image(text: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::STANDARD.decode(text)?)
}
