//! Reply-to-confirm: members answer a notice with its phrase (or reply to it)
//! and are counted once each, silently, until the next post of the series.
//!
//! Group chatter is the busiest input there is, so the open notices live in
//! memory and a message that confirms nothing costs no query.

use std::collections::{HashMap, HashSet};

use sqlx::AnyConnection;

use crate::engine::{Engine, Person};
use crate::{
    domain::{ChatId, UserId},
    rituals::schedules::store::OpenConfirm,
    store,
};

/// Open notices per group.
pub(crate) type Confirms = HashMap<ChatId, Vec<OpenConfirm>>;

/// Loads the open notices at start.
pub(crate) async fn load(conn: &mut AnyConnection) -> sqlx::Result<Confirms> {
    let mut map = Confirms::new();
    for open in crate::rituals::schedules::store::open_confirms(conn).await? {
        map.entry(open.group.clone()).or_default().push(open);
    }
    Ok(map)
}

/// Whether `text` confirms with `phrase`: the phrase alone, give or take
/// spaces, case and trailing punctuation ("收到！", "ok.").
pub fn confirms(text: &str, phrase: &str) -> bool {
    let trim = |s: &str| {
        s.trim()
            .trim_end_matches(['!', '！', '.', '。', '~', '～'])
            .trim()
            .to_lowercase()
    };
    !phrase.trim().is_empty() && trim(text) == trim(phrase)
}

impl Engine {
    /// A new post of a series opens its count and closes the previous one's.
    pub(crate) fn confirm_opened(&self, open: OpenConfirm) {
        let mut map = self
            .memory()
            .confirms
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let list = map.entry(open.group.clone()).or_default();
        list.retain(|o| o.schedule != open.schedule);
        list.push(open);
    }

    /// The post's message is known once delivered, so replies to it count.
    pub(crate) fn confirm_delivered(&self, post: i64, message: String) {
        let mut map = self
            .memory()
            .confirms
            .write()
            .unwrap_or_else(|e| e.into_inner());
        for open in map.values_mut().flatten() {
            if open.post == post {
                open.message_id = Some(message);
                return;
            }
        }
    }

    /// A deleted schedule counts no more.
    pub(crate) fn confirm_closed(&self, schedule: i64) {
        let mut map = self
            .memory()
            .confirms
            .write()
            .unwrap_or_else(|e| e.into_inner());
        for list in map.values_mut() {
            list.retain(|o| o.schedule != schedule);
        }
    }

    /// The posts a group message confirms.
    pub(crate) fn confirmed_posts(
        &self,
        group: &ChatId,
        text: &str,
        reply_to: Option<&str>,
    ) -> Vec<i64> {
        let map = self
            .memory()
            .confirms
            .read()
            .unwrap_or_else(|e| e.into_inner());
        map.get(group)
            .into_iter()
            .flatten()
            .filter(|o| {
                confirms(text, &o.phrase)
                    || reply_to.is_some_and(|r| o.message_id.as_deref() == Some(r))
            })
            .map(|o| o.post)
            .collect()
    }

    /// Records the confirmations found in a batch, with the members' names
    /// for `/acks`.
    pub(crate) async fn record_acks(
        &self,
        conn: &mut AnyConnection,
        acks: &[(i64, Person)],
    ) -> anyhow::Result<()> {
        // One row per member and per confirmation: PostgreSQL refuses an
        // upsert that touches a row twice in one statement.
        let mut users: HashMap<&UserId, &Person> = HashMap::new();
        let mut pairs: HashSet<(i64, UserId)> = HashSet::new();
        for (post, person) in acks {
            users.insert(&person.id, person);
            pairs.insert((*post, person.id.clone()));
        }
        let users: Vec<_> = users.values().map(|p| p.seen()).collect();
        store::members::upsert_users(conn, &users).await?;
        let acks: Vec<(i64, UserId)> = pairs.into_iter().collect();
        crate::rituals::schedules::store::add_acks(conn, &acks, self.now_ms()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::confirms;

    #[test]
    fn the_phrase_alone_confirms() {
        assert!(confirms("收到", "收到"));
        assert!(confirms(" 收到！", "收到"));
        assert!(confirms("OK.", "ok"));
        assert!(!confirms("收到了吗", "收到"));
        assert!(!confirms("没收到", "收到"));
        assert!(!confirms("", ""));
    }
}
