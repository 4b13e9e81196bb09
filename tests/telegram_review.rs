//! Screening and the review queue on Telegram, end to end: newcomers with
//! ad-like names wait for review; removing one takes them out (ban, then
//! unban) and withdraws their inviter's credit at once. On SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

mod support;

use serde_json::Value;
use support::{OPERATOR, TestApp, TestDb, user};

const GROUP: i64 = -1004;

on_both_databases!(a_removed_suspect_takes_their_inviters_credit_with_them,);

fn operator() -> Value {
    user(OPERATOR, "Operator")
}

/// Presses `data` under `message` and returns the bot's answer.
async fn press(app: &TestApp, message: i64, member: &Value, data: &str) -> String {
    let before = app.tg.calls("answerCallbackQuery").len();
    app.press(GROUP, message, member, data);
    let calls = app
        .tg
        .wait_for_call("answerCallbackQuery", |c| c.len() > before)
        .await;
    calls[before]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn a_removed_suspect_takes_their_inviters_credit_with_them(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let bob = user(9100, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    let (ad, lucy, sister) = (
        user(9001, "A雅琴代理"),
        user(9002, "Lucy"),
        user(9003, "芳姐"),
    );
    app.join_via_link(GROUP, &ad, &link);
    app.join_via_link(GROUP, &lucy, &link);
    app.join_public(GROUP, &sister);
    app.settle().await;
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert!(mine.contains("you have 2 effective invites"), "{mine}");

    let refused = app.ask(GROUP, &lucy, "/review").await.plain();
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    let refused = app.ask(GROUP, &lucy, "/remove 1").await.plain();
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );

    let queue = app.ask(GROUP, &operator(), "/review").await;
    assert_eq!(
        queue.plain(),
        "2 members wait for review (highest score first, 2 shown):\n\
         #1 A雅琴代理 · score 90: starts with A (sorts first in member lists); marketing word “代理”\n\
         #2 芳姐 · score 50: a “sister” sales persona (…姐)\n\
         Press the buttons below, or send /keep <number> or /remove <number> \
         (which also withdraws their inviter's credit)."
    );
    assert!(queue.mentions().is_empty(), "suspects are not pinged");
    let button = |label: &str, data: &str| (label.to_owned(), data.to_owned());
    assert_eq!(
        queue.buttons,
        vec![
            button("✅ Keep #1", "review:keep:1"),
            button("🚫 Remove #1", "review:remove:1"),
            button("✅ Keep #2", "review:keep:2"),
            button("🚫 Remove #2", "review:remove:2"),
        ]
    );
    // A member's press is refused and changes nothing.
    let refused = press(&app, queue.message_id, &lucy, "review:remove:1").await;
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    assert!(app.tg.calls("banChatMember").is_empty());

    let removed = app.ask(GROUP, &operator(), "/remove 1").await.plain();
    assert_eq!(
        removed,
        "🚫 A雅琴代理 was removed from the group (a fresh invite can bring them back).\n\
         Their inviter Bob loses that credit and now has 1 effective invites."
    );
    let bans = app.tg.calls("banChatMember");
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0]["user_id"], 9001);
    let unbans = app.tg.calls("unbanChatMember");
    assert_eq!(unbans.len(), 1, "a removal, not a ban for good");
    assert_eq!(unbans[0]["only_if_banned"], true);
    let again = app.ask(GROUP, &operator(), "/remove 1").await.plain();
    assert_eq!(again, "#1 was reviewed already: removed.");
    assert_eq!(app.tg.calls("banChatMember").len(), 1, "removed once");

    // Keep by button: the admin sees the result, and so does the group, once.
    let before = app.tg.sent_to(GROUP).len();
    let kept = press(&app, queue.message_id, &operator(), "review:keep:2").await;
    assert_eq!(kept, "✅ 芳姐 stays and will not be asked about again.");
    let posted = app.next_message(GROUP, before).await.plain();
    assert_eq!(posted, kept);
    let twice = press(&app, queue.message_id, &operator(), "review:keep:2").await;
    assert_eq!(twice, "#2 was reviewed already: kept.");
    app.settle().await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1, "posted once");
    let empty = app.ask(GROUP, &operator(), "/review").await.plain();
    assert_eq!(empty, "✅ Nobody is waiting for review.");
    let bad = app.ask(GROUP, &operator(), "/keep Lucy").await.plain();
    assert_eq!(
        bad,
        "Use /keep <number> or /remove <number>; /review lists the numbers."
    );
    let missing = app.ask(GROUP, &operator(), "/keep 9").await.plain();
    assert_eq!(missing, "There is no suspect #9 here; /review lists them.");

    // The leaderboard changed at once, and stays changed: the removed member
    // rejoining through Bob's link neither counts nor queues again, and a
    // restart with every update re-delivered changes nothing.
    let top = app.ask(GROUP, &bob, "/top").await.plain();
    assert!(top.contains("Bob — 1"), "{top}");
    app.tg.push(
        "chat_member",
        support::member_update(GROUP, ad.clone(), &ad, "member", "left", None),
    );
    app.join_via_link(GROUP, &ad, &link);
    app.settle().await;
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert!(mine.contains("you have 1 effective invites"), "{mine}");
    let empty = app.ask(GROUP, &operator(), "/review").await.plain();
    assert_eq!(empty, "✅ Nobody is waiting for review.");
}
