//! The review queue: newcomers screening flagged, and what admins decided.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::{
    domain::{ChatId, DisplayName, UserId},
    rituals::screening::rules::Reason,
};

/// A flagged newcomer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    pub id: i64,
    pub group: ChatId,
    pub user: UserId,
    pub name: DisplayName,
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub state: String,
}

/// Waiting for a decision.
pub const PENDING: &str = "pending";
pub const KEPT: &str = "kept";
pub const REMOVED: &str = "removed";

fn suspect(row: AnyRow) -> sqlx::Result<Suspect> {
    let reasons: String = row.try_get("reasons")?;
    Ok(Suspect {
        id: row.try_get("id")?,
        group: ChatId::from_stored(row.try_get("group_id")?),
        user: UserId::from_stored(row.try_get("user_id")?),
        name: DisplayName::from_stored(row.try_get("name")?),
        score: row.try_get("score")?,
        // Reasons a later version no longer knows are dropped, not fatal.
        reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        state: row.try_get("state")?,
    })
}

/// A newcomer as screening saw them.
#[derive(Debug, Clone, Copy)]
pub struct Screened<'a> {
    pub group: &'a ChatId,
    pub user: &'a UserId,
    pub name: &'a DisplayName,
    pub score: u32,
    pub reasons: &'a [Reason],
}

impl Screened<'_> {
    fn reasons_json(&self) -> String {
        serde_json::to_string(self.reasons).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// Queues a newcomer for review. A member already queued gets the new score
/// when it is higher (their profile was read after the name); one an admin
/// decided on keeps that decision, so a rejoin or a replayed join changes
/// nothing.
pub async fn flag(conn: &mut AnyConnection, s: &Screened<'_>, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO suspects (group_id, user_id, name, score, reasons, state, screened_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6)
         ON CONFLICT (group_id, user_id) DO UPDATE
             SET score = excluded.score, reasons = excluded.reasons
             WHERE suspects.state = 'pending' AND suspects.score < excluded.score",
    )
    .bind(s.group.as_str())
    .bind(s.user.as_str())
    .bind(s.name.as_str())
    .bind(i64::from(s.score))
    .bind(s.reasons_json())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a newcomer removed without review (automatic mode), queued or
/// not, unless an admin decided on them before; true when recorded now, so
/// the removal is carried out once.
pub async fn flag_removed(
    conn: &mut AnyConnection,
    s: &Screened<'_>,
    by: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO suspects
             (group_id, user_id, name, score, reasons, state, screened_at, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, 'removed', $6, $7, $6)
         ON CONFLICT (group_id, user_id) DO UPDATE
             SET score = excluded.score, reasons = excluded.reasons, state = 'removed',
                 decided_by = excluded.decided_by, decided_at = excluded.decided_at
             WHERE suspects.state = 'pending'",
    )
    .bind(s.group.as_str())
    .bind(s.user.as_str())
    .bind(s.name.as_str())
    .bind(i64::from(s.score))
    .bind(s.reasons_json())
    .bind(now_ms)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removals decided by `by` in `group` from `since_ms` up to (not
/// including) `until_ms`, oldest first.
pub async fn removed_by_between(
    conn: &mut AnyConnection,
    group: &ChatId,
    by: &str,
    since_ms: i64,
    until_ms: i64,
) -> sqlx::Result<Vec<Suspect>> {
    sqlx::query(
        "SELECT id, group_id, user_id, name, score, reasons, state FROM suspects
         WHERE group_id = $1 AND state = 'removed' AND decided_by = $2
           AND decided_at >= $3 AND decided_at < $4
         ORDER BY decided_at, id",
    )
    .bind(group.as_str())
    .bind(by)
    .bind(since_ms)
    .bind(until_ms)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(suspect)
    .collect()
}

/// A group's pending suspects, highest score first (then oldest).
pub async fn pending(
    conn: &mut AnyConnection,
    group: &ChatId,
    limit: i64,
) -> sqlx::Result<Vec<Suspect>> {
    sqlx::query(
        "SELECT id, group_id, user_id, name, score, reasons, state FROM suspects
         WHERE group_id = $1 AND state = 'pending' ORDER BY score DESC, id LIMIT $2",
    )
    .bind(group.as_str())
    .bind(limit)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(suspect)
    .collect()
}

/// How many wait in a group.
pub async fn pending_count(conn: &mut AnyConnection, group: &ChatId) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM suspects WHERE group_id = $1 AND state = 'pending'")
        .bind(group.as_str())
        .fetch_one(conn)
        .await?
        .try_get("n")
}

/// How many of the people `inviter` brought into `group` wait for review.
pub async fn pending_invitees(
    conn: &mut AnyConnection,
    group: &ChatId,
    inviter: &UserId,
) -> sqlx::Result<i64> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM suspects s
         JOIN memberships m ON m.group_id = s.group_id AND m.user_id = s.user_id
         WHERE s.group_id = $1 AND s.state = 'pending' AND m.first_inviter = $2",
    )
    .bind(group.as_str())
    .bind(inviter.as_str())
    .fetch_one(conn)
    .await?
    .try_get("n")
}

/// The people `inviter` brought into `group` whom an admin removed after
/// review, with when: the credits that went, oldest first.
pub async fn removed_invitees(
    conn: &mut AnyConnection,
    group: &ChatId,
    inviter: &UserId,
) -> sqlx::Result<Vec<(DisplayName, i64)>> {
    sqlx::query(
        "SELECT s.name, s.decided_at FROM suspects s
         JOIN memberships m ON m.group_id = s.group_id AND m.user_id = s.user_id
         WHERE s.group_id = $1 AND s.state = 'removed' AND m.first_inviter = $2
         ORDER BY s.decided_at, s.id",
    )
    .bind(group.as_str())
    .bind(inviter.as_str())
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| {
        Ok((
            DisplayName::from_stored(r.try_get("name")?),
            r.try_get::<Option<i64>, _>("decided_at")?.unwrap_or(0),
        ))
    })
    .collect()
}

/// A suspect by its number in a group.
pub async fn get(
    conn: &mut AnyConnection,
    group: &ChatId,
    id: i64,
) -> sqlx::Result<Option<Suspect>> {
    sqlx::query(
        "SELECT id, group_id, user_id, name, score, reasons, state FROM suspects
         WHERE group_id = $1 AND id = $2",
    )
    .bind(group.as_str())
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(suspect)
    .transpose()
}

/// Records a decision on a pending suspect; false when it was decided
/// already (so it is carried out once).
pub async fn decide(
    conn: &mut AnyConnection,
    id: i64,
    state: &str,
    by: &UserId,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE suspects SET state = $2, decided_by = $3, decided_at = $4
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(by.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
