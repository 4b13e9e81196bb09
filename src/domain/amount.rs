//! Amounts as people write money or points: `100`, `88.88`. The decimals
//! written set the smallest unit, so `88.88` is 8,888 cents and every share
//! of it is a whole number of cents; `100` is 100 points.

use std::fmt;

/// The most decimals an amount may have (cents).
pub const MAX_DECIMALS: u8 = 2;
/// The largest total, in smallest units: far beyond any real envelope, and
/// small enough that no sum of shares can overflow.
pub const MAX_UNITS: u64 = 1_000_000_000_000;

/// A whole number of smallest units, shown with `decimals` places.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub units: u64,
    pub decimals: u8,
}

impl Amount {
    /// Reads `100`, `0.5`, `88.88`; `None` for anything else (signs,
    /// exponents, more than two decimals, zero, absurd sizes).
    pub fn parse(text: &str) -> Option<Self> {
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (text.contains('.') && !digits(frac)) {
            return None;
        }
        let decimals = u8::try_from(frac.len())
            .ok()
            .filter(|d| *d <= MAX_DECIMALS)?;
        let units = format!("{whole}{frac}").parse::<u64>().ok()?;
        (units > 0 && units <= MAX_UNITS).then_some(Amount { units, decimals })
    }

    /// Another amount in the same unit.
    pub fn with_units(self, units: u64) -> Self {
        Amount { units, ..self }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.decimals == 0 {
            return write!(f, "{}", self.units);
        }
        let scale = 10u64.pow(u32::from(self.decimals));
        write!(
            f,
            "{}.{:0width$}",
            self.units / scale,
            self.units % scale,
            width = usize::from(self.decimals)
        )
    }
}
