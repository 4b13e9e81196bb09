//! Whether someone pressing a button or reacting is in the group. A member
//! the bot saw join has a membership row; anyone else (there before the bot
//! came, or only looking at a public group) is asked of the platform once,
//! and the answer is kept with the time they were first seen, from which a
//! draw's `--hours` counts them in.

use super::Engine;
use crate::{
    domain::{ChatId, UserId},
    store,
};

impl Engine {
    /// Whether `user` is in `group` now, as far as the bot knows or the
    /// platform says. A platform that cannot tell is taken as "no" for this
    /// press, and asked again at the next.
    pub(crate) async fn is_present(&self, group: &ChatId, user: &UserId) -> anyhow::Result<bool> {
        {
            let mut conn = self.store.connection().await?;
            if let Some((present, _)) = store::members::presence(&mut conn, group, user).await? {
                return Ok(present);
            }
        }
        // No connection is held while the platform answers.
        let port = self.port(group.platform())?;
        let present = match port.is_member(group, user).await {
            Ok(present) => present,
            Err(e) => {
                tracing::warn!(%group, error = ?anyhow::Error::from(e), "could not tell whether someone is a member");
                return Ok(false);
            }
        };
        let mut conn = self.store.connection().await?;
        store::members::note_seen(&mut conn, group, user, present, self.now_ms()).await?;
        Ok(present)
    }
}
