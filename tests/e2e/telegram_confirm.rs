//! Destructive commands wait for their sender's Confirm, end to end on
//! Telegram: a preview with Confirm and Cancel, nothing done before the
//! Confirm, a Cancel, someone else's press, a second press, a late one.

use crate::{on_both_databases, support};
use std::time::Duration;

use support::{OPERATOR, TestApp, TestDb, button, operator, user};

const GROUP: i64 = -1001;

on_both_databases!(
    a_schedule_is_deleted_only_on_its_senders_confirm,
    a_broadcast_to_everyone_waits_for_a_confirm_in_private,
);

/// `/schedule delete` asks first; Ann's press, a Cancel and a late Confirm
/// change nothing; the sender's Confirm deletes it once, logged.
async fn a_schedule_is_deleted_only_on_its_senders_confirm(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let ann = user(7001, "Ann");
    app.tg.make_admin(GROUP, 7001);
    app.ask(GROUP, &op, "/schedule add daily 20:30 notice Doors open")
        .await;
    let still_there = || async {
        let list = app.ask(GROUP, &op, "/schedule list").await.plain();
        list.contains("Doors open")
    };

    let prompt = app.ask(GROUP, &op, "/schedule delete 1").await;
    assert_eq!(
        prompt.plain(),
        "⚠️ Delete schedule #1? Its posts stop for good; /schedule list shows what it posts.\n\
         Nothing happens until you press Confirm (within 2 minutes)."
    );
    let labels: Vec<&str> = prompt.buttons.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["✅ Confirm", "✖️ Cancel"]);
    assert!(still_there().await, "nothing is deleted before the Confirm");

    // Another admin's Confirm is not the sender's word.
    let confirm = button(&prompt, "ok:");
    let told = app
        .press_for_answer(GROUP, prompt.message_id, &ann, &confirm)
        .await;
    assert_eq!(told, "Only the admin who typed the command can confirm it.");
    // Cancelled: nothing changes, and a Confirm after it neither.
    let before = app.tg.sent_to(GROUP).len();
    let told = app
        .press_for_answer(GROUP, prompt.message_id, &op, &button(&prompt, "no:"))
        .await;
    assert_eq!(told, "Cancelled; nothing was changed.");
    assert_eq!(
        app.next_message(GROUP, before).await.plain(),
        "Cancelled; nothing was changed."
    );
    let told = app
        .press_for_answer(GROUP, prompt.message_id, &op, &confirm)
        .await;
    assert_eq!(told, "That was answered already.");
    assert!(still_there().await, "a Cancel deletes nothing");

    // Too late: two minutes and a bit after the prompt.
    let late = app.ask(GROUP, &op, "/schedule delete 1").await;
    app.advance(Duration::from_secs(121)).await;
    let before = app.tg.sent_to(GROUP).len();
    let told = app
        .press_for_answer(GROUP, late.message_id, &op, &button(&late, "ok:"))
        .await;
    let expired = "That confirmation expired after 2 minutes; nothing was changed. \
                   Type the command again.";
    assert_eq!(told, expired);
    assert_eq!(app.next_message(GROUP, before).await.plain(), expired);
    assert!(still_there().await, "an expired Confirm deletes nothing");

    // The sender's Confirm in time: deleted, once, and logged.
    let done = app.ask_confirmed(GROUP, &op, "/schedule delete 1").await;
    assert_eq!(done.plain(), "🗑 Schedule #1 is deleted.");
    let list = app.ask(GROUP, &op, "/schedule list").await.plain();
    assert!(!list.contains("Doors open"), "{list}");
    let log = app.ask(GROUP, &op, "/log").await.plain();
    assert_eq!(log.matches("/schedule delete 1").count(), 1, "{log}");
    let prompts = app.tg.sent_to(GROUP);
    let confirmed = prompts
        .iter()
        .rev()
        .find(|m| m.plain().starts_with("⚠️ Delete schedule #1?"))
        .unwrap()
        .clone();
    let before = app.tg.sent_to(GROUP).len();
    let told = app
        .press_for_answer(GROUP, confirmed.message_id, &op, &button(&confirmed, "ok:"))
        .await;
    assert_eq!(told, "That was answered already.");
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(GROUP).len(),
        before,
        "a second Confirm says nothing in the group"
    );
    // A refusal needs no Confirm: a member is told at once.
    let mallory = user(7002, "Mallory");
    let refused = app.ask(GROUP, &mallory, "/schedule delete 2").await.plain();
    assert!(refused.contains("admins"), "{refused}");
}

/// In private, `/broadcast all` reaches every group of the operator's: it
/// waits for the Confirm pressed there.
async fn a_broadcast_to_everyone_waits_for_a_confirm_in_private(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let mia = user(7003, "Mia");
    app.join_public(GROUP, &mia);
    app.settle().await;
    app.ask(7003, &mia, "/start").await;
    let prompt = app
        .ask(OPERATOR, &op, "/broadcast all Doors open at 8")
        .await;
    assert_eq!(
        prompt.plain(),
        "⚠️ Send this in private to every member of all your groups who can be reached there?\n\n\
         Doors open at 8\n\nNothing happens until you press Confirm (within 2 minutes)."
    );
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(7003).len(),
        1,
        "only Mia's hello before the Confirm"
    );
    let report = app
        .ask_confirmed(OPERATOR, &op, "/broadcast all Doors open at 8")
        .await;
    assert!(
        report
            .plain()
            .starts_with("📣 Broadcast #1 (all): sending to 1 member"),
        "{}",
        report.plain()
    );
    let got = app.tg.wait_for(7003, 2).await;
    assert!(
        got[1].plain().starts_with("Doors open at 8"),
        "{}",
        got[1].plain()
    );
}
