//! Effective invites.
//!
//! An inviter's effective count is derived, never accumulated: it is the number
//! of members whose *first* inviter they are and who are still in the group,
//! are not bots, and were not removed by an admin. Everything operators ask of
//! the count follows from that one definition:
//!
//! - a leaver stops counting, and counts again (once) on rejoining;
//! - a rejoin through someone else's link still counts for the first inviter;
//! - nobody is their own inviter, and bots never count;
//! - a member removed by an admin never counts again, even if they return.
//!
//! [`apply`] moves one member's record through a membership change and reports
//! whether the member's credit appeared or vanished, so the store can keep the
//! `credited` flag that leaderboards index.

use crate::domain::UserId;

/// What we remember about one member of one group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberRecord {
    /// Who first brought the member in; set once, never replaced.
    pub first_inviter: Option<UserId>,
    /// In the group right now.
    pub present: bool,
    /// Removed by an admin at some point: never credited again.
    pub removed_by_admin: bool,
    /// Bots never earn anyone credit.
    pub is_bot: bool,
}

impl MemberRecord {
    /// Whether this member currently counts for their first inviter.
    pub fn is_credited(&self, member: &UserId) -> bool {
        self.present
            && !self.removed_by_admin
            && !self.is_bot
            && self.first_inviter.as_ref().is_some_and(|i| i != member)
    }

    /// The inviter this member currently counts for.
    pub fn credited_to(&self, member: &UserId) -> Option<&UserId> {
        self.first_inviter
            .as_ref()
            .filter(|_| self.is_credited(member))
    }
}

/// A change in one member's membership, as the platform reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The member is in the group; `inviter` is who brought them, if known.
    Joined {
        inviter: Option<UserId>,
        is_bot: bool,
    },
    /// The member left on their own.
    Left,
    /// An admin removed (kicked or banned) the member.
    Removed,
}

/// How a change moved the member's credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credit {
    Unchanged,
    Granted(UserId),
    Withdrawn(UserId),
}

/// The result of applying a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub record: MemberRecord,
    pub credit: Credit,
    /// The member arrived (was absent before): greet them.
    pub arrived: bool,
    /// The member is gone (was present before): drop an unsent greeting.
    pub departed: bool,
}

/// What the platform reported about how a newcomer got in, for
/// [`inviter_of`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Arrival<'a> {
    /// They came through an invite link (any link, a member's or not).
    pub through_link: bool,
    /// The member whose personal link that was.
    pub link_owner: Option<&'a UserId>,
    /// Whose link or invite they asked to join through, written down before
    /// they got in (a join request, a Matrix invite).
    pub intent: Option<&'a UserId>,
    /// Who else made the change: an admin who added them directly, or one
    /// who approved their request to join.
    pub acted_by: Option<&'a UserId>,
}

/// Who brought a newcomer in: the owner of the link they used, else whoever
/// they asked to join through, else who added them directly. An admin who
/// merely approved a join through a link brought nobody in and earns
/// nothing, however the platform phrased it.
pub fn inviter_of(arrival: Arrival<'_>) -> Option<UserId> {
    let adder = arrival.acted_by.filter(|_| !arrival.through_link);
    arrival.link_owner.or(arrival.intent).or(adder).cloned()
}

/// Applies one change to a member's record. `prior` is `None` for a member
/// never seen in this group.
pub fn apply(member: &UserId, prior: Option<&MemberRecord>, change: &Change) -> Outcome {
    let before = prior.cloned().unwrap_or_default();
    let mut after = before.clone();
    match change {
        Change::Joined { inviter, is_bot } => {
            after.present = true;
            after.is_bot |= *is_bot;
            if after.first_inviter.is_none() {
                after.first_inviter = inviter.clone().filter(|i| i != member);
            }
        }
        Change::Left => after.present = false,
        Change::Removed => {
            after.present = false;
            after.removed_by_admin = true;
        }
    }
    let credit = match (before.credited_to(member), after.credited_to(member)) {
        (None, Some(to)) => Credit::Granted(to.clone()),
        (Some(from), None) => Credit::Withdrawn(from.clone()),
        _ => Credit::Unchanged,
    };
    Outcome {
        arrived: !before.present && after.present && !after.is_bot,
        departed: before.present && !after.present,
        credit,
        record: after,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn u(n: i64) -> UserId {
        UserId::telegram(n)
    }

    fn joined(inviter: Option<i64>) -> Change {
        Change::Joined {
            inviter: inviter.map(u),
            is_bot: false,
        }
    }

    #[test]
    fn the_link_decides_and_an_approving_admin_earns_nothing() {
        let (owner, intent, admin) = (u(1), u(2), u(3));
        let through = |link_owner, intent, acted_by| Arrival {
            through_link: true,
            link_owner,
            intent,
            acted_by,
        };
        assert_eq!(
            inviter_of(through(Some(&owner), None, Some(&admin))),
            Some(u(1))
        );
        assert_eq!(
            inviter_of(through(None, Some(&intent), Some(&admin))),
            Some(u(2))
        );
        // The group's own link, approved by an admin: nobody's invite.
        assert_eq!(inviter_of(through(None, None, Some(&admin))), None);
        // Added by hand: the adder brought them.
        let added = Arrival {
            acted_by: Some(&admin),
            ..Arrival::default()
        };
        assert_eq!(inviter_of(added), Some(u(3)));
        // Invited on Matrix, and the join names the inviter too.
        let invited = Arrival {
            intent: Some(&intent),
            acted_by: Some(&admin),
            ..Arrival::default()
        };
        assert_eq!(inviter_of(invited), Some(u(2)));
        assert_eq!(inviter_of(Arrival::default()), None);
    }

    #[test]
    fn join_with_inviter_grants_credit_and_greets() {
        let out = apply(&u(2), None, &joined(Some(1)));
        assert_eq!(out.credit, Credit::Granted(u(1)));
        assert!(out.arrived);
    }

    #[test]
    fn leaver_no_longer_counts_for_inviter() {
        let joined = apply(&u(2), None, &joined(Some(1))).record;
        let out = apply(&u(2), Some(&joined), &Change::Left);
        assert_eq!(out.credit, Credit::Withdrawn(u(1)));
        assert!(out.departed);
    }

    #[test]
    fn rejoin_counts_once_for_the_first_inviter() {
        let first = apply(&u(2), None, &joined(Some(1))).record;
        let left = apply(&u(2), Some(&first), &Change::Left).record;
        let back = apply(&u(2), Some(&left), &joined(Some(9)));
        assert_eq!(back.credit, Credit::Granted(u(1)));
        assert_eq!(back.record.first_inviter, Some(u(1)));
    }

    #[test]
    fn nobody_invites_themselves() {
        let out = apply(&u(2), None, &joined(Some(2)));
        assert_eq!(out.credit, Credit::Unchanged);
        assert_eq!(out.record.first_inviter, None);
    }

    #[test]
    fn bots_never_count_and_are_not_greeted() {
        let out = apply(
            &u(2),
            None,
            &Change::Joined {
                inviter: Some(u(1)),
                is_bot: true,
            },
        );
        assert_eq!(out.credit, Credit::Unchanged);
        assert!(!out.arrived);
    }

    #[test]
    fn removed_member_never_counts_again() {
        let first = apply(&u(2), None, &joined(Some(1))).record;
        let removed = apply(&u(2), Some(&first), &Change::Removed);
        assert_eq!(removed.credit, Credit::Withdrawn(u(1)));
        let back = apply(&u(2), Some(&removed.record), &joined(Some(1)));
        assert_eq!(back.credit, Credit::Unchanged);
    }

    #[test]
    fn a_second_report_of_the_same_join_fills_in_the_inviter_without_a_second_greeting() {
        let anonymous = apply(&u(2), None, &joined(None));
        assert!(anonymous.arrived);
        let second = apply(&u(2), Some(&anonymous.record), &joined(Some(1)));
        assert!(!second.arrived);
        assert_eq!(second.credit, Credit::Granted(u(1)));
    }

    fn change_strategy() -> impl Strategy<Value = (i64, Change)> {
        let member = 1..6i64;
        let inviter = proptest::option::of(1..6i64);
        (member, inviter, 0..10u8, any::<bool>()).prop_map(|(m, i, kind, bot)| {
            let change = match kind {
                0..=5 => Change::Joined {
                    inviter: i.map(u),
                    is_bot: bot && kind == 0,
                },
                6..=8 => Change::Left,
                _ => Change::Removed,
            };
            (m, change)
        })
    }

    proptest! {
        /// Credits accumulated change by change always equal the count derived
        /// from the final records, and respect every rule at once.
        #[test]
        fn running_credits_match_the_derived_count(changes in prop::collection::vec(change_strategy(), 0..80)) {
            let mut records: HashMap<i64, MemberRecord> = HashMap::new();
            let mut running: HashMap<UserId, i64> = HashMap::new();
            for (m, change) in &changes {
                let out = apply(&u(*m), records.get(m), change);
                match &out.credit {
                    Credit::Granted(i) => *running.entry(i.clone()).or_default() += 1,
                    Credit::Withdrawn(i) => *running.entry(i.clone()).or_default() -= 1,
                    Credit::Unchanged => {}
                }
                records.insert(*m, out.record);
            }
            let mut derived: HashMap<UserId, i64> = HashMap::new();
            for (m, rec) in &records {
                if let Some(i) = rec.credited_to(&u(*m)) {
                    prop_assert_ne!(i, &u(*m), "self credit");
                    prop_assert!(!rec.is_bot && rec.present && !rec.removed_by_admin);
                    *derived.entry(i.clone()).or_default() += 1;
                }
            }
            running.retain(|_, v| *v != 0);
            prop_assert!(running.values().all(|v| *v > 0), "a count went negative");
            prop_assert_eq!(running, derived);
        }

        /// Re-applying the same change (a replayed update) changes nothing.
        #[test]
        fn replaying_a_change_is_a_no_op(changes in prop::collection::vec(change_strategy(), 1..40)) {
            let mut records: HashMap<i64, MemberRecord> = HashMap::new();
            for (m, change) in &changes {
                let out = apply(&u(*m), records.get(m), change);
                let again = apply(&u(*m), Some(&out.record), change);
                prop_assert_eq!(&again.record, &out.record);
                prop_assert_eq!(again.credit, Credit::Unchanged);
                prop_assert!(!again.arrived);
                records.insert(*m, out.record);
            }
        }

        /// A member counts at most once, for the same inviter, for ever.
        #[test]
        fn one_member_credits_one_inviter_only(changes in prop::collection::vec((proptest::option::of(1..6i64), 0..3u8), 0..40)) {
            let member = u(7);
            let mut rec: Option<MemberRecord> = None;
            let mut credited_to: Option<UserId> = None;
            for (inviter, kind) in changes {
                let change = match kind { 0 => Change::Left, _ => joined(inviter) };
                let out = apply(&member, rec.as_ref(), &change);
                if let Credit::Granted(i) = &out.credit {
                    if let Some(prev) = &credited_to { prop_assert_eq!(prev, i); }
                    credited_to = Some(i.clone());
                }
                rec = Some(out.record);
            }
        }
    }
}
