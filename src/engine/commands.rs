//! Commands from members, admins and operators.
//!
//! A command may ask the platform something (is this an admin? make a link),
//! so it runs outside the batch transaction: first a check that the update is
//! not a replay, then the platform calls, then one transaction that records
//! the update, any fact, and the reply.

use std::collections::HashMap;

use anyhow::Context;
use sqlx::AnyConnection;

use super::{
    Action, Engine, GroupInfo, Person, PortError,
    answers::Routing,
    audit::AuditNote,
    coupons::CouponPlan,
    roles::{Role, RolePlan, TELL_AGAIN_MS},
    scheduler::zone_of,
};
use crate::{
    domain::{
        ChatId, DisplayName, Lang, RichText,
        channel_command::LIVE_PREFIX,
        command::{Access, Command, Invocation, TopScope},
        coupon_texts,
        leaderboard::Standing,
        review_texts,
        schedule::local_of,
        tag_texts,
        template::{Template, Value, Values},
        texts,
    },
    store::{self, groups::Group, outbox::Lane},
};

/// What a command leads to, before it is written down.
pub(super) struct Outcome {
    pub(super) reply: RichText,
    pub(super) effect: Option<Effect>,
}

/// A setting or record a command changes, written with its reply.
pub(super) enum Effect {
    /// Schedules, zones and the operator's library.
    Plan(super::schedule_commands::Plan),
    /// Envelopes opened or closed.
    Envelope(super::envelopes::EnvelopePlan),
    /// Wheels opened or closed.
    Wheel(super::wheels::WheelPlan),
    /// Reply games opened or closed.
    Nth(super::nth_replies::NthPlan),
    /// Giveaways opened, drawn or rerolled.
    Giveaway(super::giveaways::GiveawayPlan),
    /// Review decisions.
    Review(super::review::ReviewPlan),
    /// Assistants granted or revoked.
    Roles(Lang, RolePlan),
    /// A member tried a command that is not theirs: they are told once a day.
    Refused,
    /// Screening rules changed.
    Screening(super::screening::ScreeningPlan),
    /// Campaigns started, paused, resumed or stopped.
    Campaign(super::campaigns::CampaignPlan),
    /// Channel links and live codes made.
    Channel(super::channels::ChannelPlan),
    /// Manual tags given or taken.
    Tags(super::tags::TagPlan),
    /// A broadcast recorded for the scheduler to send.
    Broadcast(super::tags::BroadcastPlan),
    /// `/stop` in private: no more broadcasts.
    OptOut,
    /// Milestones set or removed.
    Milestone(super::milestones::MilestonePlan),
    /// Coupon settings, redemptions, imports and claims.
    Coupons(Lang, super::coupons::CouponPlan),
    SaveWelcome(String),
    SetLang(Lang),
    Register(Group),
    SaveLink {
        url: String,
        name: String,
        join_request: bool,
    },
    LostInviteRight,
}

impl Effect {
    /// Whether it changes something (the audit log records those); showing
    /// the review queue or answering `/start` does not.
    fn changes(&self) -> bool {
        !matches!(
            self,
            Effect::Refused
                | Effect::Review(super::review::ReviewPlan::Show { .. })
                | Effect::Coupons(_, CouponPlan::Start(_))
        )
    }
}

impl From<RichText> for Outcome {
    fn from(reply: RichText) -> Self {
        Self {
            reply,
            effect: None,
        }
    }
}

impl Engine {
    #[tracing::instrument(skip_all, fields(chat = %chat, from = %from.id))]
    pub(super) async fn handle_command(
        &self,
        key: &str,
        chat: ChatId,
        info: Option<GroupInfo>,
        from: Person,
        text: String,
    ) -> anyhow::Result<()> {
        let port = self.port(chat.platform())?;
        let (group, processed) = {
            let mut conn = self.store.connection().await?;
            let group = match &info {
                Some(info) => {
                    let group = store::groups::get(&mut conn, &info.id).await?;
                    match group.filter(|g| g.active) {
                        Some(group) => Some(refreshed(&mut conn, group, info).await?),
                        None => None,
                    }
                }
                None => None,
            };
            (group, store::updates::is_processed(&mut conn, key).await?)
        };
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
        let Some(needed) = invocation.access() else {
            return Ok(());
        };
        // In a group, who may run a command is settled from its name: a
        // member typing an admin command never has its arguments read, so
        // junk arguments cannot make the bot explain their usage to them.
        let role = match &group {
            Some(group) => match self
                .group_role(group, &from, needed, invocation.name())
                .await?
            {
                Ok(role) => Some(role),
                Err(refused) => {
                    let behind = Routing {
                        lane: Lane::Answer,
                        ..Routing::HERE
                    };
                    return self
                        .answer(
                            key,
                            &chat,
                            &from,
                            refused.reply,
                            refused.effect,
                            None,
                            behind,
                        )
                        .await;
                }
            },
            None => None,
        };
        // A member's own commands are answered once a minute at most, about
        // themselves in private where they can be reached, and behind what
        // the group is owed: asking again and again cannot drown a greeting.
        let routing = match (&group, role) {
            (Some(group), Some(role)) => {
                if self.answered_lately(&group.id, &from, role, invocation.name()) {
                    let nothing = RichText::default();
                    return self
                        .answer(key, &chat, &from, nothing, None, None, Routing::HERE)
                        .await;
                }
                self.routing(group, &from, role, invocation.name()).await?
            }
            _ => Routing::HERE,
        };
        let name = invocation.name().to_owned();
        let asked = |this: &Self| {
            if let (Some(group), Some(role)) = (&group, role) {
                this.note_answered(&group.id, &from, role, &name);
            }
        };
        let command = match invocation.parse() {
            Ok(Some(command)) => command,
            Ok(None) => return Ok(()),
            Err(e) => {
                let usage = e.explain(lang).as_str().into();
                self.answer(key, &chat, &from, usage, None, None, routing)
                    .await?;
                asked(self);
                return Ok(());
            }
        };
        let access = command.access();
        let chat_group = info.as_ref().map(|i| i.id.clone());
        let outcome = match (info, &group, role) {
            // Codes are never shown in a group, but in private they are.
            (Some(_), Some(group), Some(_))
                if routing.goes_private() && matches!(command, Command::MyCodes) =>
            {
                self.my_codes(&from, group.lang).await?.into()
            }
            (Some(_), Some(group), Some(role)) => {
                self.group_command(command, group, &from, role).await?
            }
            (Some(info), _, _) => self.unserved_command(command, &info, &from, lang).await?,
            (None, _, _) => self.private_command(command, &from, lang).await?,
        };
        let group_id = match &outcome.effect {
            Some(Effect::Register(g)) => Some(g.id.clone()),
            _ => None,
        };
        // Admin actions that change something are logged with the change.
        let audit = (access >= Access::Admin
            && outcome.effect.as_ref().is_some_and(Effect::changes))
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

    /// Records the update, applies the command's effect, logs an admin
    /// action and queues the reply where `routing` says, all in one
    /// transaction.
    #[allow(clippy::too_many_arguments)] // one transaction, all of it
    pub(super) async fn answer(
        &self,
        key: &str,
        chat: &ChatId,
        from: &Person,
        reply: RichText,
        effect: Option<Effect>,
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
        if let Some(effect) = effect
            && let Some(replaced) = self.apply_effect(&mut tx, chat, from, effect, now).await?
        {
            reply = replaced;
        }
        // Some commands answer with a post of their own (an envelope).
        if !reply.spans.is_empty() {
            if let Some(heading) = routing.heading {
                let mut headed = RichText::plain(heading);
                headed.append(reply);
                reply = headed;
            }
            let to = routing.to.as_ref().unwrap_or(chat);
            self.enqueue_in(&mut tx, to, &Action::Send { text: reply }, routing.lane)
                .await?;
        }
        tx.commit().await.context("committing a command")?;
        self.work.notify_waiters();
        Ok(())
    }

    async fn private_command(
        &self,
        command: Command,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let operator = self.is_operator(&from.id);
        Ok(match command {
            Command::Start(Some(payload)) if payload.starts_with(LIVE_PREFIX) => self
                .live_visit(&payload[LIVE_PREFIX.len()..], from, lang)
                .await?
                .into(),
            Command::Start(payload) => {
                let mut outcome = Outcome::from(start_text(lang, operator));
                outcome.effect = Some(Effect::Coupons(lang, CouponPlan::Start(payload)));
                outcome
            }
            Command::Help => start_text(lang, operator).into(),
            Command::Stop => Outcome {
                reply: RichText::plain(tag_texts::stopped(lang)),
                effect: Some(Effect::OptOut),
            },
            Command::Broadcast(command) if operator => {
                let mut conn = self.store.connection().await?;
                self.broadcast_command(&mut conn, command, None, from, lang)
                    .await?
            }
            Command::MyCodes => self.my_codes(from, lang).await?.into(),
            Command::Status if operator => self.status_report(&from.id, lang).await?.into(),
            Command::Coupons(command) if operator => {
                let mut conn = self.store.connection().await?;
                self.coupons_command(&mut conn, command, None, from, lang)
                    .await?
            }
            Command::Redeem(code) if operator => {
                CouponPlan::Redeem { code, group: None }.into_outcome(lang)
            }
            Command::Campaign(command) if operator => {
                let mut conn = self.store.connection().await?;
                self.campaign_command(&mut conn, command, None, from, lang)
                    .await?
            }
            Command::Channel(command) if operator => {
                let chat = ChatId::private_with(&from.id);
                self.channel_command(command, &chat, None, from, lang)
                    .await?
            }
            Command::Funnel(campaign) if operator => {
                let mut conn = self.store.connection().await?;
                self.funnel_command(&mut conn, campaign, None, &from.id, lang)
                    .await?
                    .into()
            }
            Command::Channels if operator => {
                let mut conn = self.store.connection().await?;
                let groups = store::groups::owned_by(&mut conn, &from.id).await?;
                self.channels_report(&mut conn, &groups, &from.id, lang)
                    .await?
                    .into()
            }
            // Operators manage their groups' schedules and library from here.
            Command::Schedule(_)
            | Command::Snippet(_)
            | Command::GroupSet(_)
            | Command::Groups
            | Command::Timezone(_)
            | Command::Acks(_)
                if self.is_operator(&from.id) =>
            {
                self.schedule_family(command, None, from, lang).await?
            }
            Command::Schedule(_)
            | Command::Snippet(_)
            | Command::GroupSet(_)
            | Command::Groups
            | Command::Coupons(_)
            | Command::Redeem(_)
            | Command::Campaign(_)
            | Command::Channel(_)
            | Command::Channels
            | Command::Broadcast(_)
            | Command::Status
            | Command::Funnel(_) => RichText::plain(texts::operator_only(lang)).into(),
            _ => RichText::plain(texts::use_in_group(lang)).into(),
        })
    }

    async fn unserved_command(
        &self,
        command: Command,
        info: &GroupInfo,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        if command != Command::Adopt {
            return Ok(RichText::plain(texts::not_served(lang)).into());
        }
        if !self.is_operator(&from.id) {
            return Ok(RichText::plain(texts::adopt_needs_operator(lang)).into());
        }
        if !self
            .port(info.id.platform())?
            .is_admin(&info.id, &from.id)
            .await
            .map_err(anyhow::Error::from)?
        {
            return Ok(RichText::plain(texts::adopt_needs_admin(lang)).into());
        }
        // Rights are unknown until the platform tells us; assume the operator
        // made the bot an admin, and learn otherwise from the first refusal.
        let group = self.new_group(info, &from.id, true);
        Ok(Outcome {
            reply: RichText::plain(texts::adopted(group.lang)),
            effect: Some(Effect::Register(group)),
        })
    }

    /// The sender's role in a served group, when it is enough for a
    /// command needing `needed`; otherwise the refusal they are owed. The
    /// platform is asked only when it matters: for admin commands, and for
    /// `/help`, whose answer shows admins more.
    async fn group_role(
        &self,
        group: &Group,
        from: &Person,
        needed: Access,
        name: &str,
    ) -> anyhow::Result<Result<Role, Outcome>> {
        let lang = group.lang;
        let role = if needed == Access::Member && !matches!(name, "start" | "help") {
            self.cheap_role(&from.id)
        } else {
            match self.role_in(group, &from.id).await {
                Ok(role) => role,
                Err(e) => {
                    tracing::warn!(error = ?e, "could not read a member's role");
                    // Help still helps; an admin command says why it waits.
                    if needed != Access::Member {
                        return Ok(Err(RichText::plain(texts::role_unknown(lang)).into()));
                    }
                    Role::Member
                }
            }
        };
        if role.may(needed) {
            return Ok(Ok(role));
        }
        let refusal = match needed {
            Access::Operator => texts::operator_only(lang),
            _ => texts::admin_only(lang),
        };
        Ok(Err(Outcome {
            reply: RichText::plain(refusal),
            effect: Some(Effect::Refused),
        }))
    }

    /// A role known without a query: operators are listed in the settings,
    /// everyone else counts as a member.
    fn cheap_role(&self, user: &crate::domain::UserId) -> Role {
        if self.is_operator(user) {
            Role::Operator
        } else {
            Role::Member
        }
    }

    async fn group_command(
        &self,
        command: Command,
        group: &Group,
        from: &Person,
        role: Role,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        // Arguments may ask for more than the name did (`/top all`).
        if !role.may(command.access()) {
            return Ok(Outcome {
                reply: RichText::plain(texts::operator_only(lang)),
                effect: Some(Effect::Refused),
            });
        }
        let mut conn = self.store.connection().await?;
        Ok(match command {
            Command::Start(_) | Command::Help => help_text(lang, role.may(Access::Admin)).into(),
            Command::Coupons(command) => {
                self.coupons_command(&mut conn, command, Some(group), from, lang)
                    .await?
            }
            Command::Redeem(code) => CouponPlan::Redeem {
                code,
                group: Some(group.id.clone()),
            }
            .into_outcome(lang),
            // Codes are never shown in a group.
            Command::MyCodes => RichText::plain(coupon_texts::codes_in_private(lang)).into(),
            Command::Adopt => RichText::plain(texts::already_registered(lang)).into(),
            Command::Invite => {
                // The link may have to be made by the platform: no
                // connection is held across that call.
                drop(conn);
                self.invite(group, from).await?
            }
            Command::MyInvites => my_invites(&mut conn, group, from).await?.into(),
            Command::Top(TopScope::Group(n)) => {
                let standings =
                    store::members::standings(&mut conn, std::slice::from_ref(&group.id)).await?;
                leaderboard(&mut conn, texts::top_header(lang), &standings, n, lang)
                    .await?
                    .into()
            }
            Command::Top(TopScope::AllGroups(n)) => {
                let groups = store::groups::owned_by(&mut conn, &from.id).await?;
                let standings = store::members::standings(&mut conn, &groups).await?;
                leaderboard(&mut conn, texts::top_all_header(lang), &standings, n, lang)
                    .await?
                    .into()
            }
            Command::SetWelcome(None) => {
                let current = group
                    .welcome_template
                    .as_deref()
                    .unwrap_or(texts::default_welcome(lang));
                let mut text = RichText::plain(texts::welcome_current(lang));
                text.push_text(current);
                text.push_text(texts::welcome_howto(lang));
                text.into()
            }
            Command::SetWelcome(Some(source)) => {
                match Template::parse(&source, texts::WELCOME_VARS) {
                    Err(e) => RichText::plain(format!(
                        "{}{}",
                        texts::welcome_rejected(lang),
                        e.explain(lang)
                    ))
                    .into(),
                    Ok(template) => {
                        let mut reply = RichText::plain(texts::welcome_saved_preview(lang));
                        reply.append(preview(&template, group));
                        Outcome {
                            reply,
                            effect: Some(Effect::SaveWelcome(source)),
                        }
                    }
                }
            }
            Command::Envelope(command) => self.envelope_command(command, group, from),
            Command::Draws => self.list_draws(&mut conn, group).await?.into(),
            Command::Wheel(command) => self.wheel_command(command, group, from),
            Command::Nth(command) => self.nth_command(command, group, from),
            Command::Giveaway(command) => self.giveaway_command(command, group, from),
            Command::Reroll(reroll) => self.reroll_command(reroll, group),
            Command::Review => self.review_list(&mut conn, group).await?,
            Command::Assistant(command) => {
                self.assistant_command(&mut conn, command, group).await?
            }
            Command::Log(n) => self.log_list(&mut conn, group, n).await?.into(),
            Command::Screening(command) => {
                self.screening_command(&mut conn, command, group).await?
            }
            Command::Campaign(command) => {
                self.campaign_command(&mut conn, command, Some(group), from, lang)
                    .await?
            }
            Command::Channel(command) => {
                // The link is made by the platform: no connection is held.
                drop(conn);
                self.channel_command(command, &group.id, Some(group), from, lang)
                    .await?
            }
            Command::Funnel(campaign) => self
                .funnel_command(&mut conn, campaign, Some(group), &from.id, lang)
                .await?
                .into(),
            Command::Tag(command) => self.tag_command(&mut conn, command, group).await?,
            Command::Broadcast(command) => {
                self.broadcast_command(&mut conn, command, Some(group), from, lang)
                    .await?
            }
            Command::Stop => RichText::plain(tag_texts::stop_in_private(lang)).into(),
            Command::Status => RichText::plain(texts::status_in_private(lang)).into(),
            Command::Milestone(command) => {
                self.milestone_command(&mut conn, command, group).await?
            }
            Command::Channels => self
                .channels_report(
                    &mut conn,
                    std::slice::from_ref(&group.id),
                    &group.owner,
                    lang,
                )
                .await?
                .into(),
            Command::Keep(id) => {
                drop(conn);
                self.review_decision(id, false, group, from).await?
            }
            Command::Remove(id) => {
                drop(conn);
                self.review_decision(id, true, group, from).await?
            }
            Command::Spin => {
                drop(conn);
                addressed(from, &format!(" {}", self.spin_command(group, from).await?)).into()
            }
            Command::Lang(new) => Outcome {
                reply: RichText::plain(texts::lang_set(new)),
                effect: Some(Effect::SetLang(new)),
            },
            family @ (Command::Schedule(_)
            | Command::Timezone(_)
            | Command::Acks(_)
            | Command::Snippet(_)
            | Command::GroupSet(_)
            | Command::Groups) => {
                drop(conn);
                self.schedule_family(family, Some(group), from, lang)
                    .await?
            }
        })
    }

    async fn invite(&self, group: &Group, from: &Person) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let port = self.port(group.id.platform())?;
        if !port.personal_links() {
            return Ok(addressed(from, texts::invite_howto_without_links(lang)).into());
        }
        let known = {
            let mut conn = self.store.connection().await?;
            store::links::of_member(&mut conn, &group.id, &from.id).await?
        };
        if let Some(url) = known {
            return Ok(addressed(from, &format!("{}{url}", texts::invite_link_intro(lang))).into());
        }
        let needs_right = || addressed(from, texts::invite_needs_right(lang));
        if !group.can_invite {
            return Ok(needs_right().into());
        }
        let name = link_name(from);
        let join_request = group.public_handle.is_some();
        match port
            .create_member_link(&group.id, &name, join_request)
            .await
        {
            Ok(url) => Ok(Outcome {
                reply: addressed(from, &format!("{}{url}", texts::invite_link_intro(lang))),
                effect: Some(Effect::SaveLink {
                    url,
                    name,
                    join_request,
                }),
            }),
            Err(PortError::MissingRight(right)) => {
                tracing::warn!(group = %group.id, right, "cannot create invite links");
                Ok(Outcome {
                    reply: needs_right(),
                    effect: Some(Effect::LostInviteRight),
                })
            }
            Err(PortError::Unexpected(e)) => {
                tracing::warn!(group = %group.id, error = ?e, "the platform refused an invite link");
                let reason = texts::short_reason(&e.root_cause().to_string());
                let platform = group.id.platform().name();
                Ok(addressed(from, &texts::invite_refused(lang, platform, &reason)).into())
            }
        }
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

impl Engine {
    /// Writes a command's effect; a reply that depends on the write comes back.
    async fn apply_effect(
        &self,
        conn: &mut AnyConnection,
        chat: &ChatId,
        from: &Person,
        effect: Effect,
        now: i64,
    ) -> anyhow::Result<Option<RichText>> {
        match effect {
            Effect::Plan(plan) => return plan.apply(self, conn, now).await,
            Effect::Envelope(plan) => return Ok(Some(plan.apply(self, conn, chat, now).await?)),
            Effect::Wheel(plan) => return Ok(Some(plan.apply(self, conn, chat, now).await?)),
            Effect::Coupons(lang, plan) => return plan.apply(self, conn, from, lang, now).await,
            Effect::Nth(plan) => return Ok(Some(plan.apply(self, conn, chat, now).await?)),
            Effect::Campaign(plan) => return Ok(Some(plan.apply(self, conn, now).await?)),
            Effect::Channel(plan) => return Ok(Some(plan.apply(conn, now).await?)),
            Effect::Tags(plan) => return Ok(Some(plan.apply(conn, chat, &from.id, now).await?)),
            Effect::Broadcast(plan) => {
                return Ok(Some(plan.apply(self, conn, chat, &from.id, now).await?));
            }
            Effect::OptOut => store::tags::opt_out(conn, &from.id, now).await?,
            Effect::Milestone(plan) => return Ok(Some(plan.apply(conn, &from.id, now).await?)),
            Effect::Giveaway(plan) => return Ok(Some(plan.apply(self, conn, chat, now).await?)),
            Effect::Review(plan) => return Ok(Some(plan.apply(self, conn, chat, now).await?)),
            Effect::Roles(lang, plan) => {
                return Ok(Some(plan.apply(conn, chat, from, lang, now).await?));
            }
            Effect::Screening(plan) => {
                return Ok(Some(plan.apply(conn, chat, from.id.as_str(), now).await?));
            }
            Effect::Refused => {
                let since = now - TELL_AGAIN_MS;
                if !store::roles::tell_refusal(conn, chat, &from.id, since, now).await? {
                    // Told already: no answer at all.
                    return Ok(Some(RichText::default()));
                }
            }
            Effect::SaveWelcome(source) => store::groups::set_welcome(conn, chat, &source).await?,
            Effect::SetLang(lang) => store::groups::set_lang(conn, chat, lang).await?,
            Effect::Register(group) => store::groups::register(conn, &group, now).await?,
            Effect::LostInviteRight => store::groups::set_can_invite(conn, chat, false).await?,
            Effect::SaveLink {
                url,
                name,
                join_request,
            } => {
                store::members::upsert_users(conn, &[from.seen()]).await?;
                store::links::save(conn, chat, &from.id, &url, &name, join_request, now).await?;
            }
        }
        Ok(None)
    }
}

/// A reply that starts by mentioning the member it answers.
fn addressed(to: &Person, rest: &str) -> RichText {
    let mut text = RichText::default();
    text.push_mention(&to.id, &to.name);
    text.push_text(rest);
    text
}

/// `/myinvites`: the member's count and rank, and its history: whose
/// credit went after review, and how many invitees still wait for it.
async fn my_invites(
    conn: &mut AnyConnection,
    group: &Group,
    from: &Person,
) -> anyhow::Result<RichText> {
    let lang = group.lang;
    let (count, rank) = store::members::standing_of(conn, &group.id, &from.id).await?;
    let mut text = addressed(from, &texts::my_invites(lang, count, rank));
    let zone = zone_of(group);
    for (name, at) in store::suspects::removed_invitees(conn, &group.id, &from.id).await? {
        let day = local_of(zone, at).format("%m-%d").to_string();
        text.push_text(&review_texts::history_withdrawn(lang, name.as_str(), &day));
    }
    let waiting = store::suspects::pending_invitees(conn, &group.id, &from.id).await?;
    if waiting > 0 {
        text.push_text(&review_texts::invitees_waiting(lang, waiting));
    }
    Ok(text)
}

/// A link name admins recognise in the group's link list; Telegram allows 32 characters.
fn link_name(member: &Person) -> String {
    let id = member.id.native();
    let room = 32usize.saturating_sub(id.chars().count() + 3);
    let name: String = member.name.as_str().chars().take(room).collect();
    format!("{name} · {id}")
}

/// The private chat's greeting and command list.
fn start_text(lang: Lang, operator: bool) -> RichText {
    let mut text = RichText::plain(texts::start_private(lang));
    text.push_text("\n\n");
    text.append(help_text(lang, operator));
    text
}

fn help_text(lang: Lang, admin: bool) -> RichText {
    let mut out = String::from(texts::help_member_header(lang));
    for (cmd, about) in texts::member_commands(lang) {
        out.push_str(&format!("\n/{cmd} — {about}"));
    }
    if admin {
        out.push_str(&format!("\n\n{}", texts::help_admin_header(lang)));
        for (cmd, about) in texts::admin_commands(lang) {
            out.push_str(&format!("\n/{cmd} — {about}"));
        }
    }
    RichText::plain(out)
}

async fn leaderboard(
    conn: &mut AnyConnection,
    header: &str,
    standings: &[Standing],
    n: u32,
    lang: Lang,
) -> anyhow::Result<RichText> {
    if standings.is_empty() {
        return Ok(RichText::plain(texts::top_empty(lang)));
    }
    let mut text = RichText::plain(header);
    // Names, not mentions: a leaderboard must not ping everyone on it.
    for (i, s) in standings.iter().take(n as usize).enumerate() {
        let name = store::members::name_of(conn, &s.inviter).await?;
        let name = name.as_ref().map(DisplayName::as_str).unwrap_or("?");
        text.push_text(&format!(
            "\n{}. {name}{}",
            i + 1,
            texts::top_row_count(lang, s.count)
        ));
    }
    Ok(text)
}

/// Renders a template with sample values, so an admin sees what members will.
fn preview(template: &Template, group: &Group) -> RichText {
    let (newcomer, inviter) = texts::preview_names(group.lang);
    let sample = |name: &str| {
        let mut r = RichText::default();
        r.push_text(name);
        Value::Rich(r)
    };
    let values: Values = HashMap::from([
        ("newcomer", sample(newcomer)),
        ("inviter", sample(inviter)),
        ("count", Value::Text("7".into())),
        ("rank", Value::Text("1".into())),
        ("group", Value::Text(group.title.clone())),
    ]);
    template.render(&values)
}
