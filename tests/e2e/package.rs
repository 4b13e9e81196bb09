//! The Debian package as an operator installs it. `scripts/test` builds it
//! (`scripts/package`), installs it with `dpkg -i` and checks its systemd
//! unit before the tests run; here the installed binary starts from the
//! installed settings file, filled in, and serves a group against the
//! loopback Bot API server.

use std::process::{Command, Stdio};

use support::{FakeTelegram, OPERATOR, botapi::TOKEN, message, user};

use crate::support;

/// Where `scripts/test` installed the package's binary.
fn installed_binary() -> String {
    std::env::var("HEARTH_TEST_INSTALLED_BINARY").unwrap_or_else(|_| {
        panic!(
            "HEARTH_TEST_INSTALLED_BINARY is not set: run scripts/test, which builds and \
             installs the Debian package first"
        )
    })
}

/// The installed `/etc/hearth/hearth.env` with a line filled in.
fn fill(template: &str, key: &str, value: &str) -> String {
    let line = format!("{key}=");
    assert!(
        template.lines().any(|l| l.starts_with(&line)),
        "the packaged settings file has no {key}= line:\n{template}"
    );
    template
        .lines()
        .map(|l| match l.starts_with(&line) {
            true => format!("{key}={value}"),
            false => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_package_serves_a_group_from_its_settings_file() {
    let binary = installed_binary();
    let version = Command::new(&binary).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("hearth {}", env!("CARGO_PKG_VERSION")),
        "the installed binary is this version"
    );
    let template = std::fs::read_to_string("/etc/hearth/hearth.env")
        .expect("the package installs /etc/hearth/hearth.env");
    let tg = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hearth.db");
    let mut settings = fill(&template, "HEARTH_TELEGRAM_TOKEN", TOKEN);
    settings = fill(&settings, "HEARTH_OPERATORS", &format!("tg:{OPERATOR}"));
    settings = fill(
        &settings,
        "DATABASE_URL",
        &format!("sqlite://{}", db.display()),
    );
    settings.push_str(&format!("\nHEARTH_TELEGRAM_API_URL={}\n", tg.url));
    let file = dir.path().join("hearth.env");
    std::fs::write(&file, settings).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = Command::new(&binary);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .current_dir(dir.path())
            .arg("--env-file")
            .arg(&file)
            .args(args);
        cmd
    };

    // The unit's ExecStartPre.
    let checked = run(&["check-config"]).output().unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    // A settings file that is not there stops a tool before it starts.
    let missing = Command::new(&binary)
        .args(["--env-file", "/nonexistent/hearth.env", "migrate"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .starts_with("hearth: cannot read /nonexistent/hearth.env"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );

    // The unit's ExecStart: added to a group, it says hello and answers.
    let mut child = run(&["run"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    support::bot_added(&tg, -1, OPERATOR);
    let hello = tg.wait_for(-1, 1).await[0].plain();
    assert!(hello.starts_with("Hearth is here"), "{hello}");
    tg.push(
        "message",
        message(-1, &user(2, "Bob"), serde_json::json!({ "text": "/top" })),
    );
    let top = tg.wait_for(-1, 2).await[1].plain();
    assert!(top.contains("Nobody has an effective invite yet"), "{top}");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(db.exists(), "the database is where the settings file says");
}
