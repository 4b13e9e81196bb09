//! Tags and broadcasts on Telegram, end to end: admins tag members, other
//! tags follow from what members did, and a broadcast reaches only members
//! who started the bot and did not opt out, paced, with a report of what
//! was sent and what failed. On SQLite and PostgreSQL.

use crate::{on_both_databases, support};
use std::time::Duration;

use serde_json::Value;
use support::{TestApp, TestDb, button, operator, user};

const GROUP: i64 = -1051;

on_both_databases!(
    admins_tag_members_and_see_every_tag,
    a_broadcast_reaches_only_members_who_started_the_bot_and_did_not_stop,
    a_member_who_stops_during_a_broadcast_is_not_reached,
);

/// Messages a user got in private that contain `needle`.
fn got(app: &TestApp, user: i64, needle: &str) -> usize {
    app.tg
        .sent_to(user)
        .iter()
        .filter(|m| m.plain().contains(needle))
        .count()
}

/// `member` opens a private chat with the bot and gets its greeting.
async fn start_bot(app: &TestApp, member: &Value) {
    let id = member["id"].as_i64().unwrap();
    app.ask(id, member, "/start").await;
}

async fn admins_tag_members_and_see_every_tag(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let (ann, bob, fay) = (user(2001, "Ann Lee"), user(2002, "Bob"), user(2006, "Fay"));
    app.join_public(GROUP, &ann);
    let link = app.invite_link(GROUP, &bob).await;
    app.join_via_link(GROUP, &fay, &link);
    app.settle().await;

    assert_eq!(
        app.ask(GROUP, &op, "/tag Ann Lee VIP").await.plain(),
        "🏷 Ann Lee is tagged vip."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/tag tg:2001 vip").await.plain(),
        "Ann Lee is already tagged vip."
    );
    app.ask(GROUP, &op, "/tag Fay 老客户").await;
    // Mistakes change nothing and say what to type.
    assert_eq!(
        app.ask(GROUP, &op, "/tag Ann Lee winner").await.plain(),
        "`winner` is an automatic tag: members get it from what they did, not by hand."
    );
    assert!(
        app.ask(GROUP, &op, "/tag Nobody vip")
            .await
            .plain()
            .starts_with("No member of this group is called “Nobody”"),
    );
    assert!(
        app.ask(GROUP, &op, "/tag vip")
            .await
            .plain()
            .starts_with("Use /tag <member> <tag>"),
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM member_tags").await, 2);

    // Bob, an old member the bot never saw join, invited Fay: he is the
    // group's top inviter.
    assert_eq!(
        app.ask(GROUP, &op, "/tags").await.plain(),
        "🏷 Tags here (members):\n· vip (by hand): 1\n· 老客户 (by hand): 1\n· top: 1"
    );
    assert_eq!(
        app.ask(GROUP, &op, "/tags tg:2002").await.plain(),
        "🏷 Bob's tags: top"
    );
    assert_eq!(
        app.ask(GROUP, &op, "/untag Ann Lee vip").await.plain(),
        "Ann Lee is no longer tagged vip."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/tags Ann Lee").await.plain(),
        "Ann Lee carries no tag."
    );
    // Tagging is an admin action, logged with who did it: three tags given
    // (one of them a second time) and one taken; mistakes are not logged.
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM audit_log WHERE action IN ('tag', 'untag') AND actor = 'tg:1000'")
            .await,
        4
    );
}

async fn a_broadcast_reaches_only_members_who_started_the_bot_and_did_not_stop(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let ann = user(2001, "Ann");
    let cat = user(2003, "Cat");
    let dan = user(2004, "Dan");
    let eve = user(2005, "Eve");
    let gus = user(2007, "Gus");
    for member in [&ann, &cat, &dan, &eve, &gus] {
        app.join_public(GROUP, member);
    }
    app.settle().await;
    // Dan never starts the bot; Eve starts it and opts out; Cat blocks it
    // later; Gus started it but carries no tag.
    for member in [&ann, &cat, &eve, &gus] {
        start_bot(&app, member).await;
    }
    assert_eq!(
        app.ask(2005, &eve, "/stop").await.plain(),
        "Done: you will get no more broadcasts. Your codes and answers to your own requests still come. Send /start to receive broadcasts again."
    );
    for who in ["Ann", "Cat", "Dan", "Eve"] {
        app.ask(GROUP, &op, &format!("/tag {who} vip")).await;
    }
    app.tg.block_bot(2003);

    // A member may not broadcast, and /stop in the group points to private.
    assert_eq!(
        app.ask(GROUP, &gus, "/broadcast all Buy now").await.plain(),
        "That command is for operators only."
    );
    assert_eq!(
        app.ask(GROUP, &gus, "/stop").await.plain(),
        "Send /stop to me in a private chat."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/broadcast tag:nobody Hello")
            .await
            .plain(),
        "Nobody in tag:nobody can be reached in private (0 never started the bot or opted out); nothing was sent."
    );
    assert!(
        app.ask(GROUP, &op, "/broadcast vip Hello")
            .await
            .plain()
            .starts_with("Use /broadcast tag:<tag> <message>"),
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM broadcasts").await, 0);

    // The guide shows this very broadcast: queued, then done.
    let (page, first) = crate::docs_answers::BROADCAST;
    let shown = crate::docs::example(page, first);
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &op, &shown[0].said);
    let sent = app.tg.wait_for(GROUP, before + 2).await;
    let said = format!("{}\n{}", sent[before].plain(), sent[before + 1].plain());
    crate::docs::assert_shown(page, &shown, 0, &said);
    assert!(
        said.ends_with(
            "is done: 1 sent, 1 failed (mostly members who blocked the bot), 0 opted out meanwhile."
        ),
        "{said}"
    );
    let ann_got: Vec<String> = app
        .tg
        .sent_to(2001)
        .iter()
        .map(|m| m.plain())
        .filter(|t| t.contains("New menu"))
        .collect();
    assert_eq!(
        ann_got,
        [format!(
            "New menu tonight!\n\n— from “{}” · send /stop to get no more of these",
            support::botapi::chat_json(GROUP)["title"].as_str().unwrap()
        )]
    );
    for (id, why) in [
        (2003, "blocked the bot"),
        (2004, "never started it"),
        (2005, "opted out"),
        (2007, "not tagged"),
    ] {
        assert_eq!(got(&app, id, "New menu"), 0, "{id} {why}");
    }

    // A replayed update sends nothing twice.
    app.tg.redeliver_everything();
    app.settle().await;
    assert_eq!(app.db.count("SELECT COUNT(*) FROM broadcasts").await, 1);
    assert_eq!(got(&app, 2001, "New menu"), 1);

    // /start again: broadcasts reach Eve once more.
    assert_eq!(
        app.ask(2005, &eve, "/start").await.plain(),
        "You will receive broadcasts again; send /stop at any time to opt out."
    );
    app.ask(GROUP, &op, "/broadcast tag:vip Second round").await;
    app.settle().await;
    assert_eq!(got(&app, 2005, "Second round"), 1);
    assert_eq!(got(&app, 2001, "Second round"), 1);
}

async fn a_member_who_stops_during_a_broadcast_is_not_reached(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let members: Vec<Value> = (0..30)
        .map(|i| user(3000 + i, &format!("M{i:02}")))
        .collect();
    for member in &members {
        app.join_public(GROUP, member);
    }
    app.settle().await;
    for member in &members {
        start_bot(&app, member).await;
    }
    // The first window of messages hangs on its way, as on a slow network.
    let prompt = app.ask(GROUP, &op, "/broadcast all Flash sale at 8").await;
    app.tg.hold_sends();
    app.press(GROUP, prompt.message_id, &op, &button(&prompt, "ok:"));
    let queued = async {
        loop {
            let n = app
                .db
                .count("SELECT COUNT(*) FROM broadcast_recipients WHERE state = 'queued'")
                .await;
            if n > 0 {
                return n;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let queued = tokio::time::timeout(Duration::from_secs(30), queued)
        .await
        .unwrap();
    assert!(queued <= 20, "at most a window is queued at once: {queued}");
    // The last member (ids run in order) stops before their turn.
    let last = &members[29];
    app.say(3029, last, "/stop");
    let stopped = async {
        while app.db.count("SELECT COUNT(*) FROM opt_outs").await == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), stopped)
        .await
        .unwrap();
    app.tg.release();
    app.settle_within(Duration::from_secs(120)).await;

    let reached = (0..29)
        .filter(|i| got(&app, 3000 + i, "Flash sale") == 1)
        .count();
    assert_eq!(reached, 29, "everyone else got it exactly once");
    assert_eq!(got(&app, 3029, "Flash sale"), 0);
    let report = app.tg.sent_to(GROUP).last().unwrap().plain();
    assert_eq!(
        report,
        "📣 Broadcast #1 (all) is done: 29 sent, 0 failed (mostly members who blocked the bot), 1 opted out meanwhile."
    );
}
