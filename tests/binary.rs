//! The `hearth` binary itself: start-up errors, migrations, and logs that
//! never carry the token.
#![allow(clippy::unwrap_used)]

mod support;

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use support::{FakeTelegram, OPERATOR, bot, botapi::TOKEN, member_update, user};

fn hearth(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hearth"));
    // No inherited settings and no .env: only what the test gives.
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir);
    cmd
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
fn migrate_creates_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = hearth(dir.path())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_OPERATORS", "tg:1")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("hearth.db").exists());
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
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Some work, including a failing call (the bot lacks the right to make links).
    tg.push(
        "my_chat_member",
        member_update(
            -1,
            user(OPERATOR, "Op"),
            &bot(),
            "left",
            "administrator",
            None,
        ),
    );
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
    let out = child.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(
        logs.contains("connected to Telegram"),
        "the bot logged its work:\n{logs}"
    );
    assert!(logs.contains("cannot create invite links"));
    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(!logs.contains(secret), "the token leaked into the logs");
}
