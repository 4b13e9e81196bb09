//! Pure rules: no I/O, no async, no platform types. Everything here is
//! deterministic and property-tested beside the code it guards.

pub mod amount;
pub mod command;
pub mod deadline;
pub mod draw;
pub mod fairness;
#[cfg(test)]
mod hostile_input;
pub mod ids;
pub mod lang;
pub mod name;
pub mod pace;
pub mod rich_text;
pub mod schedule;
pub mod template;
pub mod texts;

pub use ids::{ChatId, Platform, UserId};
pub use lang::Lang;
pub use name::DisplayName;
pub use rich_text::{RichText, Span};
