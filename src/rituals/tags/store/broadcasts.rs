//! Broadcasts and their recipients, from the segment fixed when sent to the
//! report when the last message has gone.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::domain::{ChatId, UserId};

/// Recipients written per statement.
const CHUNK: usize = 300;

/// A broadcast to send.
pub struct NewBroadcast<'a> {
    /// Where the report goes.
    pub chat: &'a ChatId,
    pub lang: &'a str,
    pub segment: &'a str,
    /// JSON `RichText` as members see it.
    pub message: &'a str,
    pub unreachable: i64,
    pub by: &'a UserId,
    pub recipients: &'a [UserId],
}

/// A broadcast still going out.
#[derive(Debug, Clone)]
pub struct Open {
    pub id: i64,
    pub chat: ChatId,
    pub lang: String,
    pub segment: String,
    pub message: String,
}

/// What became of a broadcast's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub waiting: i64,
    /// In the outbox, not yet delivered.
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
    /// Opted out before their turn came.
    pub stopped: i64,
}

/// Records a broadcast and its recipients; returns its number.
pub async fn create(
    conn: &mut AnyConnection,
    new: &NewBroadcast<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO broadcasts (chat_id, lang, segment, message, unreachable, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.chat.as_str())
    .bind(new.lang)
    .bind(new.segment)
    .bind(new.message)
    .bind(new.unreachable)
    .bind(new.by.as_str())
    .bind(now_ms)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    for chunk in new.recipients.chunks(CHUNK) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${}, 'waiting')", i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO broadcast_recipients (broadcast_id, user_id, state) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(id); // only `$N` placeholders are interpolated
        for user in chunk {
            query = query.bind(user.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(id)
}

/// Broadcasts not yet reported, oldest first.
pub async fn open(conn: &mut AnyConnection) -> sqlx::Result<Vec<Open>> {
    sqlx::query(
        "SELECT id, chat_id, lang, segment, message FROM broadcasts
         WHERE done_at IS NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Open {
            id: r.try_get("id")?,
            chat: ChatId::from_stored(r.try_get("chat_id")?),
            lang: r.try_get("lang")?,
            segment: r.try_get("segment")?,
            message: r.try_get("message")?,
        })
    })
    .collect()
}

/// Locks a broadcast's row until the transaction ends (PostgreSQL; SQLite
/// has one writer anyway), so two passes never queue the same recipients.
/// False when it was reported meanwhile.
pub async fn lock(conn: &mut AnyConnection, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE broadcasts SET id = id WHERE id = $1 AND done_at IS NULL")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How far a broadcast has got.
pub async fn tally(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Tally> {
    let rows = sqlx::query(
        "SELECT CASE WHEN r.state = 'queued' THEN o.state ELSE r.state END AS state,
                COUNT(*) AS n
         FROM broadcast_recipients r LEFT JOIN outbox o ON o.id = r.outbox_id
         WHERE r.broadcast_id = $1
         GROUP BY CASE WHEN r.state = 'queued' THEN o.state ELSE r.state END",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    let mut tally = Tally::default();
    for r in rows {
        let state: Option<String> = r.try_get("state")?;
        let n: i64 = r.try_get("n")?;
        match state.as_deref() {
            Some("waiting") => tally.waiting += n,
            Some("pending") => tally.pending += n,
            Some("sent") => tally.sent += n,
            Some("stopped") => tally.stopped += n,
            // A queued message whose outbox entry failed (or was pruned).
            _ => tally.failed += n,
        }
    }
    Ok(tally)
}

/// The next recipients whose turn it is, in id order, each with whether
/// they sent `/stop` since the broadcast began.
pub async fn next_waiting(
    conn: &mut AnyConnection,
    id: i64,
    limit: i64,
) -> sqlx::Result<Vec<(UserId, bool)>> {
    sqlx::query(
        "SELECT r.user_id, o.user_id AS stopped FROM broadcast_recipients r
         LEFT JOIN opt_outs o ON o.user_id = r.user_id
         WHERE r.broadcast_id = $1 AND r.state = 'waiting' ORDER BY r.user_id LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        let stopped: Option<String> = r.try_get("stopped")?;
        Ok((
            UserId::from_stored(r.try_get("user_id")?),
            stopped.is_some(),
        ))
    })
    .collect()
}

/// A recipient's message is in the outbox.
pub async fn mark_queued(
    conn: &mut AnyConnection,
    id: i64,
    user: &UserId,
    outbox_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE broadcast_recipients SET state = 'queued', outbox_id = $3
         WHERE broadcast_id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.as_str())
    .bind(outbox_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A recipient opted out before their turn.
pub async fn mark_stopped(conn: &mut AnyConnection, id: i64, user: &UserId) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE broadcast_recipients SET state = 'stopped'
         WHERE broadcast_id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// The broadcast is reported.
pub async fn finish(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE broadcasts SET done_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}
