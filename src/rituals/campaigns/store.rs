//! Playbooks by name, the campaigns started from them, and their steps per
//! group.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::domain::{ChatId, UserId};

/// A campaign's states.
pub const RUNNING: &str = "running";
pub const PAUSED: &str = "paused";
pub const STOPPED: &str = "stopped";
pub const DONE: &str = "done";

/// A step's states.
pub const WAITING: &str = "waiting";
pub const STEP_DONE: &str = "done";
/// Missed: due while the bot was down for longer than the grace, while the
/// campaign was paused, or before it started.
pub const SKIPPED: &str = "skipped";
pub const CANCELLED: &str = "cancelled";

/// Saves a checked playbook under its name, replacing an older version.
pub async fn save_playbook(
    conn: &mut AnyConnection,
    name: &str,
    source: &str,
    by: &str,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO playbooks (name, source, loaded_by, loaded_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE
             SET source = excluded.source, loaded_by = excluded.loaded_by,
                 loaded_at = excluded.loaded_at",
    )
    .bind(name)
    .bind(source)
    .bind(by)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// A playbook's text, by name.
pub async fn playbook(conn: &mut AnyConnection, name: &str) -> sqlx::Result<Option<String>> {
    sqlx::query("SELECT source FROM playbooks WHERE name = $1")
        .bind(name)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get("source"))
        .transpose()
}

/// Every playbook's name, alphabetically.
pub async fn playbook_names(conn: &mut AnyConnection) -> sqlx::Result<Vec<String>> {
    sqlx::query("SELECT name FROM playbooks ORDER BY name")
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get("name"))
        .collect()
}

/// A campaign started from a playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub title: String,
    /// The playbook as it was when the campaign started.
    pub source: String,
    pub start_date: String,
    pub state: String,
    pub started_by: UserId,
    pub started_at: i64,
}

const COLUMNS: &str = "id, name, title, source, start_date, state, started_by, started_at";

fn campaign(row: AnyRow) -> sqlx::Result<Campaign> {
    Ok(Campaign {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        title: row.try_get("title")?,
        source: row.try_get("source")?,
        start_date: row.try_get("start_date")?,
        state: row.try_get("state")?,
        started_by: UserId::from_stored(row.try_get("started_by")?),
        started_at: row.try_get("started_at")?,
    })
}

/// A campaign to create.
pub struct NewCampaign<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub source: &'a str,
    pub start_date: &'a str,
    pub started_by: &'a UserId,
}

/// Creates a running campaign; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewCampaign<'_>,
    now_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO campaigns (name, title, source, start_date, state, started_by, started_at)
         VALUES ($1, $2, $3, $4, 'running', $5, $6) RETURNING id",
    )
    .bind(new.name)
    .bind(new.title)
    .bind(new.source)
    .bind(new.start_date)
    .bind(new.started_by.as_str())
    .bind(now_ms)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

/// The newest campaign of a playbook.
pub async fn latest(conn: &mut AnyConnection, name: &str) -> sqlx::Result<Option<Campaign>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM campaigns WHERE name = $1 ORDER BY id DESC LIMIT 1"
    )))
    .bind(name)
    .fetch_optional(conn)
    .await?
    .map(campaign)
    .transpose()
}

/// A campaign by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Campaign>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM campaigns WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .map(campaign)
    .transpose()
}

/// Campaigns running or paused, oldest first.
pub async fn under_way(conn: &mut AnyConnection) -> sqlx::Result<Vec<Campaign>> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM campaigns WHERE state IN ('running', 'paused') ORDER BY id"
    )))
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(campaign)
    .collect()
}

/// Moves a campaign from one state to another; false when it was not in
/// `from` (so a command acts once).
pub async fn set_state(
    conn: &mut AnyConnection,
    id: i64,
    from: &str,
    to: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE campaigns SET state = $3 WHERE id = $1 AND state = $2")
        .bind(id)
        .bind(from)
        .bind(to)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// One step in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub campaign: i64,
    pub step: i64,
    pub group: ChatId,
    pub due_at: i64,
    pub local: String,
    pub state: String,
}

fn step_row(row: AnyRow) -> sqlx::Result<StepRow> {
    Ok(StepRow {
        campaign: row.try_get("campaign_id")?,
        step: row.try_get("step")?,
        group: ChatId::from_stored(row.try_get("group_id")?),
        due_at: row.try_get("due_at")?,
        local: row.try_get("local")?,
        state: row.try_get("state")?,
    })
}

/// Adds a step for a group, waiting or (when already past) skipped.
pub async fn add_step(conn: &mut AnyConnection, row: &StepRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO campaign_steps (campaign_id, step, group_id, due_at, local, state)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(row.campaign)
    .bind(row.step)
    .bind(row.group.as_str())
    .bind(row.due_at)
    .bind(&row.local)
    .bind(&row.state)
    .execute(conn)
    .await?;
    Ok(())
}

/// Waiting steps of running campaigns due at `now_ms`, in running order.
pub async fn due(conn: &mut AnyConnection, now_ms: i64, limit: i64) -> sqlx::Result<Vec<StepRow>> {
    sqlx::query(
        "SELECT s.campaign_id, s.step, s.group_id, s.due_at, s.local, s.state
         FROM campaign_steps s JOIN campaigns c ON c.id = s.campaign_id
         WHERE s.state = 'waiting' AND s.due_at <= $1 AND c.state = 'running'
         ORDER BY s.due_at, s.campaign_id, s.step, s.group_id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(step_row)
    .collect()
}

/// Every step row of a campaign, in running order.
pub async fn steps_of(conn: &mut AnyConnection, campaign: i64) -> sqlx::Result<Vec<StepRow>> {
    sqlx::query(
        "SELECT campaign_id, step, group_id, due_at, local, state FROM campaign_steps
         WHERE campaign_id = $1 ORDER BY step, group_id",
    )
    .bind(campaign)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(step_row)
    .collect()
}

/// The groups a campaign runs in.
pub async fn groups_of(conn: &mut AnyConnection, campaign: i64) -> sqlx::Result<Vec<ChatId>> {
    sqlx::query(
        "SELECT DISTINCT group_id FROM campaign_steps WHERE campaign_id = $1 ORDER BY group_id",
    )
    .bind(campaign)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok(ChatId::from_stored(r.try_get("group_id")?)))
    .collect()
}

/// Marks a waiting step `state`; false when it was not waiting any more, so
/// its effects happen once.
pub async fn finish_step(
    conn: &mut AnyConnection,
    row: &StepRow,
    state: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE campaign_steps SET state = $4, done_at = $5
         WHERE campaign_id = $1 AND step = $2 AND group_id = $3 AND state = 'waiting'",
    )
    .bind(row.campaign)
    .bind(row.step)
    .bind(row.group.as_str())
    .bind(state)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a campaign's waiting steps due before `before_ms` as `state`;
/// returns how many.
pub async fn close_waiting(
    conn: &mut AnyConnection,
    campaign: i64,
    before_ms: i64,
    state: &str,
    now_ms: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE campaign_steps SET state = $3, done_at = $4
         WHERE campaign_id = $1 AND state = 'waiting' AND due_at < $2",
    )
    .bind(campaign)
    .bind(before_ms)
    .bind(state)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Marks a running campaign done once none of its steps waits.
pub async fn finish_if_done(conn: &mut AnyConnection, campaign: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE campaigns SET state = 'done' WHERE id = $1 AND state = 'running'
           AND NOT EXISTS (SELECT 1 FROM campaign_steps
                           WHERE campaign_id = $1 AND state = 'waiting')",
    )
    .bind(campaign)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a campaign's groups did since it started: newcomers, effective
/// invites among them, and draws run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    pub newcomers: i64,
    pub invited: i64,
    pub draws: i64,
}

pub async fn figures(
    conn: &mut AnyConnection,
    groups: &[ChatId],
    since_ms: i64,
) -> sqlx::Result<Figures> {
    let mut total = Figures::default();
    for group in groups {
        let row = sqlx::query(
            "SELECT COUNT(*) AS joined, COUNT(CASE WHEN credited = 1 THEN 1 END) AS invited
             FROM memberships
             WHERE group_id = $1 AND first_joined_at >= $2 AND is_bot = 0",
        )
        .bind(group.as_str())
        .bind(since_ms)
        .fetch_one(&mut *conn)
        .await?;
        total.newcomers += row.try_get::<i64, _>("joined")?;
        total.invited += row.try_get::<i64, _>("invited")?;
        total.draws +=
            sqlx::query("SELECT COUNT(*) AS n FROM draws WHERE group_id = $1 AND created_at >= $2")
                .bind(group.as_str())
                .bind(since_ms)
                .fetch_one(&mut *conn)
                .await?
                .try_get::<i64, _>("n")?;
    }
    Ok(total)
}
