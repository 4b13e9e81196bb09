//! Join counts per minute and the raids they start.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{
    domain::ChatId,
    store::bulk::{self, Col},
};

/// A raid going on in a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raid {
    pub group: ChatId,
    pub started_at: i64,
    /// The last minute that had as many joins as the limit.
    pub busy_at: i64,
    pub joins: i64,
}

/// Adds each group's joins to its count for `minute` and returns the new
/// counts: one statement for a batch's groups.
pub async fn count_joins(
    conn: &mut AnyConnection,
    joins: &[(&ChatId, i64)],
    minute: i64,
) -> sqlx::Result<HashMap<ChatId, i64>> {
    if joins.is_empty() {
        return Ok(HashMap::new());
    }
    let new = bulk::rows(conn, 1, "n", &[Col::Text("g"), Col::Int("joins")]);
    let sql = format!(
        "INSERT INTO join_minutes (group_id, minute, joins) SELECT g, $2, joins FROM {new} WHERE true
         ON CONFLICT (group_id, minute) DO UPDATE SET joins = join_minutes.joins + excluded.joins
         RETURNING group_id, joins"
    );
    let json: Vec<_> = joins.iter().map(|(g, n)| (g.as_str(), n)).collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .bind(minute)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| {
            Ok((
                ChatId::from_stored(row.try_get("group_id")?),
                row.try_get("joins")?,
            ))
        })
        .collect()
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
    Ok(active_many(conn, &[group]).await?.remove(group))
}

/// The raids going on in any of `groups`, by group.
pub async fn active_many(
    conn: &mut AnyConnection,
    groups: &[&ChatId],
) -> sqlx::Result<HashMap<ChatId, Raid>> {
    if groups.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted = bulk::rows(conn, 1, "w", &[Col::Text("g")]);
    let sql = format!(
        "SELECT r.group_id, r.started_at, r.busy_at, r.joins FROM {wanted}
         JOIN raids r ON r.group_id = w.g"
    );
    let json: Vec<[&str; 1]> = groups.iter().map(|g| [g.as_str()]).collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|row| raid(row).map(|r| (r.group.clone(), r)))
        .collect()
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
