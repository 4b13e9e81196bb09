//! Platform adapters: they turn platform updates into engine events and carry
//! out the engine's actions. Nothing about invites or rituals is decided here.

pub mod matrix;
pub mod telegram;
