//! `/acks`: who confirmed a schedule's latest post, and what share of the
//! group that is.

use sqlx::AnyConnection;

use crate::engine::{Engine, Person, commands::Outcome};
use crate::rituals::schedules::store::Schedule;
use crate::rituals::schedules::texts as schedule_texts;
use crate::{
    domain::{Lang, UserId, texts},
    store::groups::Group,
};

use crate::engine::commands::say;

/// A member who confirmed a post, with their name.
type Ack = (UserId, String);

/// Most names `/acks` shows.
const ACK_NAMES: usize = 30;

impl Engine {
    /// `/acks <schedule>` in its group, or in private for an operator's.
    pub(crate) async fn acks_command(
        &self,
        id: i64,
        group: Option<&Group>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let mut conn = self.store().connection().await?;
        let Some((schedule, target)) = self.find_schedule(&mut conn, id, group, from).await? else {
            return Ok(say(schedule_texts::schedule_not_found(lang, id)));
        };
        let acks = acks_of(&mut conn, &schedule).await?;
        // The member count comes from the platform: no connection is held
        // while it answers.
        drop(conn);
        match acks {
            None => Ok(say(super::texts::acks_not_asked(lang, schedule.id))),
            Some(acks) => self.acks(&acks, &schedule, &target, lang).await,
        }
    }

    /// `/acks`: who confirmed the schedule's latest post, and what share of
    /// the group that is.
    async fn acks(
        &self,
        acks: &[Ack],
        schedule: &Schedule,
        group: &Group,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let members = match self
            .port(group.id.platform())?
            .member_count(&group.id)
            .await
        {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "member count unavailable");
                None
            }
        };
        let share = members
            .filter(|n| *n > 0)
            .map(|n| (acks.len() as u64 * 100).div_ceil(n).min(100));
        let mut text = super::texts::acks_summary(lang, schedule.id, acks.len(), share);
        if !acks.is_empty() {
            text.push('\n');
            let names: Vec<&str> = acks
                .iter()
                .take(ACK_NAMES)
                .map(|(_, n)| n.as_str())
                .collect();
            text.push_str(&names.join(texts::list_separator(lang)));
            if acks.len() > ACK_NAMES {
                text.push_str(&super::texts::and_more(lang, acks.len() - ACK_NAMES));
            }
        }
        Ok(say(text))
    }
}

/// Who confirmed a schedule's latest post; `None` when it asks for no
/// confirmation or has not posted yet.
async fn acks_of(
    conn: &mut AnyConnection,
    schedule: &Schedule,
) -> anyhow::Result<Option<Vec<Ack>>> {
    let latest = crate::rituals::schedules::store::latest_post(conn, schedule.id).await?;
    let (Some((post, _)), Some(_)) = (latest, &schedule.confirm) else {
        return Ok(None);
    };
    Ok(Some(
        crate::rituals::schedules::store::acks_of(conn, post).await?,
    ))
}
