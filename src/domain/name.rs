//! Display names as they may be shown to a group.
//!
//! A name is whatever a stranger typed into their profile. Before the engine
//! touches it, control characters go, bidi overrides go (they would flip the
//! rest of the greeting), and the length is capped. Markup escaping is the
//! renderer's job, per platform; this type guarantees the text is sane.

use serde::{Deserialize, Serialize};

/// Longest name we show, in characters; longer ones end with an ellipsis.
pub const MAX_NAME_CHARS: usize = 48;

/// A cleaned-up, never-empty display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Cleans a raw profile name; an empty result becomes `fallback`.
    pub fn clean(raw: &str, fallback: &str) -> Self {
        let mut out = String::new();
        let mut count = 0;
        for ch in raw.chars().filter(|c| !is_unsafe(*c)) {
            let ch = if ch.is_whitespace() { ' ' } else { ch };
            if ch == ' ' && (out.is_empty() || out.ends_with(' ')) {
                continue;
            }
            if count == MAX_NAME_CHARS {
                out.push('…');
                break;
            }
            out.push(ch);
            count += 1;
        }
        let trimmed = out.trim_end().to_owned();
        if trimmed.is_empty() {
            Self(fallback.to_owned())
        } else {
            Self(trimmed)
        }
    }

    /// Trusts a name read back from the store (it was cleaned on the way in).
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    /// The cleaned text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `text` without the characters a display name may not hold either (line
/// breaks and tabs stay): an admin's template cannot flip a greeting.
pub fn strip_unsafe(text: &str) -> String {
    text.chars().filter(|c| !is_unsafe(*c)).collect()
}

/// Control characters and the bidi embedding/override/isolate controls.
/// Marks such as U+200F (RLM) are harmless inside an isolate and kept; the
/// renderer wraps every name in an isolate.
/// A group's title as the platform showed it, without the characters that
/// break a database or a renderer (NUL, which PostgreSQL refuses; other
/// controls; direction overrides). Anyone who may rename a room can put them
/// there.
pub fn clean_title(raw: &str) -> String {
    raw.chars().filter(|c| !is_unsafe(*c)).collect()
}

fn is_unsafe(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        || c == '\u{0}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_lose_nul_and_controls_only() {
        assert_eq!(clean_title("Tea\u{0} 茶\u{202E} room 🍵"), "Tea 茶 room 🍵");
    }

    #[test]
    fn strips_overrides_and_controls_but_keeps_emoji_and_chinese() {
        let n = DisplayName::clean("\u{202E}芬芬\u{0007} 🎉", "?");
        assert_eq!(n.as_str(), "芬芬 🎉");
    }

    #[test]
    fn empty_name_falls_back() {
        assert_eq!(
            DisplayName::clean("\u{202E}\u{2066}  ", "member").as_str(),
            "member"
        );
    }

    proptest! {
        #[test]
        fn cleaned_names_are_bounded_and_free_of_bidi_overrides(raw in ".{0,300}") {
            let n = DisplayName::clean(&raw, "x");
            prop_assert!(!n.as_str().is_empty());
            prop_assert!(n.as_str().chars().count() <= MAX_NAME_CHARS + 1);
            prop_assert!(!n.as_str().chars().any(is_unsafe));
        }
    }
}
