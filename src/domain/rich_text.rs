//! Platform-neutral message text: plain runs and mentions. Each adapter renders
//! it its own way (Telegram HTML links, Matrix pills plus `m.mentions`), and
//! escapes every run, so user text can never become markup.

use serde::{Deserialize, Serialize};

use super::{DisplayName, UserId};

/// One piece of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    /// Literal text, shown as typed.
    Text(String),
    /// A notifying mention of a user, shown as their name.
    Mention { user: UserId, name: DisplayName },
}

/// A message made of spans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichText {
    pub spans: Vec<Span>,
}

impl RichText {
    /// A message of one plain run.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            spans: vec![Span::Text(text.into())],
        }
    }

    /// Appends plain text, merging with a preceding run.
    pub fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Span::Text(last)) = self.spans.last_mut() {
            last.push_str(text);
        } else {
            self.spans.push(Span::Text(text.to_owned()));
        }
    }

    /// Appends a mention.
    pub fn push_mention(&mut self, user: &UserId, name: &DisplayName) {
        self.spans.push(Span::Mention {
            user: user.clone(),
            name: name.clone(),
        });
    }

    /// Appends another message.
    pub fn append(&mut self, other: RichText) {
        for span in other.spans {
            match span {
                Span::Text(t) => self.push_text(&t),
                mention => self.spans.push(mention),
            }
        }
    }

    /// Rewrites every plain run with `f` (mentions are left as they are).
    pub fn map_text(self, f: impl Fn(&str) -> String) -> Self {
        let spans = self
            .spans
            .into_iter()
            .map(|s| match s {
                Span::Text(t) => Span::Text(f(&t)),
                mention => mention,
            })
            .collect();
        Self { spans }
    }

    /// Users mentioned, in order, without repeats.
    pub fn mentioned(&self) -> Vec<&UserId> {
        let mut seen: Vec<&UserId> = Vec::new();
        for span in &self.spans {
            if let Span::Mention { user, .. } = span
                && !seen.contains(&user)
            {
                seen.push(user);
            }
        }
        seen
    }

    /// Cuts the message into parts of at most `max` UTF-16 units as a reader
    /// sees it (Telegram's measure), at line ends where it can and mid-line
    /// only for a line longer than `max`. Mentions are never cut.
    pub fn split(self, max: usize) -> Vec<RichText> {
        let max = max.max(2);
        let mut parts = Vec::new();
        let mut current = RichText::default();
        let mut used = 0;
        let mut close = |current: &mut RichText, used: &mut usize| {
            if !current.spans.is_empty() {
                parts.push(std::mem::take(current));
            }
            *used = 0;
        };
        for span in self.spans {
            match span {
                Span::Text(text) => {
                    for line in text.split_inclusive('\n') {
                        let mut rest = line;
                        while !rest.is_empty() {
                            let len = utf16_len(rest);
                            if used + len <= max {
                                current.push_text(rest);
                                used += len;
                                break;
                            }
                            if used > 0 {
                                close(&mut current, &mut used);
                                continue;
                            }
                            let cut = prefix_within(rest, max);
                            current.push_text(&rest[..cut]);
                            close(&mut current, &mut used);
                            rest = &rest[cut..];
                        }
                    }
                }
                Span::Mention { user, name } => {
                    // Renderers put each name inside an isolate (FSI…PDI),
                    // two more characters the platform counts.
                    let len = utf16_len(name.as_str()) + 2;
                    if used > 0 && used + len > max {
                        close(&mut current, &mut used);
                    }
                    current.push_mention(&user, &name);
                    used += len;
                }
            }
        }
        close(&mut current, &mut used);
        parts
    }

    /// The text as a reader sees it, mentions shown as names.
    pub fn to_plain(&self) -> String {
        self.spans
            .iter()
            .map(|s| match s {
                Span::Text(t) => t.as_str(),
                Span::Mention { name, .. } => name.as_str(),
            })
            .collect()
    }
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// The byte length of the longest prefix of `text` within `max` UTF-16
/// units (`max` ≥ 2, so at least one char fits).
fn prefix_within(text: &str, max: usize) -> usize {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > max {
            return at;
        }
    }
    text.len()
}

impl From<&str> for RichText {
    fn from(text: &str) -> Self {
        RichText::plain(text)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn sample() -> RichText {
        let mut text = RichText::plain("line one\nline two\n");
        text.push_mention(&UserId::telegram(7), &DisplayName::clean("芬芬", "?"));
        text.push_text(" welcome\n");
        text
    }

    #[test]
    fn a_short_message_stays_whole() {
        assert_eq!(sample().split(4000), vec![sample()]);
    }

    #[test]
    fn long_messages_break_at_line_ends() {
        // "line two\n" is 9 units, the mention 2 plus its 2 isolate marks.
        let parts = sample().split(13);
        let plain: Vec<String> = parts.iter().map(RichText::to_plain).collect();
        assert_eq!(plain, ["line one\n", "line two\n芬芬", " welcome\n"]);
        assert_eq!(
            parts[1].mentioned(),
            vec![&UserId::telegram(7)],
            "the mention stays whole"
        );
    }

    #[test]
    fn a_mention_counts_its_isolate_marks() {
        let plain: Vec<String> = sample().split(12).iter().map(RichText::to_plain).collect();
        assert_eq!(plain, ["line one\n", "line two\n", "芬芬", " welcome\n"]);
    }

    proptest! {
        /// Nothing is lost, nothing is added, no part is too long.
        #[test]
        fn parts_keep_every_char_within_the_limit(text in "[a-z😀\n]{0,300}", max in 2usize..50) {
            let parts = RichText::plain(text.clone()).split(max);
            let joined: String = parts.iter().map(RichText::to_plain).collect();
            prop_assert_eq!(joined, text);
            for part in &parts {
                prop_assert!(utf16_len(&part.to_plain()) <= max);
                prop_assert!(!part.spans.is_empty());
            }
        }
    }
}
