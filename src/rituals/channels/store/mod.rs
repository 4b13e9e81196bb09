//! Channel links, live codes, the links live codes hand out, and which
//! channel brought each member.

pub mod funnel;

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row, any::AnyRow};

use crate::{
    domain::{ChatId, UserId},
    store::{
        bulk::{self, Col},
        members::MemberKey,
    },
};

/// A named entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub owner: UserId,
    /// A channel link: its group and invite link.
    pub link: Option<(ChatId, String)>,
    /// A live code: its group set and members per group.
    pub live: Option<(String, i64)>,
}

const COLUMNS: &str = "id, name, owner, group_id, url, live_set, cap";

fn channel(row: AnyRow) -> sqlx::Result<Channel> {
    let group: Option<String> = row.try_get("group_id")?;
    let url: Option<String> = row.try_get("url")?;
    let set: Option<String> = row.try_get("live_set")?;
    let cap: Option<i64> = row.try_get("cap")?;
    Ok(Channel {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        owner: UserId::from_stored(row.try_get("owner")?),
        link: group.map(ChatId::from_stored).zip(url),
        live: set.zip(cap),
    })
}

/// A channel by name.
pub async fn by_name(conn: &mut AnyConnection, name: &str) -> sqlx::Result<Option<Channel>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channels WHERE name = $1"
    )))
    .bind(name)
    .fetch_optional(conn)
    .await?
    .map(channel)
    .transpose()
}

/// Every channel, by name.
pub async fn all(conn: &mut AnyConnection) -> sqlx::Result<Vec<Channel>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM channels ORDER BY name"
    )))
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(channel)
    .collect()
}

/// Saves a channel link; false when the name is taken.
pub async fn add_link(
    conn: &mut AnyConnection,
    name: &str,
    owner: &UserId,
    group: &ChatId,
    url: &str,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO channels (name, owner, group_id, url, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(name)
    .bind(owner.as_str())
    .bind(group.as_str())
    .bind(url)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Saves a live code, or changes the set and cap of the owner's code of
/// that name; false when another operator has the name.
pub async fn set_live(
    conn: &mut AnyConnection,
    name: &str,
    owner: &UserId,
    set: &str,
    cap: u32,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO channels (name, owner, live_set, cap, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET live_set = excluded.live_set, cap = excluded.cap,
             full_told_at = NULL
         WHERE channels.owner = excluded.owner AND channels.live_set IS NOT NULL",
    )
    .bind(name)
    .bind(owner.as_str())
    .bind(set)
    .bind(i64::from(cap))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Holds the live code's row until the transaction ends, so visitors are
/// placed one at a time.
pub async fn lock(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE channels SET cap = cap WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks that the operator is told all groups are full, unless they were
/// told since `since_ms`; true when they are to be told now.
pub async fn tell_full(
    conn: &mut AnyConnection,
    id: i64,
    now_ms: i64,
    since_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE channels SET full_told_at = $2
         WHERE id = $1 AND (full_told_at IS NULL OR full_told_at < $3)",
    )
    .bind(id)
    .bind(now_ms)
    .bind(since_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The link a live code handed a visitor: its group and URL (`None` while
/// it is being made).
pub async fn handed(
    conn: &mut AnyConnection,
    channel: i64,
    visitor: &UserId,
) -> sqlx::Result<Option<(ChatId, Option<String>, Option<i64>)>> {
    sqlx::query(
        "SELECT group_id, url, used_at FROM live_links WHERE channel_id = $1 AND visitor = $2",
    )
    .bind(channel)
    .bind(visitor.as_str())
    .fetch_optional(conn)
    .await?
    .map(|r| {
        Ok((
            ChatId::from_stored(r.try_get("group_id")?),
            r.try_get("url")?,
            r.try_get("used_at")?,
        ))
    })
    .transpose()
}

/// Places held in `group` by links handed out since `since_ms` and not
/// used yet.
pub async fn held_places(
    conn: &mut AnyConnection,
    group: &ChatId,
    since_ms: i64,
) -> sqlx::Result<i64> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM live_links
         WHERE group_id = $1 AND used_at IS NULL AND handed_at >= $2",
    )
    .bind(group.as_str())
    .bind(since_ms)
    .fetch_one(conn)
    .await?
    .try_get("n")
}

/// Holds a place in `group` for a visitor (replacing an expired hold).
pub async fn hold_place(
    conn: &mut AnyConnection,
    channel: i64,
    visitor: &UserId,
    group: &ChatId,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO live_links (channel_id, visitor, group_id, handed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (channel_id, visitor) DO UPDATE
             SET group_id = excluded.group_id, url = NULL, handed_at = excluded.handed_at",
    )
    .bind(channel)
    .bind(visitor.as_str())
    .bind(group.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the link made for a held place.
pub async fn set_link(
    conn: &mut AnyConnection,
    channel: i64,
    visitor: &UserId,
    url: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE live_links SET url = $3 WHERE channel_id = $1 AND visitor = $2")
        .bind(channel)
        .bind(visitor.as_str())
        .bind(url)
        .execute(conn)
        .await?;
    Ok(())
}

/// Gives up a held place whose link could not be made.
pub async fn release(conn: &mut AnyConnection, channel: i64, visitor: &UserId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM live_links WHERE channel_id = $1 AND visitor = $2")
        .bind(channel)
        .bind(visitor.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// The channels the given invite links belong to (channel links and links
/// live codes handed out), by URL: one statement, as this runs in every
/// batch of joins that used links.
pub async fn of_urls(
    conn: &mut AnyConnection,
    urls: &[&str],
) -> sqlx::Result<HashMap<String, i64>> {
    if urls.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted = bulk::rows(conn, 1, "w", &[Col::Text("url")]);
    let sql = format!(
        "SELECT c.url, c.id FROM {wanted} JOIN channels c ON c.url = w.url
         UNION ALL SELECT l.url, l.channel_id AS id FROM {wanted} JOIN live_links l ON l.url = w.url"
    );
    let json: Vec<[&str; 1]> = urls.iter().map(|u| [*u]).collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("url")?, row.try_get("id")?)))
        .collect()
}

/// Records the channel each member came through (the first one counts)
/// and marks the live codes' links used: two statements for a batch.
pub async fn record_joins(
    conn: &mut AnyConnection,
    joins: &[(MemberKey, i64, String)],
    now_ms: i64,
) -> sqlx::Result<()> {
    if joins.is_empty() {
        return Ok(());
    }
    let new = bulk::rows(
        conn,
        1,
        "n",
        &[
            Col::Text("g"),
            Col::Text("u"),
            Col::Int("channel"),
            Col::Text("url"),
        ],
    );
    let json: Vec<_> = joins
        .iter()
        .map(|((g, u), channel, url)| (g.as_str(), u.as_str(), channel, url))
        .collect();
    let json = bulk::json(&json);
    let sql = format!(
        "INSERT INTO member_channels (group_id, user_id, channel_id)
         SELECT g, u, channel FROM {new} WHERE true ON CONFLICT DO NOTHING"
    );
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(&json)
        .execute(&mut *conn)
        .await?;
    let sql = format!(
        "UPDATE live_links SET used_at = $2
         WHERE used_at IS NULL AND url IN (SELECT url FROM {new})"
    );
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(&json)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(())
}

/// What one channel (or kind of entry) brought into some groups.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Brought {
    /// A channel's name; `None` for member invites and for the rest.
    pub channel: Option<String>,
    pub invited: bool,
    pub joined: i64,
    /// Still in the group, seven days or more after joining.
    pub stayed: i64,
    /// Joined seven days ago or more: those `stayed` is out of.
    pub settled: i64,
    pub removed: i64,
}

/// Joins into `groups` by channel, then by member invites, then the rest;
/// `settled_before_ms` is the first join instant too recent to count
/// towards staying.
pub async fn brought(
    conn: &mut AnyConnection,
    groups: &[ChatId],
    settled_before_ms: i64,
) -> sqlx::Result<Vec<Brought>> {
    let mut out: Vec<Brought> = Vec::new();
    for group in groups {
        let rows = sqlx::query(
            "SELECT c.name AS channel,
                    CAST(CASE WHEN m.first_inviter IS NULL THEN 0 ELSE 1 END AS BIGINT) AS invited,
                    COUNT(*) AS joined,
                    COUNT(CASE WHEN m.first_joined_at < $2 THEN 1 END) AS settled,
                    COUNT(CASE WHEN m.first_joined_at < $2 AND m.present = 1 THEN 1 END) AS stayed,
                    COUNT(CASE WHEN s.state = 'removed' THEN 1 END) AS removed
             FROM memberships m
             LEFT JOIN member_channels mc ON mc.group_id = m.group_id AND mc.user_id = m.user_id
             LEFT JOIN channels c ON c.id = mc.channel_id
             LEFT JOIN suspects s ON s.group_id = m.group_id AND s.user_id = m.user_id
             WHERE m.group_id = $1 AND m.is_bot = 0
             GROUP BY c.name, CASE WHEN m.first_inviter IS NULL THEN 0 ELSE 1 END",
        )
        .bind(group.as_str())
        .bind(settled_before_ms)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let channel: Option<String> = row.try_get("channel")?;
            let invited = channel.is_none() && crate::store::flag(&row, "invited")?;
            let entry = match out
                .iter_mut()
                .find(|b| b.channel == channel && b.invited == invited)
            {
                Some(entry) => entry,
                None => {
                    out.push(Brought {
                        channel: channel.clone(),
                        invited,
                        ..Brought::default()
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            entry.joined += row.try_get::<i64, _>("joined")?;
            entry.settled += row.try_get::<i64, _>("settled")?;
            entry.stayed += row.try_get::<i64, _>("stayed")?;
            entry.removed += row.try_get::<i64, _>("removed")?;
        }
    }
    // Named channels by name, then member invites, then the rest.
    out.sort_by_key(|b| (b.channel.is_none(), !b.invited, b.channel.clone()));
    Ok(out)
}
