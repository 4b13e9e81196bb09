//! Burst-safe greetings: newcomers waiting to be greeted are folded into as few
//! messages as possible, one line per inviter, with a cap on mentions per
//! message so a burst of 200 joins becomes a handful of messages.

use crate::domain::{DisplayName, UserId};

/// Most notifying mentions in one greeting message.
pub const MAX_MENTIONS_PER_MESSAGE: usize = 25;

/// A newcomer waiting for their greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newcomer {
    pub member: UserId,
    pub name: DisplayName,
    pub inviter: Option<(UserId, DisplayName)>,
}

/// Newcomers greeted on one line: all brought by the same inviter (or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub inviter: Option<(UserId, DisplayName)>,
    pub newcomers: Vec<(UserId, DisplayName)>,
}

/// Takes the longest prefix of `waiting` (oldest first) whose mentions fit in
/// one message, and groups it into lines in order of first appearance.
/// Returns the lines and how many newcomers they greet; at least one whenever
/// `waiting` is not empty, so nobody is ever starved.
pub fn next_message(waiting: &[Newcomer], max_mentions: usize) -> (Vec<Line>, usize) {
    let mut lines: Vec<Line> = Vec::new();
    let mut mentions = 0;
    let mut taken = 0;
    for n in waiting {
        let inviter_id = n.inviter.as_ref().map(|(id, _)| id);
        let existing = lines
            .iter()
            .position(|l| l.inviter.as_ref().map(|(id, _)| id) == inviter_id);
        let cost = 1 + usize::from(existing.is_none() && n.inviter.is_some());
        if taken > 0 && mentions + cost > max_mentions {
            break;
        }
        mentions += cost;
        taken += 1;
        let entry = (n.member.clone(), n.name.clone());
        match existing {
            Some(i) => lines[i].newcomers.push(entry),
            None => lines.push(Line {
                inviter: n.inviter.clone(),
                newcomers: vec![entry],
            }),
        }
    }
    (lines, taken)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn newcomer(member: i64, inviter: Option<i64>) -> Newcomer {
        let name = |id: i64| DisplayName::clean(&format!("u{id}"), "?");
        Newcomer {
            member: UserId::telegram(member),
            name: name(member),
            inviter: inviter.map(|i| (UserId::telegram(i), name(i))),
        }
    }

    #[test]
    fn groups_newcomers_by_inviter_in_arrival_order() {
        let waiting = [
            newcomer(10, Some(1)),
            newcomer(11, None),
            newcomer(12, Some(1)),
        ];
        let (lines, taken) = next_message(&waiting, 25);
        assert_eq!(taken, 3);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].newcomers.len(), 2);
        assert_eq!(lines[1].inviter, None);
    }

    proptest! {
        /// Repeatedly taking messages greets everyone exactly once, in order,
        /// and never exceeds the mention cap (beyond a single forced newcomer
        /// with an inviter when the cap is 1).
        #[test]
        fn everyone_is_greeted_once_within_the_cap(
            joins in prop::collection::vec((0..1000i64, proptest::option::of(1000..1010i64)), 0..300),
            cap in 2usize..40,
        ) {
            let waiting: Vec<_> = joins.iter().map(|(m, i)| newcomer(*m, *i)).collect();
            let mut rest = &waiting[..];
            let mut greeted = Vec::new();
            let mut messages = 0;
            while !rest.is_empty() {
                let (lines, taken) = next_message(rest, cap);
                prop_assert!(taken >= 1);
                let mentions: usize = lines.iter().map(|l| l.newcomers.len() + usize::from(l.inviter.is_some())).sum();
                prop_assert!(mentions <= cap);
                let mut in_message: Vec<_> = lines.iter().flat_map(|l| l.newcomers.iter().map(|(id, _)| id.clone())).collect();
                let mut expected: Vec<_> = rest[..taken].iter().map(|n| n.member.clone()).collect();
                in_message.sort();
                expected.sort();
                prop_assert_eq!(&in_message, &expected);
                greeted.extend(expected);
                rest = &rest[taken..];
                messages += 1;
            }
            prop_assert_eq!(greeted.len(), waiting.len());
            prop_assert!(messages <= waiting.len().div_ceil(cap / 2).max(usize::from(!waiting.is_empty())));
        }
    }
}
