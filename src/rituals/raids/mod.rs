//! Raids: a burst of joins held back and summed up when it ends.

pub mod rules;
pub mod store;
pub(crate) mod watch;

use super::{Job, Ritual, Section};

pub const RITUAL: Ritual = Ritual {
    name: "raids",
    section: Section::Guard,
    commands: &[],
    jobs: &[Job {
        name: "raid endings",
        run: |engine| Box::pin(engine.end_quiet_raids()),
    }],
};
