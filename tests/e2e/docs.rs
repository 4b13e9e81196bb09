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

/// A step of a guide's example: what the reader types or does (a command,
/// a `$ hearth …` line, an action in brackets; empty when the example
/// shows only an answer), and what the bot answers, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub said: String,
    pub answer: String,
}

/// Whether a line of an example is the reader's: a command, a shell line,
/// an action in brackets or a comment.
fn is_readers(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('/')
        || line.starts_with("$ ")
        || line.starts_with("# ")
        || (line.starts_with('(') && line.ends_with(')'))
}

/// The plain code blocks of a document (not `sh` or `toml` ones), as lines
/// without their indent.
fn plain_blocks(doc: &str) -> Vec<Vec<&str>> {
    doc.split("```")
        .skip(1)
        .step_by(2)
        .filter(|block| block.starts_with('\n'))
        .map(|block| {
            block
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect()
}

/// A block as steps: each of the reader's lines, and the lines of answer
/// below it (joined by newlines).
fn steps_of(block: &[&str]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in block {
        if is_readers(line) {
            let said = line.split("  #").next().unwrap_or_default().trim();
            if !said.starts_with("# ") {
                steps.push(Step {
                    said: said.to_owned(),
                    answer: String::new(),
                });
            }
            continue;
        }
        if steps.is_empty() {
            steps.push(Step {
                said: String::new(),
                answer: String::new(),
            });
        }
        let answer = &mut steps.last_mut().unwrap().answer;
        if !answer.is_empty() {
            answer.push('\n');
        }
        answer.push_str(line);
    }
    steps
}

/// The pages whose examples show what the bot says: both READMEs and the
/// operator guide.
fn guide_pages() -> Vec<(String, String)> {
    user_docs()
        .into_iter()
        .filter(|(name, _)| name.starts_with("README") || name.starts_with("docs/guide/"))
        .collect()
}

/// The example on `page` whose first line is `first`, as steps.
pub fn example(page: &str, first: &str) -> Vec<Step> {
    let (_, doc) = guide_pages()
        .into_iter()
        .find(|(name, _)| name == page)
        .unwrap_or_else(|| panic!("no page {page}"));
    let block = plain_blocks(&doc)
        .into_iter()
        .find(|block| {
            block.first() == Some(&first) && steps_of(block).iter().any(|s| !s.answer.is_empty())
        })
        .unwrap_or_else(|| panic!("{page} has no example starting {first:?}"));
    steps_of(&block)
}

/// Whether `said` is what `shown` shows, word by word: a `…` on its own
/// stands for any words (lines left out), a word with `…` in it for any
/// one word (a seed's hash, a link).
pub fn agrees(shown: &str, said: &str) -> bool {
    fn from(shown: &[&str], said: &[&str]) -> bool {
        match shown.split_first() {
            None => said.is_empty(),
            Some((&"…", rest)) => (0..=said.len()).any(|skip| from(rest, &said[skip..])),
            Some((word, rest)) => said.split_first().is_some_and(|(next, after)| {
                (word == next || (word.contains('…') && !next.is_empty())) && from(rest, after)
            }),
        }
    }
    let shown: Vec<&str> = shown.split_whitespace().collect();
    let said: Vec<&str> = said.split_whitespace().collect();
    from(&shown, &said)
}

/// Asserts that the bot's answer to step `n` of an example is the one shown.
#[track_caller]
pub fn assert_shown(page: &str, steps: &[Step], n: usize, said: &str) {
    let shown = &steps[n].answer;
    assert!(
        agrees(shown, said),
        "{page}, `{}`: the page shows\n{shown}\n\nbut the bot says\n{said}",
        steps[n].said
    );
}

#[test]
fn examples_are_read_as_steps_and_answers() {
    let block = [
        "/review",
        "2 members wait:",
        "#1 Ann",
        "/keep 1   # Ann stays",
        "✅ Ann stays.",
        "(Bob presses Join)",
        "🎉 You're in.",
        "/top",
    ];
    let steps = steps_of(&block);
    let pairs: Vec<(&str, &str)> = steps
        .iter()
        .map(|s| (s.said.as_str(), s.answer.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("/review", "2 members wait:\n#1 Ann"),
            ("/keep 1", "✅ Ann stays."),
            ("(Bob presses Join)", "🎉 You're in."),
            ("/top", ""),
        ]
    );
    assert_eq!(steps_of(&["Lin opened #1", "[ Spin ]"])[0].said, "");
}

#[test]
fn answers_agree_word_by_word_with_ellipses_for_what_varies() {
    assert!(agrees("a b\nc", "a  b c"));
    assert!(agrees("seed 0c4e…9a71 here", "seed 77aa88bb here"));
    assert!(agrees("first\n…\nlast", "first x y z last"));
    assert!(agrees("first\n…\nlast", "first last"));
    assert!(!agrees("a b", "a c"));
    assert!(!agrees("a b", "a b c"));
    assert!(!agrees("seed 0c4e…9a71 here", "seed here"));
}

/// Every example of the guide that shows what the bot says is acted out
/// against the bot (`docs_answers`), and none hides an answer beside a
/// command on the same line, where it would pass for a comment.
#[test]
fn every_answer_the_guide_shows_is_acted_out() {
    let mut shown = 0;
    for (page, doc) in guide_pages() {
        for block in plain_blocks(&doc) {
            for line in block.iter().filter(|l| l.starts_with('/')) {
                for part in line.split("   ").skip(1).map(str::trim) {
                    assert!(
                        part.is_empty() || part.starts_with('/') || part.starts_with('#'),
                        "{page}: `{line}` shows {part:?} beside its command: \
                         an answer goes on the next line, a comment after `#`"
                    );
                }
            }
            if steps_of(&block).iter().any(|s| !s.answer.is_empty()) {
                let at = (page.as_str(), block[0]);
                assert!(
                    crate::docs_answers::ACTED.contains(&at),
                    "{page}: the example starting {:?} shows what the bot says, \
                     but no scene in docs_answers acts it out",
                    block[0]
                );
                shown += 1;
            }
        }
    }
    // Each acted example was found once.
    assert_eq!(
        shown,
        crate::docs_answers::ACTED.len(),
        "examples acted out"
    );
}
