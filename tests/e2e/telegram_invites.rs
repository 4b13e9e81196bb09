//! End to end on Telegram: the real application against the loopback Bot API
//! server, each scenario on SQLite and on PostgreSQL.

use crate::{on_both_databases, support};
use hearth::{domain::Lang, rituals::basics::command_help};
use std::time::Duration;

use support::{OPERATOR, PACE, TestApp, TestDb, bot, member_update, user};

const GROUP: i64 = -1001;

/// The greeting that mentions `member`, among everything sent to the group.
fn greetings_of(app: &TestApp, member: i64) -> Vec<support::Sent> {
    app.tg
        .sent_to(GROUP)
        .into_iter()
        .filter(|m| m.mentions().contains(&member))
        .filter(|m| m.plain().contains("Welcome"))
        .collect()
}

async fn join_by_member_link_greets_newcomer_and_inviter(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let (alice, bob) = (user(1, "Alice"), user(2, "Bob"));
    let link = app.invite_link(GROUP, &alice).await;
    let before = app.tg.sent_to(GROUP).len();
    app.join_via_link(GROUP, &bob, &link);
    let greeting = app.next_message(GROUP, before).await;
    assert_eq!(
        greeting.mentions(),
        vec![2, 1],
        "newcomer then inviter: {}",
        greeting.html
    );
    assert!(
        greeting
            .plain()
            .contains("Alice (effective invites: 1, rank #1)"),
        "{}",
        greeting.plain()
    );
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain()
            .contains("you have 1 effective invite, rank #1"),
        "{}",
        mine.plain()
    );
    // The same member asking again gets the same link, created once.
    assert_eq!(app.invite_link(GROUP, &alice).await, link);
    assert_eq!(app.tg.calls("createChatInviteLink").len(), 1);
}

async fn added_directly_by_a_member_credits_the_adder(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let before = app.tg.sent_to(GROUP).len();
    app.add_members(GROUP, &user(1, "Alice"), &[user(2, "Bob"), user(3, "Cy")]);
    let greeting = app.next_message(GROUP, before).await;
    assert_eq!(greeting.mentions(), vec![2, 3, 1]);
    assert!(
        greeting
            .plain()
            .contains("Thanks to Alice (effective invites: 2, rank #1)"),
        "{}",
        greeting.plain()
    );
}

async fn public_join_mentions_only_the_newcomer(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let before = app.tg.sent_to(GROUP).len();
    app.join_public(GROUP, &user(2, "Bob"));
    let greeting = app.next_message(GROUP, before).await;
    assert_eq!(greeting.mentions(), vec![2]);
    assert!(
        !greeting.plain().contains("effective invites ("),
        "{}",
        greeting.plain()
    );
}

async fn both_update_kinds_for_one_join_greet_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let (alice, bob, cy) = (user(1, "Alice"), user(2, "Bob"), user(3, "Cy"));
    let link = app.invite_link(GROUP, &alice).await;
    // Bob: the service message first (from Bob himself: no inviter), then the
    // chat_member update with the link. Cy: the other order.
    app.add_members(GROUP, &bob, std::slice::from_ref(&bob));
    app.join_via_link(GROUP, &bob, &link);
    app.join_via_link(GROUP, &cy, &link);
    app.add_members(GROUP, &cy, std::slice::from_ref(&cy));
    app.settle().await;
    assert_eq!(greetings_of(&app, 2).len(), 1);
    assert_eq!(greetings_of(&app, 3).len(), 1);
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain().contains("you have 2 effective invites"),
        "{}",
        mine.plain()
    );
}

async fn leaver_stops_counting_and_a_rejoin_counts_once_for_the_first_inviter(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let (alice, bob, carol) = (user(1, "Alice"), user(2, "Bob"), user(3, "Carol"));
    let alice_link = app.invite_link(GROUP, &alice).await;
    let carol_link = app.invite_link(GROUP, &carol).await;
    app.join_via_link(GROUP, &bob, &alice_link);
    app.settle().await;
    app.leave(GROUP, &bob);
    app.settle().await;
    let top = app.ask(GROUP, &alice, "/top").await;
    assert!(
        top.plain().contains("Nobody has an effective invite yet"),
        "{}",
        top.plain()
    );
    app.join_via_link(GROUP, &bob, &carol_link);
    app.settle().await;
    app.join_via_link(GROUP, &bob, &carol_link); // a duplicate report changes nothing
    app.settle().await;
    let top = app.ask(GROUP, &alice, "/top").await;
    assert_eq!(
        top.plain(),
        "🏆 Effective invites leaderboard\n1. Alice — 1"
    );
    let rejoin_greeting = greetings_of(&app, 2).pop().unwrap();
    assert_eq!(
        rejoin_greeting.mentions(),
        vec![2, 1],
        "the first inviter is credited again"
    );
}

async fn nobody_invites_themselves(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let alice = user(1, "Alice");
    let link = app.invite_link(GROUP, &alice).await;
    app.leave(GROUP, &alice);
    app.join_via_link(GROUP, &alice, &link);
    app.add_members(GROUP, &alice, std::slice::from_ref(&alice));
    app.settle().await;
    let greeting = greetings_of(&app, 1).pop().unwrap();
    assert_eq!(greeting.mentions(), vec![1]);
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain().contains("no effective invites yet"),
        "{}",
        mine.plain()
    );
}

async fn bots_are_neither_greeted_nor_counted(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let mut other_bot = user(77, "SpamBot");
    other_bot["is_bot"] = true.into();
    app.add_members(GROUP, &user(1, "Alice"), &[other_bot]);
    app.settle().await;
    assert!(
        app.tg
            .sent_to(GROUP)
            .iter()
            .all(|m| !m.mentions().contains(&77))
    );
    let top = app.ask(GROUP, &user(1, "Alice"), "/top").await;
    assert!(
        top.plain().contains("Nobody has an effective invite yet"),
        "{}",
        top.plain()
    );
}

async fn a_member_removed_by_an_admin_withdraws_the_credit(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let (alice, bob, cy) = (user(1, "Alice"), user(2, "Bob"), user(3, "Cy"));
    app.add_members(GROUP, &alice, &[bob.clone(), cy.clone()]);
    app.settle().await;
    app.kick(GROUP, &user(OPERATOR, "Operator"), &bob);
    app.settle().await;
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain().contains("you have 1 effective invite, rank"),
        "{}",
        mine.plain()
    );
}

async fn added_by_a_non_operator_the_bot_explains_and_leaves(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let chat = -2002;
    app.tg.push(
        "my_chat_member",
        member_update(chat, user(5, "Stranger"), &bot(), "left", "member", None),
    );
    let said = app.tg.wait_for(chat, 1).await;
    assert!(
        said[0]
            .plain()
            .contains("only serve groups owned by my operators"),
        "{}",
        said[0].plain()
    );
    let left = app.tg.wait_for_call("leaveChat", |c| !c.is_empty()).await;
    assert_eq!(left[0]["chat_id"], chat);
    // Joins there are ignored: the group is not served.
    app.join_public(chat, &user(6, "Dee"));
    app.settle().await;
    assert_eq!(app.tg.sent_to(chat).len(), 1);
}

async fn a_burst_of_200_joins_is_greeted_in_few_paced_messages(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let before = app.tg.sent_to(GROUP).len();
    let alice = user(1, "Alice");
    let link = app.invite_link(GROUP, &alice).await;
    for i in 0..200 {
        let newcomer = user(10_000 + i, &format!("N{i}"));
        match i % 3 {
            0 => app.join_via_link(GROUP, &newcomer, &link),
            1 => app.add_members(GROUP, &user(2, "Bob"), &[newcomer]),
            _ => app.join_public(GROUP, &newcomer),
        }
    }
    app.tg.wait_until_consumed().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let greetings = loop {
        let greetings: Vec<_> = app.tg.sent_to(GROUP).into_iter().skip(before + 1).collect();
        let greeted: std::collections::HashSet<i64> = greetings
            .iter()
            .flat_map(|m| m.mentions())
            .filter(|id| *id >= 10_000)
            .collect();
        if greeted.len() == 200 {
            break greetings;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {} of 200 greeted",
            greeted.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mentions: Vec<i64> = greetings
        .iter()
        .flat_map(|m| m.mentions())
        .filter(|id| *id >= 10_000)
        .collect();
    assert_eq!(mentions.len(), 200, "every newcomer mentioned exactly once");
    assert!(
        greetings.len() <= 20,
        "{} greeting messages",
        greetings.len()
    );
    // Paced as Telegram demands, scaled: never two messages closer than the
    // gap, never more than the quota within one window.
    let sent = app.tg.sent_to(GROUP);
    let gap = Duration::from_millis(PACE.chat_gap_ms as u64);
    let window = Duration::from_millis(PACE.window_ms as u64);
    for (i, message) in sent.iter().enumerate().skip(1) {
        assert!(
            message.at - sent[i - 1].at >= gap,
            "message {i} came too soon"
        );
        let in_window = sent[..i]
            .iter()
            .filter(|m| message.at - m.at < window)
            .count();
        assert!(
            in_window < PACE.chat_quota,
            "message {i} exceeded the quota"
        );
    }
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain().contains("you have 67 effective invites"),
        "{}",
        mine.plain()
    );
}

async fn hostile_display_names_render_as_plain_text(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let names = [
        "<b>bold</b> & <script>",
        "\"quoted\" 'single' &amp;",
        "\u{202E}evil override",
        "مرحبا \u{200F}RTL",
        "🎉🧧 芬芬",
        "</a><a href=\"tg://user?id=1\">",
    ];
    let before = app.tg.sent_to(GROUP).len();
    let members: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| user(500 + i as i64, n))
        .collect();
    app.add_members(GROUP, &user(1, "A&B <ok>"), &members);
    let greeting = app.next_message(GROUP, before).await;
    // The server parsed it (Telegram rejects broken HTML), and the reader sees
    // each name as typed, minus the bidi override.
    let plain = greeting.plain();
    for name in names {
        let shown = name.replace('\u{202E}', "");
        assert!(plain.contains(&shown), "{shown:?} missing from {plain:?}");
    }
    assert!(plain.contains("A&B <ok>"));
    let expected: Vec<i64> = (500..506).chain([1]).collect();
    assert_eq!(greeting.mentions(), expected);
}

async fn restart_with_redelivered_updates_changes_no_count(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let alice = user(1, "Alice");
    let link = app.invite_link(GROUP, &alice).await;
    for i in 0..10 {
        app.join_via_link(GROUP, &user(100 + i, "N"), &link);
    }
    app.leave(GROUP, &user(100, "N"));
    app.settle().await;
    let sent_before = app.tg.sent_to(GROUP).len();
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(GROUP).len(),
        sent_before,
        "no second greeting or reply after replay"
    );
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain().contains("you have 9 effective invites"),
        "{}",
        mine.plain()
    );
    assert_eq!(app.tg.calls("createChatInviteLink").len(), 1);
}

async fn join_request_through_a_personal_link_is_approved_and_credited(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let chat = -3003;
    app.tg.set_bot_can_invite(chat, true);
    // A public group (it has a username): links are join-request links.
    app.tg.set_username(chat, "public_group");
    let added = member_update(
        chat,
        user(OPERATOR, "Operator"),
        &bot(),
        "left",
        "administrator",
        None,
    );
    app.tg.push("my_chat_member", added);
    app.tg.wait_for(chat, 1).await;
    let alice = user(1, "Alice");
    let link = app.invite_link(chat, &alice).await;
    assert_eq!(
        app.tg.calls("createChatInviteLink")[0]["creates_join_request"],
        true
    );
    let bob = user(2, "Bob");
    app.tg.push(
        "chat_join_request",
        serde_json::json!({
            "chat": support::botapi::chat_json(chat), "from": bob, "user_chat_id": 2, "date": 1_700_000_000,
            "invite_link": { "invite_link": link, "creator": bot(), "creates_join_request": true, "is_primary": false, "is_revoked": false }
        }),
    );
    let approved = app
        .tg
        .wait_for_call("approveChatJoinRequest", |c| !c.is_empty())
        .await;
    assert_eq!(approved[0]["user_id"], 2);
    // Telegram then reports the join without the link.
    let before = app.tg.sent_to(chat).len();
    app.join_public(chat, &bob);
    let greeting = app.next_message(chat, before).await;
    assert_eq!(greeting.mentions(), vec![2, 1]);
}

async fn invite_without_the_right_says_which_right_to_grant(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    app.tg.set_bot_can_invite(GROUP, false);
    let reply = app.ask(GROUP, &user(1, "Alice"), "/invite").await;
    assert_eq!(reply.mentions(), vec![1]);
    assert!(
        reply.plain().contains("“Invite Users via Link” right"),
        "{}",
        reply.plain()
    );
    // Once granted (Telegram tells the bot via my_chat_member), it works.
    app.tg.set_bot_can_invite(GROUP, true);
    app.tg.push(
        "my_chat_member",
        member_update(
            GROUP,
            user(OPERATOR, "Operator"),
            &bot(),
            "administrator",
            "administrator",
            None,
        ),
    );
    let link = app.invite_link(GROUP, &user(1, "Alice")).await;
    assert!(link.starts_with("https://t.me/+"));
}

async fn welcome_template_and_language_are_admin_settings(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let (member, admin) = (user(1, "Alice"), user(9, "Admin"));
    app.tg.make_admin(GROUP, 9);
    let refused = app
        .ask(GROUP, &member, "/setwelcome Hacked {{newcomer}}")
        .await;
    assert!(
        refused
            .plain()
            .contains("for group admins and operators only")
    );
    let broken = app
        .ask(GROUP, &admin, "/setwelcome Hi {{newcomer} and {{secret}}")
        .await;
    assert!(
        broken.plain().contains("the old one stays"),
        "{}",
        broken.plain()
    );
    let saved = app.ask(GROUP, &admin, "/setwelcome 🎉 {{newcomer}} joined {{group}}{{#inviter}}, thanks {{inviter}} ({{count}}){{/inviter}}").await;
    assert!(
        saved
            .plain()
            .contains("Preview:\n🎉 Alex joined Group 1001, thanks Sam (7)"),
        "{}",
        saved.plain()
    );
    let before = app.tg.sent_to(GROUP).len();
    app.add_members(GROUP, &member, &[user(2, "Bob")]);
    let greeting = app.next_message(GROUP, before).await;
    assert!(
        greeting
            .plain()
            .starts_with("🎉 Bob joined Group 1001, thanks Alice (1)"),
        "{}",
        greeting.plain()
    );
    let zh = app.ask(GROUP, &admin, "/lang zh").await;
    assert_eq!(zh.plain(), "✅ 本群语言已设为简体中文。");
    let top = app.ask(GROUP, &member, "/top").await;
    assert!(top.plain().contains("有效邀请排行榜"), "{}", top.plain());
    let broken = app
        .ask(GROUP, &admin, "/setwelcome {{#inviter}}没有闭合")
        .await;
    assert_eq!(
        broken.plain(),
        "❌ 模板有误，原模板保持不变：段落 `{{#inviter}}` 没有用 `{{/inviter}}` 闭合"
    );
    // A member is told once a day: another member learns it in Chinese now.
    let refused = app.ask(GROUP, &user(3, "Carol"), "/lang en").await;
    assert!(
        refused.plain().contains("仅限群管理员"),
        "{}",
        refused.plain()
    );
}

async fn leaderboards_rank_stably_and_operators_see_all_groups(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let other = -1002;
    app.group_with_bot(GROUP).await;
    app.group_with_bot(other).await;
    let (alice, bob) = (user(1, "Alice"), user(2, "Bob"));
    app.add_members(GROUP, &bob, &[user(20, "x")]);
    app.settle().await;
    app.add_members(GROUP, &alice, &[user(21, "y")]);
    app.add_members(other, &alice, &[user(22, "z")]);
    app.settle().await;
    let top = app.ask(GROUP, &alice, "/top").await;
    assert_eq!(
        top.plain(),
        "🏆 Effective invites leaderboard\n1. Bob — 1\n2. Alice — 1",
        "Bob reached 1 first"
    );
    let all = app
        .ask(GROUP, &user(OPERATOR, "Operator"), "/top all")
        .await;
    assert_eq!(
        all.plain(),
        "🏆 Effective invites across all your groups\n1. Alice — 2\n2. Bob — 1"
    );
    let refused = app.ask(GROUP, &alice, "/top all").await;
    assert!(refused.plain().contains("for operators only"));
    let bad = app.ask(GROUP, &alice, "/top 0").await;
    assert!(
        bad.plain().contains("Use /top, /top N (1 to 50)"),
        "{}",
        bad.plain()
    );
}

async fn help_and_command_menus_differ_for_members_and_admins(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let member_help = app.ask(GROUP, &user(1, "Alice"), "/help").await.plain();
    let admin_help = app.ask(GROUP, &user(OPERATOR, "Op"), "/help").await.plain();
    assert!(member_help.contains("/invite") && !member_help.contains("/setwelcome"));
    assert!(admin_help.contains("/setwelcome") && admin_help.contains("/lang"));
    let menus = app.tg.calls("setMyCommands");
    assert!(
        menus
            .iter()
            .any(|m| m["scope"]["type"] == "all_chat_administrators" && m["language_code"] == "zh")
    );
    assert!(
        menus
            .iter()
            .any(|m| m["scope"].is_null() && m["language_code"].is_null())
    );
    let private = app.ask(1, &user(1, "Alice"), "/start").await;
    assert!(private.plain().contains("I am Hearth"));

    // The menus are the command table, in both languages.
    for menu in &menus {
        let lang = match menu["language_code"].as_str() {
            Some("zh") => Lang::Zh,
            _ => Lang::En,
        };
        let admin = menu["scope"]["type"] == "all_chat_administrators";
        let mut expected = hearth::rituals::help_lines(lang, false);
        if admin {
            expected.extend(hearth::rituals::help_lines(lang, true));
        }
        let listed: Vec<(&str, &str)> = menu["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["command"].as_str().unwrap(),
                    c["description"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(listed, expected, "{menu}");
    }

    // `/help <command>` for every command, in English in private and in
    // Chinese in a group.
    for spec in hearth::rituals::commands() {
        let page = app
            .ask(1, &user(1, "Alice"), &format!("/help {}", spec.name))
            .await
            .plain();
        assert_eq!(page, command_help(spec, Lang::En));
        assert!(page.contains("Example: /"), "{page}");
    }
    let op = user(OPERATOR, "Op");
    app.ask(GROUP, &op, "/lang zh").await;
    for spec in hearth::rituals::commands() {
        let page = app
            .ask(GROUP, &op, &format!("/help /{}", spec.name))
            .await
            .plain();
        assert_eq!(page, command_help(spec, Lang::Zh));
    }
    let section = app.ask(GROUP, &op, "/help 抽奖").await.plain();
    assert!(section.starts_with("▸ 抽奖\n/wheel — "), "{section}");
    let unknown = app.ask(GROUP, &op, "/help frob").await.plain();
    assert_eq!(unknown, "没有 `frob` 这个命令或分类；发送 /help 查看全部。");

    // Once the operator opened a private chat, their long help goes there.
    app.ask(OPERATOR, &op, "/start").await;
    let before = app.tg.sent_to(OPERATOR).len();
    let in_group = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &op, "/help");
    let help = app.next_message(OPERATOR, before).await.plain();
    assert!(help.contains("你可以使用（含管理员命令）："), "{help}");
    assert!(help.contains("▸ 群管\n"), "{help}");
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(GROUP).len(),
        in_group,
        "nothing in the group"
    );
}

/// The bot added by its operator: the hello is a checklist of the rights
/// missing, the zone still on UTC, the language and what to do next; in the
/// group while the operator has no private chat with the bot, in private
/// (with a short hello in the group) once they have.
async fn adding_the_bot_gives_the_operator_a_checklist(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    // No HEARTH_TIMEZONE: each group's zone is asked.
    app.zone = None;
    app.restart().await;
    let op = user(OPERATOR, "Op");
    let add = |chat: i64, withheld: &[&str]| {
        app.tg.set_bot_can_invite(chat, true);
        app.tg.make_admin(chat, OPERATOR);
        let mut update = member_update(chat, op.clone(), &bot(), "left", "administrator", None);
        for right in withheld {
            update["new_chat_member"][*right] = serde_json::json!(false);
        }
        app.tg.push("my_chat_member", update);
    };
    add(-7101, &[]);
    let hello = app.tg.wait_for(-7101, 1).await[0].plain();
    assert_eq!(
        hello,
        "Hearth is here: newcomers get a welcome and their inviters climb the effective-invite leaderboard. Send /help for commands.\n\n\
         ✅ Hearth now serves Group 7101\n\
         • Rights: ✓ Invite users via link (members' own links) · ✓ Ban users (/remove, automatic screening) · ✓ Pin messages (--pin)\n\
         • Time zone: not set yet (UTC until then, so 20:30 would be 04:30 in Beijing). Press your city below, or send /timezone <zone> for another (e.g. Europe/Paris)\n\
         • Language: English (/lang zh switches to Chinese)\n\
         Next: /setwelcome for the welcome, /invite for your own link, /schedule add daily 20:30 notice … for the evening post. /help lists everything."
    );
    // The zone is a press away; a member's press is a member typing
    // /timezone, and is refused.
    let hello = app.tg.sent_to(-7101)[0].clone();
    let cities: Vec<&str> = hello.buttons.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        cities,
        [
            "🕗 Shanghai",
            "🕗 Hong Kong",
            "🕗 Taipei",
            "🕗 Singapore",
            "🕗 London",
            "🕗 Berlin",
            "🕗 New York",
            "🕗 Los Angeles"
        ]
    );
    let shanghai = hello.buttons[0].1.clone();
    let mallory = user(7150, "Mallory");
    let refused = app
        .press_for_reply(-7101, hello.message_id, &mallory, &shanghai)
        .await
        .plain();
    assert!(refused.contains("admins"), "{refused}");
    let set = app
        .press_for_reply(-7101, hello.message_id, &op, &shanghai)
        .await
        .plain();
    assert!(set.contains("Asia/Shanghai"), "{set}");
    let shown = app.ask(-7101, &op, "/timezone").await.plain();
    assert!(shown.contains("Asia/Shanghai"), "{shown}");

    app.ask(OPERATOR, &op, "/start").await;
    let before = app.tg.sent_to(OPERATOR).len();
    add(-7102, &["can_restrict_members", "can_pin_messages"]);
    let short = app.tg.wait_for(-7102, 1).await[0].plain();
    assert!(short.ends_with("Send /help for commands."), "{short}");
    let checklist = app.next_message(OPERATOR, before).await.plain();
    assert!(
        checklist.starts_with(
            "✅ Hearth now serves Group 7102\n\
             • Rights: ✓ Invite users via link (members' own links) · ✗ Ban users (/remove, automatic screening) · ✗ Pin messages (--pin). Turn on the ✗ ones: group settings → Administrators → Hearth\n"
        ),
        "{checklist}"
    );
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(-7102).len(),
        1,
        "the group got the short hello only"
    );
    // A schedule before the zone is chosen asks for the zone first and
    // saves nothing.
    let asked = app
        .ask(-7102, &op, "/schedule add daily 20:30 notice Tonight")
        .await;
    assert_eq!(
        asked.plain(),
        "⏰ First, which time zone is Group 7102 in? Until it is set, 20:30 would be UTC (04:30 in Beijing). Press your city below, or send /timezone <zone>, then send the command again."
    );
    assert_eq!(asked.buttons.len(), 8, "{:?}", asked.buttons);
    // Pressed in private, the zone is set for the group and said there.
    let checklist = app.tg.sent_to(OPERATOR)[before].clone();
    let hong_kong = checklist.buttons[1].1.clone();
    let set = app
        .press_for_reply(OPERATOR, checklist.message_id, &op, &hong_kong)
        .await
        .plain();
    assert!(set.contains("Asia/Hong_Kong"), "{set}");
    app.settle().await;
    assert_eq!(
        app.tg.sent_to(-7102).len(),
        2,
        "nothing more said in the group"
    );
    let shown = app.ask(-7102, &op, "/timezone").await.plain();
    assert!(shown.contains("Asia/Hong_Kong"), "{shown}");
    let saved = app
        .ask(-7102, &op, "/schedule add daily 20:30 notice Tonight")
        .await
        .plain();
    assert!(saved.contains("Asia/Hong_Kong"), "{saved}");
}

async fn an_operator_adopts_a_group_where_they_are_admin(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let chat = -4004;
    // Added by a stranger: the bot refuses; then re-added silently (no
    // my_chat_member seen) and an operator adopts it.
    let before = app.tg.sent_to(chat).len();
    let asked = app.ask(chat, &user(OPERATOR, "Op"), "/adopt").await;
    assert!(
        asked.plain().contains("need to be an admin"),
        "{}",
        asked.plain()
    );
    app.tg.make_admin(chat, OPERATOR);
    let stranger = app.ask(chat, &user(5, "Stranger"), "/adopt").await;
    assert!(stranger.plain().contains("Only an operator"));
    let adopted = app.ask(chat, &user(OPERATOR, "Op"), "/adopt").await;
    assert!(
        adopted.plain().contains("now registered"),
        "{}",
        adopted.plain()
    );
    app.join_public(chat, &user(7, "Eve"));
    let greeting = app.next_message(chat, before + 3).await;
    assert_eq!(greeting.mentions(), vec![7]);
}

async fn joins_in_the_same_batch_as_the_bots_arrival_are_greeted(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let chat = -5005;
    // Queued together, these reach the bot in one getUpdates batch.
    app.tg.push(
        "my_chat_member",
        member_update(
            chat,
            user(OPERATOR, "Operator"),
            &bot(),
            "left",
            "administrator",
            None,
        ),
    );
    app.add_members(chat, &user(1, "Alice"), &[user(2, "Bob")]);
    let sent = app.tg.wait_for(chat, 2).await;
    assert_eq!(sent[1].mentions(), vec![2, 1], "{}", sent[1].html);
}

on_both_databases!(
    a_slow_invite_link_holds_up_no_greeting_and_no_post,
    joins_in_the_same_batch_as_the_bots_arrival_are_greeted,
    join_by_member_link_greets_newcomer_and_inviter,
    added_directly_by_a_member_credits_the_adder,
    public_join_mentions_only_the_newcomer,
    both_update_kinds_for_one_join_greet_once,
    leaver_stops_counting_and_a_rejoin_counts_once_for_the_first_inviter,
    nobody_invites_themselves,
    bots_are_neither_greeted_nor_counted,
    a_member_removed_by_an_admin_withdraws_the_credit,
    added_by_a_non_operator_the_bot_explains_and_leaves,
    a_burst_of_200_joins_is_greeted_in_few_paced_messages,
    hostile_display_names_render_as_plain_text,
    restart_with_redelivered_updates_changes_no_count,
    join_request_through_a_personal_link_is_approved_and_credited,
    invite_without_the_right_says_which_right_to_grant,
    welcome_template_and_language_are_admin_settings,
    leaderboards_rank_stably_and_operators_see_all_groups,
    help_and_command_menus_differ_for_members_and_admins,
    adding_the_bot_gives_the_operator_a_checklist,
    an_operator_adopts_a_group_where_they_are_admin,
    an_invite_link_refused_for_an_unknown_reason_is_explained_and_stops_nothing,
    an_update_failing_every_try_is_recorded_once_and_the_rest_go_through,
    old_update_keys_and_delivered_messages_are_pruned,
);

/// Update keys are kept a week (Telegram re-delivers for a day at most) and
/// delivered messages a month; what is pending is never pruned.
async fn old_update_keys_and_delivered_messages_are_pruned(db: TestDb) {
    const DAY: Duration = Duration::from_secs(24 * 3600);
    let app = TestApp::spawn_at(db, "2026-11-01T00:00:00Z").await;
    app.group_with_bot(GROUP).await;
    for i in 0..5 {
        app.join_public(GROUP, &user(100 + i, "N"));
    }
    app.tg.wait_until_consumed().await;
    // The greeting waits for its settle time on the test's clock.
    app.advance(Duration::from_secs(10)).await;
    let keys = || app.db.count("SELECT COUNT(*) FROM processed_updates");
    let sent = || {
        app.db
            .count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
    };
    assert!(keys().await >= 6, "the bot's arrival and five joins");
    let delivered = sent().await;
    assert!(delivered >= 2, "hello and a greeting");
    app.advance(6 * DAY).await;
    assert!(keys().await >= 6, "kept for a week");
    app.advance(2 * DAY).await;
    assert_eq!(keys().await, 0, "gone after a week");
    assert_eq!(sent().await, delivered, "messages stay a month");
    app.advance(23 * DAY).await;
    assert_eq!(sent().await, 0, "gone after a month");
}

/// `adder` adds 100 newcomers (ids 10,000 to 10,099), one update each.
fn add_hundred(app: &TestApp, adder: &serde_json::Value) {
    for i in 0..100 {
        app.add_members(GROUP, adder, &[user(10_000 + i, &format!("N{i}"))]);
    }
}

/// Telegram holds `createChatInviteLink` for 30 s, as under load, while a
/// member's `/invite` waits on it; 200 joins and a scheduled post fall due
/// meanwhile. Commands run beside intake, so every newcomer is greeted and
/// the post goes out while the link is still being made; the member gets
/// the link once Telegram answers.
async fn a_slow_invite_link_holds_up_no_greeting_and_no_post(db: TestDb) {
    const HOLD: Duration = Duration::from_secs(30);
    let mut app = TestApp::spawn_at(db, "2026-12-07T10:00:20Z").await;
    app.request_timeout = Duration::from_secs(60);
    app.restart().await;
    app.group_with_bot(GROUP).await;
    let due = app.schedule_tea_time(GROUP).await;
    app.tg.delay("createChatInviteLink", HOLD);
    let alice = user(1, "Alice");
    app.say(GROUP, &alice, "/invite");
    let asked = std::time::Instant::now();
    app.tg
        .wait_for_call("createChatInviteLink", |calls| !calls.is_empty())
        .await;
    for i in 0..200 {
        app.add_members(GROUP, &alice, &[user(20_000 + i, &format!("N{i}"))]);
    }
    // The post and the greetings go out while the link is still held.
    app.tea_time_on_time(GROUP, due).await;
    app.tick_until("every greeting", |app| {
        app.all_mentioned(GROUP, 20_000..20_200)
    })
    .await;
    let link_sent = |app: &TestApp| {
        app.tg
            .sent_to(GROUP)
            .iter()
            .any(|m| m.plain().contains("https://t.me/+"))
    };
    assert!(
        !link_sent(&app) && asked.elapsed() < HOLD,
        "the greetings and the post waited for the invite link"
    );
    // Nothing lost: the link comes once Telegram answers.
    let deadline = asked + HOLD * 2;
    while !link_sent(&app) {
        assert!(std::time::Instant::now() < deadline, "the link never came");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the group was told since the first `before` messages, greetings
/// and the scheduled post left out: commands run beside intake, so their
/// answers and the greetings of joins behind them may come in either order.
fn answers_since(app: &TestApp, before: usize) -> Vec<String> {
    app.tg.sent_to(GROUP)[before..]
        .iter()
        .map(|m| m.plain())
        .filter(|t| !t.starts_with("👋") && !t.starts_with("📢"))
        .collect()
}

/// Around a failing update, on the manual clock: the post due at `due`
/// goes out on time and the 100 newcomers of [`add_hundred`] are greeted.
async fn hundred_joins_and_the_post_go_through(app: &TestApp, due: i64) {
    app.tea_time_on_time(GROUP, due).await;
    app.tick_until("every greeting", |app| {
        app.all_mentioned(GROUP, 10_000..10_100)
    })
    .await;
    app.settle_ticking().await;
}

/// Telegram refuses `createChatInviteLink` with an error no rule of the
/// bot's matches: the member is told why, and the joins behind the command
/// are greeted and counted as ever.
async fn an_invite_link_refused_for_an_unknown_reason_is_explained_and_stops_nothing(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-12-07T10:00:20Z").await;
    app.group_with_bot(GROUP).await;
    let due = app.schedule_tea_time(GROUP).await;
    app.tg.refuse(
        "createChatInviteLink",
        400,
        "Bad Request: CHAT_INVITE_FORBIDDEN_BY_POLICY",
    );
    let alice = user(1, "Alice");
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &alice, "/invite");
    add_hundred(&app, &alice);
    hundred_joins_and_the_post_go_through(&app, due).await;
    let said = answers_since(&app, before);
    assert_eq!(
        said,
        [
            "Alice, Telegram refused the invite link: Bad Request: CHAT_INVITE_FORBIDDEN_BY_POLICY. Please try again later."
        ]
    );
    let mine = app.ask(GROUP, &alice, "/myinvites").await;
    assert!(
        mine.plain().contains("you have 100 effective invites"),
        "{}",
        mine.plain()
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM failed_updates").await, 0);
    // Once Telegram agrees again, the link comes.
    app.tg.stop_refusing("createChatInviteLink");
    assert!(app.invite_link(GROUP, &alice).await.starts_with("https://"));
}

/// A command that fails on every try (here its audit table is gone) is
/// tried a few times, then recorded once and skipped: the asker hears so,
/// the 100 joins queued behind it are all greeted, the operator finds it in
/// `/status`, and a restart with every update delivered again repeats
/// nothing.
async fn an_update_failing_every_try_is_recorded_once_and_the_rest_go_through(db: TestDb) {
    let mut app = TestApp::spawn_at(db, "2026-12-07T10:00:20Z").await;
    app.group_with_bot(GROUP).await;
    let due = app.schedule_tea_time(GROUP).await;
    app.db
        .execute("ALTER TABLE audit_log RENAME TO audit_log_lost")
        .await;
    let operator = user(OPERATOR, "Operator");
    let alice = user(1, "Alice");
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &operator, "/setwelcome Hi {{newcomer}}");
    add_hundred(&app, &alice);
    // The joins do not wait for the command's tries: the apology may come
    // after greetings.
    hundred_joins_and_the_post_go_through(&app, due).await;
    assert_eq!(
        answers_since(&app, before),
        [
            "Sorry, /setwelcome did not work this time; the operator can see why. Please try again later."
        ]
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM failed_updates").await, 1);
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM groups WHERE welcome_template IS NULL")
            .await,
        1,
        "the failed command changed nothing"
    );
    let status = app.ask(OPERATOR, &operator, "/status").await.plain();
    assert!(
        status.contains("Updates that failed in the last 24 hours: 1"),
        "{status}"
    );
    assert!(status.contains("/setwelcome"), "{status}");
    // Alone in its batch, a failing update is skipped all the same.
    let alone = app.ask(GROUP, &operator, "/lang zh").await.plain();
    assert_eq!(
        alone,
        "Sorry, /lang did not work this time; the operator can see why. Please try again later."
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM failed_updates").await, 2);

    // Every message recorded as delivered before the abrupt stop.
    app.settle().await;
    let sent = app.tg.sent_to(GROUP).len();
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    assert_eq!(app.tg.sent_to(GROUP).len(), sent, "nothing said twice");
    assert_eq!(app.db.count("SELECT COUNT(*) FROM failed_updates").await, 2);

    // The group is not stuck: mended, the same command works.
    app.db
        .execute("ALTER TABLE audit_log_lost RENAME TO audit_log")
        .await;
    let saved = app
        .ask(GROUP, &operator, "/setwelcome Hi {{newcomer}}")
        .await;
    assert!(saved.plain().contains("Hi"), "{}", saved.plain());
}
