//! Coupon pools, their codes, and who holds which.
//!
//! Handing out a code is two guarded statements in the caller's transaction:
//! bump the member's count for the pool only while it is under the pool's
//! limit (one row per member and pool, so its lock orders two wins of the
//! same member), then give the member the oldest free code. On PostgreSQL
//! the free code is picked with `FOR UPDATE SKIP LOCKED`, so concurrent
//! winners take different codes instead of queueing on one; SQLite has one
//! writer at a time and needs no such clause.

pub mod codes;

use sqlx::{AnyConnection, AssertSqlSafe, Row, any::AnyRow};

use super::rules::{NewCode, PoolName};
use crate::domain::{ChatId, UserId};

/// Codes a member may hold per pool, unless the pool says otherwise.
pub const DEFAULT_PER_MEMBER: i64 = 1;
/// Free codes under which the operators are told, unless the pool says otherwise.
pub const DEFAULT_ALERT_BELOW: i64 = 10;

/// A pool's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub name: PoolName,
    pub per_member: i64,
    pub alert_below: i64,
    /// The operator who imported it; `None` for a pool from before owners.
    pub owner: Option<UserId>,
}

/// A pool's figures for `/coupons`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStock {
    pub pool: Pool,
    pub free: i64,
    pub handed: i64,
    pub redeemed: i64,
}

fn pool(row: &AnyRow) -> sqlx::Result<Pool> {
    Ok(Pool {
        name: PoolName::from_stored(row.try_get("name")?),
        per_member: row.try_get("per_member")?,
        alert_below: row.try_get("alert_below")?,
        owner: row
            .try_get::<Option<String>, _>("owner")?
            .map(UserId::from_stored),
    })
}

const POOL: &str = "p.name, p.per_member, p.alert_below, p.owner";

/// Whose pools a question is about.
#[derive(Debug, Clone, Copy)]
pub enum PoolScope<'a> {
    /// The command line: every pool.
    Everything,
    /// An operator: the pools they own, and those from before owners.
    Owner(&'a UserId),
    /// A group: the pools its operator lets it pay from.
    Group(&'a ChatId),
}

impl PoolScope<'_> {
    /// A condition on `coupon_pools p` naming its one parameter `$n`
    /// (bound to [`Self::value`]; `Everything` binds an empty text, so its
    /// condition holds for every pool and the parameter is still used).
    fn clause(&self, n: usize) -> String {
        match self {
            PoolScope::Everything => format!("CAST(${n} AS TEXT) = ''"),
            PoolScope::Owner(_) => format!("(p.owner IS NULL OR p.owner = ${n})"),
            PoolScope::Group(_) => format!(
                "EXISTS (SELECT 1 FROM groups g WHERE g.id = ${n}
                         AND (p.owner IS NULL OR p.owner = g.owner))
                 AND (NOT EXISTS (SELECT 1 FROM coupon_pool_groups a WHERE a.pool = p.name)
                      OR EXISTS (SELECT 1 FROM coupon_pool_groups a
                                 WHERE a.pool = p.name AND a.group_id = ${n}))"
            ),
        }
    }

    fn value(&self) -> &str {
        match self {
            PoolScope::Everything => "",
            PoolScope::Owner(user) => user.as_str(),
            PoolScope::Group(group) => group.as_str(),
        }
    }
}

/// Creates a pool with the default settings unless it exists; a pool from
/// before owners becomes `owner`'s.
pub async fn ensure_pool(
    conn: &mut AnyConnection,
    name: &PoolName,
    owner: Option<&UserId>,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO coupon_pools (name, per_member, alert_below, alerted, created_at, owner)
         VALUES ($1, $2, $3, 0, $4, $5)
         ON CONFLICT (name) DO UPDATE SET owner = COALESCE(coupon_pools.owner, excluded.owner)",
    )
    .bind(name.as_str())
    .bind(DEFAULT_PER_MEMBER)
    .bind(DEFAULT_ALERT_BELOW)
    .bind(now_ms)
    .bind(owner.map(UserId::as_str))
    .execute(conn)
    .await?;
    Ok(())
}

/// The pool named `name`, whoever owns it.
pub async fn get_pool(conn: &mut AnyConnection, name: &PoolName) -> sqlx::Result<Option<Pool>> {
    get_pool_in(conn, name, PoolScope::Everything).await
}

/// The pool named `name` if it is within `scope`.
pub async fn get_pool_in(
    conn: &mut AnyConnection,
    name: &PoolName,
    scope: PoolScope<'_>,
) -> sqlx::Result<Option<Pool>> {
    let sql = format!(
        "SELECT {POOL} FROM coupon_pools p WHERE p.name = $1 AND {}",
        scope.clause(2)
    );
    sqlx::query(AssertSqlSafe(sql)) // only fixed clauses are interpolated
        .bind(name.as_str())
        .bind(scope.value())
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(pool)
        .transpose()
}

/// Sets how many codes one member may hold; false when `owner` has no such pool.
pub async fn set_per_member(
    conn: &mut AnyConnection,
    name: &PoolName,
    owner: &UserId,
    n: i64,
) -> sqlx::Result<bool> {
    set_owned(conn, name, owner, "per_member = $2", n).await
}

/// Sets the low-stock threshold and arms the alert again; false when
/// `owner` has no such pool.
pub async fn set_alert_below(
    conn: &mut AnyConnection,
    name: &PoolName,
    owner: &UserId,
    n: i64,
) -> sqlx::Result<bool> {
    set_owned(conn, name, owner, "alert_below = $2, alerted = 0", n).await
}

/// Applies `assignment` (which reads `n` as `$2`) to `owner`'s pool.
async fn set_owned(
    conn: &mut AnyConnection,
    name: &PoolName,
    owner: &UserId,
    assignment: &str,
    n: i64,
) -> sqlx::Result<bool> {
    let scope = PoolScope::Owner(owner);
    let sql = format!(
        "UPDATE coupon_pools AS p SET {assignment} WHERE p.name = $1 AND {}",
        scope.clause(3)
    );
    let done = sqlx::query(AssertSqlSafe(sql)) // only fixed clauses are interpolated
        .bind(name.as_str())
        .bind(n)
        .bind(scope.value())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Lets only `groups` pay from `owner`'s pool, or all their groups when
/// `groups` is empty; a pool from before owners becomes `owner`'s. False
/// when `owner` has no such pool.
pub async fn allow(
    conn: &mut AnyConnection,
    name: &PoolName,
    owner: &UserId,
    groups: &[ChatId],
) -> sqlx::Result<bool> {
    let scope = PoolScope::Owner(owner);
    let sql = format!(
        "UPDATE coupon_pools AS p SET owner = $2 WHERE p.name = $1 AND {}",
        scope.clause(2)
    );
    let claimed = sqlx::query(AssertSqlSafe(sql)) // only a fixed clause is interpolated
        .bind(name.as_str())
        .bind(scope.value())
        .execute(&mut *conn)
        .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM coupon_pool_groups WHERE pool = $1")
        .bind(name.as_str())
        .execute(&mut *conn)
        .await?;
    for group in groups {
        sqlx::query(
            "INSERT INTO coupon_pool_groups (pool, group_id) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
        )
        .bind(name.as_str())
        .bind(group.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

/// The groups a pool is limited to; empty when all its owner's groups may pay.
pub async fn allowed_groups(
    conn: &mut AnyConnection,
    name: &PoolName,
) -> sqlx::Result<Vec<ChatId>> {
    sqlx::query("SELECT group_id FROM coupon_pool_groups WHERE pool = $1 ORDER BY group_id")
        .bind(name.as_str())
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| Ok(ChatId::from_stored(row.try_get("group_id")?)))
        .collect()
}

/// Adds codes to a pool; a code already in any pool is left alone. How many
/// were added comes back.
pub async fn add_codes(
    conn: &mut AnyConnection,
    name: &PoolName,
    codes: &[NewCode],
    now_ms: i64,
) -> sqlx::Result<u64> {
    let mut added = 0;
    for chunk in codes.chunks(crate::store::MAX_ROWS) {
        let sql = format!(
            "INSERT INTO coupon_codes (pool, code, value, added_at) VALUES {}
             ON CONFLICT (code) DO NOTHING",
            crate::store::tuples(chunk.len(), 4)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)); // only `$N` placeholders are interpolated
        for code in chunk {
            query = query
                .bind(name.as_str())
                .bind(code.code.as_str())
                .bind(code.value.clone())
                .bind(now_ms);
        }
        added += query.execute(&mut *conn).await?.rows_affected();
    }
    // Topped up: the next shortage is worth telling again.
    sqlx::query(
        "UPDATE coupon_pools SET alerted = 0 WHERE name = $1
         AND alert_below <= (SELECT COUNT(*) FROM coupon_codes
                             WHERE pool = $1 AND user_id IS NULL)",
    )
    .bind(name.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(added)
}

/// How many codes of the pool are still free.
pub async fn free_count(conn: &mut AnyConnection, name: &PoolName) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM coupon_codes WHERE pool = $1 AND user_id IS NULL")
        .bind(name.as_str())
        .fetch_one(conn)
        .await?
        .try_get("n")
}

/// Marks the pool's shortage as told; false when it already was.
pub async fn mark_alerted(conn: &mut AnyConnection, name: &PoolName) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE coupon_pools SET alerted = 1 WHERE name = $1 AND alerted = 0")
        .bind(name.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every pool within `scope` with its figures, by name.
pub async fn stock(conn: &mut AnyConnection, scope: PoolScope<'_>) -> sqlx::Result<Vec<PoolStock>> {
    let sql = format!(
        "SELECT {POOL},
                COUNT(c.id) - COUNT(c.user_id) AS free,
                COUNT(c.user_id) AS handed,
                COUNT(c.redeemed_at) AS redeemed
         FROM coupon_pools p LEFT JOIN coupon_codes c ON c.pool = p.name
         WHERE {}
         GROUP BY p.name, p.per_member, p.alert_below, p.owner
         ORDER BY p.name",
        scope.clause(1)
    );
    let rows = sqlx::query(AssertSqlSafe(sql)) // only fixed clauses are interpolated
        .bind(scope.value())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(PoolStock {
                pool: pool(row)?,
                free: row.try_get("free")?,
                handed: row.try_get("handed")?,
                redeemed: row.try_get("redeemed")?,
            })
        })
        .collect()
}
