//! The `hearth` command: runs the bot and the operator's tools.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hearth::{config::Settings, startup::Application, store::Store, telemetry};

/// Hearth runs community rituals in Telegram groups for the operators who own them.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the bot (the default).
    Run,
    /// Apply database migrations and exit.
    Migrate,
    /// Check the settings in the environment and .env, then exit.
    CheckConfig,
    /// Re-run a closed draw from its revealed seed and check every result.
    Verify {
        /// The draw's number, as the group saw it (`#3` or `3`).
        draw: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // A missing .env is fine: settings may come from the real environment.
    let _ = dotenvy::dotenv();
    telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("hearth: setting {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Cmd::Run) {
        Cmd::Run => run(settings).await,
        Cmd::Migrate => migrate(&settings).await,
        Cmd::Verify { draw } => verify(&settings, &draw).await,
        Cmd::CheckConfig => {
            println!("settings are valid; database: {}", settings.database_url);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "hearth stopped");
            eprintln!("hearth: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(&settings).await?;
    app.run_until(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    println!("migrations applied to {}", settings.database_url);
    Ok(())
}

async fn verify(settings: &Settings, draw: &str) -> anyhow::Result<()> {
    let id = draw
        .trim_start_matches('#')
        .parse()
        .map_err(|_| anyhow::anyhow!("`{draw}` is not a draw number; the group saw it as #N"))?;
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    let report = hearth::verify::draw(&store, id).await?;
    print!("{report}");
    Ok(())
}
