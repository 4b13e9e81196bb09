//! Joins and leaves per user over the last day, to notice an account
//! sweeping an operator's groups.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::domain::{ChatId, UserId};

/// Records joins and leaves (`kind` is `join` or `leave`).
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
    Ok(())
}

/// Forgets moves from before `before_ms` (the scheduler's pass keeps a day).
pub async fn forget_before(conn: &mut AnyConnection, before_ms: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM member_moves WHERE at < $1")
        .bind(before_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// For each of `users`, how many of `owner`'s groups other than `group`
/// they both joined and left since `since_ms`; users with none are left out.
/// One statement for a whole batch of newcomers.
pub async fn hops(
    conn: &mut AnyConnection,
    users: &[UserId],
    owner: &UserId,
    group: &ChatId,
    since_ms: i64,
) -> sqlx::Result<HashMap<UserId, i64>> {
    let mut out = HashMap::new();
    for chunk in users.chunks(super::MAX_ROWS) {
        let list = (0..chunk.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT l.user_id, COUNT(DISTINCT l.group_id) AS n FROM member_moves l
             JOIN groups g ON g.id = l.group_id
             WHERE l.kind = 'leave' AND l.at >= $1 AND g.owner = $2 AND l.group_id <> $3
               AND l.user_id IN ({list})
               AND EXISTS (SELECT 1 FROM member_moves j WHERE j.user_id = l.user_id
                           AND j.group_id = l.group_id AND j.kind = 'join' AND j.at >= $1)
             GROUP BY l.user_id"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)) // only `$N` placeholders are interpolated
            .bind(since_ms)
            .bind(owner.as_str())
            .bind(group.as_str());
        for user in chunk {
            query = query.bind(user.as_str());
        }
        for row in query.fetch_all(&mut *conn).await? {
            out.insert(
                UserId::from_stored(row.try_get("user_id")?),
                row.try_get("n")?,
            );
        }
    }
    Ok(out)
}
