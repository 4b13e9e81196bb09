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
