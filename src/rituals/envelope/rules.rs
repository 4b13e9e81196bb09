//! The lucky red envelope (拼手气红包): a total split into K random shares.
//!
//! Shares follow the double-mean method WeChat made familiar: each grab takes
//! a uniform amount between the minimum and twice the mean of what is left,
//! capped so every later grabber can still get the minimum; the last grabber
//! takes the rest. So the shares always sum exactly to the total, every share
//! is at least the minimum unit, and amounts are whole numbers of the
//! smallest unit (cents, points). The shares are drawn from the draw's seeded
//! stream when the envelope opens; the n-th grabber gets the n-th share.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::{domain::fairness::Seed, rituals::coupons::rules::PoolName};

/// Why an envelope cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("an envelope needs at least one share")]
    NoShares,
    #[error("{total} cannot give {shares} shares of at least {min} each")]
    TooSmall { total: u64, shares: u32, min: u64 },
}

/// Splits `total` into `shares` random amounts, each at least `min`.
pub fn split(
    total: u64,
    shares: u32,
    min: u64,
    rng: &mut impl Rng,
) -> Result<Vec<u64>, EnvelopeError> {
    if shares == 0 {
        return Err(EnvelopeError::NoShares);
    }
    let min = min.max(1);
    if u64::from(shares)
        .checked_mul(min)
        .is_none_or(|floor| floor > total)
    {
        return Err(EnvelopeError::TooSmall { total, shares, min });
    }
    let mut left = total;
    let mut out = Vec::with_capacity(shares as usize);
    for remaining in (2..=u64::from(shares)).rev() {
        // Keep the minimum for each grabber after this one.
        let cap = left - min * (remaining - 1);
        let upper = (left / remaining).saturating_mul(2).min(cap).max(min);
        let amount = rng.gen_range(min..=upper);
        out.push(amount);
        left -= amount;
    }
    out.push(left);
    Ok(out)
}

/// The luckiest grabber (手气王): the largest share, the earliest on a tie.
pub fn luckiest(shares: &[u64]) -> Option<usize> {
    let best = shares.iter().max()?;
    shares.iter().position(|s| s == best)
}

/// What an envelope was opened with, stored with the draw and shown when it
/// is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeParams {
    /// The total, in smallest units.
    pub total: u64,
    /// Decimal places the amounts are shown with.
    pub decimals: u8,
    pub shares: u32,
    /// The least share, in smallest units.
    pub min: u64,
    /// What the luckiest grabber gets besides their share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize: Option<String>,
    /// The coupon pool the luckiest grabber's code comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prize_pool: Option<PoolName>,
    /// When set, every share comes as a code from this pool, worth the share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_pool: Option<PoolName>,
}

impl EnvelopeParams {
    /// The shares the seed fixes, in the order grabbers get them.
    pub fn shares_from(&self, seed: &Seed) -> Result<Vec<u64>, EnvelopeError> {
        split(self.total, self.shares, self.min, &mut seed.rng())
    }
}

/// Why a revealed envelope does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the revealed seed is not 64 hex digits")]
    BadSeed,
    #[error("the seed does not match the commitment published at the start")]
    Commitment,
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("grab {position} got {got}, but the seed gives {expected}")]
    Share {
        position: usize,
        got: u64,
        expected: u64,
    },
    #[error("grab {0} is missing or out of order")]
    Order(usize),
}

/// Re-runs an envelope from its revealed seed: checks the seed against the
/// commitment and that the n-th grabber got the n-th share. `grabbed` lists
/// `(position, amount)` in position order. The shares come back.
pub fn verify(
    params: &EnvelopeParams,
    seed_hex: &str,
    commitment: &str,
    grabbed: &[(usize, u64)],
) -> Result<Vec<u64>, VerifyError> {
    let seed = Seed::from_hex(seed_hex).ok_or(VerifyError::BadSeed)?;
    if !seed.matches(commitment) {
        return Err(VerifyError::Commitment);
    }
    let shares = params.shares_from(&seed)?;
    for (n, &(position, got)) in grabbed.iter().enumerate() {
        if position != n || n >= shares.len() {
            return Err(VerifyError::Order(n));
        }
        if shares[n] != got {
            return Err(VerifyError::Share {
                position: n,
                got,
                expected: shares[n],
            });
        }
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    #[test]
    fn impossible_envelopes_say_why() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        assert_eq!(split(100, 0, 1, &mut rng), Err(EnvelopeError::NoShares));
        assert_eq!(
            split(5, 10, 1, &mut rng),
            Err(EnvelopeError::TooSmall {
                total: 5,
                shares: 10,
                min: 1
            })
        );
        assert_eq!(
            split(u64::MAX, u32::MAX, u64::MAX, &mut rng)
                .unwrap_err()
                .to_string(),
            format!(
                "{} cannot give {} shares of at least {} each",
                u64::MAX,
                u32::MAX,
                u64::MAX
            )
        );
    }

    #[test]
    fn the_luckiest_is_the_largest_share_earliest_on_a_tie() {
        assert_eq!(luckiest(&[3, 9, 9, 1]), Some(1));
        assert_eq!(luckiest(&[]), None);
    }

    #[test]
    fn an_exact_envelope_gives_everyone_the_minimum() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        assert_eq!(split(30, 3, 10, &mut rng).unwrap(), vec![10, 10, 10]);
    }

    #[test]
    fn verification_catches_a_wrong_seed_or_a_changed_share() {
        use rand::rngs::OsRng;
        let params = EnvelopeParams {
            total: 8888,
            decimals: 2,
            shares: 5,
            min: 1,
            prize: None,
            prize_pool: None,
            share_pool: None,
        };
        let seed = Seed::generate(&mut OsRng);
        let shares = params.shares_from(&seed).unwrap();
        let grabbed: Vec<_> = shares.iter().copied().enumerate().take(4).collect();
        let (hex, commitment) = (seed.to_hex(), seed.commitment());
        assert_eq!(
            verify(&params, &hex, &commitment, &grabbed),
            Ok(shares.clone())
        );
        let other = Seed::generate(&mut OsRng);
        assert_eq!(
            verify(&params, &other.to_hex(), &commitment, &grabbed),
            Err(VerifyError::Commitment)
        );
        let mut cheated = grabbed.clone();
        cheated[2].1 += 1;
        assert!(matches!(
            verify(&params, &hex, &commitment, &cheated),
            Err(VerifyError::Share { position: 2, .. })
        ));
        assert_eq!(
            verify(&params, &hex, &commitment, &grabbed[1..]),
            Err(VerifyError::Order(0))
        );
        assert_eq!(
            verify(&params, "zz", &commitment, &grabbed),
            Err(VerifyError::BadSeed)
        );
    }

    proptest! {
        /// Any total and K: the shares sum exactly, each at least the minimum.
        #[test]
        fn shares_sum_exactly_and_respect_the_minimum(
            shares in 1u32..200,
            min in 1u64..100,
            extra in 0u64..1_000_000,
            seed in any::<u64>(),
        ) {
            let total = u64::from(shares) * min + extra;
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let got = split(total, shares, min, &mut rng).unwrap();
            prop_assert_eq!(got.len(), shares as usize);
            prop_assert_eq!(got.iter().sum::<u64>(), total);
            prop_assert!(got.iter().all(|s| *s >= min));
        }

        /// The same seed gives the same envelope (what `verify` relies on).
        #[test]
        fn a_seed_fixes_the_shares(seed in any::<u64>(), shares in 1u32..50) {
            let split_with = |seed| split(10_000, shares, 1, &mut ChaCha20Rng::seed_from_u64(seed));
            prop_assert_eq!(split_with(seed), split_with(seed));
        }
    }
}
