//! A step that may fail for a moment, tried a few times with back-off
//! before its failure is taken as final.

use std::{future::Future, time::Duration};

/// Tries a step gets before its error is returned.
pub const ATTEMPTS: u32 = 3;

/// The wait before the second try; each later wait is four times longer.
const FIRST_WAIT: Duration = Duration::from_millis(250);

/// Runs `step` until it succeeds or has failed [`ATTEMPTS`] times; each
/// failure but the last is logged as a warning naming `what`.
pub async fn with_backoff<T, F, Fut>(what: &str, mut step: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let mut wait = FIRST_WAIT;
    let mut attempt = 1;
    loop {
        match step().await {
            Err(e) if attempt < ATTEMPTS => {
                tracing::warn!(what, attempt, error = ?e, "a step failed; trying it again");
                tokio::time::sleep(wait).await;
                wait *= 4;
                attempt += 1;
            }
            done => return done,
        }
    }
}
