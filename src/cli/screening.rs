//! `hearth screening show|set|reset <scope>`: screening rules in a file.
//! A scope is a group (`tg:-1001234`, `mx:!room:example.org`) or an
//! operator (`tg:123456`, `mx:@alice:example.org`), whose rules every group
//! of theirs without its own uses.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::{
    config::StoreSettings,
    domain::{ChatId, UserId},
    rituals::screening::rules::Rules,
    store::{self, Store, audit::CLI_ACTOR},
};

/// The group a scope names, if it names one (Telegram groups have negative
/// ids, Matrix rooms start with `!`).
fn group_of(scope: &str) -> Option<ChatId> {
    ChatId::parse(scope)
        .filter(|c| c.as_telegram().is_some_and(|id| id < 0) || c.native().starts_with('!'))
}

/// A scope as typed, checked: a group or an operator's user id.
pub fn scope(raw: &str) -> anyhow::Result<String> {
    if let Some(group) = group_of(raw) {
        return Ok(group.to_string());
    }
    UserId::parse(raw).map(|u| u.to_string()).map_err(|_| {
        anyhow::anyhow!(
            "`{raw}` is neither a group (tg:-1001234, mx:!room:example.org) \
             nor an operator (tg:123456, mx:@alice:example.org)"
        )
    })
}

/// The rules stored for `scope` as TOML, or the defaults with a note.
pub async fn show(store: &Store, scope: &str) -> anyhow::Result<String> {
    let mut conn = store.connection().await?;
    Ok(
        match crate::rituals::screening::store::get(&mut conn, scope).await? {
            Some(rules) => rules.to_toml(),
            None => format!(
                "# {scope} has no rules of its own; these are the defaults.\n{}",
                Rules::default().to_toml()
            ),
        },
    )
}

/// Reads a rules file and stores it for `scope`, logged in the audit log.
pub async fn set(store: &Store, scope: &str, text: &str, file: &str) -> anyhow::Result<()> {
    let rules = Rules::from_toml(text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = store.begin().await?;
    crate::rituals::screening::store::set(&mut tx, scope, &rules, CLI_ACTOR, now).await?;
    log_change(&mut tx, scope, &format!("from {file}"), now).await?;
    tx.commit().await.context("saving screening rules")?;
    Ok(())
}

/// Records a change of `scope`'s rules in the audit log, in its transaction.
async fn log_change(
    conn: &mut sqlx::AnyConnection,
    scope: &str,
    how: &str,
    now: i64,
) -> anyhow::Result<()> {
    let detail = format!("screening rules for {scope} {how}");
    let group = group_of(scope);
    store::audit::record(conn, group.as_ref(), CLI_ACTOR, "screening", &detail, now).await?;
    Ok(())
}

/// Drops the rules stored for `scope`; false when there were none.
pub async fn reset(store: &Store, scope: &str) -> anyhow::Result<bool> {
    let now = chrono::Utc::now().timestamp_millis();
    let mut tx = store.begin().await?;
    let cleared = crate::rituals::screening::store::clear(&mut tx, scope).await?;
    if cleared {
        log_change(&mut tx, scope, "reset to the defaults", now).await?;
    }
    tx.commit().await?;
    Ok(cleared)
}

#[derive(Subcommand)]
pub enum ScreeningCmd {
    /// Print the rules of a group (tg:-1001234) or an operator (tg:123456) as TOML.
    Show { scope: String },
    /// Load rules from a TOML file; a mistake is named with its line.
    Set { scope: String, file: PathBuf },
    /// Drop a scope's own rules: its groups go back to the operator's or the defaults.
    Reset { scope: String },
}

pub async fn run(settings: &StoreSettings, command: ScreeningCmd) -> anyhow::Result<()> {
    let store = super::store(settings).await?;
    match command {
        ScreeningCmd::Show { scope } => {
            print!("{}", show(&store, &self::scope(&scope)?).await?);
        }
        ScreeningCmd::Set { scope, file } => {
            let scope = self::scope(&scope)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            set(&store, &scope, &text, &file.display().to_string()).await?;
            println!("screening rules for {scope} saved from {}", file.display());
        }
        ScreeningCmd::Reset { scope } => {
            let scope = self::scope(&scope)?;
            if reset(&store, &scope).await? {
                println!("{scope} has no rules of its own any more");
            } else {
                println!("{scope} had no rules of its own");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_groups_or_operators() {
        assert_eq!(scope("tg:-1001234").unwrap(), "tg:-1001234");
        assert_eq!(scope("tg:1000").unwrap(), "tg:1000");
        assert_eq!(
            scope("mx:@alice:example.org").unwrap(),
            "mx:@alice:example.org"
        );
        assert_eq!(
            scope("mx:!room:example.org").unwrap(),
            "mx:!room:example.org"
        );
        assert!(scope("-1001234").is_err());
        assert!(scope("tg:abc").is_err());
    }
}
