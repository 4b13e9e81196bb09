//! End to end on Matrix, on SQLite and PostgreSQL: the real application logged in to a real Synapse
//! (started by `scripts/synapse-up`), driven by real Matrix users.

use crate::{on_both_databases, support};
use serde_json::Value;
use support::{
    TestDb,
    matrix::{MxApp, MxUser, body},
};

fn mentions(content: &Value) -> Vec<String> {
    content["m.mentions"]["user_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

on_both_databases!(
    an_invite_that_cannot_be_joined_is_recorded_once_and_stops_nothing,
    an_invite_from_an_operator_registers_the_room_and_a_strangers_is_refused,
    invites_are_credited_greeted_with_pills_and_survive_leave_rejoin_and_restart,
    admin_commands_need_the_power_to_kick,
    a_removed_suspect_is_kicked_and_their_inviter_loses_the_credit,
    invites_made_while_the_bot_was_down_survive_a_gappy_sync,
    a_room_joined_just_before_a_crash_is_served_after_the_restart,
    a_command_typed_in_a_thread_is_answered_in_it,
);

/// A command typed in a thread (`m.thread`) is answered in that thread; one
/// typed in the room is answered in the room.
async fn a_command_typed_in_a_thread_is_answered_in_it(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    // The bot's hello is the thread's root, as an operator replying to it
    // in a thread would make it.
    let root = app.operator.events_from(&room, &app.bot.id).await[0]["event_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.operator.messages_from(&room, &app.bot.id).await.len();
    app.operator.say_in_thread(&room, &root, "!top").await;
    let answer = app.operator.wait_for(&room, &app.bot.id, before + 1).await[before].clone();
    assert_eq!(answer["m.relates_to"]["rel_type"], "m.thread", "{answer}");
    assert_eq!(
        answer["m.relates_to"]["event_id"],
        root.as_str(),
        "{answer}"
    );
    assert!(
        body(&answer).contains("effective invite"),
        "{}",
        body(&answer)
    );
    let in_room = app.ask(&room, &app.operator, "!top").await;
    assert!(in_room.get("m.relates_to").is_none(), "{in_room}");
}

/// The adapter writes an invite down before it joins the room. A crash
/// right after the join, before the engine recorded the group, loses
/// nothing: the next start records the room and says hello there, once.
async fn a_room_joined_just_before_a_crash_is_served_after_the_restart(db: TestDb) {
    use hearth::platform::matrix::PendingJoin;
    let mut app = MxApp::spawn(db).await;
    app.stop().await;
    let room = app.operator.create_room(false).await;
    app.operator.invite(&room, &app.bot.id).await;
    // What the adapter did before the crash: the invite written down, then
    // the join; the engine never heard of it.
    let store = hearth::store::Store::connect(&app.db.url).await.unwrap();
    let pending = PendingJoin {
        key: "mx:test:invite".to_owned(),
        inviter: app.operator.id.clone(),
        title: "Tea room".to_owned(),
    };
    pending.note(&store, &room).await.unwrap();
    app.bot.join(&room).await;
    assert_eq!(
        app.db.count("SELECT COUNT(*) FROM groups").await,
        0,
        "the engine never heard of the room"
    );
    app.resume().await;
    let hello = app.operator.wait_for(&room, &app.bot.id, 1).await;
    assert!(
        body(&hello[0]).starts_with("Hearth is here"),
        "{}",
        body(&hello[0])
    );
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM groups WHERE active = 1")
            .await,
        1
    );
    // Once recorded, the note is dropped: another restart says nothing new.
    app.restart().await;
    app.db.wait_until_idle().await;
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM platform_state WHERE key LIKE 'matrix.pending_join.%'")
            .await,
        0
    );
    assert_eq!(
        app.operator.messages_from(&room, &app.bot.id).await.len(),
        1
    );
}

/// An invite the bot cannot take (a room the homeserver blocked; on the
/// federation, a room on a server out of reach, which anyone can send) is
/// that room's problem: it comes in the same sync as 100 joins in a served
/// room and a command, is tried a few times, recorded once and declined,
/// and the joins are all greeted, the command answered and a post due
/// meanwhile sent on time; a restart tries nothing again.
async fn an_invite_that_cannot_be_joined_is_recorded_once_and_stops_nothing(db: TestDb) {
    let mut app = MxApp::spawn(db).await;
    let served = app.room(true).await;
    // A post for the next whole minute with at least 20 s to spare.
    let now = chrono::Utc::now();
    let due = (now + chrono::Duration::seconds(80)).timestamp() / 60 * 60;
    let minute = chrono::DateTime::from_timestamp(due, 0).unwrap();
    let planned = app
        .ask(
            &served,
            &app.operator,
            &format!(
                "!schedule once {} notice Tea time",
                minute.format("%Y-%m-%dT%H:%M")
            ),
        )
        .await;
    assert!(body(&planned).contains('#'), "{}", body(&planned));
    app.stop().await;
    let blocked = app.operator.create_room(false).await;
    app.operator.invite(&blocked, &app.bot.id).await;
    MxUser::register_admin("admin")
        .await
        .block_room(&blocked)
        .await;
    let mut joining = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let room = served.clone();
        joining.spawn(async move {
            let newcomer = MxUser::register("newcomer").await;
            newcomer.join(&room).await;
            newcomer
        });
    }
    let newcomers = joining.join_all().await;
    let alice = &newcomers[0];
    alice.say(&served, "!myinvites").await;
    app.resume().await;

    let ids: Vec<&str> = newcomers.iter().map(|n| n.id.as_str()).collect();
    app.operator
        .wait_for_mentions(&served, &app.bot.id, &ids)
        .await;
    let answered = app.operator.messages_from(&served, &app.bot.id).await;
    assert!(
        answered
            .iter()
            .any(|m| body(m).contains("effective invites")),
        "!myinvites went unanswered"
    );
    let posted = |said: &[Value]| said.iter().any(|m| body(m).ends_with("Tea time"));
    while !posted(&app.operator.messages_from(&served, &app.bot.id).await) {
        let late = chrono::Utc::now().timestamp() - due;
        assert!(late < 10, "the post is {late} s late");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let late = chrono::Utc::now().timestamp() - due;
    assert!(late < 10, "the post went out {late} s late");
    let answered = app.operator.messages_from(&served, &app.bot.id).await;
    app.db.wait_until_idle().await;
    let failed = "SELECT COUNT(*) FROM failed_updates WHERE what = 'an invite to a room'";
    assert_eq!(app.db.count(failed).await, 1);
    assert_eq!(
        app.operator.membership_of(&blocked, &app.bot.id).await,
        "leave",
        "the invite is declined"
    );
    assert_eq!(
        app.db.count("SELECT COUNT(*) FROM groups").await,
        1,
        "only the served room is a group"
    );

    // A restart repeats nothing: no second record, no second greeting.
    let said = answered.len();
    app.restart().await;
    app.operator.say(&served, "!top").await;
    app.operator.wait_for(&served, &app.bot.id, said + 1).await;
    app.db.wait_until_idle().await;
    assert_eq!(app.db.count(failed).await, 1);
    assert_eq!(
        app.operator.messages_from(&served, &app.bot.id).await.len(),
        said + 1,
        "only the answer to !top is new"
    );
}

/// Screening and review on Matrix: an ad-like newcomer waits for review,
/// `!remove` kicks them (they may come back through a fresh invite) and
/// their inviter's count drops at once.
async fn a_removed_suspect_is_kicked_and_their_inviter_loses_the_credit(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let (bob, ad) = (MxUser::register("bob").await, MxUser::register("ad").await);
    ad.set_display_name("A雅琴代理").await;
    bob.set_display_name("Bob").await;
    // Removing needs the power to kick: the operator makes the bot a moderator.
    app.operator.set_power(&room, &app.bot.id, 50).await;
    app.operator.invite(&room, &bob.id).await;
    bob.join(&room).await;
    bob.invite(&room, &ad.id).await;
    ad.join(&room).await;
    // Two joins close together may share one greeting message.
    app.operator
        .wait_for_mentions(&room, &app.bot.id, &[&bob.id, &ad.id])
        .await;
    let mine = app.ask(&room, &bob, "!myinvites").await;
    assert!(
        body(&mine).contains("you have 1 effective invite, rank"),
        "{}",
        body(&mine)
    );

    let refused = app.ask(&room, &bob, "!review").await;
    assert!(body(&refused).contains("for group admins and operators only"));
    let queue = app.ask(&room, &app.operator, "!review").await;
    let queue_text = body(&queue);
    let row = queue_text
        .lines()
        .find(|l| l.contains(" A雅琴代理 · score 90: starts with A"))
        .unwrap_or_else(|| panic!("{queue_text}"));
    let number = row.trim_start_matches('#').split(' ').next().unwrap();
    assert!(
        queue
            .get("m.mentions")
            .is_none_or(|m| m["user_ids"].as_array().is_none_or(Vec::is_empty)),
        "the suspect is not pinged: {queue}"
    );
    let removed = app
        .ask(&room, &app.operator, &format!("!remove {number}"))
        .await;
    assert!(
        body(&removed).contains("loses that credit and now has 0 effective invites"),
        "{}",
        body(&removed)
    );
    assert_eq!(app.operator.membership_of(&room, &ad.id).await, "leave");
    let mine = app.ask(&room, &bob, "!myinvites").await;
    assert!(
        !body(&mine).contains("you have 1 effective invite, rank"),
        "{}",
        body(&mine)
    );
}

async fn an_invite_from_an_operator_registers_the_room_and_a_strangers_is_refused(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let hello = app.operator.wait_for(&room, &app.bot.id, 1).await;
    assert!(body(&hello[0]).contains("Hearth is here"));
    assert!(
        body(&hello[0]).contains("Send !help"),
        "commands use Matrix's prefix: {}",
        body(&hello[0])
    );

    let stranger = MxUser::register("stranger").await;
    let theirs = stranger.create_room(false).await;
    stranger.invite(&theirs, &app.bot.id).await;
    let said = stranger.wait_for(&theirs, &app.bot.id, 1).await;
    assert!(body(&said[0]).contains("only serve groups owned by my operators"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while stranger.membership_of(&theirs, &app.bot.id).await != "leave" {
        assert!(std::time::Instant::now() < deadline, "the bot never left");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn invites_are_credited_greeted_with_pills_and_survive_leave_rejoin_and_restart(db: TestDb) {
    let mut app = MxApp::spawn(db).await;
    let room = app.room(true).await;
    let (alice, bob, carol) = (
        MxUser::register("alice").await,
        MxUser::register("bob").await,
        MxUser::register("carol").await,
    );

    // A public join has no inviter.
    alice.join(&room).await;
    let greeting = app.operator.wait_for(&room, &app.bot.id, 2).await[1].clone();
    assert_eq!(mentions(&greeting), vec![alice.id.clone()]);

    // An invite chain: the invite's sender is the inviter.
    alice.invite(&room, &bob.id).await;
    bob.join(&room).await;
    let greeting = app.operator.wait_for(&room, &app.bot.id, 3).await[2].clone();
    assert_eq!(mentions(&greeting), vec![bob.id.clone(), alice.id.clone()]);
    let html = greeting["formatted_body"].as_str().unwrap();
    assert!(
        html.contains(&format!("<a href=\"https://matrix.to/#/{}\">", bob.id)),
        "{html}"
    );
    assert!(
        body(&greeting).contains("(effective invites: 1, rank #1)"),
        "{}",
        body(&greeting)
    );

    let mine = app.ask(&room, &alice, "!myinvites").await;
    assert!(
        body(&mine).contains("you have 1 effective invite, rank #1"),
        "{}",
        body(&mine)
    );
    let howto = app.ask(&room, &alice, "!invite").await;
    assert!(body(&howto).contains("invite friends from your client"));

    // Leave, then rejoin through someone else's invite: counts once, for Alice.
    bob.leave(&room).await;
    carol.join(&room).await;
    app.operator.wait_for(&room, &app.bot.id, 6).await;
    let top = app.ask(&room, &alice, "!top").await;
    assert!(
        body(&top).contains("Nobody has an effective invite yet"),
        "{}",
        body(&top)
    );
    carol.invite(&room, &bob.id).await;
    bob.join(&room).await;
    let greeting = app.operator.wait_for(&room, &app.bot.id, 8).await[7].clone();
    assert_eq!(mentions(&greeting), vec![bob.id.clone(), alice.id.clone()]);

    // A restart resumes from the saved sync token: nothing is re-processed.
    let before = app.operator.messages_from(&room, &app.bot.id).await.len();
    app.restart().await;
    let top = app.ask(&room, &alice, "!top").await;
    let after = app.operator.messages_from(&room, &app.bot.id).await;
    assert_eq!(
        after.len(),
        before + 1,
        "only the answer to !top: {after:#?}"
    );
    assert!(body(&top).ends_with("— 1"), "{}", body(&top));
}

async fn admin_commands_need_the_power_to_kick(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(true).await;
    let alice = MxUser::register("alice").await;
    alice.join(&room).await;
    app.operator.wait_for(&room, &app.bot.id, 2).await;
    let refused = app.ask(&room, &alice, "!lang zh").await;
    assert!(body(&refused).contains("for group admins and operators only"));
    let done = app.ask(&room, &app.operator, "!lang zh").await;
    assert_eq!(body(&done), "✅ 本群语言已设为简体中文。");
}

/// While the bot is down, more happens in the room than one sync returns
/// (Synapse sends the last 10 timeline events and `limited: true`). The bot
/// pages back through the gap, so every invite made meanwhile is credited
/// and every newcomer greeted, once.
async fn invites_made_while_the_bot_was_down_survive_a_gappy_sync(db: TestDb) {
    let mut app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let bob = MxUser::register("bob").await;
    bob.set_display_name("Bob").await;
    app.operator.invite(&room, &bob.id).await;
    bob.join(&room).await;
    app.operator.wait_for(&room, &app.bot.id, 2).await;

    app.stop().await;
    let mut friends = Vec::new();
    for i in 0..12 {
        let friend = MxUser::register("f").await;
        friend.set_display_name(&format!("Friend {i}")).await;
        bob.invite(&room, &friend.id).await;
        friend.join(&room).await;
        friends.push(friend);
    }
    app.resume().await;

    let ids: Vec<&str> = friends.iter().map(|f| f.id.as_str()).collect();
    let greeted = app
        .operator
        .wait_for_mentions(&room, &app.bot.id, &ids)
        .await;
    for friend in &friends {
        assert_eq!(
            greeted.iter().filter(|m| **m == friend.id).count(),
            1,
            "{} greeted once",
            friend.id
        );
    }
    let mine = app.ask(&room, &bob, "!myinvites").await;
    assert_eq!(
        body(&mine),
        "Bob, you have 12 effective invites, rank #1.",
        "the inviter is named as their client shows them"
    );
}
