//! Message templates: `Welcome {{newcomers}}!{{#inviter}} Thanks {{inviter}}.{{/inviter}}`.
//!
//! A template is parsed once, against the variables its kind allows, and saved
//! only if it parses; rendering can then not fail. Values are inserted as
//! spans, never as markup, so neither a template nor a value can inject
//! formatting or read anything beyond the variables given.

use std::collections::HashMap;

use super::{RichText, name::strip_unsafe};

/// Longest template accepted, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 2000;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Text(String),
    Var(String),
    /// Rendered only when the variable has a value.
    Section(String, Vec<Node>),
    /// A function with one argument, `{{snippet rules}}`, resolved at render.
    Call(String, String),
}

/// Why a template was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("the template is empty")]
    Empty,
    #[error("the template is {0} characters long; the limit is {MAX_TEMPLATE_CHARS}")]
    TooLong(usize),
    #[error("`{{{{` at character {0} is never closed with `}}}}`")]
    Unclosed(usize),
    #[error("unknown variable `{name}`; you can use: {allowed}")]
    UnknownVariable { name: String, allowed: String },
    #[error("`{{{{/{0}}}}}` closes a section that was never opened")]
    UnexpectedClose(String),
    #[error("the section `{{{{#{0}}}}}` is never closed with `{{{{/{0}}}}}`")]
    UnclosedSection(String),
    #[error("sections cannot be nested (`{{{{#{0}}}}}` inside another section)")]
    NestedSection(String),
    #[error("`{{{{{0}}}}}` needs an argument, like `{{{{{0} name}}}}`")]
    MissingArgument(String),
}

impl TemplateError {
    /// The mistake, explained in the group's language.
    pub fn explain(&self, lang: super::Lang) -> String {
        use super::Lang::{En, Zh};
        match (self, lang) {
            (_, En) => self.to_string(),
            (TemplateError::Empty, Zh) => "模板是空的".to_owned(),
            (TemplateError::TooLong(n), Zh) => {
                format!("模板有 {n} 个字符，上限是 {MAX_TEMPLATE_CHARS}")
            }
            (TemplateError::Unclosed(at), Zh) => {
                format!("第 {at} 个字符处的 `{{{{` 没有用 `}}}}` 闭合")
            }
            (TemplateError::UnknownVariable { name, allowed }, Zh) => {
                format!("未知变量 `{name}`；可用变量：{allowed}")
            }
            (TemplateError::UnexpectedClose(name), Zh) => {
                format!("`{{{{/{name}}}}}` 关闭了一个从未打开的段落")
            }
            (TemplateError::UnclosedSection(name), Zh) => {
                format!("段落 `{{{{#{name}}}}}` 没有用 `{{{{/{name}}}}}` 闭合")
            }
            (TemplateError::NestedSection(name), Zh) => {
                format!("段落不能嵌套（`{{{{#{name}}}}}` 在另一个段落里）")
            }
            (TemplateError::MissingArgument(name), Zh) => {
                format!("`{{{{{name}}}}}` 需要一个参数，例如 `{{{{{name} 名称}}}}`")
            }
        }
    }
}

/// A value for one variable.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Rich(RichText),
}

/// Variables given to a render; a missing one renders as nothing and hides its section.
pub type Values = HashMap<&'static str, Value>;

/// Resolves a function tag (`{{countdown 2026-11-11T20:00}}`) at render time.
pub type Calls<'a> = &'a dyn Fn(&str, &str) -> Option<Value>;

impl Template {
    /// Parses `source`, accepting only the variables in `allowed`.
    pub fn parse(source: &str, allowed: &[&str]) -> Result<Self, TemplateError> {
        Self::parse_with(source, allowed, &[])
    }

    /// Parses `source` with variables and one-argument functions.
    pub fn parse_with(
        source: &str,
        allowed: &[&str],
        functions: &[&str],
    ) -> Result<Self, TemplateError> {
        let len = source.chars().count();
        if strip_unsafe(source).trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        if len > MAX_TEMPLATE_CHARS {
            return Err(TemplateError::TooLong(len));
        }
        let mut root: Vec<Node> = Vec::new();
        let mut section: Option<(String, Vec<Node>)> = None;
        let mut rest = source;
        let mut offset = 0;
        while let Some(start) = rest.find("{{") {
            let text = &rest[..start];
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or_else(|| {
                TemplateError::Unclosed(source[..offset + start].chars().count() + 1)
            })?;
            let tag = after[..end].trim();
            let target = section.as_mut().map(|(_, n)| n).unwrap_or(&mut root);
            if !text.is_empty() {
                target.push(Node::Text(strip_unsafe(text)));
            }
            if let Some(name) = tag.strip_prefix('#') {
                let name = check_var(name.trim(), allowed)?;
                if section.is_some() {
                    return Err(TemplateError::NestedSection(name));
                }
                section = Some((name, Vec::new()));
            } else if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim();
                match section.take() {
                    Some((open, nodes)) if open == name => root.push(Node::Section(open, nodes)),
                    _ => return Err(TemplateError::UnexpectedClose(name.to_owned())),
                }
            } else if let Some((name, arg)) = tag.split_once(char::is_whitespace)
                && functions.contains(&name)
            {
                target.push(Node::Call(name.to_owned(), arg.trim().to_owned()));
            } else if functions.contains(&tag) {
                return Err(TemplateError::MissingArgument(tag.to_owned()));
            } else {
                let all: Vec<&str> = allowed.iter().chain(functions).copied().collect();
                if !allowed.contains(&tag) {
                    check_var(tag, &all)?;
                }
                target.push(Node::Var(tag.to_owned()));
            }
            let consumed = start + 2 + end + 2;
            offset += consumed;
            rest = &rest[consumed..];
        }
        if let Some((name, _)) = section {
            return Err(TemplateError::UnclosedSection(name));
        }
        if !rest.is_empty() {
            root.push(Node::Text(strip_unsafe(rest)));
        }
        Ok(Self {
            source: source.to_owned(),
            nodes: root,
        })
    }

    /// The text the template was parsed from, for storing and showing.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Renders with the given values.
    pub fn render(&self, values: &Values) -> RichText {
        self.render_with(values, &|_, _| None)
    }

    /// Renders with values and a resolver for function tags.
    pub fn render_with(&self, values: &Values, calls: Calls<'_>) -> RichText {
        let mut out = RichText::default();
        render_nodes(&self.nodes, values, calls, &mut out);
        out
    }

    /// The function tags used, as `(function, argument)`, in order.
    pub fn calls(&self) -> Vec<(&str, &str)> {
        fn walk<'a>(nodes: &'a [Node], out: &mut Vec<(&'a str, &'a str)>) {
            for node in nodes {
                match node {
                    Node::Call(f, a) => out.push((f, a)),
                    Node::Section(_, inner) => walk(inner, out),
                    Node::Text(_) | Node::Var(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, &mut out);
        out
    }
}

fn check_var(name: &str, allowed: &[&str]) -> Result<String, TemplateError> {
    if allowed.contains(&name) {
        Ok(name.to_owned())
    } else {
        Err(TemplateError::UnknownVariable {
            name: name.chars().take(40).collect(),
            allowed: allowed
                .iter()
                .map(|a| format!("{{{{{a}}}}}"))
                .collect::<Vec<_>>()
                .join(" "),
        })
    }
}

fn render_nodes(nodes: &[Node], values: &Values, calls: Calls<'_>, out: &mut RichText) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_text(t),
            Node::Var(name) => match values.get(name.as_str()) {
                Some(Value::Text(t)) => out.push_text(t),
                Some(Value::Rich(r)) => out.append(r.clone()),
                None => {}
            },
            Node::Section(name, inner) => {
                if values.contains_key(name.as_str()) {
                    render_nodes(inner, values, calls, out);
                }
            }
            Node::Call(name, arg) => match calls(name, arg) {
                Some(Value::Text(t)) => out.push_text(&t),
                Some(Value::Rich(r)) => out.append(r),
                None => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{DisplayName, Span, UserId};

    const VARS: &[&str] = &["newcomers", "inviter", "count"];

    #[test]
    fn renders_variables_and_sections() {
        let t = Template::parse(
            "Hi {{newcomers}}!{{#inviter}} by {{inviter}} ({{count}}){{/inviter}}",
            VARS,
        )
        .unwrap();
        let mut who = RichText::default();
        who.push_mention(&UserId::telegram(1), &DisplayName::clean("Ann", "?"));
        let mut values = Values::new();
        values.insert("newcomers", Value::Rich(who.clone()));
        assert_eq!(t.render(&values).to_plain(), "Hi Ann!");
        values.insert("inviter", Value::Rich(who));
        values.insert("count", Value::Text("3".into()));
        let r = t.render(&values);
        assert_eq!(r.to_plain(), "Hi Ann! by Ann (3)");
        assert_eq!(
            r.spans
                .iter()
                .filter(|s| matches!(s, Span::Mention { .. }))
                .count(),
            2
        );
    }

    #[test]
    fn refuses_broken_templates_with_a_reason() {
        assert!(matches!(
            Template::parse("Hi {{newcomers", VARS),
            Err(TemplateError::Unclosed(4))
        ));
        assert!(matches!(
            Template::parse("{{password}}", VARS),
            Err(TemplateError::UnknownVariable { .. })
        ));
        assert!(matches!(
            Template::parse("{{#inviter}}x", VARS),
            Err(TemplateError::UnclosedSection(_))
        ));
        assert!(matches!(
            Template::parse("x{{/inviter}}", VARS),
            Err(TemplateError::UnexpectedClose(_))
        ));
        assert!(matches!(
            Template::parse("   ", VARS),
            Err(TemplateError::Empty)
        ));
        let long = "x".repeat(MAX_TEMPLATE_CHARS + 1);
        assert!(matches!(
            Template::parse(&long, VARS),
            Err(TemplateError::TooLong(_))
        ));
    }

    #[test]
    fn errors_are_explained_in_both_languages() {
        let err = Template::parse("{{nope}}", VARS).unwrap_err();
        assert!(
            err.explain(crate::domain::Lang::Zh)
                .starts_with("未知变量 `nope`；可用变量：{{newcomers}}")
        );
        assert!(
            err.explain(crate::domain::Lang::En)
                .starts_with("unknown variable `nope`; you can use: {{newcomers}}")
        );
    }

    #[test]
    fn functions_take_an_argument_resolved_at_render() {
        let t = Template::parse_with("A {{snippet rules}} B", VARS, &["snippet"]).unwrap();
        assert_eq!(t.calls(), vec![("snippet", "rules")]);
        let rendered = t.render_with(&Values::new(), &|f, a| {
            Some(Value::Text(format!("<{f}:{a}>")))
        });
        assert_eq!(rendered.to_plain(), "A <snippet:rules> B");
        assert_eq!(
            Template::parse_with("{{snippet}}", VARS, &["snippet"]),
            Err(TemplateError::MissingArgument("snippet".into()))
        );
        assert!(matches!(
            Template::parse("{{snippet rules}}", VARS),
            Err(TemplateError::UnknownVariable { .. })
        ));
    }

    #[test]
    fn a_value_that_looks_like_a_tag_stays_text() {
        let t = Template::parse("{{count}}", VARS).unwrap();
        let mut values = Values::new();
        values.insert("count", Value::Text("{{inviter}} <b>".into()));
        assert_eq!(
            t.render(&values).spans,
            vec![Span::Text("{{inviter}} <b>".into())]
        );
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(src in ".{0,300}") {
            let _ = Template::parse(&src, VARS);
        }

        #[test]
        fn text_without_braces_renders_as_itself(src in "[^{}]{1,200}") {
            // Less the control and bidi characters a name may not hold either.
            let safe = strip_unsafe(&src);
            prop_assume!(!safe.trim().is_empty());
            let t = Template::parse(&src, VARS).unwrap();
            prop_assert_eq!(t.render(&Values::new()).to_plain(), safe);
        }

        /// Fuzzing: templates built from real tags and hostile text, rendered
        /// with hostile values. Never panics; a value is shown as given.
        #[test]
        fn rendering_any_template_never_panics(
            parts in prop::collection::vec(
                prop_oneof![
                    Just("{{newcomer}}".to_owned()),
                    Just("{{#count}}".to_owned()),
                    Just("{{/count}}".to_owned()),
                    Just("{{".to_owned()),
                    Just("}}".to_owned()),
                    "\\PC{0,12}",
                ],
                0..24,
            ),
            value in "[^\\p{C}]{1,60}",
        ) {
            let src: String = parts.concat();
            if let Ok(t) = Template::parse(&src, VARS) {
                let mut values = Values::new();
                values.insert("newcomer", Value::Text(value.clone()));
                values.insert("count", Value::Text("3".into()));
                let out = t.render(&values).to_plain();
                if src.contains("{{newcomer}}") && !src.contains("{{#") {
                    prop_assert!(out.contains(&value), "{out:?}");
                }
            }
        }
    }
}
