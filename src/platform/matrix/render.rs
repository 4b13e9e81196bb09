//! Rich text to a Matrix `m.room.message`: a plain body, an HTML body with
//! pills for mentions, and `m.mentions.user_ids` so mentioned users are
//! notified (clients no longer notify on display names alone).

use serde_json::{Value, json};

use crate::domain::{RichText, Span};

/// The message content for `text`.
/// The relation that puts a message in the thread of `root`, with the
/// reply fallback clients without threads show (MSC3440).
pub fn in_thread(root: &str) -> Value {
    json!({
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": true,
        "m.in_reply_to": { "event_id": root },
    })
}

pub fn to_content(text: &RichText) -> Value {
    let mut html = String::new();
    for span in &text.spans {
        match span {
            Span::Text(t) => escape_into(&mut html, t),
            Span::Mention { user, name } => {
                html.push_str(&format!(
                    "<a href=\"https://matrix.to/#/{}\">\u{2068}",
                    escape(user.native())
                ));
                escape_into(&mut html, name.as_str());
                html.push_str("\u{2069}</a>");
            }
        }
    }
    let html = html.replace('\n', "<br>");
    let mentions: Vec<&str> = text.mentioned().into_iter().map(|u| u.native()).collect();
    json!({
        "msgtype": "m.text",
        "body": text.to_plain(),
        "format": "org.matrix.custom.html",
        "formatted_body": html,
        "m.mentions": { "user_ids": mentions },
    })
}

/// A reaction with `key` on `event`.
pub fn reaction(event: &matrix_sdk::ruma::EventId, key: &str) -> Value {
    json!({
        "m.relates_to": { "rel_type": "m.annotation", "event_id": event.as_str(), "key": key }
    })
}

fn escape(text: &str) -> String {
    let mut out = String::new();
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DisplayName, UserId};

    #[test]
    fn mentions_are_pills_and_notify() {
        let mut t = RichText::plain("Hi ");
        t.push_mention(
            &UserId::matrix("@ann:x.org"),
            &DisplayName::clean("<Ann>", "?"),
        );
        let c = to_content(&t);
        assert_eq!(c["body"], "Hi <Ann>");
        assert_eq!(
            c["formatted_body"],
            "Hi <a href=\"https://matrix.to/#/@ann:x.org\">\u{2068}&lt;Ann&gt;\u{2069}</a>"
        );
        assert_eq!(c["m.mentions"]["user_ids"], json!(["@ann:x.org"]));
    }
}
