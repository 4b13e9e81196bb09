//! The SQLite and PostgreSQL migration folders are twins: the same files,
//! and the same statements once each database's spelling of a type is
//! normalised. A table added to one database and forgotten in the other
//! fails here, not in production.

use std::{fs, path::Path};

use crate::{on_both_databases, support::TestDb};

on_both_databases!(pending_migrations_are_counted_on_a_fresh_and_a_migrated_database);

/// `hearth doctor` reads how many migrations wait: all of them on a
/// database never migrated (no table of migrations yet), none after.
async fn pending_migrations_are_counted_on_a_fresh_and_a_migrated_database(db: TestDb) {
    let store = hearth::store::Store::connect(&db.url).await.unwrap();
    let all = folder("sqlite").len();
    assert_eq!(store.pending_migrations().await.unwrap(), all);
    store.migrate().await.unwrap();
    assert_eq!(store.pending_migrations().await.unwrap(), 0);
    store.close().await;
}

fn folder(database: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(database);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A migration's statements, without comments, with whitespace collapsed
/// and PostgreSQL's spelling of SQLite's types.
fn statements(sql: &str) -> Vec<String> {
    let code: String = sql
        .lines()
        .map(|line| line.split_once("--").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join(" ");
    code.split(';')
        .map(|statement| {
            statement
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace("( ", "(")
                .replace(" )", ")")
        })
        .filter(|statement| !statement.is_empty())
        .map(|statement| {
            statement
                .replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
                .replace("INTEGER", "BIGINT")
        })
        .collect()
}

#[test]
fn sqlite_and_postgres_migrations_are_the_same_files_and_statements() {
    let sqlite = folder("sqlite");
    let postgres = folder("postgres");
    let names =
        |files: &[(String, String)]| files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&sqlite),
        names(&postgres),
        "the folders hold different files"
    );
    assert!(sqlite.len() > 20, "the migrations were not found");
    for ((name, lite), (_, pg)) in sqlite.iter().zip(&postgres) {
        assert_eq!(
            statements(lite),
            statements(pg),
            "{name} differs beyond types"
        );
    }
}

#[test]
fn a_statement_missing_from_one_twin_is_seen() {
    let lite = "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT); -- one\nCREATE INDEX a_i ON a (id);";
    let pg = "CREATE TABLE a (\n  id BIGSERIAL PRIMARY KEY\n);";
    assert_eq!(statements(lite)[0], statements(pg)[0]);
    assert_ne!(statements(lite), statements(pg));
}
