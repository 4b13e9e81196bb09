//! Screening in the engine: each group's rules, newcomers screened in their
//! join's transaction, automatic mode with its daily report, and
//! `/screening`.

use sqlx::AnyConnection;

use super::{
    command::ScreeningCommand,
    rules::{self as screening, Rules},
    store::{
        self as screening_rules, Source,
        suspects::{Screened, Suspect},
    },
    texts,
};
use crate::engine::{Action, Engine, commands::Outcome};
use crate::{
    domain::{ChatId, DisplayName, Lang, RichText, UserId},
    rituals::raids::rules as raid,
    store::{self, groups::Group, members::MemberKey},
};

/// Who removed a member in automatic mode, as the review queue records it.
pub const AUTO: &str = "auto";
/// How often an operator hears what automatic mode removed.
pub const REPORT_EVERY_MS: i64 = 24 * 3600 * 1000;
/// Names listed in a report; the rest are counted.
const REPORT_NAMES: usize = 30;

/// What `/screening` changes.
pub(crate) enum ScreeningPlan {
    /// The group's own rules from now on.
    Set { lang: Lang, rules: Rules },
    /// Back to the operator's rules or the defaults.
    Reset { lang: Lang },
}

impl Engine {
    /// Screens newcomers in the join's own transaction: a suspect waits for
    /// review; in automatic mode one at or above its mark is removed at once
    /// (recorded here, carried out by the outbox) and their inviter's credit
    /// goes with them. A member an admin decided on is never screened again.
    pub(crate) async fn screen_joins(
        &self,
        conn: &mut AnyConnection,
        joined: Vec<(MemberKey, DisplayName)>,
        now: i64,
    ) -> anyhow::Result<()> {
        if joined.is_empty() {
            return Ok(());
        }
        // A fixed number of statements for the whole batch, whatever its
        // groups: their rows, their rules, raid counts, hops.
        let mut ids: Vec<ChatId> = joined.iter().map(|((g, _), _)| g.clone()).collect();
        ids.sort();
        ids.dedup();
        let groups = store::groups::get_many(conn, &ids).await?;
        let owners: Vec<(ChatId, UserId)> = groups
            .values()
            .map(|g| (g.id.clone(), g.owner.clone()))
            .collect();
        let mut rules = screening_rules::effective_many(conn, &owners).await?;
        let arrivals: Vec<(&Group, &Rules, usize)> = groups
            .values()
            .filter_map(|g| {
                let joins = joined.iter().filter(|((id, _), _)| *id == g.id).count();
                Some((g, &rules.get(&g.id)?.0, joins))
            })
            .collect();
        for id in self.watch_for_raids(conn, &arrivals, now).await? {
            if let Some((r, _)) = rules.get_mut(&id) {
                r.threshold = raid::tightened(r.threshold);
            }
        }
        let keys: Vec<MemberKey> = joined.iter().map(|(k, _)| k.clone()).collect();
        let since = now - screening::HOP_MINUTES * 60_000;
        let hops = store::moves::hops(conn, &keys, since).await?;
        let mut checks = Vec::new();
        for ((group_id, user), name) in &joined {
            let Some((rules, _)) = rules.get(group_id) else {
                continue;
            };
            let hops = hops.get(&(group_id.clone(), user.clone())).copied();
            let found = screening::screen_newcomer(
                name.as_str(),
                user.as_telegram(),
                u32::try_from(hops.unwrap_or(0)).unwrap_or(u32::MAX),
                rules,
            );
            let screened = Screened {
                group: group_id,
                user,
                name,
                score: found.score,
                reasons: &found.reasons,
            };
            let removed = self.act_on(conn, rules, &screened, now).await?;
            if !removed && self.reads_profiles(group_id.platform()) {
                checks.push((group_id, user, name, found.reasons));
            }
        }
        let checks: Vec<_> = checks
            .iter()
            .map(|(g, u, n, reasons)| (*g, *u, *n, reasons.as_slice()))
            .collect();
        super::store::profile_checks::queue_many(conn, &checks, now).await?;
        Ok(())
    }

    /// Queues a suspect for review, or removes them in automatic mode;
    /// true when they are removed now.
    pub(crate) async fn act_on(
        &self,
        conn: &mut AnyConnection,
        rules: &Rules,
        screened: &Screened<'_>,
        now: i64,
    ) -> anyhow::Result<bool> {
        let (group, user, score) = (screened.group, screened.user, screened.score);
        if rules.auto_remove.is_some_and(|mark| score >= mark) {
            let removed = super::store::suspects::flag_removed(conn, screened, AUTO, now).await?;
            if removed {
                tracing::info!(%group, %user, score, "removed automatically");
                screening_rules::start_report_day(conn, group, now).await?;
                self.record_removal(conn, group, user, now).await?;
                let lang = store::groups::get(conn, group)
                    .await?
                    .map_or(self.settings().default_lang, |g| g.lang);
                let remove = Action::RemoveMember {
                    user: user.clone(),
                    reason: texts::removal_reason(lang, true).to_owned(),
                };
                self.enqueue(conn, group, &remove).await?;
            }
            Ok(removed)
        } else {
            if score >= rules.threshold {
                super::store::suspects::flag(conn, screened, now).await?;
            }
            Ok(false)
        }
    }

    /// Tells each group's operator, in private and once a day, whom
    /// automatic mode removed there. A group's day starts at its first
    /// automatic removal.
    pub async fn send_auto_reports(&self) -> anyhow::Result<usize> {
        let now = self.now_ms();
        let due = {
            let mut conn = self.store().connection().await?;
            screening_rules::reports_due(&mut conn, now - REPORT_EVERY_MS).await?
        };
        let mut sent = 0;
        for (id, since) in due {
            match self.auto_report(&id, since, now).await {
                Ok(true) => sent += 1,
                Ok(false) => {}
                Err(e) => tracing::error!(group = %id, error = ?e, "automatic-mode report failed"),
            }
        }
        if sent > 0 {
            self.work.notify_waiters();
        }
        Ok(sent)
    }

    /// One group's report of [since, now): queued and marked sent in one
    /// transaction, so it goes once. A day without removals says nothing.
    async fn auto_report(&self, id: &ChatId, since: i64, now: i64) -> anyhow::Result<bool> {
        let mut tx = self.store().begin().await?;
        let Some(group) = store::groups::get(&mut tx, id).await? else {
            return Ok(false);
        };
        let (rules, _) = screening_rules::effective(&mut tx, id, &group.owner).await?;
        // Each report covers [last report, now): nothing twice, nothing lost.
        let removed =
            super::store::suspects::removed_by_between(&mut tx, id, AUTO, since, now).await?;
        if !removed.is_empty() {
            let waiting = super::store::suspects::pending_count(&mut tx, id).await?;
            let mark = rules.auto_remove.unwrap_or(rules.threshold);
            let text = report(&group, mark, &removed, waiting);
            let to = ChatId::private_with(&group.owner);
            self.enqueue(&mut tx, &to, &Action::Send { text }).await?;
        }
        screening_rules::reported(&mut tx, id, now).await?;
        tx.commit().await?;
        Ok(!removed.is_empty())
    }

    /// `/screening …`: shows the group's rules or changes them.
    pub(crate) async fn screening_command(
        &self,
        conn: &mut AnyConnection,
        command: ScreeningCommand,
        group: &Group,
    ) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let (mut rules, source) = screening_rules::effective(conn, &group.id, &group.owner).await?;
        let plan = match command {
            ScreeningCommand::Show => return Ok(show(&rules, source, lang).into()),
            ScreeningCommand::Reset => ScreeningPlan::Reset { lang },
            change => {
                if let Err(e) = change.apply(&mut rules) {
                    return Ok(RichText::plain(e.explain(lang)).into());
                }
                if let Err(e) = rules.check() {
                    return Ok(RichText::plain(texts::rules_refused(lang, &e)).into());
                }
                ScreeningPlan::Set { lang, rules }
            }
        };
        Ok(Outcome {
            reply: RichText::default(),
            effect: Some(Box::new(plan)),
        })
    }
}

impl ScreeningPlan {
    /// Writes the change and shows the rules now in force.
    pub(crate) async fn write(
        self,
        conn: &mut AnyConnection,
        group: &ChatId,
        by: &str,
        now: i64,
    ) -> anyhow::Result<RichText> {
        let lang = match &self {
            ScreeningPlan::Set { lang, .. } | ScreeningPlan::Reset { lang } => *lang,
        };
        match self {
            ScreeningPlan::Set { rules, .. } => {
                screening_rules::set(conn, group.as_str(), &rules, by, now).await?;
            }
            ScreeningPlan::Reset { .. } => {
                screening_rules::clear(conn, group.as_str()).await?;
            }
        }
        let owner = store::groups::get(conn, group).await?.map(|g| g.owner);
        let (rules, source) = match owner {
            Some(owner) => screening_rules::effective(conn, group, &owner).await?,
            None => (Rules::default(), Source::Defaults),
        };
        let mut text = RichText::plain(texts::rules_saved(lang));
        text.append(show(&rules, source, lang));
        Ok(text)
    }
}

/// What automatic mode did in a group since the last report.
fn report(group: &Group, mark: u32, removed: &[Suspect], waiting: i64) -> RichText {
    let lang = group.lang;
    let mut text = texts::report_header(lang, &group.title, removed.len(), mark);
    for s in removed.iter().take(REPORT_NAMES) {
        let reasons: Vec<String> = s.reasons.iter().map(|r| r.explain(lang)).collect();
        text.push_str(&texts::report_row(
            lang,
            s.name.as_str(),
            s.score,
            &reasons.join("; "),
        ));
    }
    if removed.len() > REPORT_NAMES {
        text.push_str(&texts::report_more(lang, removed.len() - REPORT_NAMES));
    }
    text.push_str(&texts::report_footer(lang, waiting));
    RichText::plain(text)
}

/// The rules in force, as admins read them.
fn show(rules: &Rules, source: Source, lang: Lang) -> RichText {
    RichText::plain(texts::rules(lang, source, rules))
}

#[async_trait::async_trait]
impl crate::engine::effect::Effect for ScreeningPlan {
    async fn apply(
        self: Box<Self>,
        cx: &mut crate::engine::effect::Cx<'_>,
    ) -> anyhow::Result<Option<RichText>> {
        Ok(Some(
            self.write(cx.conn, cx.chat, cx.from.id.as_str(), cx.now)
                .await?,
        ))
    }
}
