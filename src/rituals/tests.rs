//! The registry's own rules, and every command's parser under fuzzing.

use proptest::prelude::*;

use super::*;
use crate::rituals::leaderboard::command::TopScope;

fn p(text: &str) -> Result<Option<Command>, CommandError> {
    parse(text, '/', "hearth_bot")
}

#[test]
fn parses_commands_with_and_without_bot_suffix() {
    assert_eq!(p("/top"), Ok(Some(Command::Top(TopScope::Group(10)))));
    assert_eq!(
        p("/top@Hearth_Bot 3"),
        Ok(Some(Command::Top(TopScope::Group(3))))
    );
    assert_eq!(
        p("/top all 5"),
        Ok(Some(Command::Top(TopScope::AllGroups(5))))
    );
    assert_eq!(p("/lang zh"), Ok(Some(Command::Lang(Lang::Zh))));
    assert_eq!(
        p("/start claim_ab12"),
        Ok(Some(Command::Start(Some("claim_ab12".into()))))
    );
    assert_eq!(p("/start <b>"), Ok(Some(Command::Start(None))));
    assert_eq!(p("/setwelcome"), Ok(Some(Command::SetWelcome(None))));
    assert_eq!(
        p("/setwelcome Hi {{newcomer}}"),
        Ok(Some(Command::SetWelcome(Some("Hi {{newcomer}}".into()))))
    );
}

#[test]
fn ignores_other_bots_and_unknown_commands() {
    assert_eq!(p("/top@other_bot"), Ok(None));
    assert_eq!(p("/frobnicate"), Ok(None));
    assert_eq!(p("hello /top"), Ok(None));
    assert_eq!(
        parse("!top", '!', "@hearth:example.org"),
        Ok(Some(Command::Top(TopScope::Group(10))))
    );
}

#[test]
fn bad_arguments_are_errors_not_defaults() {
    assert_eq!(p("/top 0"), Err(CommandError::BadTop));
    assert_eq!(p("/top 51"), Err(CommandError::BadTop));
    assert_eq!(p("/top lots"), Err(CommandError::BadTop));
    assert_eq!(p("/top 3 4"), Err(CommandError::BadTop));
    assert_eq!(p("/lang fr"), Err(CommandError::BadLang));
    assert_eq!(p("/lang"), Err(CommandError::BadLang));
}

/// Every name a command answers to, so fuzzing reaches each parser.
fn names() -> Vec<&'static str> {
    commands()
        .flat_map(|spec| std::iter::once(spec.name).chain(spec.aliases.iter().copied()))
        .collect()
}

/// Names are unique, and each is one Telegram accepts in a command
/// menu: 1 to 32 of `a-z0-9_`; each help line fits a menu entry (3 to
/// 256 characters) in both languages.
#[test]
fn every_command_has_a_unique_name_and_a_help_line_in_each_language() {
    let names = names();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "a name answers twice");
    for name in &names {
        assert!(
            (1..=32).contains(&name.len())
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "/{name} is not a name Telegram takes"
        );
    }
    for spec in commands() {
        for lang in [Lang::En, Lang::Zh] {
            let help = spec.help.get(lang).chars().count();
            assert!(
                (3..=256).contains(&help),
                "/{} {lang:?}: {help} characters",
                spec.name
            );
        }
    }
    assert!(command("frobnicate").is_none());
}

/// The menus list members' commands to members and the rest to admins;
/// nothing is in both or in neither.
#[test]
fn help_lines_split_every_command_between_members_and_admins() {
    for lang in [Lang::En, Lang::Zh] {
        let members = help_lines(lang, false);
        let admins = help_lines(lang, true);
        assert_eq!(members.len() + admins.len(), commands().count());
        assert!(members.iter().any(|(name, _)| *name == "invite"));
        assert!(admins.iter().any(|(name, _)| *name == "setwelcome"));
        assert!(!members.iter().any(|(name, _)| *name == "setwelcome"));
    }
}

/// Every command has its forms in both languages, starting with its name,
/// and an example that parses as that command.
#[test]
fn every_command_has_usage_and_an_example_that_parses() {
    for spec in commands() {
        for lang in [Lang::En, Lang::Zh] {
            let usage = spec.usage.get(lang);
            assert!(
                usage.starts_with(&format!("/{}", spec.name)),
                "/{}: {usage}",
                spec.name
            );
        }
        let parsed = p(spec.example);
        assert!(
            matches!(parsed, Ok(Some(_))),
            "/{}'s example {:?}: {parsed:?}",
            spec.name,
            spec.example
        );
        let invocation = crate::domain::command::Invocation::read(spec.example, '/', "hearth_bot")
            .expect("an example is a command");
        assert!(spec.answers_to(invocation.name()), "{}", spec.example);
    }
}

/// `/help` lists every command in one section: members theirs, admins all.
#[test]
fn sections_hold_every_command_once() {
    let listed = |admin| -> Vec<&str> {
        sections(admin)
            .into_iter()
            .flat_map(|(_, specs)| specs)
            .map(|spec| spec.name)
            .collect()
    };
    let all = listed(true);
    assert_eq!(all.len(), commands().count());
    let mut unique = all.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), all.len());
    let members = listed(false);
    assert_eq!(members.len(), help_lines(Lang::En, false).len());
    for word in ["invites", "邀请", "Guard", "群管"] {
        assert!(Section::named(word).is_some(), "{word}");
    }
}

/// Arguments ask for more than the name's access only for `/top all`
/// and for changes to what belongs to the operator (snippets, pools).
#[test]
fn arguments_raise_the_access_only_where_the_operator_owns_it() {
    for text in [
        "/top 3",
        "/snippet list",
        "/coupons",
        "/schedule list",
        "/wheel close 1",
    ] {
        let command = p(text).unwrap().expect("known");
        assert_eq!(command.needs_more(), None, "{text}");
    }
    for text in [
        "/top all",
        "/snippet save rules Be kind",
        "/snippet delete rules",
        "/coupons limit tea 2",
        "/coupons alert tea 2",
        "/coupons allow tea all",
    ] {
        let invocation = Invocation::read(text, '/', "hearth_bot").expect("a command");
        let spec = command(invocation.name()).expect("known");
        assert!(spec.access < Access::Operator, "{text}");
        let parsed = parse_invocation(&invocation)
            .ok()
            .flatten()
            .expect("parses");
        assert_eq!(parsed.needs_more(), Some(Access::Operator), "{text}");
    }
}

/// Every scheduler job has a name of its own, so a failure names it.
#[test]
fn jobs_have_distinct_names() {
    let mut names: Vec<_> = jobs().map(|job| job.name).collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count);
    assert!(count >= 8, "{names:?}");
}

proptest! {
    #[test]
    fn parsing_never_panics(text in "\\PC{0,200}") {
        let _ = p(&text);
        let _ = parse(&text, '!', "x");
    }

    /// Fuzzing: any arguments, including control characters and huge
    /// runs, to every command. Never panics; an error explains itself
    /// in a sentence of bounded length in both languages.
    #[test]
    fn any_arguments_to_any_command_never_panic(
        name in prop::sample::select(names()),
        suffix in prop_oneof![Just(""), Just("@hearth_bot"), Just("@other")],
        args in prop_oneof!["\\PC{0,300}", ".{0,300}", "[0-9: *\\-]{0,40}"],
    ) {
        let text = format!("/{name}{suffix} {args}");
        if let Err(e) = p(&text) {
            for lang in [Lang::En, Lang::Zh] {
                let said = e.explain(lang);
                prop_assert!(!said.is_empty() && said.chars().count() < 1_000, "{said}");
            }
        }
    }
}
