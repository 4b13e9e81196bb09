//! The `hearth` command: parses the command line and hands it to the bot or
//! to one of the operator's tools in `cli/`.

use std::{path::PathBuf, process::ExitCode};

use clap::Parser;
use hearth::cli::{self, Offline, Tool, campaign::CampaignCmd};

/// Hearth runs community rituals in Telegram groups for the operators who own them.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Read settings from this file instead of `./.env` (the service's is
    /// /etc/hearth/hearth.env); the environment still wins.
    #[arg(long, global = true, value_name = "FILE")]
    env_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Tool>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let env_file = cli.env_file.as_deref();
    match cli.command.unwrap_or(Tool::Run) {
        // Checking a file needs no settings and no database.
        Tool::Offline(Offline::Campaign {
            command: CampaignCmd::Check { file },
        }) => cli::campaign::check_file(&file),
        Tool::Offline(tool) => match cli::store_settings(env_file) {
            Some(settings) => cli::finish(cli::offline(tool, &settings).await),
            None => ExitCode::from(2),
        },
        Tool::CheckConfig => match cli::settings(env_file) {
            Some(settings) => cli::finish(cli::check_config(&settings)),
            None => ExitCode::from(2),
        },
        Tool::Doctor => match cli::settings(env_file) {
            Some(settings) => cli::finish(cli::doctor(&settings).await),
            None => ExitCode::from(2),
        },
        Tool::Run => match cli::settings(env_file) {
            Some(settings) => cli::finish(cli::run(settings).await),
            None => ExitCode::from(2),
        },
    }
}
