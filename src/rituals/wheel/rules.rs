//! The spin wheel: prizes with weights and stock, one spin per member.
//!
//! The spin at position n draws from the draw's seeded ChaCha20 stream number
//! n, over the prizes still in stock at that moment (a prize that ran out
//! drops its weight). So a wheel is re-run from its seed and the frozen list
//! of spins, and a spin's result never depends on how fast the others came.

use serde::{Deserialize, Serialize};

use crate::{
    domain::{draw::pick_weighted, fairness::Seed},
    rituals::coupons::rules::PoolName,
};

/// The most prizes on one wheel.
pub const MAX_PRIZES: usize = 12;
/// The longest prize name.
pub const MAX_PRIZE_NAME: usize = 40;

/// One segment of the wheel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prize {
    pub name: String,
    pub weight: u64,
    /// How many there are; `None` for as many as spins (a consolation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u64>,
    /// The coupon pool whose code a winner of this prize gets (`name[pool]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<PoolName>,
}

/// What a wheel was opened with, stored with the draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WheelParams {
    pub prizes: Vec<Prize>,
}

impl WheelParams {
    /// The prize the spin at `position` lands on, given how many of each
    /// prize the earlier spins took; `None` once every prize is gone.
    pub fn spin(&self, seed: &Seed, position: u64, taken: &[u64]) -> Option<usize> {
        let weights: Vec<u64> = self
            .prizes
            .iter()
            .enumerate()
            .map(|(i, p)| match p.stock {
                Some(stock) if taken.get(i).copied().unwrap_or(0) >= stock => 0,
                _ => p.weight,
            })
            .collect();
        let mut rng = seed.rng();
        rng.set_stream(position);
        pick_weighted(&weights, &mut rng)
    }

    /// How many spins the wheel has: every stock that can be won summed, or
    /// `None` when a prize never runs out.
    pub fn capacity(&self) -> Option<u64> {
        self.prizes
            .iter()
            .filter(|p| p.weight > 0)
            .map(|p| p.stock)
            .sum()
    }
}

/// Re-runs a wheel: `spins` are the prize indices in spin order. The
/// position of the first spin that does not match comes back as the error.
pub fn replay(params: &WheelParams, seed: &Seed, spins: &[usize]) -> Result<(), usize> {
    let mut taken = vec![0u64; params.prizes.len()];
    for (n, &got) in spins.iter().enumerate() {
        if params.spin(seed, n as u64, &taken) != Some(got) {
            return Err(n);
        }
        taken[got] += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use super::*;

    fn wheel() -> WheelParams {
        let prize = |name: &str, stock, weight| Prize {
            name: name.to_owned(),
            weight,
            stock,
            pool: None,
        };
        WheelParams {
            prizes: vec![
                prize("First", Some(1), 1),
                prize("Second", Some(3), 10),
                prize("Thanks", None, 89),
            ],
        }
    }

    /// Stock is never oversold: a prize that ran out is never the result.
    #[test]
    fn a_prize_that_ran_out_drops_out() {
        let w = wheel();
        let seed = Seed::generate(&mut ChaCha20Rng::seed_from_u64(3));
        let mut taken = vec![0u64; 3];
        for n in 0..5_000 {
            let got = w.spin(&seed, n, &taken).unwrap();
            taken[got] += 1;
        }
        assert!(taken[0] <= 1 && taken[1] <= 3, "{taken:?}");
        assert_eq!(taken.iter().sum::<u64>(), 5_000);
    }

    #[test]
    fn a_wheel_re_runs_from_its_seed_and_catches_a_changed_result() {
        let w = wheel();
        let seed = Seed::generate(&mut ChaCha20Rng::seed_from_u64(9));
        let mut taken = vec![0u64; 3];
        let mut spins = Vec::new();
        for n in 0..200 {
            let got = w.spin(&seed, n, &taken).unwrap();
            taken[got] += 1;
            spins.push(got);
        }
        assert_eq!(replay(&w, &seed, &spins), Ok(()));
        let changed = spins.iter().position(|s| *s == 2).unwrap();
        spins[changed] = 0;
        assert!(replay(&w, &seed, &spins).is_err());
    }

    proptest! {
        /// Whatever the stock and the order, no prize goes out more often
        /// than its stock, and a finite wheel ends with `None`.
        #[test]
        fn stock_never_goes_below_zero(
            stocks in proptest::collection::vec(0u64..5, 1..6),
            weights in proptest::collection::vec(0u64..10, 6),
            seed in any::<u64>(),
        ) {
            let prizes = stocks.iter().zip(&weights).enumerate().map(|(i, (s, w))| Prize {
                name: format!("P{i}"), weight: *w, stock: Some(*s), pool: None,
            }).collect::<Vec<_>>();
            let w = WheelParams { prizes };
            let seed = Seed::generate(&mut ChaCha20Rng::seed_from_u64(seed));
            let mut taken = vec![0u64; stocks.len()];
            for n in 0..40 {
                match w.spin(&seed, n, &taken) {
                    Some(i) => taken[i] += 1,
                    None => break,
                }
            }
            for (t, s) in taken.iter().zip(&stocks) {
                prop_assert!(t <= s);
            }
        }
    }
}
