//! Commands from members, admins and operators.
//!
//! A command may ask the platform something (is this an admin? make a link),
//! so it runs outside the batch transaction: first a check that the update is
//! not a replay, then the platform calls, then one transaction that records
//! the update, any fact, and the reply.

use anyhow::Context;
use sqlx::AnyConnection;

use super::{
    Action, Engine, GroupInfo, Person,
    answers::Routing,
    audit::AuditNote,
    confirm::Settle,
    effect::{Cx, Effect},
    roles::Role,
};
use crate::{
    domain::{
        ChatId, RichText,
        command::{Access, Invocation},
    },
    rituals::{self, command::Command},
    store::{self, groups::Group, outbox::Lane},
};

/// How a command came.
pub(crate) enum Via {
    /// Typed in its chat.
    Typed,
    /// Typed before, held for a Confirm, and confirmed now by its sender
    /// with the prompt of this token.
    Confirmed(String),
    /// Pressed on a button ([`super::buttons`]) in `pressed_in`, which
    /// may be a private chat: it runs in the button's group.
    Button { pressed_in: ChatId },
}

/// What a command leads to, before it is written down.
pub(crate) struct Outcome {
    pub(crate) reply: RichText,
    pub(crate) effect: Option<Box<dyn Effect>>,
}

impl From<RichText> for Outcome {
    fn from(reply: RichText) -> Self {
        Self {
            reply,
            effect: None,
        }
    }
}

/// A reply of plain text that changes nothing: an answer, or the sentence
/// saying why a command was refused.
pub(crate) fn say(text: impl Into<String>) -> Outcome {
    RichText::plain(text.into()).into()
}

impl Engine {
    pub(crate) async fn handle_command(
        &self,
        key: &str,
        chat: ChatId,
        info: Option<GroupInfo>,
        from: Person,
        text: String,
        topic: Option<String>,
    ) -> anyhow::Result<()> {
        self.run_command(key, chat, info, from, text, Via::Typed, topic)
            .await
    }

    /// Runs a command as it came: typed in `chat` (in its forum `topic`,
    /// if any), confirmed by its sender, or pressed on a button.
    #[allow(clippy::too_many_arguments)] // one command, as it came
    #[tracing::instrument(skip_all, fields(chat = %chat, from = %from.id))]
    pub(crate) async fn run_command(
        &self,
        key: &str,
        chat: ChatId,
        info: Option<GroupInfo>,
        from: Person,
        text: String,
        via: Via,
        topic: Option<String>,
    ) -> anyhow::Result<()> {
        let port = self.port(chat.platform())?;
        let (group, processed) = self.served_group(key, info.as_ref()).await?;
        if processed {
            return Ok(());
        }
        let lang = group
            .as_ref()
            .map(|g| g.lang)
            .or(from.lang)
            .unwrap_or(self.settings.default_lang);
        let Some(invocation) = Invocation::read(&text, port.command_prefix(), port.bot_handle())
        else {
            return Ok(());
        };
        let Some(spec) = rituals::command(invocation.name()) else {
            return Ok(());
        };
        let needed = spec.access;
        let Some((role, mut routing)) = self
            .admit(
                key,
                &chat,
                topic,
                &from,
                group.as_ref(),
                needed,
                invocation.name(),
            )
            .await?
        else {
            return Ok(());
        };
        // A button pressed in private runs in its group and is answered
        // where it was pressed.
        if let Via::Button { pressed_in } = &via
            && *pressed_in != chat
        {
            routing.to = Some(pressed_in.clone());
        }
        let name = invocation.name().to_owned();
        let asked = |this: &Self| {
            if let (Some(group), Some(role)) = (&group, role) {
                this.note_answered(&group.id, &from, role, &name);
            }
        };
        let command = match (spec.parse)(invocation.args()) {
            Ok(command) => command,
            Err(e) => {
                let usage = e.explain(lang).as_str().into();
                self.answer(key, &chat, &from, usage, None, None, routing)
                    .await?;
                asked(self);
                return Ok(());
            }
        };
        // Arguments may ask for more than the name did (`/top all`).
        let access = command.needs_more().map_or(needed, |more| more.max(needed));
        let chat_group = info.as_ref().map(|i| i.id.clone());
        let destructive = command.destructive().then(|| command.clone());
        let outcome = match (info, &group, role) {
            // Codes are never shown in a group, but in private they are.
            (Some(_), Some(group), Some(_))
                if routing.goes_private() && matches!(command, Command::MyCodes) =>
            {
                self.my_codes(&from, group.lang).await?.into()
            }
            (Some(_), Some(group), Some(role)) => {
                self.group_command(command, access, group, &from, role)
                    .await?
            }
            (Some(info), _, _) => self.unserved_command(command, &info, &from, lang).await?,
            (None, _, _) => self.private_command(command, &from, lang).await?,
        };
        // What cannot be had back waits for its sender's Confirm, once the
        // command was found allowed and about something that exists (a
        // refusal or "no schedule #9" is answered at once). Its plan is
        // dropped: the confirmed command is planned again.
        if let Some(command) = destructive
            && !matches!(via, Via::Confirmed(_))
            && outcome.effect.as_ref().is_some_and(|e| e.changes())
        {
            let outcome =
                self.ask_to_confirm(&command, &chat, chat_group.as_ref(), &from, &text, lang);
            self.answer(
                key,
                &chat,
                &from,
                outcome.reply,
                outcome.effect,
                None,
                routing,
            )
            .await?;
            asked(self);
            return Ok(());
        }
        let mut outcome = outcome;
        if let Via::Confirmed(token) = via {
            let inner = outcome.effect.take();
            outcome.effect = Some(Box::new(Settle { token, lang, inner }));
        }
        let group_id = outcome.effect.as_ref().and_then(|e| e.registers().cloned());
        // Admin actions that change something are logged with the change.
        let audit = (access >= Access::Admin
            && outcome.effect.as_ref().is_some_and(|e| e.changes()))
        .then(|| AuditNote::of_command(chat_group, &text));
        self.answer(
            key,
            &chat,
            &from,
            outcome.reply,
            outcome.effect,
            audit,
            routing,
        )
        .await?;
        asked(self);
        if let Some(id) = group_id {
            self.active
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id);
        }
        Ok(())
    }

    /// The served group a command came from (its title and handle brought
    /// up to date), and whether the update was handled already.
    async fn served_group(
        &self,
        key: &str,
        info: Option<&GroupInfo>,
    ) -> anyhow::Result<(Option<Group>, bool)> {
        let mut conn = self.store.connection().await?;
        let group = match info {
            Some(info) => {
                let group = store::groups::get(&mut conn, &info.id).await?;
                match group.filter(|g| g.active) {
                    Some(group) => Some(refreshed(&mut conn, group, info).await?),
                    None => None,
                }
            }
            None => None,
        };
        Ok((group, store::updates::is_processed(&mut conn, key).await?))
    }

    /// Lets a command through, with the sender's role in its group and
    /// where its answer goes; `None` once it was answered already (refused,
    /// or asked again too soon).
    ///
    /// In a group, who may run a command is settled from its name: a member
    /// typing an admin command never has its arguments read, so junk
    /// arguments cannot make the bot explain their usage to them. A
    /// member's own commands are answered once a minute at most, about
    /// themselves in private where they can be reached, and behind what the
    /// group is owed: asking again and again cannot drown a greeting.
    #[allow(clippy::too_many_arguments)] // the command as it came
    async fn admit(
        &self,
        key: &str,
        chat: &ChatId,
        topic: Option<String>,
        from: &Person,
        group: Option<&Group>,
        needed: Access,
        name: &str,
    ) -> anyhow::Result<Option<(Option<Role>, Routing)>> {
        let Some(group) = group else {
            return Ok(Some((None, Routing::here_in(topic))));
        };
        let role = match self.group_role(group, from, needed, name).await? {
            Ok(role) => role,
            Err(refused) => {
                let behind = Routing {
                    lane: Lane::Answer,
                    ..Routing::here_in(topic)
                };
                let (reply, effect) = (refused.reply, refused.effect);
                self.answer(key, chat, from, reply, effect, None, behind)
                    .await?;
                return Ok(None);
            }
        };
        if self.answered_lately(&group.id, from, role, name) {
            let nothing = RichText::default();
            self.answer(
                key,
                chat,
                from,
                nothing,
                None,
                None,
                Routing::here_in(topic),
            )
            .await?;
            return Ok(None);
        }
        let routing = Routing {
            topic,
            ..self.routing(group, from, role, name).await?
        };
        Ok(Some((Some(role), routing)))
    }

    /// A member opened a direct chat with the bot (Matrix's "Start"): they
    /// are owed what `/start` gives in private, the greeting and any code
    /// waiting for them.
    pub(crate) async fn direct_opened(
        &self,
        key: &str,
        chat: ChatId,
        from: Person,
    ) -> anyhow::Result<()> {
        let lang = from.lang.unwrap_or(self.settings.default_lang);
        let outcome = self
            .private_command(Command::Start(None), &from, lang)
            .await?;
        let (reply, effect) = (outcome.reply, outcome.effect);
        self.answer(key, &chat, &from, reply, effect, None, Routing::HERE)
            .await
    }

    /// Records the update, applies the command's effect, logs an admin
    /// action and queues the reply where `routing` says, all in one
    /// transaction.
    #[allow(clippy::too_many_arguments)] // one transaction, all of it
    pub(crate) async fn answer(
        &self,
        key: &str,
        chat: &ChatId,
        from: &Person,
        reply: RichText,
        effect: Option<Box<dyn Effect>>,
        audit: Option<AuditNote>,
        routing: Routing,
    ) -> anyhow::Result<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if !store::updates::claim(&mut tx, key, now).await? {
            return Ok(());
        }
        if let Some(note) = audit {
            note.record(&mut tx, from, now).await?;
        }
        let mut reply = reply;
        let to = routing.to.as_ref().unwrap_or(chat);
        // A topic is the asking chat's: an answer taken to private has none.
        let topic = routing.topic.as_deref().filter(|_| routing.to.is_none());
        if let Some(effect) = effect {
            let mut cx = Cx {
                engine: self,
                conn: &mut tx,
                chat,
                from,
                answer_to: to,
                answer_topic: topic,
                now,
            };
            if let Some(replaced) = effect.apply(&mut cx).await? {
                reply = replaced;
            }
        }
        // Some commands answer with a post of their own (an envelope).
        if !reply.spans.is_empty() {
            if let Some(heading) = routing.heading {
                let mut headed = RichText::plain(heading);
                headed.append(reply);
                reply = headed;
            }
            self.enqueue_at(
                &mut tx,
                to,
                topic,
                &Action::Send { text: reply },
                routing.lane,
            )
            .await?;
        }
        tx.commit().await.context("committing a command")?;
        self.work.notify_waiters();
        Ok(())
    }
}

/// The group as the platform shows it now. A group renamed, or made public
/// after the bot arrived, keeps its new title and handle, so links made from
/// now on are join-request links where the group is public.
async fn refreshed(
    conn: &mut AnyConnection,
    mut group: Group,
    info: &GroupInfo,
) -> anyhow::Result<Group> {
    if group.title != info.title || group.public_handle != info.public_handle {
        store::groups::refresh_info(conn, &group.id, &info.title, info.public_handle.as_deref())
            .await?;
        group.title.clone_from(&info.title);
        group.public_handle.clone_from(&info.public_handle);
    }
    Ok(group)
}

/// A reply that starts by mentioning the member it answers.
pub(crate) fn addressed(to: &Person, rest: &str) -> RichText {
    let mut text = RichText::default();
    text.push_mention(&to.id, &to.name);
    text.push_text(rest);
    text
}
