//! Hearth: community rituals for Telegram and Matrix groups.
//!
//! `domain` holds the pure rules, `engine` turns platform-neutral events into
//! stored facts and outgoing actions, `store` persists them on SQLite or
//! PostgreSQL, and `platform` adapts each chat network.

pub mod certificate;
pub mod cli;
pub mod config;
pub mod domain;
pub mod engine;
pub mod platform;
pub mod rituals;
pub mod startup;
pub mod store;
pub mod telemetry;
