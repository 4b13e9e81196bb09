//! Campaign playbooks as an operator writes them: parsed, or refused with
//! each problem named.
#![no_main]

use hearth::rituals::campaigns::playbook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|source: &str| {
    if let Err(problems) = playbook::parse(source) {
        assert!(!problems.is_empty());
    }
});
