//! `hearth campaign check|load <file>`: campaign playbooks on disk.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use clap::Subcommand;

use anyhow::Context;

use crate::{
    config::StoreSettings,
    domain::lang::en_count,
    rituals::campaigns::playbook::{self, Playbook, Ritual},
    store::{self, Store, audit::CLI_ACTOR},
};

/// Reads and checks a playbook file. On a mistake the error lists each one
/// as `file:line:column: what is wrong`, one per line.
pub fn check(path: &Path) -> anyhow::Result<(Playbook, String)> {
    let source =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    match playbook::parse(&source) {
        Ok(book) => Ok((book, source)),
        Err(errors) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}:{e}", path.display()))
                .collect();
            anyhow::bail!(
                "{} mistake{} found:\n{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                lines.join("\n")
            )
        }
    }
}

/// What a checked playbook will do, as `hearth campaign check` prints it.
pub fn summary(book: &Playbook) -> String {
    let days = book.steps.iter().map(|s| s.day).max().unwrap_or(0);
    let posts = book
        .steps
        .iter()
        .filter(|s| matches!(s.what, Ritual::Post { .. }))
        .count();
    let mut out = format!(
        "{} “{}”: {} over {} ({}, {})\n",
        book.name,
        book.title,
        en_count(book.steps.len(), "step", "steps"),
        en_count(days, "day", "days"),
        en_count(posts, "post", "posts"),
        en_count(book.steps.len() - posts, "command", "commands")
    );
    for step in &book.steps {
        out.push_str(&format!(
            "  day {} {} · {}\n",
            step.day,
            step.at.format("%H:%M"),
            step.summary()
        ));
    }
    out
}

/// Checks a playbook file and keeps it under its name, for
/// `/campaign start <name> …`; recorded in the audit log.
pub async fn load(store: &Store, path: &Path) -> anyhow::Result<Playbook> {
    let (book, source) = check(path)?;
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = store.begin().await?;
    crate::rituals::campaigns::store::save_playbook(&mut tx, &book.name, &source, CLI_ACTOR, now)
        .await?;
    let detail = format!("playbook {} from {}", book.name, path.display());
    store::audit::record(&mut tx, None, CLI_ACTOR, "campaign", &detail, now).await?;
    tx.commit().await?;
    Ok(book)
}

#[derive(Subcommand)]
pub enum CampaignCmd {
    /// Check a playbook: every mistake is named with its line and column.
    Check { file: PathBuf },
    /// Check a playbook and keep it under its name (a newer version replaces
    /// it for campaigns started later).
    Load { file: PathBuf },
}

pub async fn run(settings: &StoreSettings, command: CampaignCmd) -> anyhow::Result<()> {
    let CampaignCmd::Load { file } = command else {
        unreachable!("`campaign check` runs before the settings are read")
    };
    let store = super::store(settings).await?;
    let book = load(&store, &file).await?;
    print!("{}", summary(&book));
    println!(
        "loaded; start it from a chat with the bot: /campaign start {} <YYYY-MM-DD> --groups <ids or set>",
        book.name
    );
    Ok(())
}

/// `hearth campaign check <file>`: the playbook's steps, or its mistakes.
pub fn check_file(file: &Path) -> ExitCode {
    match check(file) {
        Ok((book, _)) => {
            print!("{}", summary(&book));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hearth: {e:#}");
            ExitCode::FAILURE
        }
    }
}
