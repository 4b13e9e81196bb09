//! Personal invite links and join intents.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::{
    bulk::{self, Col},
    members::MemberKey,
};

use crate::domain::{ChatId, UserId};

/// The member's existing link in a group.
pub async fn of_member(
    conn: &mut AnyConnection,
    group: &ChatId,
    owner: &UserId,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT url FROM invite_links WHERE group_id = $1 AND owner = $2")
        .bind(group.as_str())
        .bind(owner.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get("url")).transpose()
}

/// Owners of the given personal links, by URL, with the group each belongs to.
pub async fn owners_of(
    conn: &mut AnyConnection,
    urls: &[&str],
) -> sqlx::Result<HashMap<String, (ChatId, UserId)>> {
    let mut out = HashMap::new();
    if urls.is_empty() {
        return Ok(out);
    }
    let wanted = bulk::rows(conn, 1, "w", &[Col::Text("url")]);
    let sql = format!(
        "SELECT l.url, l.group_id, l.owner FROM {wanted} JOIN invite_links l ON l.url = w.url"
    );
    let rows: Vec<[&str; 1]> = urls.iter().map(|u| [*u]).collect();
    let found = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&rows))
        .fetch_all(&mut *conn)
        .await?;
    for r in found {
        let group = ChatId::from_stored(r.try_get("group_id")?);
        out.insert(
            r.try_get("url")?,
            (group, UserId::from_stored(r.try_get("owner")?)),
        );
    }
    Ok(out)
}

/// Saves a freshly created link; a concurrent twin keeps the first one.
pub async fn save(
    conn: &mut AnyConnection,
    group: &ChatId,
    owner: &UserId,
    url: &str,
    name: &str,
    join_request: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invite_links (url, group_id, owner, name, join_request, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(url)
    .bind(group.as_str())
    .bind(owner.as_str())
    .bind(name)
    .bind(i64::from(join_request))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Remembers who join requests came through (one row per key).
pub async fn record_intents(
    conn: &mut AnyConnection,
    intents: &[(MemberKey, UserId)],
    now_ms: i64,
) -> sqlx::Result<()> {
    if intents.is_empty() {
        return Ok(());
    }
    let new = bulk::rows(
        conn,
        1,
        "n",
        &[
            Col::Text("group_id"),
            Col::Text("user_id"),
            Col::Text("inviter"),
        ],
    );
    let sql = format!(
        "INSERT INTO join_intents (group_id, user_id, inviter, at)
         SELECT group_id, user_id, inviter, $2 FROM {new} WHERE true
         ON CONFLICT (group_id, user_id) DO UPDATE SET inviter = excluded.inviter, at = excluded.at"
    );
    let rows: Vec<_> = intents
        .iter()
        .map(|((g, u), by)| (g.as_str(), u.as_str(), by.as_str()))
        .collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&rows))
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets intents written before `before`: invites and join requests
/// nobody took up must not grow the table forever.
pub async fn prune_intents(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM join_intents WHERE at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Takes (reads and forgets) the inviters join requests named for these members.
pub async fn take_intents(
    conn: &mut AnyConnection,
    keys: &[MemberKey],
) -> sqlx::Result<HashMap<MemberKey, UserId>> {
    let mut out = HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let wanted = bulk::rows(conn, 1, "k", &[Col::Text("g"), Col::Text("u")]);
    let sql = format!(
        "DELETE FROM join_intents WHERE (group_id, user_id) IN (SELECT g, u FROM {wanted})
         RETURNING group_id, user_id, inviter"
    );
    let rows: Vec<_> = keys.iter().map(|(g, u)| (g.as_str(), u.as_str())).collect();
    let taken = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&rows))
        .fetch_all(&mut *conn)
        .await?;
    for r in taken {
        let key = (
            ChatId::from_stored(r.try_get("group_id")?),
            UserId::from_stored(r.try_get("user_id")?),
        );
        out.insert(key, UserId::from_stored(r.try_get("inviter")?));
    }
    Ok(out)
}
