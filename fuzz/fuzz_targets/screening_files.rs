//! Screening rule files (TOML) as an operator writes them.
#![no_main]

use hearth::rituals::screening::rules::Rules;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(why) = Rules::from_toml(text) {
        assert!(!why.trim().is_empty());
    }
});
