//! An end-to-end encrypted Matrix room. Members' clients encrypt what they
//! write, as Element does; the bot, with a device and key store of its own,
//! reads their commands, greets and answers encrypted, keeps its keys across
//! a restart, and comes back as a new device when its store is lost. Runs
//! on SQLite: encryption is the adapter's concern.

use crate::support;
use std::time::{Duration, Instant};

use support::{
    TestDb,
    e2ee::E2eeClient,
    matrix::{MxApp, MxUser},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_reads_greets_and_answers_in_an_encrypted_room_across_a_restart() {
    let mut app = MxApp::spawn(TestDb::sqlite()).await;
    app.operator.set_display_name("Operator").await;
    let operator = E2eeClient::login(&app.operator).await;
    let room = app.operator.create_encrypted_room().await;
    app.operator.invite(&room, &app.bot.id).await;
    let bot = app.bot.id.clone();
    operator.wait_for(&room, &bot, "Hearth is here").await;
    let keys = app.store_mode();
    assert_eq!(keys, 0o700, "the store holds private keys: {keys:o}");
    let session = app.session_mode();
    assert_eq!(
        session, 0o600,
        "the session holds the access token: {session:o}"
    );
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM platform_state WHERE key = 'matrix.session'")
            .await,
        0,
        "the access token is not in the database"
    );

    let ann = MxUser::register("ann").await;
    ann.set_display_name("Ann").await;
    let ann_client = E2eeClient::login(&ann).await;
    app.operator.invite(&room, &ann.id).await;
    ann_client.join(&room).await;
    let said = ann_client.wait_for(&room, &bot, "Welcome").await;
    let greeting = said.last().unwrap();
    assert!(
        greeting
            .contains("Welcome Ann to Hearth test room! Thanks to Operator (effective invites: 1"),
        "{greeting}"
    );

    ann_client.say(&room, "!top").await;
    let said = ann_client.wait_for(&room, &bot, "🏆 Effective").await;
    assert_eq!(
        said.last().unwrap(),
        "🏆 Effective invites leaderboard\n1. Operator — 1"
    );
    // The server never saw a word of it in clear.
    let events = app.operator.timeline_from(&room, &bot).await;
    assert!(events.len() >= 3, "{events:#?}");
    for event in &events {
        assert_eq!(event["type"], "m.room.encrypted", "{event:#}");
    }

    // Restarted, the bot still holds its keys: it reads Ann's next command.
    app.restart().await;
    ann_client.say(&room, "!myinvites").await;
    let said = ann_client.wait_for(&room, &bot, "you have").await;
    assert_eq!(
        said.last().unwrap(),
        "Ann, you have no effective invites yet. Send !invite to bring friends."
    );

    // A deploy that lost the store: with its password the bot logs in as a
    // new device, members' clients share their keys with it, and it reads
    // them again.
    let old_devices = app.operator.devices_of(&bot).await;
    assert_eq!(old_devices.len(), 1, "{old_devices:?}");
    app.stop().await;
    app.lose_store();
    // Sent while the bot is away, encrypted for the lost device only: the
    // new device can never read it. It is skipped (with a warning in the
    // log), and nothing after it is held up.
    ann_client.say(&room, "!myinvites").await;
    app.resume().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.operator.devices_of(&bot).await.len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the bot never came back as a new device"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Ann's client learns of the new device from its next sync; a command
    // sent before that is unreadable to the bot, as to any newcomer. Ann
    // says it again, as a member would.
    let tops = |said: Vec<String>| -> Vec<String> {
        said.into_iter().filter(|b| b.starts_with("🏆")).collect()
    };
    let mut tries = 0;
    let answer = 'asking: loop {
        tries += 1;
        ann_client.say(&room, "!top").await;
        let patience = Instant::now() + Duration::from_secs(10);
        while Instant::now() < patience {
            if tops(ann_client.said(&room, &bot)).len() >= 2 {
                break 'asking tops(ann_client.said(&room, &bot));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(tries < 3, "the new device never read Ann's command");
    };
    assert_eq!(
        answer.last().unwrap(),
        "🏆 Effective invites leaderboard\n1. Operator — 1"
    );
}
