//! Invite-contest milestones on Telegram, end to end: a member who reaches
//! the threshold of effective invites, once the audit has cleared their
//! invitees, is congratulated in the group, gets a code from the pool and a
//! certificate image; a replay or a restart awards nothing twice. On SQLite
//! and PostgreSQL.

use crate::{on_both_databases, support};
use std::time::Duration;

use support::{OPERATOR, TestApp, TestDb, operator, user};

const GROUP: i64 = -1061;

on_both_databases!(a_member_who_reaches_a_milestone_after_the_audit_gets_a_code_and_a_certificate,);

/// Waits until the fake server holds `n` photos.
async fn photos(app: &TestApp, n: usize) -> Vec<support::botapi::Photo> {
    let wait = async {
        loop {
            let photos = app.tg.photos();
            if photos.len() >= n {
                return photos;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .unwrap_or_else(|_| panic!("{n} photos"))
}

async fn a_member_who_reaches_a_milestone_after_the_audit_gets_a_code_and_a_certificate(
    db: TestDb,
) {
    let mut app = TestApp::spawn_at(db, "2026-11-11T02:00:00Z").await;
    app.group_with_bot(GROUP).await;
    let op = operator();
    app.ask(GROUP, &op, "/timezone Asia/Shanghai").await;
    let before = app.tg.sent_to(OPERATOR).len();
    app.send_file(&op, "f1", "gift.csv", Some("gift"), b"GIFT-001\nGIFT-002\n");
    app.next_message(OPERATOR, before).await;

    // Mistakes are explained and change nothing.
    assert_eq!(
        app.ask(GROUP, &op, "/milestone add 3 nopool").await.plain(),
        "There is no coupon pool named nopool; send me a CSV of its codes in private first."
    );
    assert!(
        app.ask(GROUP, &op, "/milestone add 0")
            .await
            .plain()
            .starts_with("`0` is not a count of invites"),
    );
    assert_eq!(app.db.count("SELECT COUNT(*) FROM milestones").await, 0);
    assert_eq!(
        app.ask(GROUP, &op, "/milestone add 3 gift").await.plain(),
        "🏅 Milestone set: at 3 effective invites (with none of their invitees waiting for review) a member is congratulated here and gets a code from gift and a certificate."
    );

    // Lily brings three, one of them an ad account the screening flags.
    let lily = user(6001, "Lily 莉莉");
    let link = app.invite_link(GROUP, &lily).await;
    for friend in [
        user(6101, "Amy"),
        user(6102, "Ben"),
        user(6103, "A代理加微信"),
    ] {
        app.join_via_link(GROUP, &friend, &link);
    }
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(60)).await;
    app.advance(Duration::from_secs(5)).await;
    assert_eq!(
        app.db.count("SELECT COUNT(*) FROM milestone_awards").await,
        0,
        "three invites, but one waits for review: no award yet"
    );
    // The audit removes the ad account: two left, still short.
    app.remove_first_suspect(GROUP).await;
    app.advance(Duration::from_secs(5)).await;
    assert_eq!(
        app.db.count("SELECT COUNT(*) FROM milestone_awards").await,
        0
    );
    assert!(app.tg.photos().is_empty());

    // A third real friend: the milestone is reached.
    let before = app.tg.sent_to(GROUP).len();
    app.join_via_link(GROUP, &user(6104, "Cai"), &link);
    app.tg.wait_until_consumed().await;
    app.advance(Duration::from_secs(5)).await;
    let certificate = photos(&app, 1).await.remove(0);
    app.settle().await;
    let said: Vec<_> = app.tg.sent_to(GROUP)[before..]
        .iter()
        .filter(|m| m.plain().contains("reached 3"))
        .cloned()
        .collect();
    assert_eq!(said.len(), 1, "congratulated once");
    let text = said[0].plain();
    assert!(
        text.starts_with("Lily 莉莉 reached 3 effective invites, congratulations! 🎉 Get your code in private: https://t.me/hearth_test_bot?start=claim_"),
        "{text}"
    );
    assert!(
        text.ends_with("Your certificate follows; show it to claim your prize."),
        "{text}"
    );
    assert_eq!(said[0].mentions(), [6001], "Lily is notified");

    assert_eq!(certificate.chat_id, GROUP);
    let serial = certificate
        .caption
        .strip_prefix("🏅 Certificate No. ")
        .and_then(|rest| rest.strip_suffix(" · Lily 莉莉 · 3 effective invites"))
        .unwrap_or_else(|| panic!("{}", certificate.caption));
    assert_eq!(serial.len(), 8);
    assert_eq!(certificate.file_name, format!("certificate-{serial}.png"));
    let decoder = png::Decoder::new(std::io::Cursor::new(&certificate.bytes));
    let info = decoder.read_info().unwrap();
    assert_eq!((info.info().width, info.info().height), (1200, 840));
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM coupon_codes WHERE user_id = 'tg:6001' AND reason = 'milestone:3'")
            .await,
        1
    );

    // Nothing twice: not on a replay, not after a restart.
    app.restart().await;
    app.tg.redeliver_everything();
    app.settle().await;
    app.advance(Duration::from_secs(5)).await;
    assert_eq!(app.tg.photos().len(), 1);
    assert_eq!(
        app.db.count("SELECT COUNT(*) FROM milestone_awards").await,
        1
    );
    assert_eq!(
        app.db
            .count("SELECT COUNT(*) FROM coupon_codes WHERE user_id IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.ask(GROUP, &op, "/milestone").await.plain(),
        "🏅 Milestones here (effective invites, after review):\n· 3: a code from gift and a certificate; reached by 1"
    );
    assert_eq!(
        app.ask(GROUP, &user(6101, "Amy"), "/milestone add 1")
            .await
            .plain(),
        "That command is for group admins and operators only."
    );
}
