//! Invite-contest milestones: `/milestone`, and the pass that congratulates,
//! rewards and certifies members who reach one.
//!
//! A milestone counts effective invites (leavers and removed fakes do not
//! count) and waits while any of the member's invitees is still in the
//! review queue, so rewards follow the audit. The award row, the code from
//! the pool and the messages are written in one transaction; the award's
//! unique key keeps a replay or a restart from rewarding anyone twice. The
//! certificate is drawn before the transaction, so the database is never
//! held while pixels are pushed.

use std::sync::atomic::Ordering;

use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use super::{command::MilestoneCommand, store::Milestone, texts};
use crate::{
    certificate::Certificate,
    domain::{ChatId, DisplayName, Lang, RichText, UserId, schedule::local_of},
    engine::action::encode_image,
    store::{self, groups::Group},
};
use crate::{
    engine::{Action, Engine, commands::Outcome, event::Person},
    rituals::coupons::awards::Win,
};

/// How often reached milestones are looked for: a congratulation a few
/// seconds late is fine, a leaderboard query on every tick is not.
const CHECK_EVERY_MS: i64 = 2_000;

/// What `/milestone` changes.
pub(crate) enum MilestonePlan {
    Set {
        lang: Lang,
        milestone: Milestone,
    },
    Remove {
        lang: Lang,
        group: ChatId,
        invites: u32,
    },
}

impl Engine {
    /// `/milestone [add|remove …]` in a group.
    pub(crate) async fn milestone_command(
        &self,
        conn: &mut AnyConnection,
        command: MilestoneCommand,
        group: &Group,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let plan = match command {
            MilestoneCommand::List => return Ok(milestone_list(conn, group).await?.into()),
            MilestoneCommand::Add { invites, pool } => {
                if let Some(pool) = &pool
                    && self.missing_pool(conn, &group.id, &[pool]).await?.is_some()
                {
                    return Ok(RichText::plain(texts::no_pool(lang, pool.as_str())).into());
                }
                MilestonePlan::Set {
                    lang,
                    milestone: Milestone {
                        group: group.id.clone(),
                        invites: i64::from(invites),
                        pool,
                    },
                }
            }
            MilestoneCommand::Remove(invites) => MilestonePlan::Remove {
                lang,
                group: group.id.clone(),
                invites,
            },
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        })
    }

    /// Awards every milestone reached since the last check; returns how
    /// many. Checks at most every [`CHECK_EVERY_MS`].
    pub async fn award_milestones(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let last = self.memory().milestones_checked.load(Ordering::Relaxed);
        if now.saturating_sub(last) < CHECK_EVERY_MS {
            return Ok(0);
        }
        self.memory()
            .milestones_checked
            .store(now, Ordering::Relaxed);
        let all = {
            let mut conn = self.store().connection().await?;
            super::store::all(&mut conn).await?
        };
        let mut awarded = 0;
        for milestones in all.chunk_by(|a, b| a.group == b.group) {
            match self.award_in_group(milestones).await {
                Ok(n) => awarded += n,
                Err(e) => {
                    tracing::error!(group = %milestones[0].group, error = ?e, "milestone pass failed; others go on")
                }
            }
        }
        if awarded > 0 {
            self.work.notify_waiters();
        }
        Ok(awarded)
    }

    async fn award_in_group(&self, milestones: &[Milestone]) -> anyhow::Result<usize> {
        let id = &milestones[0].group;
        let mut conn = self.store().connection().await?;
        let Some(group) = store::groups::get(&mut conn, id)
            .await?
            .filter(|g| g.active)
        else {
            return Ok(0);
        };
        let Some(lowest) = milestones.iter().map(|m| m.invites).min() else {
            return Ok(0);
        };
        let done = super::store::awarded(&mut conn, id).await?;
        let standings =
            crate::rituals::leaderboard::store::at_least(&mut conn, id, lowest, None).await?;
        let mut due = Vec::new();
        for standing in &standings {
            let reached: Vec<&Milestone> = milestones
                .iter()
                .filter(|m| standing.count >= m.invites)
                .filter(|m| !done.contains(&(m.invites, standing.inviter.clone())))
                .collect();
            if reached.is_empty() {
                continue;
            }
            // The audit comes before rewards.
            if crate::rituals::screening::store::suspects::pending_invitees(
                &mut conn,
                id,
                &standing.inviter,
            )
            .await?
                > 0
            {
                continue;
            }
            let name = store::members::name_of(&mut conn, &standing.inviter)
                .await?
                .unwrap_or_else(|| DisplayName::clean(standing.inviter.native(), "?"));
            due.extend(
                reached
                    .into_iter()
                    .map(|m| (m, &standing.inviter, name.clone())),
            );
        }
        // Each award takes its own connection: SQLite has but one writer.
        drop(conn);
        let mut awarded = 0;
        for (milestone, user, name) in due {
            if self.award(&group, milestone, user, &name).await? {
                awarded += 1;
            }
        }
        Ok(awarded)
    }

    /// Congratulates, rewards and certifies one member for one milestone;
    /// false when it was awarded meanwhile.
    async fn award(
        &self,
        group: &Group,
        milestone: &Milestone,
        user: &UserId,
        name: &DisplayName,
    ) -> anyhow::Result<bool> {
        let lang = group.lang;
        let now = self.now_ms();
        let serial = serial(&group.id, milestone.invites, user);
        let certificate = match &self.settings().certificate_font {
            Some(font) => {
                let mut conn = self.store().connection().await?;
                let campaign = super::store::campaign_title(&mut conn, &group.id)
                    .await?
                    .unwrap_or_else(|| group.title.clone());
                drop(conn);
                let certificate = Certificate {
                    lang,
                    name: name.as_str().to_owned(),
                    invites: u32::try_from(milestone.invites).unwrap_or(u32::MAX),
                    campaign,
                    date: local_of(group.timezone, now).format("%Y-%m-%d").to_string(),
                    serial: serial.clone(),
                };
                Some(certificate.render(font))
            }
            None => None,
        };
        let mut tx = self.store().begin().await?;
        if super::store::award(&mut tx, &group.id, milestone.invites, user, now)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        let mut text = RichText::default();
        text.push_mention(user, name);
        text.push_text(&texts::reached(lang, milestone.invites));
        if let Some(pool) = &milestone.pool {
            let winner = Person::known(user.clone(), name.clone());
            let win = Win {
                winner: &winner,
                group: &group.id,
                reason: format!("milestone:{}", milestone.invites),
                prize: &texts::prize(lang, milestone.invites),
                value: None,
                lang,
            };
            let award = self.award_code(&mut tx, pool, win).await?;
            text.push_text(&format!(" {}", award.in_group(lang).trim_start()));
        }
        if certificate.is_some() {
            text.push_text(texts::certificate_follows(lang));
        }
        self.enqueue(&mut tx, &group.id, &Action::Send { text })
            .await?;
        if let Some(png) = certificate {
            let photo = Action::Photo {
                png: encode_image(&png),
                file_name: format!("certificate-{serial}.png"),
                caption: texts::caption(lang, &serial, name.as_str(), milestone.invites),
            };
            self.enqueue(&mut tx, &group.id, &photo).await?;
        }
        tx.commit().await.context("recording a milestone award")?;
        tracing::info!(group = %group.id, invites = milestone.invites, "milestone awarded");
        Ok(true)
    }
}

impl MilestonePlan {
    /// Writes the change and says what happened.
    pub(crate) async fn write(
        self,
        conn: &mut AnyConnection,
        by: &UserId,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let text = match self {
            MilestonePlan::Set { lang, milestone } => {
                let new = super::store::set(conn, &milestone, by, now).await?;
                texts::set(
                    lang,
                    u32::try_from(milestone.invites).unwrap_or(u32::MAX),
                    milestone.pool.as_ref().map(|p| p.as_str()),
                    new,
                )
            }
            MilestonePlan::Remove {
                lang,
                group,
                invites,
            } => {
                if super::store::remove(conn, &group, i64::from(invites)).await? {
                    texts::removed(lang, invites)
                } else {
                    texts::not_found(lang, invites)
                }
            }
        };
        Ok(RichText::plain(text))
    }
}

async fn milestone_list(conn: &mut AnyConnection, group: &Group) -> anyhow::Result<RichText> {
    let lang = group.lang;
    let milestones = super::store::of_group(conn, &group.id).await?;
    if milestones.is_empty() {
        return Ok(RichText::plain(texts::none(lang)));
    }
    let done = super::store::awarded(conn, &group.id).await?;
    let mut text = texts::list_header(lang).to_owned();
    for m in &milestones {
        let reached = done.iter().filter(|(n, _)| *n == m.invites).count();
        text.push_str(&texts::list_row(
            lang,
            m.invites,
            m.pool.as_ref().map(|p| p.as_str()),
            reached,
        ));
    }
    Ok(RichText::plain(text))
}

/// A certificate's number: eight hex digits of a hash of what it certifies.
fn serial(group: &ChatId, invites: i64, user: &UserId) -> String {
    let digest = Sha256::digest(format!("{group}|{invites}|{user}"));
    hex::encode_upper(&digest[..4])
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for MilestonePlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(self.write(cx.conn, &cx.from.id, cx.now).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_stable_and_differ_per_award() {
        let g = ChatId::from_stored("tg:-100".into());
        let u = UserId::telegram(7);
        assert_eq!(serial(&g, 30, &u), serial(&g, 30, &u));
        assert_eq!(serial(&g, 30, &u).len(), 8);
        assert_ne!(serial(&g, 30, &u), serial(&g, 50, &u));
        assert_ne!(serial(&g, 30, &u), serial(&g, 30, &UserId::telegram(8)));
    }
}
