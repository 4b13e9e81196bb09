//! Users, memberships and the invite counts derived from them.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::bulk::{self, Col};
use crate::{
    domain::{ChatId, DisplayName, UserId},
    rituals::{greeting::invites::MemberRecord, leaderboard::store as leaderboard},
};

/// One member's stored state in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub record: MemberRecord,
    /// When the member last started counting for their inviter (unix ms).
    pub credited_at: Option<i64>,
}

/// A (group, member) pair.
pub type MemberKey = (ChatId, UserId);

/// A user as an event showed them.
#[derive(Debug, Clone)]
pub struct SeenUser {
    pub id: UserId,
    pub name: DisplayName,
    pub is_bot: bool,
    /// Their @username, lowercased, without `@`, when they have one.
    pub handle: Option<String>,
}

/// Remembers users' current display names (one row per id).
pub async fn upsert_users(conn: &mut AnyConnection, users: &[SeenUser]) -> sqlx::Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let seen = bulk::rows(
        conn,
        1,
        "s",
        &[
            Col::Text("id"),
            Col::Text("name"),
            Col::Int("is_bot"),
            Col::Text("handle"),
        ],
    );
    let sql = format!(
        "INSERT INTO users (id, name, is_bot, handle) SELECT id, name, is_bot, handle FROM {seen} WHERE true
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_bot = excluded.is_bot,
           handle = COALESCE(excluded.handle, users.handle)"
    );
    let rows: Vec<_> = users
        .iter()
        .map(|u| {
            (
                u.id.as_str(),
                u.name.as_str(),
                i64::from(u.is_bot),
                u.handle.as_deref(),
            )
        })
        .collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&rows))
        .execute(conn)
        .await?;
    Ok(())
}

/// The users last seen with an @username (lowercased, without `@`): one,
/// or several when a name moved between accounts.
pub async fn by_handle(
    conn: &mut AnyConnection,
    handle: &str,
    limit: i64,
) -> sqlx::Result<Vec<(UserId, DisplayName)>> {
    sqlx::query("SELECT id, name FROM users WHERE handle = $1 ORDER BY id LIMIT $2")
        .bind(handle)
        .bind(limit)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((
                UserId::from_stored(r.try_get("id")?),
                DisplayName::from_stored(r.try_get("name")?),
            ))
        })
        .collect()
}

/// Remembers a user seen only as an actor (a command's sender), keeping any
/// name known already: Matrix commands carry no display name, and the one
/// from the member's join is the one their client shows.
pub async fn know_user(
    conn: &mut AnyConnection,
    id: &UserId,
    name: &DisplayName,
    is_bot: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO users (id, name, is_bot) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id.as_str())
    .bind(name.as_str())
    .bind(i64::from(is_bot))
    .execute(conn)
    .await?;
    Ok(())
}

/// A user's last known name.
pub async fn name_of(conn: &mut AnyConnection, id: &UserId) -> sqlx::Result<Option<DisplayName>> {
    let row = sqlx::query("SELECT name FROM users WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get::<String, _>("name").map(DisplayName::from_stored))
        .transpose()
}

/// Present members of `group` whose display name is exactly `name`, at most `limit`.
pub async fn named_in(
    conn: &mut AnyConnection,
    group: &ChatId,
    name: &str,
    limit: i64,
) -> sqlx::Result<Vec<UserId>> {
    sqlx::query(
        "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
         WHERE m.group_id = $1 AND m.present = 1 AND u.name = $2 ORDER BY u.id LIMIT $3",
    )
    .bind(group.as_str())
    .bind(name)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| Ok(UserId::from_stored(r.try_get("id")?)))
    .collect()
}

/// The stored state of every given member that was ever seen in their group.
pub async fn get_many(
    conn: &mut AnyConnection,
    keys: &[MemberKey],
) -> sqlx::Result<HashMap<MemberKey, MemberRow>> {
    let mut out = HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let wanted = bulk::rows(conn, 1, "k", &[Col::Text("g"), Col::Text("u")]);
    let sql = format!(
        "SELECT m.group_id, m.user_id, m.first_inviter, m.present, m.removed_by_admin, m.is_bot,
                m.credited_at
         FROM {wanted} JOIN memberships m ON m.group_id = k.g AND m.user_id = k.u"
    );
    let rows: Vec<_> = keys.iter().map(|(g, u)| (g.as_str(), u.as_str())).collect();
    let found = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&rows))
        .fetch_all(&mut *conn)
        .await?;
    for r in found {
        let key = (
            ChatId::from_stored(r.try_get("group_id")?),
            UserId::from_stored(r.try_get("user_id")?),
        );
        let record = MemberRecord {
            first_inviter: r
                .try_get::<Option<String>, _>("first_inviter")?
                .map(UserId::from_stored),
            present: super::flag(&r, "present")?,
            removed_by_admin: super::flag(&r, "removed_by_admin")?,
            is_bot: super::flag(&r, "is_bot")?,
        };
        out.insert(
            key,
            MemberRow {
                record,
                credited_at: r.try_get("credited_at")?,
            },
        );
    }
    Ok(out)
}

/// Stores members' states (one row per key); `credited` is derived here
/// from the record, so the leaderboard index always agrees with the rules.
pub async fn put_many(
    conn: &mut AnyConnection,
    rows: &[(MemberKey, MemberRow)],
    now_ms: i64,
) -> sqlx::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let states = bulk::rows(
        conn,
        1,
        "s",
        &[
            Col::Text("group_id"),
            Col::Text("user_id"),
            Col::Text("first_inviter"),
            Col::Int("present"),
            Col::Int("removed_by_admin"),
            Col::Int("is_bot"),
            Col::Int("credited"),
            Col::Int("credited_at"),
        ],
    );
    let sql = format!(
        "INSERT INTO memberships (group_id, user_id, first_inviter, present, removed_by_admin, is_bot,
                                  credited, credited_at, first_joined_at)
         SELECT group_id, user_id, first_inviter, present, removed_by_admin, is_bot, credited,
                credited_at, $2 FROM {states} WHERE true
         ON CONFLICT (group_id, user_id) DO UPDATE SET
            first_inviter = excluded.first_inviter, present = excluded.present,
            removed_by_admin = excluded.removed_by_admin, is_bot = excluded.is_bot,
            credited = excluded.credited, credited_at = excluded.credited_at"
    );
    let json: Vec<_> = rows
        .iter()
        .map(|((group, member), row)| {
            let rec = &row.record;
            (
                group.as_str(),
                member.as_str(),
                rec.first_inviter.as_ref().map(UserId::as_str),
                i64::from(rec.present),
                i64::from(rec.removed_by_admin),
                i64::from(rec.is_bot),
                i64::from(rec.is_credited(member)),
                row.credited_at,
            )
        })
        .collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    // A member's first inviter is set once and never changes, so the
    // inviters written here are all whose counts may have moved.
    let inviters: Vec<(&ChatId, &UserId)> = rows
        .iter()
        .filter_map(|((group, _), row)| Some((group, row.record.first_inviter.as_ref()?)))
        .collect();
    leaderboard::refresh(conn, &inviters).await
}

/// Whether someone is in a group and since when the bot knows them there:
/// from their membership row, or else from what the platform said when they
/// were first seen. `None` when neither is recorded yet.
pub async fn presence(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
) -> sqlx::Result<Option<(bool, i64)>> {
    let row = sqlx::query(
        "SELECT present, first_joined_at AS since FROM memberships
         WHERE group_id = $1 AND user_id = $2
         UNION ALL
         SELECT present, first_seen_at AS since FROM members_seen
         WHERE group_id = $1 AND user_id = $2
           AND NOT EXISTS (SELECT 1 FROM memberships WHERE group_id = $1 AND user_id = $2)",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((super::flag(&r, "present")?, r.try_get("since")?)))
        .transpose()
}

/// Notes what the platform said of someone the bot never saw join; the
/// first answer stays, with the time they were first seen.
pub async fn note_seen(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    present: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO members_seen (group_id, user_id, present, first_seen_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (group_id, user_id) DO NOTHING",
    )
    .bind(group.as_str())
    .bind(user.as_str())
    .bind(i64::from(present))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// A member's effective invites in one group.
pub async fn invites_of(
    conn: &mut AnyConnection,
    group: &ChatId,
    inviter: &UserId,
) -> sqlx::Result<i64> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM memberships
         WHERE group_id = $1 AND first_inviter = $2 AND credited = 1",
    )
    .bind(group.as_str())
    .bind(inviter.as_str())
    .fetch_one(conn)
    .await?
    .try_get("n")
}

/// The member with most effective invites credited since `since_ms` in a
/// group (ties: who got there first), with their name.
pub async fn top_inviter_since(
    conn: &mut AnyConnection,
    group: &ChatId,
    since_ms: i64,
) -> sqlx::Result<Option<(UserId, DisplayName, i64)>> {
    let row = sqlx::query(
        "SELECT m.first_inviter AS inviter, COUNT(*) AS n, MAX(m.credited_at) AS reached,
                COALESCE(u.name, '?') AS name
         FROM memberships m LEFT JOIN users u ON u.id = m.first_inviter
         WHERE m.group_id = $1 AND m.credited = 1 AND m.credited_at >= $2
         GROUP BY m.first_inviter, u.name
         ORDER BY n DESC, reached ASC, inviter ASC LIMIT 1",
    )
    .bind(group.as_str())
    .bind(since_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            UserId::from_stored(r.try_get("inviter")?),
            DisplayName::from_stored(r.try_get("name")?),
            r.try_get("n")?,
        ))
    })
    .transpose()
}

/// Remembers that `user` opened a private chat with the bot.
pub async fn mark_private_chat(
    conn: &mut AnyConnection,
    user: &UserId,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO private_chats (user_id, started_at) VALUES ($1, $2)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `user` opened a private chat with the bot (so it may write first).
pub async fn has_private_chat(conn: &mut AnyConnection, user: &UserId) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT 1 AS one FROM private_chats WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}
