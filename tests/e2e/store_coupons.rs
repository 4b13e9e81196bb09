//! Coupon codes in the store: each code goes once, ever, and a member holds
//! at most the pool's limit, in any order of requests (a property test
//! against a model) and under 300 concurrent requests on SQLite and
//! PostgreSQL.

use crate::{on_both_databases, support};
use std::collections::HashSet;

use hearth::{
    domain::{ChatId, UserId},
    rituals::coupons::{
        rules::{Code, NewCode, PoolName},
        store::codes::{Grant, Taken},
    },
    store::Store,
};
use proptest::prelude::*;
use support::TestDb;

async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn codes(prefix: &str, n: usize) -> Vec<NewCode> {
    (0..n)
        .map(|i| NewCode {
            line: i + 1,
            code: Code::parse(&format!("{prefix}-{i}")).unwrap(),
            value: None,
        })
        .collect()
}

/// Creates `pool` with `stock` codes and a per-member `limit`.
async fn pool(
    store: &Store,
    name: &str,
    stock: usize,
    limit: i64,
) -> hearth::rituals::coupons::store::Pool {
    let name = PoolName::parse(name).unwrap();
    let mut conn = store.connection().await.unwrap();
    let owner = UserId::telegram(1);
    hearth::rituals::coupons::store::ensure_pool(&mut conn, &name, Some(&owner), 0)
        .await
        .unwrap();
    hearth::rituals::coupons::store::set_per_member(&mut conn, &name, &owner, limit)
        .await
        .unwrap();
    let added = hearth::rituals::coupons::store::add_codes(
        &mut conn,
        &name,
        &codes(name.as_str(), stock),
        0,
    )
    .await
    .unwrap();
    assert_eq!(added, stock as u64);
    hearth::rituals::coupons::store::get_pool(&mut conn, &name)
        .await
        .unwrap()
        .unwrap()
}

/// One request for a code, in its own transaction.
async fn take(
    store: &Store,
    pool: &hearth::rituals::coupons::store::Pool,
    member: i64,
    token: &str,
) -> Taken {
    let mut tx = store.begin().await.unwrap();
    let user = UserId::telegram(member);
    let grant = Grant {
        user: &user,
        group: &ChatId::telegram(-1),
        reason: "test",
        prize: "Tea",
        token,
        value: None,
    };
    let taken = hearth::rituals::coupons::store::codes::take(&mut tx, pool, grant, 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    taken
}

async fn concurrent_requests_never_hand_a_code_twice_nor_exceed_the_limit(db: TestDb) {
    let store = open(&db).await;
    let pool = pool(&store, "tea", 150, 2).await;
    // 100 members ask 3 times each, all at once: 200 may get one, 150 exist.
    let mut tasks = Vec::new();
    for member in 0..100 {
        for attempt in 0..3 {
            let (store, pool) = (store.clone(), pool.clone());
            tasks.push(tokio::spawn(async move {
                let taken = take(&store, &pool, member, &format!("t{member}x{attempt}")).await;
                (member, taken)
            }));
        }
    }
    let mut codes = HashSet::new();
    let mut per_member = vec![0; 100];
    let (mut limits, mut empties) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (member, Taken::Code(held)) => {
                assert!(
                    codes.insert(held.code.clone()),
                    "{} handed twice",
                    held.code
                );
                assert_eq!(held.holder, UserId::telegram(member));
                per_member[member as usize] += 1;
            }
            (_, Taken::Limit) => limits += 1,
            (_, Taken::Empty) => empties += 1,
        }
    }
    assert_eq!(codes.len(), 150, "every code went, each once");
    assert!(per_member.iter().all(|n| *n <= 2), "{per_member:?}");
    assert_eq!(limits + empties, 150);
    let mut conn = store.connection().await.unwrap();
    assert_eq!(
        hearth::rituals::coupons::store::free_count(&mut conn, &pool.name)
            .await
            .unwrap(),
        0
    );
}

async fn a_code_is_unique_across_pools_and_redeemed_once(db: TestDb) {
    let store = open(&db).await;
    let tea = pool(&store, "tea", 2, 1).await;
    let mut conn = store.connection().await.unwrap();
    let other = PoolName::parse("coffee").unwrap();
    hearth::rituals::coupons::store::ensure_pool(&mut conn, &other, None, 0)
        .await
        .unwrap();
    let added = hearth::rituals::coupons::store::add_codes(&mut conn, &other, &codes("tea", 3), 0)
        .await
        .unwrap();
    assert_eq!(added, 1, "tea-0 and tea-1 are taken by the tea pool");
    drop(conn);
    let Taken::Code(held) = take(&store, &tea, 5, "tok").await else {
        panic!("a code")
    };
    let mut conn = store.connection().await.unwrap();
    let code = Code::parse(&held.code).unwrap();
    let by = UserId::telegram(1);
    assert!(matches!(
        hearth::rituals::coupons::store::codes::redeem(&mut conn, &code, &by, 10)
            .await
            .unwrap(),
        hearth::rituals::coupons::store::codes::Redeemed::Done(_)
    ));
    assert!(matches!(
        hearth::rituals::coupons::store::codes::redeem(&mut conn, &code, &by, 11)
            .await
            .unwrap(),
        hearth::rituals::coupons::store::codes::Redeemed::Already { at: 10, .. }
    ));
    let found = hearth::rituals::coupons::store::codes::by_token(&mut conn, "tok")
        .await
        .unwrap();
    assert_eq!(found.map(|h| h.code), Some(held.code));
}

on_both_databases!(
    concurrent_requests_never_hand_a_code_twice_nor_exceed_the_limit,
    a_code_is_unique_across_pools_and_redeemed_once,
);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any sequence of requests over a few pools gives exactly what a
    /// simple model says: a code while the member is under the limit and
    /// codes are left, each code once.
    #[test]
    fn requests_match_the_model_one_code_per_member_per_pool(
        pools in proptest::collection::vec((0usize..6, 0i64..3), 1..4),
        requests in proptest::collection::vec((0i64..5, 0usize..3), 0..40),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let db = TestDb::sqlite();
            let store = open(&db).await;
            let mut made = Vec::new();
            for (i, (stock, limit)) in pools.iter().enumerate() {
                made.push(pool(&store, &format!("p{i}"), *stock, *limit).await);
            }
            let mut free: Vec<usize> = pools.iter().map(|(s, _)| *s).collect();
            let mut held = vec![[0i64; 5]; pools.len()];
            let mut seen = HashSet::new();
            for (n, (member, p)) in requests.iter().enumerate() {
                let p = p % pools.len();
                let got = take(&store, &made[p], *member, &format!("t{n}")).await;
                let limit = pools[p].1;
                match got {
                    Taken::Code(h) => {
                        assert!(held[p][*member as usize] < limit && free[p] > 0);
                        assert!(seen.insert(h.code));
                        held[p][*member as usize] += 1;
                        free[p] -= 1;
                    }
                    Taken::Limit => assert!(held[p][*member as usize] >= limit),
                    Taken::Empty => {
                        assert!(held[p][*member as usize] < limit && free[p] == 0)
                    }
                }
            }
        });
    }
}
