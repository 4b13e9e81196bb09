//! A giveaway's winners, round by round.
//!
//! Claims and rerolls are conditional updates on the winner's row: a claim
//! lands only while the winner is neither claimed nor replaced, and a reroll
//! replaces only winners still unclaimed, so the two can race and each
//! winner ends up exactly one of claimed or replaced.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::domain::{DisplayName, UserId};

/// One winner as stored, with the name they entered under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Winner {
    pub user: UserId,
    pub name: DisplayName,
    /// 0 for the draw at the end, then one per reroll.
    pub round: i64,
    /// Order drawn within the round.
    pub pick: i64,
    /// The winner's entry (its position in the draw).
    pub position: i64,
    pub claimed_at: Option<i64>,
    pub replaced_at: Option<i64>,
}

impl Winner {
    /// Still holds the prize (claimed or not yet).
    pub fn stands(&self) -> bool {
        self.replaced_at.is_none()
    }
}

/// What a winner's claim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Claimed,
    Already,
    Replaced,
    NotAWinner,
}

fn winner(row: AnyRow) -> sqlx::Result<Winner> {
    Ok(Winner {
        user: UserId::from_stored(row.try_get("user_id")?),
        name: DisplayName::from_stored(row.try_get("name")?),
        round: row.try_get("round_no")?,
        pick: row.try_get("pick_no")?,
        position: row.try_get("position")?,
        claimed_at: row.try_get("claimed_at")?,
        replaced_at: row.try_get("replaced_at")?,
    })
}

/// Records one round's winners, given by their entries' positions in the
/// order drawn.
pub async fn add_round(
    conn: &mut AnyConnection,
    draw: i64,
    round: i64,
    positions: &[i64],
) -> sqlx::Result<()> {
    for (pick, position) in positions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO draw_winners (draw_id, user_id, round_no, pick_no, position)
             SELECT draw_id, user_id, $2, $3, position FROM draw_entries
             WHERE draw_id = $1 AND position = $4",
        )
        .bind(draw)
        .bind(round)
        .bind(pick as i64)
        .bind(*position)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every winner of a draw, round by round in the order drawn.
pub async fn of_draw(conn: &mut AnyConnection, draw: i64) -> sqlx::Result<Vec<Winner>> {
    sqlx::query(
        "SELECT w.user_id, e.name, w.round_no, w.pick_no, w.position, w.claimed_at, w.replaced_at
         FROM draw_winners w
         JOIN draw_entries e ON e.draw_id = w.draw_id AND e.user_id = w.user_id
         WHERE w.draw_id = $1 ORDER BY w.round_no, w.pick_no",
    )
    .bind(draw)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(winner)
    .collect()
}

/// A winner claims their prize, once.
pub async fn claim(
    conn: &mut AnyConnection,
    draw: i64,
    user: &UserId,
    now_ms: i64,
) -> sqlx::Result<Claim> {
    let done = sqlx::query(
        "UPDATE draw_winners SET claimed_at = $3
         WHERE draw_id = $1 AND user_id = $2 AND claimed_at IS NULL AND replaced_at IS NULL",
    )
    .bind(draw)
    .bind(user.as_str())
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(Claim::Claimed);
    }
    let row = sqlx::query(
        "SELECT claimed_at, replaced_at FROM draw_winners WHERE draw_id = $1 AND user_id = $2",
    )
    .bind(draw)
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => Claim::NotAWinner,
        Some(r) if r.try_get::<Option<i64>, _>("replaced_at")?.is_some() => Claim::Replaced,
        Some(_) => Claim::Already,
    })
}

/// Takes the prize back from these winners if they have still not claimed
/// it; returns those replaced (a winner who claimed meanwhile keeps it).
pub async fn replace(
    conn: &mut AnyConnection,
    draw: i64,
    users: &[UserId],
    now_ms: i64,
) -> sqlx::Result<Vec<UserId>> {
    let mut replaced = Vec::new();
    for user in users {
        let done = sqlx::query(
            "UPDATE draw_winners SET replaced_at = $3
             WHERE draw_id = $1 AND user_id = $2 AND claimed_at IS NULL AND replaced_at IS NULL",
        )
        .bind(draw)
        .bind(user.as_str())
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            replaced.push(user.clone());
        }
    }
    Ok(replaced)
}
