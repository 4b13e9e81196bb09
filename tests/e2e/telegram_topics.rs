//! Forum topics on Telegram: an answer goes to the topic its command or
//! press came from, in parts and with buttons alike; General and ordinary
//! groups get no topic (Telegram refuses one there). On SQLite and
//! PostgreSQL.

use crate::{on_both_databases, support};

use support::{TestApp, TestDb, button, labelled, operator, user};

const FORUM: i64 = -1061;

on_both_databases!(answers_go_to_the_topic_the_command_or_press_came_from);

async fn answers_go_to_the_topic_the_command_or_press_came_from(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.tg.make_forum(FORUM);
    app.group_with_bot(FORUM).await;
    let op = operator();
    let bob = user(7201, "Bob");
    app.join_public(FORUM, &bob);
    app.settle().await;

    // A member's own commands, typed in the "Chat" topic, are answered there.
    let link = app.ask_in_topic(FORUM, 42, &bob, "/invite").await;
    assert_eq!(link.topic, Some(42), "{}", link.plain());
    assert!(link.plain().contains("https://t.me/"), "{}", link.plain());
    let mine = app.ask_in_topic(FORUM, 42, &bob, "/myinvites").await;
    assert_eq!(mine.topic, Some(42), "{}", mine.plain());
    // So is a refusal, in its own topic.
    let refused = app.ask_in_topic(FORUM, 9, &bob, "/settings").await;
    assert_eq!(refused.topic, Some(9), "{}", refused.plain());
    assert!(refused.plain().contains("admins"), "{}", refused.plain());
    // Typed in General, the answer stays in General.
    let top = app.ask(FORUM, &op, "/top").await;
    assert_eq!(top.topic, None, "{}", top.plain());

    // An admin's panel, and a button pressed on it, in the "Admins" topic.
    let panel = app.ask_in_topic(FORUM, 7, &op, "/settings").await;
    assert_eq!(panel.topic, Some(7));
    let review_at_50 = labelled(&panel, "🛡 Review at 50");
    let saved = app
        .press_in_topic(FORUM, 7, panel.message_id, &op, &review_at_50)
        .await;
    assert_eq!(saved.topic, Some(7), "{}", saved.plain());
    assert!(
        saved.plain().contains("review at score 50"),
        "{}",
        saved.plain()
    );

    // A destructive command asks in its topic and answers the Confirm there.
    app.ask_in_topic(FORUM, 5, &op, "/schedule add daily 20:30 notice Doors open")
        .await;
    let prompt = app.ask_in_topic(FORUM, 5, &op, "/schedule delete 1").await;
    assert_eq!(prompt.topic, Some(5), "{}", prompt.plain());
    let done = app
        .press_in_topic(FORUM, 5, prompt.message_id, &op, &button(&prompt, "ok:"))
        .await;
    assert_eq!(done.topic, Some(5), "{}", done.plain());
    let list = app.ask(FORUM, &op, "/schedule list").await.plain();
    assert!(!list.contains("Doors open"), "{list}");

    // The review, and a decision pressed on it, in the "Audit" topic.
    app.join_public(FORUM, &user(7202, "A代理加微信"));
    app.settle().await;
    let queue = app.ask_in_topic(FORUM, 3, &op, "/review").await;
    assert_eq!(queue.topic, Some(3), "{}", queue.plain());
    let removed = app
        .press_in_topic(
            FORUM,
            3,
            queue.message_id,
            &op,
            &button(&queue, "review:remove:"),
        )
        .await;
    assert_eq!(removed.topic, Some(3), "{}", removed.plain());
    assert!(
        removed.plain().contains("was removed"),
        "{}",
        removed.plain()
    );

    // An ordinary group's commands carry no topic (Telegram would refuse it).
    app.group_with_bot(-1062).await;
    let plain = app.ask(-1062, &op, "/top").await;
    assert_eq!(plain.topic, None);
}
