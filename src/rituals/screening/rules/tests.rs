use proptest::prelude::*;

use super::*;

fn reasons(name: &str) -> Vec<Reason> {
    screen(name, &Rules::default()).reasons
}

#[test]
fn each_rule_names_what_it_found() {
    assert_eq!(reasons("A雅琴"), vec![Reason::StartsWithA]);
    assert_eq!(reasons("Alice"), vec![]);
    assert_eq!(reasons("bob59f303a76"), vec![]);
    assert_eq!(reasons("Andrew Li"), vec![]);
    assert_eq!(
        reasons("8888888"),
        vec![Reason::DigitsAndSymbols, Reason::Phone]
    );
    assert_eq!(reasons("★★★☆"), vec![Reason::DigitsAndSymbols]);
    assert_eq!(reasons("美妆代理小雅"), vec![Reason::Marker("代理".into())]);
    assert_eq!(reasons("芳姐"), vec![Reason::Sister]);
    assert_eq!(reasons("小雅姐姐"), vec![Reason::Sister]);
    assert_eq!(reasons("芬芬"), vec![Reason::Doubled]);
    assert_eq!(reasons("王芬芬"), vec![]);
    assert_eq!(
        reasons("加我 138-0013-8000"),
        vec![Reason::DigitsAndSymbols, Reason::Phone]
    );
    assert_eq!(reasons("see t.me/cheapgoods"), vec![Reason::Link]);
    assert_eq!(reasons("李娜"), vec![]);
}

#[test]
fn a_rules_file_round_trips_and_names_its_mistakes() {
    let rules = Rules {
        auto_remove: Some(110),
        new_account_above: Some(7_000_000_000),
        ..Rules::default()
    };
    assert_eq!(Rules::from_toml(&rules.to_toml()), Ok(rules));
    // Missing fields keep their defaults.
    let partial = Rules::from_toml("threshold = 60").unwrap();
    assert_eq!(partial.markers, Rules::default().markers);
    let err = Rules::from_toml("threshold = 60\nmarkers = [\"代购\", 3]\n").unwrap_err();
    assert!(err.contains("line 2"), "{err}");
    let err = Rules::from_toml("treshold = 60").unwrap_err();
    assert!(err.contains("unknown field `treshold`"), "{err}");
    assert_eq!(
        Rules::from_toml("threshold = 60\nauto_remove = 50"),
        Err("auto_remove: must be from the threshold (60) to 500".to_owned())
    );
}

#[test]
fn a_new_account_adds_a_hint_and_a_group_hopper_a_tell() {
    let rules = Rules {
        new_account_above: Some(7_000_000_000),
        ..Rules::default()
    };
    let score = |id, hops| screen_newcomer("Lucy", id, hops, &rules).score;
    assert_eq!(score(Some(7_100_000_000), 0), 25);
    assert_eq!(score(Some(6_900_000_000), 0), 0);
    assert_eq!(score(None, 0), 0);
    assert_eq!(score(None, 1), 0, "one group left is a change of mind");
    let ad = screen_newcomer("芳姐", Some(7_100_000_000), 0, &rules);
    assert_eq!(ad.reasons, vec![Reason::Sister, Reason::NewAccount]);
    let sweeper = screen_newcomer("Lucy", None, 3, &rules);
    assert_eq!(sweeper.reasons, vec![Reason::GroupHopper(3)]);
    assert!(sweeper.is_suspect(&rules));
}

#[test]
fn the_score_adds_the_reasons_and_the_threshold_decides() {
    let rules = Rules::default();
    let ad = screen("A微商芳姐", &rules);
    assert_eq!(ad.score, 40 + 50 + 50);
    assert!(ad.is_suspect(&rules));
    let doubled = screen("莉莉", &rules);
    assert_eq!(doubled.score, 25);
    assert!(
        !doubled.is_suspect(&rules),
        "a doubled name alone is only a hint"
    );
}

#[test]
fn operators_markers_replace_the_defaults() {
    let rules = Rules {
        markers: vec!["团购".into()],
        threshold: 50,
        ..Rules::default()
    };
    assert_eq!(
        screen("社区团购群主", &rules).reasons,
        vec![Reason::Marker("团购".into())]
    );
    assert!(screen("微商", &rules).reasons.is_empty());
}

#[test]
fn a_profile_adds_a_selling_bio_and_a_faceless_account() {
    let rules = Rules::default();
    let profile = |bio: Option<&str>, username: Option<&str>, has_photo| Profile {
        bio: bio.map(str::to_owned),
        username: username.map(str::to_owned),
        has_photo,
    };
    assert_eq!(
        screen_profile(
            &profile(Some("专业代购 欢迎咨询"), Some("ann"), true),
            &rules
        ),
        vec![Reason::SellingBio("代购".into())]
    );
    assert_eq!(
        screen_profile(
            &profile(Some("shop at www.cheap.example"), None, true),
            &rules
        ),
        vec![Reason::SellingBio("www.".into())]
    );
    assert_eq!(
        screen_profile(
            &profile(Some("call 138 0013 8000"), Some("x"), true),
            &rules
        ),
        vec![Reason::SellingBio("phone".into())]
    );
    assert_eq!(
        screen_profile(
            &profile(Some("喜欢猫 also @annie elsewhere"), None, true),
            &rules
        ),
        vec![],
        "a handle in a bio is not selling"
    );
    assert_eq!(
        screen_profile(&profile(None, None, false), &rules),
        vec![Reason::Faceless]
    );
    assert_eq!(
        screen_profile(&profile(None, Some("ann"), false), &rules),
        vec![]
    );
    assert_eq!(screen_profile(&profile(None, None, true), &rules), vec![]);
    assert_eq!(Reason::SellingBio("代购".into()).points(), 50);
    assert!(
        Reason::Faceless.points() < DEFAULT_THRESHOLD,
        "only a hint alone"
    );
}

proptest! {
    #[test]
    fn screening_never_panics(name in "\\PC{0,200}") {
        let s = screen(&name, &Rules::default());
        prop_assert_eq!(s.score, s.reasons.iter().map(Reason::points).sum::<u32>());
    }
}
