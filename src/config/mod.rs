//! Typed settings from the environment (and `.env`, loaded by `main`).
//!
//! A missing or malformed setting stops start-up with one line that names the
//! variable and says what to put there. Secret values are never echoed.

use std::{env, path::PathBuf, time::Duration};

use secrecy::SecretString;
use url::Url;

use crate::domain::{Lang, UserId, pace::Pace};

/// Where Telegram's Bot API lives unless `HEARTH_TELEGRAM_API_URL` says otherwise.
pub const TELEGRAM_API_URL: &str = "https://api.telegram.org";
/// The operator id `.env.example` shows; left in place, it names nobody's
/// account (`hearth doctor` says so).
pub const EXAMPLE_OPERATOR: &str = "tg:123456";
/// The embedded default database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://hearth.db";

/// Everything the application needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub telegram: Option<TelegramSettings>,
    pub matrix: Option<MatrixSettings>,
    pub database_url: String,
    pub operators: Vec<UserId>,
    pub timezone: chrono_tz::Tz,
    /// Whether HEARTH_TIMEZONE named the zone (else new groups are asked).
    pub timezone_set: bool,
    pub lang: Lang,
    pub greet_interval: Duration,
    pub greet_settle: Duration,
    /// Least time between two answers to one member's same command in a
    /// group; zero answers every time.
    pub answer_again: Duration,
    /// How late a missed scheduled post may still go out after downtime.
    pub schedule_grace: Duration,
    /// Sending limits; Telegram's unless a test shortens them.
    pub pace: Pace,
    /// How long processed update keys and delivered messages are kept.
    pub retention: Retention,
    /// The font certificates are drawn with; without it, the usual places
    /// of a CJK font are tried.
    pub certificate_font: Option<std::path::PathBuf>,
}

/// What the operator's offline tools need: the database, and the operators
/// when they are set (a pool's owner is checked against them). No platform
/// setting is read, so `hearth coupons import` runs where no token is kept.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub database_url: String,
    /// Empty when `HEARTH_OPERATORS` is not set.
    pub operators: Vec<UserId>,
}

impl StoreSettings {
    /// Reads the offline tools' settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads them through `get`, so tests need not touch the environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            database_url: parse_database_url(get("DATABASE_URL"))?,
            operators: match get("HEARTH_OPERATORS") {
                Some(raw) => parse_operators(Some(&raw))?,
                None => Vec::new(),
            },
        })
    }
}

impl From<&Settings> for StoreSettings {
    fn from(settings: &Settings) -> Self {
        Self {
            database_url: settings.database_url.clone(),
            operators: settings.operators.clone(),
        }
    }
}

/// Telegram connection settings.
#[derive(Debug, Clone)]
pub struct TelegramSettings {
    pub token: SecretString,
    pub api_url: Url,
    /// How long a request other than the long poll may take before it
    /// counts as failed and is retried.
    pub request_timeout: Duration,
}

/// Matrix connection settings.
#[derive(Debug, Clone)]
pub struct MatrixSettings {
    pub homeserver: Url,
    /// The bot's full user id, `@hearth:example.org`.
    pub user: String,
    pub auth: MatrixAuth,
    /// Where the Matrix client keeps its own store: the device's keys for
    /// encrypted rooms, and the rooms' state. One directory per device.
    pub store_dir: PathBuf,
}

/// How the bot logs in to its homeserver.
#[derive(Debug, Clone)]
pub enum MatrixAuth {
    AccessToken(SecretString),
    Password(SecretString),
}

/// A setting that is missing or wrong.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

fn invalid(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        problem: problem.into(),
    }
}

impl Settings {
    /// Reads settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get`, so tests need not touch the environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let telegram = parse_telegram(&get)?;
        let matrix = parse_matrix(&get)?;
        if telegram.is_none() && matrix.is_none() {
            return Err(invalid(
                "HEARTH_TELEGRAM_TOKEN",
                "not set; put the token @BotFather gave you (like 123456:ABC-DEF…) in .env, \
                 or set HEARTH_MATRIX_HOMESERVER for Matrix",
            ));
        }
        let operators = parse_operators(get("HEARTH_OPERATORS").as_deref())?;
        let zone = get("HEARTH_TIMEZONE");
        let timezone = parse_timezone(zone.as_deref())?;
        let lang = parse_lang(get("HEARTH_LANG").as_deref())?;
        Ok(Self {
            telegram,
            matrix,
            database_url: parse_database_url(get("DATABASE_URL"))?,
            operators,
            timezone,
            timezone_set: zone.is_some(),
            lang,
            greet_interval: parse_seconds(
                "HEARTH_GREET_INTERVAL_SECS",
                get("HEARTH_GREET_INTERVAL_SECS"),
                6.0,
            )?,
            greet_settle: parse_seconds(
                "HEARTH_GREET_SETTLE_SECS",
                get("HEARTH_GREET_SETTLE_SECS"),
                2.0,
            )?,
            answer_again: parse_seconds(
                "HEARTH_ANSWER_AGAIN_SECS",
                get("HEARTH_ANSWER_AGAIN_SECS"),
                60.0,
            )?,
            schedule_grace: parse_seconds(
                "HEARTH_SCHEDULE_GRACE_SECS",
                get("HEARTH_SCHEDULE_GRACE_SECS"),
                600.0,
            )?,
            pace: Pace::TELEGRAM,
            retention: Retention {
                update_keys: parse_days(
                    "HEARTH_KEEP_UPDATE_KEYS_DAYS",
                    get("HEARTH_KEEP_UPDATE_KEYS_DAYS"),
                    Retention::default().update_keys,
                )?,
                sent: parse_days(
                    "HEARTH_KEEP_SENT_DAYS",
                    get("HEARTH_KEEP_SENT_DAYS"),
                    Retention::default().sent,
                )?,
            },
            certificate_font: get("HEARTH_CERTIFICATE_FONT")
                .filter(|p| !p.trim().is_empty())
                .map(std::path::PathBuf::from),
        })
    }
}

fn parse_database_url(raw: Option<String>) -> Result<String, ConfigError> {
    let url = raw.map_or_else(|| DEFAULT_DATABASE_URL.to_owned(), |u| u.trim().to_owned());
    match crate::store::Backend::of(&url) {
        Some(_) => Ok(url),
        None => Err(invalid(
            "DATABASE_URL",
            "must start with sqlite: (e.g. sqlite://hearth.db) or postgres://",
        )),
    }
}

fn parse_telegram(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<TelegramSettings>, ConfigError> {
    Ok(match get("HEARTH_TELEGRAM_TOKEN") {
        None => None,
        Some(token) => Some(TelegramSettings {
            token: SecretString::from(parse_token(&token)?),
            api_url: parse_api_url(get("HEARTH_TELEGRAM_API_URL").as_deref())?,
            request_timeout: parse_seconds(
                "HEARTH_TELEGRAM_TIMEOUT_SECS",
                get("HEARTH_TELEGRAM_TIMEOUT_SECS"),
                20.0,
            )
            .and_then(|t| {
                if t.is_zero() {
                    Err(invalid(
                        "HEARTH_TELEGRAM_TIMEOUT_SECS",
                        "must be more than 0".to_owned(),
                    ))
                } else {
                    Ok(t)
                }
            })?,
        }),
    })
}

fn parse_timezone(raw: Option<&str>) -> Result<chrono_tz::Tz, ConfigError> {
    match raw {
        None => Ok(chrono_tz::UTC),
        Some(tz) => tz.trim().parse().map_err(|_| {
            invalid(
                "HEARTH_TIMEZONE",
                format!(
                    "`{}` is not a time zone; use an IANA name such as Asia/Shanghai",
                    tz.trim()
                ),
            )
        }),
    }
}

fn parse_lang(raw: Option<&str>) -> Result<Lang, ConfigError> {
    match raw {
        None => Ok(Lang::En),
        Some(l) => l
            .parse()
            .map_err(|e| invalid("HEARTH_LANG", format!("{e}"))),
    }
}

fn parse_matrix(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<MatrixSettings>, ConfigError> {
    let Some(homeserver) = get("HEARTH_MATRIX_HOMESERVER") else {
        return Ok(None);
    };
    let homeserver = Url::parse(homeserver.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            invalid(
                "HEARTH_MATRIX_HOMESERVER",
                "is not an http(s) URL; use e.g. https://matrix.example.org",
            )
        })?;
    let user = get("HEARTH_MATRIX_USER")
        .map(|u| u.trim().to_owned())
        .filter(|u| UserId::parse(&format!("mx:{u}")).is_ok())
        .ok_or_else(|| {
            invalid(
                "HEARTH_MATRIX_USER",
                "must be the bot's full Matrix id, e.g. @hearth:example.org",
            )
        })?;
    let auth = match (
        get("HEARTH_MATRIX_ACCESS_TOKEN"),
        get("HEARTH_MATRIX_PASSWORD"),
    ) {
        (Some(token), _) => MatrixAuth::AccessToken(SecretString::from(token.trim().to_owned())),
        (None, Some(password)) => MatrixAuth::Password(SecretString::from(password)),
        (None, None) => {
            return Err(invalid(
                "HEARTH_MATRIX_ACCESS_TOKEN",
                "not set; give the bot's access token, or its password in HEARTH_MATRIX_PASSWORD",
            ));
        }
    };
    let store_dir = get("HEARTH_MATRIX_STORE")
        .map(|dir| dir.trim().to_owned())
        .unwrap_or_else(|| "matrix-store".to_owned());
    if store_dir.is_empty() {
        return Err(invalid(
            "HEARTH_MATRIX_STORE",
            "is empty; give a directory, e.g. matrix-store",
        ));
    }
    Ok(Some(MatrixSettings {
        homeserver,
        user,
        auth,
        store_dir: PathBuf::from(store_dir),
    }))
}

fn parse_token(raw: &str) -> Result<String, ConfigError> {
    let raw = raw.trim();
    let shaped = raw.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && secret.len() >= 5
            && !secret.contains(char::is_whitespace)
    });
    if shaped {
        Ok(raw.to_owned())
    } else {
        Err(invalid(
            "HEARTH_TELEGRAM_TOKEN",
            "does not look like a bot token (digits, a colon, then the secret, as @BotFather gives it)",
        ))
    }
}

fn parse_api_url(raw: Option<&str>) -> Result<Url, ConfigError> {
    let raw = raw.unwrap_or(TELEGRAM_API_URL).trim();
    Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            invalid(
                "HEARTH_TELEGRAM_API_URL",
                format!("`{raw}` is not an http(s) URL; leave it unset for {TELEGRAM_API_URL}"),
            )
        })
}

fn parse_operators(raw: Option<&str>) -> Result<Vec<UserId>, ConfigError> {
    let raw = raw.ok_or_else(|| {
        invalid(
            "HEARTH_OPERATORS",
            "not set; list the accounts that own the bot, e.g. tg:123456,mx:@alice:example.org",
        )
    })?;
    raw.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| UserId::parse(s).map_err(|e| invalid("HEARTH_OPERATORS", e.to_string())))
        .collect()
}

/// How long records that only grow are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Keys of processed updates (replays come within a day).
    pub update_keys: Duration,
    /// Delivered outbox entries.
    pub sent: Duration,
}

const DAY_SECS: u64 = 24 * 60 * 60;

impl Default for Retention {
    fn default() -> Self {
        Self {
            update_keys: Duration::from_secs(7 * DAY_SECS),
            sent: Duration::from_secs(30 * DAY_SECS),
        }
    }
}

fn parse_days(
    name: &'static str,
    raw: Option<String>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    let days = match raw {
        None => return Ok(default),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .ok_or_else(|| {
                invalid(
                    name,
                    format!(
                        "`{}` is not a whole number of days between 1 and 3650",
                        v.trim()
                    ),
                )
            })?,
    };
    Ok(Duration::from_secs(days * DAY_SECS))
}

fn parse_seconds(
    name: &'static str,
    raw: Option<String>,
    default: f64,
) -> Result<Duration, ConfigError> {
    let secs = match raw {
        None => default,
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && (0.0..=3600.0).contains(s))
            .ok_or_else(|| {
                invalid(
                    name,
                    format!(
                        "`{}` is not a number of seconds between 0 and 3600",
                        v.trim()
                    ),
                )
            })?,
    };
    Ok(Duration::from_secs_f64(secs))
}

/// A database URL as it may be printed: the password, if any, masked.
pub fn redacted_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Only fails for URLs that cannot have a password at all.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => raw.to_owned(),
        // Unparsable: print nothing of it that might be secret.
        Err(_) => "(a URL that does not parse)".to_owned(),
    }
}

#[cfg(test)]
mod tests;
