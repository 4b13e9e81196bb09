//! Campaign playbooks on Telegram, end to end: the seed's Double-11 playbook
//! (`examples/double11.toml`) run in four groups on an accelerated clock,
//! every step checked at its local time; pause, resume, stop and status; and
//! what an operator is told when a start cannot work. On SQLite and
//! PostgreSQL.

use crate::{on_both_databases, support};
use std::{path::Path, time::Duration};

use chrono::{NaiveDate, TimeZone};
use hearth::rituals::campaigns::playbook::{self, Ritual, Step};
use support::{OPERATOR, Sent, TestApp, TestDb, operator, user};

/// Two old groups, full of members who trust the brand, and two new ones
/// that fill during the campaign.
const OLD: [i64; 2] = [-1011, -1012];
const NEW: [i64; 2] = [-1013, -1014];
const GROUPS: [i64; 4] = [OLD[0], OLD[1], NEW[0], NEW[1]];
const MINUTE: Duration = Duration::from_secs(60);

on_both_databases!(
    the_double11_playbook_runs_day_by_day_at_local_times_in_four_groups,
    a_campaign_pauses_resumes_and_stops_and_says_where_it_is,
    a_start_that_cannot_work_says_why_and_starts_nothing,
);

/// Moves the clock to `at_ms` (never back).
async fn advance_to(app: &TestApp, at_ms: i64) {
    let now = app.now_ms();
    assert!(at_ms >= now, "the clock never goes back");
    app.advance(Duration::from_millis((at_ms - now) as u64))
        .await;
}

/// What a step's message must show in the group.
fn shows_step(step: &Step, sent: &Sent) -> bool {
    let text = sent.plain();
    match &step.what {
        // The post's own words, up to its first variable.
        Ritual::Post { text: body, .. } => {
            let words = body.split("{{").next().unwrap().lines().next().unwrap();
            text.contains(words.trim())
        }
        Ritual::Run(line) if line.starts_with("/top") => {
            text.starts_with("🏆 Effective invites leaderboard")
                || text.starts_with("Nobody has an effective invite yet")
        }
        Ritual::Run(line) if line.starts_with("/giveaway") => {
            text.contains("giveaway") && !sent.buttons.is_empty()
        }
        Ritual::Run(line) if line.starts_with("/nth") => text.contains("18th reply"),
        Ritual::Run(line) if line.starts_with("/wheel new") => text.contains("连衣裙"),
        Ritual::Run(line) if line.starts_with("/wheel open") => {
            sent.buttons.iter().any(|(label, _)| label.contains("Spin"))
        }
        Ritual::Run(line) if line.starts_with("/envelope") => !sent.buttons.is_empty(),
        Ritual::Run(other) => panic!("no check for {other}"),
    }
}

async fn the_double11_playbook_runs_day_by_day_at_local_times_in_four_groups(db: TestDb) {
    // Noon in Shanghai the day before the campaign.
    let mut app = TestApp::spawn_at(db, "2026-11-06T04:00:00Z").await;
    let op = operator();
    for group in GROUPS {
        app.group_with_bot(group).await;
        app.ask(group, &op, "/timezone Asia/Shanghai").await;
    }
    for (n, group) in OLD.iter().enumerate() {
        for i in 0..5 {
            let id = 5000 + n as i64 * 100 + i;
            app.join_public(*group, &user(id, &format!("Fan {id}")));
        }
    }
    app.tg.wait_until_consumed().await;
    app.advance(MINUTE).await;

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/double11.toml");
    let book = hearth::cli::campaign::load(app.engine.as_ref().unwrap().store(), &path)
        .await
        .unwrap();
    app.ask(
        OPERATOR,
        &op,
        "/groupset save double11 tg:-1011 tg:-1012 tg:-1013 tg:-1014",
    )
    .await;
    let started = app
        .ask(
            OPERATOR,
            &op,
            "/campaign start double11 2026-11-07 --groups double11",
        )
        .await
        .plain();
    assert_eq!(
        started,
        "🚀 Campaign double11 “双十一狂欢 Double-11” started: day 1 is 2026-11-07, 4 groups, \
         17 steps in each, at each group's local times. /campaign status double11 follows it."
    );

    // The playbook's moments, in order, with the steps due at each.
    let start = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
    let shanghai = chrono_tz::Asia::Shanghai;
    let mut moments: Vec<(i64, Vec<&Step>)> = Vec::new();
    for step in &book.steps {
        let at = shanghai
            .from_local_datetime(&step.local_on(start))
            .unwrap()
            .timestamp_millis();
        match moments.last_mut() {
            Some((last, steps)) if *last == at => steps.push(step),
            _ => moments.push((at, vec![step])),
        }
    }
    assert_eq!(
        moments.len(),
        16,
        "17 steps, two of them at the same moment"
    );

    let mut restarted = false;
    for (at, steps) in &moments {
        // A minute before, the groups have had nothing of this moment.
        advance_to(&app, at - MINUTE.as_millis() as i64).await;
        let before: Vec<usize> = GROUPS.iter().map(|g| app.tg.sent_to(*g).len()).collect();
        advance_to(&app, *at).await;
        for (group, before) in GROUPS.iter().zip(&before) {
            let sent = app.tg.wait_for(*group, before + steps.len()).await;
            let new = &sent[*before..];
            assert_eq!(
                new.len(),
                steps.len(),
                "group {group} at {at}: {:?}",
                new.iter().map(Sent::plain).collect::<Vec<_>>()
            );
            for (step, sent) in steps.iter().zip(new) {
                assert!(
                    shows_step(step, sent),
                    "day {} {} in {group}: {}",
                    step.day,
                    step.at,
                    sent.plain()
                );
            }
        }
        // The wheel the playbook opened is live: a fan spins it.
        if matches!(&steps[0].what, Ritual::Run(line) if line.starts_with("/wheel open")) {
            let wheel = app.tg.sent_to(OLD[0]).last().unwrap().clone();
            let (_, data) = wheel.buttons[0].clone();
            let fan = user(5000, "Fan 5000");
            let told = app
                .press_for_answer(OLD[0], wheel.message_id, &fan, &data)
                .await;
            assert!(told.contains("You won"), "{told}");
        }
        // The contest's first morning: Lily brings three friends into a
        // new group, so the evening's leaderboard has her on it.
        if steps[0].day == 1 && *at == moments[0].0 {
            let lily = user(6001, "Lily");
            app.join_public(NEW[0], &lily);
            let link = app.invite_link(NEW[0], &lily).await;
            for id in 6002..6005 {
                app.join_via_link(NEW[0], &user(id, &format!("Friend {id}")), &link);
            }
            app.tg.wait_until_consumed().await;
            app.advance(MINUTE).await;
        }
        // Halfway, the bot dies and comes back: nothing is lost or repeated.
        if steps[0].day == 3 && !restarted {
            app.restart().await;
            restarted = true;
        }
    }

    // Pins and confirmations work as for any scheduled post.
    let pins = app.tg.calls("pinChatMessage");
    assert_eq!(
        pins.len(),
        3 * GROUPS.len(),
        "three pinned steps in each group"
    );
    // Every draw of the campaign can be re-run from its seed.
    assert_eq!(
        support::verify_every_draw(&app.db.url).await,
        2 * GROUPS.len(),
        "each group's giveaway and wheel closed at their times \
         (the envelope waits for its last grab)"
    );

    // The guide shows this very status.
    let (page, first) = crate::docs_answers::STATUS;
    let shown = crate::docs::example(page, first);
    let status = app.ask(OPERATOR, &op, &shown[0].said).await.plain();
    crate::docs::assert_shown(page, &shown, 0, &status);
    assert!(
        status.starts_with(
            "Campaign double11 “双十一狂欢 Double-11”: done. Day 1 is 2026-11-07, 4 groups.\n\
             Done 17 of 17 steps; 0 skipped.\n\
             Last: day 5 20:30 · /top 10 (thanks to the top inviters) (11-11 20:30)\n"
        ),
        "{status}"
    );
    assert!(
        status.ends_with("So far: 4 newcomers, 3 effective invites, 16 draws."),
        "{status}"
    );
    let top = app.tg.sent_to(NEW[0]);
    let evening = top
        .iter()
        .find(|m| m.plain().starts_with("🏆"))
        .unwrap()
        .plain();
    assert!(evening.contains("Lily"), "{evening}");
}

/// A small playbook, kept as if loaded from a file.
async fn load(app: &TestApp, source: &str) {
    let store = app.engine.as_ref().unwrap().store();
    let mut conn = store.connection().await.unwrap();
    let book = playbook::parse(source).unwrap();
    hearth::rituals::campaigns::store::save_playbook(&mut conn, &book.name, source, "test", 0)
        .await
        .unwrap();
}

const MINI: &str = r#"
name = "mini"
[[step]]
day = 1
at = "10:00"
post = "notice"
text = "one"
[[step]]
day = 1
at = "11:00"
post = "notice"
text = "two"
[[step]]
day = 1
at = "12:00"
run = "/top 3"
[[step]]
day = 2
at = "10:00"
post = "notice"
text = "four"
"#;

const GROUP: i64 = -1021;

/// 2026-11-07 at `hh:mm` UTC (the group's zone), in unix ms.
fn at(hh_mm: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(&format!("2026-11-07T{hh_mm}:00Z"))
        .unwrap()
        .timestamp_millis()
}

async fn a_campaign_pauses_resumes_and_stops_and_says_where_it_is(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-07T09:00:00Z").await;
    let op = operator();
    app.group_with_bot(GROUP).await;
    load(&app, MINI).await;
    let fan = user(7001, "Fan");
    let refused = app.ask(GROUP, &fan, "/campaign status mini").await.plain();
    assert_eq!(refused, "That command is for operators only.");

    let started = app
        .ask(GROUP, &op, "/campaign start mini 2026-11-07")
        .await
        .plain();
    assert!(
        started.starts_with("🚀 Campaign mini “mini” started"),
        "{started}"
    );
    let listed = app.ask(GROUP, &op, "/campaign").await.plain();
    assert_eq!(listed, "Playbooks: mini\n· mini: running, day 1 2026-11-07");

    advance_to(&app, at("10:00")).await;
    let one = app.tg.sent_to(GROUP).last().unwrap().plain();
    assert_eq!(one, "📢 one");

    let paused = app.ask(GROUP, &op, "/campaign pause mini").await.plain();
    assert_eq!(
        paused,
        "⏸ Campaign mini paused; /campaign resume mini goes on."
    );
    let before = app.tg.sent_to(GROUP).len();
    advance_to(&app, at("11:30")).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before, "nothing while paused");
    let status = app.ask(GROUP, &op, "/campaign status mini").await.plain();
    assert_eq!(
        status,
        "Campaign mini “mini”: paused. Day 1 is 2026-11-07, 1 group.\n\
         Done 1 of 4 steps; 0 skipped.\n\
         Last: day 1 10:00 · notice “one” (11-07 10:00)\n\
         Next: day 1 11:00 · notice “two” (11-07 11:00)\n\
         So far: 0 newcomers, 0 effective invites, 0 draws."
    );

    // The 11:00 step fell due half an hour ago, beyond the grace: skipped,
    // not posted late.
    let resumed = app.ask(GROUP, &op, "/campaign resume mini").await.plain();
    assert_eq!(
        resumed,
        "▶️ Campaign mini resumed; 1 step missed while paused is skipped."
    );
    let before = app.tg.sent_to(GROUP).len();
    advance_to(&app, at("12:00")).await;
    let sent = app.tg.wait_for(GROUP, before + 1).await;
    assert_eq!(sent.len(), before + 1);
    assert_eq!(
        sent[before].plain(),
        "Nobody has an effective invite yet. Send /invite to bring friends and be the first!"
    );

    let stopped = app
        .ask_confirmed(GROUP, &op, "/campaign stop mini")
        .await
        .plain();
    assert_eq!(
        stopped,
        "⏹ Campaign mini stopped; 1 step still waiting is cancelled."
    );
    let before = app.tg.sent_to(GROUP).len();
    app.advance(Duration::from_secs(24 * 3600)).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before, "nothing after a stop");
    let status = app.ask(GROUP, &op, "/campaign status mini").await.plain();
    assert!(
        status.starts_with(
            "Campaign mini “mini”: stopped. Day 1 is 2026-11-07, 1 group.\n\
             Done 2 of 4 steps; 2 skipped.\n\
             Last: day 1 12:00 · /top 3 (11-07 12:00)\n"
        ),
        "{status}"
    );
    // The log says who started, paused, resumed and stopped it.
    let log = app.ask(GROUP, &op, "/log 10").await.plain();
    for command in ["start", "pause", "resume", "stop"] {
        assert!(log.contains(&format!("/campaign {command} mini")), "{log}");
    }
}

async fn a_start_that_cannot_work_says_why_and_starts_nothing(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-07T09:00:00Z").await;
    let op = operator();
    app.group_with_bot(GROUP).await;
    load(&app, MINI).await;
    let ask = |text: &'static str| {
        let app = &app;
        let op = op.clone();
        async move { app.ask(GROUP, &op, text).await.plain() }
    };
    assert_eq!(
        ask("/campaign start spring 2026-11-07").await,
        "There is no playbook named spring. Load one on the server with hearth campaign load <file>; /campaign lists them."
    );
    assert_eq!(
        ask("/campaign start mini 2026-11-01").await,
        "With that start date every step is already past; pick a later date."
    );
    assert_eq!(
        ask("/campaign start mini 11/07").await,
        "`11/07` is not a date: write the first day as YYYY-MM-DD, e.g. 2026-11-07."
    );
    assert_eq!(
        ask("/campaign start mini 2026-11-07 --groups tg:-1999").await,
        "`tg:-1999` is neither one of your groups nor one of your group sets; /groups lists them."
    );
    assert_eq!(
        ask("/campaign pause mini").await,
        "The campaign mini was never started; /campaign start mini <date> starts it."
    );
    assert!(
        ask("/campaign start mini 2026-11-07")
            .await
            .starts_with("🚀")
    );
    assert_eq!(
        ask("/campaign start mini 2026-11-08").await,
        "The campaign mini is under way (running); to start it again, /campaign stop mini first."
    );
    // One campaign, one set of steps: the refusals added nothing.
    let store = app.engine.as_ref().unwrap().store();
    let mut conn = store.connection().await.unwrap();
    let latest = hearth::rituals::campaigns::store::latest(&mut conn, "mini")
        .await
        .unwrap()
        .unwrap();
    let steps = hearth::rituals::campaigns::store::steps_of(&mut conn, latest.id)
        .await
        .unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(latest.id, 1, "no other campaign was created");
}
