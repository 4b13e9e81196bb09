//! The languages member-facing texts ship in.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A group's language, picked by its operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese.
    Zh,
    /// English.
    En,
}

/// A language code Hearth has no texts for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`; use zh (简体中文) or en (English)")]
pub struct UnknownLang(pub String);

impl Lang {
    /// The code stored and typed: `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" | "cn" => Ok(Lang::Zh),
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            other => Err(UnknownLang(other.chars().take(20).collect())),
        }
    }
}

/// `n` and an English noun, singular for exactly one: `1 spin`, `2 spins`.
/// Chinese needs no such care: its counters do not change with the number.
pub fn en_count<N>(n: N, one: &str, many: &str) -> String
where
    N: Copy + PartialEq + From<u8> + fmt::Display,
{
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(en_count(1_i64, "spin", "spins"), "1 spin");
        assert_eq!(en_count(0_usize, "spin", "spins"), "0 spins");
        assert_eq!(en_count(2_u32, "member", "members"), "2 members");
    }

    #[test]
    fn codes_are_read_in_any_case() {
        assert_eq!("ZH-CN".parse::<Lang>(), Ok(Lang::Zh));
        assert_eq!(" en ".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }
}
