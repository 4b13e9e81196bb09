//! The guard on Matrix, end to end against a real Synapse on SQLite and
//! PostgreSQL: admin status follows `m.room.power_levels` at once, members
//! are told once, operators grant assistants by id, every admin action
//! lands in `!log`, and a kicked bot lets the room go. The same engine as on Telegram; only the
//! adapter differs.

use crate::{on_both_databases, support};
use support::{
    TestDb,
    matrix::{MxApp, MxUser, body},
};

on_both_databases!(
    power_levels_assistants_and_the_log_work_on_matrix,
    a_kicked_bot_lets_the_room_go_and_tells_its_operator_once,
);

/// Kicked out of a room, the bot notices (Matrix reports the rooms it left
/// in their own part of the sync): the group is let go and its operator is
/// told once, in private, through a direct room the bot opens.
async fn a_kicked_bot_lets_the_room_go_and_tells_its_operator_once(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    const SERVED: &str = "SELECT COUNT(*) FROM groups WHERE active = 1";
    // Private chats are users' ids (`mx:@…`), rooms are `mx:!…`.
    const TOLD: &str = "SELECT COUNT(*) FROM outbox WHERE chat_id LIKE 'mx:@%'
                        AND action LIKE '%was removed from%' AND state = 'sent'";
    assert_eq!(app.db.count(SERVED).await, 1);
    app.operator.kick(&room, &app.bot.id).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while app.db.count(TOLD).await < 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the operator was never told"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.db.count(SERVED).await, 0);
    app.operator.wait_for_invite_from(&app.bot.id).await;
    assert_eq!(
        app.operator.membership_of(&room, &app.bot.id).await,
        "leave"
    );
    // Told once: the departure is not reported again.
    app.db.wait_until_idle().await;
    assert_eq!(app.db.count(TOLD).await, 1);
}

async fn power_levels_assistants_and_the_log_work_on_matrix(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(true).await;
    let (alice, bob) = (
        MxUser::register("alice").await,
        MxUser::register("bob").await,
    );
    alice.set_display_name("Alice").await;
    bob.set_display_name("Bob").await;
    alice.join(&room).await;
    bob.join(&room).await;
    // Both greeted (in one message or two) before the commands start.
    app.operator
        .wait_for_mentions(&room, &app.bot.id, &[&alice.id, &bob.id])
        .await;

    let refused = app.ask(&room, &alice, "!review").await;
    assert!(
        body(&refused).contains("for group admins and operators only"),
        "{}",
        body(&refused)
    );
    // The power to kick makes her an admin at once: the power-levels event
    // drops the cached answer.
    app.operator.set_power(&room, &alice.id, 50).await;
    let queue = app.ask(&room, &alice, "!review").await;
    assert_eq!(body(&queue), "✅ Nobody is waiting for review.");
    // Demoted: refused again, and since she was told today, silently.
    app.operator.set_power(&room, &alice.id, 0).await;
    alice.say(&room, "!wheel new Pen*1:1").await;
    let mine = app.ask(&room, &alice, "!myinvites").await;
    assert!(
        body(&mine).contains("effective invites"),
        "the wheel was not answered: {}",
        body(&mine)
    );

    // An assistant, named by their Matrix id, may run admin commands; the
    // reply names the account.
    let grant = format!("!assistant add {}", bob.id);
    let granted = app.ask(&room, &app.operator, &grant).await;
    assert_eq!(
        body(&granted),
        format!(
            "✅ Bob (mx:{}) is now an assistant here and may use admin commands.",
            bob.id
        )
    );
    let wheel = app.ask(&room, &bob, "!wheel new Pen*1:1").await;
    assert!(
        body(&wheel).starts_with("Wheel #1 is ready"),
        "{}",
        body(&wheel)
    );
    let log = body(&app.ask(&room, &bob, "!log").await);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines[0], "The latest 2 admin actions (newest first):",
        "{log}"
    );
    assert!(lines[1].ends_with(" Bob: !wheel new Pen*1:1"), "{log}");
    assert!(lines[2].ends_with(&format!(": {grant}")), "{log}");
    // Bob's name stays the one his client shows, not his user id's localpart.
    let top = body(&app.ask(&room, &app.operator, "!assistant").await);
    assert!(top.ends_with(&format!("· Bob (mx:{})", bob.id)), "{top}");
}
