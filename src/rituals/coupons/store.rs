//! Coupon pools, their codes, and who holds which.
//!
//! Handing out a code is two guarded statements in the caller's transaction:
//! bump the member's count for the pool only while it is under the pool's
//! limit (one row per member and pool, so its lock orders two wins of the
//! same member), then give the member the oldest free code. On PostgreSQL
//! the free code is picked with `FOR UPDATE SKIP LOCKED`, so concurrent
//! winners take different codes instead of queueing on one; SQLite has one
//! writer at a time and needs no such clause.

use sqlx::{AnyConnection, AssertSqlSafe, Row, any::AnyRow};

use super::rules::{Code, NewCode, PoolName};
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

const HELD: &str = "id, pool, code, value, user_id, prize, claim_token, delivered_at, redeemed_at";

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
