//! Updates the engine gave up on, for the operator to see.

use sqlx::{AnyConnection, Row};

use crate::domain::ChatId;

/// Characters of a cause chain kept; the rest is cut with "…".
pub const MAX_CAUSE_CHARS: usize = 2_000;

/// Characters of the update's description kept.
pub const MAX_WHAT_CHARS: usize = 200;

/// One update that failed every try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub key: String,
    pub chat: Option<ChatId>,
    pub what: String,
    pub cause: String,
    pub at_ms: i64,
}

/// Records a failure in the caller's transaction; a second record of the
/// same update changes nothing. Returns whether it was new.
pub async fn record(conn: &mut AnyConnection, failure: &Failure) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO failed_updates (key, chat_id, what, cause, failed_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
    )
    .bind(storable(&failure.key, MAX_WHAT_CHARS))
    .bind(failure.chat.as_ref().map(ChatId::as_str))
    .bind(storable(&failure.what, MAX_WHAT_CHARS))
    .bind(storable(&failure.cause, MAX_CAUSE_CHARS))
    .bind(failure.at_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Text any database keeps: at most `max` characters and no NUL, which
/// PostgreSQL refuses (the failure being recorded may well be that NUL).
fn storable(text: &str, max: usize) -> String {
    crate::domain::texts::shortened(text, max).replace('\0', "\u{FFFD}")
}

/// The latest `limit` failures, newest first.
pub async fn latest(conn: &mut AnyConnection, limit: i64) -> sqlx::Result<Vec<Failure>> {
    sqlx::query(
        "SELECT key, chat_id, what, cause, failed_at FROM failed_updates
         ORDER BY failed_at DESC, key DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Failure {
            key: row.try_get("key")?,
            chat: row
                .try_get::<Option<String>, _>("chat_id")?
                .map(ChatId::from_stored),
            what: row.try_get("what")?,
            cause: row.try_get("cause")?,
            at_ms: row.try_get("failed_at")?,
        })
    })
    .collect()
}

/// How many failures were recorded since `since_ms`.
pub async fn count_since(conn: &mut AnyConnection, since_ms: i64) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM failed_updates WHERE failed_at >= $1")
        .bind(since_ms)
        .fetch_one(conn)
        .await?
        .try_get("n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_has_no_nul_and_a_bounded_length() {
        assert_eq!(storable("a\0b", 10), "a\u{FFFD}b");
        assert_eq!(storable("abcdef", 3), "abc…");
        assert_eq!(storable("abc", 3), "abc");
    }
}
