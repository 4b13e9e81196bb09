//! Each update stands alone: one that keeps failing is recorded and skipped,
//! so the updates behind it (joins, other groups' commands) still go through.
//!
//! A batch is first applied whole, which is the fast path. If it fails, its
//! updates are applied one at a time (what had committed is recognised by its
//! update key), each tried a few times with back-off; one that fails every
//! try is written to `failed_updates` together with its update key, so the
//! platform position can move past it and a restart does not try it again.
//! Only when even that record cannot be written (the database is away) does
//! the error reach the adapter, which then fetches the same updates again.

use anyhow::Context;

use super::{Action, Engine, Event, Incoming};
use crate::{
    domain::{ChatId, RichText, texts},
    store::{self, failures::Failure},
};

impl Engine {
    /// Applies a batch of updates in platform order, each standing alone.
    /// An `Err` means nothing of the failed part could be recorded (not even
    /// as failed): the caller must not confirm the batch, and retries it.
    #[tracing::instrument(skip_all, fields(events = batch.len()))]
    pub async fn handle_batch(&self, mut batch: Vec<Incoming>) -> anyhow::Result<()> {
        if batch.len() <= 1 {
            return match batch.pop() {
                Some(incoming) => self.apply_alone(incoming).await,
                None => Ok(()),
            };
        }
        let whole = batch.clone();
        let Err(e) = self.apply_batch(batch).await else {
            return Ok(());
        };
        tracing::warn!(error = ?e, "a batch of updates failed; applying them one at a time");
        for incoming in whole {
            self.apply_alone(incoming).await?;
        }
        Ok(())
    }

    /// Applies one update, tried a few times with back-off; the last
    /// failure is recorded, and the asker told, instead of returned.
    async fn apply_alone(&self, incoming: Incoming) -> anyhow::Result<()> {
        let what = format!("update {}", incoming.key);
        match super::retry::with_backoff(&what, || self.apply_batch(vec![incoming.clone()])).await {
            Ok(()) => Ok(()),
            Err(e) => self.record_failure(&incoming, &e).await,
        }
    }

    /// Writes the failure with the update's key, and a short apology to a
    /// command's asker, in one transaction.
    pub(crate) async fn record_failure(
        &self,
        incoming: &Incoming,
        error: &anyhow::Error,
    ) -> anyhow::Result<()> {
        tracing::error!(key = %incoming.key, error = ?error, "an update failed every try; recorded and skipped");
        let (chat, what) = describe(&incoming.event);
        let failure = Failure {
            key: incoming.key.clone(),
            chat: chat.cloned(),
            what,
            cause: format!("{error:#}"),
            at_ms: self.now_ms(),
        };
        let asker = match &incoming.event {
            Event::Command {
                chat, group, from, ..
            } => Some((chat, group, from)),
            _ => None,
        };
        let mut tx = self.store.begin().await?;
        let new = self.write_failure(&mut tx, &failure).await?;
        if new && let Some((chat, group, from)) = asker {
            let lang = match group {
                Some(info) => store::groups::get(&mut tx, &info.id).await?.map(|g| g.lang),
                None => None,
            }
            .or(from.lang)
            .unwrap_or(self.settings.default_lang);
            let text = RichText::plain(texts::command_failed(lang, &failure.what));
            self.enqueue(&mut tx, chat, &Action::Send { text }).await?;
        }
        tx.commit()
            .await
            .context("committing a failed update's record")?;
        self.work.notify_waiters();
        Ok(())
    }

    /// Records something an adapter gave up on before it became an event (a
    /// room it was invited to but could not join), for the operator's list.
    pub async fn record_platform_failure(
        &self,
        key: &str,
        chat: Option<&ChatId>,
        what: &str,
        error: &anyhow::Error,
    ) -> anyhow::Result<()> {
        tracing::error!(key, error = ?error, "{what} failed every try; recorded and skipped");
        let failure = Failure {
            key: key.to_owned(),
            chat: chat.cloned(),
            what: what.to_owned(),
            cause: format!("{error:#}"),
            at_ms: self.now_ms(),
        };
        let mut tx = self.store.begin().await?;
        self.write_failure(&mut tx, &failure).await?;
        tx.commit().await.context("committing a failure's record")
    }

    /// The failure and its update key, so a restart never tries it again.
    async fn write_failure(
        &self,
        conn: &mut sqlx::AnyConnection,
        failure: &Failure,
    ) -> anyhow::Result<bool> {
        store::updates::claim(conn, &failure.key, failure.at_ms).await?;
        store::failures::record(conn, failure)
            .await
            .context("recording a failed update")
    }
}

/// Where an update came from and what it was, for the operator's list: a
/// command by its name (its arguments may be a stranger's junk).
fn describe(event: &Event) -> (Option<&ChatId>, String) {
    match event {
        Event::Command { chat, text, .. } => (
            Some(chat),
            text.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
        Event::MemberJoined { group, .. } => (Some(&group.id), "a join".to_owned()),
        Event::MemberLeft { group, .. } => (Some(group), "a leave".to_owned()),
        Event::JoinRequested { group, .. } => (Some(&group.id), "a join request".to_owned()),
        Event::Invited { group, .. } => (Some(&group.id), "an invite".to_owned()),
        Event::DirectOpened { chat, .. } => (Some(chat), "a direct chat opened".to_owned()),
        Event::BotJoined { group, .. } => (Some(&group.id), "the bot added".to_owned()),
        Event::BotRightsChanged { group, .. } => (Some(group), "the bot's rights".to_owned()),
        Event::BotLeft { group } => (Some(group), "the bot removed".to_owned()),
        Event::StandingChanged { group, .. } => (Some(group), "a role change".to_owned()),
        Event::Message { group, .. } => (Some(group), "a message".to_owned()),
        Event::Pressed { chat, .. } => (Some(chat), "a button or reaction".to_owned()),
        Event::Document { chat, .. } => (Some(chat), "a file".to_owned()),
    }
}

/// Failures `/status` lists under its figures.
const STATUS_FAILURES: i64 = 3;

/// A day, the window of `/status`'s failure count.
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl Engine {
    /// `/status` in private, for operators: groups served, the outbox's
    /// depth, and the updates given up on lately, the newest first.
    pub(crate) async fn status_report(
        &self,
        operator: &crate::domain::UserId,
        lang: crate::domain::Lang,
    ) -> anyhow::Result<RichText> {
        let mut conn = self.store.connection().await?;
        let groups = store::groups::owned_by(&mut conn, operator).await?.len();
        let waiting = store::outbox::pending_count(&mut conn).await?;
        let failed = store::failures::count_since(&mut conn, self.now_ms() - DAY_MS).await?;
        let latest = store::failures::latest(&mut conn, STATUS_FAILURES).await?;
        let mut text = texts::status_report(lang, groups, waiting, failed);
        if !latest.is_empty() {
            text.push_str(texts::status_latest_failures(lang));
        }
        for failure in latest {
            let at = chrono::DateTime::from_timestamp_millis(failure.at_ms)
                .map(|t| t.format("%m-%d %H:%M UTC").to_string())
                .unwrap_or_default();
            let cause = failure.cause.lines().next().unwrap_or_default();
            text.push_str(&format!(
                "\n{at} · {} · {}",
                failure.what,
                texts::short_reason(cause)
            ));
        }
        Ok(RichText::plain(text))
    }
}
