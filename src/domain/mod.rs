//! Pure rules: no I/O, no async, no platform types. Everything here is
//! deterministic and property-tested beside the code it guards.

pub mod amount;
pub mod campaign_command;
pub mod campaign_texts;
pub mod channel_command;
pub mod channel_texts;
pub mod command;
pub mod coupon;
pub mod coupon_command;
pub mod coupon_texts;
pub mod deadline;
pub mod draw;
pub mod draw_texts;
pub mod fairness;
pub mod greeting;
#[cfg(test)]
mod hostile_input;
pub mod ids;
pub mod invites;
pub mod lang;
pub mod leaderboard;
pub mod milestone_command;
pub mod milestone_texts;
pub mod name;
pub mod pace;
pub mod playbook;
pub mod raid;
pub mod review_texts;
pub mod rich_text;
pub mod role_command;
pub mod role_texts;
pub mod schedule;
pub mod schedule_command;
pub mod screening;
pub mod screening_command;
pub mod tag_command;
pub mod tag_texts;
pub mod template;
pub mod texts;

pub use ids::{ChatId, Platform, UserId};
pub use lang::Lang;
pub use name::DisplayName;
pub use rich_text::{RichText, Span};
