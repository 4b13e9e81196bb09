//! Screening rules per group and per operator, and when each group's
//! automatic-removal report last went out.

pub mod profile_checks;
pub mod suspects;

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

pub use crate::rituals::screening::rules::RulesSource as Source;
use crate::{
    domain::{ChatId, UserId},
    rituals::screening::rules::Rules,
    store::bulk::{self, Col},
};

/// The rules stored under `scope` (a group id or an operator's user id).
/// A row a later version cannot read counts as none.
pub async fn get(conn: &mut AnyConnection, scope: &str) -> sqlx::Result<Option<Rules>> {
    let row = sqlx::query("SELECT rules FROM screening_rules WHERE scope = $1")
        .bind(scope)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(stored(scope, &row.try_get::<String, _>("rules")?))
}

/// Stored rules read back; rules a later version no longer reads are
/// logged and left out (the group falls back), never fatal.
fn stored(scope: &str, text: &str) -> Option<Rules> {
    Rules::from_toml(text)
        .inspect_err(|e| tracing::warn!(scope, error = %e, "stored screening rules unreadable"))
        .ok()
}

/// Stores rules under `scope`.
pub async fn set(
    conn: &mut AnyConnection,
    scope: &str,
    rules: &Rules,
    by: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO screening_rules (scope, rules, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scope) DO UPDATE SET rules = excluded.rules,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(scope)
    .bind(rules.to_toml())
    .bind(by)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops the rules under `scope`; false when there were none.
pub async fn clear(conn: &mut AnyConnection, scope: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM screening_rules WHERE scope = $1")
        .bind(scope)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The rules `group` screens with: its own, else its operator's, else the
/// defaults.
pub async fn effective(
    conn: &mut AnyConnection,
    group: &ChatId,
    owner: &UserId,
) -> sqlx::Result<(Rules, Source)> {
    let mut all = effective_many(conn, &[(group.clone(), owner.clone())]).await?;
    Ok(all
        .remove(group)
        .unwrap_or((Rules::default(), Source::Defaults)))
}

/// [`effective`] for several (group, owner) pairs in one statement: this
/// runs for every batch of joins.
pub async fn effective_many(
    conn: &mut AnyConnection,
    groups: &[(ChatId, UserId)],
) -> sqlx::Result<HashMap<ChatId, (Rules, Source)>> {
    let mut stored_rules = HashMap::new();
    if !groups.is_empty() {
        let scopes = bulk::rows(conn, 1, "w", &[Col::Text("scope")]);
        let sql = format!(
            "SELECT r.scope, r.rules FROM screening_rules r WHERE r.scope IN (SELECT scope FROM {scopes})"
        );
        let json: Vec<[&str; 1]> = groups
            .iter()
            .flat_map(|(g, owner)| [[g.as_str()], [owner.as_str()]])
            .collect();
        for row in sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
            .bind(bulk::json(&json))
            .fetch_all(&mut *conn)
            .await?
        {
            let scope: String = row.try_get("scope")?;
            if let Some(rules) = stored(&scope, &row.try_get::<String, _>("rules")?) {
                stored_rules.insert(scope, rules);
            }
        }
    }
    Ok(groups
        .iter()
        .map(|(group, owner)| {
            let found = match (
                stored_rules.get(group.as_str()),
                stored_rules.get(owner.as_str()),
            ) {
                (Some(rules), _) => (rules.clone(), Source::Group),
                (None, Some(rules)) => (rules.clone(), Source::Operator),
                (None, None) => (Rules::default(), Source::Defaults),
            };
            (group.clone(), found)
        })
        .collect())
}

/// Starts a group's report day at its first automatic removal; a day
/// already running is left as it is.
pub async fn start_report_day(
    conn: &mut AnyConnection,
    group: &ChatId,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO auto_reports (group_id, sent_at) VALUES ($1, $2)
         ON CONFLICT (group_id) DO NOTHING",
    )
    .bind(group.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Groups whose report day began at or before `before_ms`, with when: only
/// groups where automatic mode removed someone have one, so a scheduler
/// tick reads a handful of rows, not every group.
pub async fn reports_due(
    conn: &mut AnyConnection,
    before_ms: i64,
) -> sqlx::Result<Vec<(ChatId, i64)>> {
    sqlx::query("SELECT group_id, sent_at FROM auto_reports WHERE sent_at <= $1 ORDER BY group_id")
        .bind(before_ms)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok((
                ChatId::from_stored(r.try_get("group_id")?),
                r.try_get("sent_at")?,
            ))
        })
        .collect()
}

/// Records a report sent at `now_ms`: the next day starts.
pub async fn reported(conn: &mut AnyConnection, group: &ChatId, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO auto_reports (group_id, sent_at) VALUES ($1, $2)
         ON CONFLICT (group_id) DO UPDATE SET sent_at = excluded.sent_at",
    )
    .bind(group.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}
