//! Codes and who holds them: taken for a win under the pool's limits,
//! found by claim token or holder, marked shown and redeemed.

use super::Pool;
use crate::domain::{ChatId, UserId};
use crate::rituals::coupons::rules::{Code, PoolName};
use sqlx::{AnyConnection, AssertSqlSafe, Row, any::AnyRow};

const HELD: &str = "id, pool, code, value, user_id, prize, claim_token, delivered_at, redeemed_at";

/// A code someone holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: i64,
    pub pool: PoolName,
    pub code: String,
    pub value: Option<String>,
    pub holder: UserId,
    /// What the member won, as they saw it.
    pub prize: String,
    pub token: String,
    pub delivered: bool,
    pub redeemed_at: Option<i64>,
}

/// What asking a pool for a code led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    Code(Held),
    /// The member already holds as many of the pool's codes as allowed.
    Limit,
    /// No free code is left.
    Empty,
}

/// What `/redeem` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Done(Held),
    Unknown,
    NotHanded,
    Already { at: i64, by: UserId },
}

/// One code's whole story, for exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    pub pool: String,
    pub code: String,
    pub value: Option<String>,
    pub holder: Option<String>,
    pub group: Option<String>,
    pub reason: Option<String>,
    pub prize: Option<String>,
    pub awarded_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub redeemed_at: Option<i64>,
    pub redeemed_by: Option<String>,
}

fn held(row: &AnyRow) -> sqlx::Result<Held> {
    Ok(Held {
        id: row.try_get("id")?,
        pool: PoolName::from_stored(row.try_get("pool")?),
        code: row.try_get("code")?,
        value: row.try_get("value")?,
        holder: UserId::from_stored(row.try_get("user_id")?),
        prize: row.try_get("prize")?,
        token: row.try_get("claim_token")?,
        delivered: row.try_get::<Option<i64>, _>("delivered_at")?.is_some(),
        redeemed_at: row.try_get("redeemed_at")?,
    })
}

/// The pool a code belongs to, if the code exists.
pub async fn pool_of_code(conn: &mut AnyConnection, code: &Code) -> sqlx::Result<Option<PoolName>> {
    Ok(sqlx::query("SELECT pool FROM coupon_codes WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(conn)
        .await?
        .map(|row| row.try_get::<String, _>("pool"))
        .transpose()?
        .map(PoolName::from_stored))
}

/// Why a code is handed out, and to whom.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'a> {
    pub user: &'a UserId,
    pub group: &'a ChatId,
    /// For the records, e.g. `draw:12`.
    pub reason: &'a str,
    /// What the member won, as they saw it.
    pub prize: &'a str,
    /// The secret of the claim link that hands the code over.
    pub token: &'a str,
    /// The code's value for this member, replacing the imported one (an
    /// envelope's share).
    pub value: Option<&'a str>,
}

/// Gives the member the pool's oldest free code, within the per-member limit.
pub async fn take(
    conn: &mut AnyConnection,
    pool: &Pool,
    grant: Grant<'_>,
    now_ms: i64,
) -> sqlx::Result<Taken> {
    let user = grant.user;
    if pool.per_member < 1 {
        return Ok(Taken::Limit);
    }
    let counted = sqlx::query(
        "INSERT INTO coupon_holders (pool, user_id, held) VALUES ($1, $2, 1)
         ON CONFLICT (pool, user_id) DO UPDATE SET held = coupon_holders.held + 1
         WHERE coupon_holders.held < $3
         RETURNING held",
    )
    .bind(pool.name.as_str())
    .bind(user.as_str())
    .bind(pool.per_member)
    .fetch_optional(&mut *conn)
    .await?;
    if counted.is_none() {
        return Ok(Taken::Limit);
    }
    let skip_locked = if conn.backend_name() == "PostgreSQL" {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE coupon_codes
         SET user_id = $1, group_id = $2, reason = $3, awarded_at = $4, claim_token = $5,
             prize = $7, value = COALESCE($8, value)
         WHERE id = (SELECT id FROM coupon_codes WHERE pool = $6 AND user_id IS NULL
                     ORDER BY id LIMIT 1 {skip_locked})
           AND user_id IS NULL
         RETURNING {HELD}"
    );
    let row = sqlx::query(AssertSqlSafe(sql)) // only a fixed clause is interpolated
        .bind(user.as_str())
        .bind(grant.group.as_str())
        .bind(grant.reason)
        .bind(now_ms)
        .bind(grant.token)
        .bind(pool.name.as_str())
        .bind(grant.prize)
        .bind(grant.value)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Taken::Code(held(&row)?)),
        None => {
            sqlx::query(
                "UPDATE coupon_holders SET held = held - 1 WHERE pool = $1 AND user_id = $2",
            )
            .bind(pool.name.as_str())
            .bind(user.as_str())
            .execute(&mut *conn)
            .await?;
            Ok(Taken::Empty)
        }
    }
}

/// The code a claim link stands for.
pub async fn by_token(conn: &mut AnyConnection, token: &str) -> sqlx::Result<Option<Held>> {
    let sql = format!("SELECT {HELD} FROM coupon_codes WHERE claim_token = $1");
    sqlx::query(AssertSqlSafe(sql)) // only the column list is interpolated
        .bind(token)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(held)
        .transpose()
}

/// Every code `user` holds, oldest first.
pub async fn held_by(conn: &mut AnyConnection, user: &UserId) -> sqlx::Result<Vec<Held>> {
    let sql = format!("SELECT {HELD} FROM coupon_codes WHERE user_id = $1 ORDER BY awarded_at, id");
    sqlx::query(AssertSqlSafe(sql)) // only the column list is interpolated
        .bind(user.as_str())
        .fetch_all(conn)
        .await?
        .iter()
        .map(held)
        .collect()
}

/// Records that codes were shown to their holder in private.
pub async fn mark_delivered(
    conn: &mut AnyConnection,
    ids: &[i64],
    now_ms: i64,
) -> sqlx::Result<()> {
    for id in ids {
        sqlx::query(
            "UPDATE coupon_codes SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL",
        )
        .bind(id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Marks a code used at the till, once; otherwise says why not.
pub async fn redeem(
    conn: &mut AnyConnection,
    code: &Code,
    by: &UserId,
    now_ms: i64,
) -> sqlx::Result<Redeemed> {
    let sql = format!(
        "UPDATE coupon_codes SET redeemed_at = $2, redeemed_by = $3
         WHERE code = $1 AND user_id IS NOT NULL AND redeemed_at IS NULL RETURNING {HELD}"
    );
    let row = sqlx::query(AssertSqlSafe(sql)) // only the column list is interpolated
        .bind(code.as_str())
        .bind(now_ms)
        .bind(by.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = row {
        return Ok(Redeemed::Done(held(&row)?));
    }
    let row =
        sqlx::query("SELECT user_id, redeemed_at, redeemed_by FROM coupon_codes WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else {
        return Ok(Redeemed::Unknown);
    };
    match row.try_get::<Option<i64>, _>("redeemed_at")? {
        Some(at) => Ok(Redeemed::Already {
            at,
            by: UserId::from_stored(row.try_get("redeemed_by")?),
        }),
        None => Ok(Redeemed::NotHanded),
    }
}

/// Every code with its story, by pool and id.
pub async fn records(conn: &mut AnyConnection) -> sqlx::Result<Vec<CodeRecord>> {
    sqlx::query(
        "SELECT pool, code, value, user_id, group_id, reason, prize, awarded_at, delivered_at,
                redeemed_at, redeemed_by
         FROM coupon_codes ORDER BY pool, id",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(CodeRecord {
            pool: row.try_get("pool")?,
            code: row.try_get("code")?,
            value: row.try_get("value")?,
            holder: row.try_get("user_id")?,
            group: row.try_get("group_id")?,
            reason: row.try_get("reason")?,
            prize: row.try_get("prize")?,
            awarded_at: row.try_get("awarded_at")?,
            delivered_at: row.try_get("delivered_at")?,
            redeemed_at: row.try_get("redeemed_at")?,
            redeemed_by: row.try_get("redeemed_by")?,
        })
    })
    .collect()
}
