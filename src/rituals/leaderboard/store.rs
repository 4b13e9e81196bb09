//! Each inviter's effective invites per group, as leaderboards read them.
//!
//! The counts live in `invite_counts`, refreshed from the memberships of
//! exactly the inviters a write touched, and `invite_tally` keeps how many
//! inviters have each count; so `/top`, `/myinvites` and the greeting's
//! rank read a few rows of an index in a group of any size.

use sqlx::{AnyConnection, AssertSqlSafe, Row, any::AnyRow};

use super::rules::{self, Standing};
use crate::{
    domain::{ChatId, UserId},
    store::bulk::{self, Col},
};

/// Recounts the given inviters in their groups from their credited
/// invitees, and moves them between the tally's counts: three statements
/// for a batch, each inviter's invitees read through the memberships index.
pub async fn refresh(
    conn: &mut AnyConnection,
    inviters: &[(&ChatId, &UserId)],
) -> sqlx::Result<()> {
    if inviters.is_empty() {
        return Ok(());
    }
    let mut json: Vec<_> = inviters
        .iter()
        .map(|(g, i)| (g.as_str(), i.as_str()))
        .collect();
    json.sort_unstable();
    json.dedup();
    let json = bulk::json(&json);
    let touched = bulk::rows(conn, 1, "t", &[Col::Text("g"), Col::Text("i")]);
    // The touched inviters' counts as they stand, by group and count.
    let tally = format!(
        "SELECT c.group_id AS g, c.invites AS k, COUNT(*) AS n
         FROM {touched} JOIN invite_counts c ON c.group_id = t.g AND c.inviter = t.i
         WHERE c.invites > 0 GROUP BY c.group_id, c.invites"
    );
    let leave = format!(
        "UPDATE invite_tally SET inviters = inviters - d.n FROM ({tally}) AS d
         WHERE invite_tally.group_id = d.g AND invite_tally.invites = d.k"
    );
    let recount = format!(
        "INSERT INTO invite_counts (group_id, inviter, invites, reached_at)
         SELECT t.g, t.i, COUNT(m.user_id), COALESCE(MAX(m.credited_at), 0)
         FROM {touched} LEFT JOIN memberships m
           ON m.group_id = t.g AND m.first_inviter = t.i AND m.credited = 1
         WHERE true
         GROUP BY t.g, t.i
         ON CONFLICT (group_id, inviter) DO UPDATE SET
            invites = excluded.invites, reached_at = excluded.reached_at"
    );
    let arrive = format!(
        "INSERT INTO invite_tally (group_id, invites, inviters) SELECT g, k, n FROM ({tally}) AS d
         WHERE true
         ON CONFLICT (group_id, invites) DO UPDATE SET inviters = invite_tally.inviters + excluded.inviters"
    );
    for sql in [leave, recount, arrive] {
        sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
            .bind(&json)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn standing(row: &AnyRow) -> sqlx::Result<Standing> {
    Ok(Standing {
        inviter: UserId::from_stored(row.try_get("inviter")?),
        count: row.try_get("invites")?,
        reached_at: row.try_get("reached_at")?,
    })
}

/// The `n` best inviters of `group`, ranked.
pub async fn top(conn: &mut AnyConnection, group: &ChatId, n: u32) -> sqlx::Result<Vec<Standing>> {
    at_least(conn, group, 1, Some(n)).await
}

/// The inviters of `group` with at least `min` invites (and at least one),
/// ranked, at most `limit` of them.
pub async fn at_least(
    conn: &mut AnyConnection,
    group: &ChatId,
    min: i64,
    limit: Option<u32>,
) -> sqlx::Result<Vec<Standing>> {
    let mut out = sqlx::query(
        "SELECT inviter, invites, reached_at FROM invite_counts
         WHERE group_id = $1 AND invites >= $2
         ORDER BY invites DESC, reached_at, inviter LIMIT $3",
    )
    .bind(group.as_str())
    .bind(min.max(1))
    .bind(limit.map_or(i64::MAX, i64::from))
    .fetch_all(conn)
    .await?
    .iter()
    .map(standing)
    .collect::<sqlx::Result<Vec<_>>>()?;
    // The database's text order may not be Rust's; ties are rare, but the
    // order shown is always the rules' one.
    rules::rank(&mut out);
    Ok(out)
}

/// The `n` best inviters over several groups (an operator's), their
/// invites summed, ranked.
pub async fn top_across(
    conn: &mut AnyConnection,
    groups: &[ChatId],
    n: u32,
) -> sqlx::Result<Vec<Standing>> {
    match groups {
        [] => return Ok(Vec::new()),
        [one] => return top(conn, one, n).await,
        _ => {}
    }
    let wanted = bulk::rows(conn, 1, "w", &[Col::Text("g")]);
    let sql = format!(
        "SELECT c.inviter, CAST(SUM(c.invites) AS BIGINT) AS invites, MAX(c.reached_at) AS reached_at
         FROM {wanted} JOIN invite_counts c ON c.group_id = w.g
         WHERE c.invites > 0
         GROUP BY c.inviter
         ORDER BY invites DESC, reached_at, c.inviter LIMIT $2"
    );
    let json: Vec<[&str; 1]> = groups.iter().map(|g| [g.as_str()]).collect();
    let mut out = sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .bind(i64::from(n))
        .fetch_all(conn)
        .await?
        .iter()
        .map(standing)
        .collect::<sqlx::Result<Vec<_>>>()?;
    rules::rank(&mut out);
    Ok(out)
}

/// An inviter's count in `group` and rank (`None` with no invites).
pub async fn standing_of(
    conn: &mut AnyConnection,
    group: &ChatId,
    inviter: &UserId,
) -> sqlx::Result<(i64, Option<usize>)> {
    let own = sqlx::query(
        "SELECT inviter, invites, reached_at FROM invite_counts
         WHERE group_id = $1 AND inviter = $2 AND invites > 0",
    )
    .bind(group.as_str())
    .bind(inviter.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(own) = own.as_ref().map(standing).transpose()? else {
        return Ok((0, None));
    };
    // Those ahead in the leaderboard order: everyone with more invites,
    // from the tally, and the ties reached earlier, along the index.
    let ahead: i64 = sqlx::query(
        "SELECT CAST((SELECT COALESCE(SUM(inviters), 0) FROM invite_tally
                      WHERE group_id = $1 AND invites > $2)
                   + (SELECT COUNT(*) FROM invite_counts
                      WHERE group_id = $1 AND invites = $2
                        AND (reached_at < $3 OR (reached_at = $3 AND inviter < $4)))
                 AS BIGINT) AS n",
    )
    .bind(group.as_str())
    .bind(own.count)
    .bind(own.reached_at)
    .bind(inviter.as_str())
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    Ok((own.count, Some(usize::try_from(ahead).unwrap_or(0) + 1)))
}
