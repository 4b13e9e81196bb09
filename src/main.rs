//! The `hearth` command: runs the bot and the operator's tools.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use hearth::{
    campaign_file,
    config::{Settings, redacted_url},
    coupon_import::{self, PoolSettings},
    domain::{
        UserId,
        coupon::{PoolName, read_codes},
    },
    export::{self, Table},
    screening_file,
    startup::Application,
    store::Store,
    telemetry,
};

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
    /// Coupon pools: import codes, show the stock.
    Coupons {
        #[command(subcommand)]
        command: CouponsCmd,
    },
    /// Screening rules for a group or for all of an operator's groups, kept
    /// in a TOML file: `show` prints them, `set` loads an edited file.
    Screening {
        #[command(subcommand)]
        command: ScreeningCmd,
    },
    /// Campaign playbooks (TOML): `check` validates a file and shows its
    /// steps, `load` keeps it for `/campaign start <name> <date>`.
    Campaign {
        #[command(subcommand)]
        command: CampaignCmd,
    },
    /// Updates the bot gave up on after a few tries, newest first, with their causes.
    Failures {
        /// How many to show.
        #[arg(long, short, default_value_t = 20)]
        limit: u32,
    },
    /// Write draws, their entries, winners, coupon codes, the audit log or the funnel as CSV.
    Export {
        what: Table,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CouponsCmd {
    /// Import codes into a pool (created if new) from a CSV file: one code
    /// per line, optionally `code,value`, an optional `code` header line.
    Import {
        /// The pool's name: letters, digits, `_` and `-`.
        pool: String,
        file: PathBuf,
        /// How many codes of this pool one member may hold (default 1).
        #[arg(long)]
        per_member: Option<u32>,
        /// Tell the operators when fewer free codes than this are left (default 10).
        #[arg(long)]
        alert_below: Option<u32>,
        /// The operator who owns the pool (e.g. tg:123456); may be left out
        /// when HEARTH_OPERATORS names one operator.
        #[arg(long)]
        owner: Option<String>,
    },
    /// Show every pool's free, handed-out and redeemed codes.
    List,
}

#[derive(Subcommand)]
enum ScreeningCmd {
    /// Print the rules of a group (tg:-1001234) or an operator (tg:123456) as TOML.
    Show { scope: String },
    /// Load rules from a TOML file; a mistake is named with its line.
    Set { scope: String, file: PathBuf },
    /// Drop a scope's own rules: its groups go back to the operator's or the defaults.
    Reset { scope: String },
}

#[derive(Subcommand)]
enum CampaignCmd {
    /// Check a playbook: every mistake is named with its line and column.
    Check { file: PathBuf },
    /// Check a playbook and keep it under its name (a newer version replaces
    /// it for campaigns started later).
    Load { file: PathBuf },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Checking a file needs no settings and no database.
    if let Some(Cmd::Campaign {
        command: CampaignCmd::Check { file },
    }) = &cli.command
    {
        return match campaign_file::check(file) {
            Ok((book, _)) => {
                print!("{}", campaign_file::summary(&book));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("hearth: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
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
        Cmd::Coupons { command } => coupons(&settings, command).await,
        Cmd::Screening { command } => screening(&settings, command).await,
        Cmd::Export { what, output } => export_csv(&settings, what, output).await,
        Cmd::Campaign { command } => campaign(&settings, command).await,
        Cmd::Failures { limit } => failures(&settings, limit).await,
        Cmd::CheckConfig => {
            println!(
                "settings are valid; database: {}",
                redacted_url(&settings.database_url)
            );
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

async fn campaign(settings: &Settings, command: CampaignCmd) -> anyhow::Result<()> {
    let CampaignCmd::Load { file } = command else {
        unreachable!("`campaign check` runs before the settings are read")
    };
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    let book = campaign_file::load(&store, &file).await?;
    print!("{}", campaign_file::summary(&book));
    println!(
        "loaded; start it from a chat with the bot: /campaign start {} <YYYY-MM-DD> --groups <ids or set>",
        book.name
    );
    Ok(())
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    println!(
        "migrations applied to {}",
        redacted_url(&settings.database_url)
    );
    Ok(())
}

async fn failures(settings: &Settings, limit: u32) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    let mut conn = store.connection().await?;
    let failures = hearth::store::failures::latest(&mut conn, i64::from(limit)).await?;
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

/// The operator an imported pool belongs to: the one named, which must be
/// an operator, or the only operator there is.
fn pool_owner(settings: &Settings, named: Option<&str>) -> anyhow::Result<UserId> {
    let listed = || {
        let ids: Vec<&str> = settings.operators.iter().map(UserId::as_str).collect();
        ids.join(", ")
    };
    match (named, settings.operators.as_slice()) {
        (Some(raw), operators) => {
            let id = UserId::parse(raw)
                .with_context(|| format!("`{raw}` is not a user id; write it like tg:123456"))?;
            anyhow::ensure!(
                operators.contains(&id),
                "{id} is not an operator; HEARTH_OPERATORS names {}",
                listed()
            );
            Ok(id)
        }
        (None, [only]) => Ok(only.clone()),
        (None, _) => anyhow::bail!(
            "name the operator who owns the pool with --owner, one of {}",
            listed()
        ),
    }
}

async fn coupons(settings: &Settings, command: CouponsCmd) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    match command {
        CouponsCmd::Import {
            pool,
            file,
            per_member,
            alert_below,
            owner,
        } => {
            let pool = PoolName::parse(&pool).with_context(|| {
                format!("`{pool}` is not a pool name: letters, digits, _ and -, at most 32")
            })?;
            let owner = pool_owner(settings, owner.as_deref())?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let codes = read_codes(&bytes).with_context(|| format!("{}", file.display()))?;
            let bar = indicatif::ProgressBar::new(codes.codes.len() as u64).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} codes {eta}")?,
            );
            let report = coupon_import::import(
                &store,
                &pool,
                &owner,
                &codes,
                PoolSettings {
                    per_member,
                    alert_below,
                },
                |done, _| bar.set_position(done),
            )
            .await?;
            bar.finish_and_clear();
            println!("{}", report.summary);
        }
        CouponsCmd::List => {
            let mut conn = store.connection().await?;
            let everything = hearth::store::coupons::PoolScope::Everything;
            let pools = hearth::store::coupons::stock(&mut conn, everything).await?;
            if pools.is_empty() {
                println!(
                    "no coupon pools yet; import codes with `hearth coupons import <pool> <file.csv>`"
                );
            }
            for p in pools {
                println!(
                    "{:<20} free {:>7}  handed out {:>7}  redeemed {:>7}  per member {}  alert under {}",
                    p.pool.name.as_str(),
                    p.free,
                    p.handed,
                    p.redeemed,
                    p.pool.per_member,
                    p.pool.alert_below
                );
            }
        }
    }
    Ok(())
}

async fn screening(settings: &Settings, command: ScreeningCmd) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    match command {
        ScreeningCmd::Show { scope } => {
            print!(
                "{}",
                screening_file::show(&store, &screening_file::scope(&scope)?).await?
            );
        }
        ScreeningCmd::Set { scope, file } => {
            let scope = screening_file::scope(&scope)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            screening_file::set(&store, &scope, &text, &file.display().to_string()).await?;
            println!("screening rules for {scope} saved from {}", file.display());
        }
        ScreeningCmd::Reset { scope } => {
            let scope = screening_file::scope(&scope)?;
            if screening_file::reset(&store, &scope).await? {
                println!("{scope} has no rules of its own any more");
            } else {
                println!("{scope} had no rules of its own");
            }
        }
    }
    Ok(())
}

async fn export_csv(
    settings: &Settings,
    what: Table,
    output: Option<PathBuf>,
) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url).await?;
    store.migrate().await?;
    match output {
        Some(path) => {
            let file = std::fs::File::create(&path)
                .with_context(|| format!("creating {}", path.display()))?;
            export::export(&store, what, std::io::BufWriter::new(file)).await
        }
        None => export::export(&store, what, std::io::stdout().lock()).await,
    }
}
