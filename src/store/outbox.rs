//! The durable queue of actions to carry out on a platform.

use sqlx::{AnyConnection, Row};

use crate::domain::{ChatId, Platform};

/// One queued action.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub chat: ChatId,
    /// The forum topic (Matrix: thread root) it goes to; `None`: the chat
    /// itself.
    pub topic: Option<String>,
    /// JSON of an `engine::Action`.
    pub action: String,
    pub attempts: i64,
}

/// Which of a chat's pending entries goes first: every entry of the owed
/// lane before any answer, oldest first within a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// What the group is owed: greetings, scheduled posts, draws, admins'
    /// answers.
    Owed = 0,
    /// Answers to members' own commands, which a flood of them must not
    /// put ahead of a greeting.
    Answer = 1,
}

/// Ranks entries in one number for `MIN`: the lane above any id, so the
/// head is the oldest entry of the first lane that has one.
const LANE_STRIDE: i64 = 1_000_000_000_000_000;

/// Queues an action in the caller's transaction; returns its id.
pub async fn enqueue(
    conn: &mut AnyConnection,
    chat: &ChatId,
    topic: Option<&str>,
    action_json: &str,
    lane: Lane,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO outbox (platform, chat_id, action, state, attempts, next_attempt_at, created_at, lane, topic)
         VALUES ($1, $2, $3, 'pending', 0, $4, $4, $5, $6) RETURNING id",
    )
    .bind(chat.platform().prefix())
    .bind(chat.as_str())
    .bind(action_json)
    .bind(now_ms)
    .bind(lane as i64)
    .bind(topic)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

/// The head of each chat of one platform (its oldest pending entry of the
/// first lane that has one), oldest first. Only a chat's head may go, so
/// order within a chat and lane holds, while one busy chat never hides the
/// others.
pub async fn heads(
    conn: &mut AnyConnection,
    platform: Platform,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT o.id, o.chat_id, o.topic, o.action, o.attempts
         FROM outbox o
         JOIN (SELECT MIN(lane * $3 + id) AS turn FROM outbox
               WHERE state = 'pending' AND platform = $1 GROUP BY chat_id) h
           ON o.id = h.turn % $3
         ORDER BY o.id LIMIT $2",
    )
    .bind(platform.prefix())
    .bind(limit)
    .bind(LANE_STRIDE)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                chat: ChatId::from_stored(r.try_get("chat_id")?),
                topic: r.try_get("topic")?,
                action: r.try_get("action")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

pub async fn mark_sent(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET state = 'sent', sent_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// Counts a failed attempt and notes when the next one is planned.
pub async fn retry_at(
    conn: &mut AnyConnection,
    id: i64,
    attempts: i64,
    at_ms: i64,
    error: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(attempts)
    .bind(at_ms)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives up on an entry; it stays in the table for the operator to see.
pub async fn mark_failed(conn: &mut AnyConnection, id: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET state = 'failed', last_error = $2 WHERE id = $1")
        .bind(id)
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether an announcement of `draw` in `chat` is on its way: sent,
/// perhaps, but its message id not yet recorded.
pub async fn announcing(conn: &mut AnyConnection, chat: &ChatId, draw: i64) -> sqlx::Result<bool> {
    // serde writes an action's tag first, then its fields in order.
    let prefix = format!("{{\"kind\":\"announce\",\"draw\":{draw},%");
    let row = sqlx::query(
        "SELECT 1 AS one FROM outbox
         WHERE platform = $1 AND state = 'pending' AND chat_id = $2 AND action LIKE $3
         LIMIT 1",
    )
    .bind(chat.platform().prefix())
    .bind(chat.as_str())
    .bind(prefix)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Deletes entries delivered before `before_ms`; pending and failed ones
/// stay.
pub async fn prune_sent(conn: &mut AnyConnection, before_ms: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM outbox WHERE state = 'sent' AND sent_at < $1")
        .bind(before_ms)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// How many entries are still pending (tests and status).
pub async fn pending_count(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")
        .fetch_one(conn)
        .await?
        .try_get("n")
}
