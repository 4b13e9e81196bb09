//! The delivery engine under a misbehaving Telegram: rate limits, server
//! errors, slow answers and timeouts, across many groups at once.

use crate::{on_both_databases, support};
use std::time::{Duration, Instant};

use support::{OPERATOR, PACE, TestApp, TestDb, user};

const GROUPS: i64 = 20;
const POSTS_PER_GROUP: usize = 50;

on_both_databases!(a_thousand_posts_across_twenty_groups_all_arrive_in_order_despite_faults,);

async fn a_thousand_posts_across_twenty_groups_all_arrive_in_order_despite_faults(db: TestDb) {
    let app = TestApp::spawn_at(db, "2026-11-10T12:00:00Z").await;
    let groups: Vec<i64> = (1..=GROUPS).map(|n| -2000 - n).collect();
    for group in &groups {
        app.group_with_bot(*group).await;
    }
    let op = user(OPERATOR, "Operator");
    let ids: Vec<String> = groups.iter().map(i64::to_string).collect();
    let saved = app
        .ask(
            OPERATOR,
            &op,
            &format!("/groupset save all {}", ids.join(" ")),
        )
        .await;
    assert!(saved.plain().contains("20"), "{}", saved.plain());
    // Post i of every group runs at 12:01 + i minutes.
    for i in 0..POSTS_PER_GROUP {
        let (hour, minute) = (12 + (1 + i) / 60, (1 + i) % 60);
        let reply = app
            .ask(
                OPERATOR,
                &op,
                &format!(
                    "/schedule once 2026-11-10T{hour}:{minute:02} notice --groups all Post {i}"
                ),
            )
            .await;
        assert!(reply.plain().starts_with('✅'), "{}", reply.plain());
    }
    app.settle().await;

    // One call in ten meets a 429, a 500, a 502, a timeout or a slow answer.
    app.tg.inject_faults(10);
    for _ in 0..POSTS_PER_GROUP {
        app.tick(Duration::from_secs(60)).await;
    }
    // teloxide pauses 10 s after every 5xx before it reports one, so a group
    // that meets several takes a while; other groups go on meanwhile.
    app.settle_within(Duration::from_secs(240)).await;
    let faults = app.tg.faults();
    for kind in ["429", "500", "502", "timeout", "slow"] {
        assert!(
            faults.get(kind).is_some_and(|n| *n > 0),
            "no {kind} met: {faults:?}"
        );
    }
    for group in &groups {
        let posts: Vec<String> = app
            .tg
            .sent_to(*group)
            .iter()
            .map(|m| m.plain())
            .filter(|t| t.starts_with("📢 Post "))
            .collect();
        let expected: Vec<String> = (0..POSTS_PER_GROUP)
            .map(|i| format!("📢 Post {i}"))
            .collect();
        assert_eq!(posts, expected, "group {group}: every post once, in order");
        // Within the limits, as Telegram saw them: never more than the quota
        // of messages in one window, never two closer than the gap (to the
        // millisecond: the pacer counts whole milliseconds).
        let sent = app.tg.sent_to(*group);
        let times: Vec<Instant> = sent.iter().map(|m| m.at).collect();
        for (i, pair) in times.windows(2).enumerate() {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(PACE.chat_gap_ms as u64 - 1),
                "group {group}: {:?} between {:?} and {:?}",
                pair[1] - pair[0],
                sent[i].plain(),
                sent[i + 1].plain()
            );
        }
        for span in times.windows(PACE.chat_quota + 1) {
            let window = Duration::from_millis(PACE.window_ms as u64 - 1);
            assert!(
                span[PACE.chat_quota] - span[0] >= window,
                "group {group}: over the quota"
            );
        }
    }
}
