//! Platform updates already applied.

use std::collections::HashSet;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// Records `key`; false when it was already recorded (a replay).
pub async fn claim(conn: &mut AnyConnection, key: &str, now_ms: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO processed_updates (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Forgets keys recorded before `before_ms`: platforms re-deliver an update
/// for a day at most, so older keys only grow the table.
pub async fn prune(conn: &mut AnyConnection, before_ms: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM processed_updates WHERE at < $1")
        .bind(before_ms)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Whether `key` was already applied.
pub async fn is_processed(conn: &mut AnyConnection, key: &str) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT 1 AS one FROM processed_updates WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// Records many keys at once; returns those that were new (not replays).
pub async fn claim_many(
    conn: &mut AnyConnection,
    keys: &[&str],
    now_ms: i64,
) -> sqlx::Result<HashSet<String>> {
    let mut fresh = HashSet::new();
    for chunk in keys.chunks(super::MAX_ROWS) {
        let sql = format!(
            "INSERT INTO processed_updates (key, at) VALUES {} ON CONFLICT (key) DO NOTHING RETURNING key",
            super::tuples(chunk.len(), 2)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)); // only `$N` placeholders are interpolated
        for key in chunk {
            query = query.bind(*key).bind(now_ms);
        }
        for row in query.fetch_all(&mut *conn).await? {
            fresh.insert(row.try_get("key")?);
        }
    }
    Ok(fresh)
}
