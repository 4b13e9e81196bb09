//! Joins and leaves per user over the last day, to notice an account
//! sweeping an operator's groups.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::domain::{ChatId, UserId};

/// Records joins and leaves (`kind` is `join` or `leave`) and forgets those
/// older than a day.
pub async fn record_moves(
    conn: &mut AnyConnection,
    moves: &[(ChatId, UserId, &'static str)],
    now_ms: i64,
) -> sqlx::Result<()> {
    if moves.is_empty() {
        return Ok(());
    }
    for chunk in moves.chunks(super::MAX_ROWS) {
        let sql = format!(
            "INSERT INTO member_moves (group_id, user_id, kind, at) VALUES {}",
            super::tuples(chunk.len(), 4)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)); // only `$N` placeholders are interpolated
        for (group, user, kind) in chunk {
            query = query
                .bind(group.as_str())
                .bind(user.as_str())
                .bind(*kind)
                .bind(now_ms);
        }
        query.execute(&mut *conn).await?;
    }
    sqlx::query("DELETE FROM member_moves WHERE at < $1")
        .bind(now_ms - 24 * 3600 * 1000)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many of `owner`'s groups other than `group` `user` both joined and
/// left since `since_ms`.
pub async fn hops(
    conn: &mut AnyConnection,
    user: &UserId,
    owner: &UserId,
    group: &ChatId,
    since_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "SELECT COUNT(DISTINCT l.group_id) AS n FROM member_moves l
         JOIN groups g ON g.id = l.group_id
         WHERE l.user_id = $1 AND l.kind = 'leave' AND l.at >= $2
           AND g.owner = $3 AND l.group_id <> $4
           AND EXISTS (SELECT 1 FROM member_moves j WHERE j.user_id = l.user_id
                       AND j.group_id = l.group_id AND j.kind = 'join' AND j.at >= $2)",
    )
    .bind(user.as_str())
    .bind(since_ms)
    .bind(owner.as_str())
    .bind(group.as_str())
    .fetch_one(conn)
    .await?
    .try_get("n")
}
