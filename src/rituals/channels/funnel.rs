//! `/funnel`: of the members who joined, how many stayed a week, spoke, got
//! a coupon code and redeemed it; in all and per inviter.

use sqlx::AnyConnection;

use super::store::funnel::{self, Stages};
use crate::engine::Engine;
use crate::{
    domain::{ChatId, Lang, RichText, UserId},
    rituals::campaigns::{store as campaigns, texts},
    store::{self, groups::Group},
};

/// Inviters listed; the rest are in the totals.
const INVITERS_SHOWN: usize = 10;
const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

fn stages(s: &Stages) -> [i64; 5] {
    [s.joined, s.stayed, s.active, s.coded, s.redeemed]
}

impl Engine {
    /// `/funnel [campaign]`: a group's (`here`), a campaign's since it
    /// started (operators), or in private all the operator's groups.
    pub(crate) async fn funnel_command(
        &self,
        conn: &mut AnyConnection,
        campaign: Option<String>,
        here: Option<&Group>,
        from: &UserId,
        lang: Lang,
    ) -> anyhow::Result<RichText> {
        let (groups, since, scope) = match (campaign, here) {
            (Some(name), _) => {
                if !self.is_operator(from) {
                    return Ok(RichText::plain(texts::funnel_campaign_needs_operator(lang)));
                }
                let Some(c) = campaigns::latest(conn, &name).await? else {
                    return Ok(RichText::plain(texts::never_started(lang, &name)));
                };
                let groups = campaigns::groups_of(conn, c.id).await?;
                let since = c.start_date.get(5..).unwrap_or(&c.start_date).to_owned();
                let scope = texts::funnel_scope_campaign(lang, &name, &since, groups.len());
                (groups, c.started_at, scope)
            }
            (None, Some(group)) => (
                vec![group.id.clone()],
                0,
                texts::funnel_scope_group(lang, &group.title),
            ),
            (None, None) => {
                let groups: Vec<ChatId> = store::groups::owned_by(conn, from).await?;
                let scope = texts::funnel_scope_all(lang, groups.len());
                (groups, 0, scope)
            }
        };
        let rows = funnel::by_inviter(conn, &groups, since, self.now_ms() - WEEK_MS).await?;
        let mut text = texts::funnel_header(lang, &scope);
        text.push_str(&texts::funnel_stages(lang, stages(&funnel::total(&rows))));
        if rows.iter().any(|r| r.inviter.is_some()) {
            text.push_str(texts::funnel_by_inviter(lang));
            for row in rows.iter().take(INVITERS_SHOWN) {
                let name = match &row.inviter {
                    Some(id) => store::members::name_of(conn, id)
                        .await?
                        .map_or_else(|| id.to_string(), |n| n.as_str().to_owned()),
                    None => texts::funnel_nobody(lang).to_owned(),
                };
                text.push_str(&texts::funnel_row(&name, stages(row)));
            }
        }
        Ok(RichText::plain(text))
    }
}
