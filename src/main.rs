//! The `hearth` command: parses the command line and hands it to the bot or
//! to one of the operator's tools in `cli/`.

use std::process::ExitCode;

use clap::Parser;
use hearth::cli::{self, Offline, Tool, campaign::CampaignCmd};

/// Hearth runs community rituals in Telegram groups for the operators who own them.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Tool>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command.unwrap_or(Tool::Run) {
        // Checking a file needs no settings and no database.
        Tool::Offline(Offline::Campaign {
            command: CampaignCmd::Check { file },
        }) => cli::campaign::check_file(&file),
        Tool::Offline(tool) => match cli::store_settings() {
            Some(settings) => cli::finish(cli::offline(tool, &settings).await),
            None => ExitCode::from(2),
        },
        Tool::CheckConfig => match cli::settings() {
            Some(settings) => cli::finish(cli::check_config(&settings)),
            None => ExitCode::from(2),
        },
        Tool::Doctor => match cli::settings() {
            Some(settings) => cli::finish(cli::doctor(&settings).await),
            None => ExitCode::from(2),
        },
        Tool::Run => match cli::settings() {
            Some(settings) => cli::finish(cli::run(settings).await),
            None => ExitCode::from(2),
        },
    }
}
