//! The `hearth` command: parses the command line and hands it to the bot or
//! to one of the operator's tools in `cli/`.

use std::process::ExitCode;

use clap::Parser;
use hearth::cli::{self, Tool, campaign::CampaignCmd};

/// Hearth runs community rituals in Telegram groups for the operators who own them.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Tool>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = Cli::parse().command.unwrap_or(Tool::Run);
    // Checking a file needs no settings and no database.
    if let Tool::Campaign {
        command: CampaignCmd::Check { file },
    } = &command
    {
        return cli::campaign::check_file(file);
    }
    let Some(settings) = cli::settings() else {
        return ExitCode::from(2);
    };
    cli::finish(match command {
        Tool::Run => cli::run(settings).await,
        Tool::Migrate => cli::migrate(&settings).await,
        Tool::CheckConfig => cli::check_config(&settings),
        Tool::Verify { draw } => cli::verify::run(&settings, &draw).await,
        Tool::Coupons { command } => cli::coupons::run(&settings, command).await,
        Tool::Screening { command } => cli::screening::run(&settings, command).await,
        Tool::Export { what, output } => cli::export::run(&settings, what, output).await,
        Tool::Campaign { command } => cli::campaign::run(&settings, command).await,
        Tool::Failures { limit } => cli::failures(&settings, limit).await,
    })
}
