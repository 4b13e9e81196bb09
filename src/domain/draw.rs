//! Random choices of the draws, from the draw's seeded stream: a weighted
//! spin of the wheel, and winners chosen without replacement.

use std::{fmt, str::FromStr};

use rand::Rng;

/// The kinds of draw, as stored in `draws.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DrawKind {
    /// A lucky red envelope.
    Envelope,
    /// A spin wheel.
    Wheel,
    /// A giveaway (lottery).
    Giveaway,
    /// "The Nth reply wins": no randomness, but a draw all the same.
    Nth,
}

impl DrawKind {
    pub const ALL: [DrawKind; 4] = [Self::Envelope, Self::Wheel, Self::Giveaway, Self::Nth];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Envelope => "envelope",
            Self::Wheel => "wheel",
            Self::Giveaway => "giveaway",
            Self::Nth => "nth",
        }
    }
}

impl fmt::Display for DrawKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored kind this version does not know: an error, never a default.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a kind of draw this version knows")]
pub struct UnknownDrawKind(pub String);

impl FromStr for DrawKind {
    type Err = UnknownDrawKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownDrawKind(s.chars().take(40).collect()))
    }
}

/// Picks an index with probability proportional to its weight; a prize with
/// weight 0 (out of stock) is never picked. `None` when nothing can be.
pub fn pick_weighted(weights: &[u64], rng: &mut impl Rng) -> Option<usize> {
    let total: u64 = weights.iter().sum();
    if total == 0 {
        return None;
    }
    let mut ticket = rng.gen_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if ticket < *w {
            return Some(i);
        }
        ticket -= w;
    }
    unreachable!("the ticket is below the total weight")
}

/// Chooses up to `n` distinct entries (indices into `0..entries`) that are
/// not in `excluded`, in the order drawn. A partial Fisher–Yates shuffle: every
/// eligible entry has the same chance, and nobody is drawn twice.
pub fn choose_winners(
    entries: usize,
    n: usize,
    excluded: &[usize],
    rng: &mut impl Rng,
) -> Vec<usize> {
    let mut pool: Vec<usize> = (0..entries).filter(|i| !excluded.contains(i)).collect();
    let n = n.min(pool.len());
    for i in 0..n {
        let j = rng.gen_range(i..pool.len());
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_read_back_and_an_unknown_one_is_an_error() {
        for kind in super::DrawKind::ALL {
            assert_eq!(kind.as_str().parse::<super::DrawKind>().ok(), Some(kind));
        }
        assert!("lottery".parse::<super::DrawKind>().is_err());
        assert!("".parse::<super::DrawKind>().is_err());
    }

    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    /// 100,000 spins of a wheel with weights 1:3:16:80 match the weights: the
    /// chi-square statistic stays below 11.34, the 1% critical value for 3
    /// degrees of freedom. The seed is fixed, so the test cannot flake.
    #[test]
    fn spins_follow_the_weights() {
        let weights = [1u64, 3, 16, 80];
        let mut rng = ChaCha20Rng::seed_from_u64(20_261_111);
        let mut counts = [0u64; 4];
        const SPINS: u64 = 100_000;
        for _ in 0..SPINS {
            counts[pick_weighted(&weights, &mut rng).unwrap()] += 1;
        }
        let total: u64 = weights.iter().sum();
        let chi2: f64 = weights
            .iter()
            .zip(counts)
            .map(|(w, seen)| {
                let expected = SPINS as f64 * *w as f64 / total as f64;
                (seen as f64 - expected).powi(2) / expected
            })
            .sum();
        assert!(chi2 < 11.34, "chi-square {chi2:.2} for {counts:?}");
    }

    #[test]
    fn an_empty_prize_is_never_picked() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        for _ in 0..1_000 {
            assert_ne!(pick_weighted(&[5, 0, 5], &mut rng), Some(1));
        }
        assert_eq!(pick_weighted(&[0, 0], &mut rng), None);
    }

    proptest! {
        /// Winners are distinct, eligible, and as many as asked or available.
        #[test]
        fn winners_are_distinct_and_never_excluded(
            entries in 0usize..300,
            n in 0usize..50,
            excluded in prop::collection::vec(0usize..300, 0..40),
            seed in any::<u64>(),
        ) {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let winners = choose_winners(entries, n, &excluded, &mut rng);
            let eligible = (0..entries).filter(|i| !excluded.contains(i)).count();
            prop_assert_eq!(winners.len(), n.min(eligible));
            let mut seen = winners.clone();
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), winners.len());
            prop_assert!(winners.iter().all(|w| *w < entries && !excluded.contains(w)));
        }
    }
}
