//! Rich text to Telegram HTML.
//!
//! Every run is escaped; a mention becomes a `tg://user?id=` link, which
//! notifies the user. Names sit inside a Unicode isolate (FSI…PDI) so a
//! right-to-left name cannot reorder the text around it.

use crate::domain::{RichText, Span};

/// Renders `text` for `parse_mode=HTML`.
pub fn to_html(text: &RichText) -> String {
    let mut out = String::new();
    for span in &text.spans {
        match span {
            Span::Text(t) => escape_into(&mut out, t),
            Span::Mention { user, name } => match user.as_telegram() {
                Some(id) => {
                    out.push_str(&format!("<a href=\"tg://user?id={id}\">\u{2068}"));
                    escape_into(&mut out, name.as_str());
                    out.push_str("\u{2069}</a>");
                }
                None => escape_into(&mut out, name.as_str()),
            },
        }
    }
    out
}

fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{DisplayName, UserId};

    #[test]
    fn mentions_become_notifying_links_with_escaped_names() {
        let mut t = RichText::plain("Hi ");
        t.push_mention(
            &UserId::telegram(7),
            &DisplayName::clean("<b>Ann & \"Bo\"</b>", "?"),
        );
        assert_eq!(
            to_html(&t),
            "Hi <a href=\"tg://user?id=7\">\u{2068}&lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;/b&gt;\u{2069}</a>"
        );
    }

    proptest! {
        /// Whatever the text, the only tags in the output are our own links.
        #[test]
        fn user_text_never_becomes_markup(text in "\\PC{0,200}", name in "\\PC{0,60}") {
            let mut t = RichText::plain(text);
            t.push_mention(&UserId::telegram(1), &DisplayName::clean(&name, "?"));
            let html = to_html(&t);
            let stripped = html.replace("<a href=\"tg://user?id=1\">", "").replace("</a>", "");
            prop_assert!(!stripped.contains('<') && !stripped.contains('>'));
        }
    }
}
