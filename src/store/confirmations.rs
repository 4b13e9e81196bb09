//! Destructive commands waiting for their sender's Confirm (see
//! `engine::confirm`).

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::domain::{ChatId, UserId};

/// A command held until its sender confirms it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub token: String,
    pub chat: ChatId,
    pub group: Option<ChatId>,
    pub requester: UserId,
    /// As typed; it runs again, checked anew, once confirmed.
    pub command: String,
    pub asked_at: i64,
    pub settled: bool,
}

/// Holds a command, in the transaction that answers it with the prompt.
pub async fn insert(conn: &mut AnyConnection, pending: &Pending) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO pending_confirmations
             (token, chat_id, group_id, requester, command, asked_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&pending.token)
    .bind(pending.chat.as_str())
    .bind(pending.group.as_ref().map(ChatId::as_str))
    .bind(pending.requester.as_str())
    .bind(&pending.command)
    .bind(pending.asked_at)
    .execute(conn)
    .await?;
    Ok(())
}

fn read(row: &AnyRow) -> sqlx::Result<Pending> {
    Ok(Pending {
        token: row.try_get("token")?,
        chat: ChatId::from_stored(row.try_get("chat_id")?),
        group: row
            .try_get::<Option<String>, _>("group_id")?
            .map(ChatId::from_stored),
        requester: UserId::from_stored(row.try_get("requester")?),
        command: row.try_get("command")?,
        asked_at: row.try_get("asked_at")?,
        settled: row.try_get::<Option<i64>, _>("settled_at")?.is_some(),
    })
}

/// The command a Confirm or Cancel button names.
pub async fn get(conn: &mut AnyConnection, token: &str) -> sqlx::Result<Option<Pending>> {
    sqlx::query(
        "SELECT token, chat_id, group_id, requester, command, asked_at, settled_at
         FROM pending_confirmations WHERE token = $1",
    )
    .bind(token)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(read)
    .transpose()
}

/// The command whose prompt is `message` in `chat` (a Matrix reaction
/// names only the message it is on).
pub async fn by_prompt(
    conn: &mut AnyConnection,
    chat: &ChatId,
    message: &str,
) -> sqlx::Result<Option<Pending>> {
    sqlx::query(
        "SELECT token, chat_id, group_id, requester, command, asked_at, settled_at
         FROM pending_confirmations WHERE chat_id = $1 AND message_id = $2",
    )
    .bind(chat.as_str())
    .bind(message)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(read)
    .transpose()
}

/// Keeps the prompt's message id once it is delivered.
pub async fn set_prompt(conn: &mut AnyConnection, token: &str, message: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE pending_confirmations SET message_id = $1 WHERE token = $2")
        .bind(message)
        .bind(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// Settles a command (confirmed, cancelled or expired); `false` when it
/// was settled already, so a second press changes nothing.
pub async fn settle(conn: &mut AnyConnection, token: &str, now_ms: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE pending_confirmations SET settled_at = $1
         WHERE token = $2 AND settled_at IS NULL",
    )
    .bind(now_ms)
    .bind(token)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets prompts settled or asked before `before` (the pruning job).
pub async fn prune(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM pending_confirmations WHERE asked_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
