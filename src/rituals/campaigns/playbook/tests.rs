use super::*;

const GOOD: &str = r#"
name = "double11"
title = "双十一"

[[step]]
day = 2
at = "20:30"
run = "/envelope 999 20 会员卡"

[[step]]
day = 1
at = "21:00"
post = "teaser"
text = "明天 {{group}} 有惊喜"

[[step]]
day = 2
at = "20:30"
post = "notice"
text = "今晚 20:30 开奖"
confirm = "收到"
pin = true
note = "the habit"
"#;

#[test]
fn a_playbook_reads_into_steps_in_running_order() {
    let book = parse(GOOD).unwrap();
    assert_eq!(book.name, "double11");
    assert_eq!(book.title, "双十一");
    let order: Vec<(u32, String)> = book
        .steps
        .iter()
        .map(|s| (s.day, s.at.format("%H:%M").to_string()))
        .collect();
    assert_eq!(
        order,
        [
            (1, "21:00".into()),
            (2, "20:30".into()),
            (2, "20:30".into())
        ]
    );
    assert_eq!(
        book.steps[1].what,
        Ritual::Run("/envelope 999 20 会员卡".into()),
        "same moment: the file's order"
    );
    assert_eq!(
        book.steps[2].summary(),
        "notice “今晚 20:30 开奖” (the habit)"
    );
    let start = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
    assert_eq!(
        book.steps[2].local_on(start).to_string(),
        "2026-11-08 20:30:00"
    );
}

#[test]
fn every_mistake_is_named_with_its_line_and_field() {
    let bad = r#"name = "Double 11"

[[step]]
day = 0
at = "25:00"
post = "notice"
text = "hi {{nope}}"

[[step]]
day = 3
at = "20:40"
run = "/envelope 0 20"

[[step]]
day = 3
at = "20:40"
run = "/adopt"

[[step]]
day = 4
at = "20:00"
post = "poster"
text = "x"
"#;
    let errors: Vec<String> = parse(bad)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 7, "{errors:#?}");
    assert!(errors[0].starts_with("1:8: name: "), "{errors:#?}");
    assert!(errors[1].starts_with("4:7: step 1, `day`: must be 1 to 60"));
    assert!(errors[2].starts_with("5:6: step 1, `at`: \"25:00\" is not a local time"));
    assert!(
        errors[3].starts_with("7:8: step 1, `text`: "),
        "{errors:#?}"
    );
    assert!(
        errors[4].starts_with("12:7: step 2, `run`: "),
        "{errors:#?}"
    );
    assert!(errors[5].starts_with("17:7: step 3, `run`: \"/adopt\" cannot run"));
    assert!(errors[6].starts_with("22:8: step 4, `post`: \"poster\" is not a kind of post"));
}

#[test]
fn syntax_errors_and_unknown_fields_are_located_too() {
    let err = parse("name = \"x\"\n[[step]]\nday = 1\nat = \"20:00\"\nrun = \"/top\"\nwhen = 3\n")
        .unwrap_err();
    assert_eq!(err[0].line, 6, "{err:?}");
    assert!(err[0].message.contains("unknown field `when`"), "{err:?}");
    let err = parse("name = \"x\"\n[[step]\n").unwrap_err();
    assert_eq!(err[0].line, 2, "{err:?}");
    let err = parse("name = \"x\"\n").unwrap_err();
    assert_eq!(err[0].message, "no steps: add [[step]] tables");
}

#[test]
fn a_step_posts_or_runs_never_both() {
    let both = "name = \"x\"\n[[step]]\nday = 1\nat = \"20:00\"\npost = \"notice\"\ntext = \"a\"\nrun = \"/top\"\n";
    let err = parse(both).unwrap_err();
    assert!(err[0].message.contains("not both"), "{err:?}");
    let neither = "name = \"x\"\n[[step]]\nday = 1\nat = \"20:00\"\n";
    let err = parse(neither).unwrap_err();
    assert!(err[0].message.contains("say what the step does"), "{err:?}");
    assert_eq!(err[0].line, 2);
}
