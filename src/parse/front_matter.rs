//! Splitting a file into its YAML front matter and Markdown body.

use std::collections::BTreeMap;

use crate::diagnostic::Pos;

/// A file's text cut at its front matter fences. Line numbers count from 1 in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// The file line the YAML starts on (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// The file line the body starts on.
    pub body_line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatter<'a> {
    /// No `---` on the first line: not a record.
    None,
    Found(Split<'a>),
    /// An opening `---` with no closing one.
    Unclosed,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text` (with any BOM already removed).
pub fn split(text: &str) -> FrontMatter<'_> {
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if is_fence(first) => {}
        _ => return FrontMatter::None,
    }
    let yaml_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = yaml_start;
    for (n, line) in lines.enumerate() {
        if is_fence(line) {
            return FrontMatter::Found(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: n + 3,
            });
        }
        offset += line.len();
    }
    FrontMatter::Unclosed
}

/// Where each top-level key's value starts, in file coordinates. Block-style YAML puts
/// top-level keys at column 1, so a line scan finds them without a YAML parser's help.
pub fn key_positions(yaml: &str, yaml_line: usize) -> BTreeMap<&str, Pos> {
    let mut positions = BTreeMap::new();
    for (n, line) in yaml.lines().enumerate() {
        let Some((key, rest)) = top_level_key(line) else {
            continue;
        };
        let value_offset = line.len() - rest.trim_start().len();
        let column = if rest.trim().is_empty() || rest.trim_start().starts_with('#') {
            1
        } else {
            line[..value_offset].chars().count() + 1
        };
        positions
            .entry(key)
            .or_insert(Pos::new(yaml_line + n, column));
    }
    positions
}

/// `key: rest` on a line that starts a top-level mapping entry.
pub fn top_level_key(line: &str) -> Option<(&str, &str)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '{' | '[' | '}' | ']') {
        return None;
    }
    let colon = find_key_colon(line)?;
    let key = line[..colon].trim();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    Some((key, &line[colon + 1..]))
}

/// The colon that ends a key: followed by whitespace or the end of the line, outside quotes.
fn find_key_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b':') => {
                let next = bytes.get(i + 1);
                if next.is_none_or(|c| c.is_ascii_whitespace()) {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let FrontMatter::Found(split) = split(text) else {
            panic!("no front matter")
        };
        assert_eq!(split.yaml, "title: A\n");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn tolerates_crlf_and_trailing_spaces_on_fences() {
        let text = "---  \r\ntitle: A\r\n---\r\nbody";
        let FrontMatter::Found(split) = split(text) else {
            panic!("no front matter")
        };
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(split.body, "body");
    }

    #[test]
    fn empty_front_matter_and_missing_fence() {
        assert!(matches!(split("---\n---\n"), FrontMatter::Found(s) if s.yaml.is_empty()));
        assert_eq!(split("---\ntitle: A\n"), FrontMatter::Unclosed);
        assert_eq!(split("# just notes\n---\n"), FrontMatter::None);
        assert_eq!(split(""), FrontMatter::None);
    }

    #[test]
    fn finds_value_columns() {
        let yaml = "title: Acme\n# comment\namount:   48000\ntags:\n  - a\n\"odd key\": x\nurl: http://x\n";
        let pos = key_positions(yaml, 2);
        assert_eq!(pos["title"], Pos::new(2, 8));
        assert_eq!(pos["amount"], Pos::new(4, 11));
        assert_eq!(pos["tags"], Pos::new(5, 1));
        assert_eq!(pos["odd key"], Pos::new(7, 12));
        assert_eq!(pos["url"], Pos::new(8, 6));
        assert!(!pos.contains_key("- a"));
    }
}
