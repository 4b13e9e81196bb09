//! Bad input, tried by machine: every parser a stranger or an operator can
//! feed, given arbitrary text, either parses it or returns an error that
//! says what is wrong, in both languages; none panics. (Commands as a whole,
//! templates, cron lines, names and coupon lines have their own properties
//! beside their parsers.)

use proptest::prelude::*;

use super::{ChatId, Lang, UserId, schedule::Timing};
use crate::rituals::{
    campaigns::{command as campaign_command, playbook},
    channels::command as channel_command,
    coupons::{command as coupon_command, rules as coupon},
    screening::rules::Rules,
};

/// Text shaped like what the parsers expect (words, numbers, quotes,
/// brackets, options, times, TOML and CSV punctuation) as well as noise.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "\\PC{0,12}",
        "[a-z]{1,8}",
        "-?[0-9]{1,20}",
        Just("\"".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("=".to_owned()),
        Just(",".to_owned()),
        Just("\n".to_owned()),
        Just("--".to_owned()),
        Just("*".to_owned()),
        Just(":".to_owned()),
        Just("{{".to_owned()),
        Just("}}".to_owned()),
        Just("@".to_owned()),
        Just("tg:".to_owned()),
        Just("mx:!".to_owned()),
        Just("20:30".to_owned()),
        Just("2026-11-11T20:00".to_owned()),
        Just("\u{202E}".to_owned()),
        Just("\0".to_owned()),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|p| p.join(" "))
}

fn says_something(text: &str) -> bool {
    !text.trim().is_empty()
}

proptest! {
    #[test]
    fn operator_command_arguments_parse_or_say_why(args in hostile()) {
        for lang in [Lang::En, Lang::Zh] {
            if let Err(e) = campaign_command::parse(&args) {
                prop_assert!(says_something(&e.explain(lang)));
            }
            if let Err(e) = channel_command::parse(&args) {
                prop_assert!(says_something(&e.explain(lang)));
            }
            if let Err(e) = coupon_command::parse_coupons(&args) {
                prop_assert!(says_something(&e.explain(lang)));
            }
            if let Err(e) = coupon_command::parse_redeem(&args) {
                prop_assert!(says_something(&e.explain(lang)));
            }
        }
    }

    #[test]
    fn playbooks_parse_or_name_each_problem(source in hostile()) {
        if let Err(problems) = playbook::parse(&source) {
            prop_assert!(!problems.is_empty());
            for problem in problems {
                prop_assert!(says_something(&problem.to_string()));
            }
        }
    }

    #[test]
    fn screening_files_parse_or_say_why(text in hostile()) {
        if let Err(why) = Rules::from_toml(&text) {
            prop_assert!(says_something(&why));
        }
    }

    #[test]
    fn coupon_files_read_or_say_why(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        match coupon::read_codes(&bytes) {
            Ok(file) => {
                for (_, error) in &file.invalid {
                    prop_assert!(says_something(&error.explain(Lang::Zh)));
                }
            }
            Err(e) => {
                prop_assert!(says_something(&e.explain(Lang::En)));
                prop_assert!(says_something(&e.explain(Lang::Zh)));
            }
        }
    }

    #[test]
    fn stored_timings_and_ids_read_back_or_say_why(text in hostile()) {
        if let Err(e) = Timing::from_source(&text) {
            prop_assert!(says_something(&e.explain(Lang::En)));
        }
        if let Err(e) = UserId::parse(&text) {
            prop_assert!(says_something(&e.to_string()));
        }
        let _ = ChatId::parse(&text);
    }
}
