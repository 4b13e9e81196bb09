//! `/settings`, end to end on Telegram: an operator picks a group in
//! private and changes it with the panel's buttons; every change is the
//! command an admin would type, answered where it was pressed and logged.

use std::time::Duration;

use crate::{on_both_databases, support};

use support::{OPERATOR, TestApp, TestDb, labelled, operator, user};

const GROUP: i64 = -1001;

on_both_databases!(
    an_operator_changes_the_language_from_the_panel_in_private,
    admins_get_the_panel_in_the_group_and_others_are_refused,
    a_group_set_to_welcome_each_newcomer_does_not_wait_for_the_bots_pace,
    a_button_hearth_no_longer_serves_is_answered_not_left_spinning,
);

async fn an_operator_changes_the_language_from_the_panel_in_private(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(OPERATOR, &op, "/start").await;

    let picker = app.ask(OPERATOR, &op, "/settings").await;
    assert!(
        picker
            .plain()
            .starts_with("⚙️ Pick the group to set up:\n• "),
        "{}",
        picker.plain()
    );
    assert_eq!(picker.buttons.len(), 1, "{:?}", picker.buttons);
    let title = picker.buttons[0].0.clone();
    let panel = app
        .press_for_reply(OPERATOR, picker.message_id, &op, &picker.buttons[0].1)
        .await;
    let shown = panel.plain();
    assert!(
        shown.starts_with(&format!("⚙️ Settings of {title}\n")),
        "{shown}"
    );
    for line in [
        "\n• Language: English (/lang zh switches to Chinese)\n",
        "\n• Time zone: UTC (/timezone <zone>)\n",
        "\n• Welcome (/setwelcome <template> changes it), as newcomers read it:\n",
        "\n• Screening: review at 40 points or more; automatic removal off\n",
        "\n• Invite milestones: none (/milestone add <invites> [pool])\n",
        "\n\nPress a button below to change a setting; each change goes into /log.",
    ] {
        assert!(shown.contains(line), "{line:?} missing from {shown}");
    }

    // 中文: the group speaks Chinese, said in private, nothing in the group.
    let in_group = app.tg.sent_to(GROUP).len();
    let chinese = labelled(&panel, "🌐 中文");
    let said = app
        .press_for_reply(OPERATOR, panel.message_id, &op, &chinese)
        .await
        .plain();
    assert_eq!(said, "✅ 本群语言已设为简体中文。");
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(GROUP).len(),
        in_group,
        "nothing in the group"
    );
    let again = app
        .ask(OPERATOR, &op, &format!("/settings tg:{GROUP}"))
        .await
        .plain();
    assert!(
        again.contains("\n• 语言：简体中文（/lang en 切换为英文）\n"),
        "{again}"
    );
    let log = app.ask(GROUP, &op, "/log").await.plain();
    assert!(log.contains("/lang zh"), "{log}");

    // Another operator's group, or none at all, is not shown.
    let refused = app.ask(OPERATOR, &op, "/settings tg:-4242").await.plain();
    assert_eq!(
        refused,
        "tg:-4242 is not one of your groups; send /settings to see yours."
    );
    let typo = app.ask(OPERATOR, &op, "/settings my group").await.plain();
    assert!(typo.starts_with("`my group` is not a group id"), "{typo}");
}

async fn admins_get_the_panel_in_the_group_and_others_are_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let ann = user(7301, "Ann");
    app.tg.make_admin(GROUP, 7301);
    let panel = app.ask(GROUP, &ann, "/settings").await;
    assert!(
        panel.plain().starts_with("⚙️ Settings of "),
        "{}",
        panel.plain()
    );
    // An admin's press on "Review at 50" is her typing the command.
    let review_at_50 = labelled(&panel, "🛡 Review at 50");
    let saved = app
        .press_for_reply(GROUP, panel.message_id, &ann, &review_at_50)
        .await
        .plain();
    assert!(saved.contains("review at score 50 or more"), "{saved}");
    // A member's press on the same panel is refused like the command.
    let mallory = user(7302, "Mallory");
    let review_at_20 = labelled(&panel, "🛡 Review at 20");
    let refused = app
        .press_for_reply(GROUP, panel.message_id, &mallory, &review_at_20)
        .await
        .plain();
    assert!(refused.contains("admins"), "{refused}");
    let rules = app.ask(GROUP, &ann, "/screening").await.plain();
    assert!(rules.contains("review at score 50 or more"), "{rules}");
    // In private, only operators have groups to set.
    let stranger = app.ask(7302, &mallory, "/settings").await.plain();
    assert!(stranger.contains("operator"), "{stranger}");
}

async fn a_group_set_to_welcome_each_newcomer_does_not_wait_for_the_bots_pace(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    app.greet_interval = Duration::from_secs(3600);
    app.restart().await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let panel = app.ask(GROUP, &op, "/settings").await;
    let line = "\n• Welcome messages: at most one every 60 min, the bot's default (/welcomepace)\n";
    assert!(panel.plain().contains(line), "{}", panel.plain());
    let each = labelled(&panel, "⏱ Each");
    let saved = app
        .press_for_reply(GROUP, panel.message_id, &op, &each)
        .await
        .plain();
    assert_eq!(
        saved,
        "✅ Saved. ⏱ Each newcomer here is welcomed as they arrive."
    );
    // The bot's pace would hold the second greeting for an hour; this
    // group's own pace greets each newcomer in a message of their own.
    for (id, name) in [(7401, "Ann"), (7402, "Bea")] {
        let before = app.tg.sent_to(GROUP).len();
        app.join_public(GROUP, &user(id, name));
        let greeting = app.next_message(GROUP, before).await.plain();
        assert!(
            greeting.starts_with(&format!("👋 Welcome {name} to ")),
            "{greeting}"
        );
    }
    let log = app.ask(GROUP, &op, "/log").await.plain();
    assert!(log.contains("/welcomepace 0"), "{log}");

    let back = app.ask(GROUP, &op, "/welcomepace default").await.plain();
    assert_eq!(
        back,
        "✅ Saved. ⏱ At most one welcome message every 60 min here (the bot's default); \
         newcomers who arrive in between are welcomed together."
    );
    let five = app.ask(GROUP, &op, "/welcomepace 5m").await.plain();
    assert!(five.contains("every 5 min here;"), "{five}");
    let shown = app.ask(GROUP, &op, "/welcomepace").await.plain();
    assert!(
        shown.starts_with("⏱ At most one welcome message every 5 min here;"),
        "{shown}"
    );
    let wrong = app.ask(GROUP, &op, "/welcomepace fast").await.plain();
    assert_eq!(
        wrong,
        "Use /welcomepace <seconds> (0 to 60 min, e.g. 30, 90s or 5m), or /welcomepace default."
    );
    // A member may not change it.
    let mallory = user(7403, "Mallory");
    let refused = app.ask(GROUP, &mallory, "/welcomepace 0").await.plain();
    assert!(refused.contains("admins"), "{refused}");
    let still = app.ask(GROUP, &op, "/welcomepace").await.plain();
    assert!(still.contains("every 5 min here;"), "{still}");
}

/// A press on an old message's button in a private chat (or in a group the
/// bot left) gets an answer, so the member's client stops waiting.
async fn a_button_hearth_no_longer_serves_is_answered_not_left_spinning(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let op = operator();
    let start = app.ask(OPERATOR, &op, "/start").await;
    let answer = app
        .press_for_answer(OPERATOR, start.message_id, &op, "draw:9")
        .await;
    assert_eq!(answer, "This button no longer works.");
}
