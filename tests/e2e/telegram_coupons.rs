//! Coupon codes on Telegram, end to end: the real application against the
//! loopback Bot API server. Codes arrive by CSV in a private chat, go to
//! winners only in private (at once, or through a claim link that opens the
//! private chat), once per member per pool, never twice after a replay.

use crate::{on_both_databases, support};
use std::collections::HashSet;

use serde_json::Value;
use support::{OPERATOR, Sent, TestApp, TestDb, operator, user};

const GROUP: i64 = -1002;

on_both_databases!(
    wheel_winners_get_codes_in_private_once_even_after_a_replay,
    an_operator_imports_a_csv_in_private_and_members_cannot,
    files_as_shops_keep_them_import_whatever_their_format,
    codes_are_redeemed_once_and_stock_is_shown,
    a_pool_running_low_tells_the_operator_once_and_an_empty_one_says_so,
    the_luckiest_of_an_envelope_gets_a_code_from_its_pool,
    an_envelope_tied_to_a_pool_pays_each_share_as_a_code,
);

const CODES: &str = "code,value\nTEA-0001,10\nTEA-0002,10\nTEA-0003,10\nTEA-0004,10\nTEA-0005,10\n";

/// The operator sends `csv` as `tea.csv` with the pool's name as caption;
/// the bot's summary comes back.
async fn import(app: &TestApp, pool: &str, csv: &str) -> String {
    let before = app.tg.sent_to(OPERATOR).len();
    let id = format!("f{}", before + 1);
    app.send_file(&operator(), &id, "codes.csv", Some(pool), csv.as_bytes());
    app.next_message(OPERATOR, before).await.plain()
}

/// The operator sends `bytes` as `name` without a caption; the bot's
/// summary comes back.
async fn import_file(app: &TestApp, name: &str, bytes: &[u8]) -> String {
    let before = app.tg.sent_to(OPERATOR).len();
    let id = format!("f{}", before + 1);
    app.send_file(&operator(), &id, name, None, bytes);
    app.next_message(OPERATOR, before).await.plain()
}

/// The codes a chat was handed, in order.
fn codes_in(app: &TestApp, chat: i64) -> Vec<String> {
    app.tg
        .sent_to(chat)
        .iter()
        .map(Sent::plain)
        .filter_map(|t| {
            let start = t.find("TEA-")?;
            Some(t[start..start + 8].to_owned())
        })
        .collect()
}

/// The (text, url) answers to button presses, in order.
fn answers_now(app: &TestApp) -> Vec<(String, Option<String>)> {
    app.tg
        .calls("answerCallbackQuery")
        .iter()
        .map(|c| {
            (
                c["text"].as_str().unwrap_or_default().to_owned(),
                c["url"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

async fn wheel_winners_get_codes_in_private_once_even_after_a_replay(db: TestDb) {
    let mut app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let summary = import(&app, "tea", CODES).await;
    assert!(summary.starts_with("Pool tea: 5 codes added"), "{summary}");

    let post = app.open_wheel(GROUP, "Tea[tea]*3:1").await;
    assert_eq!(post.buttons.len(), 1, "{}", post.plain());
    let data = post.buttons[0].1.clone();

    // Ann has a private chat with the bot; Bob has not.
    let (ann, bob, eve) = (user(7001, "Ann"), user(7002, "Bob"), user(7003, "Eve"));
    app.say(7001, &ann, "/start");
    app.settle().await;
    let ann_before = app.tg.sent_to(7001).len();

    app.press(GROUP, post.message_id, &ann, &data);
    app.press(GROUP, post.message_id, &bob, &data);
    app.settle().await;
    let answers = answers_now(&app);
    assert_eq!(
        answers[0],
        (
            "🎡 You won: Tea! Your code is in your private chat with me.".to_owned(),
            None
        )
    );
    assert_eq!(
        answers[1].0,
        "🎡 You won: Tea! Open the private chat with me to get your code."
    );
    let claim = answers[1]
        .1
        .clone()
        .expect("a claim link opens the private chat");
    assert!(
        claim.starts_with("https://t.me/hearth_test_bot?start=claim_"),
        "{claim}"
    );

    // Ann got her code in private; nothing about codes went to the group.
    let ann_codes = codes_in(&app, 7001);
    assert_eq!(ann_codes.len(), 1, "{:?}", app.tg.sent_to(7001));
    let ann_msg = app.tg.sent_to(7001)[ann_before].plain();
    assert!(
        ann_msg.starts_with("🎟 Your code for Tea: TEA-") && ann_msg.contains("(worth 10)"),
        "{ann_msg}"
    );
    assert!(codes_in(&app, GROUP).is_empty());
    assert!(codes_in(&app, 7002).is_empty(), "Bob never opened a chat");

    // Eve cannot use Bob's link; Bob can.
    let payload = claim.split("start=").nth(1).unwrap().to_owned();
    let refused = app.ask(7003, &eve, &format!("/start {payload}")).await;
    assert_eq!(
        refused.plain(),
        "This claim link belongs to another member; only the winner can open it."
    );
    assert!(codes_in(&app, 7003).is_empty());
    app.say(7002, &bob, &format!("/start {payload}"));
    app.settle().await;
    let bob_codes = codes_in(&app, 7002);
    assert_eq!(bob_codes.len(), 1);
    assert_ne!(ann_codes, bob_codes, "every code goes once");

    // A member holds one code of the pool: a second wheel does not add one.
    let second = app.open_wheel(GROUP, "GreenTea[tea]*3:1").await;
    app.press(GROUP, second.message_id, &ann, &second.buttons[0].1);
    app.settle().await;
    assert_eq!(
        answers_now(&app).last().unwrap().0,
        "🎡 You won: GreenTea! (You already hold as many codes of this kind as allowed.)"
    );

    // A restart with every update delivered again hands out nothing more.
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    assert_eq!(codes_in(&app, 7001), ann_codes);
    assert_eq!(codes_in(&app, 7002), bob_codes);
    let mine = app.ask(7002, &bob, "/mycodes").await.plain();
    assert_eq!(mine, format!("Your codes:\n• {} · Tea", bob_codes[0]));
    // Asked in the group, his codes come to his private chat, headed with
    // the group's name; the group sees nothing of them.
    let (group_before, bob_before) = (app.tg.sent_to(GROUP).len(), app.tg.sent_to(7002).len());
    app.say(GROUP, &bob, "/mycodes");
    let private = app.next_message(7002, bob_before).await.plain();
    assert_eq!(
        private,
        format!("In Group 1002:\nYour codes:\n• {} · Tea", bob_codes[0])
    );
    app.settle().await;
    assert_eq!(app.tg.sent_to(GROUP).len(), group_before);
    // Someone who never started the bot is told where codes are shown.
    let in_group = app.ask(GROUP, &user(7004, "Cy"), "/mycodes").await.plain();
    assert!(in_group.starts_with("Codes are only shown in a private chat"));
    support::verify_every_draw(&app.db.url).await;
}

async fn an_operator_imports_a_csv_in_private_and_members_cannot(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let summary = import(
        &app,
        "Tea",
        "TEA-0001\nTEA-0002\nTEA-0001\nbad code\nTEA-0003,lots\n\"TEA-0004\"\n",
    )
    .await;
    assert_eq!(
        summary,
        "Pool tea: 3 codes added, 1 duplicate skipped, 2 invalid lines. 3 codes are free now.\n\
         line 4: the character ' ' cannot be in a code\n\
         line 5: the value \"lots\" is not an amount such as 10 or 9.90"
    );
    // The same file again adds nothing.
    let again = import(&app, "tea", "TEA-0001\nTEA-0002\n").await;
    assert!(
        again.starts_with("Pool tea: 0 codes added, 2 duplicates skipped"),
        "{again}"
    );
    // Without a pool name in the caption, the file's name is used; a name
    // that is not a pool name is asked about.
    let before = app.tg.sent_to(OPERATOR).len();
    app.send_file(&operator(), "f9", "my codes!.csv", None, b"X-1\n");
    let asked = app.next_message(OPERATOR, before).await.plain();
    assert!(
        asked.starts_with("Which pool are these codes for?"),
        "{asked}"
    );
    let not_text = import(&app, "tea", "\u{0}\u{0}").await;
    assert!(not_text.starts_with("Nothing was imported: "), "{not_text}");

    let member = user(7010, "Mallory");
    app.send_file(&member, "f10", "tea.csv", Some("tea"), b"EVIL-1\n");
    let refused = app.next_message(7010, 0).await.plain();
    assert_eq!(refused, "Only operators import coupon codes.");
    let stock = app.ask(OPERATOR, &operator(), "/coupons").await.plain();
    assert_eq!(
        stock,
        "🎟 Coupon pools (free / handed out / redeemed):\n\
         tea: 3 / 0 / 0 ⚠️ · 1 per member · alert under 10"
    );
    support::verify_every_draw(&app.db.url).await;
}

async fn files_as_shops_keep_them_import_whatever_their_format(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let quoted = "\"code\",\"value\"\r\n\"Q-1\",\"9.90\"\r\n\r\n\"Q 2\",\"1\"\r\n";
    assert_eq!(
        import_file(&app, "quoted.csv", quoted.as_bytes()).await,
        "Pool quoted: 1 code added, 0 duplicates skipped, 1 invalid line. 1 code is free now.\n\
         line 4: the character ' ' cannot be in a code"
    );
    // Excel where the decimal mark is a comma: `;` between fields.
    let semicolons = "券码;面值\nS-1;10\nS-2;9,90\n";
    assert_eq!(
        import_file(&app, "semi.csv", semicolons.as_bytes()).await,
        "Pool semi: 1 code added, 0 duplicates skipped, 1 invalid line. 1 code is free now.\n\
         line 3: the value \"9,90\" is not an amount such as 10 or 9.90"
    );
    // Excel on Chinese Windows saves GBK.
    let (gbk, _, _) = encoding_rs::GB18030.encode("兑换码,面值\nG-1,10\nG-2,20\n");
    assert!(std::str::from_utf8(&gbk).is_err());
    assert_eq!(
        import_file(&app, "gbk.csv", &gbk).await,
        "Pool gbk: 2 codes added, 0 duplicates skipped, 0 invalid lines. 2 codes are free now."
    );
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "code").unwrap();
    for row in 1..=3 {
        sheet.write(row, 0, format!("X-{row}")).unwrap();
        sheet.write(row, 1, 5).unwrap();
    }
    sheet.write(4, 0, "X-1").unwrap();
    sheet.write(5, 0, 123456).unwrap();
    let xlsx = book.save_to_buffer().unwrap();
    assert_eq!(
        import_file(&app, "vip.xlsx", &xlsx).await,
        "Pool vip: 4 codes added, 1 duplicate skipped, 0 invalid lines. 4 codes are free now."
    );
    let broken = import_file(&app, "vip.xlsx", b"PK\x03\x04 cut short").await;
    assert!(
        broken.starts_with("Nothing was imported: The workbook cannot be read ("),
        "{broken}"
    );
    let stock = app.ask(OPERATOR, &operator(), "/coupons").await.plain();
    for line in [
        "gbk: 2 / 0 / 0",
        "quoted: 1 / 0 / 0",
        "semi: 1 / 0 / 0",
        "vip: 4 / 0 / 0",
    ] {
        assert!(stock.contains(line), "{line} in {stock}");
    }
}

async fn codes_are_redeemed_once_and_stock_is_shown(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    import(&app, "tea", CODES).await;
    let ann = user(7001, "Ann");
    app.ask(7001, &ann, "/start").await;
    let post = app.open_wheel(GROUP, "Tea[tea]*1:1").await;
    app.press(GROUP, post.message_id, &ann, &post.buttons[0].1);
    app.settle().await;
    let code = codes_in(&app, 7001).pop().expect("Ann's code");

    let refused = app.ask(GROUP, &ann, &format!("/redeem {code}")).await;
    assert!(refused.plain().contains("admins"), "{}", refused.plain());
    let done = app
        .ask(GROUP, &operator(), &format!("/redeem {code}"))
        .await;
    assert_eq!(
        done.plain(),
        format!("✅ {code} (tea, held by Ann) is now marked redeemed.")
    );
    let twice = app
        .ask(GROUP, &operator(), &format!("/redeem {code}"))
        .await;
    assert!(
        twice
            .plain()
            .starts_with(&format!("{code} was already redeemed on ")),
        "{}",
        twice.plain()
    );
    let free = app.ask(GROUP, &operator(), "/redeem TEA-0005").await;
    assert_eq!(
        free.plain(),
        "TEA-0005 was never handed out, so it cannot be redeemed."
    );
    let unknown = app.ask(GROUP, &operator(), "/redeem NOPE-1").await;
    assert_eq!(
        unknown.plain(),
        "There is no code NOPE-1. Check it letter by letter."
    );

    let set = app.ask(GROUP, &operator(), "/coupons limit tea 2").await;
    assert_eq!(set.plain(), "Each member may now hold 2 codes of tea.");
    let set = app.ask(GROUP, &operator(), "/coupons alert tea 2").await;
    assert_eq!(
        set.plain(),
        "The operators will be told when tea has fewer than 2 codes left."
    );
    let bad = app.ask(GROUP, &operator(), "/coupons alert nope 2").await;
    assert_eq!(
        bad.plain(),
        "There is no coupon pool nope; /coupons lists them."
    );
    let stock = app.ask(GROUP, &operator(), "/coupons").await.plain();
    assert_eq!(
        stock,
        "🎟 Coupon pools (free / handed out / redeemed):\n\
         tea: 4 / 1 / 1 · 2 per member · alert under 2"
    );
    let mine = app.ask(7001, &ann, "/mycodes").await.plain();
    assert_eq!(mine, format!("Your codes:\n• {code} · Tea (used)"));
    support::verify_every_draw(&app.db.url).await;
}

async fn a_pool_running_low_tells_the_operator_once_and_an_empty_one_says_so(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    import(&app, "tea", "TEA-0001\nTEA-0002\n").await;
    let post = app.open_wheel(GROUP, "Tea[tea]:1").await;
    let members: Vec<Value> = (0..4).map(|i| user(7100 + i, &format!("M{i}"))).collect();
    for m in &members {
        app.say(m["id"].as_i64().unwrap(), m, "/start");
    }
    app.settle().await;
    let before = app.tg.sent_to(OPERATOR).len();
    for m in &members {
        app.press(GROUP, post.message_id, m, &post.buttons[0].1);
    }
    app.settle().await;
    let handed: HashSet<String> = members
        .iter()
        .flat_map(|m| codes_in(&app, m["id"].as_i64().unwrap()))
        .collect();
    assert_eq!(handed.len(), 2, "two codes, two winners");
    let told: Vec<String> = app.tg.sent_to(OPERATOR)[before..]
        .iter()
        .map(Sent::plain)
        .collect();
    assert_eq!(told.len(), 1, "told once per shortage: {told:?}");
    assert!(
        told[0].starts_with("⚠️ Coupon pool tea is running low: 1 left."),
        "{told:?}"
    );
    let answers = answers_now(&app);
    assert_eq!(
        answers
            .iter()
            .filter(|(a, _)| a.contains("No code is left"))
            .count(),
        2,
        "{answers:?}"
    );

    // Topping up arms the alert again.
    import(&app, "tea", "TEA-0003\n").await;
    let stock = app.ask(OPERATOR, &operator(), "/coupons").await.plain();
    assert!(stock.contains("tea: 1 / 2 / 0 ⚠️"), "{stock}");
    support::verify_every_draw(&app.db.url).await;
}

async fn the_luckiest_of_an_envelope_gets_a_code_from_its_pool(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    let refused = app
        .ask(GROUP, &operator(), "/envelope 10 2 Gift[nope]")
        .await;
    assert_eq!(
        refused.plain(),
        "There is no coupon pool nope; /coupons lists them."
    );
    import(&app, "tea", CODES).await;
    let post = app
        .ask(GROUP, &operator(), "/envelope 10 2 Gift[tea]")
        .await;
    assert!(
        post.plain().contains("The luckiest also gets: Gift"),
        "{}",
        post.plain()
    );
    let (ann, bob) = (user(7201, "Ann"), user(7202, "Bob"));
    let before = app.tg.sent_to(GROUP).len();
    app.press(GROUP, post.message_id, &ann, &post.buttons[0].1);
    app.press(GROUP, post.message_id, &bob, &post.buttons[0].1);
    let results = app.next_message(GROUP, before).await.plain();
    app.settle().await;
    // Neither opened a private chat: the results carry the claim link,
    // never the code.
    assert!(results.contains(", who also gets Gift Get your code in private: https://t.me/hearth_test_bot?start=claim_"), "{results}");
    assert!(!results.contains("TEA-"), "{results}");
    let link = &results[results.find("start=").unwrap() + 6..];
    let payload = link.split_whitespace().next().unwrap();
    let luckiest = if results.contains("Luckiest: Ann") {
        (7201, &ann)
    } else {
        (7202, &bob)
    };
    app.say(luckiest.0, luckiest.1, &format!("/start {payload}"));
    app.settle().await;
    assert_eq!(codes_in(&app, luckiest.0).len(), 1);
    support::verify_every_draw(&app.db.url).await;
}

async fn an_envelope_tied_to_a_pool_pays_each_share_as_a_code(db: TestDb) {
    let app = TestApp::spawn(db).await;
    app.group_with_bot(GROUP).await;
    // Gift-card numbers without a face value: the share gives them one.
    import(&app, "tea", "TEA-0001\nTEA-0002\nTEA-0003\n").await;
    let post = app.ask(GROUP, &operator(), "/envelope 10[tea] 2").await;
    assert!(
        post.plain()
            .contains("Each share comes as a coupon code worth it, sent in private."),
        "{}",
        post.plain()
    );
    let (ann, bob) = (user(7301, "Ann"), user(7302, "Bob"));
    app.say(7301, &ann, "/start");
    app.say(7302, &bob, "/start");
    app.settle().await;
    app.press(GROUP, post.message_id, &ann, &post.buttons[0].1);
    app.press(GROUP, post.message_id, &bob, &post.buttons[0].1);
    app.settle().await;
    let mut total = 0;
    for (chat, (answer, _)) in [7301, 7302].into_iter().zip(answers_now(&app)) {
        let share: u64 = answer
            .trim_start_matches("🧧 You got ")
            .split('!')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            answer.ends_with("! Your code is in your private chat with me."),
            "{answer}"
        );
        let private = app.tg.sent_to(chat).last().unwrap().plain();
        assert!(
            private.starts_with("🎟 Your code for envelope #1: TEA-")
                && private.contains(&format!("(worth {share})")),
            "{private}"
        );
        total += share;
    }
    assert_eq!(total, 10, "the codes carry the whole envelope");
    support::verify_every_draw(&app.db.url).await;
}
