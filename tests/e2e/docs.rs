//! The documents stay true: the architecture names real files, every
//! command an example shows parses, the command pages name every command
//! in both languages, the READMEs stay short and every link leads to a
//! file that is there.

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

/// The documents users read: both READMEs and everything under `docs/`.
fn user_docs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md"), root.join("README.zh-CN.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            (name, text)
        })
        .collect()
}

/// The commands a document's examples show: lines of its plain code
/// blocks (not `sh` or `toml` ones) that start with `/`. Several may share
/// a line, set apart by wide gaps; what follows a gap, ` → ` or `  #` is
/// the bot's answer or a comment.
fn examples_in(doc: &str) -> Vec<&str> {
    doc.split("```")
        .skip(1)
        .step_by(2)
        .filter(|block| block.starts_with('\n'))
        .flat_map(str::lines)
        .flat_map(|line| line.split("   "))
        .flat_map(|part| part.split(" → "))
        .map(|part| part.split("  #").next().unwrap_or_default().trim())
        .filter(|command| command.starts_with('/'))
        .collect()
}

/// Every command the docs show as an example parses as typed: an example
/// an operator copies never answers with the usage text.
#[test]
fn every_command_in_the_docs_examples_parses() {
    let mut checked = 0;
    for (name, doc) in user_docs() {
        for example in examples_in(&doc) {
            let invocation = hearth::domain::command::Invocation::read(example, '/', "hearth_bot")
                .unwrap_or_else(|| panic!("{name}: `{example}` is not a command"));
            let spec = hearth::rituals::command(invocation.name())
                .unwrap_or_else(|| panic!("{name}: `{example}` names no command"));
            let parsed = (spec.parse)(invocation.args());
            assert!(parsed.is_ok(), "{name}: `{example}`: {parsed:?}");
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} examples found");
}

#[test]
fn examples_are_told_from_answers_and_comments() {
    let doc = "```\n/tag Bob vip       🏷 Bob is tagged vip.\n/review → /remove 1\n\
               /coupons allow vip all   # every group\nLin opened /spin\n```\n\
               ```sh\n/usr/bin/hearth doctor\n```\n";
    assert_eq!(
        examples_in(doc),
        [
            "/tag Bob vip",
            "/review",
            "/remove 1",
            "/coupons allow vip all"
        ]
    );
}

/// The command pages' tables name every command there is, in both
/// languages.
#[test]
fn the_command_tables_name_every_command_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for page in ["docs/guide/en/commands.md", "docs/guide/zh-CN/commands.md"] {
        let text = std::fs::read_to_string(root.join(page)).unwrap();
        let named: Vec<&str> = text
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
        assert!(missing.is_empty(), "{page}'s tables lack {missing:?}");
    }
}

/// The READMEs are an overview (at most 300 lines), and every link between
/// the documents leads to a file that is there.
#[test]
fn the_readmes_are_short_and_every_link_leads_somewhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = user_docs();
    for (name, text) in &docs {
        if name.starts_with("README") {
            let lines = text.lines().count();
            assert!(lines <= 300, "{name} has {lines} lines");
        }
        let dir = root.join(name);
        let dir = dir.parent().unwrap();
        for target in text
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
        {
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().unwrap();
            assert!(
                dir.join(file).exists(),
                "{name} links to {target}, which is not there"
            );
        }
    }
    assert!(docs.len() >= 25, "{} documents", docs.len());
}

/// Nothing users read speaks of how Hearth was made.
#[test]
fn no_development_leftovers_reach_users() {
    for (name, text) in user_docs() {
        for leftover in ["DOMAIN.md", "seed campaign", "issue 7", "../shared"] {
            assert!(!text.contains(leftover), "{name} mentions {leftover:?}");
        }
    }
}
