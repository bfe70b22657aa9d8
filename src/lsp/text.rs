//! An open document's text, and the translation between LSP positions (lines and UTF-16 code
//! units, counted from 0) and byte offsets or dealbook's lines and columns (characters, counted
//! from 1). A position past a line's end or the document's is taken as that end, never an error.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub version: i32,
    /// Where each line starts.
    starts: Vec<usize>,
}

impl Document {
    pub fn new(text: String, version: i32) -> Document {
        let starts = line_starts(&text);
        Document {
            text,
            version,
            starts,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Line `n` (from 0) without its line ending; empty past the end.
    pub fn line(&self, n: usize) -> &str {
        let Some(&start) = self.starts.get(n) else {
            return "";
        };
        let end = self.starts.get(n + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Where line `n` starts.
    pub fn line_start(&self, n: usize) -> usize {
        self.starts.get(n).copied().unwrap_or(self.text.len())
    }

    /// The byte offset of a position.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        self.line_start(line) + byte_of_utf16(self.line(line), position.character as usize)
    }

    /// The position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let text = self.line(line);
        let within = (offset - self.starts[line]).min(text.len());
        let within = floor_char_boundary(text, within);
        Position::new(line as u32, utf16_len(&text[..within]) as u32)
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }

    /// The byte offset of dealbook's line and column (both from 1, the column in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let n = line.saturating_sub(1);
        if n >= self.starts.len() {
            return self.text.len();
        }
        let text = self.line(n);
        let within = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i);
        self.line_start(n) + within
    }

    /// Applies one change from `didChange`: a range replaced, or the whole text.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent) {
        match change.range {
            Some(range) => {
                let start = self.offset(range.start);
                let end = self.offset(range.end).max(start);
                self.text.replace_range(start..end, &change.text);
            }
            None => self.text = change.text,
        }
        self.starts = line_starts(&self.text);
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// The byte offset in `line` after `units` UTF-16 code units (the line's end past it; a
/// position inside a character is taken as its start).
fn byte_of_utf16(line: &str, units: usize) -> usize {
    let mut counted = 0;
    for (i, c) in line.char_indices() {
        if counted + c.len_utf16() > units {
            return i;
        }
        counted += c.len_utf16();
    }
    line.len()
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_and_clamp() {
        let doc = Document::new("ab\r\nx😀y — z\nlast".into(), 1);
        assert_eq!(doc.line(1), "x😀y — z");
        assert_eq!(doc.offset(Position::new(1, 3)), 4 + 5);
        assert_eq!(doc.position(4 + 5), Position::new(1, 3));
        assert_eq!(doc.offset(Position::new(0, 99)), 2, "past the line's end");
        assert_eq!(doc.offset(Position::new(99, 0)), doc.text.len());
        assert_eq!(doc.position(usize::MAX), Position::new(2, 4));
        assert_eq!(doc.offset_of(2, 3), 4 + 5, "dealbook counts characters");
        assert_eq!(doc.offset_of(9, 1), doc.text.len());
    }

    #[test]
    fn changes_apply_in_order() {
        let mut doc = Document::new("stage: qualifed\n".into(), 1);
        doc.apply(TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(0, 7), Position::new(0, 15))),
            range_length: None,
            text: "demo".into(),
        });
        assert_eq!(doc.text, "stage: demo\n");
        doc.apply(TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(5, 0), Position::new(1, 0))),
            range_length: None,
            text: "x".into(),
        });
        assert_eq!(doc.text, "stage: demo\nx", "a backwards range is empty");
        doc.apply(TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".into(),
        });
        assert_eq!((doc.text.as_str(), doc.line_count()), ("new", 1));
    }
}
