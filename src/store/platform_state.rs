//! Small key/value state a platform adapter keeps across restarts.

use sqlx::{AnyConnection, Row};

/// The value stored under `key`.
pub async fn get(conn: &mut AnyConnection, key: &str) -> sqlx::Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM platform_state WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get("value")).transpose()
}

/// Stores `value` under `key`.
pub async fn set(conn: &mut AnyConnection, key: &str, value: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO platform_state (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every key starting with `prefix`, with its value, in key order.
pub async fn with_prefix(
    conn: &mut AnyConnection,
    prefix: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    // `LIKE` would read `_` and `%` in the prefix as wildcards: compare the
    // key's start instead.
    sqlx::query(
        "SELECT key, value FROM platform_state
         WHERE SUBSTR(key, 1, LENGTH($1)) = $1 ORDER BY key",
    )
    .bind(prefix)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
    .collect()
}

/// Forgets `key`.
pub async fn delete(conn: &mut AnyConnection, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM platform_state WHERE key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
