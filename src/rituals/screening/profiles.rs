//! Newcomers' profiles, read after their join and screened: a bio that
//! sells, an account with neither username nor photo.
//!
//! Reading a profile is one platform call per person. A burst of a few
//! hundred joins must not wait on that, so the join queues the check with
//! what the name scored, and this pass reads profiles at a steady pace and
//! screens again with everything known. The join's own screening stands on
//! its own: a check that fails for good only loses the profile's hints.

use std::{sync::Arc, time::Duration};

use super::{
    rules::{self as screening, Profile},
    store as screening_rules,
    store::{
        profile_checks::{self, Check},
        suspects::Screened,
    },
};
use crate::engine::Engine;
use crate::{rituals::raids::rules as raid, store};

/// Profiles read per pass, and how often a pass runs: at most 20 platform
/// calls a second, well under Telegram's limits, with room for messages.
const BATCH: i64 = 20;
const TICK: Duration = Duration::from_secs(1);
/// Tries before a profile is given up, and the first wait between them
/// (doubled each time).
const MAX_TRIES: i64 = 3;
const RETRY_MS: i64 = 60_000;

impl Engine {
    /// Reads queued profiles until the task is dropped.
    pub async fn run_profile_checks(self: Arc<Self>) -> anyhow::Result<()> {
        loop {
            if let Err(e) = self.check_profiles().await {
                tracing::error!(error = ?e, "profile check pass failed");
            }
            tokio::time::sleep(TICK).await;
        }
    }

    /// One pass: reads the profiles that are due and screens each newcomer
    /// again with them. Returns how many were read.
    pub async fn check_profiles(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let due = {
            let mut conn = self.store().connection().await?;
            profile_checks::due(&mut conn, now, BATCH).await?
        };
        let mut read = 0;
        for check in due {
            let Ok(port) = self.port(check.group.platform()) else {
                // The platform is no longer attached (its settings were
                // removed): nothing will read this one, so it must not
                // hold up the queue.
                let mut conn = self.store().connection().await?;
                profile_checks::finish(&mut conn, &check.group, &check.user).await?;
                continue;
            };
            match port.profile(&check.user).await {
                Ok(profile) => {
                    read += 1;
                    self.screen_profile(&check, profile, now).await?;
                }
                Err(e) => {
                    tracing::warn!(group = %check.group, user = %check.user, error = %e,
                        tries = check.tries + 1, "could not read a profile");
                    let mut conn = self.store().connection().await?;
                    if check.tries + 1 >= MAX_TRIES {
                        profile_checks::finish(&mut conn, &check.group, &check.user).await?;
                    } else {
                        let wait = RETRY_MS << check.tries;
                        profile_checks::retry_at(&mut conn, &check.group, &check.user, now + wait)
                            .await?;
                    }
                }
            }
        }
        if read > 0 {
            self.work.notify_waiters();
        }
        Ok(read)
    }

    /// Screens a newcomer again with their profile, in one transaction with
    /// taking the check off the queue, so its outcome counts once. Someone
    /// who left meanwhile is not queued: there is nobody to review.
    async fn screen_profile(
        &self,
        check: &Check,
        profile: Option<Profile>,
        now: i64,
    ) -> anyhow::Result<()> {
        let mut tx = self.store().begin().await?;
        if !profile_checks::finish(&mut tx, &check.group, &check.user).await? {
            return Ok(());
        }
        let group = store::groups::get(&mut tx, &check.group).await?;
        // No record at all: a newcomer whose join is on its way.
        let still_there = store::members::presence(&mut tx, &check.group, &check.user)
            .await?
            .is_none_or(|(present, _)| present);
        if let (Some(group), Some(profile), true) = (group, profile, still_there) {
            let (mut rules, _) =
                screening_rules::effective(&mut tx, &check.group, &group.owner).await?;
            let tells = screening::screen_profile(&profile, &rules);
            if !tells.is_empty() {
                if crate::rituals::raids::store::active(&mut tx, &check.group)
                    .await?
                    .is_some()
                {
                    rules.threshold = raid::tightened(rules.threshold);
                }
                let mut reasons = check.reasons.clone();
                reasons.extend(tells);
                let screened = Screened {
                    group: &check.group,
                    user: &check.user,
                    name: &check.name,
                    score: reasons.iter().map(screening::Reason::points).sum(),
                    reasons: &reasons,
                };
                self.act_on(&mut tx, &rules, &screened, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
