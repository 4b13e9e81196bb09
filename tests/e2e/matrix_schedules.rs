//! Scheduled rituals on Matrix, end to end against a real Synapse: the same
//! engine as on Telegram, with `!` commands, pins in `m.room.pinned_events`
//! and confirmations counted from room messages. Time is the real clock here
//! (Synapse cannot run on a manual one), so the schedule runs seconds ahead.

use crate::{on_both_databases, support};
use std::time::{Duration, Instant};

use support::{
    TestDb,
    matrix::{MxApp, MxUser, body},
};

on_both_databases!(a_pinned_confirm_notice_posts_on_time_and_counts_replies,);

async fn a_pinned_confirm_notice_posts_on_time_and_counts_replies(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let bob = MxUser::register("bob").await;
    app.operator.invite(&room, &bob.id).await;
    bob.join(&room).await;
    app.operator.wait_for(&room, &app.bot.id, 2).await;

    let zone = app
        .ask(&room, &app.operator, "!timezone Asia/Shanghai")
        .await;
    assert!(
        body(&zone).starts_with("✅ Time zone set to Asia/Shanghai"),
        "{}",
        body(&zone)
    );

    // `!settings` shows the room's settings with the commands to type,
    // Matrix having no buttons.
    let panel = body(&app.ask(&room, &app.operator, "!settings").await);
    assert!(panel.starts_with("⚙️ Settings of "), "{panel}");
    assert!(
        panel.contains("\n• Time zone: Asia/Shanghai (!timezone <zone>)\n"),
        "{panel}"
    );
    assert!(
        panel.ends_with(
            "Type the command in brackets to change a setting; each change goes into !log."
        ),
        "{panel}"
    );

    // Members may not schedule; they are told it is for admins.
    let refused = app
        .ask(&room, &bob, "!schedule add \"30 20 * * *\" notice hi")
        .await;
    assert!(body(&refused).contains("admin"), "{}", body(&refused));

    // Pinning is a moderator's right in Matrix rooms.
    app.operator.set_power(&room, &app.bot.id, 50).await;

    // A notice a few seconds from now, Shanghai time, pinned, asking for 收到.
    let at =
        chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai) + chrono::Duration::seconds(5);
    let command = format!(
        "!schedule add \"{}\" notice --pin --confirm \"收到\" Tonight at 20:30: the wheel!",
        at.format("%S %M %H * * *")
    );
    let saved = app.ask(&room, &app.operator, &command).await;
    assert!(
        body(&saved).starts_with("✅ Saved schedule #"),
        "{}",
        body(&saved)
    );
    let id: String = body(&saved)["✅ Saved schedule #".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    // The post arrives, with the kind's heading, and is pinned.
    let before = app.operator.messages_from(&room, &app.bot.id).await.len();
    let sent = app.operator.wait_for(&room, &app.bot.id, before + 1).await;
    assert_eq!(body(&sent[before]), "📢 Tonight at 20:30: the wheel!");
    let post_id = app.operator.events_from(&room, &app.bot.id).await[before]["event_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !app.operator.pinned(&room).await.contains(&post_id) {
        assert!(Instant::now() < deadline, "the post was never pinned");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Replies with the phrase count once per member; other words do not.
    bob.say(&room, "收到").await;
    bob.say(&room, "收到!").await;
    app.operator.say(&room, "收到").await;
    bob.say(&room, "hello").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let acks = app.ask(&room, &app.operator, &format!("!acks {id}")).await;
        if body(&acks).contains("2 confirmed") {
            assert!(
                body(&acks).contains(&format!("Schedule #{id}")),
                "{}",
                body(&acks)
            );
            break;
        }
        assert!(Instant::now() < deadline, "{}", body(&acks));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // No reply was sent per confirmation: after the post, only /acks answers.
    let after_post = app.operator.messages_from(&room, &app.bot.id).await[before + 1..].to_vec();
    assert!(
        after_post.iter().all(|m| body(m).starts_with('✋')),
        "the bot answered a confirmation: {after_post:#?}"
    );
}
