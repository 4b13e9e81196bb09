//! Coupon files as uploaded: any bytes, read or refused with a reason.
#![no_main]

use hearth::{domain::Lang, rituals::coupons::rules as coupon};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match coupon::read_codes(bytes) {
        Ok(file) => {
            for (_, error) in &file.invalid {
                assert!(!error.explain(Lang::Zh).trim().is_empty());
            }
        }
        Err(e) => assert!(!e.explain(Lang::En).trim().is_empty()),
    }
});
