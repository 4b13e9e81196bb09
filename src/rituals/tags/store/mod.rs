//! Tags given by hand, the segments tags make, and who opted out.
//!
//! A segment is read from the facts each time: manual tags from
//! `member_tags`, the rest from draws, codes, invites, channels and
//! campaigns. Members known to have left do not count, and bots never.

pub mod broadcasts;

use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::{
    domain::{ChatId, UserId},
    rituals::tags::command::{Segment, Tag},
};

/// Gives a manual tag; false when the member had it.
pub async fn add(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    tag: &str,
    by: &UserId,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO member_tags (group_id, tag, user_id, tagged_by, tagged_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_id, tag, user_id) DO NOTHING",
    )
    .bind(group.as_str())
    .bind(tag)
    .bind(user.as_str())
    .bind(by.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes a manual tag away; false when the member did not have it.
pub async fn remove(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
    tag: &str,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("DELETE FROM member_tags WHERE group_id = $1 AND tag = $2 AND user_id = $3")
            .bind(group.as_str())
            .bind(tag)
            .bind(user.as_str())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The automatic tags that may apply in `groups`: every channel and campaign
/// that touched them, besides winner, coupon and top.
pub async fn candidates(conn: &mut AnyConnection, groups: &[ChatId]) -> sqlx::Result<Vec<Tag>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let list = crate::store::in_list(groups.len());
    let sql = format!(
        "SELECT DISTINCT t.tag, t.kind FROM (
             SELECT tag, 'manual' AS kind FROM member_tags WHERE group_id IN {list}
             UNION SELECT c.name AS tag, 'channel' AS kind FROM member_channels mc
                 JOIN channels c ON c.id = mc.channel_id WHERE mc.group_id IN {list}
             UNION SELECT c.name AS tag, 'campaign' AS kind FROM campaigns c
                 JOIN campaign_steps s ON s.campaign_id = c.id WHERE s.group_id IN {list}
         ) t ORDER BY t.kind, t.tag"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)); // only `$N` placeholders are interpolated
    for g in groups {
        query = query.bind(g.as_str());
    }
    let mut tags = Vec::new();
    for r in query.fetch_all(conn).await? {
        let name: String = r.try_get("tag")?;
        let kind: String = r.try_get("kind")?;
        tags.push(match kind.as_str() {
            "channel" => Tag::Channel(name),
            "campaign" => Tag::Campaign(name),
            _ => Tag::Manual(name),
        });
    }
    tags.extend([Tag::Winner, Tag::Coupon, Tag::Top]);
    Ok(tags)
}

/// A member of a segment, and whether a private message may reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    /// Started the bot in private and did not opt out.
    pub reachable: bool,
}

/// The members of `groups` in a segment, each once, in id order. `top` is
/// the groups' best inviters, which the caller ranks.
///
/// Each tag reads its own facts (a tag, a win, a code, an invite), so old
/// members the bot never saw join are found too; a member known to have
/// left, and bots, are not.
pub async fn segment(
    conn: &mut AnyConnection,
    groups: &[ChatId],
    segment: &Segment,
    top: &[UserId],
) -> sqlx::Result<Vec<Member>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let n = groups.len();
    let Some((source, binds)) = source_of(segment, n, top) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT DISTINCT f.user_id, p.user_id AS started, o.user_id AS stopped
         FROM ({source}) f
         LEFT JOIN memberships m ON m.group_id = f.group_id AND m.user_id = f.user_id
         LEFT JOIN users u ON u.id = f.user_id
         LEFT JOIN private_chats p ON p.user_id = f.user_id
         LEFT JOIN opt_outs o ON o.user_id = f.user_id
         WHERE (m.user_id IS NULL OR (m.present = 1 AND m.is_bot = 0))
           AND (u.id IS NULL OR u.is_bot = 0)
         ORDER BY f.user_id"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)); // only `$N` placeholders are interpolated
    for g in groups {
        query = query.bind(g.as_str());
    }
    for b in &binds {
        query = query.bind(b.as_str());
    }
    query
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            let started: Option<String> = r.try_get("started")?;
            let stopped: Option<String> = r.try_get("stopped")?;
            Ok(Member {
                user: UserId::from_stored(r.try_get("user_id")?),
                reachable: started.is_some() && stopped.is_none(),
            })
        })
        .collect()
}

/// The query that finds a segment's members in the `n` groups bound first
/// (`$1`…`$n`), with the values it binds after them; `None` when it can
/// find no one.
fn source_of(segment: &Segment, n: usize, top: &[UserId]) -> Option<(String, Vec<String>)> {
    let list = crate::store::in_list(n);
    let name = |i: usize| format!("${}", n + i);
    Some(match segment {
        Segment::All => (
            format!("SELECT group_id, user_id FROM memberships WHERE group_id IN {list}"),
            Vec::new(),
        ),
        Segment::Tagged(Tag::Manual(tag)) => (
            format!(
                "SELECT group_id, user_id FROM member_tags WHERE group_id IN {list} AND tag = {}",
                name(1)
            ),
            vec![tag.clone()],
        ),
        Segment::Tagged(Tag::Winner) => (
            format!(
                "SELECT d.group_id, w.user_id FROM draw_winners w JOIN draws d ON d.id = w.draw_id
                 WHERE d.group_id IN {list} AND w.replaced_at IS NULL"
            ),
            Vec::new(),
        ),
        Segment::Tagged(Tag::Coupon) => (
            format!(
                "SELECT group_id, user_id FROM coupon_codes
                 WHERE group_id IN {list} AND user_id IS NOT NULL"
            ),
            Vec::new(),
        ),
        Segment::Tagged(Tag::Top) if top.is_empty() => return None,
        Segment::Tagged(Tag::Top) => (
            format!(
                "SELECT group_id, first_inviter AS user_id FROM memberships
                 WHERE group_id IN {list} AND credited = 1 AND first_inviter IN ({})",
                (1..=top.len()).map(name).collect::<Vec<_>>().join(", ")
            ),
            top.iter().map(|u| u.as_str().to_owned()).collect(),
        ),
        Segment::Tagged(Tag::Channel(channel)) => (
            format!(
                "SELECT mc.group_id, mc.user_id FROM member_channels mc
                 JOIN channels c ON c.id = mc.channel_id
                 WHERE mc.group_id IN {list} AND c.name = {}",
                name(1)
            ),
            vec![channel.clone()],
        ),
        Segment::Tagged(Tag::Campaign(campaign)) => (
            format!(
                "SELECT m.group_id, m.user_id FROM memberships m
                 WHERE m.group_id IN {list} AND EXISTS (
                     SELECT 1 FROM campaigns c JOIN campaign_steps s ON s.campaign_id = c.id
                     WHERE c.name = {} AND s.group_id = m.group_id
                     AND m.first_joined_at >= c.started_at)",
                name(1)
            ),
            vec![campaign.clone()],
        ),
    })
}

/// A member's manual tags in a group, by name.
pub async fn manual_of(
    conn: &mut AnyConnection,
    group: &ChatId,
    user: &UserId,
) -> sqlx::Result<Vec<String>> {
    sqlx::query("SELECT tag FROM member_tags WHERE group_id = $1 AND user_id = $2 ORDER BY tag")
        .bind(group.as_str())
        .bind(user.as_str())
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| r.try_get("tag"))
        .collect()
}

/// `/stop`: no broadcast reaches `user` any more.
pub async fn opt_out(conn: &mut AnyConnection, user: &UserId, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO opt_outs (user_id, stopped_at) VALUES ($1, $2)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user.as_str())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// `/start` after `/stop`: broadcasts reach `user` again. True when they had
/// opted out.
pub async fn opt_in(conn: &mut AnyConnection, user: &UserId) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM opt_outs WHERE user_id = $1")
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
