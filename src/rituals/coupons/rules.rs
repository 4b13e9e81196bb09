//! Coupon codes: pool names, codes, what the files operators import them
//! from mean (`code_file` reads their formats), and the `[pool]` mark that
//! makes a prize a code from a pool.
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
    #[error("the file is neither text nor a workbook (save it as CSV or .xlsx)")]
    NotText,
    #[error("the workbook cannot be read ({0}); save it again as .xlsx or CSV")]
    Workbook(String),
    #[error("line {line} cannot be read as CSV")]
    Unreadable { line: usize },
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
            (Self::NotText, Lang::Zh) => {
                "文件既不是文本也不是表格（请另存为 CSV 或 .xlsx）。".to_owned()
            }
            (Self::Workbook(why), Lang::Zh) => {
                format!("无法读取该表格（{why}），请重新另存为 .xlsx 或 CSV。")
            }
            (Self::Unreadable { line }, Lang::Zh) => format!("第 {line} 行无法按 CSV 读取。"),
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

/// Header cells naming the code column; a first row starting with one is
/// skipped.
const CODE_HEADERS: [&str; 6] = ["code", "codes", "coupon", "券码", "兑换码", "优惠码"];

/// Reads a code file: one code per line, optionally `code,value`, an
/// optional header line (`code` or `code,value`, or in Chinese), blank
/// lines skipped. CSV in UTF-8, UTF-16 or GBK, separated by commas,
/// semicolons or tabs, or an Excel workbook: see `code_file`.
pub fn read_codes(bytes: &[u8]) -> Result<CodeFile, FileError> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(FileError::TooBig);
    }
    let mut file = CodeFile::default();
    let mut seen = HashSet::new();
    for (i, row) in super::code_file::rows(bytes)?.into_iter().enumerate() {
        let fields: Vec<&str> = row.fields.iter().map(String::as_str).collect();
        let header = CODE_HEADERS
            .iter()
            .any(|h| fields[0].eq_ignore_ascii_case(h));
        if i == 0 && header {
            continue;
        }
        match read_line(&fields) {
            Ok((code, value)) => {
                if seen.insert(code.clone()) {
                    file.codes.push(NewCode {
                        line: row.line,
                        code,
                        value,
                    });
                } else {
                    file.repeated += 1;
                }
            }
            Err(e) => file.invalid.push((row.line, e)),
        }
    }
    if file.codes.is_empty() && file.repeated == 0 {
        return Err(FileError::NoCodes(file.invalid.into_iter().next()));
    }
    Ok(file)
}

fn read_line(fields: &[&str]) -> Result<(Code, Option<String>), LineError> {
    let code = Code::parse(fields[0])?;
    let value = match fields.get(1..) {
        Some([]) | None => None,
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
            "The file is neither text nor a workbook (save it as CSV or .xlsx)."
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
                // Quotes may join lines: count the rows the reader saw.
                let lines = crate::rituals::coupons::code_file::rows(text.as_bytes())
                    .map_or(0, |rows| rows.len());
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
