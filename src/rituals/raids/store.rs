//! Join counts per minute and the raids they start.

use sqlx::{AnyConnection, Row};

use crate::domain::ChatId;

/// A raid going on in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raid {
    pub group: ChatId,
    pub started_at: i64,
    /// The last minute that had as many joins as the limit.
    pub busy_at: i64,
    pub joins: i64,
}

/// Adds `joins` to the group's count for `minute` and returns the new count.
pub async fn count_joins(
    conn: &mut AnyConnection,
    group: &ChatId,
    minute: i64,
    joins: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO join_minutes (group_id, minute, joins) VALUES ($1, $2, $3)
         ON CONFLICT (group_id, minute) DO UPDATE SET joins = join_minutes.joins + excluded.joins
         RETURNING joins",
    )
    .bind(group.as_str())
    .bind(minute)
    .bind(joins)
    .fetch_one(conn)
    .await?
    .try_get("joins")
}

/// Forgets join counts from before `minute` (the scheduler's pass keeps an
/// hour): the join path never pays for it.
pub async fn forget_minutes_before(conn: &mut AnyConnection, minute: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM join_minutes WHERE minute < $1")
        .bind(minute)
        .execute(conn)
        .await?;
    Ok(())
}

fn raid(row: sqlx::any::AnyRow) -> sqlx::Result<Raid> {
    Ok(Raid {
        group: ChatId::from_stored(row.try_get("group_id")?),
        started_at: row.try_get("started_at")?,
        busy_at: row.try_get("busy_at")?,
        joins: row.try_get("joins")?,
    })
}

/// The raid going on in `group`, if any.
pub async fn active(conn: &mut AnyConnection, group: &ChatId) -> sqlx::Result<Option<Raid>> {
    sqlx::query("SELECT group_id, started_at, busy_at, joins FROM raids WHERE group_id = $1")
        .bind(group.as_str())
        .fetch_optional(conn)
        .await?
        .map(raid)
        .transpose()
}

/// Every raid going on.
pub async fn all(conn: &mut AnyConnection) -> sqlx::Result<Vec<Raid>> {
    sqlx::query("SELECT group_id, started_at, busy_at, joins FROM raids ORDER BY group_id")
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(raid)
        .collect()
}

/// Starts a raid; false when one is going on already.
pub async fn start(
    conn: &mut AnyConnection,
    group: &ChatId,
    joins: i64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO raids (group_id, started_at, busy_at, joins) VALUES ($1, $2, $2, $3)
         ON CONFLICT (group_id) DO NOTHING",
    )
    .bind(group.as_str())
    .bind(now_ms)
    .bind(joins)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts `joins` more in the group's raid; `busy` keeps it going.
pub async fn record(
    conn: &mut AnyConnection,
    group: &ChatId,
    joins: i64,
    busy: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE raids SET joins = joins + $2,
             busy_at = CASE WHEN $3 = 1 THEN $4 ELSE busy_at END
         WHERE group_id = $1",
    )
    .bind(group.as_str())
    .bind(joins)
    .bind(i64::from(busy))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a raid; false when it had ended already (so it is announced once).
pub async fn end(conn: &mut AnyConnection, group: &ChatId) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM raids WHERE group_id = $1")
        .bind(group.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
