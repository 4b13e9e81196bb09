//! What the operator guide shows the bot saying is what the bot says.
//!
//! Each example of the guide that shows an answer is acted out here
//! against the real bot and a loopback Bot API server, step by step, and
//! the bot's words are compared with the page's (`docs::agrees`: a `…`
//! stands for what varies, such as a seed's hash). A page that drifts from
//! the bot fails here with both texts side by side.

use crate::docs::{Step, assert_shown, example};
use std::{path::Path, process::Command, time::Duration};

use serde_json::Value;

use crate::support::{OPERATOR, Sent, TestApp, TestDb, operator, user};

/// Every example of the guide with an answer, by page and first line; the
/// scenes below (and, for a few, scenes of other modules) act each one
/// out, and `docs` checks that none is missing.
pub const ACTED: &[(&str, &str)] = &[
    WHEEL, ENVELOPE, VERIFY, NTH, GIVEAWAY, REVIEW, LOG, CHECK, MILESTONE, TAGS, CHANNELS, FUNNEL,
    DOCTOR, IMPORT, AUDITED, BROADCAST, AUTOMATIC, STATUS,
];

const DRAWS: &str = "docs/guide/en/draws.md";
const WHEEL: (&str, &str) = (DRAWS, "/wheel open 1");
const ENVELOPE: (&str, &str) = (DRAWS, "/envelope 88.88 10 奶茶券一张");
const VERIFY: (&str, &str) = (DRAWS, "$ hearth verify 2");
const NTH: (&str, &str) = (DRAWS, "/nth 8 30m 奶茶一杯");
const GIVEAWAY: (&str, &str) = (DRAWS, "/giveaway 3 21:00 羊毛衫 --hours 24");

const CAMPAIGNS: &str = "docs/guide/en/campaigns.md";
const CHECK: (&str, &str) = (CAMPAIGNS, "$ hearth campaign check spring.toml");
const MILESTONE: (&str, &str) = (CAMPAIGNS, "/milestone add 30 gift");
const TAGS: (&str, &str) = (CAMPAIGNS, "/tag Lily Chen vip");
/// Acted out by `telegram_channels`, whose scenes are these examples.
pub const CHANNELS: (&str, &str) = (CAMPAIGNS, "/channel add poster");
pub const FUNNEL: (&str, &str) = (CAMPAIGNS, "/funnel");
/// Acted out by `telegram_tags`'s broadcast scene.
pub const BROADCAST: (&str, &str) = (CAMPAIGNS, "/broadcast tag:vip New menu tonight!");
/// Acted out by `telegram_review`'s automatic-mode scene.
pub const AUTOMATIC: (&str, &str) = (
    "docs/guide/en/guard.md",
    "🛡 In “Group 1004”, automatic mode removed 1 newcomer in the last day (score 90 or more):",
);
/// Acted out by `telegram_campaign`'s Double-11 scene.
pub const STATUS: (&str, &str) = (CAMPAIGNS, "/campaign status double11");
/// Acted out by `binary`'s doctor scene.
pub const DOCTOR: (&str, &str) = ("docs/guide/en/setup.md", "$ hearth doctor");
const IMPORT: (&str, &str) = (
    "docs/guide/en/coupons.md",
    "$ hearth coupons import tea codes.csv --per-member 1 --alert-below 50",
);
const AUDITED: (&str, &str) = (
    "docs/guide/en/guard.md",
    "/giveaway 3 21:00 羊毛衫 --invites 2 --audited",
);
const REVIEW: (&str, &str) = ("docs/guide/en/guard.md", "/review");
const LOG: (&str, &str) = ("docs/guide/en/failures.md", "/log 3");

const GROUP: i64 = -1001234567890;

/// A message as a member sees it: its text, then its buttons.
fn seen(message: &Sent) -> String {
    let mut text = message.plain();
    for (label, _) in &message.buttons {
        text.push_str(&format!("\n[ {label} ]"));
    }
    text
}

/// `who` types each command of the example in the group in turn; each
/// answer must be the one the page shows.
async fn typed(app: &TestApp, who: &Value, (page, first): (&str, &str)) -> Vec<Step> {
    let steps = example(page, first);
    for (n, step) in steps.iter().enumerate() {
        let reply = app.ask(GROUP, who, &step.said).await;
        if !step.answer.is_empty() {
            assert_shown(page, &steps, n, &seen(&reply));
        }
    }
    steps
}

/// Runs each `$ hearth …` line of the example in `dir` with `env` alone;
/// what it prints (its output, then its errors) must be what the page shows.
fn run(dir: &Path, env: &[(&str, &str)], (page, first): (&str, &str)) {
    let steps = example(page, first);
    for (n, step) in steps.iter().enumerate() {
        let args: Vec<&str> = step.said.split_whitespace().skip(2).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_hearth"))
            .env_clear()
            .envs(env.iter().copied())
            .current_dir(dir)
            .args(&args)
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_shown(page, &steps, n, &printed);
    }
}

/// Lin, an admin of the group, types the example.
async fn typed_by_lin(app: &TestApp, example: (&str, &str)) -> Vec<Step> {
    typed(app, &user(7001, "Lin"), example).await
}

/// The draws page, in the order it tells them: on Double 11 at 20:00 in a
/// group on UTC.
#[tokio::test]
async fn the_draws_page_shows_what_the_bot_says() {
    let app = TestApp::spawn_at(TestDb::sqlite(), "2026-11-11T20:00:00+00:00").await;
    app.group_with_bot(GROUP).await;
    app.tg.make_admin(GROUP, 7001);
    let lin = user(7001, "Lin");
    app.ask(GROUP, &lin, "/wheel new 一等奖*1:1 二等奖*3:10 谢谢参与:89")
        .await;
    typed_by_lin(&app, WHEEL).await;
    let envelope = typed_by_lin(&app, ENVELOPE).await;
    // Ten members grab it; then anyone can check the split.
    let post = app.tg.sent_to(GROUP).last().unwrap().clone();
    assert!(post.plain().contains("88.88"), "{envelope:?}");
    let grabbers = [
        "Ann", "Bob", "Carl", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo",
    ];
    for (id, name) in (7100..).zip(grabbers) {
        let member = user(id, name);
        app.press_for_answer(GROUP, post.message_id, &member, &post.buttons[0].1)
            .await;
    }
    app.settle().await;
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &[("DATABASE_URL", &app.db.url)], VERIFY);
    typed_by_lin(&app, NTH).await;
    typed_by_lin(&app, GIVEAWAY).await;
}

/// The review on the guard page, then the audit log it leaves on the
/// failures page: an evening in a group on Beijing time.
#[tokio::test]
async fn the_review_and_the_log_show_what_the_bot_says() {
    let app = TestApp::spawn_at(TestDb::sqlite(), "2026-11-09T12:00:00+00:00").await;
    app.group_with_bot(GROUP).await;
    let ann = user(7002, "Ann");
    app.tg.make_admin(GROUP, 7002);
    app.ask(GROUP, &ann, "/wheel new 羊毛衫*3:1 谢谢参与:99")
        .await;
    // Bob brings Carl and an ad account; a "sister" joins on her own.
    let bob = user(7003, "Bob");
    let link = app.invite_link(GROUP, &bob).await;
    app.join_via_link(GROUP, &user(7004, "Carl"), &link);
    app.join_via_link(GROUP, &user(7005, "A雅琴代理"), &link);
    app.join_public(GROUP, &user(7006, "芳姐"));
    app.settle_ticking().await;
    app.tick(Duration::from_secs(30 * 60)).await;
    app.ask(GROUP, &operator(), "/timezone Asia/Shanghai").await;
    app.tick(Duration::from_secs(60)).await;
    typed(&app, &ann, REVIEW).await;
    typed(&app, &ann, LOG).await;
}

/// The campaigns page: a playbook checked, a milestone set, tags given.
#[tokio::test]
async fn the_campaigns_page_shows_what_the_bot_says() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("spring.toml"),
        "name = \"spring\"\n\n[[step]]\nday = 1\nat = \"8:00pm\"\npost = \"notice\"\ntext = \"hi\"\n\n\
         [[step]]\nday = 9\nat = \"20:00\"\nrun = \"/envelope 0 3\"\n",
    )
    .unwrap();
    run(dir.path(), &[], CHECK);

    let app = TestApp::spawn(TestDb::sqlite()).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(OPERATOR, &op, "/start").await;
    app.send_file(
        &op,
        "f1",
        "gift.csv",
        Some("gift"),
        b"code\nGIFT-0001\nGIFT-0002\n",
    );
    app.settle().await;
    typed(&app, &op, MILESTONE).await;
    // Bob joins and brings Lily Chen.
    let bob = user(7011, "Bob");
    app.join_public(GROUP, &bob);
    let link = app.invite_link(GROUP, &bob).await;
    app.join_via_link(GROUP, &user(7010, "Lily Chen"), &link);
    app.settle().await;
    typed(&app, &op, TAGS).await;
}

/// The coupons page: a shop's file of five thousand codes, with the usual
/// slips (codes twice, a space in a code, a word for an amount).
#[test]
fn the_coupons_page_shows_what_the_import_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("code,value\n");
    for n in 2..=5003 {
        match n {
            17 => csv.push_str("TEA 0017,10\n"),
            903 => csv.push_str("TEA-0903,ten\n"),
            // The last twenty lines repeat codes from the start.
            4984.. => csv.push_str(&format!("TEA-{:04},10\n", n - 4000)),
            n => csv.push_str(&format!("TEA-{n:04},10\n")),
        }
    }
    std::fs::write(dir.path().join("codes.csv"), csv).unwrap();
    let db = format!("sqlite://{}", dir.path().join("hearth.db").display());
    run(
        dir.path(),
        &[("DATABASE_URL", &db), ("HEARTH_OPERATORS", "tg:1")],
        IMPORT,
    );
}

/// The guard page's audit before rewards: Bob brought three, one of them
/// an ad account still waiting for review.
#[tokio::test]
async fn the_audited_giveaway_shows_what_the_bot_says() {
    let app = TestApp::spawn(TestDb::sqlite()).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let bob = user(7003, "Bob");
    app.join_public(GROUP, &bob);
    let link = app.invite_link(GROUP, &bob).await;
    for (id, name) in [(7004, "Carl"), (7005, "A雅琴代理"), (7006, "Dora")] {
        app.join_via_link(GROUP, &user(id, name), &link);
    }
    app.settle().await;
    let (page, first) = AUDITED;
    let steps = example(page, first);
    let post = app.ask(GROUP, &op, &steps[0].said).await;
    let join = &post.buttons[0].1;
    assert_eq!(steps[1].said, "(Bob presses Join)");
    let refused = app
        .press_for_answer(GROUP, post.message_id, &bob, join)
        .await;
    assert_shown(page, &steps, 1, &refused);
    assert_eq!(steps[2].said, "/review → /remove 1");
    app.ask(GROUP, &op, "/review").await;
    app.ask(GROUP, &op, "/remove 1").await;
    let entered = app
        .press_for_answer(GROUP, post.message_id, &bob, join)
        .await;
    assert_shown(page, &steps, 3, &entered);
}
