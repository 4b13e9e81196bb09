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

impl From<&str> for RichText {
    fn from(text: &str) -> Self {
        RichText::plain(text)
    }
}
