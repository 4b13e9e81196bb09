//! Milestones per group and the awards members earned.

use std::collections::HashSet;

use sqlx::{AnyConnection, Row};

use crate::{
    domain::{ChatId, UserId},
    rituals::coupons::rules::PoolName,
};

/// A threshold of effective invites, and the pool its reward comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub group: ChatId,
    pub invites: i64,
    pub pool: Option<PoolName>,
}

/// Sets a milestone (again); true when it is new.
pub async fn set(
    conn: &mut AnyConnection,
    milestone: &Milestone,
    by: &UserId,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let existed = remove(conn, &milestone.group, milestone.invites).await?;
    sqlx::query(
        "INSERT INTO milestones (group_id, invites, pool, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(milestone.group.as_str())
    .bind(milestone.invites)
    .bind(milestone.pool.as_ref().map(PoolName::as_str))
    .bind(by.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(!existed)
}

/// Removes a milestone; false when there was none. Awards already made stay.
pub async fn remove(conn: &mut AnyConnection, group: &ChatId, invites: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM milestones WHERE group_id = $1 AND invites = $2")
        .bind(group.as_str())
        .bind(invites)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

fn milestone(r: &sqlx::any::AnyRow) -> sqlx::Result<Milestone> {
    Ok(Milestone {
        group: ChatId::from_stored(r.try_get("group_id")?),
        invites: r.try_get("invites")?,
        pool: r
            .try_get::<Option<String>, _>("pool")?
            .map(PoolName::from_stored),
    })
}

/// A group's milestones, lowest first.
pub async fn of_group(conn: &mut AnyConnection, group: &ChatId) -> sqlx::Result<Vec<Milestone>> {
    sqlx::query(
        "SELECT group_id, invites, pool FROM milestones WHERE group_id = $1 ORDER BY invites",
    )
    .bind(group.as_str())
    .fetch_all(conn)
    .await?
    .iter()
    .map(milestone)
    .collect()
}

/// Every milestone, by group and threshold.
pub async fn all(conn: &mut AnyConnection) -> sqlx::Result<Vec<Milestone>> {
    sqlx::query("SELECT group_id, invites, pool FROM milestones ORDER BY group_id, invites")
        .fetch_all(conn)
        .await?
        .iter()
        .map(milestone)
        .collect()
}

/// Who reached which of a group's milestones already.
pub async fn awarded(
    conn: &mut AnyConnection,
    group: &ChatId,
) -> sqlx::Result<HashSet<(i64, UserId)>> {
    sqlx::query("SELECT invites, user_id FROM milestone_awards WHERE group_id = $1")
        .bind(group.as_str())
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("invites")?,
                UserId::from_stored(r.try_get("user_id")?),
            ))
        })
        .collect()
}

/// Records an award; its number, or `None` when it was made already.
pub async fn award(
    conn: &mut AnyConnection,
    group: &ChatId,
    invites: i64,
    user: &UserId,
    now_ms: i64,
) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query(
        "INSERT INTO milestone_awards (group_id, invites, user_id, awarded_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, invites, user_id) DO NOTHING RETURNING id",
    )
    .bind(group.as_str())
    .bind(invites)
    .bind(user.as_str())
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// The title of a campaign under way in `group`, for its certificates.
pub async fn campaign_title(
    conn: &mut AnyConnection,
    group: &ChatId,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query(
        "SELECT c.title FROM campaigns c
         WHERE c.state IN ('running', 'paused') AND EXISTS (
             SELECT 1 FROM campaign_steps s WHERE s.campaign_id = c.id AND s.group_id = $1)
         ORDER BY c.id DESC LIMIT 1",
    )
    .bind(group.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get("title")).transpose()
}
