//! Roles kept per group: cached platform admin status, assistants an
//! operator granted, and when a member was last told a command is not theirs.

use sqlx::{AnyConnection, Row};

use crate::domain::{ChatId, DisplayName, UserId};

/// The cached answer to "is `user` an admin of `group`?" with when it was
/// read (ms), if there is one.
pub async fn cached_admin(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
) -> sqlx::Result<Option<(bool, i64)>> {
    let row = sqlx::query(
        "SELECT is_admin, checked_at FROM admin_cache WHERE group_id = $1 AND user_id = $2",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((super::flag(&r, "is_admin")?, r.try_get("checked_at")?)))
        .transpose()
}

/// Stores what the platform said.
pub async fn cache_admin(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    is_admin: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO admin_cache (group_id, user_id, is_admin, checked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, user_id)
         DO UPDATE SET is_admin = excluded.is_admin, checked_at = excluded.checked_at",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .bind(i64::from(is_admin))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets cached answers: one member's, or (`None`) everyone's in the group.
pub async fn forget_admin(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: Option<&UserId>,
) -> sqlx::Result<()> {
    match user {
        Some(user) => {
            sqlx::query("DELETE FROM admin_cache WHERE group_id = $1 AND user_id = $2")
                .bind(group.as_str())
                .bind(user.as_str())
                .execute(conn)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM admin_cache WHERE group_id = $1")
                .bind(group.as_str())
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// Whether `user` is an assistant in `group`.
pub async fn is_assistant(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT 1 AS one FROM assistants WHERE group_id = $1 AND user_id = $2")
        .bind(group.as_str())
        .bind(user.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Grants the role; false when they had it already.
pub async fn grant_assistant(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    by: &UserId,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO assistants (group_id, user_id, granted_by, granted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, user_id) DO NOTHING",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .bind(by.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the role back; false when they did not have it.
pub async fn revoke_assistant(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM assistants WHERE group_id = $1 AND user_id = $2")
        .bind(group.as_str())
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A group's assistants with their names, oldest grant first.
pub async fn assistants(
    conn: &mut AnyConnection,
    group: &ChatId,
) -> sqlx::Result<Vec<(UserId, Option<DisplayName>)>> {
    sqlx::query(
        "SELECT a.user_id, u.name FROM assistants a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.group_id = $1 ORDER BY a.granted_at, a.user_id",
    )
    .bind(group.as_str())
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        Ok((
            UserId::from_stored(r.try_get("user_id")?),
            r.try_get::<Option<String>, _>("name")?
                .map(DisplayName::from_stored),
        ))
    })
    .collect()
}

/// Records that `user` is being told a command is not theirs, unless they
/// were told after `since_ms`; true when they should be told now.
pub async fn tell_refusal(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    since_ms: i64,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO refusals_told (group_id, user_id, told_at) VALUES ($1, $2, $3)
         ON CONFLICT (group_id, user_id) DO UPDATE SET told_at = excluded.told_at
         WHERE refusals_told.told_at <= $4",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .bind(now_ms)
    .bind(since_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
