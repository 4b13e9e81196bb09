//! Channels on Telegram, end to end: named channel links and what each
//! brought (joins, stayers after 7 days, audited removals), and a live code
//! that hands visitors single-use links into the first group with room,
//! in order and never over the cap, however many arrive at once. On SQLite
//! and PostgreSQL.

use crate::{
    docs::{assert_shown, example},
    docs_answers::{CHANNELS, FUNNEL},
    on_both_databases, support,
};
use std::{sync::Arc, time::Duration};

use hearth::{
    domain::{DisplayName, UserId},
    engine::{Engine, Event, Incoming, Person},
};
use serde_json::Value;
use support::{OPERATOR, TestApp, TestDb, operator, user};

const GROUP: i64 = -1031;
const SHOPS: [i64; 2] = [-1041, -1042];

on_both_databases!(
    each_channel_shows_its_joins_stayers_and_audited_removals,
    a_live_code_fills_groups_in_order_and_never_over_the_cap,
    the_funnel_follows_members_from_their_join_to_a_redeemed_code,
);

/// The first `https://` link in a text.
fn link_in(text: &str) -> String {
    let start = text
        .find("https://")
        .unwrap_or_else(|| panic!("no link in {text:?}"));
    text[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

async fn each_channel_shows_its_joins_stayers_and_audited_removals(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-01T02:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    let made = app.ask(GROUP, &op, "/channel add poster").await.plain();
    assert!(
        made.starts_with("🔗 Channel “poster”: https://t.me/+"),
        "{made}"
    );
    let poster = link_in(&made);
    let again = app.ask(GROUP, &op, "/channel add Poster").await.plain();
    assert_eq!(link_in(&again), poster, "asked again: the same link");
    let staff = link_in(&app.ask(GROUP, &op, "/channel add staff").await.plain());
    app.ask(GROUP, &op, "/channel add menu").await;
    let bob = user(9300, "Bob");
    let bobs = app.invite_link(GROUP, &bob).await;

    let (amy, ad, ben) = (
        user(9301, "Amy"),
        user(9302, "A雅琴代理"),
        user(9303, "Ben"),
    );
    for member in [&amy, &ad, &ben] {
        app.join_via_link(GROUP, member, &poster);
    }
    app.join_via_link(GROUP, &user(9304, "Cat"), &staff);
    app.join_via_link(GROUP, &user(9305, "Dan"), &staff);
    app.join_via_link(GROUP, &user(9306, "Eve"), &bobs);
    app.join_public(GROUP, &user(9307, "Fay"));
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(60)).await;

    // The audit removes the ad account; Ben leaves on his own.
    app.remove_first_suspect(GROUP).await;
    app.leave(GROUP, &ben);
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(8 * 24 * 3600)).await;
    // A week later the poster brings one more, too new to have stayed.
    app.join_via_link(GROUP, &user(9308, "Gus"), &poster);
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(60)).await;

    // The guide shows this very example: the link, then the report.
    let report = app.ask(GROUP, &op, "/channels").await.plain();
    let (page, first) = CHANNELS;
    let shown = example(page, first);
    assert_shown(page, &shown, 0, &made);
    assert_shown(page, &shown, 3, &report);
    assert!(report.contains("\n· poster: 4 · 1/3 · 1\n"), "{report}");
    // Channel links are made by operators; members are told once.
    let refused = app.ask(GROUP, &amy, "/channel add mine").await.plain();
    assert_eq!(refused, "That command is for operators only.");
}

/// A visitor opens the live code's link: the bot receives `/start join_shop`
/// in their private chat. Sent straight into the engine, so several can
/// arrive at the very same moment.
async fn visit(engine: Arc<Engine>, id: i64) {
    let person = Person {
        id: UserId::parse(&format!("tg:{id}")).unwrap(),
        name: DisplayName::from_stored(format!("Visitor {id}")),
        is_bot: false,
        lang: None,
        handle: None,
    };
    let event = Event::Command {
        chat: hearth::domain::ChatId::private_with(&person.id),
        group: None,
        from: person,
        text: "/start join_shop".to_owned(),
        topic: None,
    };
    let incoming = Incoming {
        key: format!("visit:{id}"),
        event,
    };
    engine.handle_batch(vec![incoming]).await.unwrap();
}

/// The bot's first answer in a visitor's private chat.
async fn answer(app: &TestApp, id: i64) -> String {
    app.tg.wait_for(id, 1).await[0].plain()
}

async fn a_live_code_fills_groups_in_order_and_never_over_the_cap(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let op = operator();
    for shop in SHOPS {
        app.group_with_bot(shop).await;
        app.tg.set_member_count(shop, 10);
    }
    app.ask(OPERATOR, &op, "/groupset save shop tg:-1041 tg:-1042")
        .await;
    let made = app
        .ask(OPERATOR, &op, "/channel live shop shop 13")
        .await
        .plain();
    assert!(
        made.starts_with("🔗 Live code “shop”: https://t.me/hearth_test_bot?start=join_shop\n"),
        "{made}"
    );

    // Three places in each group (13 − 10). The first visitors go to the
    // first group, one after the other; asking again gives the same link.
    let engine = app.engine.clone().unwrap();
    visit(engine.clone(), 9401).await;
    let first = answer(&app, 9401).await;
    assert!(
        first.starts_with("Welcome! Join “Group 1041” here: https://t.me/+"),
        "{first}"
    );
    visit(engine.clone(), 9402).await;
    assert!(answer(&app, 9402).await.contains("“Group 1041”"));
    app.say(9401, &user(9401, "Visitor 9401"), "/start join_shop");
    let repeated = app.tg.wait_for(9401, 2).await[1].plain();
    assert_eq!(link_in(&repeated), link_in(&first));

    // Eight arrive at once: one place is left in the first group, three in
    // the second, and four are told all groups are full.
    let mut visits = tokio::task::JoinSet::new();
    for id in 9403..9411 {
        visits.spawn(visit(engine.clone(), id));
    }
    visits.join_all().await;
    let mut into = std::collections::HashMap::new();
    let mut full = 0;
    for id in 9403..9411 {
        let text = answer(&app, id).await;
        if text.starts_with("Every group is full right now") {
            full += 1;
        } else {
            let group = if text.contains("Group 1041") {
                SHOPS[0]
            } else {
                SHOPS[1]
            };
            *into.entry(group).or_insert(0) += 1;
        }
    }
    assert_eq!(into.get(&SHOPS[0]), Some(&1));
    assert_eq!(into.get(&SHOPS[1]), Some(&3));
    assert_eq!(full, 4);
    let links = app.tg.calls("createChatInviteLink");
    let single_use: Vec<&Value> = links.iter().filter(|c| c["member_limit"] == 1).collect();
    assert_eq!(single_use.len(), 6, "exactly the places there were");
    for shop in SHOPS {
        assert_eq!(
            single_use.iter().filter(|c| c["chat_id"] == shop).count(),
            3
        );
    }
    // The operator hears once that the set is full, with what to do.
    app.settle().await;
    let told: Vec<String> = app
        .tg
        .sent_to(OPERATOR)
        .iter()
        .map(|m| m.plain())
        .filter(|t| t.starts_with("⚠️"))
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("Create the next group"), "{}", told[0]);

    // A visitor who joins through the link is counted for the live code.
    app.join_via_link(SHOPS[0], &user(9401, "Visitor 9401"), &link_in(&first));
    app.settle().await;
    let report = app.ask(SHOPS[0], &op, "/channels").await.plain();
    assert!(
        report.contains("\n· shop: 1 · none 7 days in yet · 0"),
        "{report}"
    );
}

async fn the_funnel_follows_members_from_their_join_to_a_redeemed_code(db: TestDb) {
    const SHOP: i64 = -1051;
    let app = TestApp::spawn(db).await;
    app.group_with_bot(SHOP).await;
    let op = operator();
    app.send_file(&op, "f1", "tea.csv", Some("tea"), b"TEA-0001\nTEA-0002\n");
    app.tg.wait_for(OPERATOR, 1).await;
    let bob = user(9500, "Bob");
    app.join_public(SHOP, &bob);
    let link = app.invite_link(SHOP, &bob).await;
    let (ann, cy) = (user(9501, "Ann"), user(9502, "Cy"));
    for member in [&ann, &cy, &user(9503, "Di")] {
        app.join_via_link(SHOP, member, &link);
    }
    app.join_public(SHOP, &user(9504, "Ed"));
    app.say(SHOP, &ann, "hello all");
    app.say(SHOP, &ann, "anyone here?");
    app.say(SHOP, &cy, "hi");
    // Greeted first: the wheel's announcement is the next message.
    app.settle().await;
    // Ann wins a code on the wheel and redeems it at the till.
    app.ask(9501, &ann, "/start").await;
    let wheel = app.open_wheel(SHOP, "Tea[tea]*1:1").await;
    app.press(SHOP, wheel.message_id, &ann, &wheel.buttons[0].1);
    app.settle().await;
    let code = app
        .tg
        .sent_to(9501)
        .iter()
        .find_map(|m| {
            let text = m.plain();
            let at = text.find("TEA-")?;
            Some(text[at..at + 8].to_owned())
        })
        .expect("Ann's code");
    app.ask(SHOP, &op, &format!("/redeem {code}")).await;

    let funnel = app.ask(SHOP, &op, "/funnel").await.plain();
    // The guide shows this very funnel.
    let (page, first) = FUNNEL;
    assert_shown(page, &example(page, first), 0, &funnel);
    assert!(funnel.contains("\n· Bob: 3 → 0 → 2 → 1 → 1\n"), "{funnel}");
    // The same figures as CSV, for spreadsheets.
    let mut csv = Vec::new();
    let store = app.engine.as_ref().unwrap().store();
    hearth::cli::export::export(store, hearth::cli::export::Table::Funnel, &mut csv)
        .await
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with(
            "group,inviter,inviter_name,joined,stayed_7_days,active,got_code,redeemed\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("tg:-1051,tg:9500,Bob,3,0,2,1,1\n"), "{csv}");
    assert!(csv.contains("tg:-1051,,,2,0,0,0,0\n"), "{csv}");
    let refused = app.ask(SHOP, &ann, "/funnel").await.plain();
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
}
