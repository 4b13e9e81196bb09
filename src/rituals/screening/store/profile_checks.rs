//! Newcomers whose profile is still to be read, with what their name scored.

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{
    domain::{ChatId, DisplayName, UserId},
    rituals::screening::rules::Reason,
    store::bulk::{self, Col},
};

/// A profile to read, and what the join's screening found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub group: ChatId,
    pub user: UserId,
    pub name: DisplayName,
    pub reasons: Vec<Reason>,
    pub tries: i64,
}

/// Queues newcomers' profiles (group, user, name, what screening found);
/// a replayed join queues nothing new.
pub async fn queue_many(
    conn: &mut AnyConnection,
    checks: &[(&ChatId, &UserId, &DisplayName, &[Reason])],
    now_ms: i64,
) -> sqlx::Result<()> {
    if checks.is_empty() {
        return Ok(());
    }
    let new = bulk::rows(
        conn,
        1,
        "n",
        &[
            Col::Text("group_id"),
            Col::Text("user_id"),
            Col::Text("name"),
            Col::Text("reasons"),
        ],
    );
    let sql = format!(
        "INSERT INTO profile_checks (group_id, user_id, name, reasons, due_at)
         SELECT group_id, user_id, name, reasons, $2 FROM {new} WHERE true
         ON CONFLICT (group_id, user_id) DO NOTHING"
    );
    let json: Vec<_> = checks
        .iter()
        .map(|(group, user, name, reasons)| {
            (
                group.as_str(),
                user.as_str(),
                name.as_str(),
                serde_json::to_string(reasons).unwrap_or_else(|_| "[]".to_owned()),
            )
        })
        .collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// Up to `limit` checks due at `now_ms`, oldest first.
pub async fn due(conn: &mut AnyConnection, now_ms: i64, limit: i64) -> sqlx::Result<Vec<Check>> {
    sqlx::query(
        "SELECT group_id, user_id, name, reasons, tries FROM profile_checks
         WHERE due_at <= $1 ORDER BY due_at, group_id, user_id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|row| {
        let reasons: String = row.try_get("reasons")?;
        Ok(Check {
            group: ChatId::from_stored(row.try_get("group_id")?),
            user: UserId::from_stored(row.try_get("user_id")?),
            name: DisplayName::from_stored(row.try_get("name")?),
            reasons: serde_json::from_str(&reasons).unwrap_or_default(),
            tries: row.try_get("tries")?,
        })
    })
    .collect()
}

/// Takes a check off the queue; false when another pass already did, so
/// its outcome is acted on once.
pub async fn finish(conn: &mut AnyConnection, group: &ChatId, user: &UserId) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM profile_checks WHERE group_id = $1 AND user_id = $2")
        .bind(group.as_str())
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a check that failed back, to be tried again at `due_ms`.
pub async fn retry_at(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    due_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE profile_checks SET tries = tries + 1, due_at = $3
         WHERE group_id = $1 AND user_id = $2",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .bind(due_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many profiles wait to be read.
pub async fn waiting(conn: &mut AnyConnection) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM profile_checks")
        .fetch_one(conn)
        .await?
        .try_get("n")
}
