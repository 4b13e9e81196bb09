//! The store on both databases: one suite, run on SQLite and PostgreSQL.

use crate::{on_both_databases, support};
use hearth::{
    domain::{ChatId, DisplayName, Lang, UserId},
    rituals::{greeting::invites::MemberRecord, leaderboard::store as leaderboard},
    store::{self, Store, groups::Group, members::MemberRow},
};
use support::TestDb;

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn group(id: i64) -> Group {
    Group {
        id: ChatId::telegram(id),
        title: "G".into(),
        owner: UserId::telegram(1),
        lang: Lang::Zh,
        timezone: chrono_tz::Asia::Shanghai,
        public_handle: None,
        can_invite: true,
        active: true,
        welcome_template: None,
        welcome_pace: None,
    }
}

async fn an_update_is_claimed_once(db: TestDb) {
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    assert!(store::updates::claim(&mut conn, "tg:1:0", 0).await.unwrap());
    assert!(!store::updates::claim(&mut conn, "tg:1:0", 5).await.unwrap());
    assert!(
        store::updates::is_processed(&mut conn, "tg:1:0")
            .await
            .unwrap()
    );
}

async fn migrations_are_idempotent_and_groups_round_trip(db: TestDb) {
    let store = open(&db).await;
    store.migrate().await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    store::groups::register(&mut conn, &group(-5), true, 0)
        .await
        .unwrap();
    store::groups::set_welcome(&mut conn, &ChatId::telegram(-5), "Hi {{newcomer}}")
        .await
        .unwrap();
    store::groups::deactivate(&mut conn, &ChatId::telegram(-5))
        .await
        .unwrap();
    let back = store::groups::get(&mut conn, &ChatId::telegram(-5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.lang, Lang::Zh);
    assert!(!back.active);
    assert_eq!(back.welcome_template.as_deref(), Some("Hi {{newcomer}}"));
    // Re-registering re-activates and keeps the settings.
    store::groups::register(&mut conn, &group(-5), true, 1)
        .await
        .unwrap();
    let back = store::groups::get(&mut conn, &ChatId::telegram(-5))
        .await
        .unwrap()
        .unwrap();
    assert!(back.active);
    assert_eq!(back.welcome_template.as_deref(), Some("Hi {{newcomer}}"));
}

async fn standings_count_only_credited_members_and_rank_ties_by_time(db: TestDb) {
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let g = ChatId::telegram(-5);
    let (a, b) = (UserId::telegram(1), UserId::telegram(2));
    let row = |inviter: &UserId, present: bool, at: i64| MemberRow {
        record: MemberRecord {
            first_inviter: Some(inviter.clone()),
            present,
            ..Default::default()
        },
        credited_at: Some(at),
    };
    let key = |m: i64| (g.clone(), UserId::telegram(m));
    let rows = vec![
        (key(10), row(&b, true, 100)),
        (key(11), row(&a, true, 200)),
        (key(12), row(&a, false, 300)),
    ];
    store::members::put_many(&mut conn, &rows, 0).await.unwrap();
    let standings = leaderboard::top(&mut conn, &g, 10).await.unwrap();
    let order: Vec<_> = standings
        .iter()
        .map(|s| (s.inviter.clone(), s.count))
        .collect();
    assert_eq!(order, vec![(b.clone(), 1), (a.clone(), 1)]);
    assert_eq!(
        leaderboard::standing_of(&mut conn, &g, &a).await.unwrap(),
        (1, Some(2))
    );
    assert_eq!(
        leaderboard::standing_of(&mut conn, &g, &UserId::telegram(9))
            .await
            .unwrap(),
        (0, None)
    );
    // Across groups the counts add up; one leaving takes theirs back.
    let other = ChatId::telegram(-6);
    let elsewhere = (other.clone(), UserId::telegram(20));
    store::members::put_many(&mut conn, &[(elsewhere.clone(), row(&a, true, 400))], 0)
        .await
        .unwrap();
    let both = [g.clone(), other.clone()];
    let across = leaderboard::top_across(&mut conn, &both, 10).await.unwrap();
    assert_eq!((across[0].inviter.clone(), across[0].count), (a.clone(), 2));
    store::members::put_many(&mut conn, &[(elsewhere, row(&a, false, 400))], 0)
        .await
        .unwrap();
    let across = leaderboard::top_across(&mut conn, &both, 10).await.unwrap();
    let order: Vec<_> = across
        .iter()
        .map(|s| (s.inviter.clone(), s.count))
        .collect();
    assert_eq!(order, vec![(b.clone(), 1), (a.clone(), 1)]);
    assert!(
        leaderboard::top(&mut conn, &other, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let back = store::members::get_many(&mut conn, &[key(12), key(99)])
        .await
        .unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[&key(12)], rows[2].1);
}

async fn join_intents_are_taken_once(db: TestDb) {
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let key = (ChatId::telegram(-5), UserId::telegram(2));
    store::links::record_intents(&mut conn, &[(key.clone(), UserId::telegram(1))], 0)
        .await
        .unwrap();
    let taken = store::links::take_intents(&mut conn, std::slice::from_ref(&key))
        .await
        .unwrap();
    assert_eq!(taken.get(&key), Some(&UserId::telegram(1)));
    assert!(
        store::links::take_intents(&mut conn, &[key])
            .await
            .unwrap()
            .is_empty()
    );
    // Intents nobody took up are forgotten once old; newer ones stay.
    let (old, new) = (
        (ChatId::telegram(-5), UserId::telegram(3)),
        (ChatId::telegram(-5), UserId::telegram(4)),
    );
    let inviter = UserId::telegram(1);
    store::links::record_intents(&mut conn, &[(old.clone(), inviter.clone())], 10)
        .await
        .unwrap();
    store::links::record_intents(&mut conn, &[(new.clone(), inviter)], 100)
        .await
        .unwrap();
    assert_eq!(store::links::prune_intents(&mut conn, 50).await.unwrap(), 1);
    let left = store::links::take_intents(&mut conn, &[old, new.clone()])
        .await
        .unwrap();
    assert_eq!(left.keys().collect::<Vec<_>>(), [&new]);
}

async fn names_survive_any_unicode(db: TestDb) {
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let name = DisplayName::clean("芬芬 🎉 'quote\" <b> مرحبا", "?");
    let seen = store::members::SeenUser {
        id: UserId::telegram(3),
        name: name.clone(),
        is_bot: false,
        handle: Some("芬芬_fan".into()),
    };
    store::members::upsert_users(&mut conn, std::slice::from_ref(&seen))
        .await
        .unwrap();
    assert_eq!(
        store::members::name_of(&mut conn, &UserId::telegram(3))
            .await
            .unwrap(),
        Some(name.clone())
    );
    // Seen again where the platform shows no @username: the one known stays.
    let unnamed = store::members::SeenUser {
        handle: None,
        ..seen
    };
    store::members::upsert_users(&mut conn, &[unnamed])
        .await
        .unwrap();
    assert_eq!(
        store::members::by_handle(&mut conn, "芬芬_fan", 5)
            .await
            .unwrap(),
        vec![(UserId::telegram(3), name)]
    );
}

async fn outbox_offers_each_chats_oldest_entry_first(db: TestDb) {
    use hearth::domain::Platform::Telegram;
    use store::outbox::Lane::Owed;
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let (busy, quiet) = (ChatId::telegram(-5), ChatId::telegram(-6));
    for i in 0..3 {
        store::outbox::enqueue(&mut conn, &busy, None, &format!("{{\"n\":{i}}}"), Owed, 10)
            .await
            .unwrap();
    }
    store::outbox::enqueue(&mut conn, &quiet, None, "{\"n\":9}", Owed, 10)
        .await
        .unwrap();
    let first: Vec<(ChatId, String)> = store::outbox::heads(&mut conn, Telegram, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.chat, e.action))
        .collect();
    assert_eq!(
        first,
        vec![
            (busy.clone(), "{\"n\":0}".to_owned()),
            (quiet.clone(), "{\"n\":9}".to_owned())
        ],
        "one head per chat, the quiet chat not hidden behind the busy one"
    );
    let ids: Vec<i64> = store::outbox::heads(&mut conn, Telegram, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    store::outbox::mark_sent(&mut conn, ids[0], 11)
        .await
        .unwrap();
    let next = store::outbox::heads(&mut conn, Telegram, 10).await.unwrap();
    assert_eq!(
        next[0].action, "{\"n\":1}",
        "the busy chat's next entry follows"
    );
    store::outbox::mark_failed(&mut conn, next[0].id, "gone")
        .await
        .unwrap();
    assert_eq!(store::outbox::pending_count(&mut conn).await.unwrap(), 2);
}

async fn what_a_group_is_owed_goes_ahead_of_answers(db: TestDb) {
    use hearth::domain::Platform::Telegram;
    use store::outbox::Lane::{Answer, Owed};
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let group = ChatId::telegram(-7);
    for (json, lane) in [("a1", Answer), ("a2", Answer), ("g1", Owed), ("g2", Owed)] {
        store::outbox::enqueue(&mut conn, &group, None, &format!("\"{json}\""), lane, 10)
            .await
            .unwrap();
    }
    let mut order = Vec::new();
    while let Some(head) = store::outbox::heads(&mut conn, Telegram, 10)
        .await
        .unwrap()
        .into_iter()
        .next()
    {
        order.push(head.action.trim_matches('"').to_owned());
        store::outbox::mark_sent(&mut conn, head.id, 11)
            .await
            .unwrap();
    }
    assert_eq!(
        order,
        ["g1", "g2", "a1", "a2"],
        "greetings first, then the answers, each lane in its order"
    );
}

on_both_databases!(
    an_update_is_claimed_once,
    migrations_are_idempotent_and_groups_round_trip,
    standings_count_only_credited_members_and_rank_ties_by_time,
    join_intents_are_taken_once,
    names_survive_any_unicode,
    outbox_offers_each_chats_oldest_entry_first,
    what_a_group_is_owed_goes_ahead_of_answers,
    a_draws_slots_go_once_each_and_close_once,
    a_waiting_draw_takes_no_one_and_opens_once_when_due,
    a_winner_is_either_claimed_or_replaced_never_both,
);

async fn a_waiting_draw_takes_no_one_and_opens_once_when_due(db: TestDb) {
    use hearth::rituals::draws::store::NewDraw;
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let group = ChatId::telegram(-8);
    let new = NewDraw {
        group: &group,
        kind: hearth::domain::draw::DrawKind::Wheel,
        params: "{}",
        seed: "00",
        commitment: "ff",
        slots: 5,
        created_by: &UserId::telegram(1),
        open: false,
        closes_at: None,
    };
    let id = hearth::rituals::draws::store::insert(&mut conn, &new, 0)
        .await
        .unwrap();
    assert_eq!(
        hearth::rituals::draws::store::take_slot(&mut conn, id)
            .await
            .unwrap(),
        None
    );
    assert!(
        hearth::rituals::draws::store::due(&mut conn, 1_000)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        hearth::rituals::draws::store::set_window(&mut conn, id, 100, Some(200))
            .await
            .unwrap()
    );
    assert_eq!(due_ids(&mut conn, 99).await, Vec::<i64>::new());
    assert_eq!(due_ids(&mut conn, 100).await, vec![id]);
    assert!(
        hearth::rituals::draws::store::mark_opened(&mut conn, id, 100)
            .await
            .unwrap()
    );
    assert!(
        !hearth::rituals::draws::store::mark_opened(&mut conn, id, 101)
            .await
            .unwrap(),
        "opened once"
    );
    assert!(
        !hearth::rituals::draws::store::set_window(&mut conn, id, 300, None)
            .await
            .unwrap(),
        "an open draw keeps its window"
    );
    assert_eq!(
        due_ids(&mut conn, 150).await,
        Vec::<i64>::new(),
        "open, not yet closing"
    );
    assert_eq!(
        hearth::rituals::draws::store::take_slot(&mut conn, id)
            .await
            .unwrap(),
        Some(0)
    );
    assert_eq!(due_ids(&mut conn, 200).await, vec![id], "due to close");
    assert!(
        hearth::rituals::draws::store::close(&mut conn, id, 200)
            .await
            .unwrap()
    );
    assert_eq!(due_ids(&mut conn, 500).await, Vec::<i64>::new());
}

/// The ids of the draws due to open or close at `at`.
async fn due_ids(conn: &mut sqlx::AnyConnection, at: i64) -> Vec<i64> {
    let due = hearth::rituals::draws::store::due(conn, at).await.unwrap();
    due.iter().map(|d| d.id).collect()
}

async fn a_winner_is_either_claimed_or_replaced_never_both(db: TestDb) {
    use hearth::rituals::{
        draws::store::{Entry, NewDraw},
        giveaway::store::{self as winners, Claim},
    };
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let group = ChatId::telegram(-9);
    let new = NewDraw {
        group: &group,
        kind: hearth::domain::draw::DrawKind::Giveaway,
        params: "{}",
        seed: "00",
        commitment: "ff",
        slots: 10,
        created_by: &UserId::telegram(1),
        open: true,
        closes_at: None,
    };
    let id = hearth::rituals::draws::store::insert(&mut conn, &new, 0)
        .await
        .unwrap();
    for user in 0..4 {
        let position = hearth::rituals::draws::store::take_slot(&mut conn, id)
            .await
            .unwrap()
            .unwrap();
        let entry = Entry {
            user: UserId::telegram(20 + user),
            name: DisplayName::clean(&format!("W{user}"), "m"),
            position,
            amount: 0,
        };
        assert!(
            hearth::rituals::draws::store::enter(&mut conn, id, &entry, 1)
                .await
                .unwrap()
        );
    }
    winners::add_round(&mut conn, id, 0, &[2, 0]).await.unwrap();
    let (a, b) = (UserId::telegram(22), UserId::telegram(20));
    assert_eq!(
        winners::claim(&mut conn, id, &a, 5).await.unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        winners::claim(&mut conn, id, &a, 6).await.unwrap(),
        Claim::Already
    );
    assert_eq!(
        winners::claim(&mut conn, id, &UserId::telegram(21), 6)
            .await
            .unwrap(),
        Claim::NotAWinner
    );
    let replaced = winners::replace(&mut conn, id, &[a.clone(), b.clone()], 7)
        .await
        .unwrap();
    assert_eq!(
        replaced,
        vec![b.clone()],
        "a claimed winner keeps the prize"
    );
    assert_eq!(
        winners::claim(&mut conn, id, &b, 8).await.unwrap(),
        Claim::Replaced
    );
    winners::add_round(&mut conn, id, 1, &[3]).await.unwrap();
    let all = winners::of_draw(&mut conn, id).await.unwrap();
    let rows: Vec<(&str, i64, i64, bool, bool)> = all
        .iter()
        .map(|w| {
            (
                w.name.as_str(),
                w.round,
                w.position,
                w.claimed_at.is_some(),
                w.replaced_at.is_some(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("W2", 0, 2, true, false),
            ("W0", 0, 0, false, true),
            ("W3", 1, 3, false, false),
        ]
    );
}

async fn a_draws_slots_go_once_each_and_close_once(db: TestDb) {
    use hearth::rituals::draws::store::{Entry, NewDraw};
    let store = open(&db).await;
    let mut conn = store.pool().acquire().await.unwrap();
    let group = ChatId::telegram(-7);
    let new = NewDraw {
        group: &group,
        kind: hearth::domain::draw::DrawKind::Wheel,
        params: "{}",
        seed: "00",
        commitment: "ff",
        slots: 2,
        created_by: &UserId::telegram(1),
        open: true,
        closes_at: None,
    };
    let id = hearth::rituals::draws::store::insert(&mut conn, &new, 5)
        .await
        .unwrap();
    let entry = |user: i64, position, amount| Entry {
        user: UserId::telegram(user),
        name: DisplayName::clean("m", "m"),
        position,
        amount,
    };
    for (user, outcome) in [(10, 3), (11, 3)] {
        let position = hearth::rituals::draws::store::take_slot(&mut conn, id)
            .await
            .unwrap()
            .unwrap();
        let e = entry(user, position, outcome);
        assert!(
            hearth::rituals::draws::store::enter(&mut conn, id, &e, 6)
                .await
                .unwrap()
        );
        hearth::rituals::draws::store::count_outcome(&mut conn, id, outcome)
            .await
            .unwrap();
    }
    assert_eq!(
        hearth::rituals::draws::store::take_slot(&mut conn, id)
            .await
            .unwrap(),
        None,
        "no third slot"
    );
    assert!(
        !hearth::rituals::draws::store::enter(&mut conn, id, &entry(10, 5, 1), 7)
            .await
            .unwrap(),
        "a member enters once"
    );
    assert_eq!(
        hearth::rituals::draws::store::tally(&mut conn, id)
            .await
            .unwrap(),
        vec![(3, 2)]
    );
    let positions: Vec<i64> = hearth::rituals::draws::store::entries(&mut conn, id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.position)
        .collect();
    assert_eq!(positions, vec![0, 1]);
    assert!(
        hearth::rituals::draws::store::close(&mut conn, id, 8)
            .await
            .unwrap()
    );
    assert!(
        !hearth::rituals::draws::store::close(&mut conn, id, 9)
            .await
            .unwrap(),
        "closed once"
    );
    let draw = hearth::rituals::draws::store::get(&mut conn, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((draw.taken, draw.closed_at), (2, Some(8)));
}
