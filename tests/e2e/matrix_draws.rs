//! Lucky red envelopes on Matrix, end to end against a real Synapse: the
//! same engine as on Telegram; Matrix has no buttons, so the bot reacts 🧧 to
//! its own announcement and members grab by reacting the same.

use crate::{on_both_databases, support};
use std::time::{Duration, Instant};

use hearth::{
    cli::coupons as coupon_import,
    rituals::coupons::rules::{PoolName, read_codes},
};
use support::{
    TestDb,
    e2ee::E2eeClient,
    matrix::{MxApp, MxUser, body},
};

on_both_databases!(
    members_grab_an_envelope_by_reacting_and_the_results_follow,
    a_coupon_prize_goes_by_direct_message,
    the_nth_reply_to_a_prompt_wins,
    members_join_a_giveaway_by_reacting_and_claim_the_same_way,
);

/// A giveaway on Matrix: members join by reacting 🎉 (a refusal is told in
/// the room, which has no private pop-up), the draw mentions the winners
/// with pills, and a winner claims by reacting 🎉 on the results.
async fn members_join_a_giveaway_by_reacting_and_claim_the_same_way(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let (ann, bea) = (MxUser::register("ann").await, MxUser::register("bea").await);
    for member in [&ann, &bea] {
        app.operator.invite(&room, &member.id).await;
        member.join(&room).await;
    }
    app.operator
        .say(&room, "!giveaway 1 1h Pen --hours 24")
        .await;
    let strict = bot_event(&app, &room, "started giveaway #1").await;
    let mut reaction = ann.react(&room, &strict, "🎉").await;
    let refused = bot_message(&app, &room, "members of at least 24 hours").await;
    assert_eq!(
        refused["content"]["m.mentions"]["user_ids"],
        serde_json::json!([ann.id])
    );
    // Taking the reaction back and reacting again, over and over, is told
    // no more: one refusal per member and draw.
    for _ in 0..3 {
        ann.redact(&room, &reaction).await;
        reaction = ann.react(&room, &strict, "🎉").await;
    }

    app.operator.say(&room, "!giveaway 2 1h Pen").await;
    let open = bot_message(&app, &room, "started giveaway #2").await;
    assert!(
        body(&open["content"]).contains("React with 🎉 to this message to take part."),
        "{}",
        body(&open["content"])
    );
    // The bot reads the room in order: the reactions above were handled.
    let refusals = app
        .operator
        .events_from(&room, &app.bot.id)
        .await
        .iter()
        .filter(|e| body(&e["content"]).contains("members of at least 24 hours"))
        .count();
    assert_eq!(refusals, 1);
    let open = open["event_id"].as_str().unwrap().to_owned();
    ann.react(&room, &open, "🎉").await;
    bea.react(&room, &open, "🎉").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while app
        .db
        .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 2")
        .await
        < 2
    {
        assert!(Instant::now() < deadline, "the reactions never joined");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.ask_confirmed(&room, &app.operator, "!giveaway close 2")
        .await;
    let results = bot_message(&app, &room, "Giveaway #2 is drawn").await;
    let text = body(&results["content"]);
    assert!(
        text.starts_with("🎉 Giveaway #2 is drawn: 2 took part.\nWinners: "),
        "{text}"
    );
    assert!(
        text.contains("Winners: react with 🎉 to this message to claim."),
        "{text}"
    );
    let mut pinged: Vec<String> = results["content"]["m.mentions"]["user_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    pinged.sort();
    assert_eq!(pinged, vec![ann.id.clone(), bea.id.clone()]);

    let results = results["event_id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    while app
        .operator
        .reactions_from(&room, &app.bot.id, &results)
        .await
        != ["🎉"]
    {
        assert!(Instant::now() < deadline, "the bot never reacted 🎉");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    ann.react(&room, &results, "🎉").await;
    let claimed = bot_message(&app, &room, "🎁 Claimed: Pen!").await;
    assert_eq!(
        claimed["content"]["m.mentions"]["user_ids"],
        serde_json::json!([ann.id])
    );
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM draw_winners WHERE claimed_at IS NOT NULL")
            .await,
        1
    );
    support::verify_every_draw(&app.db.url).await;
}

/// Replies on Matrix carry `m.in_reply_to`; the game counts them as on
/// Telegram and mentions the winner with a pill.
async fn the_nth_reply_to_a_prompt_wins(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let (ann, bea) = (MxUser::register("ann").await, MxUser::register("bea").await);
    for member in [&ann, &bea] {
        app.operator.invite(&room, &member.id).await;
        member.join(&room).await;
    }
    app.operator.say(&room, "!nth 2 10m").await;
    let prompt = bot_event(&app, &room, "started game #1").await;
    ann.reply(&room, &prompt, "first").await;
    ann.reply(&room, &prompt, "again").await;
    bea.reply(&room, &prompt, "second").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while app
        .db
        .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 1")
        .await
        < 2
    {
        assert!(Instant::now() < deadline, "the replies never counted");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.operator.say(&room, "!nth close 1").await;
    let results = bot_message(&app, &room, "Game #1 is over").await["content"].clone();
    let text = body(&results);
    assert!(
        text.starts_with("🎯 Game #1 is over: 2 members replied.\n2nd reply: "),
        "{text}"
    );
    assert_eq!(
        results["m.mentions"]["user_ids"],
        serde_json::json!([bea.id]),
        "the winner is notified"
    );
    support::verify_every_draw(&app.db.url).await;
}

/// The id of the bot's latest message in `room` whose text contains `needle`.
async fn bot_event(app: &MxApp, room: &str, needle: &str) -> String {
    bot_message(app, room, needle).await["event_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The bot's latest message event in `room` whose text contains `needle`
/// (other messages, such as greetings, may come between).
async fn bot_message(app: &MxApp, room: &str, needle: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let events = app.operator.events_from(room, &app.bot.id).await;
        if let Some(e) = events
            .iter()
            .rev()
            .find(|e| body(&e["content"]).contains(needle))
        {
            return e.clone();
        }
        assert!(Instant::now() < deadline, "the bot never said {needle:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Matrix has no private chat until the bot opens one: a won code arrives
/// in a direct room the bot creates and invites the winner to. The room is
/// end-to-end encrypted, as Element's direct rooms are, so Ann reads it
/// with her own encrypting client, and the server never holds the code.
async fn a_coupon_prize_goes_by_direct_message(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let store = hearth::store::Store::connect(&app.db.url).await.unwrap();
    let file = read_codes(b"TEA-0001\nTEA-0002\n").unwrap();
    let pool = PoolName::parse("tea").unwrap();
    let owner = hearth::domain::UserId::matrix(&app.operator.id);
    coupon_import::import(&store, &pool, &owner, &file, Default::default(), |_, _| {})
        .await
        .unwrap();
    let room = app.room(false).await;
    let ann = MxUser::register("ann").await;
    let ann_client = E2eeClient::login(&ann).await;
    app.operator.invite(&room, &ann.id).await;
    ann.join(&room).await;

    app.open_wheel(&room, "Tea[tea]*2:1").await;
    let wheel = bot_event(&app, &room, "spin wheel #1").await;
    ann.react(&room, &wheel, "🎡").await;
    let told = bot_event(&app, &room, "You won: Tea!").await;
    assert!(!told.is_empty());
    let said: Vec<String> = app
        .operator
        .messages_from(&room, &app.bot.id)
        .await
        .iter()
        .map(body)
        .collect();
    assert!(
        said.iter()
            .any(|m| m.ends_with("🎡 You won: Tea! Your code is in your private chat with me.")),
        "{said:?}"
    );
    assert!(
        !said.iter().any(|m| m.contains("TEA-")),
        "never in the room"
    );

    let direct = ann.wait_for_invite_from(&app.bot.id).await;
    ann_client.join(&direct).await;
    let got = ann_client
        .wait_for(&direct, &app.bot.id, "Your code for")
        .await;
    let text = got.last().unwrap();
    assert!(text.starts_with("🎟 Your code for Tea: TEA-000"), "{text}");
    let code = &text[text.find("TEA-").unwrap()..][..8];
    let stored = ann.timeline_from(&direct, &app.bot.id).await;
    assert!(
        !stored.is_empty() && stored.iter().all(|e| e["type"] == "m.room.encrypted"),
        "{stored:#?}"
    );

    // The direct room is Ann's private chat with the bot: `!mycodes` works
    // there and is answered there.
    ann_client.say(&direct, "!mycodes").await;
    let got = ann_client
        .wait_for(&direct, &app.bot.id, "Your codes")
        .await;
    let mine = got.last().unwrap();
    assert!(mine.contains(code), "{mine}");
    support::verify_every_draw(&app.db.url).await;
}

async fn members_grab_an_envelope_by_reacting_and_the_results_follow(db: TestDb) {
    let app = MxApp::spawn(db).await;
    let room = app.room(false).await;
    let ann = MxUser::register("ann").await;
    let bea = MxUser::register("bea").await;
    let cy = MxUser::register("cy").await;
    for member in [&ann, &bea, &cy] {
        app.operator.invite(&room, &member.id).await;
        member.join(&room).await;
    }
    let local = |u: &MxUser| {
        u.id.trim_start_matches('@')
            .split(':')
            .next()
            .unwrap()
            .to_owned()
    };
    // Let the greetings go out first, so the answers below are the next messages.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let said: String = app
            .operator
            .messages_from(&room, &app.bot.id)
            .await
            .iter()
            .map(body)
            .collect();
        if [&ann, &bea, &cy].iter().all(|m| said.contains(&local(m))) {
            break;
        }
        assert!(Instant::now() < deadline, "newcomers never greeted: {said}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Members may not post envelopes.
    let refused = app.ask(&room, &ann, "!envelope 10 2").await;
    assert!(body(&refused).contains("admin"), "{}", body(&refused));

    let post = app
        .ask(&room, &app.operator, "!envelope 10 2 a sticker pack")
        .await;
    let text = body(&post);
    assert!(
        text.contains("posted lucky red envelope #1: 10 in 2 shares."),
        "{text}"
    );
    assert!(
        text.contains("React with 🧧 to this message to grab; once each."),
        "{text}"
    );
    let events = app.operator.events_from(&room, &app.bot.id).await;
    let announcement = events
        .iter()
        .rev()
        .find(|e| body(&e["content"]).contains("lucky red envelope #1"))
        .unwrap()["event_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The bot puts the 🧧 there itself, so members only tap it.
    let deadline = Instant::now() + Duration::from_secs(20);
    while app
        .operator
        .reactions_from(&room, &app.bot.id, &announcement)
        .await
        != ["🧧"]
    {
        assert!(Instant::now() < deadline, "the bot never reacted 🧧");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let before = app.operator.messages_from(&room, &app.bot.id).await.len();
    ann.react(&room, &announcement, "👍").await; // just a reaction
    ann.react(&room, &announcement, "🧧").await;
    bea.react(&room, &announcement, "🧧\u{fe0f}").await;
    // Each win is told in the room (Matrix has no private pop-up), then the
    // results follow the last share.
    let sent = app.operator.wait_for(&room, &app.bot.id, before + 3).await;
    let later = &sent[before..];
    let results = later
        .iter()
        .find(|m| body(m).starts_with("🧧 Envelope #1 results"))
        .unwrap_or_else(|| panic!("no results in {later:#?}"));
    let wins: Vec<String> = later
        .iter()
        .map(body)
        .filter(|b| b.contains(" 🧧 You got "))
        .collect();
    assert_eq!(wins.len(), 2, "{wins:?}");
    assert!(wins.iter().any(|w| w.starts_with(&local(&ann))), "{wins:?}");
    assert!(wins.iter().any(|w| w.starts_with(&local(&bea))), "{wins:?}");
    let summary = body(results);
    assert!(
        summary.starts_with("🧧 Envelope #1 results (2 of 2 shares grabbed):"),
        "{summary}"
    );
    let rows: Vec<&str> = summary.lines().skip(1).take(2).collect();
    assert!(
        rows[0].starts_with(&format!("1. {} ", local(&ann))),
        "{summary}"
    );
    assert!(
        rows[1].starts_with(&format!("2. {} ", local(&bea))),
        "{summary}"
    );
    let total: u64 = rows
        .iter()
        .map(|r| r.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 10, "{summary}");
    assert!(
        summary.contains("who also gets a sticker pack"),
        "{summary}"
    );
    assert!(summary.contains("Fairness: seed "), "{summary}");
    let pinged = results["m.mentions"]["user_ids"].as_array().unwrap();
    assert_eq!(pinged.len(), 1, "only the luckiest is pinged");
    assert!([&ann.id, &bea.id].contains(&&pinged[0].as_str().unwrap().to_owned()));

    // Too late: a third grab changes nothing and posts nothing.
    cy.react(&room, &announcement, "🧧").await;
    let list = app.ask(&room, &cy, "!draws").await;
    assert!(
        body(&list).starts_with("Recent draws:\n#1 🧧 10 · 2/2 grabbed · ended · luckiest "),
        "{}",
        body(&list)
    );
    let rows = app
        .db
        .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 1")
        .await;
    assert_eq!(rows, 2);

    // A wheel: spun by reacting 🎡, closed by the admin.
    let post = app.open_wheel(&room, "Pen*1:1 Thanks:9").await;
    assert!(
        body(&post).contains("React with 🎡 to this message or send !spin; once each."),
        "{}",
        body(&post)
    );
    let wheel = app.operator.events_from(&room, &app.bot.id).await;
    let wheel = wheel
        .iter()
        .rev()
        .find(|e| body(&e["content"]).contains("spin wheel #2"))
        .unwrap()["event_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.operator.messages_from(&room, &app.bot.id).await.len();
    ann.react(&room, &wheel, "🎡").await;
    let told = app.operator.wait_for(&room, &app.bot.id, before + 1).await;
    assert!(
        body(&told[before]).starts_with(&format!("{} 🎡 You won: ", local(&ann))),
        "{}",
        body(&told[before])
    );
    let spun = app.ask(&room, &bea, "!spin").await;
    assert!(body(&spun).contains("🎡 You won: "), "{}", body(&spun));
    let deadline = Instant::now() + Duration::from_secs(20);
    while app
        .db
        .count("SELECT COUNT(*) FROM draw_entries WHERE draw_id = 2")
        .await
        < 2
    {
        assert!(Instant::now() < deadline, "the 🎡 reaction never spun");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let results = app.ask(&room, &app.operator, "!wheel close 2").await;
    assert!(
        body(&results).starts_with("🎡 Wheel #2 results (2 spins):"),
        "{}",
        body(&results)
    );
    support::verify_every_draw(&app.db.url).await;
}
