//! Commands waiting for their chat's lane (see `engine::lanes`).

use sqlx::{AnyConnection, Row};

use crate::domain::ChatId;

/// One waiting command or upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    pub key: String,
    pub chat: ChatId,
    /// The event as JSON.
    pub item: String,
}

/// Queues an item in the caller's transaction; a replay of an update still
/// waiting changes nothing. Returns whether it was new.
pub async fn push(
    conn: &mut AnyConnection,
    key: &str,
    chat: &ChatId,
    item: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO command_lanes (update_key, chat_id, item, queued_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (update_key) DO NOTHING",
    )
    .bind(key)
    .bind(chat.as_str())
    .bind(item)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The oldest waiting item of each chat, oldest first, at most `limit`.
pub async fn heads(conn: &mut AnyConnection, limit: i64) -> sqlx::Result<Vec<Waiting>> {
    sqlx::query(
        "SELECT id, update_key, chat_id, item FROM command_lanes
         WHERE id IN (SELECT MIN(id) FROM command_lanes GROUP BY chat_id)
         ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Waiting {
            id: row.try_get("id")?,
            key: row.try_get("update_key")?,
            chat: ChatId::from_stored(row.try_get("chat_id")?),
            item: row.try_get("item")?,
        })
    })
    .collect()
}

/// Drops an item once it was answered or recorded as failed.
pub async fn remove(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM command_lanes WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
