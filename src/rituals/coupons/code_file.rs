//! A coupon file as shops keep it, turned into numbered rows of fields:
//! CSV in any of the encodings and separators spreadsheets save it with, or
//! the spreadsheet itself. What the fields mean is `rules::read_codes`'s job.

use std::{borrow::Cow, io::Cursor};

use calamine::{Data, Reader};
use encoding_rs::{Encoding, GB18030};

use super::rules::FileError;

/// One non-blank line of a CSV file or row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line (or sheet row) the operator sees in their editor, from 1.
    pub line: usize,
    /// Trimmed, with trailing empty fields dropped; never empty.
    pub fields: Vec<String>,
}

/// Zip (`.xlsx`, `.ods`) and OLE (`.xls`) files start with these bytes; no
/// code list does.
const WORKBOOK_MAGIC: [&[u8]; 2] = [b"PK\x03\x04", b"\xD0\xCF\x11\xE0"];

/// Lines looked at to tell the separator.
const SNIFFED_LINES: usize = 20;

/// The rows of a file: a workbook's first sheet, or a CSV file's lines.
pub fn rows(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    if WORKBOOK_MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return workbook_rows(bytes);
    }
    let text = decode(bytes)?;
    csv_rows(&text)
}

/// The text of a CSV file: UTF-8 (with or without Excel's BOM), UTF-16 with
/// its BOM (Excel's "Unicode text"), else GB18030, which Excel on Chinese
/// Windows saves and which is a superset of GBK.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, FileError> {
    let text = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if malformed {
            return Err(FileError::NotText);
        }
        text
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Cow::Borrowed(text)
    } else {
        GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(FileError::NotText)?
    };
    // No text file holds NUL; a binary file decoded by chance does.
    if text.contains('\0') {
        return Err(FileError::NotText);
    }
    Ok(text)
}

/// The separator a file uses: a tab or `;` when every sampled line has the
/// same number of them (for `;`, unless commas are as steady: Excel where
/// the decimal mark is a comma saves `;`), else a comma. Codes hold neither
/// whitespace nor commas, so a one-column file reads either way.
fn separator(text: &str) -> u8 {
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SNIFFED_LINES)
        .collect();
    let steady = |c: char| {
        let count = |line: &str| line.matches(c).count();
        sample
            .first()
            .map(|first| count(first))
            .is_some_and(|n| n > 0 && sample.iter().all(|l| count(l) == n))
    };
    if steady('\t') {
        b'\t'
    } else if steady(';') && !steady(',') {
        b';'
    } else {
        b','
    }
}

fn csv_rows(text: &str) -> Result<Vec<Row>, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| FileError::Unreadable {
            line: e.position().map_or(0, |p| lines.at(p.byte())),
        })?;
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        push_row(&mut rows, line, record.iter().map(str::to_owned));
    }
    Ok(rows)
}

/// The line a record starts on. The reader's own line count misses `\r\n`
/// and blank lines, and its position may be where the blank lines before
/// a record began: those are skipped here.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// Records come in order, so the count only moves forward.
    fn at(&mut self, byte: u64) -> usize {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while self
            .text
            .get(start)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            start += 1;
        }
        if start > self.offset {
            let newlines = self.text[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n');
            self.line += newlines.count();
            self.offset = start;
        }
        self.line
    }
}

/// The first sheet of a workbook; a row's line is its row number in Excel.
fn workbook_rows(bytes: &[u8]) -> Result<Vec<Row>, FileError> {
    let unreadable = |e: calamine::Error| FileError::Workbook(e.to_string());
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(sheet) = book.worksheet_range_at(0) else {
        return Ok(Vec::new());
    };
    let sheet = sheet.map_err(unreadable)?;
    let first = sheet.start().map_or(0, |(row, _)| row as usize);
    let mut rows = Vec::new();
    for (i, cells) in sheet.rows().enumerate() {
        push_row(&mut rows, first + i + 1, cells.iter().map(cell_text));
    }
    Ok(rows)
}

/// A cell as the operator sees it: a whole number without `.0` (a code of
/// digits is stored as a number), text as written.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

fn push_row(rows: &mut Vec<Row>, line: usize, fields: impl Iterator<Item = String>) {
    let mut fields: Vec<String> = fields.map(|f| f.trim().to_owned()).collect();
    while fields.last().is_some_and(String::is_empty) {
        fields.pop();
    }
    if !fields.is_empty() {
        rows.push(Row { line, fields });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bytes: &[u8]) -> Vec<(usize, Vec<String>)> {
        rows(bytes)
            .unwrap()
            .into_iter()
            .map(|r| (r.line, r.fields))
            .collect()
    }

    fn row(line: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (line, fields.iter().map(|f| (*f).to_owned()).collect())
    }

    #[test]
    fn quoted_fields_keep_their_separators_and_quotes() {
        assert_eq!(
            fields(b"code,value\n\"A-1\",\"9.90\"\n\n\"B,2\",1\n\"C\"\"3\"\n"),
            vec![
                row(1, &["code", "value"]),
                row(2, &["A-1", "9.90"]),
                row(4, &["B,2", "1"]),
                row(5, &["C\"3"]),
            ]
        );
    }

    #[test]
    fn semicolons_and_tabs_are_told_apart_from_commas() {
        assert_eq!(
            fields(b"A-1;10\nA-2;9,90\n"),
            vec![row(1, &["A-1", "10"]), row(2, &["A-2", "9,90"])]
        );
        assert_eq!(
            fields(b"A-1,x;y\nA-2,z;w\n"),
            vec![row(1, &["A-1", "x;y"]), row(2, &["A-2", "z;w"])],
            "commas as steady as semicolons are the separator"
        );
        assert_eq!(
            fields(b"code;value\r\nA-1;10\r\nA-2;\r\n"),
            vec![
                row(1, &["code", "value"]),
                row(2, &["A-1", "10"]),
                row(3, &["A-2"])
            ]
        );
        assert_eq!(
            fields(b"A-1\t10\nA-2\t9.90\n"),
            vec![row(1, &["A-1", "10"]), row(2, &["A-2", "9.90"])]
        );
    }

    #[test]
    fn gbk_utf16_and_bom_files_are_decoded() {
        let (gbk, _, _) = GB18030.encode("券码,面值\nA-1,10\n");
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(
            fields(&gbk),
            vec![row(1, &["券码", "面值"]), row(2, &["A-1", "10"])]
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "券码\tvalue\r\nA-1\t10\r\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(
            fields(&utf16),
            vec![row(1, &["券码", "value"]), row(2, &["A-1", "10"])]
        );
        assert_eq!(fields(b"\xEF\xBB\xBFA-1\n"), vec![row(1, &["A-1"])]);
    }

    #[test]
    fn binary_files_are_not_text() {
        for bytes in [&b"\xff\xfe\x00"[..], b"\x89PNG\r\n\x1a\n\0\0", b"\xff\xff"] {
            assert_eq!(rows(bytes), Err(FileError::NotText), "{bytes:?}");
        }
        assert!(matches!(
            rows(b"PK\x03\x04 not really a zip"),
            Err(FileError::Workbook(_))
        ));
    }

    #[test]
    fn a_workbook_reads_its_first_sheet_by_excel_row() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write(1, 0, "code").unwrap();
        sheet.write(1, 1, "value").unwrap();
        sheet.write(2, 0, "A-1").unwrap();
        sheet.write(2, 1, 9.9).unwrap();
        sheet.write(4, 0, 20261111).unwrap();
        sheet.write(4, 1, 10).unwrap();
        book.add_worksheet().write(0, 0, "OTHER").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(
            fields(&bytes),
            vec![
                row(2, &["code", "value"]),
                row(3, &["A-1", "9.9"]),
                row(5, &["20261111", "10"]),
            ]
        );
    }
}
