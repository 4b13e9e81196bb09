//! The funnel: of the members who joined, how many stayed a week, spoke,
//! got a coupon code and redeemed it; per inviter.

use sqlx::{AnyConnection, Row};

use crate::domain::{ChatId, UserId};

/// Members who reached each stage, for one inviter (`None`: nobody
/// invited them) or in all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stages {
    pub inviter: Option<UserId>,
    pub joined: i64,
    /// Still in the group a week or more after joining.
    pub stayed: i64,
    /// Sent at least one message in the group.
    pub active: i64,
    /// Were handed a coupon code since `since`.
    pub coded: i64,
    /// Redeemed one.
    pub redeemed: i64,
}

impl Stages {
    fn add(&mut self, other: &Stages) {
        self.joined += other.joined;
        self.stayed += other.stayed;
        self.active += other.active;
        self.coded += other.coded;
        self.redeemed += other.redeemed;
    }
}

/// Marks members' first message in a group; later ones change nothing.
pub async fn mark_spoke(
    conn: &mut AnyConnection,
    spoke: &[(ChatId, UserId)],
    now_ms: i64,
) -> sqlx::Result<()> {
    for (group, user) in spoke {
        let marked = sqlx::query(
            "UPDATE memberships SET first_spoke_at = $3
             WHERE group_id = $1 AND user_id = $2 AND first_spoke_at IS NULL",
        )
        .bind(group.as_str())
        .bind(user.as_str())
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        if marked.rows_affected() == 0 {
            // Someone the bot never saw join is seen now: a member's
            // requirement of hours counts from here.
            sqlx::query(
                "INSERT INTO members_seen (group_id, user_id, present, first_seen_at)
                 SELECT $1, $2, 1, $3 WHERE NOT EXISTS
                   (SELECT 1 FROM memberships WHERE group_id = $1 AND user_id = $2)
                 ON CONFLICT (group_id, user_id) DO NOTHING",
            )
            .bind(group.as_str())
            .bind(user.as_str())
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Per inviter, most joins first, for members who joined `groups` since
/// `since_ms`; "stayed" needs a join before `settled_before_ms`. A member
/// in several of the groups counts in each.
pub async fn by_inviter(
    conn: &mut AnyConnection,
    groups: &[ChatId],
    since_ms: i64,
    settled_before_ms: i64,
) -> sqlx::Result<Vec<Stages>> {
    let mut out: Vec<Stages> = Vec::new();
    for group in groups {
        let rows = sqlx::query(
            "SELECT m.first_inviter AS inviter, COUNT(*) AS joined,
                COUNT(CASE WHEN m.present = 1 AND m.first_joined_at < $3 THEN 1 END) AS stayed,
                COUNT(CASE WHEN m.first_spoke_at IS NOT NULL THEN 1 END) AS active,
                COUNT(CASE WHEN EXISTS (SELECT 1 FROM coupon_codes c
                    WHERE c.user_id = m.user_id AND c.awarded_at >= $2) THEN 1 END) AS coded,
                COUNT(CASE WHEN EXISTS (SELECT 1 FROM coupon_codes c
                    WHERE c.user_id = m.user_id AND c.awarded_at >= $2
                      AND c.redeemed_at IS NOT NULL) THEN 1 END) AS redeemed
             FROM memberships m
             WHERE m.group_id = $1 AND m.first_joined_at >= $2 AND m.is_bot = 0
             GROUP BY m.first_inviter",
        )
        .bind(group.as_str())
        .bind(since_ms)
        .bind(settled_before_ms)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let inviter: Option<String> = row.try_get("inviter")?;
            let stages = Stages {
                inviter: inviter.map(UserId::from_stored),
                joined: row.try_get("joined")?,
                stayed: row.try_get("stayed")?,
                active: row.try_get("active")?,
                coded: row.try_get("coded")?,
                redeemed: row.try_get("redeemed")?,
            };
            match out.iter_mut().find(|s| s.inviter == stages.inviter) {
                Some(known) => known.add(&stages),
                None => out.push(stages),
            }
        }
    }
    out.sort_by(|a, b| b.joined.cmp(&a.joined).then(a.inviter.cmp(&b.inviter)));
    Ok(out)
}

/// Every stage summed.
pub fn total(rows: &[Stages]) -> Stages {
    let mut all = Stages::default();
    for row in rows {
        all.add(row);
    }
    all
}
