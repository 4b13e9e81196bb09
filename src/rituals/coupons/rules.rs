//! Coupon codes: pool names, codes, the CSV operators import them from, and
//! the `[pool]` mark that makes a prize a code from a pool.
//!
//! A code is handed out at most once, ever, so a code is unique across all
//! pools; a member holds at most the pool's per-member limit of its codes.

use std::{collections::HashSet, fmt};

use serde::{Deserialize, Serialize};

use crate::domain::{Lang, amount::Amount};

/// The longest code.
pub const MAX_CODE_CHARS: usize = 64;
/// The longest pool name.
pub const MAX_POOL_CHARS: usize = 32;
/// The largest file imported at once (a few hundred thousand codes).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// Invalid lines named one by one in an import's summary; beyond, a count.
pub const NAMED_INVALID: usize = 10;

/// A pool's name, as operators type it: letters, digits, `_` and `-`,
/// compared without case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PoolName(String);

impl PoolName {
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.chars().count() <= MAX_POOL_CHARS
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        ok.then(|| Self(raw.to_ascii_lowercase()))
    }

    /// A name as stored.
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PoolName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One coupon code: printable ASCII without spaces, commas or quotes, so it
/// survives CSV, chat clients and a shop's till alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Result<Self, LineError> {
        if raw.is_empty() {
            return Err(LineError::Empty);
        }
        if raw.chars().count() > MAX_CODE_CHARS {
            return Err(LineError::TooLong);
        }
        match raw
            .chars()
            .find(|c| !c.is_ascii_graphic() || matches!(c, ',' | '"' | '\''))
        {
            Some(c) => Err(LineError::BadChar(c)),
            None => Ok(Self(raw.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why one line of an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("no code")]
    Empty,
    #[error("longer than {MAX_CODE_CHARS} characters")]
    TooLong,
    #[error("the character {0:?} cannot be in a code")]
    BadChar(char),
    #[error("the value {0:?} is not an amount such as 10 or 9.90")]
    BadValue(String),
    #[error("more than two columns (code, value)")]
    TooManyColumns,
}

impl LineError {
    pub fn explain(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                Self::Empty => "没有券码".to_owned(),
                Self::TooLong => format!("超过 {MAX_CODE_CHARS} 个字符"),
                Self::BadChar(c) => format!("券码不能包含字符 {c:?}"),
                Self::BadValue(v) => format!("面值 {v:?} 不是金额（例如 10 或 9.90）"),
                Self::TooManyColumns => "列数超过两列（券码、面值）".to_owned(),
            },
        }
    }
}

/// A code read from a file, with its line and optional face value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub line: usize,
    pub code: Code,
    /// As written (`10`, `9.90`): shown to whoever gets the code.
    pub value: Option<String>,
}

/// What a file holds, line by line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CodeFile {
    pub codes: Vec<NewCode>,
    /// Lines repeating a code met earlier in the same file.
    pub repeated: usize,
    pub invalid: Vec<(usize, LineError)>,
}

/// A whole file refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is larger than {} MB", MAX_IMPORT_BYTES / 1024 / 1024)]
    TooBig,
    #[error("the file is not UTF-8 text (save it as CSV, UTF-8)")]
    NotText,
    /// Not one line is a code; the first bad line says why.
    #[error("the file holds no codes{}", first_bad(.0))]
    NoCodes(Option<(usize, LineError)>),
}

fn first_bad(first: &Option<(usize, LineError)>) -> String {
    first
        .as_ref()
        .map(|(line, e)| format!(" (line {line}: {e})"))
        .unwrap_or_default()
}

impl FileError {
    pub fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => format!("{}.", capitalised(&self.to_string())),
            (Self::TooBig, Lang::Zh) => {
                format!("文件超过 {} MB。", MAX_IMPORT_BYTES / 1024 / 1024)
            }
            (Self::NotText, Lang::Zh) => "文件不是 UTF-8 文本（请另存为 CSV UTF-8）。".to_owned(),
            (Self::NoCodes(None), Lang::Zh) => "文件里没有券码。".to_owned(),
            (Self::NoCodes(Some((line, _))), Lang::Zh) => {
                format!("文件里没有有效券码（例如第 {line} 行）。")
            }
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Reads a code file: one code per line, optionally `code,value`, an
/// optional header line (`code` or `code,value`), blank lines skipped,
/// fields optionally in double quotes. A UTF-8 BOM (Excel's) is ignored.
pub fn read_codes(bytes: &[u8]) -> Result<CodeFile, FileError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(FileError::TooBig);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FileError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut file = CodeFile::default();
    let mut seen = HashSet::new();
    let mut header_allowed = true;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(unquote).collect();
        if std::mem::take(&mut header_allowed) && fields[0].eq_ignore_ascii_case("code") {
            continue;
        }
        match read_line(&fields) {
            Ok((code, value)) => {
                if seen.insert(code.clone()) {
                    file.codes.push(NewCode {
                        line: line_no,
                        code,
                        value,
                    });
                } else {
                    file.repeated += 1;
                }
            }
            Err(e) => file.invalid.push((line_no, e)),
        }
    }
    if file.codes.is_empty() && file.repeated == 0 {
        return Err(FileError::NoCodes(file.invalid.into_iter().next()));
    }
    Ok(file)
}

fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(field)
        .trim()
}

fn read_line(fields: &[&str]) -> Result<(Code, Option<String>), LineError> {
    let code = Code::parse(fields[0])?;
    let value = match fields.get(1..) {
        Some([]) | None => None,
        Some([""]) => None,
        Some([value]) => Some(
            Amount::parse(value)
                .map(|_| (*value).to_owned())
                .ok_or_else(|| LineError::BadValue(value.chars().take(20).collect()))?,
        ),
        Some(_) => return Err(LineError::TooManyColumns),
    };
    Ok((code, value))
}

/// Splits a prize written `name[pool]` into its name and the pool its code
/// comes from; `[pool]` alone names the prize after the pool. Text without a
/// well-formed mark is all name.
pub fn split_pool(text: &str) -> (String, Option<PoolName>) {
    let text = text.trim();
    if let Some(head) = text.strip_suffix(']')
        && let Some((name, pool)) = head.rsplit_once('[')
        && let Some(pool) = PoolName::parse(pool)
    {
        let name = name.trim();
        let name = if name.is_empty() { pool.as_str() } else { name };
        return (name.to_owned(), Some(pool));
    }
    (text.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn reads_codes_values_headers_and_names_bad_lines() {
        let file = read_codes(
            "\u{feff}code,value\nAAA-1,10\n\"BBB-2\",9.90\n\nCCC 3\nAAA-1\nDDD,ten\nEEE,1,2\nFFF\n"
                .as_bytes(),
        )
        .unwrap();
        let codes: Vec<(&str, Option<&str>)> = file
            .codes
            .iter()
            .map(|c| (c.code.as_str(), c.value.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                ("AAA-1", Some("10")),
                ("BBB-2", Some("9.90")),
                ("FFF", None)
            ]
        );
        assert_eq!(file.repeated, 1);
        assert_eq!(
            file.invalid,
            [
                (5, LineError::BadChar(' ')),
                (7, LineError::BadValue("ten".into())),
                (8, LineError::TooManyColumns)
            ]
        );
        assert_eq!(file.codes[2].line, 9);
    }

    #[test]
    fn refuses_whole_files_that_are_not_code_lists() {
        assert_eq!(read_codes(b"\xff\xfe\x00"), Err(FileError::NotText));
        assert_eq!(read_codes(b"code\n\n"), Err(FileError::NoCodes(None)));
        assert_eq!(
            read_codes(b"code\n<b>,1,2\n").map_err(|e| e.explain(Lang::En)),
            Err("The file holds no codes (line 2: more than two columns (code, value)).".into())
        );
        let big = vec![b'A'; MAX_IMPORT_BYTES + 1];
        assert_eq!(read_codes(&big), Err(FileError::TooBig));
        assert_eq!(
            FileError::NotText.explain(Lang::En),
            "The file is not UTF-8 text (save it as CSV, UTF-8)."
        );
    }

    #[test]
    fn a_header_is_only_the_first_line() {
        let file = read_codes(b"X1\ncode\n").unwrap();
        assert_eq!(file.codes.len(), 2);
    }

    #[test]
    fn pool_marks_split_prize_names() {
        assert_eq!(
            split_pool("九折券[Ten_Off]"),
            ("九折券".to_owned(), PoolName::parse("ten_off"))
        );
        assert_eq!(
            split_pool("[vip]"),
            ("vip".to_owned(), PoolName::parse("vip"))
        );
        assert_eq!(split_pool("a [b c]"), ("a [b c]".to_owned(), None));
        assert_eq!(split_pool("Gift box"), ("Gift box".to_owned(), None));
    }

    #[test]
    fn pool_names_are_short_words() {
        assert_eq!(PoolName::parse("Spring-26").unwrap().as_str(), "spring-26");
        for bad in ["", "a b", "券", &"x".repeat(33)] {
            assert_eq!(PoolName::parse(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn any_file_reads_without_panic_and_accounts_for_every_line(
            text in "[A-Za-z0-9,\" \\-\n.券]{0,400}"
        ) {
            if let Ok(file) = read_codes(text.as_bytes()) {
                let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
                let counted = file.codes.len() + file.repeated + file.invalid.len();
                // Only a header line may go uncounted.
                prop_assert!(counted == lines || counted + 1 == lines);
                for c in &file.codes {
                    prop_assert!(Code::parse(c.code.as_str()).is_ok());
                }
            }
        }
    }
}
