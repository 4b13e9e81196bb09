//! Which ritual a typed command goes to: in a served group, in a private
//! chat, or in a group the bot does not serve. One arm per command, each
//! handing the command to the ritual that owns it.

use super::{
    Engine, GroupInfo, Person,
    commands::{Outcome, addressed},
    effect::InLang,
    roles::{Refused, Role},
};
use crate::rituals::coupons::pools::CouponPlan;
use crate::{
    domain::{ChatId, Lang, RichText, command::Access, texts},
    rituals::{
        audit, basics, campaigns, channels, channels::command::LIVE_PREFIX, command::Command,
        coupons, draws, greeting, milestones, roles, screening, tags, tags::texts as tag_texts,
    },
    store::{self, groups::Group},
};

impl Engine {
    /// A command in a private chat: members' own, and operators' tools
    /// for all their groups.
    pub(crate) async fn private_command(
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
                let mut outcome = Outcome::from(basics::start_text(lang, operator));
                outcome.effect = Some(Box::new(InLang(lang, CouponPlan::Start(payload))));
                outcome
            }
            Command::Help(None) => basics::start_text(lang, operator).into(),
            Command::Help(Some(topic)) => basics::help_topic(&topic, lang, operator).into(),
            Command::Stop => tags::stop(lang),
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
            Command::Schedule(command) if operator => {
                self.schedule_command(command, None, from, lang).await?
            }
            Command::Snippet(command) if operator => {
                self.snippet_command(command, None, from, lang).await?
            }
            Command::GroupSet(command) if operator => {
                self.groupset_command(command, None, from, lang).await?
            }
            Command::Groups if operator => self.groups_command(from, lang).await?,
            Command::Settings(group) if operator => {
                self.settings_in_private(group, from, lang).await?
            }
            Command::Acks(id) if operator => self.acks_command(id, None, from, lang).await?,
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
            | Command::Settings(_)
            | Command::Funnel(_) => RichText::plain(texts::operator_only(lang)).into(),
            _ => RichText::plain(texts::use_in_group(lang)).into(),
        })
    }

    /// A command in a group the bot does not serve: only an operator's
    /// `/adopt`, from an admin of that group, does anything.
    pub(crate) async fn unserved_command(
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
        Ok(basics::register(group))
    }

    /// A command in a served group, from a sender whose role the name
    /// allowed; arguments that ask for more (`access`) are checked here.
    pub(crate) async fn group_command(
        &self,
        command: Command,
        access: Access,
        group: &Group,
        from: &Person,
        role: Role,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        if !role.may(access) {
            return Ok(Outcome {
                reply: RichText::plain(texts::operator_only(lang)),
                effect: Some(Box::new(Refused)),
            });
        }
        // Each ritual takes a connection of its own, if it needs one, and
        // gives it back before any platform call: SQLite has one.
        Ok(match command {
            Command::Start(_) | Command::Help(None) => {
                basics::help_text(lang, role.may(Access::Admin)).into()
            }
            Command::Help(Some(topic)) => {
                basics::help_topic(&topic, lang, role.may(Access::Admin)).into()
            }
            Command::Coupons(command) => {
                coupons::coupons_in_group(self, command, group, from).await?
            }
            Command::Redeem(code) => coupons::redeem_in_group(code, group),
            Command::MyCodes => coupons::my_codes_in_group(group),
            Command::Adopt => RichText::plain(texts::already_registered(lang)).into(),
            Command::Invite => self.invite(group, from).await?,
            Command::MyInvites => {
                let mut conn = self.store.connection().await?;
                greeting::my_invites(&mut conn, group, from).await?.into()
            }
            Command::Top(scope) => self.top(scope, group, from).await?.into(),
            Command::SetWelcome(source) => greeting::set_welcome(source, group),
            Command::WelcomePace(pace) => {
                greeting::pace::welcome_pace(pace, group, self.settings().greet_interval)
            }
            Command::Envelope(command) => self.envelope_command(command, group, from),
            Command::Draws => draws::list(self, group).await?.into(),
            Command::Wheel(command) => self.wheel_command(command, group, from),
            Command::Nth(command) => self.nth_command(command, group, from),
            Command::Giveaway(command) => self.giveaway_command(command, group, from).await?,
            Command::Reroll(reroll) => self.reroll_command(reroll, group),
            Command::Review => screening::review(self, group).await?,
            Command::Assistant(command) => roles::assistants(self, command, group).await?,
            Command::Log(n) => audit::log(self, group, n).await?.into(),
            Command::Screening(command) => screening::rules(self, command, group).await?,
            Command::Campaign(command) => campaigns::in_group(self, command, group, from).await?,
            Command::Channel(command) => channels::channel(self, command, group, from).await?,
            Command::Funnel(campaign) => {
                channels::funnel(self, campaign, group, from).await?.into()
            }
            Command::Tag(command) => tags::tags(self, command, group).await?,
            Command::Broadcast(command) => tags::broadcast(self, command, group, from).await?,
            Command::Stop => RichText::plain(tag_texts::stop_in_private(lang)).into(),
            Command::Status => RichText::plain(texts::status_in_private(lang)).into(),
            Command::Settings(_) => self.settings_panel(group).await?,
            Command::Milestone(command) => milestones::milestones(self, command, group).await?,
            Command::Channels => channels::report(self, group).await?.into(),
            Command::Keep(id) => self.review_decision(id, false, group, from).await?,
            Command::Remove(id) => self.review_decision(id, true, group, from).await?,
            Command::Spin => {
                addressed(from, &format!(" {}", self.spin_command(group, from).await?)).into()
            }
            Command::Lang(new) => basics::set_lang(new),
            Command::Schedule(command) => {
                self.schedule_command(command, Some(group), from, lang)
                    .await?
            }
            Command::Timezone(zone) => self.timezone_command(zone, group, lang).await?,
            Command::Acks(id) => self.acks_command(id, Some(group), from, lang).await?,
            Command::Snippet(command) => {
                self.snippet_command(command, Some(group), from, lang)
                    .await?
            }
            Command::GroupSet(command) => {
                self.groupset_command(command, Some(group), from, lang)
                    .await?
            }
            Command::Groups => self.groups_command(from, lang).await?,
        })
    }
}
