//! The architecture document names real files: a path it mentions that
//! the code no longer has fails here, so the walk-through stays true.

use std::path::Path;

/// Every `src/…`, `tests/…` or `migrations/…` path in backticks.
fn paths_in(doc: &str) -> Vec<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| {
            ["src/", "tests/", "migrations/"]
                .iter()
                .any(|root| quoted.starts_with(root))
        })
        .filter(|path| !path.contains('<'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_architecture_document_names_files_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let paths = paths_in(&doc);
    assert!(paths.len() > 15, "{paths:?}");
    let missing: Vec<_> = paths.iter().filter(|p| !root.join(p).exists()).collect();
    assert!(missing.is_empty(), "docs/ARCHITECTURE.md names {missing:?}");
}

#[test]
fn a_path_that_went_away_is_seen() {
    let paths = paths_in("see `src/engine/gone.rs` and `Engine::run` and `src/rituals/<name>/`");
    assert_eq!(paths, ["src/engine/gone.rs"]);
}

/// Every `/schedule …` the README shows in its examples parses: an example
/// an operator copies never answers with the usage text.
#[test]
fn the_readme_schedule_examples_parse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples: Vec<&str> = readme
        .split("```")
        .skip(1)
        .step_by(2)
        .flat_map(str::lines)
        // Several commands may share a line, set apart by wide gaps.
        .flat_map(|line| line.split("   "))
        .filter_map(|command| command.trim().strip_prefix("/schedule "))
        .collect();
    assert!(examples.len() >= 8, "{examples:?}");
    for args in examples {
        let parsed = hearth::rituals::schedules::command::parse_schedule(args);
        assert!(parsed.is_ok(), "/schedule {args}: {parsed:?}");
    }
}

/// The README's command tables name every command there is.
#[test]
fn the_readme_tables_name_every_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let named: Vec<&str> = readme
        .lines()
        .filter(|line| line.starts_with("| `/"))
        .filter_map(|line| line.split('|').nth(1))
        .flat_map(|cell| cell.split("`/").skip(1))
        .map(|rest| rest.split([' ', '`', '\\']).next().unwrap_or_default())
        .collect();
    let missing: Vec<&str> = hearth::rituals::commands()
        .map(|spec| spec.name)
        .filter(|name| !named.contains(name))
        .collect();
    assert!(missing.is_empty(), "the README's tables lack {missing:?}");
}
