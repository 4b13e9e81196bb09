//! Builds the application from settings and runs its tasks side by side.

use std::{future::Future, sync::Arc};

use anyhow::Context;
use tokio::task::JoinSet;

use crate::{
    certificate::CertificateFont,
    config::Settings,
    engine::{Clock, Engine, EngineSettings, Port, SystemClock},
    platform::{matrix::Matrix, telegram::Telegram},
    store::Store,
};

/// A built application: database open, platforms connected, tasks not yet running.
pub struct Application {
    engine: Arc<Engine>,
    telegram: Option<Arc<Telegram>>,
    matrix: Option<Arc<Matrix>>,
}

impl Application {
    /// Opens the database (applying migrations) and connects the platforms.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// As [`Application::build`], with an injected clock.
    pub async fn build_with_clock(
        settings: &Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        if settings
            .operators
            .iter()
            .any(|o| o.as_str() == crate::config::EXAMPLE_OPERATOR)
        {
            tracing::warn!(
                "HEARTH_OPERATORS still names the example account {}: the bot will leave \
                 every group you add it to; put your own id there (`hearth doctor` explains)",
                crate::config::EXAMPLE_OPERATOR
            );
        }
        let store = Store::connect(&settings.database_url).await?;
        store.migrate().await?;
        let engine = Engine::new(
            store.clone(),
            EngineSettings {
                operators: settings.operators.clone(),
                default_lang: settings.lang,
                default_timezone: settings.timezone,
                zone_set: settings.timezone_set,
                greet_interval: settings.greet_interval,
                greet_settle: settings.greet_settle,
                answer_again: settings.answer_again,
                pace: settings.pace,
                retention: settings.retention,
                schedule_grace: settings.schedule_grace,
                certificate_font: certificate_font(settings)?,
            },
            clock,
        )
        .await?;
        let telegram = match &settings.telegram {
            Some(tg) => {
                let telegram = Telegram::connect(tg)
                    .await
                    .context("connecting to Telegram")?;
                engine.attach(telegram.clone());
                Some(telegram)
            }
            None => None,
        };
        let matrix = match &settings.matrix {
            Some(mx) => {
                let matrix = Matrix::connect(mx, store)
                    .await
                    .context("connecting to Matrix")?;
                engine.attach(matrix.clone());
                Some(matrix)
            }
            None => None,
        };
        Ok(Self {
            engine,
            telegram,
            matrix,
        })
    }

    /// The engine, for tools and tests.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Runs every task until one stops or `shutdown` completes, and says which.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let mut tasks = JoinSet::new();
        tasks.spawn(named("greeter", self.engine.clone().run_greeter()));
        tasks.spawn(named("scheduler", self.engine.clone().run_scheduler()));
        tasks.spawn(named("command lanes", self.engine.clone().run_lanes()));
        tasks.spawn(named(
            "profile checks",
            self.engine.clone().run_profile_checks(),
        ));
        if let Some(telegram) = self.telegram {
            let port: Arc<dyn Port> = telegram.clone();
            tasks.spawn(named(
                "telegram delivery",
                self.engine.clone().run_delivery(port),
            ));
            tasks.spawn(named(
                "telegram polling",
                telegram.run_polling(self.engine.clone()),
            ));
        }
        if let Some(matrix) = self.matrix {
            let port: Arc<dyn Port> = matrix.clone();
            tasks.spawn(named(
                "matrix delivery",
                self.engine.clone().run_delivery(port),
            ));
            tasks.spawn(named("matrix sync", matrix.run_sync(self.engine.clone())));
        }
        tokio::select! {
            () = shutdown => {
                tracing::info!("shutting down");
                Ok(())
            }
            Some(joined) = tasks.join_next() => {
                let (name, result) = joined.context("a task panicked")?;
                match result {
                    Ok(()) => anyhow::bail!("the {name} task stopped"),
                    Err(e) => Err(e.context(format!("the {name} task failed"))),
                }
            }
        }
    }
}

async fn named(
    name: &'static str,
    task: impl Future<Output = anyhow::Result<()>>,
) -> (&'static str, anyhow::Result<()>) {
    (name, task.await)
}

/// The certificate font: the configured one must load; without one, a CJK
/// font in the usual places is used if there is one, and certificates are
/// left out (with a warning) if not.
fn certificate_font(settings: &Settings) -> anyhow::Result<Option<Arc<CertificateFont>>> {
    match &settings.certificate_font {
        Some(path) => {
            let font = CertificateFont::load(Some(path)).context("HEARTH_CERTIFICATE_FONT")?;
            Ok(Some(Arc::new(font)))
        }
        None => match CertificateFont::load(None) {
            Ok(font) => {
                tracing::info!(font = %font.path().display(), "certificates drawn with this font");
                Ok(Some(Arc::new(font)))
            }
            Err(e) => {
                tracing::warn!(error = %e, "milestone certificates are left out");
                Ok(None)
            }
        },
    }
}
