//! Draws and their entries.
//!
//! Taking part is one short transaction: bump `taken` only while a slot is
//! left (the row lock, or SQLite's single writer, orders concurrent presses),
//! then insert the entry under the `(draw, user)` key. A member who pressed
//! twice, or a press the platform delivered again, meets that key and the
//! transaction is rolled back, so no slot is ever spent twice.

use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::domain::{ChatId, DisplayName, UserId, draw::DrawKind};

/// A draw as stored.
#[derive(Debug, Clone)]
pub struct Draw {
    pub id: i64,
    pub group: ChatId,
    pub kind: DrawKind,
    pub params: String,
    pub seed: String,
    pub commitment: String,
    pub slots: i64,
    pub taken: i64,
    pub message_id: Option<String>,
    pub created_by: UserId,
    pub created_at: i64,
    /// When a waiting draw opens by itself.
    pub opens_at: Option<i64>,
    /// `None` while the draw waits to open.
    pub opened_at: Option<i64>,
    /// When it closes by itself.
    pub closes_at: Option<i64>,
    pub closed_at: Option<i64>,
}

impl Draw {
    /// Open now: members may take part.
    pub fn is_open(&self) -> bool {
        self.opened_at.is_some() && self.closed_at.is_none()
    }
}

/// One member's part in a draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub user: UserId,
    /// As shown when they took part.
    pub name: DisplayName,
    /// 0 for the first to take part.
    pub position: i64,
    /// An envelope's share in its smallest unit, or a wheel's prize index.
    pub amount: i64,
}

/// A draw about to open.
pub struct NewDraw<'a> {
    pub group: &'a ChatId,
    pub kind: DrawKind,
    pub params: &'a str,
    pub seed: &'a str,
    pub commitment: &'a str,
    pub slots: i64,
    pub created_by: &'a UserId,
    /// False for a draw that waits for `/wheel open`.
    pub open: bool,
    pub closes_at: Option<i64>,
}

const COLUMNS: &str = "id, group_id, kind, params, seed, commitment, slots, taken, message_id,
                       created_by, created_at, opens_at, opened_at, closes_at, closed_at";

fn draw(row: AnyRow) -> sqlx::Result<Draw> {
    Ok(Draw {
        id: row.try_get("id")?,
        group: ChatId::from_stored(row.try_get("group_id")?),
        kind: row
            .try_get::<String, _>("kind")?
            .parse()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        params: row.try_get("params")?,
        seed: row.try_get("seed")?,
        commitment: row.try_get("commitment")?,
        slots: row.try_get("slots")?,
        taken: row.try_get("taken")?,
        message_id: row.try_get("message_id")?,
        created_by: UserId::from_stored(row.try_get("created_by")?),
        created_at: row.try_get("created_at")?,
        opens_at: row.try_get("opens_at")?,
        opened_at: row.try_get("opened_at")?,
        closes_at: row.try_get("closes_at")?,
        closed_at: row.try_get("closed_at")?,
    })
}

/// Opens a draw; its id comes back.
pub async fn insert(conn: &mut AnyConnection, new: &NewDraw<'_>, now_ms: i64) -> sqlx::Result<i64> {
    sqlx::query(
        "INSERT INTO draws (group_id, kind, params, seed, commitment, slots, taken, created_by,
                            created_at, opened_at, closes_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10) RETURNING id",
    )
    .bind(new.group.as_str())
    .bind(new.kind.as_str())
    .bind(new.params)
    .bind(new.seed)
    .bind(new.commitment)
    .bind(new.slots)
    .bind(new.created_by.as_str())
    .bind(now_ms)
    .bind(new.open.then_some(now_ms))
    .bind(new.closes_at)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

/// Sets when a waiting draw opens and closes by itself; false when it has
/// opened or closed already.
pub async fn set_window(
    conn: &mut AnyConnection,
    id: i64,
    opens_at: i64,
    closes_at: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE draws SET opens_at = $2, closes_at = $3
         WHERE id = $1 AND opened_at IS NULL AND closed_at IS NULL",
    )
    .bind(id)
    .bind(opens_at)
    .bind(closes_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Opens a waiting draw; false when it was open already (so it is
/// announced once).
pub async fn mark_opened(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE draws SET opened_at = $2 WHERE id = $1 AND opened_at IS NULL AND closed_at IS NULL",
    )
    .bind(id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Draws due to open or to close by themselves at `now_ms`, oldest first.
pub async fn due(conn: &mut AnyConnection, now_ms: i64) -> sqlx::Result<Vec<Draw>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM draws WHERE closed_at IS NULL
           AND ((opened_at IS NULL AND opens_at <= $1) OR closes_at <= $1)
         ORDER BY id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .bind(now_ms)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(draw)
        .collect()
}

/// Takes the draw's row lock until the transaction ends, so commands that
/// change its results (a reroll) run one at a time.
pub async fn lock(conn: &mut AnyConnection, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE draws SET taken = taken WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A draw by id.
pub async fn get(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<Draw>> {
    let sql = format!("SELECT {COLUMNS} FROM draws WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .bind(id)
        .fetch_optional(conn)
        .await?
        .map(draw)
        .transpose()
}

/// A group's draw of one kind by id: what `/wheel close 3` and its kin
/// name. Another group's draw, or another kind, is not found.
pub async fn get_in(
    conn: &mut AnyConnection,
    group: &ChatId,
    kind: DrawKind,
    id: i64,
) -> sqlx::Result<Option<Draw>> {
    let sql = format!("SELECT {COLUMNS} FROM draws WHERE id = $1 AND group_id = $2 AND kind = $3");
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .bind(id)
        .bind(group.as_str())
        .bind(kind.as_str())
        .fetch_optional(conn)
        .await?
        .map(draw)
        .transpose()
}

/// The draw announced by a group's message (a Matrix reaction names only that).
pub async fn by_message(
    conn: &mut AnyConnection,
    group: &ChatId,
    message: &str,
) -> sqlx::Result<Option<Draw>> {
    let sql = format!("SELECT {COLUMNS} FROM draws WHERE group_id = $1 AND message_id = $2");
    one_by_message(conn, sql, group, message).await
}

/// The open draws of one kind, oldest first.
pub async fn open_of_kind(conn: &mut AnyConnection, kind: DrawKind) -> sqlx::Result<Vec<Draw>> {
    let sql =
        format!("SELECT {COLUMNS} FROM draws WHERE kind = $1 AND closed_at IS NULL ORDER BY id");
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .bind(kind.as_str())
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(draw)
        .collect()
}

/// Every draw, oldest first (for exports).
pub async fn all(conn: &mut AnyConnection) -> sqlx::Result<Vec<Draw>> {
    let sql = format!("SELECT {COLUMNS} FROM draws ORDER BY id");
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(draw)
        .collect()
}

/// A group's latest draws, newest first.
pub async fn recent(conn: &mut AnyConnection, group: &ChatId, n: i64) -> sqlx::Result<Vec<Draw>> {
    let sql = format!("SELECT {COLUMNS} FROM draws WHERE group_id = $1 ORDER BY id DESC LIMIT $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .bind(group.as_str())
        .bind(n)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(draw)
        .collect()
}

/// Notes the platform's id of a delivered announcement: the draw's latest,
/// and one of the messages its presses may come from.
pub async fn set_message_id(
    conn: &mut AnyConnection,
    group: &ChatId,
    id: i64,
    message: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE draws SET message_id = $2 WHERE id = $1")
        .bind(id)
        .bind(message)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO draw_messages (group_id, message_id, draw_id) VALUES ($1, $2, $3)
         ON CONFLICT (group_id, message_id) DO NOTHING",
    )
    .bind(group.as_str())
    .bind(message)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The draw a group's message announced, any of its announcements: a press
/// or reaction counts only on one of those.
pub async fn announced_by(
    conn: &mut AnyConnection,
    group: &ChatId,
    message: &str,
) -> sqlx::Result<Option<Draw>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM draws WHERE id =
           (SELECT draw_id FROM draw_messages WHERE group_id = $1 AND message_id = $2)"
    );
    one_by_message(conn, sql, group, message).await
}

/// The draw `sql` selects with a group (`$1`) and a message (`$2`).
async fn one_by_message(
    conn: &mut AnyConnection,
    sql: String,
    group: &ChatId,
    message: &str,
) -> sqlx::Result<Option<Draw>> {
    sqlx::query(sqlx::AssertSqlSafe(sql)) // only a constant column list is interpolated
        .bind(group.as_str())
        .bind(message)
        .fetch_optional(conn)
        .await?
        .map(draw)
        .transpose()
}

/// The member's entry in a draw, if they took part.
pub async fn entry_of(
    conn: &mut AnyConnection,
    id: i64,
    user: &UserId,
) -> sqlx::Result<Option<Entry>> {
    sqlx::query(
        "SELECT user_id, name, position, amount FROM draw_entries
         WHERE draw_id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?
    .map(entry)
    .transpose()
}

/// Takes the next free slot of an open draw; its position comes back, or
/// `None` when every slot is taken or the draw is closed. The caller must
/// then `enter` in the same transaction.
pub async fn take_slot(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Option<i64>> {
    let row = sqlx::query(
        "UPDATE draws SET taken = taken + 1
         WHERE id = $1 AND taken < slots AND opened_at IS NOT NULL AND closed_at IS NULL
         RETURNING taken",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| r.try_get::<i64, _>("taken").map(|t| t - 1))
        .transpose()
}

/// Records a member's entry; false when they already had one (the caller
/// rolls back, giving the slot back).
pub async fn enter(
    conn: &mut AnyConnection,
    id: i64,
    entry: &Entry,
    now_ms: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO draw_entries (draw_id, user_id, name, position, amount, at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (draw_id, user_id) DO NOTHING",
    )
    .bind(id)
    .bind(entry.user.as_str())
    .bind(entry.name.as_str())
    .bind(entry.position)
    .bind(entry.amount)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many entries got each outcome (a wheel's prize index): `(outcome,
/// count)`. Read under the draw's slot lock, it counts every earlier entry.
pub async fn tally(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query("SELECT outcome, n FROM draw_tally WHERE draw_id = $1")
        .bind(id)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| Ok((r.try_get("outcome")?, r.try_get("n")?)))
        .collect()
}

/// Counts one more entry with `outcome`, in the entry's transaction.
pub async fn count_outcome(conn: &mut AnyConnection, id: i64, outcome: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO draw_tally (draw_id, outcome, n) VALUES ($1, $2, 1)
         ON CONFLICT (draw_id, outcome) DO UPDATE SET n = draw_tally.n + 1",
    )
    .bind(id)
    .bind(outcome)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every entry of a draw, in the order members took part.
pub async fn entries(conn: &mut AnyConnection, id: i64) -> sqlx::Result<Vec<Entry>> {
    sqlx::query(
        "SELECT user_id, name, position, amount FROM draw_entries
         WHERE draw_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(entry)
    .collect()
}

/// Closes an open draw; false when it was closed already (so its results
/// are posted once).
pub async fn close(conn: &mut AnyConnection, id: i64, now_ms: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE draws SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
        .bind(id)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

fn entry(row: AnyRow) -> sqlx::Result<Entry> {
    Ok(Entry {
        user: UserId::from_stored(row.try_get("user_id")?),
        name: DisplayName::from_stored(row.try_get("name")?),
        position: row.try_get("position")?,
        amount: row.try_get("amount")?,
    })
}
