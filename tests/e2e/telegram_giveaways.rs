//! Giveaways and timed wheels on Telegram, end to end: the real application
//! against the loopback Bot API server, on a clock the test moves, on SQLite
//! and on PostgreSQL.

use crate::{on_both_databases, support};
use std::{collections::HashSet, process::Command, time::Duration};

use serde_json::Value;
use support::{
    OPERATOR, Sent, TestApp, TestDb, answers, botapi::TOKEN, operator, ready_wheel, user,
};

const GROUP: i64 = -1003;
const START: &str = "2026-11-08T02:00:00Z";

on_both_databases!(
    a_giveaway_draws_distinct_winners_at_its_end_and_rerolls_only_the_unclaimed,
    a_giveaway_lets_in_only_members_who_meet_its_requirements,
    a_claimed_giveaway_prize_from_a_pool_comes_in_private,
    a_wheel_opens_and_closes_by_itself_even_across_a_restart,
    a_thousand_winners_are_posted_in_parts_and_every_one_claims_once,
);

/// Results far past Telegram's 4,096 characters go out in parts, each
/// within the limit as Telegram counts it, the Claim button under the last;
/// every one of the 1,000 winners is mentioned once and claims once.
async fn a_thousand_winners_are_posted_in_parts_and_every_one_claims_once(db: TestDb) {
    let app = TestApp::spawn_at(db, START).await;
    app.group_with_bot(GROUP).await;
    let post = app.ask(GROUP, &operator(), "/giveaway 1000 30m Tea").await;
    let members: Vec<Value> = (0..1000)
        .map(|i| user(20_000 + i, &format!("Tea lover number {i:04}")))
        .collect();
    for m in &members {
        app.press(GROUP, post.message_id, m, "draw:1");
    }
    app.settle().await;
    let before = app.tg.sent_to(GROUP).len();
    app.advance(Duration::from_secs(30 * 60)).await;
    let parts: Vec<Sent> = app.tg.sent_to(GROUP).split_off(before);
    assert!(parts.len() >= 5, "{} parts", parts.len());
    assert!(
        parts[0]
            .plain()
            .starts_with("🎉 Giveaway #1 is drawn: 1000 took part."),
        "{}",
        parts[0].plain()
    );
    for part in &parts {
        assert!(part.plain().encode_utf16().count() <= 4096);
    }
    let (last, rest) = parts.split_last().unwrap();
    assert!(rest.iter().all(|p| p.buttons.is_empty()));
    assert_eq!(
        last.buttons,
        vec![("🎁 Claim".to_owned(), "draw:1".to_owned())]
    );
    // The first 25 are mentioned (notified), the rest named; each once.
    let mentioned: Vec<i64> = parts.iter().flat_map(|p| p.mentions()).collect();
    assert_eq!(mentioned.iter().collect::<HashSet<_>>().len(), 25);
    let all: String = parts.iter().map(Sent::plain).collect();
    for i in 0..1000 {
        let name = format!("Tea lover number {i:04}");
        assert_eq!(all.matches(&name).count(), 1, "{name}");
    }

    let asked = app.tg.calls("answerCallbackQuery").len();
    for m in &members {
        app.press(GROUP, last.message_id, m, "draw:1");
    }
    app.settle().await;
    let claims = &answers(&app)[asked..];
    assert_eq!(claims.len(), 1000);
    assert!(
        claims.iter().all(|a| a == "🎁 Claimed: Tea!"),
        "{:?}",
        claims.iter().find(|a| *a != "🎁 Claimed: Tea!")
    );
    let again = app
        .press_for_answer(GROUP, last.message_id, &members[7], "draw:1")
        .await;
    assert_eq!(again, "You have claimed your prize already.");
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM draw_winners WHERE claimed_at IS NOT NULL")
            .await,
        1000
    );
}

/// The next message in the group that starts with `prefix`.
async fn message_starting(app: &TestApp, prefix: &str) -> Sent {
    app.tg
        .wait_for_sent(prefix, |sent| {
            sent.iter().any(|m| m.plain().starts_with(prefix))
        })
        .await;
    app.tg
        .sent_to(GROUP)
        .into_iter()
        .rfind(|m| m.plain().starts_with(prefix))
        .unwrap()
}

/// Runs the `hearth` binary with `args` on the app's database.
fn hearth(app: &TestApp, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HEARTH_TELEGRAM_TOKEN", TOKEN)
        .env("HEARTH_OPERATORS", format!("tg:{OPERATOR}"))
        .env("DATABASE_URL", &app.db.url)
        .current_dir(dir.path())
        .args(args)
        .output()
        .unwrap()
}

/// The user ids a message mentions.
fn mentioned(message: &Sent) -> Vec<i64> {
    message.mentions()
}

async fn a_giveaway_draws_distinct_winners_at_its_end_and_rerolls_only_the_unclaimed(db: TestDb) {
    let app = TestApp::spawn_at(db, START).await;
    app.group_with_bot(GROUP).await;
    let post = app
        .ask(GROUP, &operator(), "/giveaway 3 30m a wool sweater")
        .await;
    let text = post.plain();
    assert!(
        text.starts_with("Operator started giveaway #1: 3 winners drawn at "),
        "{text}"
    );
    assert!(text.contains("\nPrize: a wool sweater"), "{text}");
    assert!(text.contains("(SHA-256 of the seed): "), "{text}");
    assert_eq!(
        post.buttons,
        vec![("🎉 Join".to_owned(), "draw:1".to_owned())]
    );

    // Forty members join; one presses twice; then every update is replayed.
    let members: Vec<Value> = (0..40).map(|i| user(8000 + i, &format!("G{i}"))).collect();
    for m in &members {
        app.press(GROUP, post.message_id, m, "draw:1");
    }
    app.settle().await;
    let again = app
        .press_for_answer(GROUP, post.message_id, &members[0], "draw:1")
        .await;
    assert_eq!(
        again,
        "You have already joined this giveaway; wait for the draw."
    );
    app.tg.redeliver_everything();
    app.settle().await;
    let joined: Vec<String> = answers(&app)
        .into_iter()
        .filter(|a| a.starts_with("🎉 You're in: entry number "))
        .collect();
    assert_eq!(joined.len(), 40, "{joined:?}");
    let numbers: HashSet<&String> = joined.iter().collect();
    assert_eq!(numbers.len(), 40, "each entry has its own number");
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 1")
            .await,
        40
    );

    // Not yet: the draw waits for its end time.
    app.advance(Duration::from_secs(29 * 60)).await;
    assert!(
        !app.tg
            .sent_to(GROUP)
            .iter()
            .any(|m| m.plain().starts_with("🎉 Giveaway #1 is drawn"))
    );
    app.advance(Duration::from_secs(60)).await;
    let results = message_starting(&app, "🎉 Giveaway #1 is drawn").await;
    let text = results.plain();
    assert!(
        text.starts_with("🎉 Giveaway #1 is drawn: 40 took part.\nWinners: G"),
        "{text}"
    );
    assert!(text.contains("Winners: press “🎁 Claim” below."), "{text}");
    assert!(text.contains("Fairness: seed "), "{text}");
    assert_eq!(
        results.buttons,
        vec![("🎁 Claim".to_owned(), "draw:1".to_owned())]
    );
    let first: Vec<i64> = mentioned(&results);
    assert_eq!(first.len(), 3, "three winners, each mentioned: {text}");
    assert_eq!(first.iter().collect::<HashSet<_>>().len(), 3);
    let by_id = |id: i64| members.iter().find(|m| m["id"] == id).unwrap();

    // Late joins count for nothing; a non-winner cannot claim.
    let loser = members
        .iter()
        .find(|m| !first.contains(&m["id"].as_i64().unwrap()))
        .unwrap();
    let late = app
        .press_for_answer(GROUP, results.message_id, loser, "draw:1")
        .await;
    assert_eq!(late, "No win this time; better luck next time!");

    // The first winner claims once.
    let claimer = by_id(first[0]);
    let claimed = app
        .press_for_answer(GROUP, results.message_id, claimer, "draw:1")
        .await;
    assert_eq!(claimed, "🎁 Claimed: a wool sweater!");
    let twice = app
        .press_for_answer(GROUP, post.message_id, claimer, "draw:1")
        .await;
    assert_eq!(twice, "You have claimed your prize already.");

    // Only admins reroll; a reroll replaces the two who did not claim.
    let refused = app.ask(GROUP, loser, "/reroll 1").await.plain();
    assert!(
        refused.contains("for group admins and operators only"),
        "{refused}"
    );
    let reroll = app.ask(GROUP, &operator(), "/reroll 1").await;
    let text = reroll.plain();
    assert!(
        text.starts_with("🔁 Giveaway #1 rerolled: 2 did not claim. New winners: G"),
        "{text}"
    );
    let second = mentioned(&reroll);
    assert_eq!(second.len(), 2, "{text}");
    assert!(
        second.iter().all(|w| !first.contains(w)),
        "never an earlier winner: {first:?} then {second:?}"
    );
    let replaced = app
        .press_for_answer(GROUP, results.message_id, by_id(first[1]), "draw:1")
        .await;
    assert_eq!(
        replaced,
        "Sorry, the prize was redrawn because it was not claimed in time."
    );

    // `/reroll 1 1` replaces one of the two new winners.
    let claimed = app
        .press_for_answer(GROUP, reroll.message_id, by_id(second[1]), "draw:1")
        .await;
    assert_eq!(claimed, "🎁 Claimed: a wool sweater!");
    let third = app.ask(GROUP, &operator(), "/reroll 1 1").await;
    assert!(
        third
            .plain()
            .starts_with("🔁 Giveaway #1 rerolled: 1 did not claim."),
        "{}",
        third.plain()
    );
    let third = mentioned(&third);
    assert_eq!(third.len(), 1);
    assert!(!first.contains(&third[0]) && !second.contains(&third[0]));
    let all_claimed = app
        .press_for_answer(GROUP, post.message_id, by_id(third[0]), "draw:1")
        .await;
    assert_eq!(all_claimed, "🎁 Claimed: a wool sweater!");
    let nothing = app.ask(GROUP, &operator(), "/reroll 1").await.plain();
    assert_eq!(
        nothing,
        "Every winner of giveaway #1 has claimed; nothing to reroll."
    );
    let closed = app
        .ask(GROUP, &operator(), "/giveaway close 1")
        .await
        .plain();
    assert!(
        closed.starts_with("Giveaway #1 is drawn already;"),
        "{closed}"
    );

    let list = app.ask(GROUP, loser, "/draws").await.plain();
    assert!(
        list.starts_with("Recent draws:\n#1 🎉 giveaway · 40 entries · drawn\n   won: G"),
        "{list}"
    );
    assert!(list.ends_with("(3/3 claimed)"), "{list}");

    let out = hearth(&app, &["verify", "1"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("verified: 3 rounds, 6 winners, each the entry the seed draws"),
        "{report}"
    );
    assert_eq!(
        report.matches("replaced (did not claim)").count(),
        3,
        "{report}"
    );

    let out = hearth(&app, &["export", "winners"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "draw,round,pick,entry,user,name,claimed_at,replaced_at"
    );
    assert_eq!(rows.len(), 7, "{csv}");
    assert!(rows[1].starts_with("1,0,1,"), "{csv}");
    assert!(rows[6].starts_with("1,2,1,"), "{csv}");
    support::verify_every_draw(&app.db.url).await;
}

async fn a_giveaway_lets_in_only_members_who_meet_its_requirements(db: TestDb) {
    let app = TestApp::spawn_at(db, START).await;
    app.group_with_bot(GROUP).await;
    // Bob brings two friends and Carl one; Newt joins on his own.
    let (bob, carl, newt, old) = (
        user(8101, "Bob"),
        user(8102, "Carl"),
        user(8103, "Newt"),
        user(8104, "Olga"),
    );
    let bob_link = app.invite_link(GROUP, &bob).await;
    let carl_link = app.invite_link(GROUP, &carl).await;
    app.join_via_link(GROUP, &user(8201, "F1"), &bob_link);
    app.join_via_link(GROUP, &user(8202, "F2"), &bob_link);
    app.join_via_link(GROUP, &user(8203, "F3"), &carl_link);
    // Olga was here before the bot came; it first sees her when she speaks.
    app.say(GROUP, &old, "Morning all");
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(2 * 3600)).await;
    app.join_public(GROUP, &newt);
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(3600)).await;

    for (command, expected) in [
        ("/giveaway 0 1h", "`0` is not a number of winners"),
        ("/giveaway 3 tomorrow", "`tomorrow` is not an end time"),
        ("/giveaway 3 1h --days 2", "Unknown option `--days`"),
        ("/giveaway 3 1h --hours", "--hours needs a whole number"),
        ("/giveaway 3 1h Tea[nopool]", "nopool"),
    ] {
        let reply = app.ask(GROUP, &operator(), command).await.plain();
        assert!(reply.contains(expected), "{command}: {reply}");
    }
    // Members cannot make, draw, reroll or open draws (a fresh member each
    // time: a member is told once a day).
    for (i, command) in [
        "/giveaway 1 1h Tea",
        "/giveaway close 1",
        "/reroll 1",
        "/wheel new Pen*1:1",
        "/wheel open 1",
        "/envelope 10 2",
    ]
    .into_iter()
    .enumerate()
    {
        let member = user(8400 + i as i64, "Mallory");
        let reply = app.ask(GROUP, &member, command).await.plain();
        assert_eq!(
            reply, "That command is for group admins and operators only.",
            "{command}"
        );
    }
    assert_eq!(app.db.count("SELECT COUNT(*) FROM draws").await, 0);

    let post = app
        .ask(GROUP, &operator(), "/giveaway 1 1h Tea --hours 2")
        .await;
    assert!(
        post.plain()
            .contains("\nWho can join: in the group for at least 2 hours"),
        "{}",
        post.plain()
    );
    let newt_says = app
        .press_for_answer(GROUP, post.message_id, &newt, "draw:1")
        .await;
    assert_eq!(
        newt_says,
        "Sorry, this giveaway is for members of at least 2 hours; you have been a member for 1 h."
    );
    // Uma has been here all along, but the bot sees her first now: her
    // hours count from now, not from forever.
    let uma_says = app
        .press_for_answer(GROUP, post.message_id, &user(8105, "Uma"), "draw:1")
        .await;
    assert_eq!(
        uma_says,
        "Sorry, this giveaway is for members of at least 2 hours; you have been a member for 0 h."
    );
    // Olga spoke 3 h ago: long enough.
    let olga_says = app
        .press_for_answer(GROUP, post.message_id, &old, "draw:1")
        .await;
    assert_eq!(olga_says, "🎉 You're in: entry number 1. Good luck!");
    // Someone looking at the group without being in it takes no part.
    app.tg.make_outsider(GROUP, 8106);
    let outsider_says = app
        .press_for_answer(GROUP, post.message_id, &user(8106, "Otto"), "draw:1")
        .await;
    assert_eq!(outsider_says, "Only members of this group can take part.");

    let post = app
        .ask(GROUP, &operator(), "/giveaway 1 1h Tea --invites 2")
        .await;
    let bob_says = app
        .press_for_answer(GROUP, post.message_id, &bob, "draw:2")
        .await;
    assert_eq!(bob_says, "🎉 You're in: entry number 1. Good luck!");
    let carl_says = app
        .press_for_answer(GROUP, post.message_id, &carl, "draw:2")
        .await;
    assert_eq!(
        carl_says,
        "Sorry, this giveaway needs at least 2 effective invites; you have 1."
    );
    // A member who left is out, whatever he brought.
    app.leave(GROUP, &newt);
    app.settle().await;
    let gone = app
        .press_for_answer(GROUP, post.message_id, &newt, "draw:2")
        .await;
    assert_eq!(gone, "Only members of this group can take part.");
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 2")
            .await,
        1
    );

    // Drawn early by an admin: the one entry wins.
    let results = app
        .ask_confirmed(GROUP, &operator(), "/giveaway close 2")
        .await;
    assert_eq!(mentioned(&results), vec![8101]);
    // Nobody joined giveaway 1 but Olga; at its end she wins.
    app.advance(Duration::from_secs(3600)).await;
    let first = message_starting(&app, "🎉 Giveaway #1 is drawn").await;
    assert_eq!(mentioned(&first), vec![8104]);
    support::verify_every_draw(&app.db.url).await;
}

async fn a_claimed_giveaway_prize_from_a_pool_comes_in_private(db: TestDb) {
    let app = TestApp::spawn_at(db, START).await;
    app.group_with_bot(GROUP).await;
    let before = app.tg.sent_to(OPERATOR).len();
    app.send_file(
        &operator(),
        "f1",
        "tea.csv",
        Some("tea"),
        b"TEA-0001\nTEA-0002\n",
    );
    let summary = app.next_message(OPERATOR, before).await.plain();
    assert!(summary.starts_with("Pool tea: 2 codes added"), "{summary}");

    let ann = user(8301, "Ann");
    app.ask(8301, &ann, "/start").await;
    let post = app
        .ask(GROUP, &operator(), "/giveaway 1 10m Tea[tea]")
        .await;
    app.press_for_answer(GROUP, post.message_id, &ann, "draw:1")
        .await;
    let results = app
        .ask_confirmed(GROUP, &operator(), "/giveaway close 1")
        .await;
    assert_eq!(mentioned(&results), vec![8301]);
    assert!(!results.plain().contains("TEA-"), "{}", results.plain());
    // No code until the winner claims; then one, in private, once.
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM coupon_codes WHERE user_id IS NOT NULL")
            .await,
        0
    );
    let claimed = app
        .press_for_answer(GROUP, results.message_id, &ann, "draw:1")
        .await;
    assert!(claimed.starts_with("🎁 Claimed: Tea!"), "{claimed}");
    app.tg.redeliver_everything();
    app.settle().await;
    let codes: Vec<String> = app
        .tg
        .sent_to(8301)
        .iter()
        .map(Sent::plain)
        .filter(|t| t.contains("TEA-000"))
        .collect();
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(
        !app.tg
            .sent_to(GROUP)
            .iter()
            .any(|m| m.plain().contains("TEA-000")),
        "codes never show in the group"
    );
    support::verify_every_draw(&app.db.url).await;
}

async fn a_wheel_opens_and_closes_by_itself_even_across_a_restart(db: TestDb) {
    let mut app = TestApp::spawn_at(db, START).await;
    app.group_with_bot(GROUP).await;
    let ann = user(8401, "Ann");
    let ready = app
        .ask(GROUP, &operator(), "/wheel new Pen*1:1 Thanks:9")
        .await
        .plain();
    assert_eq!(ready_wheel(&ready), 1);
    assert!(ready.contains("· Pen ×1 (10.0%)"), "{ready}");
    assert!(
        ready.contains("Send /wheel open 1 to open it now"),
        "{ready}"
    );
    // Defined, not open: nobody can spin yet.
    let early = app.ask(GROUP, &ann, "/spin").await.plain();
    assert_eq!(early, "Ann No wheel is open here right now.");

    for (command, expected) in [
        ("/wheel open 1 soon", "`soon` is not a time"),
        ("/wheel open 9", "This group has no wheel #9"),
    ] {
        let reply = app.ask(GROUP, &operator(), command).await.plain();
        assert!(reply.contains(expected), "{command}: {reply}");
    }
    let set = app
        .ask(GROUP, &operator(), "/wheel open 1 30m 1h")
        .await
        .plain();
    assert!(set.starts_with("Wheel #1 opens at "), "{set}");
    assert!(set.contains(" and closes at "), "{set}");
    let list = app.ask(GROUP, &ann, "/draws").await.plain();
    assert_eq!(list, "Recent draws:\n#1 🎡 wheel · waiting to open");

    // The bot restarts before the wheel's time: nothing is lost.
    app.restart().await;
    app.advance(Duration::from_secs(29 * 60)).await;
    assert!(
        !app.tg
            .sent_to(GROUP)
            .iter()
            .any(|m| m.plain().starts_with("Operator opened spin wheel #1")),
    );
    app.advance(Duration::from_secs(60)).await;
    let opened = message_starting(&app, "Operator opened spin wheel #1").await;
    assert!(
        opened.plain().contains("\nOpen until "),
        "{}",
        opened.plain()
    );
    assert_eq!(opened.buttons.len(), 1);
    let spun = app
        .press_for_answer(GROUP, opened.message_id, &ann, "draw:1")
        .await;
    assert!(spun.starts_with("🎡 You won: "), "{spun}");
    let again = app.ask(GROUP, &operator(), "/wheel open 1").await.plain();
    assert_eq!(again, "Wheel #1 is open already.");

    app.advance(Duration::from_secs(60 * 60)).await;
    let results = message_starting(&app, "🎡 Wheel #1 results (1 spin)").await;
    assert!(results.plain().contains("Fairness: seed "));
    let opened_twice = app
        .tg
        .sent_to(GROUP)
        .iter()
        .filter(|m| m.plain().starts_with("Operator opened spin wheel #1"))
        .count();
    assert_eq!(opened_twice, 1, "announced once");
    let late = app.ask(GROUP, &ann, "/spin").await.plain();
    assert_eq!(late, "Ann No wheel is open here right now.");
    support::verify_every_draw(&app.db.url).await;
}
