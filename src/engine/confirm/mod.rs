//! Commands that destroy what cannot be had back wait for their sender's
//! Confirm ([`Command::destructive`]): a broadcast to everyone, a schedule
//! deleted, a campaign stopped, a giveaway closed early, screening reset.
//!
//! The command is answered with a preview and Confirm/Cancel buttons (on
//! Matrix, the bot's own ✅ under the prompt, for the sender to press) and
//! kept, as typed, in `pending_confirmations`. A Confirm from the sender
//! within [`WINDOW_MS`] runs it again, through the same access checks as
//! when it was typed, and settles it in the transaction that applies it: a
//! second press, a replayed update or a press by anyone else changes
//! nothing.

mod texts;

use async_trait::async_trait;
use rand::{Rng, distributions::Alphanumeric};

use super::{
    Action, Button, Engine, GroupInfo, Person,
    commands::{Outcome, Via},
    effect::{Cx, Effect},
};
use crate::{
    domain::{ChatId, Lang, RichText},
    rituals::command::Command,
    store::{self, confirmations::Pending, outbox::Lane},
};

/// Telegram's Confirm button sends this and the token.
const CONFIRM_PREFIX: &str = "ok:";
/// Telegram's Cancel button.
const CANCEL_PREFIX: &str = "no:";
/// Matrix's stand-in for Confirm: the sender's ✅ on the prompt.
const CONFIRM_REACTION: &str = "✅";
/// How long a prompt waits for its Confirm.
const WINDOW_MS: i64 = 2 * 60 * 1000;

/// Whether a press answers a prompt to confirm; those run in their chat's
/// lane, like the command they confirm.
pub(crate) fn answers_prompt(button: &str) -> bool {
    button.starts_with(CONFIRM_PREFIX)
        || button.starts_with(CANCEL_PREFIX)
        || button == CONFIRM_REACTION
}

/// A press on a prompt, as the sender meant it.
enum Answer {
    Confirm,
    Cancel,
}

impl Engine {
    /// Answers a destructive command with its preview and buttons, and
    /// keeps it until confirmed.
    pub(crate) fn ask_to_confirm(
        &self,
        command: &Command,
        chat: &ChatId,
        group: Option<&ChatId>,
        from: &Person,
        typed: &str,
        lang: Lang,
    ) -> Outcome {
        let token: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(16)
            .map(char::from)
            .collect();
        let buttons = self.has_buttons(chat.platform());
        let mut prompt = RichText::plain(texts::preview(lang, command, group.is_some()));
        prompt.push_text(texts::how_to_confirm(lang, buttons));
        let rows = vec![vec![
            Button {
                label: texts::confirm_label(lang).to_owned(),
                data: format!("{CONFIRM_PREFIX}{token}"),
                reaction: CONFIRM_REACTION.to_owned(),
            },
            Button {
                label: texts::cancel_label(lang).to_owned(),
                data: format!("{CANCEL_PREFIX}{token}"),
                reaction: String::new(),
            },
        ]];
        let pending = Pending {
            token: token.clone(),
            chat: chat.clone(),
            group: group.cloned(),
            requester: from.id.clone(),
            command: typed.to_owned(),
            asked_at: self.now_ms(),
            settled: false,
        };
        Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(Ask {
                pending,
                prompt,
                rows,
            })),
        }
    }

    /// A press on a prompt (or a ✅ on Matrix): the sender's Confirm runs
    /// the command, their Cancel drops it, anyone else's press is ignored.
    #[allow(clippy::too_many_arguments)] // the press as it came
    pub(crate) async fn prompt_pressed(
        &self,
        key: &str,
        chat: ChatId,
        from: Person,
        button: &str,
        message: Option<&str>,
        query: Option<&str>,
        topic: Option<String>,
    ) -> anyhow::Result<()> {
        let mut conn = self.store.connection().await?;
        let (pending, answer) = if let Some(token) = button.strip_prefix(CONFIRM_PREFIX) {
            (
                store::confirmations::get(&mut conn, token).await?,
                Answer::Confirm,
            )
        } else if let Some(token) = button.strip_prefix(CANCEL_PREFIX) {
            (
                store::confirmations::get(&mut conn, token).await?,
                Answer::Cancel,
            )
        } else {
            let Some(message) = message else {
                return Ok(());
            };
            let pending = store::confirmations::by_prompt(&mut conn, &chat, message).await?;
            (pending, Answer::Confirm)
        };
        let group = match pending.as_ref().and_then(|p| p.group.as_ref()) {
            Some(id) => store::groups::get(&mut conn, id).await?,
            None => None,
        };
        drop(conn);
        let lang = group
            .as_ref()
            .map(|g| g.lang)
            .or(from.lang)
            .unwrap_or(self.settings.default_lang);
        let port = self.port(chat.platform())?;
        let tell = |text: &'static str| async move {
            if let Some(query) = query {
                port.answer_press(query, text, None).await?;
            }
            anyhow::Ok(())
        };
        // Someone else's press, or one on another chat's prompt, is not
        // the sender's word: it only learns why nothing happened.
        let Some(pending) = pending.filter(|p| p.chat == chat) else {
            return tell(texts::unknown(lang)).await;
        };
        if pending.requester != from.id {
            return tell(texts::not_yours(lang)).await;
        }
        if pending.settled {
            return tell(texts::settled(lang)).await;
        }
        let now = self.now_ms();
        let expired = now - pending.asked_at > WINDOW_MS;
        if expired || matches!(answer, Answer::Cancel) {
            let reply = if expired {
                texts::expired(lang)
            } else {
                texts::cancelled(lang)
            };
            let settle = Settle {
                token: pending.token.clone(),
                lang,
                inner: None,
            };
            tell(reply).await?;
            let routing = super::answers::Routing::here_in(topic);
            return self
                .answer(
                    key,
                    &chat,
                    &from,
                    RichText::plain(reply),
                    Some(Box::new(settle)),
                    None,
                    routing,
                )
                .await;
        }
        tell(texts::confirmed(lang)).await?;
        let info = group.map(|g| GroupInfo {
            id: g.id,
            title: g.title,
            public_handle: g.public_handle,
        });
        let via = Via::Confirmed(pending.token);
        self.run_command(key, chat, info, from, pending.command, via, topic)
            .await
    }
}

/// The prompt, written with the command it holds.
struct Ask {
    pending: Pending,
    prompt: RichText,
    rows: Vec<Vec<Button>>,
}

#[async_trait]
impl Effect for Ask {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        let Ask {
            pending,
            prompt,
            rows,
        } = *self;
        store::confirmations::insert(cx.conn, &pending).await?;
        let action = Action::Confirm {
            token: pending.token,
            text: prompt,
            rows,
        };
        cx.engine
            .enqueue_at(cx.conn, cx.answer_to, cx.answer_topic, &action, Lane::Owed)
            .await?;
        Ok(None)
    }

    fn changes(&self) -> bool {
        false
    }
}

/// Settles a prompt in the transaction that runs (or drops) its command; a
/// prompt settled already leaves the command undone and says so.
pub(crate) struct Settle {
    pub(crate) token: String,
    pub(crate) lang: Lang,
    pub(crate) inner: Option<Box<dyn Effect>>,
}

#[async_trait]
impl Effect for Settle {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        if !store::confirmations::settle(cx.conn, &self.token, cx.now).await? {
            return Ok(Some(RichText::plain(texts::settled(self.lang))));
        }
        match self.inner {
            Some(inner) => inner.apply(cx).await,
            None => Ok(None),
        }
    }

    fn changes(&self) -> bool {
        self.inner.as_ref().is_some_and(|e| e.changes())
    }

    fn registers(&self) -> Option<&ChatId> {
        self.inner.as_ref().and_then(|e| e.registers())
    }
}
