use std::collections::HashMap;

use secrecy::ExposeSecret;

use super::*;

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_lookup(|k| map.get(k).cloned())
}

const TOKEN: (&str, &str) = ("HEARTH_TELEGRAM_TOKEN", "123456:ABC-DEF1234ghIkl");
const OPS: (&str, &str) = ("HEARTH_OPERATORS", "tg:42");

#[test]
fn printed_database_urls_never_show_the_password() {
    assert_eq!(
        redacted_url("postgres://hearth:s3cret@db.example.org:5432/hearth"),
        "postgres://hearth:***@db.example.org:5432/hearth"
    );
    assert_eq!(redacted_url("sqlite://hearth.db"), "sqlite://hearth.db");
    assert_eq!(
        redacted_url("postgres://hearth@localhost/hearth"),
        "postgres://hearth@localhost/hearth"
    );
}

#[test]
fn defaults_fill_everything_but_token_and_operators() {
    let s = settings(&[TOKEN, OPS]).unwrap();
    assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
    assert_eq!(
        s.telegram.unwrap().api_url.as_str(),
        "https://api.telegram.org/"
    );
    assert_eq!(s.operators, vec![UserId::telegram(42)]);
}

#[test]
fn each_bad_setting_is_named() {
    assert_eq!(settings(&[OPS]).unwrap_err().name, "HEARTH_TELEGRAM_TOKEN");
    assert_eq!(settings(&[TOKEN]).unwrap_err().name, "HEARTH_OPERATORS");
    assert_eq!(
        settings(&[TOKEN, ("HEARTH_OPERATORS", "42")])
            .unwrap_err()
            .name,
        "HEARTH_OPERATORS"
    );
    assert_eq!(
        settings(&[TOKEN, OPS, ("HEARTH_TIMEZONE", "Mars/Olympus")])
            .unwrap_err()
            .name,
        "HEARTH_TIMEZONE"
    );
    assert_eq!(
        settings(&[TOKEN, OPS, ("HEARTH_LANG", "fr")])
            .unwrap_err()
            .name,
        "HEARTH_LANG"
    );
    assert_eq!(
        settings(&[TOKEN, OPS, ("DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .name,
        "DATABASE_URL"
    );
    assert_eq!(
        settings(&[TOKEN, OPS, ("HEARTH_TELEGRAM_API_URL", "ftp://x")])
            .unwrap_err()
            .name,
        "HEARTH_TELEGRAM_API_URL"
    );
    for timeout in ["0", "soon", "-1"] {
        let err = settings(&[TOKEN, OPS, ("HEARTH_TELEGRAM_TIMEOUT_SECS", timeout)]).unwrap_err();
        assert_eq!(err.name, "HEARTH_TELEGRAM_TIMEOUT_SECS", "{timeout}");
    }
    let s = settings(&[TOKEN, OPS, ("HEARTH_TELEGRAM_TIMEOUT_SECS", "2.5")]).unwrap();
    assert_eq!(
        s.telegram.unwrap().request_timeout,
        std::time::Duration::from_millis(2_500)
    );
}

#[test]
fn matrix_alone_is_enough_and_its_settings_are_checked() {
    let mx = [
        ("HEARTH_MATRIX_HOMESERVER", "http://127.0.0.1:8008"),
        ("HEARTH_MATRIX_USER", "@hearth:example.org"),
    ];
    let s = settings(&[
        mx[0],
        mx[1],
        ("HEARTH_MATRIX_PASSWORD", "pw"),
        ("HEARTH_OPERATORS", "mx:@op:example.org"),
    ])
    .unwrap();
    assert!(s.telegram.is_none() && s.matrix.is_some());
    assert_eq!(
        s.matrix.unwrap().store_dir,
        std::path::PathBuf::from("matrix-store")
    );
    let no_store = [
        mx[0],
        mx[1],
        ("HEARTH_MATRIX_PASSWORD", "pw"),
        ("HEARTH_MATRIX_STORE", " "),
        OPS,
    ];
    assert_eq!(settings(&no_store).unwrap_err().name, "HEARTH_MATRIX_STORE");
    assert_eq!(
        settings(&[mx[0], mx[1], OPS]).unwrap_err().name,
        "HEARTH_MATRIX_ACCESS_TOKEN"
    );
    let bad_user = [
        mx[0],
        ("HEARTH_MATRIX_USER", "hearth"),
        ("HEARTH_MATRIX_PASSWORD", "pw"),
        OPS,
    ];
    assert_eq!(settings(&bad_user).unwrap_err().name, "HEARTH_MATRIX_USER");
}

#[test]
fn a_bad_token_is_refused_without_echoing_it() {
    let err = settings(&[("HEARTH_TELEGRAM_TOKEN", "sekrit-value"), OPS]).unwrap_err();
    assert!(!err.to_string().contains("sekrit"));
}

#[test]
fn token_does_not_show_in_debug_output() {
    let s = settings(&[TOKEN, OPS]).unwrap();
    assert!(!format!("{s:?}").contains("ABC-DEF1234ghIkl"));
    assert_eq!(s.telegram.unwrap().token.expose_secret(), TOKEN.1);
}

/// `hearth doctor` recognises the example operator id only if it is the
/// one `.env.example` shows.
#[test]
fn the_example_operator_is_the_one_the_example_file_shows() {
    let example = include_str!("../../.env.example");
    assert!(
        example
            .lines()
            .any(|line| line == format!("HEARTH_OPERATORS={EXAMPLE_OPERATOR}")),
        "{example}"
    );
}

#[test]
fn offline_tools_read_only_the_database_and_the_operators() {
    let map: HashMap<String, String> = HashMap::new();
    let s = StoreSettings::from_lookup(|k| map.get(k).cloned()).unwrap();
    assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
    assert!(s.operators.is_empty());
    let s = StoreSettings::from_lookup(|k| match k {
        "DATABASE_URL" => Some("mysql://x".to_owned()),
        _ => None,
    })
    .unwrap_err();
    assert_eq!(s.name, "DATABASE_URL");
    let s = StoreSettings::from_lookup(|k| (k == "HEARTH_OPERATORS").then(|| "nobody".to_owned()))
        .unwrap_err();
    assert_eq!(s.name, "HEARTH_OPERATORS");
}
