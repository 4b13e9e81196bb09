//! Scheduled posts, the runs they posted, and members' confirmations.

pub mod library;

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::{
    domain::{ChatId, UserId},
    rituals::schedules::command::PostKind,
};

/// A stored schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub id: i64,
    pub group: ChatId,
    pub kind: PostKind,
    /// `Timing::source()`: a cron line or `once <local time>`.
    pub timing: String,
    pub body: String,
    pub pin: bool,
    pub confirm: Option<String>,
    pub paused: bool,
    /// Local time and instant of the next run; `None` once a one-off ran.
    pub next: Option<(String, i64)>,
}

/// A schedule to create.
#[derive(Debug, Clone)]
pub struct NewSchedule<'a> {
    pub group: &'a ChatId,
    pub kind: PostKind,
    pub timing: &'a str,
    pub body: &'a str,
    pub pin: bool,
    pub confirm: Option<&'a str>,
    pub next: (&'a str, i64),
    pub created_by: &'a UserId,
}

const COLUMNS: &str = "id, group_id, kind, timing, body, pin, confirm, paused, next_local, next_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Schedule> {
    let kind: String = row.try_get("kind")?;
    let next_local: Option<String> = row.try_get("next_local")?;
    let next_at: Option<i64> = row.try_get("next_at")?;
    Ok(Schedule {
        id: row.try_get("id")?,
        group: ChatId::from_stored(row.try_get("group_id")?),
        kind: PostKind::parse(&kind).unwrap_or(PostKind::Notice),
        timing: row.try_get("timing")?,
        body: row.try_get("body")?,
        pin: crate::store::flag(row, "pin")?,
        confirm: row.try_get("confirm")?,
        paused: crate::store::flag(row, "paused")?,
        next: next_local.zip(next_at),
    })
}

/// Creates a schedule; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewSchedule<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO schedules (group_id, kind, timing, body, pin, confirm, paused, next_local,
                                next_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.group.as_str())
    .bind(new.kind.as_str())
    .bind(new.timing)
    .bind(new.body)
    .bind(i64::from(new.pin))
    .bind(new.confirm)
    .bind(new.next.0)
    .bind(new.next.1)
    .bind(new.created_by.as_str())
    .bind(now_ms)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Schedule>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedules WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// A group's schedules, next to run first, finished ones last.
pub async fn of_group(conn: &mut AnyConnection, group: &ChatId) -> sqlx::Result<Vec<Schedule>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedules WHERE group_id = $1
         ORDER BY next_at IS NULL, next_at, id"
    )))
    .bind(group.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Unpaused schedules whose next run is at or before `now_ms`, oldest first.
pub async fn due(conn: &mut AnyConnection, now_ms: i64, limit: i64) -> sqlx::Result<Vec<Schedule>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM schedules
         WHERE paused = 0 AND next_at IS NOT NULL AND next_at <= $1
         ORDER BY next_at, id LIMIT $2"
    )))
    .bind(now_ms)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The earliest next run of any unpaused schedule.
pub async fn next_due_at(conn: &mut AnyConnection) -> sqlx::Result<Option<i64>> {
    sqlx::query("SELECT MIN(next_at) AS at FROM schedules WHERE paused = 0")
        .fetch_one(conn)
        .await?
        .try_get("at")
}

/// Moves a schedule to its next run, or marks it done with `None`.
pub async fn advance(
    conn: &mut AnyConnection,
    id: i64,
    next: Option<(&str, i64)>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE schedules SET next_local = $2, next_at = $3 WHERE id = $1")
        .bind(id)
        .bind(next.map(|n| n.0))
        .bind(next.map(|n| n.1))
        .execute(conn)
        .await?;
    Ok(())
}

/// A schedule's new timing and the next run it gives.
pub async fn set_timing(
    conn: &mut AnyConnection,
    id: i64,
    timing: &str,
    next: (&str, i64),
) -> sqlx::Result<()> {
    sqlx::query("UPDATE schedules SET timing = $2, next_local = $3, next_at = $4 WHERE id = $1")
        .bind(id)
        .bind(timing)
        .bind(next.0)
        .bind(next.1)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_body(conn: &mut AnyConnection, id: i64, body: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE schedules SET body = $2 WHERE id = $1")
        .bind(id)
        .bind(body)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_paused(conn: &mut AnyConnection, id: i64, paused: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE schedules SET paused = $2 WHERE id = $1")
        .bind(id)
        .bind(i64::from(paused))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM schedules WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records that a run is posted; `None` when that run was posted before.
pub async fn insert_post(
    conn: &mut AnyConnection,
    schedule: &Schedule,
    run_local: &str,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO posts (schedule_id, group_id, run_local, queued_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (schedule_id, run_local) DO NOTHING RETURNING id",
    )
    .bind(schedule.id)
    .bind(schedule.group.as_str())
    .bind(run_local)
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Notes the platform's id of a delivered post.
pub async fn set_message_id(
    conn: &mut AnyConnection,
    post: i64,
    message: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE posts SET message_id = $2 WHERE id = $1")
        .bind(post)
        .bind(message)
        .execute(conn)
        .await?;
    Ok(())
}

/// The platform message of the post before `post` in the same series.
pub async fn previous_message(conn: &mut AnyConnection, post: i64) -> sqlx::Result<Option<String>> {
    let row = sqlx::query(
        "SELECT p.message_id FROM posts p
         WHERE p.schedule_id = (SELECT schedule_id FROM posts WHERE id = $1)
           AND p.id < $1 AND p.message_id IS NOT NULL
         ORDER BY p.id DESC LIMIT 1",
    )
    .bind(post)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.try_get("message_id")).transpose()?.flatten())
}

/// The latest post of a schedule: its id and, once delivered, its message.
pub async fn latest_post(
    conn: &mut AnyConnection,
    schedule: i64,
) -> sqlx::Result<Option<(i64, Option<String>)>> {
    let row = sqlx::query(
        "SELECT id, message_id FROM posts WHERE schedule_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(schedule)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("message_id")?)))
        .transpose()
}

/// A notice whose confirmations are being counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConfirm {
    pub schedule: i64,
    pub group: ChatId,
    pub post: i64,
    pub phrase: String,
    pub message_id: Option<String>,
}

/// The latest post of every schedule that asks for confirmation.
pub async fn open_confirms(conn: &mut AnyConnection) -> sqlx::Result<Vec<OpenConfirm>> {
    let rows = sqlx::query(
        "SELECT s.id AS schedule_id, s.group_id, s.confirm, p.id, p.message_id FROM schedules s
         JOIN posts p ON p.id = (SELECT MAX(id) FROM posts WHERE schedule_id = s.id)
         WHERE s.confirm IS NOT NULL",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OpenConfirm {
                schedule: r.try_get("schedule_id")?,
                group: ChatId::from_stored(r.try_get("group_id")?),
                phrase: r.try_get("confirm")?,
                post: r.try_get("id")?,
                message_id: r.try_get("message_id")?,
            })
        })
        .collect()
}

/// Records confirmations; a member who confirmed before is not counted again.
pub async fn add_acks(
    conn: &mut AnyConnection,
    acks: &[(i64, UserId)],
    now_ms: i64,
) -> sqlx::Result<()> {
    for chunk in acks.chunks(crate::store::MAX_ROWS) {
        let sql = format!(
            "INSERT INTO acks (post_id, user_id, at) VALUES {} ON CONFLICT DO NOTHING",
            crate::store::tuples(chunk.len(), 3)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (post, user) in chunk {
            query = query.bind(*post).bind(user.as_str()).bind(now_ms);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Who confirmed a post, first first, with their last known names.
pub async fn acks_of(conn: &mut AnyConnection, post: i64) -> sqlx::Result<Vec<(UserId, String)>> {
    let rows = sqlx::query(
        "SELECT a.user_id, COALESCE(u.name, '?') AS name FROM acks a
         LEFT JOIN users u ON u.id = a.user_id
         WHERE a.post_id = $1 ORDER BY a.at, a.user_id",
    )
    .bind(post)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                UserId::from_stored(r.try_get("user_id")?),
                r.try_get("name")?,
            ))
        })
        .collect()
}
