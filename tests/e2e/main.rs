//! Hearth end to end, in one test binary: the real application against a
//! loopback Bot API server and a real Synapse homeserver, the store on SQLite
//! and PostgreSQL, and the `hearth` binary itself. One binary links the
//! application once; each file below is a module of scenarios.

#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod binary;
mod docs;
mod docs_answers;
mod matrix_campaign;
mod matrix_draws;
mod matrix_encrypted;
mod matrix_guard;
mod matrix_invites;
mod matrix_schedules;
mod migrations;
mod package;
mod parity;
mod screening;
mod store;
mod store_coupons;
mod telegram_campaign;
mod telegram_channels;
mod telegram_confirm;
mod telegram_coupons;
mod telegram_delivery;
mod telegram_draws;
mod telegram_giveaways;
mod telegram_hostile_input;
mod telegram_invites;
mod telegram_milestones;
mod telegram_permissions;
mod telegram_replies;
mod telegram_review;
mod telegram_schedules;
mod telegram_settings;
mod telegram_tags;
mod telegram_topics;
