//! The Markdown body: log entries, tasks and private sections.

use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diagnostic::Pos;
use crate::model::{Body, LogEntry, Section, Task};

/// A heading of a body as pulldown-cmark reads it: the byte range it spans (two lines for a
/// setext heading, `Log` underlined with `---`), its level and its text.
pub struct Heading {
    pub level: HeadingLevel,
    pub title: String,
    pub start: usize,
    pub end: usize,
}

struct Item {
    start: usize,
    text: String,
    checked: Option<bool>,
}

/// Parses `text`, whose first line is line `first_line` of the file.
pub fn parse(text: &str, first_line: usize) -> Body {
    let (headings, items) = read(text);
    body_of(text, first_line, headings, items)
}

/// The headings of a body, in order: what the editor finds sections by, from the same parse
/// the reader uses.
pub fn headings(text: &str) -> Vec<Heading> {
    read(text).0
}

/// The headings and list items of any Markdown, as pulldown-cmark reads it.
fn read(text: &str) -> (Vec<Heading>, Vec<Item>) {
    let mut headings: Vec<Heading> = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut open_items: Vec<Item> = Vec::new();
    let mut heading: Option<Heading> = None;

    for (event, range) in Parser::new_ext(text, Options::ENABLE_TASKLISTS).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some(Heading {
                    level,
                    title: String::new(),
                    start: range.start,
                    end: range.end,
                })
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take().map(|h| Heading {
                end: range.end,
                ..h
            })),
            Event::Start(Tag::Item) => open_items.push(Item {
                start: range.start,
                text: String::new(),
                checked: None,
            }),
            Event::End(TagEnd::Item) => items.extend(open_items.pop()),
            Event::TaskListMarker(checked) => {
                if let Some(item) = open_items.last_mut() {
                    item.checked = Some(checked);
                }
            }
            Event::Text(s) | Event::Code(s) => push_text(&mut heading, &mut open_items, &s),
            Event::SoftBreak | Event::HardBreak => push_text(&mut heading, &mut open_items, " "),
            _ => {}
        }
    }
    items.sort_by_key(|item| item.start);
    (headings, items)
}

fn body_of(text: &str, first_line: usize, headings: Vec<Heading>, items: Vec<Item>) -> Body {
    let private_sections = private_sections(&headings, text.len());
    let lines = LineIndex::new(text, first_line);
    let mut body = Body::default();
    for item in items {
        let private = in_section(&private_sections, item.start);
        let line = lines.line(item.start);
        let text = item.text.trim();
        if let Some(done) = item.checked {
            body.tasks.push(task(text, done, line, private));
        } else if under_log_heading(&headings, item.start) {
            if let Some((date, rest)) = leading_date(text) {
                body.log.push(LogEntry {
                    note: None,
                    date,
                    text: rest.to_string(),
                    line,
                    private,
                });
            }
        }
    }
    body.log_newest_first = match (body.log.first(), body.log.last()) {
        (Some(first), Some(last)) => first.date >= last.date,
        _ => true,
    };
    // Kept for as long as the vault is loaded: no spare capacity.
    body.log.shrink_to_fit();
    body.tasks.shrink_to_fit();
    body.private_sections = private_sections;
    body.text = text.to_string();
    body
}

fn push_text(heading: &mut Option<Heading>, items: &mut [Item], text: &str) {
    if let Some(heading) = heading {
        heading.title.push_str(text);
    } else if let Some(item) = items.last_mut() {
        item.text.push_str(text);
    }
}

/// Whether a heading's text names the section `name` (`Log`, `log:`, `PRIVATE`).
pub fn is_heading(title: &str, name: &str) -> bool {
    title
        .trim()
        .trim_end_matches(':')
        .trim_end()
        .eq_ignore_ascii_case(name)
}

/// Whether the nearest heading before `offset` is a `Log` heading. `headings` are in document
/// order, so a binary search finds it: a file of 10,000 headings and 10,000 entries must not
/// cost 10,000 × 10,000 comparisons.
fn under_log_heading(headings: &[Heading], offset: usize) -> bool {
    let before = headings.partition_point(|h| h.start < offset);
    before > 0 && is_heading(&headings[before - 1].title, "log")
}

/// Whether `offset` is inside one of `sections` (in document order, not overlapping).
fn in_section(sections: &[Section], offset: usize) -> bool {
    let after = sections.partition_point(|s| s.start <= offset);
    after > 0 && offset < sections[after - 1].end
}

/// Bytes that make pulldown-cmark keep a node in its tree (its "special bytes"), counted only
/// for bodies long enough to have more than `limit` of them, and only until there are more.
pub fn markup(text: &str, limit: usize) -> usize {
    if text.len() <= limit {
        return 0;
    }
    let mut count = 0;
    for chunk in text.as_bytes().chunks(64 * 1024) {
        count += chunk
            .iter()
            .filter(|b| {
                matches!(
                    b,
                    b'\n' | b'\r' | b'*' | b'_' | b'&' | b'\\' | b'[' | b']' | b'<' | b'!' | b'`'
                )
            })
            .count();
        if count > limit {
            break;
        }
    }
    count
}

/// A `Private` heading hides everything up to the next heading of the same or a higher level.
fn private_sections(headings: &[Heading], len: usize) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for (i, heading) in headings.iter().enumerate() {
        if !is_heading(&heading.title, "private") {
            continue;
        }
        if sections.last().is_some_and(|s| s.end > heading.start) {
            continue; // already inside a private section
        }
        let end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= heading.level)
            .map_or(len, |h| h.start);
        sections.push(Section {
            start: heading.start,
            end,
        });
    }
    sections
}

/// Dataview's inline fields: `Key:: value` lines (also as list items) outside code blocks,
/// with their positions in the file (`body_line` is the body's first line). Keys are read as
/// field names: `Close Date` → `close_date`.
pub fn inline_fields(body: &str, body_line: usize) -> Vec<(String, &str, Pos)> {
    let mut fields = Vec::new();
    let mut fenced = false;
    for (n, line) in body.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        }
        let item = trimmed
            .strip_prefix(['-', '*'])
            .map_or(trimmed, str::trim_start);
        let Some((key, value)) = item.split_once("::").filter(|_| !fenced) else {
            continue;
        };
        // `Key:: value`, the key written right before the `::` (prose has a space there).
        let is_key = !key.is_empty()
            && key.len() <= 40
            && !key.ends_with(char::is_whitespace)
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '));
        let key = key.trim();
        if is_key {
            let name = key.to_lowercase().replace([' ', '-'], "_");
            let column = line.len() - item.len() + 1;
            fields.push((name, value.trim(), Pos::new(body_line + n, column)));
        }
    }
    fields
}

fn task(text: &str, done: bool, line: usize, private: bool) -> Task {
    let (mut due, mut done_on) = (None, None);
    let mut words = Vec::new();
    let mut tokens = text.split_whitespace().peekable();
    while let Some(word) = tokens.next() {
        if let Some(date) = word.strip_prefix("due:").and_then(parse_date) {
            due = Some(date);
        } else if word == "📅" && tokens.peek().and_then(|w| parse_date(w)).is_some() {
            due = tokens.next().and_then(parse_date);
        } else if word == "✅" && tokens.peek().and_then(|w| parse_date(w)).is_some() {
            done_on = tokens.next().and_then(parse_date);
        } else {
            words.push(word);
        }
    }
    let manager = words.iter().any(|w| w.eq_ignore_ascii_case("@manager"));
    words.retain(|w| !w.eq_ignore_ascii_case("@manager"));
    Task {
        manager,
        text: words.join(" "),
        done,
        due,
        done_on,
        line,
        private,
    }
}

/// `2026-11-20: text` → (date, "text"); also `2026-11-20 - text` and `2026-11-20 text`.
fn leading_date(text: &str) -> Option<(NaiveDate, &str)> {
    let date = parse_date(text.get(..10)?)?;
    let rest = text[10..].trim_start_matches([':', '-', '–', '—', ' ']);
    Some((date, rest.trim()))
}

/// `YYYY-MM-DD` in shape: ten bytes, digits around two dashes (a real date or not).
pub fn is_date_shaped(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if !is_date_shaped(text) {
        return None;
    }
    let b = text.as_bytes();
    let number = |digits: &[u8]| {
        digits
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let year = i32::try_from(number(&b[..4])).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7]), number(&b[8..]))
}

/// Byte offset → file line.
struct LineIndex {
    starts: Vec<usize>,
    first_line: usize,
}

impl LineIndex {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts, first_line }
    }

    fn line(&self, offset: usize) -> usize {
        self.first_line + self.starts.partition_point(|&s| s <= offset) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataview_inline_fields_outside_code() {
        let body = "Intro\nStage:: demo\n- Close Date:: 2026-12-15\n```\nnot:: this\n```\nA sentence with :: in it\n";
        let fields = inline_fields(body, 5);
        let found: Vec<(&str, &str, usize, usize)> = fields
            .iter()
            .map(|(k, v, p)| (k.as_str(), *v, p.line, p.column))
            .collect();
        assert_eq!(
            found,
            [("stage", "demo", 6, 1), ("close_date", "2026-12-15", 7, 3)]
        );
    }

    const BODY: &str = "Intro with [[Jane Doe]].\n\n## Log\n- 2026-11-20: Call with Jane; pricing is the blocker.\n- 2026-11-12 — Sent proposal\n- no date here\n\n## Tasks\n- [ ] Send revised pricing due:2026-11-25\n- [ ] @manager Call their VP Finance 📅 2026-11-28\n- [x] Book the review\n\n## Private\nChampion is leaving.\n- [ ] Quietly ask around\n\n### Still private\ntext\n\n## Notes\npublic again\n";

    #[test]
    fn reads_log_entries_under_the_log_heading() {
        let body = parse(BODY, 10);
        let dates: Vec<String> = body.log.iter().map(|e| e.date.to_string()).collect();
        assert_eq!(dates, ["2026-11-20", "2026-11-12"]);
        assert_eq!(body.log[0].text, "Call with Jane; pricing is the blocker.");
        assert_eq!(body.log[0].line, 13);
        assert_eq!(body.log[1].text, "Sent proposal");
        assert!(body.log_newest_first);
        assert_eq!(body.last_activity(), "2026-11-20".parse().ok());
    }

    #[test]
    fn reads_tasks_with_due_dates_and_manager_asks() {
        let body = parse(BODY, 1);
        let tasks = &body.tasks;
        assert_eq!(tasks.len(), 4);
        assert_eq!(tasks[0].text, "Send revised pricing");
        assert_eq!(tasks[0].due, "2026-11-25".parse().ok());
        assert!(!tasks[0].manager && !tasks[0].done);
        assert_eq!(tasks[1].due, "2026-11-28".parse().ok());
        assert!(tasks[1].manager);
        assert_eq!(tasks[1].text, "Call their VP Finance");
        assert!(tasks[2].done && tasks[2].due.is_none());
        assert!(tasks[3].private && !tasks[0].private);
        assert_eq!(tasks[0].line, 9);
    }

    #[test]
    fn private_sections_end_at_the_next_heading_of_the_same_level() {
        let body = parse(BODY, 1);
        let public = body.public_text();
        assert!(!public.contains("Champion is leaving"));
        assert!(!public.contains("Still private"));
        assert!(public.contains("public again"));
        assert!(public.contains("## Notes"));
    }

    #[test]
    fn oldest_first_logs_are_recognised() {
        let body = parse("## Log\n- 2026-01-01: a\n- 2026-02-01: b\n", 1);
        assert!(!body.log_newest_first);
    }

    /// The fast path finds exactly what pulldown-cmark finds, or leaves the text to it.
    #[test]
    fn dates_must_be_real_and_well_shaped() {
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-2-3").is_none());
        assert!(parse_date("12/15/2026").is_none());
        assert!(parse_date("2026-13-01").is_none());
        assert!(parse_date("2026-00-10").is_none());
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(
            parse_date("2026-12-15"),
            NaiveDate::from_ymd_opt(2026, 12, 15)
        );
    }
}
