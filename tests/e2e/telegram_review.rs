//! Screening and the review queue on Telegram, end to end: newcomers with
//! ad-like names wait for review; removing one takes them out (ban, then
//! unban) and withdraws their inviter's credit at once. On SQLite and
//! PostgreSQL.

use crate::{on_both_databases, support};
use serde_json::Value;
use support::{OPERATOR, TestApp, TestDb, botapi::Profile, operator, user};

const GROUP: i64 = -1004;

on_both_databases!(
    a_removed_suspect_takes_their_inviters_credit_with_them,
    rewards_wait_for_the_audit_and_inviters_see_why_a_credit_went,
    rules_per_group_and_per_operator_and_automatic_mode_with_a_daily_report,
    a_raid_folds_greetings_tightens_screening_and_ends_by_itself,
    an_account_sweeping_the_operators_groups_is_flagged,
    profiles_are_read_after_the_join_and_screened_too,
    a_removal_telegram_refuses_is_explained_and_changes_nothing,
);

/// The suspect became an admin meanwhile: Telegram refuses the ban with a
/// reason no rule of the bot's matches. The admin reads Telegram's words,
/// the suspect and the inviter's credit stay, and the 100 joins behind the
/// command are greeted and a post due meanwhile goes out on time.
async fn a_removal_telegram_refuses_is_explained_and_changes_nothing(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-12-07T10:00:20Z").await;
    app.group_with_bot(GROUP).await;
    let due = app.schedule_tea_time(GROUP).await;
    let bob = user(9100, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    app.join_via_link(GROUP, &user(9001, "A雅琴代理"), &link);
    app.settle_ticking().await;
    app.tg.refuse(
        "banChatMember",
        400,
        "Bad Request: user is an administrator of the chat",
    );
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &operator(), "/remove 1");
    for i in 0..100 {
        app.join_public(GROUP, &user(10_000 + i, &format!("N{i}")));
    }
    // Around the refusal, the post goes out on time and every newcomer is
    // greeted.
    app.tea_time_on_time(GROUP, due).await;
    app.tick_until("every greeting", |app| {
        app.all_mentioned(GROUP, 10_000..10_100)
    })
    .await;
    app.settle_ticking().await;
    // The command runs beside intake: its answer and the greetings may
    // come in either order.
    let said: Vec<String> = app.tg.sent_to(GROUP)[before..]
        .iter()
        .map(|m| m.plain())
        .filter(|t| !t.starts_with("👋") && !t.starts_with("📢"))
        .collect();
    assert_eq!(
        said,
        [
            "Telegram refused to remove them: Bad Request: user is an administrator of the chat. Please check and try again."
        ]
    );
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM suspects WHERE state = 'pending'")
            .await,
        1
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM failed_updates").await, 0);
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert!(mine.contains("you have 1 effective invite"), "{mine}");
}

async fn a_removed_suspect_takes_their_inviters_credit_with_them(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let bob = user(9100, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    let (ad, lucy, sister) = (
        user(9001, "A雅琴代理"),
        user(9002, "Lucy"),
        user(9003, "芳姐"),
    );
    app.join_via_link(GROUP, &ad, &link);
    app.join_via_link(GROUP, &lucy, &link);
    app.join_public(GROUP, &sister);
    app.settle().await;
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert!(mine.contains("you have 2 effective invites"), "{mine}");

    let refused = app.ask(GROUP, &lucy, "/review").await.plain();
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    // Told once: her next try goes unanswered and removes nobody.
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &lucy, "/remove 1");
    app.ask(GROUP, &lucy, "/myinvites").await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1);

    let queue = app.ask(GROUP, &operator(), "/review").await;
    assert_eq!(
        queue.plain(),
        "2 members wait for review (highest score first, 2 shown):\n\
         #1 A雅琴代理 · score 90: starts with A (sorts first in member lists); marketing word “代理”\n\
         #2 芳姐 · score 50: a “sister” sales persona (…姐)\n\
         Press the buttons below, or send /keep <number> or /remove <number> \
         (which also withdraws their inviter's credit)."
    );
    assert!(queue.mentions().is_empty(), "suspects are not pinged");
    let button = |label: &str, data: &str| (label.to_owned(), data.to_owned());
    assert_eq!(
        queue.buttons,
        vec![
            button("✅ Keep #1", "review:keep:1"),
            button("🚫 Remove #1", "review:remove:1"),
            button("✅ Keep #2", "review:keep:2"),
            button("🚫 Remove #2", "review:remove:2"),
        ]
    );
    // A member's press is refused and changes nothing.
    let refused = app
        .press_for_answer(GROUP, queue.message_id, &lucy, "review:remove:1")
        .await;
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    assert!(app.tg.calls("banChatMember").is_empty());

    let removed = app.ask(GROUP, &operator(), "/remove 1").await.plain();
    assert_eq!(
        removed,
        "🚫 A雅琴代理 was removed from the group (a fresh invite can bring them back).\n\
         Their inviter Bob loses that credit and now has 1 effective invite."
    );
    // The removal goes through the outbox: ban, then unban.
    app.tg
        .wait_for_call("unbanChatMember", |c| !c.is_empty())
        .await;
    let bans = app.tg.calls("banChatMember");
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0]["user_id"], 9001);
    let unbans = app.tg.calls("unbanChatMember");
    assert_eq!(unbans.len(), 1, "a removal, not a ban for good");
    assert_eq!(unbans[0]["only_if_banned"], true);
    let again = app.ask(GROUP, &operator(), "/remove 1").await.plain();
    assert_eq!(again, "#1 was reviewed already: removed.");
    assert_eq!(app.tg.calls("banChatMember").len(), 1, "removed once");

    // Keep by button: the admin sees the result, and so does the group, once.
    let before = app.tg.sent_to(GROUP).len();
    let kept = app
        .press_for_answer(GROUP, queue.message_id, &operator(), "review:keep:2")
        .await;
    assert_eq!(kept, "✅ 芳姐 stays and will not be asked about again.");
    let posted = app.next_message(GROUP, before).await.plain();
    assert_eq!(posted, kept);
    let twice = app
        .press_for_answer(GROUP, queue.message_id, &operator(), "review:keep:2")
        .await;
    assert_eq!(twice, "#2 was reviewed already: kept.");
    app.settle().await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1, "posted once");
    let empty = app.ask(GROUP, &operator(), "/review").await.plain();
    assert_eq!(empty, "✅ Nobody is waiting for review.");
    let bad = app.ask(GROUP, &operator(), "/keep Lucy").await.plain();
    assert_eq!(
        bad,
        "Use /keep <number> or /remove <number>; /review lists the numbers."
    );
    let missing = app.ask(GROUP, &operator(), "/keep 9").await.plain();
    assert_eq!(missing, "There is no suspect #9 here; /review lists them.");

    // The leaderboard changed at once, and stays changed: the removed member
    // rejoining through Bob's link neither counts nor queues again, and a
    // restart with every update re-delivered changes nothing.
    let top = app.ask(GROUP, &bob, "/top").await.plain();
    assert!(top.contains("Bob — 1"), "{top}");
    app.tg.push(
        "chat_member",
        support::member_update(GROUP, ad.clone(), &ad, "member", "left", None),
    );
    app.join_via_link(GROUP, &ad, &link);
    app.settle().await;
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert!(mine.contains("you have 1 effective invite, rank"), "{mine}");
    let empty = app.ask(GROUP, &operator(), "/review").await.plain();
    assert_eq!(empty, "✅ Nobody is waiting for review.");
}

async fn rewards_wait_for_the_audit_and_inviters_see_why_a_credit_went(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let bob = user(9100, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    app.join_via_link(GROUP, &user(9001, "A雅琴代理"), &link);
    app.join_via_link(GROUP, &user(9002, "Lucy"), &link);
    app.settle().await;

    let post = app
        .ask(GROUP, &operator(), "/giveaway 1 1h Tea --audited")
        .await;
    assert!(
        post.plain()
            .contains("Who can join: everyone they invited has been reviewed"),
        "{}",
        post.plain()
    );
    // The seed's rule: no reward before the audit.
    assert_eq!(
        app.press_for_answer(GROUP, post.message_id, &bob, "draw:1")
            .await,
        "Sorry, this giveaway waits until everyone you invited has been reviewed; \
         1 of them still waits for an admin."
    );
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert_eq!(
        mine,
        "Bob, you have 2 effective invites, rank #1.\n\
         1 of the people you invited waits for an admin's review."
    );

    app.ask(GROUP, &operator(), "/remove 1").await;
    let day = chrono::Utc::now().format("%m-%d");
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert_eq!(
        mine,
        format!(
            "Bob, you have 1 effective invite, rank #1.\n\
             No longer counted: A雅琴代理 (removed in the audit on {day})"
        )
    );
    assert_eq!(
        app.press_for_answer(GROUP, post.message_id, &bob, "draw:1")
            .await,
        "🎉 You're in: entry number 1. Good luck!"
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draw_entries").await, 1);
}

async fn rules_per_group_and_per_operator_and_automatic_mode_with_a_daily_report(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-09T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let shown = app.ask(GROUP, &op, "/screening").await.plain();
    assert!(
        shown.starts_with(
            "Screening newcomers (the defaults):\n· review at score 40 or more\n\
             · automatic removal: off\n· new accounts (Telegram ids above): off\n\
             · raid mode: off\n· marketing words: 宝宝 代理"
        ),
        "{shown}"
    );
    let saved = app
        .ask(GROUP, &op, "/screening words add 私聊")
        .await
        .plain();
    assert!(
        saved.starts_with("✅ Saved. Screening newcomers (set for this group):"),
        "{saved}"
    );
    assert!(saved.contains(" 贷款 私聊\n"), "{saved}");
    let auto = app.ask(GROUP, &op, "/screening auto 90").await.plain();
    assert!(
        auto.contains("· automatic removal: at score 90 or more"),
        "{auto}"
    );
    assert_eq!(
        app.ask(GROUP, &op, "/screening threshold 0").await.plain(),
        "`0` is not a score: write a whole number from 1 to 500."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/screening auto 20").await.plain(),
        "Not saved: auto_remove: must be from the threshold (40) to 500"
    );

    // In automatic mode an ad account goes at once, with its inviter's credit.
    let bob = user(9100, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    app.join_via_link(GROUP, &user(9001, "A雅琴代理"), &link);
    app.join_via_link(GROUP, &user(9002, "私聊小店"), &link);
    app.join_via_link(GROUP, &user(9003, "Lucy"), &link);
    app.tg.wait_until_consumed().await;
    app.advance(std::time::Duration::from_secs(1)).await;
    // The removal goes through the outbox: ban, then unban.
    app.tg
        .wait_for_call("unbanChatMember", |c| !c.is_empty())
        .await;
    let bans = app.tg.calls("banChatMember");
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0]["user_id"], 9001);
    assert_eq!(app.tg.calls("unbanChatMember").len(), 1);
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert_eq!(
        mine,
        "Bob, you have 2 effective invites, rank #1.\n\
         No longer counted: A雅琴代理 (removed in the audit on 11-09)\n\
         1 of the people you invited waits for an admin's review."
    );
    let queue = app.ask(GROUP, &op, "/review").await.plain();
    assert!(
        queue.contains("#2 私聊小店 · score 50: marketing word “私聊”"),
        "{queue}"
    );

    // A day later the operator hears about it in private, once.
    app.advance(std::time::Duration::from_secs(24 * 3600)).await;
    let report = app.tg.sent_to(OPERATOR);
    assert_eq!(report.len(), 1);
    // The guide shows this very report.
    let (page, first) = crate::docs_answers::AUTOMATIC;
    let shown = crate::docs::example(page, first);
    crate::docs::assert_shown(page, &shown, 0, &report[0].plain());
    assert!(report[0].plain().contains("\n· A雅琴代理 (90: "));
    app.advance(std::time::Duration::from_secs(24 * 3600)).await;
    assert_eq!(
        app.tg.sent_to(OPERATOR).len(),
        1,
        "nothing new, nothing said"
    );

    // An operator's rules file serves their groups without rules of their own.
    let store = hearth::store::Store::connect(&app.db.url).await.unwrap();
    let err = hearth::cli::screening::set(
        &store,
        "tg:1000",
        "threshold = 30\nmarkers = 5\n",
        "mine.toml",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("mine.toml: TOML parse error at line 2"),
        "{err}"
    );
    hearth::cli::screening::set(
        &store,
        "tg:1000",
        "threshold = 30\nmarkers = [\"团购\"]\n",
        "mine.toml",
    )
    .await
    .unwrap();
    assert_eq!(
        app.ask_confirmed(GROUP, &op, "/screening reset")
            .await
            .plain(),
        "✅ Saved. Screening newcomers (the operator's rules file):\n\
         · review at score 30 or more\n· automatic removal: off\n\
         · new accounts (Telegram ids above): off\n· raid mode: off\n\
         · marketing words: 团购\n\
         Change with /screening threshold|auto|newids|raid|words …; go back with /screening reset."
    );
    let shown = hearth::cli::screening::show(&store, "tg:-1004")
        .await
        .unwrap();
    assert!(
        shown.starts_with("# tg:-1004 has no rules of its own"),
        "{shown}"
    );
    let log = app.ask(GROUP, &op, "/log 2").await.plain();
    assert!(
        log.ends_with("Operator: /screening reset\n11-09 12:00 Operator: /screening auto 90"),
        "{log}"
    );
}

async fn a_raid_folds_greetings_tightens_screening_and_ends_by_itself(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-09T12:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let set = app.ask(GROUP, &op, "/screening raid 20").await.plain();
    assert!(set.contains("· raid mode: at 20 joins a minute"), "{set}");
    let second = std::time::Duration::from_secs(1);

    // Before the raid a doubled name is only a hint.
    app.join_public(GROUP, &user(9500, "芬芬"));
    app.tg.wait_until_consumed().await;
    app.advance(second).await;
    let before = app.tg.sent_to(GROUP).len();
    assert_eq!(app.tg.sent_to(GROUP)[before - 1].mentions(), vec![9500]);

    // 26 more within the minute: raid mode.
    let bob = user(9100, "Bob");
    let mut crowd: Vec<Value> = (0..25)
        .map(|i| user(9600 + i, &format!("Guest {i}")))
        .collect();
    crowd.push(user(9700, "莉莉"));
    app.add_members(GROUP, &bob, &crowd);
    app.tg.wait_until_consumed().await;
    app.advance(second).await;
    let said: Vec<_> = app.tg.sent_to(GROUP)[before..].to_vec();
    let texts: Vec<String> = said.iter().map(|m| m.plain()).collect();
    assert_eq!(
        texts,
        vec![
            "⚠️ 27 people joined “Group 1004” within a minute: raid mode is on. Greetings are \
             summed up and screening is stricter; it ends by itself after ten quiet minutes."
                .to_owned(),
            "👋 Welcome to the 26 people who just joined! Please read the pinned rules first."
                .to_owned(),
        ]
    );
    assert!(
        said.iter().all(|m| m.mentions().is_empty()),
        "nobody pinged"
    );
    assert_eq!(app.tg.sent_to(OPERATOR).len(), 1, "the operator is told");
    // Stricter screening: the doubled name in the crowd waits for review.
    let queue = app.ask(GROUP, &op, "/review").await.plain();
    assert!(queue.contains("莉莉 · score 25"), "{queue}");
    assert!(!queue.contains("#1 芬芬"), "{queue}");
    assert_eq!(queue.lines().count(), 3, "{queue}");

    // Ten quiet minutes end it, once; greetings mention again.
    app.advance(std::time::Duration::from_secs(10 * 60)).await;
    app.advance(std::time::Duration::from_secs(60)).await;
    let ended: Vec<String> = app
        .tg
        .sent_to(GROUP)
        .iter()
        .map(|m| m.plain())
        .filter(|t| t.starts_with("✅ Raid mode is over"))
        .collect();
    assert_eq!(
        ended,
        vec![
            "✅ Raid mode is over: 27 people joined during it; 1 waits for review (/review)."
                .to_owned()
        ]
    );
    app.join_public(GROUP, &user(9800, "Nina"));
    app.tg.wait_until_consumed().await;
    app.advance(second).await;
    assert_eq!(app.tg.sent_to(GROUP).last().unwrap().mentions(), vec![9800]);
}

async fn an_account_sweeping_the_operators_groups_is_flagged(db: TestDb) {
    let app = TestApp::spawn(db).await;
    for group in [GROUP, -1011, -1012] {
        app.group_with_bot(group).await;
    }
    // Tom joins and leaves two of the operator's other groups, then comes here;
    // Ann only changed her mind about one.
    let (tom, ann) = (user(9900, "Tom"), user(9901, "Ann"));
    for group in [-1011, -1012] {
        app.join_public(group, &tom);
        app.leave(group, &tom);
    }
    app.join_public(-1011, &ann);
    app.leave(-1011, &ann);
    app.settle().await;
    app.join_public(GROUP, &tom);
    app.join_public(GROUP, &ann);
    app.settle().await;
    let queue = app.ask(GROUP, &operator(), "/review").await.plain();
    assert!(
        queue.contains(
            "#1 Tom · score 40: joined and left 2 of the operator's groups within minutes"
        ),
        "{queue}"
    );
    assert!(!queue.contains("Ann"), "{queue}");
}

/// Waits until only `left` profiles wait to be read. A server error costs
/// teloxide's 10 s pause before the failure is known.
async fn profiles_read(app: &TestApp, left: i64) {
    let store = app.engine.as_ref().unwrap().store();
    for _ in 0..600 {
        let mut conn = store.connection().await.unwrap();
        if hearth::rituals::screening::store::profile_checks::waiting(&mut conn)
            .await
            .unwrap()
            == left
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut conn = store.connection().await.unwrap();
    let left_now = hearth::rituals::screening::store::profile_checks::waiting(&mut conn)
        .await
        .unwrap();
    panic!(
        "profiles were not read: {left_now} wait, getChat calls: {:?}",
        app.tg.calls("getChat")
    );
}

async fn profiles_are_read_after_the_join_and_screened_too(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let bob = user(9100, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    let profile = |bio: Option<&str>, username: Option<&str>, has_photo| Profile {
        bio: bio.map(str::to_owned),
        username: username.map(str::to_owned),
        has_photo,
    };
    app.tg
        .set_profile(9201, profile(Some("专业代购，正品保证"), Some("mia"), true));
    app.tg.set_profile(9202, profile(None, None, false));
    app.tg.set_profile(9203, profile(None, None, false));
    app.tg
        .set_profile(9205, profile(Some("喜欢猫，也在 @tom_b"), None, true));
    app.tg.fail_profile(9204);
    for (id, name) in [
        (9201, "Mia"),
        (9202, "Ken"),
        (9203, "A小美"),
        (9204, "Zoe"),
        (9205, "Tom"),
    ] {
        app.join_via_link(GROUP, &user(id, name), &link);
    }
    app.settle().await;
    // Every profile is read but Zoe's, whose read failed and waits to be
    // tried again.
    profiles_read(&app, 1).await;
    let asked: Vec<i64> = app
        .tg
        .calls("getChat")
        .iter()
        .map(|c| c["chat_id"].as_i64().unwrap())
        .collect();
    for id in [9201, 9202, 9203, 9204, 9205] {
        assert!(asked.contains(&id), "{id} not read: {asked:?}");
    }
    let queue = app.ask(GROUP, &op, "/review").await.plain();
    assert!(
        queue.starts_with("2 members wait for review"),
        "the faceless Ken alone and Tom's bio are no tells: {queue}"
    );
    assert!(
        queue.contains(
            " A小美 · score 60: starts with A (sorts first in member lists); \
             no username and no profile photo\n"
        ),
        "a suspect by name gets the profile's points too: {queue}"
    );
    assert!(
        queue.contains(" Mia · score 50: a bio that sells (代购)\n"),
        "{queue}"
    );
    let queue_at = queue.find("A小美").unwrap();
    assert!(queue_at < queue.find("Mia").unwrap(), "highest first");

    // In automatic mode a profile that crosses the mark removes at once,
    // with the inviter's credit.
    app.ask(GROUP, &op, "/screening auto 60").await;
    app.tg.set_profile(9206, profile(None, None, false));
    app.join_via_link(GROUP, &user(9206, "A佳"), &link);
    app.settle().await;
    app.tg
        .wait_for_call("unbanChatMember", |c| !c.is_empty())
        .await;
    let bans = app.tg.calls("banChatMember");
    assert_eq!(bans.len(), 1, "only A佳 goes: {bans:?}");
    assert_eq!(bans[0]["user_id"], 9206);
    let mine = app.ask(GROUP, &bob, "/myinvites").await.plain();
    assert!(
        mine.starts_with("Bob, you have 5 effective invites"),
        "six joined, A佳 withdrawn: {mine}"
    );
    assert!(mine.contains("No longer counted: A佳"), "{mine}");
}
