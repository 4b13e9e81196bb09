//! Scheduled rituals on Telegram, end to end: the real application against the
//! loopback Bot API server, on SQLite and on PostgreSQL, with time driven by
//! a manual clock instead of sleeping.

use crate::{on_both_databases, support};
use std::{collections::HashMap, time::Duration};

use serde_json::json;
use support::{TestApp, TestDb, message, operator, user};

const GROUP: i64 = -1001;
const MINUTE: Duration = Duration::from_secs(60);

/// The number in "Saved schedule #N".
fn schedule_id(reply: &str) -> i64 {
    let start = reply
        .find('#')
        .unwrap_or_else(|| panic!("no id in {reply:?}"))
        + 1;
    reply[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

on_both_databases!(
    a_daily_2030_notice_posts_at_2030_in_shanghai_with_pins_and_snippets,
    a_dst_change_neither_skips_nor_doubles_a_post,
    a_rule_in_words_keeps_local_time_across_dst_and_lists_in_the_group_language,
    bad_input_gets_one_sentence_and_saves_nothing,
    members_cannot_touch_schedules,
    confirmations_count_each_member_once_and_ignore_other_phrases,
    killed_with_50_posts_due_every_post_arrives_exactly_once,
    downtime_beyond_the_grace_skips_instead_of_flooding,
    a_job_failing_every_tick_does_not_stop_the_posts_behind_it,
);

/// Campaign steps run first on each tick. With their table gone they fail
/// every tick; the scheduled post behind them still goes out on time, once.
async fn a_job_failing_every_tick_does_not_stop_the_posts_behind_it(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(GROUP, &op, "/schedule add \"30 12 * * *\" notice Half past")
        .await;
    app.db
        .execute("ALTER TABLE campaign_steps RENAME TO campaign_steps_lost")
        .await;
    let before = app.tg.sent_to(GROUP).len();
    let failed = app.advance_tolerating(29 * MINUTE).await;
    assert_eq!(failed, ["campaign steps"]);
    assert_eq!(app.tg.sent_to(GROUP).len(), before, "nothing before 12:30");
    let failed = app.advance_tolerating(MINUTE).await;
    assert_eq!(failed, ["campaign steps"], "it fails on every tick");
    let sent = app.tg.sent_to(GROUP);
    assert_eq!(sent.len(), before + 1, "the 12:30 post went out");
    assert_eq!(sent[before].plain(), "📢 Half past");
    app.advance_tolerating(MINUTE).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1, "and only once");
}

async fn a_daily_2030_notice_posts_at_2030_in_shanghai_with_pins_and_snippets(db: TestDb) {
    // 20:00 in Shanghai.
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let zone = app.ask(GROUP, &op, "/timezone Asia/Shanghai").await;
    assert_eq!(
        zone.plain(),
        "✅ Time zone set to Asia/Shanghai, local time 20:00"
    );
    let saved = app
        .ask(GROUP, &op, "/snippet save rules Be kind, no ads.")
        .await;
    assert!(
        saved.plain().contains("{{snippet rules}}"),
        "{}",
        saved.plain()
    );
    let reply = app
        .ask(
            GROUP,
            &op,
            "/schedule add \"30 20 * * *\" notice --pin Draw in {{group}} at {{time}}! {{snippet rules}} Double 11 in {{countdown 2026-11-11T00:00}}.",
        )
        .await;
    let text = reply.plain();
    assert!(
        text.contains("next run: 2026-11-10 20:30 (Asia/Shanghai)"),
        "{text}"
    );
    assert!(
        text.contains("📢 Draw in Group 1001 at 20:00! Be kind, no ads."),
        "{text}"
    );
    let id = schedule_id(&text);
    let list = app.ask(GROUP, &op, "/schedule list").await;
    assert!(
        list.plain().contains(&format!(
            "#{id} · 2026-11-10 20:30 (Asia/Shanghai) · notice · every day at 20:30 📌"
        )),
        "{}",
        list.plain()
    );

    let before = app.tg.sent_to(GROUP).len();
    app.advance(29 * MINUTE + Duration::from_secs(59)).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before, "nothing before 20:30");
    app.advance(Duration::from_secs(1)).await;
    let sent = app.tg.sent_to(GROUP);
    assert_eq!(sent.len(), before + 1, "one post at 20:30");
    assert_eq!(
        sent[before].plain(),
        "📢 Draw in Group 1001 at 20:30! Be kind, no ads. Double 11 in 3h 30min."
    );
    let pins = app
        .tg
        .wait_for_call("pinChatMessage", |c| c.len() == 1)
        .await;
    assert_eq!(pins[0]["disable_notification"], true);

    // The next evening's post replaces the pin.
    app.advance(24 * 60 * MINUTE).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 2);
    let unpins = app
        .tg
        .wait_for_call("unpinChatMessage", |c| c.len() == 1)
        .await;
    assert_eq!(unpins[0]["message_id"], pins[0]["message_id"]);
}

async fn a_dst_change_neither_skips_nor_doubles_a_post(db: TestDb) {
    // New York falls back on 2026-11-01 at 02:00 EDT: 01:30 happens twice.
    let app = TestApp::spawn_at(db, "2026-10-31T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(GROUP, &op, "/timezone America/New_York").await;
    app.ask(GROUP, &op, "/schedule add \"30 1 * * *\" teaser Soon…")
        .await;
    let before = app.tg.sent_to(GROUP).len();
    let posts_at = |utc: &str| {
        let at = chrono::DateTime::parse_from_rfc3339(utc)
            .unwrap()
            .timestamp_millis();
        at - app.now_ms()
    };
    // 01:30 EDT = 05:30 UTC: the first post.
    app.advance(Duration::from_millis(
        posts_at("2026-11-01T05:30:00Z") as u64
    ))
    .await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1);
    // 01:30 EST = 06:30 UTC, the same wall-clock time again: no second post.
    app.advance(Duration::from_millis(
        posts_at("2026-11-01T06:31:00Z") as u64
    ))
    .await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1, "not doubled");
    // The next day at 01:30 EST.
    app.advance(Duration::from_millis(
        posts_at("2026-11-02T06:30:00Z") as u64
    ))
    .await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 2, "not skipped");
}

async fn bad_input_gets_one_sentence_and_saves_nothing(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    for (command, answer) in [
        (
            "/schedule add \"30 25 * * *\" notice hi",
            "The hour field `25` is not valid in a cron line.",
        ),
        (
            "/schedule add \"30 20 * *\" notice hi",
            "Say when it runs in words (daily 20:30, weekdays 09:00, fri 20:30) or as a cron line of 5 fields (minute hour day month weekday) in quotes, e.g. \"30 20 * * *\" for 20:30 daily; yours has 4.",
        ),
        (
            "/timezone Mars/Olympus",
            "`Mars/Olympus` is not a time zone; use an IANA name such as Asia/Shanghai or Europe/Berlin.",
        ),
        (
            "/schedule once 2026-11-09T20:30 notice too late",
            "That time has already passed in this group's time zone.",
        ),
        (
            "/schedule add \"30 20 * * *\" party hi",
            "`party` is not a kind of post; use teaser, notice or announce.",
        ),
        (
            "/schedule add \"30 20 * * *\" notice {{snippet nope}}",
            "❌ Not saved, the text has a mistake: There is no snippet `nope`; save it first with /snippet save nope <text>.",
        ),
        (
            "/schedule add \"30 20 * * *\" notice --groups tg:-999 hi",
            "`tg:-999` is neither one of your groups nor one of your group sets; /groups lists them.",
        ),
        (
            "/schedule pause 42",
            "There is no schedule #42 here; /schedule list shows them.",
        ),
    ] {
        let reply = app.ask(GROUP, &op, command).await;
        assert_eq!(reply.plain(), answer, "{command}");
    }
    let list = app.ask(GROUP, &op, "/schedule list").await;
    assert!(
        list.plain().starts_with("No schedules yet."),
        "{}",
        list.plain()
    );
    let zone = app.ask(GROUP, &op, "/timezone").await;
    assert!(
        zone.plain().starts_with("🕰 This group's time zone: UTC"),
        "{}",
        zone.plain()
    );
}

async fn members_cannot_touch_schedules(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let saved = app
        .ask(GROUP, &op, "/schedule add \"30 20 * * *\" notice hi")
        .await;
    let id = schedule_id(&saved.plain());
    // A fresh member for each command: a member is told once a day.
    for (i, command) in [
        "/schedule list".to_owned(),
        "/schedule add \"* * * * *\" notice spam".to_owned(),
        "/schedule once 2026-11-11T20:30 notice spam".to_owned(),
        format!("/schedule pause {id}"),
        format!("/schedule resume {id}"),
        format!("/schedule delete {id}"),
        "/timezone Asia/Tokyo".to_owned(),
        format!("/acks {id}"),
        "/snippet save x spam".to_owned(),
        "/groupset save x -1001".to_owned(),
        "/groups".to_owned(),
    ]
    .into_iter()
    .enumerate()
    {
        let member = user(5 + i as i64, "Mallory");
        let reply = app.ask(GROUP, &member, &command).await;
        assert!(
            reply.plain().contains("admins") || reply.plain().contains("operators"),
            "{command}: {}",
            reply.plain()
        );
    }
    let list = app.ask(GROUP, &op, "/schedule list").await;
    assert!(
        list.plain()
            .contains(&format!("#{id} · 2026-11-10 20:30 (UTC)")),
        "untouched: {}",
        list.plain()
    );
    assert!(!list.plain().contains("spam"));
}

async fn confirmations_count_each_member_once_and_ignore_other_phrases(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let saved = app
        .ask(
            GROUP,
            &op,
            "/schedule add \"30 20 * * *\" notice --confirm “收到” Draw at 20:30, reply 收到",
        )
        .await;
    let id = schedule_id(&saved.plain());
    let before = app.tg.sent_to(GROUP).len();
    app.advance(8 * 60 * MINUTE + 30 * MINUTE).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1);
    let notice_id = app.tg.calls("sendMessage").len() as i64;
    let (ann, bo, cy, di) = (
        user(11, "Ann"),
        user(12, "Bo"),
        user(13, "Cy"),
        user(14, "Di"),
    );
    app.say(GROUP, &ann, "收到");
    app.say(GROUP, &ann, "收到！");
    app.say(GROUP, &bo, " 收到 ");
    app.say(GROUP, &cy, "好的");
    app.say(GROUP, &cy, "没收到");
    app.tg.push(
        "message",
        message(
            GROUP,
            &di,
            json!({ "text": "ok!", "reply_to_message": {
                "message_id": notice_id, "date": 1_700_000_000,
                "chat": support::botapi::chat_json(GROUP), "text": "notice"
            }}),
        ),
    );
    app.settle().await;
    let sent_after_replies = app.tg.sent_to(GROUP).len();
    assert_eq!(sent_after_replies, before + 1, "no reply per confirmation");
    let acks = app.ask(GROUP, &op, &format!("/acks {id}")).await;
    assert_eq!(
        acks.plain(),
        format!("✋ Schedule #{id}, latest post: 3 confirmed (30%)\nAnn, Bo, Di")
    );

    // Edits change the time or the text; the confirmations stay.
    let retimed = app
        .ask(GROUP, &op, &format!("/schedule edit {id} weekdays 21:00"))
        .await;
    assert_eq!(
        retimed.plain(),
        format!("✏️ Schedule #{id} now runs weekdays at 21:00; next run: 2026-11-10 21:00 (UTC)")
    );
    let retexted = app
        .ask(
            GROUP,
            &op,
            &format!("/schedule edit {id} text Draw at 21:00, reply 收到"),
        )
        .await;
    assert_eq!(
        retexted.plain(),
        format!("✏️ Schedule #{id} has its new text; confirmations already given stay.")
    );
    let list = app.ask(GROUP, &op, "/schedule list").await.plain();
    assert!(
        list.contains(&format!(
            "#{id} · 2026-11-10 21:00 (UTC) · notice · weekdays at 21:00 ✋收到\n   Draw at 21:00, reply 收到"
        )),
        "{list}"
    );
    let acks = app.ask(GROUP, &op, &format!("/acks {id}")).await;
    assert_eq!(
        acks.plain(),
        format!("✋ Schedule #{id}, latest post: 3 confirmed (30%)\nAnn, Bo, Di")
    );
    let refused = app
        .ask(
            GROUP,
            &user(11, "Ann"),
            &format!("/schedule edit {id} daily 09:00"),
        )
        .await;
    assert!(!refused.plain().contains('✏'), "{}", refused.plain());
    let nothing = app.ask(GROUP, &op, "/schedule edit 999 daily 09:00").await;
    assert!(nothing.plain().contains("#999"), "{}", nothing.plain());
}

async fn a_rule_in_words_keeps_local_time_across_dst_and_lists_in_the_group_language(db: TestDb) {
    // New York springs forward on 2026-03-08: 02:00 EST becomes 03:00 EDT,
    // so 02:30 does not happen that night.
    let app = TestApp::spawn_at(db, "2026-03-07T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(GROUP, &op, "/timezone America/New_York").await;
    app.ask(GROUP, &op, "/lang zh").await;
    let saved = app
        .ask(GROUP, &op, "/schedule add 每天 02:30 teaser 早安")
        .await
        .plain();
    assert!(
        saved.contains("下次发送：2026-03-08 02:30 (America/New_York)"),
        "{saved}"
    );
    let id = schedule_id(&saved);
    let list = app.ask(GROUP, &op, "/schedule list").await.plain();
    assert!(
        list.contains(&format!(
            "#{id} · 2026-03-08 02:30 (America/New_York) · teaser · 每天 02:30"
        )),
        "{list}"
    );
    let before = app.tg.sent_to(GROUP).len();
    let until = |utc: &str| {
        let at = chrono::DateTime::parse_from_rfc3339(utc)
            .unwrap()
            .timestamp_millis();
        Duration::from_millis((at - app.now_ms()) as u64)
    };
    // The gap: the post goes at the first minute that exists, 03:00 EDT.
    app.advance(until("2026-03-08T06:59:00Z")).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before, "02:30 never came");
    app.advance(until("2026-03-08T07:00:00Z")).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1, "not skipped");
    // The next night at 02:30 EDT, 06:30 UTC.
    app.advance(until("2026-03-09T06:29:00Z")).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1, "not doubled");
    app.advance(until("2026-03-09T06:30:00Z")).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 2);

    let edited = app
        .ask(GROUP, &op, &format!("/schedule edit {id} 每周五 21:00"))
        .await;
    assert_eq!(
        edited.plain(),
        format!("✏️ 定时 #{id} 改为 每周五 21:00，下次发送：2026-03-13 21:00 (America/New_York)")
    );
    let bad = app
        .ask(GROUP, &op, &format!("/schedule edit {id} 每周八 21:00"))
        .await;
    assert!(bad.plain().starts_with("请用文字写时间"), "{}", bad.plain());
}

async fn killed_with_50_posts_due_every_post_arrives_exactly_once(db: TestDb) {
    let mut app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    for i in 0..50 {
        app.say(
            GROUP,
            &op,
            &format!(
                "/schedule once 2026-11-10T12:{:02} notice Post {i}",
                1 + i % 5
            ),
        );
    }
    app.settle().await;
    let before = app.tg.sent_to(GROUP).len();
    app.clock.as_ref().unwrap().advance_ms(10 * 60_000);
    // Let part of them out, then kill the bot mid-delivery.
    app.tg.wait_for(GROUP, before + 3).await;
    app.restart().await;
    app.settle().await;
    let posts: Vec<String> = app
        .tg
        .sent_to(GROUP)
        .iter()
        .map(|m| m.plain())
        .filter(|t| t.starts_with("📢 Post "))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for post in &posts {
        *counts.entry(post.as_str()).or_default() += 1;
    }
    assert_eq!(counts.len(), 50, "every post arrived");
    // Telegram has no idempotency key: the one message in flight when the
    // process died may have been accepted without the bot recording it.
    // Everything else goes exactly once.
    let doubled = counts.values().filter(|n| **n > 1).count();
    assert!(
        doubled <= 1 && counts.values().all(|n| *n <= 2),
        "at most the one in-flight post twice: {counts:?}"
    );
}

async fn downtime_beyond_the_grace_skips_instead_of_flooding(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(GROUP, &op, "/schedule add \"*/5 * * * *\" teaser tick")
        .await;
    let before = app.tg.sent_to(GROUP).len();
    // Three hours pass at once (the bot was down): 36 runs were missed.
    app.advance(180 * MINUTE).await;
    app.advance(Duration::from_secs(1)).await;
    let ticks = app.tg.sent_to(GROUP).len() - before;
    assert_eq!(ticks, 0, "missed runs beyond the grace are skipped");
    // The schedule goes on from now.
    app.advance(5 * MINUTE).await;
    assert_eq!(app.tg.sent_to(GROUP).len() - before, 1);
    // A run missed by less than the grace (10 minutes) is posted, late, once.
    app.advance(13 * MINUTE).await;
    assert_eq!(app.tg.sent_to(GROUP).len() - before, 2);
}
