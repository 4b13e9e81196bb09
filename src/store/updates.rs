//! Platform updates already applied.

use std::collections::HashSet;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::bulk::{self, Col};

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
///
/// Replays are rare, so the keys already recorded are asked for first
/// (usually no row comes back) and the rest inserted without `RETURNING`:
/// on SQLite every returned row is a hand-off between threads. A key
/// recorded meanwhile by another connection fails the call instead of
/// being applied twice; the caller retries and sees it as a replay.
pub async fn claim_many(
    conn: &mut AnyConnection,
    keys: &[&str],
    now_ms: i64,
) -> anyhow::Result<HashSet<String>> {
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let keys_table = bulk::rows(conn, 1, "k", &[Col::Text("key")]);
    let json: Vec<[&str; 1]> = keys.iter().map(|k| [*k]).collect();
    let json = bulk::json(&json);
    let sql = format!("SELECT p.key FROM {keys_table} JOIN processed_updates p ON p.key = k.key");
    let seen: HashSet<String> = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(&json)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get("key"))
        .collect::<sqlx::Result<_>>()?;
    let fresh: HashSet<String> = keys
        .iter()
        .filter(|k| !seen.contains(**k))
        .map(|k| (*k).to_owned())
        .collect();
    if fresh.is_empty() {
        return Ok(fresh);
    }
    // `WHERE true`: SQLite's parser needs it before an upsert's ON CONFLICT.
    let sql = format!(
        "INSERT INTO processed_updates (key, at) SELECT DISTINCT key, $2 FROM {keys_table} WHERE true
         ON CONFLICT (key) DO NOTHING"
    );
    let done = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(&json)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    anyhow::ensure!(
        done.rows_affected() == fresh.len() as u64,
        "updates were recorded by another connection while this batch was applied"
    );
    Ok(fresh)
}
