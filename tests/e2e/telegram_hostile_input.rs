//! Safe input everywhere, end to end on Telegram: hostile display names and
//! template text render as plain text through the Bot API server (which
//! rejects HTML Telegram would reject), and oversized input gets a clear
//! refusal, never a crash or a hang. On SQLite and PostgreSQL.

use crate::{on_both_databases, support};
use std::collections::HashSet;

use hearth::domain::DisplayName;
use serde_json::Value;
use support::{OPERATOR, TestApp, TestDb, operator, user};

const GROUP: i64 = -1007;

on_both_databases!(
    a_thousand_hostile_names_render_as_plain_text,
    hostile_welcome_text_renders_as_typed,
    oversized_input_gets_a_clear_refusal,
    a_group_title_with_a_nul_byte_is_served_like_any_other,
);

/// Anyone who may rename a group can put a NUL in its title, which
/// PostgreSQL refuses to store: the title is kept without it, and the group
/// is served as ever: 100 newcomers greeted and a post due meanwhile sent
/// on time.
async fn a_group_title_with_a_nul_byte_is_served_like_any_other(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-12-07T10:00:20Z").await;
    app.tg.set_title(GROUP, "Tea\u{0} Room\u{202E}");
    app.group_with_bot(GROUP).await;
    let due = app.schedule_tea_time(GROUP).await;
    let before = app.tg.sent_to(GROUP).len();
    app.add_members(GROUP, &user(1, "Alice"), &[user(2, "Bob")]);
    app.tick_until("Bob's greeting", |app| app.all_mentioned(GROUP, 2..3))
        .await;
    let greeting = app.tg.sent_to(GROUP)[before].clone();
    assert_eq!(greeting.mentions(), vec![2, 1]);
    for i in 0..100 {
        app.add_members(GROUP, &user(1, "Alice"), &[user(10_000 + i, "N")]);
    }
    app.tea_time_on_time(GROUP, due).await;
    app.tick_until("every greeting", |app| {
        app.all_mentioned(GROUP, 10_000..10_100)
    })
    .await;
    app.settle_ticking().await;
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM groups WHERE title = 'Tea Room'")
            .await,
        1
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM failed_updates").await, 0);
}

/// Pieces of names that break naive renderers: markup, entities, markdown,
/// template syntax, control and bidi characters, zero-width and combining
/// marks, and very long runs.
const FRAGMENTS: &[&str] = &[
    "<b>",
    "</b>",
    "<a href=\"tg://user?id=1\">",
    "</a>",
    "&amp;",
    "&lt;",
    "&#x202E;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "*bold*",
    "_it_",
    "`code`",
    "[x](https://e.vil)",
    "\u{202E}",
    "\u{2066}",
    "\u{2069}",
    "\u{200F}",
    "\u{200B}",
    "\u{0}",
    "\u{7}",
    "\u{1B}[31m",
    "\n",
    "\t",
    "\u{FEFF}",
    "Z\u{335}\u{336}\u{337}",
    "👨‍👩‍👧‍👦",
    "芬芬",
    "@everyone",
    "{{newcomer}}",
    "{{inviter}}",
    "${x}",
    "%s",
    "\\",
    "<script>alert(1)</script>",
    "A",
    " ",
];

/// The `i`th hostile name: one to four fragments picked by a fixed
/// sequence; every 25th is thousands of characters long.
fn hostile_name(i: u64) -> String {
    let mut x = i
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = || {
        x ^= x >> 29;
        x = x.wrapping_mul(0xbf58476d1ce4e5b9);
        (x >> 32) as usize
    };
    let n = 1 + next() % 4;
    let mut name: String = (0..n)
        .map(|_| FRAGMENTS[next() % FRAGMENTS.len()])
        .collect();
    if i.is_multiple_of(25) {
        name = name.repeat(1 + 4000 / name.len().max(1));
    }
    name
}

async fn a_thousand_hostile_names_render_as_plain_text(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let inviter = user(5000, "Bob <i>&amp;</i>");
    let members: Vec<Value> = (0..1000)
        .map(|i| user(10_000 + i as i64, &hostile_name(i)))
        .collect();
    for chunk in members.chunks(50) {
        app.add_members(GROUP, &inviter, chunk);
    }
    app.settle_within(std::time::Duration::from_secs(240)).await;

    let greetings: Vec<_> = app.tg.sent_to(GROUP).into_iter().skip(1).collect();
    let mut mentioned = HashSet::new();
    let mut text = String::new();
    for g in &greetings {
        // The server rejects what Telegram would: every greeting got through.
        let (plain, mentions) = support::botapi::parse_html(&g.html).unwrap();
        mentioned.extend(mentions);
        text.push_str(&plain);
    }
    assert!(!mentioned.contains(&1), "a name smuggled in a mention");
    for (i, member) in members.iter().enumerate() {
        let id = member["id"].as_i64().unwrap();
        assert!(mentioned.contains(&id), "newcomer {i} was not greeted");
        let shown = DisplayName::clean(member["first_name"].as_str().unwrap(), "user");
        assert!(
            text.contains(shown.as_str()),
            "name {i} not shown as typed: {:?}",
            shown.as_str()
        );
    }
    assert!(mentioned.contains(&5000));
    assert!(text.contains("Bob <i>&amp;</i>"));
    assert!(
        !text.contains('\u{202E}') && !text.contains('\u{0}'),
        "bidi overrides and controls are dropped"
    );
    println!("1000 hostile names greeted in {} messages", greetings.len());
}

async fn hostile_welcome_text_renders_as_typed(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let template = "<b>Hi</b> &amp; {{newcomer}} \u{202E} from {{inviter}} <a href=\"x\">";
    let saved = app
        .ask(GROUP, &op, &format!("/setwelcome {template}"))
        .await;
    assert!(
        saved.plain().contains("<b>Hi</b> &amp;"),
        "{}",
        saved.plain()
    );
    // Template syntax that could reach outside its variables is refused.
    for bad in [
        "{{env HOME}}",
        "{{newcomer.__class__}}",
        "{{#each users}}",
        "{{",
    ] {
        let reply = app
            .ask(GROUP, &op, &format!("/setwelcome {bad}"))
            .await
            .plain();
        assert!(reply.contains("the old one stays"), "{bad}: {reply}");
    }
    let bob = user(5001, "Bob");
    app.add_members(GROUP, &bob, &[user(5002, "</a><b>Eve")]);
    app.settle().await;
    let greeting = app.tg.sent_to(GROUP).last().unwrap().clone();
    let (plain, mentions) = support::botapi::parse_html(&greeting.html).unwrap();
    assert_eq!(mentions, vec![5002, 5001]);
    assert!(
        plain.starts_with("<b>Hi</b> &amp; ") && plain.contains("</a><b>Eve"),
        "{plain}"
    );
    assert!(
        plain.contains(" from \u{2068}Bob\u{2069} <a href=\"x\">"),
        "{plain}"
    );
    assert!(
        !plain.contains('\u{202E}'),
        "the template's override was dropped"
    );
}

async fn oversized_input_gets_a_clear_refusal(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let big = "x".repeat(100 * 1024);
    let before = app.db.count("SELECT COUNT(*) FROM schedules").await;

    let cases = [
        (format!("/setwelcome {big}"), "at most"),
        (
            format!("/schedule add \"30 20 * * *\" notice {big}"),
            "too long",
        ),
        (format!("/giveaway 1 1h {big}"), "too long"),
        (format!("/wheel new {big}:1"), "is not a prize"),
        (format!("/assistant add {big}"), "Use /assistant"),
        (format!("/top {big}"), "Use /top"),
    ];
    for (command, expected) in &cases {
        let reply = app.ask(GROUP, &op, command).await.plain();
        assert!(
            reply.contains(expected) && reply.chars().count() < 400,
            "{}…: {reply}",
            &command[..20]
        );
    }
    // A 100 KB ordinary message is read and ignored.
    app.say(GROUP, &user(5003, "Ann"), &big);
    assert!(
        app.ask(GROUP, &user(5003, "Ann"), "/myinvites")
            .await
            .plain()
            .contains("effective invites")
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM schedules").await, before);
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draws").await, 0);

    // 10,000 lines of garbage as a coupon file: one summary, no codes.
    let garbage: String = (0..10_000)
        .map(|i| format!("\u{1}<b>{i}</b> ,,, \"\"\" ;;; {}\n", "#".repeat(i % 300)))
        .collect();
    app.send_file(&op, "g1", "tea.csv", None, garbage.as_bytes());
    let reply = app.tg.wait_for(OPERATOR, 1).await[0].plain();
    assert!(reply.chars().count() < 2000, "{reply}");
    assert!(
        reply.starts_with("Nothing was imported: The file holds no codes (line 1: "),
        "{reply}"
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM coupon_codes").await, 0);
}
