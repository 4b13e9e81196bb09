//! Registered groups and their settings.

use std::collections::HashMap;

use sqlx::{AnyConnection, AssertSqlSafe, Row, any::AnyRow};

use super::bulk::{self, Col};

use crate::domain::{ChatId, Lang, UserId, lang::UnknownLang};

/// A group Hearth serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: ChatId,
    pub title: String,
    pub owner: UserId,
    pub lang: Lang,
    pub timezone: chrono_tz::Tz,
    pub public_handle: Option<String>,
    pub can_invite: bool,
    pub active: bool,
    pub welcome_template: Option<String>,
    /// Least seconds between two welcome messages here (`/welcomepace`);
    /// `None` follows the bot's `HEARTH_GREET_INTERVAL_SECS`.
    pub welcome_pace: Option<u32>,
}

fn from_row(row: &AnyRow) -> sqlx::Result<Group> {
    // A stored value that does not read back is an error, never a default:
    // a group silently in English or in UTC would post at the wrong time
    // in the wrong words.
    let decode = |e: Box<dyn std::error::Error + Send + Sync>| sqlx::Error::Decode(e);
    let lang: String = row.try_get("lang")?;
    let zone: String = row.try_get("timezone")?;
    Ok(Group {
        id: ChatId::from_stored(row.try_get("id")?),
        title: row.try_get("title")?,
        owner: UserId::from_stored(row.try_get("owner")?),
        lang: lang.parse().map_err(|e: UnknownLang| decode(e.into()))?,
        timezone: zone
            .parse()
            .map_err(|_| decode(format!("`{zone}` is not a time zone").into()))?,
        public_handle: row.try_get("public_handle")?,
        can_invite: super::flag(row, "can_invite")?,
        active: super::flag(row, "active")?,
        welcome_template: row.try_get("welcome_template")?,
        welcome_pace: row
            .try_get::<Option<i64>, _>("welcome_pace_secs")?
            .map(|secs| u32::try_from(secs).map_err(|e| decode(e.into())))
            .transpose()?,
    })
}

/// The group, registered or not, active or not.
pub async fn get(conn: &mut AnyConnection, id: &ChatId) -> sqlx::Result<Option<Group>> {
    Ok(get_many(conn, std::slice::from_ref(id)).await?.remove(id))
}

/// The groups among `ids` that were ever registered, by id.
pub async fn get_many(
    conn: &mut AnyConnection,
    ids: &[ChatId],
) -> sqlx::Result<HashMap<ChatId, Group>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted = bulk::rows(conn, 1, "w", &[Col::Text("id")]);
    let sql = format!(
        "SELECT g.id, g.title, g.owner, g.lang, g.timezone, g.public_handle, g.can_invite, g.active,
                g.welcome_template, g.welcome_pace_secs
         FROM {wanted} JOIN groups g ON g.id = w.id"
    );
    let json: Vec<[&str; 1]> = ids.iter().map(|id| [id.as_str()]).collect();
    sqlx::query(AssertSqlSafe(sql)) // only trusted table text is interpolated
        .bind(bulk::json(&json))
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| from_row(row).map(|g| (g.id.clone(), g)))
        .collect()
}

/// Registers a group, or re-activates it keeping its settings; `zone_chosen`
/// says whether its zone is one the operator chose (HEARTH_TIMEZONE) rather
/// than UTC for want of one.
pub async fn register(
    conn: &mut AnyConnection,
    group: &Group,
    zone_chosen: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO groups (id, title, owner, lang, timezone, public_handle, can_invite, active,
                             welcome_template, next_greet_at, registered_at, zone_chosen)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, NULL, 0, $8, $9)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, public_handle = excluded.public_handle,
                                        can_invite = excluded.can_invite, active = 1",
    )
    .bind(group.id.as_str())
    .bind(&group.title)
    .bind(group.owner.as_str())
    .bind(group.lang.code())
    .bind(group.timezone.name())
    .bind(group.public_handle.as_deref())
    .bind(i64::from(group.can_invite))
    .bind(now_ms)
    .bind(i64::from(zone_chosen))
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the group's time zone was chosen: schedule commands ask for it
/// until it is.
pub async fn zone_chosen(conn: &mut AnyConnection, id: &ChatId) -> sqlx::Result<bool> {
    let row = sqlx::query("SELECT zone_chosen FROM groups WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.map_or(Ok(true), |row| super::flag(&row, "zone_chosen"))
}

/// Marks the group inactive (the bot was removed); its history stays.
pub async fn deactivate(conn: &mut AnyConnection, id: &ChatId) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET active = 0 WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Records whether the bot may create invite links.
pub async fn set_can_invite(conn: &mut AnyConnection, id: &ChatId, can: bool) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET can_invite = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(i64::from(can))
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the title and public handle current.
pub async fn refresh_info(
    conn: &mut AnyConnection,
    id: &ChatId,
    title: &str,
    handle: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET title = $2, public_handle = $3 WHERE id = $1")
        .bind(id.as_str())
        .bind(title)
        .bind(handle)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_welcome(
    conn: &mut AnyConnection,
    id: &ChatId,
    template: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET welcome_template = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(template)
        .execute(conn)
        .await?;
    Ok(())
}

/// `None` goes back to the bot's default pace.
pub async fn set_welcome_pace(
    conn: &mut AnyConnection,
    id: &ChatId,
    secs: Option<u32>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET welcome_pace_secs = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(secs.map(i64::from))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_lang(conn: &mut AnyConnection, id: &ChatId, lang: Lang) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET lang = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(lang.code())
        .execute(conn)
        .await?;
    Ok(())
}

/// Ids of the active groups an operator owns.
pub async fn owned_by(conn: &mut AnyConnection, owner: &UserId) -> sqlx::Result<Vec<ChatId>> {
    let rows = sqlx::query("SELECT id FROM groups WHERE owner = $1 AND active = 1 ORDER BY id")
        .bind(owner.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("id").map(ChatId::from_stored))
        .collect()
}

/// The active groups `owner` owns, in id order (as [`owned_by`]).
pub async fn owned(conn: &mut AnyConnection, owner: &UserId) -> sqlx::Result<Vec<Group>> {
    let ids = owned_by(conn, owner).await?;
    let mut groups = get_many(conn, &ids).await?;
    Ok(ids.iter().filter_map(|id| groups.remove(id)).collect())
}

/// Ids of all active groups (the engine caches them to filter events fast).
pub async fn active_ids(conn: &mut AnyConnection) -> sqlx::Result<Vec<ChatId>> {
    let rows = sqlx::query("SELECT id FROM groups WHERE active = 1")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("id").map(ChatId::from_stored))
        .collect()
}

/// Pushes the group's next allowed greeting time forward.
pub async fn set_next_greet_at(
    conn: &mut AnyConnection,
    id: &ChatId,
    at_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET next_greet_at = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(at_ms)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_timezone(
    conn: &mut AnyConnection,
    id: &ChatId,
    zone: chrono_tz::Tz,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE groups SET timezone = $2, zone_chosen = 1 WHERE id = $1")
        .bind(id.as_str())
        .bind(zone.name())
        .execute(conn)
        .await?;
    Ok(())
}
