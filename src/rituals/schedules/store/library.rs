//! An operator's reusable material: wording snippets and named group sets.

use sqlx::{AnyConnection, Row};

use crate::domain::{ChatId, UserId};

/// Saves (or replaces) a snippet.
pub async fn save_snippet(
    conn: &mut AnyConnection,
    owner: &UserId,
    name: &str,
    body: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO snippets (owner, name, body, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (owner, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(owner.as_str())
    .bind(name)
    .bind(body)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a snippet; false when there was none.
pub async fn delete_snippet(
    conn: &mut AnyConnection,
    owner: &UserId,
    name: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM snippets WHERE owner = $1 AND name = $2")
        .bind(owner.as_str())
        .bind(name)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An operator's snippets, by name.
pub async fn snippets(
    conn: &mut AnyConnection,
    owner: &UserId,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT name, body FROM snippets WHERE owner = $1 ORDER BY name")
        .bind(owner.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("body")?)))
        .collect()
}

/// Replaces a group set with `groups`.
pub async fn save_group_set(
    conn: &mut AnyConnection,
    owner: &UserId,
    name: &str,
    groups: &[ChatId],
) -> sqlx::Result<()> {
    delete_group_set(conn, owner, name).await?;
    for group in groups {
        sqlx::query(
            "INSERT INTO group_sets (owner, name, group_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(owner.as_str())
        .bind(name)
        .bind(group.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Deletes a group set; false when there was none.
pub async fn delete_group_set(
    conn: &mut AnyConnection,
    owner: &UserId,
    name: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM group_sets WHERE owner = $1 AND name = $2")
        .bind(owner.as_str())
        .bind(name)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The groups of one set.
pub async fn group_set(
    conn: &mut AnyConnection,
    owner: &UserId,
    name: &str,
) -> sqlx::Result<Vec<ChatId>> {
    let rows = sqlx::query(
        "SELECT group_id FROM group_sets WHERE owner = $1 AND name = $2 ORDER BY group_id",
    )
    .bind(owner.as_str())
    .bind(name)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok(ChatId::from_stored(r.try_get("group_id")?)))
        .collect()
}

/// Every set of an operator with its groups.
pub async fn group_sets(
    conn: &mut AnyConnection,
    owner: &UserId,
) -> sqlx::Result<Vec<(String, Vec<ChatId>)>> {
    let rows = sqlx::query(
        "SELECT name, group_id FROM group_sets WHERE owner = $1 ORDER BY name, group_id",
    )
    .bind(owner.as_str())
    .fetch_all(conn)
    .await?;
    let mut sets: Vec<(String, Vec<ChatId>)> = Vec::new();
    for r in &rows {
        let name: String = r.try_get("name")?;
        let group = ChatId::from_stored(r.try_get("group_id")?);
        match sets.last_mut() {
            Some((last, groups)) if *last == name => groups.push(group),
            _ => sets.push((name, vec![group])),
        }
    }
    Ok(sets)
}
