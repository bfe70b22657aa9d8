//! Reading a CRM's CSV export with the `csv` crate: the delimiter sniffed from the header
//! (`,`, `;` or tab), a BOM dropped, quoted fields across lines. A quote never closed or a row
//! with the wrong number of cells is an error at its line, never a silently swallowed file.

/// A CSV file's header and rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    pub delimiter: u8,
}

/// One row, and the line of the file it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// Whether every cell is empty (spreadsheets leave such rows behind).
    pub fn is_empty(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Why a CSV file cannot be read, at a line of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

fn error(line: usize, message: impl Into<String>) -> CsvError {
    CsvError {
        line,
        message: message.into(),
    }
}

/// Reads a CSV file. `delimiter` overrides the sniffed one.
pub fn read(bytes: &[u8], delimiter: Option<u8>) -> Result<Table, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        error(
            line,
            "this is not UTF-8 text; export the file as UTF-8 (CSV UTF-8)",
        )
    })?;
    let delimiter = delimiter.unwrap_or_else(|| sniff(text));
    if let Some(line) = unclosed_quote(text, delimiter) {
        return Err(error(
            line,
            "a quote opened on this line is never closed, so the rest of the file would be one cell",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| from_csv(&e, text))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| from_csv(&e, text))?;
        let line = line_at(text, record.position());
        rows.push(Row {
            line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(Table {
        headers,
        rows,
        delimiter,
    })
}

/// The line a record starts on, from its byte offset (the crate's own count skips blank lines).
fn line_at(text: &str, position: Option<&csv::Position>) -> usize {
    let start = position.map_or(0, |p| p.byte() as usize).min(text.len());
    let rest = &text[start..];
    let start = start + rest.len() - rest.trim_start_matches(['\r', '\n']).len();
    1 + text.as_bytes()[..start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

fn from_csv(e: &csv::Error, text: &str) -> CsvError {
    let line = line_at(text, e.position());
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => error(
            line,
            format!("this row has {len} cells, the header has {expected_len}"),
        ),
        _ => error(line, e.to_string()),
    }
}

/// The delimiter of the header line: the most frequent of `,` `;` and tab outside quotes.
fn sniff(text: &str) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| *d == b) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

/// The line of a quote that opens a cell and is never closed, as the `csv` crate would read
/// it (a quote only opens at the start of a cell; `""` inside is an escaped quote).
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut line, mut opened) = (1, 0);
    let (mut quoted, mut at_start) = (false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
        }
        if quoted {
            if b == b'"' && bytes.get(i + 1) == Some(&b'"') {
                i += 1;
            } else if b == b'"' {
                quoted = false;
            }
        } else if b == b'"' && at_start {
            (quoted, opened, at_start) = (true, line, false);
        } else if b == delimiter || b == b'\n' {
            at_start = true;
        } else if b != b'\r' {
            at_start = false;
        }
        i += 1;
    }
    quoted.then_some(opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(table: &Table) -> Vec<Vec<&str>> {
        table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn quoted_fields_span_lines_and_rows_know_their_line() {
        let table = read(
            b"\xEF\xBB\xBFName,Notes\nAcme,\"two\nlines, and \"\"quotes\"\"\"\n\nGlobex,plain\n",
            None,
        )
        .unwrap();
        assert_eq!(table.headers, ["Name", "Notes"]);
        assert_eq!(
            cells(&table),
            [
                vec!["Acme", "two\nlines, and \"quotes\""],
                vec!["Globex", "plain"]
            ]
        );
        assert_eq!(
            table.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 5]
        );
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header() {
        assert_eq!(read(b"a;b\n1,5;2\n", None).unwrap().delimiter, b';');
        assert_eq!(
            read(b"a\tb\tc;d\n1\t2\t3;4\n", None).unwrap().delimiter,
            b'\t'
        );
        assert_eq!(read(b"\"a;b\",c\n1,2\n", None).unwrap().delimiter, b',');
    }

    #[test]
    fn an_unclosed_quote_or_a_ragged_row_is_an_error_at_its_line() {
        let e = read(b"a,b\n1,2\n3,\"never closed\n4,5\n", None).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = read(b"a,b\n1,2\n3,4,5\n", None).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("3 cells, the header has 2"), "{e}");
        // A quote inside an unquoted cell is a character, as the csv crate reads it.
        assert!(read(b"a,b\n5\" screen,2\n", None).is_ok());
        let e = read(b"a,b\n\xff,2\n", None).unwrap_err();
        assert_eq!(e.line, 2);
    }
}
