//! One permission model for every command, end to end on Telegram: members
//! are refused every admin command and change nothing, and are told so once
//! a day; platform admin status is cached and read again when it changes;
//! operators grant assistants per group; every admin action is logged. On
//! SQLite and PostgreSQL.

use crate::{on_both_databases, support};
use std::time::Duration;

use hearth::domain::Lang;
use support::{OPERATOR, TestApp, TestDb, member_update, operator, user};

const GROUP: i64 = -1005;
const OTHER: i64 = -1006;

const ADMIN_ONLY: &str = "That command is for group admins and operators only.";
const OPERATOR_ONLY: &str = "That command is for operators only.";

on_both_databases!(
    every_admin_command_is_refused_to_a_member_and_changes_nothing,
    a_member_is_told_once_a_day,
    admin_status_is_cached_and_read_again_when_it_changes,
    an_assistant_may_run_admin_commands_in_their_group_only,
    admin_actions_are_logged_with_who_and_when,
    a_member_typing_admin_commands_hears_one_refusal_whatever_the_arguments,
    a_group_admin_may_look_at_but_not_change_what_the_operator_owns,
    a_member_flooding_commands_cannot_delay_a_greeting,
    powers_stay_with_the_group_and_the_operator_they_belong_to,
);

/// One member sends 200 commands, their own and admins', with random and
/// hostile arguments, under Telegram's real sending limits (20 messages a
/// minute per group); a newcomer who joins right after is greeted within
/// 10 s, and the group heard a handful of answers, not 200.
async fn a_member_flooding_commands_cannot_delay_a_greeting(db: TestDb) {
    use rand::{Rng, SeedableRng, seq::SliceRandom};
    let mut app = TestApp::spawn(db).await;
    app.answer_again = Duration::from_secs(60);
    app.pace = hearth::domain::pace::Pace::TELEGRAM;
    app.restart().await;
    app.group_with_bot(GROUP).await;
    let mallory = user(7200, "Mallory");
    // She has started the bot: answers about her alone go to her there.
    app.ask(7200, &mallory, "/start").await;
    app.settle().await;
    let (group_before, private_before) = (app.tg.sent_to(GROUP).len(), app.tg.sent_to(7200).len());
    let names = [
        "/top",
        "/myinvites",
        "/invite",
        "/help",
        "/start",
        "/draws",
        "/spin",
        "/mycodes",
        "/stop",
        "/wheel",
        "/giveaway",
        "/broadcast",
        "/lang",
        "/schedule",
        "/nosuch",
    ];
    let hostile = [
        "<b>x</b>",
        "@everyone",
        "\u{202E}evil",
        "99999999999999999999",
        "-1",
        "\"unclosed",
        "{{newcomer}}",
        "all",
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for _ in 0..200 {
        let name = names.choose(&mut rng).unwrap();
        let args = match rng.gen_range(0..3) {
            0 => String::new(),
            1 => hostile.choose(&mut rng).unwrap().to_string(),
            _ => (0..rng.gen_range(1..300))
                .map(|_| rng.gen_range('\u{20}'..'\u{2FFF}'))
                .collect(),
        };
        app.say(GROUP, &mallory, &format!("{name} {args}"));
    }
    let newcomer = user(7300, "Newcomer");
    app.join_public(GROUP, &newcomer);
    let greeted = tokio::time::timeout(
        Duration::from_secs(10),
        app.tg.wait_for_sent("the newcomer's greeting", |sent| {
            sent.iter()
                .any(|m| m.chat_id == GROUP && m.mentions().contains(&7300))
        }),
    )
    .await;
    assert!(greeted.is_ok(), "the newcomer was not greeted within 10 s");
    app.settle().await;
    let to_group = app.tg.sent_to(GROUP).len() - group_before - 1;
    let to_her = app.tg.sent_to(7200).len() - private_before;
    // Her own commands, once each a minute (/draws, /spin, /stop, /top)
    // and one refusal for all the admin commands; her /invite, /myinvites,
    // /help, /start and /mycodes answers went to her private chat.
    assert!(to_group <= 5, "the group got {to_group} answers");
    assert!(to_her <= 5, "her private chat got {to_her} answers");
    assert!(to_her >= 1, "nothing went to her private chat");
}

/// Snippets and coupon pools are the operator's, shared by every group
/// they run: an admin of one group may list them, and is refused changing
/// them, which would change what other groups post and hand out.
async fn a_group_admin_may_look_at_but_not_change_what_the_operator_owns(db: TestDb) {
    let app = TestApp::spawn(db).await;
    busy_group(&app).await;
    app.settle().await;
    let before = state(&app).await;
    let body = "SELECT COUNT(*) FROM snippets WHERE body = 'Be kind'";
    assert_eq!(app.db.count(body).await, 1);
    for (i, command) in [
        "/snippet save rules Buy at my shop",
        "/snippet delete rules",
        "/coupons limit tea 9",
        "/coupons alert tea 9",
    ]
    .into_iter()
    .enumerate()
    {
        // A fresh admin each time: each is told once.
        let id = 7200 + i as i64;
        app.tg.make_admin(GROUP, id);
        let reply = app.ask(GROUP, &user(id, "Ann"), command).await;
        assert_eq!(reply.plain(), OPERATOR_ONLY, "{command}");
    }
    let ann = user(7200, "Ann");
    let list = app.ask(GROUP, &ann, "/snippet list").await.plain();
    assert!(list.contains("rules"), "{list}");
    let stock = app.ask(GROUP, &ann, "/coupons").await.plain();
    assert!(stock.contains("tea"), "{stock}");
    app.settle().await;
    assert_eq!(
        state(&app).await,
        before,
        "an admin changed the operator's own"
    );
    assert_eq!(app.db.count(body).await, 1);
}

/// Who may run a command is settled from its name: a member who types any
/// admin command bare, with junk or with good arguments gets the one
/// refusal of the day, never a usage text, and changes nothing.
async fn a_member_typing_admin_commands_hears_one_refusal_whatever_the_arguments(db: TestDb) {
    let app = TestApp::spawn(db).await;
    busy_group(&app).await;
    app.settle().await;
    let before = state(&app).await;
    let sent_before = app.tg.sent_to(GROUP).len();
    let mallory = user(7100, "Mallory");
    let names: std::collections::BTreeSet<&str> = ADMIN_COMMANDS
        .iter()
        .filter_map(|(c, _)| c.split_whitespace().next())
        .filter(|name| *name != "/top")
        .chain([
            "/status",
            "/hongbao",
            "/lottery",
            "/assistants",
            "/milestones",
        ])
        .collect();
    let junk = [
        "",
        "0",
        "-1 -1",
        "<b>x</b> &amp; \"",
        "99999999999999999999",
        "all all all",
    ];
    let mut typed = 0;
    for name in &names {
        for args in junk {
            app.say(GROUP, &mallory, &format!("{name} {args}"));
            typed += 1;
        }
    }
    for (command, _) in ADMIN_COMMANDS {
        app.say(GROUP, &mallory, command);
        typed += 1;
    }
    app.tg.wait_until_consumed().await;
    app.settle().await;
    let said: Vec<String> = app.tg.sent_to(GROUP)[sent_before..]
        .iter()
        .map(|m| m.plain())
        .collect();
    assert_eq!(said, [ADMIN_ONLY], "{typed} commands typed");
    assert_eq!(
        state(&app).await,
        before,
        "a refused command changed something"
    );
}

/// A second operator of the same deployment, with a group of their own.
const RIVAL: i64 = 2000;
/// The first operator's second group, the only one their `tea` pool serves.
const SHOP: i64 = -1007;

/// What the rival operator and their group own, as text: it must not move
/// whatever the other side types.
const RIVALS_OWN: &[&str] = &[
    "SELECT owner || ' ' || name || ' ' || body FROM snippets WHERE owner = 'tg:2000'",
    "SELECT name || ' ' || CAST(per_member AS TEXT) || ' ' || CAST(alert_below AS TEXT)
            || ' ' || COALESCE(owner, '-') FROM coupon_pools WHERE name = 'ypool'",
    "SELECT pool || ' ' || group_id FROM coupon_pool_groups WHERE pool = 'ypool'",
    "SELECT code || ' ' || COALESCE(user_id, '-') || ' ' || COALESCE(redeemed_by, '-')
     FROM coupon_codes WHERE pool = 'ypool' ORDER BY code",
    "SELECT CAST(id AS TEXT) || ' ' || kind || ' ' || COALESCE(CAST(closed_at AS TEXT), 'open')
     FROM draws WHERE group_id = 'tg:-1006' ORDER BY id",
    "SELECT CAST(COUNT(*) AS TEXT) FROM draw_winners",
    "SELECT CAST(id AS TEXT) || ' ' || CAST(paused AS TEXT) FROM schedules
     WHERE group_id = 'tg:-1006' ORDER BY id",
    "SELECT owner || ' ' || name FROM group_sets ORDER BY 1",
    "SELECT group_id || ' ' || user_id FROM assistants ORDER BY 1",
];

async fn rivals_own(app: &TestApp) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for sql in RIVALS_OWN {
        out.push(app.db.rows(sql).await);
    }
    out
}

/// Snippets, pools, codes, draws and roles stay where they belong: an admin
/// of one group acting in another or naming its draws, schedules and codes,
/// and an operator naming another operator's pools, snippets and groups,
/// are refused and change nothing. A pool kept for one group (`/coupons
/// allow`) pays out there only.
async fn powers_stay_with_the_group_and_the_operator_they_belong_to(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    app.operators = vec![OPERATOR, RIVAL];
    app.restart().await;
    app.group_with_bot(GROUP).await;
    app.group_with_bot(SHOP).await;
    app.group_of(RIVAL, OTHER).await;
    let (op, rival) = (operator(), user(RIVAL, "Rival"));

    // The rival's library, pool, draws and schedule.
    app.ask(RIVAL, &rival, "/snippet save rules Rival rules")
        .await;
    let before = app.tg.sent_to(RIVAL).len();
    app.send_file(&rival, "y1", "ypool.csv", None, b"Y-0001\nY-0002\nY-0003\n");
    let imported = app.next_message(RIVAL, before).await.plain();
    assert!(
        imported.starts_with("Pool ypool: 3 codes added"),
        "{imported}"
    );
    let before = app.tg.sent_to(OPERATOR).len();
    app.send_file(&op, "t1", "tea.csv", None, b"TEA-0001\nTEA-0002\n");
    app.next_message(OPERATOR, before).await;
    let kept = app.ask(OPERATOR, &op, "/coupons allow tea -1007").await;
    assert!(
        kept.plain().contains("Only these groups"),
        "{}",
        kept.plain()
    );
    let schedule = app
        .ask(
            OTHER,
            &rival,
            "/schedule add \"30 20 * * *\" notice {{snippet rules}}",
        )
        .await;
    assert!(schedule.plain().contains("#1"), "{}", schedule.plain());
    let wheel = app.open_wheel(OTHER, "Tea[ypool]*3:1").await;
    let bob = user(7002, "Bob");
    app.ask(7002, &bob, "/start").await;
    app.press(OTHER, wheel.message_id, &bob, &wheel.buttons[0].1);
    let code = app.tg.wait_for(7002, 2).await[1].plain();
    let code = &code[code.find("Y-").expect("Bob's code")..][..6];
    app.ask(OTHER, &rival, "/giveaway 1 1h Tea").await;
    let (wheel_id, giveaway_id) = (1, 2);
    app.settle().await;
    let before = rivals_own(&app).await;

    // An admin of GROUP, in the rival's group: a member there.
    let ann = user(7200, "Ann");
    app.tg.make_admin(GROUP, 7200);
    let heard_before = app.tg.sent_to(OTHER).len();
    for command in [
        "/snippet list".to_owned(),
        "/coupons".to_owned(),
        format!("/redeem {code}"),
        format!("/wheel close {wheel_id}"),
        format!("/giveaway close {giveaway_id}"),
        "/schedule delete 1".to_owned(),
        "/assistant add @ann".to_owned(),
    ] {
        app.say(OTHER, &ann, &command);
    }
    app.tg.wait_until_consumed().await;
    app.settle().await;
    let heard: Vec<String> = app.tg.sent_to(OTHER)[heard_before..]
        .iter()
        .map(|m| m.plain())
        .collect();
    assert_eq!(heard, [ADMIN_ONLY], "GROUP's admin in OTHER");

    // The same admin in her own group, naming the rival's objects.
    let no_ypool = "There is no coupon pool ypool";
    for (command, said) in [
        (
            format!("/redeem {code}"),
            format!("There is no code {code}"),
        ),
        (
            format!("/wheel open {wheel_id}"),
            format!("no wheel #{wheel_id}"),
        ),
        (
            format!("/wheel close {wheel_id}"),
            format!("no wheel #{wheel_id}"),
        ),
        (
            format!("/giveaway close {giveaway_id}"),
            format!("no giveaway #{giveaway_id}"),
        ),
        (
            format!("/reroll {giveaway_id}"),
            format!("no giveaway #{giveaway_id}"),
        ),
        ("/schedule delete 1".to_owned(), "no schedule #1".to_owned()),
        ("/schedule pause 1".to_owned(), "no schedule #1".to_owned()),
        ("/acks 1".to_owned(), "no schedule #1".to_owned()),
        ("/wheel new Pen[ypool]*1:1".to_owned(), no_ypool.to_owned()),
        ("/envelope 10[ypool] 2".to_owned(), no_ypool.to_owned()),
        ("/nth 3 30m Pen[ypool]".to_owned(), no_ypool.to_owned()),
        ("/giveaway 1 1h Pen[ypool]".to_owned(), no_ypool.to_owned()),
        (
            "/milestone add 30 ypool".to_owned(),
            "There is no coupon pool named ypool".to_owned(),
        ),
        // The operator's own pool, kept for SHOP.
        (
            "/wheel new Pen[tea]*1:1".to_owned(),
            "There is no coupon pool tea".to_owned(),
        ),
        (
            "/redeem TEA-0001".to_owned(),
            "There is no code TEA-0001".to_owned(),
        ),
    ] {
        let reply = app.ask(GROUP, &ann, &command).await.plain();
        assert!(reply.contains(&said), "{command} → {reply}");
    }
    let stock = app.ask(GROUP, &ann, "/coupons").await.plain();
    assert!(
        !stock.contains("ypool") && !stock.contains("tea"),
        "{stock}"
    );

    // The operator of GROUP, naming the rival's pool, snippet and group.
    for (command, said) in [
        ("/coupons limit ypool 0", "There is no coupon pool ypool"),
        ("/coupons alert ypool 0", "There is no coupon pool ypool"),
        (
            "/coupons allow ypool -1005",
            "There is no coupon pool ypool",
        ),
        ("/snippet delete rules", "There is no such snippet."),
        ("/groupset save s -1006", "is neither one of your groups"),
        ("/redeem Y-0001", "There is no code Y-0001"),
    ] {
        let reply = app.ask(OPERATOR, &op, command).await.plain();
        assert!(reply.contains(said), "{command} → {reply}");
    }
    let before_import = app.tg.sent_to(OPERATOR).len();
    app.send_file(&op, "y2", "ypool.csv", None, b"MINE-0001\n");
    let refused = app.next_message(OPERATOR, before_import).await.plain();
    assert!(refused.contains("taken by another operator"), "{refused}");
    let mine = app.ask(OPERATOR, &op, "/coupons").await.plain();
    assert!(mine.contains("tea") && !mine.contains("ypool"), "{mine}");
    assert!(mine.contains("only in tg:-1007"), "{mine}");
    app.settle().await;
    assert_eq!(rivals_own(&app).await, before, "the rival's own moved");
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM coupon_codes WHERE code = 'MINE-0001'")
            .await,
        0
    );

    // Where the pool is allowed it pays; `all` opens it to every group again.
    let ready = app.ask(SHOP, &op, "/wheel new Pen[tea]*1:1").await.plain();
    assert!(ready.contains("/wheel open"), "{ready}");
    app.ask(OPERATOR, &op, "/coupons allow tea all").await;
    let ready = app
        .ask(GROUP, &ann, "/wheel new Pen[tea]*1:1")
        .await
        .plain();
    assert!(ready.contains("/wheel open"), "{ready}");
}

/// Every command that is not a member's, with who may run it. The test
/// below checks that no admin command of the help list is missing here.
const ADMIN_COMMANDS: &[(&str, &str)] = &[
    ("/setwelcome", ADMIN_ONLY),
    ("/setwelcome Hi {{newcomer}}", ADMIN_ONLY),
    ("/lang zh", ADMIN_ONLY),
    ("/schedule list", ADMIN_ONLY),
    (
        "/schedule add \"30 20 * * *\" notice Tonight at 20:30",
        ADMIN_ONLY,
    ),
    ("/schedule once 2030-01-01T10:00 teaser Soon", ADMIN_ONLY),
    ("/schedule pause 1", ADMIN_ONLY),
    ("/schedule resume 1", ADMIN_ONLY),
    ("/schedule delete 1", ADMIN_ONLY),
    ("/timezone", ADMIN_ONLY),
    ("/timezone Europe/Berlin", ADMIN_ONLY),
    ("/settings", ADMIN_ONLY),
    ("/acks 1", ADMIN_ONLY),
    ("/snippet list", ADMIN_ONLY),
    ("/snippet save rules Be kind", ADMIN_ONLY),
    ("/snippet delete rules", ADMIN_ONLY),
    ("/wheel new Pen*1:1", ADMIN_ONLY),
    ("/wheel open 1", ADMIN_ONLY),
    ("/wheel close 1", ADMIN_ONLY),
    ("/envelope 10 2", ADMIN_ONLY),
    ("/envelope close 1", ADMIN_ONLY),
    ("/nth 3 30m Tea", ADMIN_ONLY),
    ("/nth close 1", ADMIN_ONLY),
    ("/giveaway 1 1h Tea", ADMIN_ONLY),
    ("/giveaway close 1", ADMIN_ONLY),
    ("/reroll 1", ADMIN_ONLY),
    ("/review", ADMIN_ONLY),
    ("/keep 1", ADMIN_ONLY),
    ("/remove 1", ADMIN_ONLY),
    ("/coupons", ADMIN_ONLY),
    ("/coupons limit tea 5", ADMIN_ONLY),
    ("/coupons alert tea 5", ADMIN_ONLY),
    ("/coupons allow tea all", ADMIN_ONLY),
    ("/redeem AAA111", ADMIN_ONLY),
    ("/log", ADMIN_ONLY),
    ("/screening", ADMIN_ONLY),
    ("/screening auto 90", ADMIN_ONLY),
    ("/screening words add 私聊", ADMIN_ONLY),
    ("/assistant", OPERATOR_ONLY),
    ("/assistant add Ann", OPERATOR_ONLY),
    ("/groups", OPERATOR_ONLY),
    ("/groupset save south -1005", OPERATOR_ONLY),
    ("/channels", ADMIN_ONLY),
    ("/funnel", ADMIN_ONLY),
    ("/channel add poster", OPERATOR_ONLY),
    ("/channel live shop south", OPERATOR_ONLY),
    ("/campaign", OPERATOR_ONLY),
    ("/campaign start double11 2026-11-07", OPERATOR_ONLY),
    ("/campaign stop double11", OPERATOR_ONLY),
    ("/tag tg:9001 vip", ADMIN_ONLY),
    ("/untag tg:9001 vip", ADMIN_ONLY),
    ("/tags", ADMIN_ONLY),
    ("/broadcast all Hello", OPERATOR_ONLY),
    ("/welcomepace 0", ADMIN_ONLY),
    ("/milestone", ADMIN_ONLY),
    ("/milestone add 30", ADMIN_ONLY),
    ("/milestone remove 30", ADMIN_ONLY),
    ("/top all", OPERATOR_ONLY),
    ("/adopt", OPERATOR_ONLY),
    ("/status", OPERATOR_ONLY),
];

/// Counts that change when anything an admin command can change does.
const STATE: &[&str] = &[
    "SELECT COUNT(*) FROM draws",
    "SELECT COUNT(*) FROM draws WHERE opened_at IS NOT NULL",
    "SELECT COUNT(*) FROM draws WHERE closed_at IS NOT NULL",
    "SELECT COUNT(*) FROM draw_winners",
    "SELECT COUNT(*) FROM schedules",
    "SELECT COUNT(*) FROM schedules WHERE paused = 1",
    "SELECT COUNT(*) FROM snippets",
    "SELECT COUNT(*) FROM group_sets",
    "SELECT COUNT(*) FROM coupon_pools WHERE per_member = 1 AND alert_below = 0",
    "SELECT COUNT(*) FROM coupon_codes WHERE redeemed_at IS NULL",
    "SELECT COUNT(*) FROM suspects WHERE state = 'pending'",
    "SELECT COUNT(*) FROM assistants",
    "SELECT COUNT(*) FROM audit_log",
    "SELECT COUNT(*) FROM screening_rules",
    "SELECT COUNT(*) FROM campaigns",
    "SELECT COUNT(*) FROM channels",
    "SELECT COUNT(*) FROM campaign_steps",
    "SELECT COUNT(*) FROM member_tags",
    "SELECT COUNT(*) FROM broadcasts",
    "SELECT COUNT(*) FROM milestones",
    "SELECT COUNT(*) FROM groups WHERE lang = 'en' AND timezone = 'UTC'
     AND welcome_template IS NULL AND welcome_pace_secs IS NULL AND active = 1",
];

async fn state(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in STATE {
        out.push(app.db.count(sql).await);
    }
    out
}

/// A group with one of everything a command could touch: a schedule, a
/// snippet, a wheel, an open giveaway, a pending suspect and a pool of codes.
async fn busy_group(app: &TestApp) {
    app.group_with_bot(GROUP).await;
    let op = operator();
    for command in [
        "/schedule add \"30 20 * * *\" notice Tonight at 20:30",
        "/snippet save rules Be kind",
        "/wheel new Pen*1:1",
        "/giveaway 1 1h Tea",
    ] {
        app.ask(GROUP, &op, command).await;
    }
    app.send_file(&op, "f1", "tea.csv", None, b"AAA111\nBBB222\n");
    app.tg.wait_for(OPERATOR, 1).await;
    app.join_public(GROUP, &user(9001, "A代理加微信"));
    app.settle().await;
}

async fn every_admin_command_is_refused_to_a_member_and_changes_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    busy_group(&app).await;
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM suspects WHERE state = 'pending'")
            .await,
        1
    );
    // Every admin command of the help text is in the table.
    for (name, _) in hearth::rituals::help_lines(Lang::En, true) {
        assert!(
            ADMIN_COMMANDS
                .iter()
                .any(|(c, _)| c.split_whitespace().next() == Some(&format!("/{name}"))),
            "/{name} is not tested"
        );
    }
    let before = state(&app).await;
    let bans = app.tg.calls("banChatMember").len();
    for (i, (command, refusal)) in ADMIN_COMMANDS.iter().enumerate() {
        // A fresh member each time: each is told once.
        let member = user(7000 + i as i64, "Mallory");
        let reply = app.ask(GROUP, &member, command).await;
        assert_eq!(reply.plain(), *refusal, "{command}");
    }
    app.settle().await;
    assert_eq!(
        state(&app).await,
        before,
        "a refused command changed something"
    );
    assert_eq!(app.tg.calls("banChatMember").len(), bans);
    // Operators' commands from a member's private chat are refused too.
    let member = user(7999, "Mallory");
    for command in ["/groups", "/coupons", "/redeem AAA111", "/schedule list"] {
        let reply = app.ask(7999, &member, command).await;
        assert_eq!(reply.plain(), OPERATOR_ONLY, "{command}");
    }
    assert_eq!(state(&app).await, before);
}

async fn a_member_is_told_once_a_day(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-09T12:00:00+08:00").await;
    app.group_with_bot(GROUP).await;
    let mallory = user(7001, "Mallory");
    assert_eq!(
        app.ask(GROUP, &mallory, "/review").await.plain(),
        ADMIN_ONLY
    );
    // Tries again: no answer, while her own commands are still answered.
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &mallory, "/giveaway 1 1h Tea");
    app.say(GROUP, &mallory, "/top all");
    let mine = app.ask(GROUP, &mallory, "/myinvites").await;
    assert!(
        mine.plain().contains("effective invites"),
        "{}",
        mine.plain()
    );
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1);
    // A day later she is told again, once.
    app.advance(Duration::from_secs(24 * 3600)).await;
    assert_eq!(
        app.ask(GROUP, &mallory, "/review").await.plain(),
        ADMIN_ONLY
    );
    // Another member is told on their first try.
    let eve = user(7002, "Eve");
    assert_eq!(app.ask(GROUP, &eve, "/log").await.plain(), ADMIN_ONLY);
}

async fn admin_status_is_cached_and_read_again_when_it_changes(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-09T12:00:00+08:00").await;
    app.group_with_bot(GROUP).await;
    let ann = user(7001, "Ann");
    app.tg.make_admin(GROUP, 7001);
    let asked = || {
        app.tg
            .calls("getChatMember")
            .iter()
            .filter(|c| c["user_id"] == 7001)
            .count()
    };
    for _ in 0..3 {
        let reply = app.ask(GROUP, &ann, "/review").await;
        assert!(
            reply.plain().contains("Nobody is waiting"),
            "{}",
            reply.plain()
        );
    }
    assert_eq!(asked(), 1, "one question for three commands");

    // Demoted in the group: Telegram tells the bot, which asks again.
    app.tg.remove_admin(GROUP, 7001);
    app.tg.push(
        "chat_member",
        member_update(GROUP, operator(), &ann, "administrator", "member", None),
    );
    app.settle().await;
    assert_eq!(app.ask(GROUP, &ann, "/review").await.plain(), ADMIN_ONLY);
    assert_eq!(asked(), 2);

    // A change the bot was not told about is noticed within five minutes.
    app.tg.make_admin(GROUP, 7001);
    app.advance(Duration::from_secs(4 * 60)).await;
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &ann, "/review");
    app.ask(GROUP, &ann, "/myinvites").await;
    assert_eq!(
        app.tg.sent_to(GROUP).len(),
        before + 1,
        "still refused, silently"
    );
    app.advance(Duration::from_secs(2 * 60)).await;
    let reply = app.ask(GROUP, &ann, "/review").await;
    assert!(
        reply.plain().contains("Nobody is waiting"),
        "{}",
        reply.plain()
    );
    assert_eq!(asked(), 3);
}

async fn an_assistant_may_run_admin_commands_in_their_group_only(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    app.group_with_bot(OTHER).await;
    let op = operator();
    let mut ann = user(7001, "Ann <b>");
    ann["username"] = "Ann_Tea".into();
    app.join_public(GROUP, &ann);
    app.join_public(OTHER, &ann);
    app.settle().await;

    assert_eq!(
        app.ask(GROUP, &op, "/assistant").await.plain(),
        "This group has no assistants. Operators add one with /assistant add <member>."
    );
    // A display name, which anyone can copy, grants nothing.
    for who in ["Ann", "Ann <b>"] {
        assert_eq!(
            app.ask(GROUP, &op, &format!("/assistant add {who}"))
                .await
                .plain(),
            format!(
                "Name the member by their id (tg:123456) or @username, not by the display name “{who}”: anyone can take the same display name."
            )
        );
    }
    assert_eq!(
        app.ask(GROUP, &op, "/assistant add @nobody").await.plain(),
        "I have not seen @nobody yet: ask them to say something in the group first, or use their id (tg:123456)."
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM assistants").await, 0);
    // Her @username, in any case, names her account, and the reply says which.
    assert_eq!(
        app.ask(GROUP, &op, "/assistant add @ann_TEA").await.plain(),
        "✅ Ann <b> (tg:7001) is now an assistant here and may use admin commands."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/assistant add 7001").await.plain(),
        "Ann <b> (tg:7001) is an assistant here already."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/assistant").await.plain(),
        "Assistants in this group (they may use admin commands):\n· Ann <b> (tg:7001)"
    );
    // Admin commands work for her here, not in the other group, and
    // operator commands nowhere.
    let wheel = app.ask(GROUP, &ann, "/wheel new Pen*1:1").await;
    assert!(
        wheel.plain().starts_with("Wheel #1 is ready"),
        "{}",
        wheel.plain()
    );
    assert_eq!(app.ask(OTHER, &ann, "/review").await.plain(), ADMIN_ONLY);
    assert_eq!(
        app.ask(GROUP, &ann, "/assistant add 7002").await.plain(),
        OPERATOR_ONLY
    );
    // She never was a platform admin: the bot asked Telegram, which said no.
    assert!(
        app.tg
            .calls("getChatMember")
            .iter()
            .any(|c| c["user_id"] == 7001)
    );

    assert_eq!(
        app.ask(GROUP, &op, "/assistant remove tg:7001")
            .await
            .plain(),
        "Ann <b> (tg:7001) is no longer an assistant here."
    );
    // She was told once already today: now her admin commands go unanswered.
    let before = app.tg.sent_to(GROUP).len();
    app.say(GROUP, &ann, "/wheel new Pen*1:1");
    app.ask(GROUP, &ann, "/myinvites").await;
    assert_eq!(app.tg.sent_to(GROUP).len(), before + 1);
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draws").await, 1);
    assert_eq!(
        app.ask(GROUP, &op, "/assistant remove 7001").await.plain(),
        "Ann <b> (tg:7001) is not an assistant here."
    );
    assert_eq!(
        app.ask(GROUP, &op, "/assistant promote Ann").await.plain(),
        "Use /assistant to list assistants, /assistant add <member> or /assistant remove \
         <member>; a member is their id (tg:123456 or @bob:example.org) or their @username."
    );
}

async fn admin_actions_are_logged_with_who_and_when(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-09T20:00:00+08:00").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let ann = user(7001, "Ann");
    app.tg.make_admin(GROUP, 7001);
    assert_eq!(
        app.ask(GROUP, &ann, "/log").await.plain(),
        "No admin action has been recorded in this group yet."
    );
    app.ask(GROUP, &ann, "/wheel new Pen*1:1").await;
    app.advance(Duration::from_secs(60)).await;
    app.ask(GROUP, &op, "/lang en").await;
    // Reading and refusing change nothing and are not logged.
    app.ask(GROUP, &op, "/review").await;
    app.ask(GROUP, &user(7002, "Eve"), "/lang zh").await;
    app.ask(GROUP, &ann, "/wheel new").await;
    // A removal by button is logged like its command.
    app.join_public(GROUP, &user(9001, "A代理加微信"));
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(1)).await;
    let queue = app.ask(GROUP, &op, "/review").await;
    let before = app.tg.calls("answerCallbackQuery").len();
    app.press(GROUP, queue.message_id, &ann, "review:remove:1");
    app.tg
        .wait_for_call("answerCallbackQuery", |c| c.len() > before)
        .await;
    // Messages are paced on the test's clock: let it run.
    app.advance(Duration::from_secs(1)).await;

    assert_eq!(
        app.ask(GROUP, &ann, "/log 2").await.plain(),
        "The latest 2 admin actions (newest first):\n\
         11-09 12:01 Ann: remove #1 (button)\n\
         11-09 12:01 Operator: /lang en"
    );
    app.advance(Duration::from_secs(1)).await;
    let log = app.ask(GROUP, &ann, "/log").await.plain();
    assert!(
        log.ends_with("11-09 12:00 Ann: /wheel new Pen*1:1"),
        "{log}"
    );
    assert_eq!(log.lines().count(), 4, "{log}");

    let mut csv = Vec::new();
    let store = hearth::store::Store::connect(&app.db.url).await.unwrap();
    hearth::cli::export::export(&store, hearth::cli::export::Table::Log, &mut csv)
        .await
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "id,at,group,actor,action,detail");
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(
        rows[1].ends_with(",tg:-1005,tg:7001,wheel,/wheel new Pen*1:1"),
        "{csv}"
    );
    assert!(
        rows[3].contains(",tg:7001,remove,remove #1 (button)"),
        "{csv}"
    );
}
