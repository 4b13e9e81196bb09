//! "The Nth reply wins" on Telegram, end to end on a manual clock: replies
//! to the prompt count in delivery order, once per member, until the
//! deadline; the winners are announced then, on SQLite and PostgreSQL.

use crate::{on_both_databases, support};
use std::time::Duration;

use support::{TestApp, TestDb, operator, user};

const GROUP: i64 = -1003;

on_both_databases!(
    the_nth_reply_wins_at_the_deadline_and_a_replay_changes_nothing,
    every_mth_reply_wins_and_bad_games_are_refused,
);

async fn the_nth_reply_wins_at_the_deadline_and_a_replay_changes_nothing(db: TestDb) {
    let mut app = TestApp::spawn_at(db, "2026-11-12T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    app.ask(GROUP, &operator(), "/timezone Asia/Shanghai").await;
    app.send_file(&operator(), "f1", "tea.csv", None, b"TEA-1\nTEA-2\n");
    app.settle().await;

    let post = app.ask(GROUP, &operator(), "/nth 3 10m Tea[tea]").await;
    assert_eq!(
        post.plain(),
        "Operator started game #1: the 3rd reply to this message wins! Replies count until 20:10, one per member.\nPrize: Tea"
    );
    assert!(post.buttons.is_empty());
    // The prompt's id is recorded once delivered; members reply after that.
    app.settle().await;
    let before = app.tg.sent_to(GROUP).len();

    let (ann, bob, cy, di) = (
        user(8001, "Ann"),
        user(8002, "Bob"),
        user(8003, "Cy"),
        user(8004, "Di"),
    );
    app.reply(GROUP, &ann, post.message_id, "me!");
    app.reply(GROUP, &ann, post.message_id, "me again!"); // counts once
    app.say(GROUP, &bob, "not a reply");
    app.reply(GROUP, &bob, 999, "a reply to something else");
    app.reply(GROUP, &bob, post.message_id, "here");
    app.reply(GROUP, &cy, post.message_id, "3?");
    app.reply(GROUP, &di, post.message_id, "4");
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(GROUP).len(),
        before,
        "nothing is said per reply"
    );

    // A crash with every update delivered again keeps the order.
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    let counted = app
        .db
        .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 1")
        .await;
    assert_eq!(counted, 4);

    app.advance(Duration::from_secs(9 * 60)).await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before, "not over yet");
    app.advance(Duration::from_secs(2 * 60)).await;
    let results = app.next_message(GROUP, before).await;
    let text = results.plain();
    assert!(
        text.starts_with(
            "🎯 Game #1 is over: 4 members replied.\n3rd reply: Cy Get your code in private: https://t.me/hearth_test_bot?start=claim_"
        ),
        "{text}"
    );
    assert!(text.ends_with("\nPrize: Tea"), "{text}");
    assert_eq!(results.mentions(), vec![8003], "the winner is mentioned");
    assert!(!text.contains("TEA-"), "codes never go to the group");

    // Late replies count for nothing; /draws shows the game ended.
    app.reply(GROUP, &user(8005, "Ed"), post.message_id, "late");
    let draws = app.ask(GROUP, &ann, "/draws").await;
    assert_eq!(
        draws.plain(),
        "Recent draws:\n#1 🎯 Nth reply · 4 replies · ended"
    );
    let again = app.ask(GROUP, &operator(), "/nth close 1").await;
    assert_eq!(again.plain(), "Game #1 has already ended.");
}

async fn every_mth_reply_wins_and_bad_games_are_refused(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-12T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    app.ask(GROUP, &operator(), "/timezone Asia/Shanghai").await;
    let member = user(8100, "Mo");
    let refused = app.ask(GROUP, &member, "/nth 3 10m").await;
    assert_eq!(
        refused.plain(),
        "That command is for group admins and operators only."
    );
    let bad = app.ask(GROUP, &operator(), "/nth 3 soon").await;
    assert!(
        bad.plain().starts_with("`soon` is not a deadline"),
        "{}",
        bad.plain()
    );
    let no_pool = app.ask(GROUP, &operator(), "/nth 3 10m Tea[none]").await;
    assert_eq!(
        no_pool.plain(),
        "There is no coupon pool none; /coupons lists them."
    );
    let draws = app.ask(GROUP, &operator(), "/draws").await;
    assert!(draws.plain().starts_with("No draws"), "{}", draws.plain());

    // Every 2nd reply until 21:00 local (Asia/Shanghai: 13:00 UTC).
    let post = app.ask(GROUP, &operator(), "/nth every 2 21:00").await;
    assert!(
        post.plain()
            .contains("every 2nd reply to this message wins! Replies count until 21:00"),
        "{}",
        post.plain()
    );
    app.settle().await;
    for i in 0..5 {
        app.reply(
            GROUP,
            &user(8200 + i, &format!("R{i}")),
            post.message_id,
            "hi",
        );
    }
    app.settle().await;
    let before = app.tg.sent_to(GROUP).len();
    let closed = app.ask(GROUP, &operator(), "/nth close 1").await;
    assert_eq!(
        closed.plain(),
        "🎯 Game #1 is over: 5 members replied.\n2nd reply: R1\n4th reply: R3"
    );
    assert_eq!(closed.mentions(), vec![8201, 8203]);
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1);
}
