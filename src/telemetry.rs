//! Logging set-up.

use tracing_subscriber::{EnvFilter, fmt};

/// Logs to stderr, filtered by `RUST_LOG` (default: info for Hearth, warn for
/// the rest). matrix-sdk's HTTP client logs every refused request as an
/// error, including the 404s it expects at each start when it looks for
/// key-backup settings the bot never made. Hearth logs the failures that
/// matter (a sync, a delivery) itself, so that module is quiet by default.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,hearth=info,matrix_sdk::http_client=off"));
    fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
