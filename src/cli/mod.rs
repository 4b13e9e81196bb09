//! The operator's tools behind `hearth <command>`: each file holds one
//! tool, its arguments and its body; `main.rs` only parses and dispatches.

pub mod campaign;
pub mod coupons;
pub mod doctor;
pub mod export;
pub mod screening;
pub mod verify;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Subcommand;

use crate::{
    config::{ConfigError, Settings, StoreSettings, redacted_url},
    startup::Application,
    store::Store,
    telemetry,
};
use campaign::CampaignCmd;
use coupons::CouponsCmd;
use export::Table;
use screening::ScreeningCmd;

/// What `hearth` was asked to do.
#[derive(Subcommand)]
pub enum Tool {
    /// Run the bot (the default).
    Run,
    /// Check the settings in the environment and .env, then exit.
    CheckConfig,
    /// Check the settings, the database, the Telegram token and the bot's
    /// rights in every group, the Matrix login and the certificate font;
    /// each problem with the line that fixes it.
    Doctor,
    #[command(flatten)]
    Offline(Offline),
}

/// The tools that work on the database alone: they need `DATABASE_URL`
/// (or the embedded default) and no platform token.
#[derive(Subcommand)]
pub enum Offline {
    /// Apply database migrations and exit.
    Migrate,
    /// Re-run a closed draw from its revealed seed and check every result.
    Verify {
        /// The draw's number, as the group saw it (`#3` or `3`).
        draw: String,
    },
    /// Coupon pools: import codes, show the stock.
    Coupons {
        #[command(subcommand)]
        command: CouponsCmd,
    },
    /// Screening rules of a group or an operator's groups, as a TOML file.
    Screening {
        #[command(subcommand)]
        command: ScreeningCmd,
    },
    /// Campaign playbooks (TOML): `check` a file, `load` it for `/campaign start`.
    Campaign {
        #[command(subcommand)]
        command: CampaignCmd,
    },
    /// Updates the bot gave up on, newest first, with their causes.
    Failures {
        /// How many to show.
        #[arg(long, short, default_value_t = 20)]
        limit: u32,
    },
    /// Draws, entries, winners, codes, the audit log or the funnel as CSV.
    Export {
        what: Table,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// Runs an offline tool on the database `settings` names.
pub async fn offline(tool: Offline, settings: &StoreSettings) -> anyhow::Result<()> {
    match tool {
        Offline::Migrate => migrate(settings).await,
        Offline::Verify { draw } => verify::run(settings, &draw).await,
        Offline::Coupons { command } => coupons::run(settings, command).await,
        Offline::Screening { command } => screening::run(settings, command).await,
        Offline::Export { what, output } => export::run(settings, what, output).await,
        Offline::Campaign { command } => campaign::run(settings, command).await,
        Offline::Failures { limit } => failures(settings, limit).await,
    }
}

/// Reads the settings file (`env_file`, else `.env` if any) and the
/// environment, and starts logging; `None` after saying what is wrong.
pub fn settings(env_file: Option<&Path>) -> Option<Settings> {
    load(env_file, Settings::from_env)
}

/// The settings of a tool that only works on the database.
pub fn store_settings(env_file: Option<&Path>) -> Option<StoreSettings> {
    load(env_file, StoreSettings::from_env)
}

fn load<T>(env_file: Option<&Path>, read: impl FnOnce() -> Result<T, ConfigError>) -> Option<T> {
    match env_file {
        // The service's file (`--env-file /etc/hearth/hearth.env`) must be
        // there: a tool run on the wrong settings could touch the wrong
        // database.
        Some(path) => {
            if let Err(e) = dotenvy::from_path(path) {
                eprintln!("hearth: cannot read {}: {e}", path.display());
                return None;
            }
        }
        // A missing .env is fine: settings may come from the environment.
        None => {
            let _ = dotenvy::dotenv();
        }
    }
    telemetry::init();
    read()
        .inspect_err(|e| eprintln!("hearth: setting {e}"))
        .ok()
}

/// The exit code of a tool's result, after saying why it failed.
pub fn finish(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "hearth stopped");
            eprintln!("hearth: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The store the tools work on, migrated to this version.
pub(crate) async fn store(settings: &StoreSettings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    Ok(store)
}

/// `hearth doctor`.
pub async fn doctor(settings: &Settings) -> anyhow::Result<()> {
    let timezone_set = std::env::var("HEARTH_TIMEZONE").is_ok_and(|v| !v.trim().is_empty());
    doctor::run(settings, timezone_set).await
}

/// `hearth check-config`.
pub fn check_config(settings: &Settings) -> anyhow::Result<()> {
    println!(
        "settings are valid; database: {}",
        redacted_url(&settings.database_url)
    );
    Ok(())
}

/// `hearth` or `hearth run`: the bot, until Ctrl-C.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(&settings).await?;
    app.run_until(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// `hearth migrate`.
pub async fn migrate(settings: &StoreSettings) -> anyhow::Result<()> {
    store(settings).await?;
    println!(
        "migrations applied to {}",
        redacted_url(&settings.database_url)
    );
    Ok(())
}

/// `hearth failures`: updates the bot gave up on.
pub async fn failures(settings: &StoreSettings, limit: u32) -> anyhow::Result<()> {
    let store = store(settings).await?;
    let mut conn = store.connection().await?;
    let failures = crate::store::failures::latest(&mut conn, i64::from(limit)).await?;
    if failures.is_empty() {
        println!("no failed updates: every update was handled");
    }
    for f in failures {
        let at = chrono::DateTime::from_timestamp_millis(f.at_ms)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        let chat = f.chat.as_ref().map_or("-", |c| c.as_str());
        println!("{at}  {chat}  {}  ({})\n    {}", f.what, f.key, f.cause);
    }
    Ok(())
}
