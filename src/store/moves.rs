//! Joins and leaves per user over the last day, to notice an account
//! sweeping an operator's groups.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::bulk::{self, Col};

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
    let new = bulk::rows(
        conn,
        1,
        "n",
        &[
            Col::Text("group_id"),
            Col::Text("user_id"),
            Col::Text("kind"),
        ],
    );
    let sql = format!(
        "INSERT INTO member_moves (group_id, user_id, kind, at)
         SELECT group_id, user_id, kind, $2 FROM {new}"
    );
    let json: Vec<_> = moves
        .iter()
        .map(|(g, u, kind)| (g.as_str(), u.as_str(), kind))
        .collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .bind(now_ms)
        .execute(conn)
        .await?;
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

/// For each newcomer (group, user), how many other groups of the same
/// operator they both joined and left since `since_ms`; newcomers with none
/// are left out. One statement for a whole batch, whatever its groups.
pub async fn hops(
    conn: &mut AnyConnection,
    newcomers: &[(ChatId, UserId)],
    since_ms: i64,
) -> sqlx::Result<HashMap<(ChatId, UserId), i64>> {
    let mut out = HashMap::new();
    if newcomers.is_empty() {
        return Ok(out);
    }
    let new = bulk::rows(conn, 1, "n", &[Col::Text("g"), Col::Text("u")]);
    let sql = format!(
        "SELECT n.g, n.u, COUNT(DISTINCT l.group_id) AS hops
         FROM {new}
         JOIN groups here ON here.id = n.g
         JOIN member_moves l ON l.user_id = n.u AND l.group_id <> n.g
         JOIN groups g ON g.id = l.group_id AND g.owner = here.owner
         WHERE l.kind = 'leave' AND l.at >= $2
           AND EXISTS (SELECT 1 FROM member_moves j WHERE j.user_id = l.user_id
                       AND j.group_id = l.group_id AND j.kind = 'join' AND j.at >= $2)
         GROUP BY n.g, n.u"
    );
    let json: Vec<_> = newcomers
        .iter()
        .map(|(g, u)| (g.as_str(), u.as_str()))
        .collect();
    let found = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .bind(since_ms)
        .fetch_all(&mut *conn)
        .await?;
    for row in found {
        let key = (
            ChatId::from_stored(row.try_get("g")?),
            UserId::from_stored(row.try_get("u")?),
        );
        out.insert(key, row.try_get("hops")?);
    }
    Ok(out)
}
