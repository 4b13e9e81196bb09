//! A campaign playbook in a Matrix room, against a real Synapse: the same
//! playbook as on Telegram, its commands typed with `/` and run with `!`.
//! Time is the real clock here (Synapse cannot run on a manual one), so the
//! playbook's step is at the next whole minute.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use chrono::{DurationRound, TimeDelta, Utc};
use support::{
    TestDb,
    matrix::{MxApp, body},
};

on_both_databases!(a_playbook_posts_and_runs_its_commands_in_a_matrix_room,);

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
    hearth::store::campaigns::save_playbook(&mut conn, "flash", &source, "test", 0)
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
        "Nobody has an effective invite yet. Send !invite for your link and be the first!"
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
