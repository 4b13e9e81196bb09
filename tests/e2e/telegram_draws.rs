//! Lucky red envelopes on Telegram, end to end: the real application against
//! the loopback Bot API server (inline buttons, callback queries and their
//! answers), on SQLite and on PostgreSQL.

use crate::{on_both_databases, support};
use std::{process::Command, sync::Arc};

use hearth::{
    domain::{ChatId, DisplayName, UserId},
    engine::{Engine, Event, Incoming, Person},
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use support::{OPERATOR, Sent, TestApp, TestDb, answers, botapi::TOKEN, operator, user};

const GROUP: i64 = -1001;

on_both_databases!(
    an_envelope_goes_to_the_first_k_of_500_grabbers_and_sums_exactly,
    a_closed_envelope_reveals_its_seed_and_names_what_was_left,
    bad_envelope_commands_get_one_sentence_and_open_nothing,
    concurrent_presses_on_the_engine_never_hand_out_more_than_k_shares,
    a_wheel_never_oversells_its_stock_and_posts_its_winners,
    a_wheel_with_a_consolation_spins_by_command_until_closed,
    a_press_counts_only_on_the_message_of_the_draw_it_names,
);

/// A button's data pressed under another message (another draw's, or the
/// bot's plain message) is not a press of that draw: it is answered as
/// unknown and takes no share.
async fn a_press_counts_only_on_the_message_of_the_draw_it_names(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let first = open_draw(&app, "/envelope 100 5").await;
    let second = open_draw(&app, "/envelope 50 5").await;
    app.settle().await;
    let hello = app.tg.sent_to(GROUP)[0].message_id;
    let ann = user(7001, "Ann");
    for (message, data) in [
        (second.message_id, "draw:1"),
        (hello, "draw:1"),
        (first.message_id, "draw:2"),
    ] {
        let answer = app.press_for_answer(GROUP, message, &ann, data).await;
        assert_eq!(
            answer, "This draw no longer exists.",
            "{data} under {message}"
        );
    }
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draw_entries").await, 0);
    // Under its own message the same press takes a share.
    let answer = app
        .press_for_answer(GROUP, first.message_id, &ann, "draw:1")
        .await;
    assert!(answer.starts_with("🧧 You got "), "{answer}");
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 1")
            .await,
        1
    );
}

/// "🧧 You got 12.34!" → 1234 (cents).
fn cents(answer: &str) -> u64 {
    let amount = answer
        .trim_start_matches("🧧 You got ")
        .trim_end_matches('!');
    let (whole, frac) = amount.split_once('.').unwrap();
    whole.parse::<u64>().unwrap() * 100 + frac.parse::<u64>().unwrap()
}

/// The 64 hex digits after `label` in `text`.
fn hex_after<'t>(text: &'t str, label: &str) -> &'t str {
    let start = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {text:?}"))
        + label.len();
    &text[start..start + 64]
}

/// Runs `hearth verify <draw>` on the app's database.
fn verify(app: &TestApp, draw: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_OPERATORS", format!("tg:{OPERATOR}"))
        .env("DATABASE_URL", &app.db.url)
        .current_dir(dir.path())
        .args(["verify", draw])
        .output()
        .unwrap()
}

/// The operator opens a draw (an envelope or a wheel); its announcement,
/// which must carry one button, comes back.
async fn open_draw(app: &TestApp, command: &str) -> Sent {
    let post = match command.strip_prefix("/wheel new ") {
        Some(prizes) => app.open_wheel(GROUP, prizes).await,
        None => app.ask(GROUP, &operator(), command).await,
    };
    assert_eq!(post.buttons.len(), 1, "{}", post.plain());
    post
}

async fn an_envelope_goes_to_the_first_k_of_500_grabbers_and_sums_exactly(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let post = open_draw(&app, "/envelope 88.88 10 a milk-tea coupon").await;
    let text = post.plain();
    assert!(
        text.starts_with("Operator posted lucky red envelope #1: 88.88 in 10 shares."),
        "{text}"
    );
    assert!(
        text.contains("The luckiest also gets: a milk-tea coupon"),
        "{text}"
    );
    let commitment = hex_after(&text, "(SHA-256 of the seed): ").to_owned();
    assert_eq!(
        post.buttons,
        vec![("🧧 Grab".to_owned(), "draw:1".to_owned())]
    );

    // 500 members press at once.
    let members: Vec<Value> = (0..500).map(|i| user(5000 + i, &format!("M{i}"))).collect();
    for member in &members {
        app.press(GROUP, post.message_id, member, "draw:1");
    }
    let results = app.next_message(GROUP, 2).await;
    app.settle().await;
    let answers = answers(&app);
    assert_eq!(answers.len(), 500, "every press is answered");
    let won: Vec<&String> = answers
        .iter()
        .filter(|a| a.starts_with("🧧 You got"))
        .collect();
    assert_eq!(won.len(), 10, "exactly K shares: {answers:?}");
    assert_eq!(
        answers
            .iter()
            .filter(|a| *a == "Too late: this envelope is empty.")
            .count(),
        490
    );
    let amounts: Vec<u64> = won.iter().map(|a| cents(a)).collect();
    assert_eq!(amounts.iter().sum::<u64>(), 8888, "shares sum exactly");
    assert!(amounts.iter().all(|a| *a >= 1));

    // The results: every grabber in order, the luckiest mentioned, the seed.
    let summary = results.plain();
    assert!(
        summary.starts_with("🧧 Envelope #1 results (10 of 10 shares grabbed):"),
        "{summary}"
    );
    let rows: Vec<&str> = summary.lines().skip(1).take(10).collect();
    for (n, row) in rows.iter().enumerate() {
        assert!(row.starts_with(&format!("{}. M", n + 1)), "{row}");
    }
    let best = *amounts.iter().max().unwrap();
    assert!(
        summary.contains(&format!(
            " {}.{:02}, who also gets a milk-tea coupon",
            best / 100,
            best % 100
        )) && summary.contains("\nLuckiest: M"),
        "{summary}"
    );
    assert_eq!(results.mentions().len(), 1, "only the luckiest is pinged");
    let seed = hex_after(&summary, "Fairness: seed ");
    assert_eq!(
        hex::encode(Sha256::digest(hex::decode(seed).unwrap())),
        commitment,
        "the revealed seed is the one committed to"
    );

    // After a crash Telegram delivers every press again: nothing more is
    // handed out and no second summary is posted.
    let mut app = app;
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 1")
            .await,
        10
    );
    assert_eq!(app.tg.sent_to(GROUP).len(), 3, "no second summary");
    let replayed = &self::answers(&app)[500..];
    assert_eq!(
        replayed
            .iter()
            .filter(|a| a.starts_with("You already grabbed: "))
            .count(),
        10
    );

    // `hearth verify 1` re-runs it from the database and agrees.
    let out = verify(&app, "#1");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains(&format!("seed        {seed}")), "{report}");
    assert!(
        report.contains("verified: 10 grabs, each got the share the seed gives; not grabbed: 0.00"),
        "{report}"
    );
    support::verify_every_draw(&app.db.url).await;
}

async fn a_closed_envelope_reveals_its_seed_and_names_what_was_left(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let post = open_draw(&app, "/envelope 100 5").await;
    let (ann, bea) = (user(7001, "Ann"), user(7002, "Bea"));
    app.press(GROUP, post.message_id, &ann, "draw:1");
    app.press(GROUP, post.message_id, &bea, "draw:1");
    app.settle().await;
    let got: u64 = answers(&app)
        .iter()
        .map(|a| {
            a.trim_start_matches("🧧 You got ")
                .trim_end_matches('!')
                .parse::<u64>()
                .unwrap()
        })
        .sum();

    // Not revealed while open.
    let early = verify(&app, "1");
    assert_eq!(early.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&early.stderr)
            .contains("draw #1 is still open; its seed is revealed when it closes"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );

    let summary = app
        .ask(GROUP, &operator(), "/envelope close 1")
        .await
        .plain();
    assert!(
        summary.starts_with("🧧 Envelope #1 results (2 of 5 shares grabbed):"),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("Closed early; not grabbed: {}", 100 - got)),
        "{summary}"
    );
    assert!(summary.contains("Fairness: seed "), "{summary}");
    let again = app.ask(GROUP, &operator(), "/envelope close 1").await;
    assert_eq!(again.plain(), "Envelope #1 has already ended.");

    let late = user(7003, "Cy");
    app.press(GROUP, post.message_id, &late, "draw:1");
    app.settle().await;
    assert_eq!(
        answers(&app).last().unwrap(),
        "Too late: this envelope is empty."
    );
    let list = app.ask(GROUP, &ann, "/draws").await.plain();
    assert!(
        list.starts_with("Recent draws:\n#1 🧧 100 · 2/5 grabbed · ended · luckiest "),
        "{list}"
    );
    assert!(verify(&app, "1").status.success());
    support::verify_every_draw(&app.db.url).await;
}

async fn bad_envelope_commands_get_one_sentence_and_open_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let member = user(7001, "Ann");
    let cases = [
        (
            &member,
            "/envelope 100 5",
            "That command is for group admins and operators only.",
        ),
        (&op, "/envelope", "Use /envelope <total> <shares>"),
        (&op, "/envelope lots 3", "`lots` is not an amount"),
        (
            &op,
            "/envelope 100 0",
            "`0` is not a number of shares; use 1 to 1000.",
        ),
        (
            &op,
            "/envelope 0.05 10",
            "0.05 cannot be split into 10 shares: each share needs at least 0.01.",
        ),
        (&op, "/envelope 1.234 2", "`1.234` is not an amount"),
        (
            &op,
            "/envelope close 9",
            "This group has no envelope #9; /draws lists them.",
        ),
    ];
    for (from, command, expected) in cases {
        let reply = app.ask(GROUP, from, command).await;
        assert!(
            reply.plain().contains(expected),
            "{command}: {:?}",
            reply.plain()
        );
        assert!(reply.buttons.is_empty());
    }
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draws").await, 0);
    let list = app.ask(GROUP, &member, "/draws").await;
    assert_eq!(
        list.plain(),
        "No draws here yet. Admins start one with /envelope, /wheel or /nth."
    );
    // A press on a button that names no draw is answered, and changes nothing.
    app.press(GROUP, 1, &member, "draw:42");
    app.settle().await;
    assert_eq!(answers(&app), vec!["This draw no longer exists."]);
    support::verify_every_draw(&app.db.url).await;
}

/// Presses that reach the engine side by side (several adapters, several
/// connections) still spend each slot once.
async fn concurrent_presses_on_the_engine_never_hand_out_more_than_k_shares(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let envelope = open_draw(&app, "/envelope 50 25").await.message_id;
    let engine: Arc<Engine> = app.engine.clone().unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    // 500 members, and each of the first 50 presses twice at once.
    for i in 0..550 {
        let engine = engine.clone();
        let member = 9000 + (i % 500);
        tasks.spawn(async move {
            engine
                .handle_batch(vec![press_on(1, envelope, member, i)])
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    app.settle().await;
    let count = |sql| app.db.count(sql);
    assert_eq!(count("SELECT COUNT(*) FROM draw_entries").await, 25);
    assert_eq!(
        count("SELECT COUNT(DISTINCT user_id) FROM draw_entries").await,
        25
    );
    assert_eq!(
        count("SELECT CAST(SUM(amount) AS BIGINT) FROM draw_entries").await,
        50
    );
    assert_eq!(count("SELECT MAX(taken) FROM draws").await, 25);
    assert_eq!(
        count("SELECT COUNT(DISTINCT position) FROM draw_entries").await,
        25
    );
    assert_eq!(count("SELECT MAX(position) FROM draw_entries").await, 24);
    let summaries = app
        .tg
        .sent_to(GROUP)
        .iter()
        .filter(|m| m.plain().starts_with("🧧 Envelope #1 results"))
        .count();
    assert_eq!(summaries, 1, "the results are posted once");

    // The same crowd on a wheel with 3 + 10 prizes.
    let wheel = open_draw(&app, "/wheel new Gold*3:1 Silver*10:1")
        .await
        .message_id;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..300 {
        let engine = engine.clone();
        tasks.spawn(async move {
            let member = 9000 + i;
            engine
                .handle_batch(vec![press_on(2, wheel, member, i)])
                .await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap().unwrap();
    }
    let gold = "SELECT COUNT(*) FROM draw_entries WHERE draw_id = 2 AND amount = 0";
    let silver = "SELECT COUNT(*) FROM draw_entries WHERE draw_id = 2 AND amount = 1";
    assert_eq!(app.db.count(gold).await, 3, "gold never oversold");
    assert_eq!(app.db.count(silver).await, 10, "silver never oversold");
    support::verify_every_draw(&app.db.url).await;
}

/// A press on draw `draw` under `message` by member `member`, as the
/// engine receives it.
fn press_on(draw: i64, message: i64, member: i64, n: i64) -> Incoming {
    Incoming {
        key: format!("test:{draw}:{n}"),
        event: Event::Pressed {
            chat: ChatId::telegram(GROUP),
            from: Person {
                id: UserId::telegram(member),
                name: DisplayName::clean(&format!("P{member}"), "user"),
                is_bot: false,
                lang: None,
                handle: None,
            },
            button: format!("draw:{draw}"),
            message: Some(message.to_string()),
            query: None,
            topic: None,
        },
    }
}

async fn a_wheel_never_oversells_its_stock_and_posts_its_winners(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let post = open_draw(&app, "/wheel new Gold*2:50 Silver*5:50").await;
    let text = post.plain();
    assert!(text.starts_with("Operator opened spin wheel #1:"), "{text}");
    assert!(
        text.contains("\n· Gold ×2 (50.0%)\n· Silver ×5 (50.0%)"),
        "{text}"
    );
    assert_eq!(
        post.buttons,
        vec![("🎡 Spin".to_owned(), "draw:1".to_owned())]
    );

    // 500 members spin at once for seven prizes.
    for i in 0..500 {
        app.press(
            GROUP,
            post.message_id,
            &user(6000 + i, &format!("S{i}")),
            "draw:1",
        );
    }
    // After the hello, the wheel made ready and its announcement.
    let results = app.next_message(GROUP, 3).await.plain();
    app.settle().await;
    let answers = answers(&app);
    assert_eq!(answers.len(), 500);
    let count = |text: &str| answers.iter().filter(|a| *a == text).count();
    assert_eq!(count("🎡 You won: Gold!"), 2, "{answers:?}");
    assert_eq!(count("🎡 You won: Silver!"), 5, "{answers:?}");
    assert_eq!(count("All prizes are gone."), 493);

    // Every prize gone: the wheel closed by itself and named its winners.
    assert!(
        results.starts_with("🎡 Wheel #1 results (7 spins):\nGold: S"),
        "{results}"
    );
    let silver = results.lines().find(|l| l.starts_with("Silver: ")).unwrap();
    assert_eq!(silver.split(", ").count(), 5, "{results}");
    assert!(results.contains("Fairness: seed "), "{results}");
    let member = user(6000, "S0");
    let spin = app.ask(GROUP, &member, "/spin").await.plain();
    assert_eq!(spin, "S0 No wheel is open here right now.");
    let out = verify(&app, "1");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("verified: 7 spins, each got the prize the seed gives"),
        "{report}"
    );
    support::verify_every_draw(&app.db.url).await;
}

async fn a_wheel_with_a_consolation_spins_by_command_until_closed(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let (ann, bea) = (user(7001, "Ann"), user(7002, "Bea"));
    for (from, command, expected) in [
        (
            &ann,
            "/wheel new A:1",
            "That command is for group admins and operators only.",
        ),
        (
            &op,
            "/wheel new Gold",
            "`Gold` is not a prize; write name*stock:weight",
        ),
        (
            &op,
            "/wheel new A*0:1 B:0",
            "At least one prize needs a weight above 0",
        ),
        (
            &op,
            "/wheel spin",
            "Use /wheel new <prize>*<stock>:<weight>",
        ),
        (&ann, "/spin", "No wheel is open here right now."),
    ] {
        let reply = app.ask(GROUP, from, command).await.plain();
        assert!(reply.contains(expected), "{command}: {reply}");
    }
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draws").await, 0);

    open_draw(&app, "/wheel new Grand*1:1 Thanks:99").await;
    let first = app.ask(GROUP, &ann, "/spin").await.plain();
    let prize = first
        .strip_prefix("Ann 🎡 You won: ")
        .and_then(|p| p.strip_suffix('!'))
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    let again = app.ask(GROUP, &ann, "/spin").await.plain();
    assert_eq!(again, format!("Ann You already spun: {prize}"));
    app.ask(GROUP, &bea, "/spin").await;

    let results = app.ask(GROUP, &op, "/wheel close 1").await.plain();
    assert!(
        results.starts_with("🎡 Wheel #1 results (2 spins):"),
        "{results}"
    );
    let thanks = results
        .lines()
        .find(|l| l.starts_with("Thanks: "))
        .unwrap_or("Thanks: 0 members");
    let (count, noun) = thanks["Thanks: ".len()..].split_once(' ').unwrap();
    let count: usize = count.parse().unwrap();
    let plural = if count == 1 { "member" } else { "members" };
    assert_eq!(noun, plural, "{results}");
    let grand = results.lines().find(|l| l.starts_with("Grand: "));
    assert_eq!(grand.map_or(0, |_| 1) + count, 2, "{results}");
    let closed = app.ask(GROUP, &ann, "/spin").await.plain();
    assert!(
        closed.ends_with("No wheel is open here right now."),
        "{closed}"
    );
    let list = app.ask(GROUP, &ann, "/draws").await.plain();
    assert_eq!(list, "Recent draws:\n#1 🎡 wheel · 2 spins · ended");
    assert!(verify(&app, "1").status.success());
    support::verify_every_draw(&app.db.url).await;
}
