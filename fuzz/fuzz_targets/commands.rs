//! Any message a member, admin or operator can type: parsed as a command on
//! Telegram (`/`) and Matrix (`!`), with every error explained in both
//! languages. Cron lines, schedules and draw arguments are commands' too.
#![no_main]

use hearth::{domain::Lang, rituals};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for prefix in ['/', '!'] {
        if let Err(e) = rituals::parse(text, prefix, "hearth_bot") {
            assert!(!e.explain(Lang::En).trim().is_empty());
            assert!(!e.explain(Lang::Zh).trim().is_empty());
        }
    }
});
