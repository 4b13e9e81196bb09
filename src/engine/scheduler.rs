//! The scheduler: every ritual's jobs (`rituals::jobs`), run in the
//! registry's order on every tick and whenever new work is announced. Each
//! job runs on its own: one that fails is logged with its cause chain and
//! the others still run.

use std::{sync::Arc, time::Duration};

use super::Engine;

/// How often the scheduler looks for due runs when nothing wakes it.
const TICK: Duration = Duration::from_millis(250);

impl Engine {
    /// Runs the scheduler until the task is dropped: every ritual's jobs,
    /// on every tick.
    pub async fn run_scheduler(self: Arc<Self>) -> anyhow::Result<()> {
        self.run_passes("scheduler", TICK, |engine| async move {
            engine.run_jobs_once().await;
            anyhow::Ok(())
        })
        .await
    }

    /// Runs every ritual's scheduler jobs once, each standing alone: a job
    /// that fails is logged with its cause chain and the others still run
    /// on the same tick. Returns the names of the jobs that failed. The
    /// scheduler and the tests run this same list.
    pub async fn run_jobs_once(&self) -> Vec<&'static str> {
        let mut failed = Vec::new();
        for job in crate::rituals::jobs() {
            if let Err(e) = (job.run)(self).await {
                tracing::error!(job = job.name, error = ?e, "a scheduled job failed; the others go on");
                failed.push(job.name);
            }
        }
        failed
    }
}
