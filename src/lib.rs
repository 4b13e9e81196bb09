//! Hearth: community rituals for Telegram and Matrix groups.
//!
//! `domain` holds the pure rules, `engine` turns platform-neutral events into
//! stored facts and outgoing actions, `store` persists them on SQLite or
//! PostgreSQL, and `platform` adapts each chat network.

pub mod campaign_file;
pub mod certificate;
pub mod config;
pub mod coupon_import;
pub mod domain;
pub mod engine;
pub mod export;
pub mod platform;
pub mod screening_file;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod verify;
