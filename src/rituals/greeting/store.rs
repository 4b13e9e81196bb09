//! Newcomers waiting for their greeting.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::rules::Newcomer;
use crate::domain::{ChatId, DisplayName, UserId};
use crate::store::{
    bulk::{self, Col},
    members::MemberKey,
};

/// Queues newcomers; a second report of the same join adds nothing.
pub async fn add_many(conn: &mut AnyConnection, rows: &[(MemberKey, i64)]) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let queued = bulk::rows(
        conn,
        1,
        "q",
        &[Col::Text("g"), Col::Text("m"), Col::Int("ready_at")],
    );
    let sql = format!(
        "INSERT INTO pending_greetings (group_id, member_id, ready_at)
         SELECT g, m, ready_at FROM {queued} WHERE true
         ON CONFLICT (group_id, member_id) DO NOTHING"
    );
    let json: Vec<_> = rows
        .iter()
        .map(|((g, m), at)| (g.as_str(), m.as_str(), at))
        .collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops queued greetings of newcomers who already left.
pub async fn remove_many(conn: &mut AnyConnection, keys: &[MemberKey]) -> sqlx::Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let gone = bulk::rows(conn, 1, "k", &[Col::Text("g"), Col::Text("m")]);
    let sql = format!(
        "DELETE FROM pending_greetings WHERE (group_id, member_id) IN (SELECT g, m FROM {gone})"
    );
    let json: Vec<_> = keys.iter().map(|(g, m)| (g.as_str(), m.as_str())).collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .execute(conn)
        .await?;
    Ok(())
}

/// Active groups with a newcomer ready and their greeting pace allowing a post.
pub async fn due_groups(conn: &mut AnyConnection, now_ms: i64) -> sqlx::Result<Vec<ChatId>> {
    let rows = sqlx::query(
        "SELECT DISTINCT g.id FROM pending_greetings p JOIN groups g ON g.id = p.group_id
         WHERE p.ready_at <= $1 AND g.next_greet_at <= $1 AND g.active = 1",
    )
    .bind(now_ms)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("id").map(ChatId::from_stored))
        .collect()
}

/// Up to `limit` ready newcomers of a group, oldest first, with the inviter
/// they currently count for. Returns row ids for [`delete`].
pub async fn ready(
    conn: &mut AnyConnection,
    group: &ChatId,
    now_ms: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, Newcomer)>> {
    let rows = sqlx::query(
        "SELECT p.id, p.member_id, mu.name AS member_name, m.credited, m.first_inviter, iu.name AS inviter_name
         FROM pending_greetings p
         JOIN memberships m ON m.group_id = p.group_id AND m.user_id = p.member_id
         LEFT JOIN users mu ON mu.id = p.member_id
         LEFT JOIN users iu ON iu.id = m.first_inviter
         WHERE p.group_id = $1 AND p.ready_at <= $2
         ORDER BY p.id LIMIT $3",
    )
    .bind(group.as_str())
    .bind(now_ms)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let name = |col: &str| -> sqlx::Result<DisplayName> {
                let n: Option<String> = r.try_get(col)?;
                Ok(DisplayName::from_stored(
                    n.unwrap_or_else(|| "?".to_owned()),
                ))
            };
            let credited = crate::store::flag(r, "credited")?;
            let inviter = match r.try_get::<Option<String>, _>("first_inviter")? {
                Some(id) if credited => Some((UserId::from_stored(id), name("inviter_name")?)),
                _ => None,
            };
            let newcomer = Newcomer {
                member: UserId::from_stored(r.try_get("member_id")?),
                name: name("member_name")?,
                inviter,
            };
            Ok((r.try_get("id")?, newcomer))
        })
        .collect()
}

/// Removes greeted newcomers by row id.
pub async fn delete(conn: &mut AnyConnection, ids: &[i64]) -> sqlx::Result<()> {
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "DELETE FROM pending_greetings WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)); // only `$N` placeholders are interpolated
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
