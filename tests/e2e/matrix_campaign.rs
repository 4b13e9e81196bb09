//! A campaign playbook in a Matrix room, against a real Synapse: the same
//! playbook as on Telegram, its commands typed with `/` and run with `!`.
//! Time is the real clock here (Synapse cannot run on a manual one), so the
//! playbook's step is at the next whole minute.

use crate::{on_both_databases, support};
use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use support::{
    TestDb,
    matrix::{MxApp, MxUser, body},
};

on_both_databases!(
    a_playbook_posts_and_runs_its_commands_in_a_matrix_room,
    a_milestone_congratulates_with_a_pill_and_uploads_a_certificate,
    a_member_who_opens_a_direct_room_gets_broadcasts_until_stop,
);

async fn a_playbook_posts_and_runs_its_commands_in_a_matrix_room(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;

    // The next whole minute at least 10 s away, in UTC (the room's zone).
    let at = (Utc::now() + TimeDelta::seconds(10) + TimeDelta::minutes(1))
        .duration_trunc(TimeDelta::minutes(1))
        .unwrap();
    let source = format!(
        "name = \"flash\"\n\
         [[step]]\nday = 1\nat = \"{hm}\"\npost = \"notice\"\ntext = \"Flash sale in {{{{group}}}}!\"\n\
         [[step]]\nday = 1\nat = \"{hm}\"\nrun = \"/top 3\"\n",
        hm = at.format("%H:%M")
    );
    let store = hearth::store::Store::connect(&app.db.url).await.unwrap();
    let mut conn = store.connection().await.unwrap();
    hearth::rituals::campaigns::store::save_playbook(&mut conn, "flash", &source, "test", 0)
        .await
        .unwrap();
    drop(conn);

    let started = app
        .ask(
            &room,
            &app.operator,
            &format!("!campaign start flash {}", at.format("%Y-%m-%d")),
        )
        .await;
    assert!(
        body(&started).starts_with("🚀 Campaign flash “flash” started"),
        "{}",
        body(&started)
    );
    let before = app.operator.messages_from(&room, &app.bot.id).await.len();
    let deadline = Instant::now() + Duration::from_secs(100);
    let sent = loop {
        let got = app.operator.messages_from(&room, &app.bot.id).await;
        if got.len() >= before + 2 {
            break got;
        }
        assert!(Instant::now() < deadline, "the steps never ran: {got:#?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(
        Utc::now() >= at,
        "a step ran before its minute: {}",
        Utc::now()
    );
    assert!(
        body(&sent[before]).starts_with("📢 Flash sale in"),
        "{}",
        body(&sent[before])
    );
    // `/top 3` in the playbook ran as `!top 3`, and its answer speaks Matrix.
    assert_eq!(
        body(&sent[before + 1]),
        "Nobody has an effective invite yet. Send !invite to bring friends and be the first!"
    );
    let status = app
        .ask(&room, &app.operator, "!campaign status flash")
        .await;
    assert!(
        body(&status).starts_with("Campaign flash “flash”: done."),
        "{}",
        body(&status)
    );
}

async fn a_milestone_congratulates_with_a_pill_and_uploads_a_certificate(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let set = app.ask(&room, &app.operator, "!milestone add 2").await;
    assert!(
        body(&set).starts_with("🏅 Milestone set: at 2 effective invites"),
        "{}",
        body(&set)
    );
    // The operator brings Lily (one invite, short of the milestone); Lily
    // brings two friends, and reaches it.
    // Human names: a random-looking one may be held for review, and the
    // milestone would rightly wait for it.
    let lily = MxUser::register("lily").await;
    lily.set_display_name("Lily").await;
    app.operator.invite(&room, &lily.id).await;
    lily.join(&room).await;
    for (prefix, name) in [("amy", "Amy"), ("ben", "Ben")] {
        let friend = MxUser::register(prefix).await;
        friend.set_display_name(name).await;
        lily.invite(&room, &friend.id).await;
        friend.join(&room).await;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let (cheer, image) = loop {
        let sent = app.operator.messages_from(&room, &app.bot.id).await;
        let cheer = sent
            .iter()
            .find(|c| body(c).contains("reached 2 effective invites"))
            .cloned();
        let image = sent.iter().find(|c| c["msgtype"] == "m.image").cloned();
        if let (Some(cheer), Some(image)) = (cheer, image) {
            break (cheer, image);
        }
        assert!(Instant::now() < deadline, "no award: {sent:#?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(
        cheer["m.mentions"]["user_ids"],
        serde_json::json!([lily.id])
    );
    assert!(
        cheer["formatted_body"]
            .as_str()
            .unwrap()
            .contains(&format!("https://matrix.to/#/{}", lily.id)),
        "{cheer}"
    );
    let caption = body(&image);
    assert!(
        caption.starts_with("🏅 Certificate No. ")
            && caption.ends_with(" · Lily · 2 effective invites"),
        "{caption}"
    );
    assert_eq!(image["info"]["mimetype"], "image/png");
    let png = lily.download(image["url"].as_str().unwrap()).await;
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    // Only Lily reached it; the operator's one invite did not.
    let awards = app.db.count("SELECT COUNT(*) FROM milestone_awards").await;
    assert_eq!(awards, 1);
}

async fn a_member_who_opens_a_direct_room_gets_broadcasts_until_stop(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let mia = MxUser::register("mia").await;
    mia.set_display_name("Mia").await;
    app.operator.invite(&room, &mia.id).await;
    mia.join(&room).await;
    let ned = MxUser::register("ned").await;
    ned.set_display_name("Ned").await;
    app.operator.invite(&room, &ned.id).await;
    ned.join(&room).await;
    // Both greeted first, so the answers below are the bot's next messages.
    app.operator
        .wait_for_mentions(&room, &app.bot.id, &[&mia.id, &ned.id])
        .await;

    // Mia opens a direct chat with the bot, Matrix's "Start": the bot joins
    // and greets her there. Ned never does.
    let dm = mia.open_direct(&app.bot.id).await;
    let hello = mia.wait_for(&dm, &app.bot.id, 1).await;
    assert!(
        body(&hello[0]).starts_with("Hi! I am Hearth"),
        "{}",
        body(&hello[0])
    );
    assert!(body(&hello[0]).contains("!invite"), "{}", body(&hello[0]));

    let queued = app
        .ask_confirmed(&room, &app.operator, "!broadcast all Doors open at 8")
        .await;
    assert!(
        body(&queued).starts_with("📣 Broadcast #1 (all): sending to 1 member"),
        "{}",
        body(&queued)
    );
    let got = mia.wait_for(&dm, &app.bot.id, 2).await;
    let news = body(&got[1]);
    assert!(
        news.starts_with("Doors open at 8") && news.contains("send !stop"),
        "{news}"
    );

    // The report comes back to the room that asked.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sent = app.operator.messages_from(&room, &app.bot.id).await;
        if let Some(report) = sent.iter().map(body).find(|b| b.contains(") is done:")) {
            assert_eq!(
                report,
                "📣 Broadcast #1 (all) is done: 1 sent, 0 failed (mostly members who blocked the bot), 0 opted out meanwhile."
            );
            break;
        }
        assert!(Instant::now() < deadline, "no report: {sent:#?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // `!stop` in her direct room: the next broadcast reaches nobody.
    mia.say(&dm, "!stop").await;
    let stopped = mia.wait_for(&dm, &app.bot.id, 3).await;
    assert!(
        body(&stopped[2]).starts_with("Done: you will get no more broadcasts"),
        "{}",
        body(&stopped[2])
    );
    let none = app
        .ask(&room, &app.operator, "!broadcast all Last call")
        .await;
    assert!(
        body(&none).starts_with("Nobody in all can be reached"),
        "{}",
        body(&none)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = mia.messages_from(&dm, &app.bot.id).await;
    assert_eq!(after.len(), 3, "{after:#?}");
}
