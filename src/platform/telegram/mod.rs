//! The Telegram adapter, over teloxide's Bot API client.
//!
//! Polling is our own loop rather than teloxide's dispatcher: a batch from
//! `getUpdates` is applied by the engine in one transaction *before* the next
//! `getUpdates` confirms it, so a crash never loses an update, and the engine's
//! update keys make the re-delivery after a crash harmless.

pub mod checkup;
mod port;
mod render;
mod translate;

use std::{sync::Arc, time::Duration};

use self::port::in_telegrams_words;
use anyhow::Context;
use secrecy::ExposeSecret;
use teloxide::{
    payloads::{GetUpdatesSetters, SetMyCommandsSetters},
    prelude::Requester,
    types::{AllowedUpdate, BotCommand, BotCommandScope},
};

pub use render::to_html;

use crate::{
    config::TelegramSettings,
    domain::{ChatId, Lang, UserId},
    engine::Engine,
    rituals,
};

/// Seconds a `getUpdates` call waits for news.
const POLL_TIMEOUT_SECS: u32 = 25;

/// A connected Telegram bot.
pub struct Telegram {
    /// Sends and asks; its requests time out after the configured timeout.
    bot: teloxide::Bot,
    /// Long-polls `getUpdates`; its timeout outlasts the poll.
    poller: teloxide::Bot,
    me: UserId,
    username: String,
}

impl Telegram {
    /// Connects with `getMe` and registers the command menus. teloxide strips
    /// the token-bearing URL from its network errors, so its errors are safe
    /// to log; the `Bot` itself is never logged (its `Debug` shows the token).
    #[tracing::instrument(skip_all, fields(api = %settings.api_url))]
    pub async fn connect(settings: &TelegramSettings) -> anyhow::Result<Arc<Self>> {
        let connect =
            |timeout| -> anyhow::Result<teloxide::Bot> {
                Ok(teloxide::Bot::with_client(
                    settings.token.expose_secret(),
                    reqwest_client(timeout)?,
                )
                .set_api_url(settings.api_url.clone()))
            };
        let bot = connect(settings.request_timeout)?;
        // The long poll's client must outlast the poll.
        let poller = connect(Duration::from_secs(u64::from(POLL_TIMEOUT_SECS) + 10))?;
        // No answer and a "no" are told apart: blaming the token for a
        // network that is down sends the operator the wrong way.
        let me = bot.get_me().await.map_err(|e| match checkup::Refusal::of(e) {
            checkup::Refusal::Unreachable(why) => anyhow::anyhow!(
                "could not reach Telegram at {}: {why}; check the network (or HEARTH_TELEGRAM_API_URL)",
                settings.api_url
            ),
            checkup::Refusal::Refused(why) => anyhow::anyhow!(
                "Telegram refused the token ({why}); check HEARTH_TELEGRAM_TOKEN (from @BotFather)"
            ),
        })?;
        let this = Arc::new(Self {
            me: translate::user_id(&me.user),
            username: me.username().to_owned(),
            bot,
            poller,
        });
        this.register_commands().await?;
        tracing::info!(bot = %this.username, "connected to Telegram");
        Ok(this)
    }

    /// Members see member commands; admins see admin commands too, in each
    /// user's language (Chinese for `zh` clients, English otherwise).
    async fn register_commands(&self) -> anyhow::Result<()> {
        let menu = |lang: Lang, admin: bool| -> Vec<BotCommand> {
            let mut lines = rituals::help_lines(lang, false);
            if admin {
                lines.extend(rituals::help_lines(lang, true));
            }
            lines
                .into_iter()
                .map(|(command, about)| BotCommand::new(command, about))
                .collect()
        };
        for (lang, code) in [(Lang::En, None), (Lang::Zh, Some("zh"))] {
            for admin in [false, true] {
                let mut req = self.bot.set_my_commands(menu(lang, admin));
                if admin {
                    req = req.scope(BotCommandScope::AllChatAdministrators);
                }
                if let Some(code) = code {
                    req = req.language_code(code);
                }
                req.await.context("registering the command menu")?;
            }
        }
        Ok(())
    }

    /// Feeds updates to the engine until the task is dropped.
    pub async fn run_polling(self: Arc<Self>, engine: Arc<Engine>) -> anyhow::Result<()> {
        let mut offset: i32 = 0;
        let mut backoff = Duration::from_millis(500);
        loop {
            let updates = self
                .poller
                .get_updates()
                .offset(offset)
                .timeout(POLL_TIMEOUT_SECS)
                .allowed_updates([
                    AllowedUpdate::Message,
                    AllowedUpdate::ChatMember,
                    AllowedUpdate::MyChatMember,
                    AllowedUpdate::ChatJoinRequest,
                    AllowedUpdate::CallbackQuery,
                ])
                .await;
            let updates = match updates {
                Ok(updates) => updates,
                Err(e) => {
                    tracing::warn!(error = ?anyhow::Error::from(e), ?backoff, "getUpdates failed; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                    continue;
                }
            };
            let Some(last) = updates.last().map(|u| u.id.0) else {
                continue;
            };
            let batch = updates
                .iter()
                .flat_map(|u| translate::translate(u, &self.me))
                .collect();
            match engine.handle_batch(batch).await {
                Ok(()) => {
                    offset = last as i32 + 1;
                    backoff = Duration::from_millis(500);
                }
                Err(e) => {
                    // Not confirmed: the same batch comes again, and what did
                    // commit is recognised by its update keys.
                    tracing::error!(error = ?e, ?backoff, "applying updates failed; will retry them");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(30));
                }
            }
        }
    }

    fn chat(chat: &ChatId) -> Result<teloxide::types::ChatId, anyhow::Error> {
        chat.as_telegram()
            .map(teloxide::types::ChatId)
            .with_context(|| format!("{chat} is not a Telegram chat"))
    }

    fn user(user: &UserId) -> Result<teloxide::types::UserId, anyhow::Error> {
        user.as_telegram()
            .and_then(|id| u64::try_from(id).ok())
            .map(teloxide::types::UserId)
            .with_context(|| format!("{user} is not a Telegram user"))
    }

    /// `user` in `group` as `getChatMember` shows them (role and presence).
    async fn member(
        &self,
        group: &ChatId,
        user: &UserId,
    ) -> anyhow::Result<teloxide::types::ChatMember> {
        self.bot
            .get_chat_member(Self::chat(group)?, Self::user(user)?)
            .await
            .map_err(in_telegrams_words)
            .context("getChatMember")
    }
}

fn reqwest_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5).min(timeout))
        .timeout(timeout)
        .build()
        .context("building the HTTP client")
}
