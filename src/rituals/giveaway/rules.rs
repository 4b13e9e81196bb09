//! The giveaway (lottery): members join by button until the end time, then
//! N winners are drawn without replacement from the frozen list of entries.
//! A winner claims the prize; `/reroll` replaces only those who did not,
//! never picking anyone who won the same giveaway before.
//!
//! Round r (0 for the draw at the end, then one per reroll) draws from the
//! seed's ChaCha20 stream number r, excluding every earlier winner. So the
//! whole history re-runs from the seed, the entries and how many each round
//! drew, which is what `hearth verify` does.

use serde::{Deserialize, Serialize};

use crate::{
    domain::{draw::choose_winners, fairness::Seed},
    rituals::coupons::rules::PoolName,
};

/// The most winners one giveaway draws.
pub const MAX_WINNERS: u32 = 1_000;
/// The longest prize text.
pub const MAX_PRIZE_CHARS: usize = 100;
/// The longest membership a giveaway may ask for: a year.
pub const MAX_HOURS: u32 = 24 * 366;
/// The most invites a giveaway may ask for.
pub const MAX_INVITES: u32 = 10_000;

/// Who may join, checked when they press Join.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirements {
    /// In the group for at least this many hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<u32>,
    /// At least this many effective invites in the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_invites: Option<u32>,
    /// Audited: none of the member's invitees waits for review (the seed's
    /// rule of auditing before rewards).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub audited: bool,
}

/// A requirement a member does not meet yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmet {
    /// In the group for `have` whole hours of the `need`ed.
    Hours {
        need: u32,
        have: u64,
    },
    Invites {
        need: u32,
        have: u64,
    },
    /// `waiting` of the member's invitees wait for review.
    Audit {
        waiting: u64,
    },
}

impl Requirements {
    /// Checks a member who has been in the group `member_ms`, brought
    /// `invites` effective invites and has `unaudited` invitees waiting for
    /// review.
    pub fn check(&self, member_ms: i64, invites: i64, unaudited: i64) -> Result<(), Unmet> {
        let hours = u64::try_from(member_ms / 3_600_000).unwrap_or(0);
        if let Some(need) = self.min_hours
            && hours < u64::from(need)
        {
            return Err(Unmet::Hours { need, have: hours });
        }
        let invites = u64::try_from(invites).unwrap_or(0);
        if let Some(need) = self.min_invites
            && invites < u64::from(need)
        {
            return Err(Unmet::Invites {
                need,
                have: invites,
            });
        }
        if self.audited && unaudited > 0 {
            return Err(Unmet::Audit {
                waiting: u64::try_from(unaudited).unwrap_or(0),
            });
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.min_hours.is_none() && self.min_invites.is_none() && !self.audited
    }
}

/// What a giveaway was opened with, stored with the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiveawayParams {
    pub winners: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize: Option<String>,
    /// The coupon pool whose code each winner gets when they claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolName>,
    #[serde(default)]
    pub requirements: Requirements,
}

/// Round `round`'s winners: `n` distinct entries (positions in `0..entries`)
/// that are not among `earlier` winners, in the order drawn.
pub fn draw_round(
    seed: &Seed,
    entries: usize,
    n: usize,
    earlier: &[usize],
    round: u64,
) -> Vec<usize> {
    let mut rng = seed.rng();
    rng.set_stream(round);
    choose_winners(entries, n, earlier, &mut rng)
}

/// Why a giveaway does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the revealed seed is not 64 hex digits")]
    BadSeed,
    #[error("the revealed seed does not match the commitment published at the start")]
    Commitment,
    #[error("round {round} drew entries {got:?}, the seed gives {expected:?}")]
    Round {
        round: usize,
        got: Vec<usize>,
        expected: Vec<usize>,
    },
}

/// Re-runs every round from the seed: `rounds[r]` holds the positions round
/// r drew, in order. Returns nothing when each round matches.
pub fn verify(
    seed_hex: &str,
    commitment: &str,
    entries: usize,
    rounds: &[Vec<usize>],
) -> Result<(), VerifyError> {
    let seed = Seed::from_hex(seed_hex).ok_or(VerifyError::BadSeed)?;
    if !seed.matches(commitment) {
        return Err(VerifyError::Commitment);
    }
    let mut earlier = Vec::new();
    for (round, got) in rounds.iter().enumerate() {
        let expected = draw_round(&seed, entries, got.len(), &earlier, round as u64);
        if &expected != got {
            return Err(VerifyError::Round {
                round,
                got: got.clone(),
                expected,
            });
        }
        earlier.extend(got);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::rngs::OsRng;

    use super::*;

    #[test]
    fn requirements_name_what_is_missing() {
        let all = Requirements {
            min_hours: Some(24),
            min_invites: Some(3),
            audited: true,
        };
        assert_eq!(
            all.check(5 * 3_600_000 + 59 * 60_000, 9, 0),
            Err(Unmet::Hours { need: 24, have: 5 })
        );
        assert_eq!(
            all.check(24 * 3_600_000, 2, 0),
            Err(Unmet::Invites { need: 3, have: 2 })
        );
        assert_eq!(
            all.check(24 * 3_600_000, 3, 2),
            Err(Unmet::Audit { waiting: 2 })
        );
        assert_eq!(all.check(24 * 3_600_000, 3, 0), Ok(()));
        assert_eq!(Requirements::default().check(0, 0, 5), Ok(()));
    }

    #[test]
    fn a_giveaway_with_rerolls_verifies_and_a_forged_one_does_not() {
        let seed = Seed::generate(&mut OsRng);
        let first = draw_round(&seed, 40, 3, &[], 0);
        let second = draw_round(&seed, 40, 2, &first, 1);
        assert!(second.iter().all(|w| !first.contains(w)));
        let rounds = vec![first.clone(), second.clone()];
        assert_eq!(
            verify(&seed.to_hex(), &seed.commitment(), 40, &rounds),
            Ok(())
        );
        let mut forged = rounds.clone();
        forged[1][0] = (0..40)
            .find(|p| !first.contains(p) && !second.contains(p))
            .unwrap();
        assert!(matches!(
            verify(&seed.to_hex(), &seed.commitment(), 40, &forged),
            Err(VerifyError::Round { round: 1, .. })
        ));
        let other = Seed::generate(&mut OsRng);
        assert_eq!(
            verify(&other.to_hex(), &seed.commitment(), 40, &rounds),
            Err(VerifyError::Commitment)
        );
    }

    proptest! {
        /// However many rerolls, nobody wins the same giveaway twice.
        #[test]
        fn rerolls_never_pick_an_earlier_winner(
            entries in 0usize..200,
            rounds in prop::collection::vec(0usize..20, 1..6),
            seed in any::<[u8; 32]>(),
        ) {
            let seed = Seed::from_hex(&hex::encode(seed)).unwrap();
            let mut earlier: Vec<usize> = Vec::new();
            for (round, n) in rounds.iter().enumerate() {
                let got = draw_round(&seed, entries, *n, &earlier, round as u64);
                prop_assert!(got.iter().all(|w| !earlier.contains(w) && *w < entries));
                earlier.extend(got);
            }
            let mut seen = earlier.clone();
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), earlier.len());
        }
    }
}
