//! Minimal-diff edits of a record's text: only the lines an edit means to change are touched.
//! Comments, key order, quoting, blank lines, line endings and a BOM all stay as they were.

use chrono::NaiveDate;

use crate::parse::body::{self, parse_date};
use crate::parse::front_matter::{self, top_level_key, FrontMatter};

/// Why an edit cannot be made to a file's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("this file has no front matter")]
    NoFrontMatter,
    #[error("the front matter has no closing `---`")]
    UnclosedFrontMatter,
    #[error("`{0}` holds a single value, not fields")]
    NotFields(String),
    #[error("no field given")]
    NoField,
    #[error("there is no line {0}")]
    NoLine(usize),
    #[error("line {0} is not an open task")]
    NotAnOpenTask(usize),
}

/// A file's lines, each with its own line ending, so untouched lines come back byte for byte.
struct Lines {
    bom: bool,
    lines: Vec<String>,
    newline: &'static str,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let (bom, text) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        Lines {
            bom,
            lines: text.split_inclusive('\n').map(String::from).collect(),
            newline,
        }
    }

    fn text(&self) -> String {
        let mut text = String::from(if self.bom { "\u{feff}" } else { "" });
        text.extend(self.lines.iter().map(String::as_str));
        text
    }

    fn content(&self, i: usize) -> &str {
        self.lines[i].trim_end_matches(['\n', '\r'])
    }

    fn line(&self, content: &str) -> String {
        format!("{content}{}", self.newline)
    }

    /// Makes sure the last line ends with a newline before lines are added after it.
    fn terminate_last(&mut self) {
        if let Some(last) = self.lines.last_mut() {
            if !last.ends_with('\n') {
                last.push_str(self.newline);
            }
        }
    }

    /// The index of the closing `---` of the front matter, found as the reader finds it.
    fn front_matter_end(&self) -> Result<usize, EditError> {
        match front_matter::split(&self.lines.concat()) {
            FrontMatter::Found(split) => Ok(split.body_line - 2),
            FrontMatter::None => Err(EditError::NoFrontMatter),
            FrontMatter::Unclosed => Err(EditError::UnclosedFrontMatter),
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// An entry `key: value` found at one indentation, with the lines its value continues on.
struct Entry {
    line: usize,
    /// One past the last line of its value (nested mapping or block list).
    end: usize,
}

/// Finds `key` among the entries at exactly `indent` spaces within `range`.
fn find_entry(lines: &Lines, from: usize, to: usize, indent: usize, key: &str) -> Option<Entry> {
    let mut i = from;
    while i < to {
        let content = lines.content(i);
        if indent_of(content) == indent && !is_blank_or_comment(content) {
            if let Some((found, _)) = top_level_key(&content[indent..]) {
                if found == key {
                    return Some(Entry {
                        line: i,
                        end: block_end(lines, i, to, indent),
                    });
                }
            }
        }
        i += 1;
    }
    None
}

/// The lines after an entry's key line that belong to its value: deeper indentation, or
/// `- item` lines at the same indentation (YAML allows a block list there).
fn block_end(lines: &Lines, key_line: usize, to: usize, indent: usize) -> usize {
    let mut end = key_line + 1;
    for i in key_line + 1..to {
        let content = lines.content(i);
        if content.trim().is_empty() {
            continue;
        }
        let deeper = indent_of(content) > indent;
        let dash = indent_of(content) == indent && content[indent..].starts_with("- ");
        if deeper || dash {
            end = i + 1;
        } else {
            break;
        }
    }
    end
}

/// Where the value starts on a key line, and where it ends (before a trailing ` # comment`).
fn value_bounds(content: &str, indent: usize) -> (usize, usize) {
    let (_, rest) = top_level_key(&content[indent..]).expect("a key line");
    let after_colon = content.len() - rest.len();
    let value_start = after_colon + (rest.len() - rest.trim_start().len());
    (value_start, value_end(content, value_start))
}

/// Where a value that starts at byte `value_start` of a front-matter line ends: after its
/// closing quote (`''` and `\"` are escapes inside it), before a ` # comment` and trailing
/// spaces.
pub fn value_end(content: &str, value_start: usize) -> usize {
    let bytes = content.as_bytes();
    // A comment can only start after a quoted value's closing quote.
    let mut from = value_start;
    match bytes.get(value_start) {
        Some(b'\'') => {
            let mut i = value_start + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            from = (i + 1).min(bytes.len());
        }
        Some(b'"') => {
            let mut i = value_start + 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            from = (i + 1).min(bytes.len());
        }
        _ => {}
    }
    let mut comment = content.len();
    for i in from..content.len() {
        let after_space = i == value_start || matches!(bytes[i - 1], b' ' | b'\t');
        if bytes[i] == b'#' && after_space {
            comment = i;
            break;
        }
    }
    content[..comment].trim_end().len().max(value_start)
}

/// The key a file uses for one of dealbook's fields: per the config's `fields:`, the first of
/// the vault's names the file has, else the first listed; for a template or an unmapped field,
/// dealbook's own name.
pub fn vault_key<'a>(config: &'a crate::model::Config, text: &str, field: &'a str) -> &'a str {
    let Some(source) = config.fields.get(field).filter(|s| s.template().is_none()) else {
        return field;
    };
    let names = source.names();
    names
        .iter()
        .find(|name| written_value(text, &[name]).is_some())
        .or(names.first())
        .copied()
        .unwrap_or(field)
}

/// The value as written on its key line (empty for a block value).
pub fn written_value(text: &str, path: &[&str]) -> Option<String> {
    let lines = Lines::new(text);
    let end = lines.front_matter_end().ok()?;
    let (entry, indent) = locate(&lines, end, path)?;
    let content = lines.content(entry.line);
    let (start, stop) = value_bounds(content, indent);
    Some(content[start..stop].to_string())
}

fn locate(lines: &Lines, fm_end: usize, path: &[&str]) -> Option<(Entry, usize)> {
    let (mut from, mut to, mut indent) = (1, fm_end, 0);
    for (depth, key) in path.iter().enumerate() {
        let entry = find_entry(lines, from, to, indent, key)?;
        if depth + 1 == path.len() {
            return Some((entry, indent));
        }
        from = entry.line + 1;
        to = entry.end;
        indent = child_indent(lines, from, to, indent);
    }
    None
}

fn child_indent(lines: &Lines, from: usize, to: usize, indent: usize) -> usize {
    (from..to)
        .map(|i| lines.content(i))
        .find(|c| !is_blank_or_comment(c))
        .map_or(indent + 2, indent_of)
}

/// Sets `path` (`["close_date"]`, or `["address", "city"]` for a nested value) to `yaml`, the
/// value already written as YAML. Only that entry's lines change; a new key goes at the end of
/// the front matter (or of its parent mapping).
pub fn set(text: &str, path: &[&str], yaml: &str) -> Result<String, EditError> {
    let mut lines = Lines::new(text);
    let fm_end = lines.front_matter_end()?;
    let (mut from, mut to, mut indent) = (1, fm_end, 0);
    for (depth, key) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        match find_entry(&lines, from, to, indent, key) {
            Some(entry) if last => {
                replace_value(&mut lines, &entry, indent, yaml);
                return Ok(lines.text());
            }
            Some(entry) => {
                let content = lines.content(entry.line);
                let (start, stop) = value_bounds(content, indent);
                if start < stop {
                    return Err(EditError::NotFields(key.to_string()));
                }
                from = entry.line + 1;
                to = entry.end;
                indent = child_indent(&lines, from, to, indent);
            }
            None => {
                // Create what is missing at the end of the enclosing mapping.
                let mut new = Vec::new();
                for (d, k) in path[depth..].iter().enumerate() {
                    let pad = " ".repeat(indent + 2 * d);
                    new.push(if depth + d + 1 == path.len() {
                        lines.line(&format!("{pad}{k}: {yaml}"))
                    } else {
                        lines.line(&format!("{pad}{k}:"))
                    });
                }
                let at = last_content_line(&lines, from, to);
                lines.lines.splice(at..at, new);
                return Ok(lines.text());
            }
        }
    }
    Err(EditError::NoField)
}

/// One past the last non-blank line in `from..to`, so new keys go before trailing blank lines.
fn last_content_line(lines: &Lines, from: usize, to: usize) -> usize {
    (from..to)
        .rev()
        .find(|&i| !lines.content(i).trim().is_empty())
        .map_or(from, |i| i + 1)
}

fn replace_value(lines: &mut Lines, entry: &Entry, indent: usize, yaml: &str) {
    let content = lines.content(entry.line).to_string();
    let ending = &lines.lines[entry.line][content.len()..];
    let (start, stop) = value_bounds(&content, indent);
    let has_block = entry.end > entry.line + 1;
    // A block list stays a block list: `[a, b]` is written back as `- a` / `- b` lines.
    if has_block && start == stop {
        if let Some(items) = flow_items(yaml) {
            let first = lines.content(entry.line + 1).to_string();
            if first.trim_start().starts_with("- ") {
                let prefix = &first[..first.len() - first.trim_start().len()];
                let new: Vec<String> = items
                    .iter()
                    .map(|item| lines.line(&format!("{prefix}- {item}")))
                    .collect();
                lines.lines.splice(entry.line + 1..entry.end, new);
                return;
            }
        }
    }
    let separator =
        if start == content.len() - content[start..].len() && !content[..start].ends_with(' ') {
            " "
        } else {
            ""
        };
    let new_line = format!(
        "{}{separator}{yaml}{}{ending}",
        &content[..start],
        &content[stop..]
    );
    let new_line = if yaml.is_empty() {
        format!(
            "{}{}{ending}",
            content[..start].trim_end(),
            &content[stop..]
        )
    } else {
        new_line
    };
    lines.lines[entry.line] = new_line;
    if has_block {
        lines.lines.drain(entry.line + 1..entry.end);
    }
}

/// `[a, "b, c"]` → `a`, `"b, c"`, as written (items are already valid YAML scalars).
fn flow_items(yaml: &str) -> Option<Vec<String>> {
    let inner = yaml.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut item = String::new();
    let mut quote = None;
    let mut escaped = false;
    for c in inner.chars() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => escaped = true,
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => return None, // nested: keep the flow form
            (None, ',') => items.push(std::mem::take(&mut item)),
            _ => escaped = false,
        }
        if !(quote.is_none() && c == ',') {
            item.push(c);
        }
    }
    items.push(item);
    Some(
        items
            .iter()
            .map(|i| i.trim().to_string())
            .filter(|i| !i.is_empty())
            .collect(),
    )
}

/// Removes `path`'s entry (its key line and any lines of its value). `None` if it is not there.
pub fn unset(text: &str, path: &[&str]) -> Result<Option<String>, EditError> {
    let mut lines = Lines::new(text);
    let fm_end = lines.front_matter_end()?;
    let Some((entry, _)) = locate(&lines, fm_end, path) else {
        return Ok(None);
    };
    lines.lines.drain(entry.line..entry.end);
    Ok(Some(lines.text()))
}

/// A heading of the body, by line: the line it starts on, the line after it (a setext heading
/// is two lines), its level and its text.
struct SectionHeading {
    line: usize,
    after: usize,
    level: usize,
    title: String,
}

/// The body's headings from `from` on, as the reader sees them (pulldown-cmark: setext
/// headings included, fenced code left out).
fn headings(lines: &Lines, from: usize) -> Vec<SectionHeading> {
    let body: String = lines.lines[from..].concat();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| from + starts.partition_point(|&s| s <= offset) - 1;
    body::headings(&body)
        .into_iter()
        .map(|h| SectionHeading {
            line: line_of(h.start),
            after: line_of(h.end.saturating_sub(1)) + 1,
            level: h.level as usize,
            title: h.title,
        })
        .collect()
}

/// A dated list item at the top of the log: (bullet, date).
fn log_item(content: &str) -> Option<(char, NaiveDate)> {
    if indent_of(content) > 3 {
        return None;
    }
    let trimmed = content.trim_start();
    let bullet = trimmed
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '*' | '+'))?;
    let rest = trimmed[1..].strip_prefix(' ')?.trim_start();
    let rest = rest.trim_start_matches("**");
    Some((bullet, parse_date(rest.get(..10)?)?))
}

/// Adds `- DATE: TEXT` to the `Log` section, keeping its order (newest first or last); creates
/// the section, before any `Private` heading, when there is none.
pub fn add_log(text: &str, date: NaiveDate, entry: &str) -> Result<String, EditError> {
    let mut lines = Lines::new(text);
    let body_start = lines.front_matter_end()? + 1;
    let headings = headings(&lines, body_start);
    let Some(log) = headings.iter().find(|h| body::is_heading(&h.title, "log")) else {
        return Ok(append_log_section(lines, &headings, date, entry));
    };
    let section_end = headings
        .iter()
        .find(|h| h.line > log.line && h.level <= log.level)
        .map_or(lines.lines.len(), |h| h.line);
    let items: Vec<(usize, char, NaiveDate)> = (log.after..section_end)
        .filter_map(|i| log_item(lines.content(i)).map(|(b, d)| (i, b, d)))
        .collect();
    let bullet = items.first().map_or('-', |(_, b, _)| *b);
    let new_line = lines.line(&format!("{bullet} {date}: {entry}"));
    let newest_first = match (items.first(), items.last()) {
        (Some((_, _, first)), Some((_, _, last))) => first >= last,
        _ => true,
    };
    let item_end = |at: usize| {
        let mut end = at + 1;
        while end < section_end {
            let c = lines.content(end);
            if c.trim().is_empty() || indent_of(c) == 0 || log_item(c).is_some() {
                break;
            }
            end += 1;
        }
        end
    };
    let at = if items.is_empty() {
        let mut at = log.after;
        if at < section_end && lines.content(at).trim().is_empty() {
            at += 1;
        }
        lines.terminate_last();
        let needs_blank = at < lines.lines.len() && !lines.content(at).trim().is_empty();
        if needs_blank {
            let blank = lines.line("");
            lines.lines.insert(at, blank);
        }
        at
    } else if newest_first {
        match items.iter().find(|(_, _, d)| *d <= date) {
            Some((i, _, _)) => *i,
            None => item_end(items.last().expect("not empty").0),
        }
    } else {
        match items.iter().rev().find(|(_, _, d)| *d <= date) {
            Some((i, _, _)) => item_end(*i),
            None => items[0].0,
        }
    };
    if at == lines.lines.len() {
        lines.terminate_last();
    }
    lines.lines.insert(at, new_line);
    Ok(lines.text())
}

fn append_log_section(
    mut lines: Lines,
    headings: &[SectionHeading],
    date: NaiveDate,
    entry: &str,
) -> String {
    let private = headings
        .iter()
        .find(|h| body::is_heading(&h.title, "private"));
    let at = private.map_or(lines.lines.len(), |h| h.line);
    lines.terminate_last();
    let mut new = Vec::new();
    if at > 0 && !lines.content(at - 1).trim().is_empty() {
        new.push(lines.line(""));
    }
    new.push(lines.line("## Log"));
    new.push(lines.line(&format!("- {date}: {entry}")));
    if at < lines.lines.len() {
        new.push(lines.line(""));
    }
    lines.lines.splice(at..at, new);
    lines.text()
}

/// Ticks the task on file line `line` (counted from 1): `- [ ]` becomes `- [x]`.
/// Ticks the task on `line` and marks the day it was done as Obsidian Tasks does (`✅ date`).
pub fn tick(text: &str, line: usize, on: NaiveDate) -> Result<String, EditError> {
    let mut lines = Lines::new(text);
    let target = lines
        .lines
        .get_mut(line.wrapping_sub(1))
        .ok_or(EditError::NoLine(line))?;
    let at = target.find("[ ]").ok_or(EditError::NotAnOpenTask(line))?;
    target.replace_range(at..at + 3, "[x]");
    let end = target.trim_end_matches(['\r', '\n']).len();
    target.insert_str(end, &format!(" ✅ {on}"));
    Ok(lines.text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const DEAL: &str = "---\n# my comment\ntitle: \"Acme\"   # keep me\namount: 48000\ntags:\n  - a\n  - b\nmeta:\n  source: web\n\nstage: demo\n---\nIntro\n\n## Log\n- 2026-11-20: newer\n- 2026-11-10: older\n\n## Tasks\n- [ ] Call Jane due:2026-11-25\n";

    #[test]
    fn set_changes_only_the_value() {
        let out = set(DEAL, &["amount"], "50000").unwrap();
        assert_eq!(out, DEAL.replace("amount: 48000", "amount: 50000"));
        let out = set(DEAL, &["title"], "\"Acme Corp\"").unwrap();
        assert_eq!(
            out,
            DEAL.replace(
                "title: \"Acme\"   # keep me",
                "title: \"Acme Corp\"   # keep me"
            )
        );
    }

    #[test]
    fn set_adds_new_keys_at_the_end() {
        let out = set(DEAL, &["close_date"], "2026-12-01").unwrap();
        assert_eq!(
            out,
            DEAL.replace(
                "stage: demo\n---",
                "stage: demo\nclose_date: 2026-12-01\n---"
            )
        );
    }

    #[test]
    fn set_nested_and_block_lists() {
        let out = set(DEAL, &["meta", "source"], "referral").unwrap();
        assert_eq!(out, DEAL.replace("source: web", "source: referral"));
        let out = set(DEAL, &["meta", "owner"], "sam").unwrap();
        assert_eq!(
            out,
            DEAL.replace("  source: web\n", "  source: web\n  owner: sam\n")
        );
        let out = set(DEAL, &["tags"], "[x, y, z]").unwrap();
        assert_eq!(out, DEAL.replace("  - a\n  - b\n", "  - x\n  - y\n  - z\n"));
        assert!(set(DEAL, &["amount", "x"], "1").is_err());
    }

    #[test]
    fn crlf_and_bom_survive() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nbody\r\n";
        let out = set(text, &["stage"], "demo").unwrap();
        assert_eq!(
            out,
            "\u{feff}---\r\ntitle: A\r\nstage: demo\r\n---\r\nbody\r\n"
        );
        let out = add_log(text, date("2026-11-23"), "Called").unwrap();
        assert_eq!(
            out,
            "\u{feff}---\r\ntitle: A\r\n---\r\nbody\r\n\r\n## Log\r\n- 2026-11-23: Called\r\n"
        );
    }

    #[test]
    fn unset_removes_the_whole_entry() {
        let out = unset(DEAL, &["tags"]).unwrap().unwrap();
        assert_eq!(out, DEAL.replace("tags:\n  - a\n  - b\n", ""));
        assert_eq!(unset(DEAL, &["nope"]).unwrap(), None);
    }

    #[test]
    fn log_keeps_the_sections_order() {
        let out = add_log(DEAL, date("2026-11-23"), "Newest").unwrap();
        assert_eq!(
            out,
            DEAL.replace("## Log\n", "## Log\n- 2026-11-23: Newest\n")
        );
        let oldest_first = DEAL.replace(
            "- 2026-11-20: newer\n- 2026-11-10: older\n",
            "- 2026-11-10: older\n- 2026-11-20: newer\n",
        );
        let out = add_log(&oldest_first, date("2026-11-23"), "Newest").unwrap();
        assert_eq!(
            out,
            oldest_first.replace("newer\n", "newer\n- 2026-11-23: Newest\n")
        );
        let out = add_log(DEAL, date("2026-11-15"), "Middle").unwrap();
        assert_eq!(
            out,
            DEAL.replace("- 2026-11-10", "- 2026-11-15: Middle\n- 2026-11-10")
        );
    }

    #[test]
    fn log_section_is_created_before_private() {
        let text = "---\nstage: demo\n---\nIntro\n\n# Private\nsecret\n";
        let out = add_log(text, date("2026-11-23"), "Hi").unwrap();
        assert_eq!(
            out,
            "---\nstage: demo\n---\nIntro\n\n## Log\n- 2026-11-23: Hi\n\n# Private\nsecret\n"
        );
        let empty = "---\nstage: demo\n---\n## Log\n\n## Tasks\n";
        let out = add_log(empty, date("2026-11-23"), "Hi").unwrap();
        assert_eq!(
            out,
            "---\nstage: demo\n---\n## Log\n\n- 2026-11-23: Hi\n\n## Tasks\n"
        );
    }

    #[test]
    fn log_finds_a_setext_log_heading_as_the_reader_does() {
        let text = "---\nstage: demo\n---\nLog\n---\n- 2026-11-20: older\n";
        let out = add_log(text, date("2026-11-23"), "Newer").unwrap();
        assert_eq!(
            out,
            "---\nstage: demo\n---\nLog\n---\n- 2026-11-23: Newer\n- 2026-11-20: older\n"
        );
        let empty = "---\nstage: demo\n---\nLog\n===\n\nTasks\n-----\n";
        let out = add_log(empty, date("2026-11-23"), "Hi").unwrap();
        assert_eq!(
            out,
            "---\nstage: demo\n---\nLog\n===\n\n- 2026-11-23: Hi\n\nTasks\n-----\n"
        );
        // A `## Log` inside a fenced code block is not a heading, for the reader or the editor.
        let fenced = "---\nstage: demo\n---\n```\n## Log\n```\n";
        let out = add_log(fenced, date("2026-11-23"), "Hi").unwrap();
        assert!(out.ends_with("```\n\n## Log\n- 2026-11-23: Hi\n"), "{out}");
    }

    #[test]
    fn tick_a_task() {
        let out = tick(DEAL, 20, date("2026-11-23")).unwrap();
        assert_eq!(
            out,
            DEAL.replace("- [ ] Call", "- [x] Call")
                .replace("due:2026-11-25\n", "due:2026-11-25 ✅ 2026-11-23\n")
        );
        assert!(tick(DEAL, 1, date("2026-11-23")).is_err());
        let crlf = tick("- [ ] a\r\n- [ ] b\r\n", 2, date("2026-11-23")).unwrap();
        assert_eq!(crlf, "- [ ] a\r\n- [x] b ✅ 2026-11-23\r\n");
    }
}

/// The editor's promise, as a property: for any valid record and any edit, the file still
/// parses, the changed field reads back the value written, every other field is unchanged and
/// every line the edit did not mean to touch is byte for byte where it was.
#[cfg(test)]
mod properties {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::model::{AnyRecord, Config, Kind, Value};
    use crate::parse::parse_file;
    use crate::write::values::{to_yaml, Quoting};

    const KEYS: [&str; 8] = [
        "title",
        "amount",
        "stage",
        "close_date",
        "next_step",
        "dm_engaged",
        "competitor",
        "budget",
    ];

    /// A value for a key, as a rep types it on the command line.
    fn typed(key: &str) -> BoxedStrategy<String> {
        match key {
            "amount" | "budget" => (0u32..1_000_000).prop_map(|n| n.to_string()).boxed(),
            "stage" => prop::sample::select(vec!["prospecting", "Demo", "proposal", "Closed Won"])
                .prop_map(String::from)
                .boxed(),
            "close_date" => (2025i32..2028, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
                .boxed(),
            "dm_engaged" => prop::sample::select(vec!["true", "no", "Yes"])
                .prop_map(String::from)
                .boxed(),
            _ => prop::sample::select(vec![
                "Send pricing",
                "Call: Jane",
                "# not a comment",
                "@manager",
                "no",
                "12:30",
                "it's \"quoted\"",
                "Ünïcode — text",
                "[x",
                "a | b",
            ])
            .prop_map(String::from)
            .boxed(),
        }
    }

    /// A record written the many ways reps write them: keys in any order, quoted or not,
    /// comments, blank lines, a block list, a Log section or none, CRLF or LF, a BOM or none.
    fn record() -> impl Strategy<Value = String> {
        let field = prop::sample::select(KEYS.to_vec())
            .prop_flat_map(|key| (Just(key), typed(key), 0usize..3, any::<bool>()));
        (
            prop::collection::vec(field, 1..6),
            any::<bool>(),
            any::<bool>(),
            0usize..3,
            any::<bool>(),
        )
            .prop_map(|(fields, crlf, bom, log, tags)| {
                let mut lines = vec!["---".to_string()];
                let mut seen = Vec::new();
                for (key, value, quoting, comment) in fields {
                    if seen.contains(&key) {
                        continue;
                    }
                    seen.push(key);
                    let quoting = [Quoting::Plain, Quoting::Double, Quoting::Single][quoting];
                    // A value `set` would refuse (`[x` for a field of the rep's own) is left out.
                    let Ok(yaml) = to_yaml(key, &value, &Config::default(), quoting) else {
                        continue;
                    };
                    lines.push(format!("{key}: {yaml}"));
                    if comment {
                        lines.push("# a comment".into());
                    }
                }
                if !seen.contains(&"stage") {
                    lines.push("stage: demo".into());
                }
                if tags {
                    lines.extend(["tags:".into(), "  - a".into(), "  - b".into()]);
                }
                lines.push("---".into());
                lines.push("Notes about the deal.".into());
                lines.push(String::new());
                match log {
                    0 => {}
                    1 => lines.extend(["## Log".into(), "- 2026-11-20: Call".into()]),
                    _ => lines.extend(["Log".into(), "---".into(), "- 2026-11-10: Met".into()]),
                }
                lines.extend([
                    String::new(),
                    "## Tasks".into(),
                    "- [ ] Send the deck due:2026-12-01".into(),
                    "- [x] Book the call".into(),
                ]);
                let newline = if crlf { "\r\n" } else { "\n" };
                let text: String = lines.iter().map(|l| format!("{l}{newline}")).collect();
                if bom {
                    format!("\u{feff}{text}")
                } else {
                    text
                }
            })
    }

    #[derive(Debug, Clone)]
    enum Op {
        Set(&'static str, String),
        Unset(&'static str),
        Log(String),
        Tick,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            prop::sample::select(KEYS.to_vec())
                .prop_flat_map(|key| typed(key).prop_map(move |v| Op::Set(key, v))),
            // A deal needs its stage to be read at all; every other field may go.
            prop::sample::select(
                KEYS[..]
                    .iter()
                    .copied()
                    .filter(|k| *k != "stage")
                    .collect::<Vec<_>>()
            )
            .prop_map(Op::Unset),
            "[A-Za-z ]{1,20}".prop_map(Op::Log),
            Just(Op::Tick),
        ]
    }

    fn fields(text: &str) -> Vec<(String, Value)> {
        let parsed = parse_file(
            Path::new("deals/x.md"),
            text.as_bytes(),
            Some(Kind::Deal),
            &Config::default(),
        );
        assert!(
            parsed
                .diagnostics
                .iter()
                .all(|d| d.code != crate::Code::YamlSyntax),
            "does not parse: {:?}\n{text}",
            parsed.diagnostics
        );
        match parsed.record {
            Some(AnyRecord::Deal(deal)) => deal
                .record
                .fields
                .entries()
                .map(|(name, value, _)| (name.to_string(), value))
                .collect(),
            other => panic!("not a deal: {other:?}\n{text}"),
        }
    }

    /// The lines of `text` (without the BOM), each with its ending.
    fn lines(text: &str) -> Vec<&str> {
        text.trim_start_matches('\u{feff}')
            .split_inclusive('\n')
            .collect()
    }

    /// The lines of `key`'s entry in the front matter: its line and its block's.
    fn entry_lines(text: &str, key: &str) -> Vec<usize> {
        let lines = lines(text);
        let Some(start) = lines.iter().position(|l| l.starts_with(&format!("{key}:"))) else {
            return Vec::new();
        };
        let mut end = start + 1;
        while end < lines.len() && (lines[end].starts_with(' ') || lines[end].starts_with("- ")) {
            end += 1;
        }
        (start..end).collect()
    }

    /// Whether `part` appears in `whole` in order.
    fn is_subsequence(part: &[&str], whole: &[&str]) -> bool {
        let mut rest = whole.iter();
        part.iter().all(|line| rest.any(|w| w == line))
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn an_edit_changes_what_it_means_to_and_nothing_else(text in record(), op in op()) {
            let before = fields(&text);
            let (after, touched, changed) = match &op {
                Op::Set(key, value) => {
                    let quoting = written_value(&text, &[key]).map(|w| Quoting::of(&w)).unwrap_or_default();
                    let yaml = to_yaml(key, value, &Config::default(), quoting);
                    prop_assume!(yaml.is_ok(), "set refuses the value");
                    let yaml = yaml.unwrap();
                    let after = set(&text, &[key], &yaml).unwrap();
                    // The field reads back what was written.
                    let wanted = crate::parse::yaml::parse_value(&yaml).unwrap();
                    let read: Vec<_> = fields(&after);
                    let got = read.iter().find(|(n, _)| n == key).map(|(_, v)| v.clone());
                    prop_assert_eq!(got, Some(wanted), "{} = {}", key, yaml);
                    (after, entry_lines(&text, key), Some(*key))
                }
                Op::Unset(key) => {
                    let after = unset(&text, &[key]).unwrap().unwrap_or_else(|| text.clone());
                    prop_assert!(fields(&after).iter().all(|(n, _)| n != key));
                    (after, entry_lines(&text, key), Some(*key))
                }
                Op::Log(entry) => {
                    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
                    let after = add_log(&text, date, entry.trim()).unwrap();
                    let parsed = parse_file(Path::new("deals/x.md"), after.as_bytes(), Some(Kind::Deal), &Config::default());
                    let log = &parsed.record.unwrap().record().body.log.clone();
                    prop_assert!(log.iter().any(|e| e.date == date && e.text == entry.trim()), "{after}");
                    (after, Vec::new(), None)
                }
                Op::Tick => {
                    let line = lines(&text).iter().position(|l| l.starts_with("- [ ] Send the deck")).unwrap();
                    let after = tick(&text, line + 1, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap();
                    prop_assert!(lines(&after)[line].starts_with("- [x] Send the deck"));
                    (after, vec![line], None)
                }
            };
            // Every other field is unchanged.
            let others = |fields: Vec<(String, Value)>| -> Vec<(String, Value)> {
                fields.into_iter().filter(|(n, _)| Some(n.as_str()) != changed).collect()
            };
            prop_assert_eq!(others(before), others(fields(&after)));
            // Every untouched line is where it was, byte for byte, line endings and BOM too.
            let kept: Vec<&str> = lines(&text)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !touched.contains(i))
                .map(|(_, l)| l)
                .collect();
            prop_assert!(is_subsequence(&kept, &lines(&after)), "before:\n{}\nafter:\n{}", text, after);
            prop_assert_eq!(text.starts_with('\u{feff}'), after.starts_with('\u{feff}'));
            let crlf = text.contains("\r\n");
            prop_assert!(lines(&after).iter().all(|l| !l.ends_with('\n') || l.ends_with("\r\n") == crlf));
        }
    }
}
