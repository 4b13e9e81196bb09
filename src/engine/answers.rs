//! How members' own commands (`/top`, `/myinvites`, `/help`…) are answered
//! in a group, so that one member cannot fill the group's sending budget:
//! each member and command is answered at most once a minute (the setting
//! `HEARTH_ANSWER_AGAIN_SECS`); an answer that
//! concerns only the asker goes to their private chat when they have started
//! the bot; and what is left for the group waits behind what the group is
//! owed (greetings, scheduled posts, draw results).

use super::{Engine, Person, roles::Role};
use crate::{
    domain::{ChatId, texts},
    store::{self, groups::Group, outbox::Lane},
};

/// Members' recent commands remembered at once (about 120 bytes each). A
/// forgotten one, or a restart, costs at most one more answer.
pub(crate) const ASKED_CACHE: usize = 20_000;

/// Where a command's answer goes, and in which lane of that chat's outbox.
#[derive(Debug, Clone)]
pub(crate) struct Routing {
    /// `None`: the chat the command came from.
    pub(crate) to: Option<ChatId>,
    pub(crate) lane: Lane,
    /// Put before the answer: the group an answer taken to private is about,
    /// since the member may be in several.
    pub(crate) heading: Option<String>,
    /// The forum topic (on Matrix, the thread) the command came from: the
    /// answer goes there when it stays in that chat.
    pub(crate) topic: Option<String>,
}

impl Routing {
    /// Back where it was asked, ahead of answers: admins, operators, private
    /// chats.
    pub(crate) const HERE: Routing = Routing {
        to: None,
        lane: Lane::Owed,
        heading: None,
        topic: None,
    };

    /// [`Self::HERE`], in the forum topic the command came from.
    pub(crate) fn here_in(topic: Option<String>) -> Routing {
        Routing {
            topic,
            ..Routing::HERE
        }
    }

    /// Whether the answer leaves the chat it was asked in.
    pub(crate) fn goes_private(&self) -> bool {
        self.to.is_some()
    }
}

/// Commands whose answer is about the asker alone, so it may as well reach
/// them in private.
fn concerns_only_asker(name: &str) -> bool {
    matches!(name, "start" | "help" | "invite" | "myinvites" | "mycodes")
}

impl Engine {
    /// Whether a member was answered this command in this group less than
    /// a minute ago; admins and operators never wait.
    pub(crate) fn answered_lately(
        &self,
        group: &ChatId,
        from: &Person,
        role: Role,
        name: &str,
    ) -> bool {
        if role != Role::Member {
            return false;
        }
        let gap = self.settings.answer_again.as_millis() as i64;
        let now = self.now_ms();
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        let key = (group.clone(), from.id.clone(), name.to_owned());
        asked.get(&key).is_some_and(|&at| now - at < gap)
    }

    /// Notes that a member was answered, once the answer is queued (so a
    /// try that failed and is retried is still answered).
    pub(crate) fn note_answered(&self, group: &ChatId, from: &Person, role: Role, name: &str) {
        if role != Role::Member {
            return;
        }
        let now = self.now_ms();
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        asked.insert((group.clone(), from.id.clone(), name.to_owned()), now);
    }

    /// Where the answer to a command typed in `group` goes: a member's
    /// answer about themselves (and anyone's `/help`) to their private chat
    /// when they opened one, any other member's answer behind what the
    /// group is owed.
    pub(crate) async fn routing(
        &self,
        group: &Group,
        from: &Person,
        role: Role,
        name: &str,
    ) -> anyhow::Result<Routing> {
        // Admins' help is long: it goes to their private chat too, and
        // their other answers stay where the group can see them.
        let private = concerns_only_asker(name) && (role == Role::Member || name == "help");
        if private {
            let mut conn = self.store.connection().await?;
            if store::members::has_private_chat(&mut conn, &from.id).await? {
                return Ok(Routing {
                    to: Some(ChatId::private_with(&from.id)),
                    lane: Lane::Owed,
                    heading: Some(texts::about_group(group.lang, &group.title)),
                    topic: None,
                });
            }
        }
        if role != Role::Member {
            return Ok(Routing::HERE);
        }
        Ok(Routing {
            to: None,
            lane: Lane::Answer,
            heading: None,
            topic: None,
        })
    }
}
