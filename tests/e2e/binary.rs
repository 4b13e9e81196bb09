//! The `hearth` binary itself: start-up errors, migrations, and logs that
//! never carry the token.

use crate::{on_both_databases, support};
use std::{
    process::{Command, Stdio},
    time::Duration,
};

use support::{FakeTelegram, OPERATOR, TestDb, bot, botapi::TOKEN, member_update, user};

fn hearth(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
    // No inherited settings and no .env: only what the test gives.
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir);
    cmd
}

/// A wrong token and a network that is down are told apart at start: each
/// line sends the operator to the right fix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_and_an_unreachable_telegram_are_told_apart() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let start = |token: &str, api: &str| {
        let out = hearth(dir.path())
            .env("HEARTH_TELEGRAM_TOKEN", token)
            .env("HEARTH_TELEGRAM_API_URL", api)
            .env("HEARTH_OPERATORS", "tg:1")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("h.db").display()),
            )
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8(out.stderr).unwrap()
    };
    let wrong = start("999:not-the-token", &tg.url);
    assert!(
        wrong.contains("Telegram refused the token") && wrong.contains("HEARTH_TELEGRAM_TOKEN"),
        "{wrong}"
    );
    assert!(!wrong.contains("not-the-token"), "{wrong}");
    let down = start(TOKEN, "http://127.0.0.1:9/");
    assert!(
        down.contains("could not reach Telegram at http://127.0.0.1:9/")
            && down.contains("check the network"),
        "{down}"
    );
    assert!(!down.contains("TEST-secret"), "{down}");
}

#[test]
fn a_missing_setting_stops_start_up_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = hearth(dir.path())
        .env("HEARTH_OPERATORS", "tg:1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("HEARTH_TELEGRAM_TOKEN") && stderr.contains("@BotFather"),
        "{stderr}"
    );

    let out = hearth(dir.path())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_OPERATORS", "tg:1")
        .env("HEARTH_TIMEZONE", "Moon/Base")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("HEARTH_TIMEZONE: `Moon/Base` is not a time zone")
    );
}

#[test]
fn offline_tools_need_only_the_database() {
    let dir = tempfile::tempdir().unwrap();
    // Offline tools need no token and no operators: the database is enough.
    let out = hearth(dir.path()).arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("hearth.db").exists());

    std::fs::write(dir.path().join("codes.csv"), "A-1\nA-2\n").unwrap();
    let out = hearth(dir.path())
        .args(["coupons", "import", "gift", "codes.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("--owner (e.g. --owner tg:123456); HEARTH_OPERATORS is not set"),
        "{stderr}"
    );
    let out = hearth(dir.path())
        .args(["coupons", "import", "gift", "codes.csv", "--owner", "tg:7"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("Pool gift: 2 codes added"), "{stdout}");
}

#[test]
fn campaign_check_names_every_mistake_and_load_keeps_a_good_playbook() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/double11.toml");
    // Checking needs no settings at all.
    let out = hearth(dir.path())
        .args(["campaign", "check"])
        .arg(&example)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with(
            "double11 “双十一狂欢 Double-11”: 17 steps over 5 days (10 posts, 7 commands)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("  day 3 20:40 · /wheel open last now 21:30 (spin wheel)\n"),
        "{stdout}"
    );

    let bad = dir.path().join("spring.toml");
    std::fs::write(
        &bad,
        "name = \"spring\"\n\n[[step]]\nday = 1\nat = \"8:00pm\"\npost = \"notice\"\ntext = \"hi\"\n\n\
         [[step]]\nday = 9\nat = \"20:00\"\nrun = \"/envelope 0 3\"\n",
    )
    .unwrap();
    let out = hearth(dir.path())
        .args(["campaign", "check", "spring.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines[0], "hearth: 2 mistakes found:", "{stderr}");
    assert_eq!(
        lines[1],
        "spring.toml:5:6: step 1, `at`: \"8:00pm\" is not a local time like \"20:30\""
    );
    assert!(
        lines[2].starts_with("spring.toml:12:7: step 2, `run`: "),
        "{stderr}"
    );

    // Loading checks again and keeps it for /campaign start.
    let out = hearth(dir.path())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_OPERATORS", "tg:1")
        .args(["campaign", "load", "spring.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a bad playbook is not loaded");
    let out = hearth(dir.path())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_OPERATORS", "tg:1")
        .args(["campaign", "load"])
        .arg(&example)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("loaded; start it from a chat with the bot: /campaign start double11")
    );
}

#[test]
fn coupons_import_with_a_summary_list_and_export_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = hearth(dir.path())
            .env("HEARTH_OPERATORS", "tg:1")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let mut csv = String::from("code,value\n");
    for i in 0..2_500 {
        csv.push_str(&format!("TEA-{i:05},10\n"));
    }
    csv.push_str("TEA-00001,10\nnot a code\n");
    std::fs::write(dir.path().join("tea.csv"), &csv).unwrap();

    let (code, out, err) = run(&["coupons", "import", "Tea", "tea.csv", "--alert-below", "5"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.trim_end(),
        "Pool tea: 2500 codes added, 1 duplicate skipped, 1 invalid line. 2500 codes are free now.\n\
         line 2503: the character ' ' cannot be in a code"
    );
    let (_, again, _) = run(&["coupons", "import", "tea", "tea.csv"]);
    assert!(
        again.starts_with("Pool tea: 0 codes added, 2501 duplicates skipped"),
        "{again}"
    );
    let (_, list, _) = run(&["coupons", "list"]);
    assert!(list.starts_with("tea "), "{list}");
    assert!(
        list.contains("free    2500") && list.contains("alert under 5"),
        "{list}"
    );

    let (code, _, err) = run(&["coupons", "import", "bad name", "tea.csv"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("`bad name` is not a pool name"), "{err}");
    let (code, _, err) = run(&["coupons", "import", "tea", "missing.csv"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("reading missing.csv"), "{err}");

    let (code, codes, _) = run(&["export", "codes"]);
    assert_eq!(code, Some(0));
    let mut lines = codes.lines();
    assert_eq!(
        lines.next(),
        Some(
            "pool,code,value,holder,group,reason,prize,awarded_at,delivered_at,redeemed_at,redeemed_by"
        )
    );
    assert_eq!(lines.next(), Some("tea,TEA-00000,10,,,,,,,,"));
    assert_eq!(codes.lines().count(), 2_501);
    let (code, _, _) = run(&["export", "draws", "--output", "draws.csv"]);
    assert_eq!(code, Some(0));
    let draws = std::fs::read_to_string(dir.path().join("draws.csv")).unwrap();
    assert!(
        draws.starts_with("id,group,kind,params,commitment,seed,"),
        "{draws}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_reaches_a_log_line() {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = hearth(dir.path())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_TELEGRAM_API_URL", &tg.url)
        .env("HEARTH_OPERATORS", format!("tg:{OPERATOR}"))
        .env("RUST_LOG", "trace")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Trace logs fill a pipe's buffer within a second; read them as they
    // come, or the bot blocks on its next log line.
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut logs = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut logs).unwrap();
        logs
    });
    // Some work, including a failing call (the bot lacks the right to make links).
    support::bot_added(&tg, -1, OPERATOR);
    tg.wait_for(-1, 1).await;
    tg.push(
        "message",
        support::message(
            -1,
            &user(2, "Bob"),
            serde_json::json!({ "text": "/invite" }),
        ),
    );
    tg.wait_for(-1, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let logs = reader.join().unwrap();
    assert!(
        logs.contains("connected to Telegram"),
        "the bot logged its work:\n{logs}"
    );
    assert!(logs.contains("cannot create invite links"));
    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(!logs.contains(secret), "the token leaked into the logs");
}

/// A running bot process, killed when dropped (a failing test leaves no
/// process behind).
struct Running(std::process::Child);

impl Running {
    /// SIGKILL: no shutdown, no flushing, as when the machine dies.
    fn kill(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the bot against `tg` and `db`, as an operator would.
fn start_bot(tg: &FakeTelegram, db: &TestDb, dir: &std::path::Path) -> Running {
    let child = hearth(dir)
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_TIMEZONE", "UTC")
        .env("HEARTH_TELEGRAM_API_URL", &tg.url)
        .env("HEARTH_OPERATORS", format!("tg:{OPERATOR}"))
        .env("DATABASE_URL", &db.url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Running(child)
}

fn posts_in(sent: &[support::Sent]) -> Vec<i64> {
    sent.iter()
        .filter(|m| m.plain().starts_with("📢 Post"))
        .map(|m| m.chat_id)
        .collect()
}

on_both_databases!(a_killed_process_delivers_every_queued_post_exactly_once_after_restart);

/// The process is killed (SIGKILL, no shutdown) while 50 due posts are
/// partly delivered, partly queued and partly in flight; after a restart
/// every post arrives exactly once.
///
/// The requests in flight at the kill are held by the server unprocessed,
/// as when the network loses them. A request Telegram accepted in the
/// instant before the kill, before the bot could record it, would be sent
/// again: Telegram has no idempotency key, so that one case is at least once.
async fn a_killed_process_delivers_every_queued_post_exactly_once_after_restart(db: TestDb) {
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = start_bot(&tg, &db, dir.path());
    let groups: Vec<i64> = (1..=50).map(|n| -3000 - n).collect();
    for group in &groups {
        tg.set_bot_can_invite(*group, true);
        tg.make_admin(*group, OPERATOR);
        let op = user(OPERATOR, "Op");
        tg.push(
            "my_chat_member",
            member_update(*group, op, &bot(), "left", "administrator", None),
        );
    }
    for group in &groups {
        tg.wait_for(*group, 1).await;
    }
    let op = user(OPERATOR, "Op");
    let ids: Vec<String> = groups.iter().map(i64::to_string).collect();
    let say = |text: String| {
        tg.push(
            "message",
            support::message(OPERATOR, &op, serde_json::json!({ "text": text })),
        )
    };
    say(format!("/groupset save all {}", ids.join(" ")));
    tg.wait_for(OPERATOR, 1).await;
    // Every group's post runs a few seconds from now (groups keep UTC).
    let at = chrono::Utc::now() + chrono::Duration::seconds(4);
    say(format!(
        "/schedule add \"{}\" notice --groups all Post",
        at.format("%S %M %H * * *")
    ));
    let reply = tg.wait_for(OPERATOR, 2).await;
    assert!(reply[1].plain().starts_with('✅'), "{}", reply[1].plain());

    // Some posts out, then the network swallows requests, then the kill.
    tg.wait_for_sent("10 posts", |sent| posts_in(sent).len() >= 10)
        .await;
    tg.hold_sends();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while tg.held() == 0 {
        assert!(std::time::Instant::now() < deadline, "no request in flight");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Wait until the bot has recorded every message Telegram accepted, so
    // the kill lands with requests in flight and none accepted unrecorded.
    loop {
        let recorded = db
            .count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'")
            .await;
        if recorded == tg.sent_all().len() as i64 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "sends never recorded");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill();
    tg.release();
    let delivered = posts_in(&tg.sent_all()).len();
    assert!(
        delivered < 50,
        "the kill came before the end ({delivered} posts out)"
    );
    assert!(
        db.count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
            .await
            > 0,
        "posts were still queued at the kill"
    );

    let mut child = start_bot(&tg, &db, dir.path());
    tg.wait_for_sent("50 posts", |sent| posts_in(sent).len() >= 50)
        .await;
    db.wait_until_idle().await;
    child.kill();
    let mut posts = posts_in(&tg.sent_all());
    posts.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(posts, groups, "every group got its post exactly once");
}

/// `hearth doctor` against the loopback Bot API server: the example
/// operator id, a group without a right the bot needs and zones left on
/// UTC are each named with the line that fixes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_names_each_problem_with_its_fix() {
    const GROUP: i64 = -5005;
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("hearth.db").display());
    tg.make_admin(GROUP, support::botapi::BOT_ID);
    tg.set_bot_can_invite(GROUP, true);
    tg.withhold_bot_right(GROUP, "can_restrict_members");
    tg.make_admin(GROUP, OPERATOR);
    let mut running = Running(
        hearth(dir.path())
            .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
            .env("HEARTH_TELEGRAM_API_URL", &tg.url)
            .env("HEARTH_OPERATORS", format!("tg:{OPERATOR}"))
            .env("DATABASE_URL", &db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let op = user(OPERATOR, "Op");
    tg.push(
        "my_chat_member",
        member_update(GROUP, op, &bot(), "left", "administrator", None),
    );
    tg.wait_for(GROUP, 1).await;
    running.kill();

    let out = hearth(dir.path())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_TELEGRAM_API_URL", &tg.url)
        .env("HEARTH_OPERATORS", format!("tg:123456,tg:{OPERATOR}"))
        .env("DATABASE_URL", &db)
        .arg("doctor")
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{report}\n{stderr}");
    assert!(stderr.contains("2 problems found"), "{stderr}");
    for expected in [
        "✗ HEARTH_OPERATORS still names the example account tg:123456",
        "fix: put your own Telegram id in HEARTH_OPERATORS (message @userinfobot",
        "! HEARTH_TIMEZONE is not set: new groups start on UTC",
        "fix: set HEARTH_TIMEZONE=Asia/Shanghai",
        "✓ database sqlite://",
        "✓ Telegram: the token is @hearth_test_bot's",
        "! @hearth_test_bot's privacy mode is on",
        "✗ Group 5005 (tg:-5005): the bot lacks Ban users (needed for /remove and automatic screening)",
        "fix: in the group: Manage group → Administrators → @hearth_test_bot → turn on Ban users",
        "! Group 5005 (tg:-5005): posts run on UTC",
        "fix: send /timezone Asia/Shanghai",
    ] {
        assert!(report.contains(expected), "{expected:?} in\n{report}");
    }
    // The guide shows this very report.
    let (page, first) = crate::docs_answers::DOCTOR;
    let shown = crate::docs::example(page, first);
    crate::docs::assert_shown(page, &shown, 0, &format!("{report}{stderr}"));
    // Nothing was sent or registered: the doctor only reads.
    assert_eq!(tg.calls("setMyCommands").len(), 4, "only the bot's own run");
}
