//! The pass that runs each step of a running campaign when it is due in
//! each of its groups.
//!
//! A post step becomes a one-off scheduled post due now, fired at once, so
//! it is rendered, pinned and its confirmations counted as for any post. A command step
//! runs through the same path as a command the operator types in the group,
//! with a key of its own (`campaign:<id>:<step>:<group>`): the same checks,
//! the same audit log, and a replay after a crash is recognised and skipped.

use std::collections::HashMap;

use super::{
    playbook::{self, Playbook, Ritual},
    store::{self as campaigns, Campaign, StepRow},
};
use crate::{
    domain::{
        DisplayName,
        schedule::{self, Due, Timing, local_of},
    },
    rituals::schedules::store::NewSchedule,
    store::{self},
};
use crate::{
    engine::{
        Engine,
        event::{GroupInfo, Person},
    },
    rituals::schedules::posts::LOCAL_FORMAT,
};

/// Steps run per pass; more wait for the next tick.
const STEPS_PER_PASS: i64 = 100;

impl Engine {
    /// Runs the campaign steps that are due, each in its group; returns how
    /// many ran. Called by the scheduler's pass before scheduled posts, so a
    /// post step goes out in the same pass.
    pub async fn run_due_campaign_steps(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let due = {
            let mut conn = self.store().connection().await?;
            campaigns::due(&mut conn, now, STEPS_PER_PASS).await?
        };
        let mut books: HashMap<i64, Option<(Campaign, Playbook)>> = HashMap::new();
        let mut ran = 0;
        for row in due {
            if let std::collections::hash_map::Entry::Vacant(slot) = books.entry(row.campaign) {
                let mut conn = self.store().connection().await?;
                let loaded = campaigns::get(&mut conn, row.campaign)
                    .await?
                    .and_then(|c| playbook::parse(&c.source).ok().map(|book| (c, book)));
                slot.insert(loaded);
            }
            let Some((campaign, book)) = books.get(&row.campaign).and_then(Option::as_ref) else {
                continue;
            };
            match self.run_step(&row, campaign, book, now).await {
                Ok(true) => ran += 1,
                Ok(false) => {}
                // Left waiting: the next pass tries again, within the grace.
                Err(e) => tracing::error!(campaign = %campaign.name, step = row.step,
                    group = %row.group, error = ?e, "a campaign step failed"),
            }
        }
        for id in books.keys() {
            let mut conn = self.store().connection().await?;
            campaigns::finish_if_done(&mut conn, *id).await?;
        }
        if ran > 0 {
            self.work.notify_waiters();
        }
        Ok(ran)
    }

    /// One step in one group; false when it was skipped.
    async fn run_step(
        &self,
        row: &StepRow,
        campaign: &Campaign,
        book: &Playbook,
        now: i64,
    ) -> anyhow::Result<bool> {
        let group = {
            let mut conn = self.store().connection().await?;
            store::groups::get(&mut conn, &row.group)
                .await?
                .filter(|g| g.active)
        };
        let late =
            schedule::due(row.due_at, now, self.settings().schedule_grace) == Some(Due::Skip);
        let (Some(group), Some(step), false) = (group, book.steps.get(row.step as usize), late)
        else {
            tracing::warn!(campaign = %campaign.name, step = row.step, group = %row.group,
                late, "campaign step skipped: missed, or the group is no longer served");
            let mut conn = self.store().connection().await?;
            campaigns::finish_step(&mut conn, row, campaigns::SKIPPED, now).await?;
            return Ok(false);
        };
        match &step.what {
            Ritual::Post {
                kind,
                text,
                confirm,
                pin,
            } => {
                let mut tx = self.store().begin().await?;
                if !campaigns::finish_step(&mut tx, row, campaigns::STEP_DONE, now).await? {
                    return Ok(false);
                }
                let local = local_of(group.timezone, now);
                let timing = Timing::Once(local).source();
                let local = local.format(LOCAL_FORMAT).to_string();
                let post = NewSchedule {
                    group: &group.id,
                    kind: *kind,
                    timing: &timing,
                    body: text,
                    pin: *pin,
                    confirm: confirm.as_deref(),
                    next: (&local, now),
                    created_by: &campaign.started_by,
                };
                let id = crate::rituals::schedules::store::insert(&mut tx, &post, now).await?;
                tx.commit().await?;
                // Posted now, so it goes out before the next step's message;
                // after a crash here the scheduler's pass posts it.
                let schedule = {
                    let mut conn = self.store().connection().await?;
                    crate::rituals::schedules::store::get(&mut conn, id).await?
                };
                if let Some(schedule) = schedule {
                    self.fire(&schedule, now).await?;
                }
            }
            Ritual::Run(line) => {
                self.run_command_step(row, campaign, &group, line, now)
                    .await?
            }
        }
        tracing::info!(campaign = %campaign.name, step = row.step, group = %row.group,
            "campaign step ran");
        Ok(true)
    }

    /// A command step: typed in the group as the operator who started the
    /// campaign, through the same checks and audit as a typed command.
    async fn run_command_step(
        &self,
        row: &StepRow,
        campaign: &Campaign,
        group: &crate::store::groups::Group,
        line: &str,
        now: i64,
    ) -> anyhow::Result<()> {
        let port = self.port(group.id.platform())?;
        let prefix = port.command_prefix();
        let text = match line.strip_prefix('/') {
            Some(rest) if prefix != '/' => format!("{prefix}{rest}"),
            _ => line.to_owned(),
        };
        let from = {
            let mut conn = self.store().connection().await?;
            let name = store::members::name_of(&mut conn, &campaign.started_by).await?;
            Person::known(
                campaign.started_by.clone(),
                name.unwrap_or_else(|| DisplayName::from_stored("Operator".into())),
            )
        };
        let info = GroupInfo {
            id: group.id.clone(),
            title: group.title.clone(),
            public_handle: group.public_handle.clone(),
        };
        let key = format!("campaign:{}:{}:{}", row.campaign, row.step, row.group);
        // The key makes this once-only: after a crash between the
        // command and the mark below, the replay is skipped.
        self.handle_command(&key, group.id.clone(), Some(info), from, text, None)
            .await?;
        let mut conn = self.store().connection().await?;
        campaigns::finish_step(&mut conn, row, campaigns::STEP_DONE, now).await?;
        Ok(())
    }
}
