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
    /// Pin a message the bot posted, quietly.
    Pin { message: String },
    /// Unpin a message.
    Unpin { message: String },
    /// Let a member in who asked through one of our links.
    ApproveJoin { user: UserId },
    /// Leave the chat.
    Leave,
}
