//! The audit log: every admin action with who did it and when.

use sqlx::{AnyConnection, Row};

use crate::domain::ChatId;

/// Characters of a command kept in the log; the rest is cut with "…".
pub const MAX_DETAIL_CHARS: usize = 300;

/// The actor recorded for the command line.
pub const CLI_ACTOR: &str = "cli";

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub group: Option<ChatId>,
    /// A user id, or `cli` for the command line.
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub at_ms: i64,
}

/// Records an action in the caller's transaction, so it is logged exactly
/// when it happens.
pub async fn record(
    conn: &mut AnyConnection,
    group: Option<&ChatId>,
    actor: &str,
    action: &str,
    detail: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    let detail = crate::domain::texts::shortened(detail, MAX_DETAIL_CHARS);
    sqlx::query(
        "INSERT INTO audit_log (group_id, actor, action, detail, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(group.map(ChatId::as_str))
    .bind(actor)
    .bind(action)
    .bind(detail)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

fn entry(row: sqlx::any::AnyRow) -> sqlx::Result<Entry> {
    Ok(Entry {
        id: row.try_get("id")?,
        group: row
            .try_get::<Option<String>, _>("group_id")?
            .map(ChatId::from_stored),
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        detail: row.try_get("detail")?,
        at_ms: row.try_get("at")?,
    })
}

/// A group's latest `limit` actions, newest first.
pub async fn latest(
    conn: &mut AnyConnection,
    group: &ChatId,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query(
        "SELECT id, group_id, actor, action, detail, at FROM audit_log
         WHERE group_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(group.as_str())
    .bind(limit)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(entry)
    .collect()
}

/// Every action, oldest first, for export.
pub async fn all(conn: &mut AnyConnection) -> sqlx::Result<Vec<Entry>> {
    sqlx::query("SELECT id, group_id, actor, action, detail, at FROM audit_log ORDER BY id")
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(entry)
        .collect()
}
