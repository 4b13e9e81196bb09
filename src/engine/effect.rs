//! What a command changes, written in the transaction that records the
//! command and queues its reply. Every ritual's effects are applied the same
//! way, over one context, so the engine needs no list of them.

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::{Engine, Person};
use crate::domain::{ChatId, Lang, RichText};

/// Everything an effect may need, the same for every ritual.
pub(crate) struct Cx<'a> {
    pub(crate) engine: &'a Engine,
    /// The command's transaction.
    pub(crate) conn: &'a mut AnyConnection,
    /// Where the command came from: a group, or a private chat.
    pub(crate) chat: &'a ChatId,
    /// Who sent it.
    pub(crate) from: &'a Person,
    /// Where its answer goes: `chat`, or the sender's private chat.
    pub(crate) answer_to: &'a ChatId,
    /// The forum topic of `answer_to` the answer goes to, if any.
    pub(crate) answer_topic: Option<&'a str>,
    pub(crate) now: i64,
}

/// A setting or record a command changes, written with its reply.
#[async_trait]
pub(crate) trait Effect: Send {
    /// Writes it; a reply that depends on what was written comes back and
    /// replaces the command's own.
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>>;

    /// Whether it changes something (the audit log records those);
    /// showing the review queue or answering `/start` does not.
    fn changes(&self) -> bool {
        true
    }

    /// The group it registers, which starts being served once written.
    fn registers(&self) -> Option<&ChatId> {
        None
    }
}

/// An effect whose replies are written in the language the command was
/// answered in (a private chat has no group language).
pub(crate) struct InLang<P>(pub(crate) Lang, pub(crate) P);
