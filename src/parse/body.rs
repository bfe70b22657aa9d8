//! The Markdown body: log entries, tasks and private sections.

use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::{Body, LogEntry, Section, Task};

struct Heading {
    level: HeadingLevel,
    title: String,
    start: usize,
}

struct Item {
    start: usize,
    text: String,
    checked: Option<bool>,
}

/// Parses `text`, whose first line is line `first_line` of the file.
pub fn parse(text: &str, first_line: usize) -> Body {
    let (headings, items) = match simple::scan(text) {
        Some(found) => found,
        None => with_pulldown(text),
    };
    body_of(text, first_line, headings, items)
}

/// The headings and list items of any Markdown, as pulldown-cmark reads it.
fn with_pulldown(text: &str) -> (Vec<Heading>, Vec<Item>) {
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
                })
            }
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
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

fn is_heading(title: &str, name: &str) -> bool {
    title
        .trim()
        .trim_end_matches(':')
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

fn task(text: &str, done: bool, line: usize, private: bool) -> Task {
    let mut due = None;
    let mut words = Vec::new();
    let mut tokens = text.split_whitespace().peekable();
    while let Some(word) = tokens.next() {
        if let Some(date) = word.strip_prefix("due:").and_then(parse_date) {
            due = Some(date);
        } else if word == "📅" && tokens.peek().and_then(|w| parse_date(w)).is_some() {
            due = tokens.next().and_then(parse_date);
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

/// A fast path for the bodies nearly every file has: ATX headings, `-`/`*`/`+` list items and
/// tasks at the start of the line, paragraphs, blank lines, and plain text with `[[links]]`. It
/// finds what pulldown-cmark would, and gives up (`None`) on anything that could read
/// differently: indentation, tabs, quotes, code, HTML, ordered lists, setext headings and
/// thematic breaks, link definitions, and emphasis, escapes, entities, code spans or links in
/// the text of a heading or an item. Building pulldown-cmark's tree is most of a body's cost.
mod simple {
    use pulldown_cmark::HeadingLevel;

    use super::{Heading, Item};

    pub fn scan(text: &str) -> Option<(Vec<Heading>, Vec<Item>)> {
        if text.contains("]:") {
            return None; // perhaps a link reference definition, which changes links elsewhere
        }
        let mut headings = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        // Whether the last line was an item's text, which a plain next line continues.
        let mut continuing = false;
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let start = offset;
            offset += raw.len();
            let line = raw.strip_suffix('\n').unwrap_or(raw);
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.bytes().any(|b| b == b'\r' || b == b'\t') {
                return None;
            }
            if line.trim_matches(' ').is_empty() {
                continuing = false;
                continue;
            }
            let first = line.as_bytes()[0];
            if matches!(first, b' ' | b'>' | b'<' | b'`' | b'~' | b'[' | b'|') || is_rule(line) {
                return None;
            }
            if first.is_ascii_digit() && is_ordered_marker(line) {
                return None;
            }
            if let Some((level, title)) = atx_heading(line) {
                if title.ends_with('#') || !is_plain(title) {
                    return None;
                }
                headings.push(Heading {
                    level,
                    title: title.to_string(),
                    start,
                });
                continuing = false;
            } else if matches!(first, b'-' | b'*' | b'+') && line.as_bytes().get(1) == Some(&b' ') {
                let (checked, text) = item(&line[2..])?;
                items.push(Item {
                    start,
                    text: text.trim_end_matches(' ').to_string(),
                    checked,
                });
                continuing = true;
            } else if continuing {
                // A lazy continuation of the item's paragraph: a soft break, then the line.
                let more = line.trim_matches(' ');
                if !is_plain(more) {
                    return None;
                }
                let item = items.last_mut()?;
                item.text.push(' ');
                item.text.push_str(more);
            }
        }
        Some((headings, items))
    }

    /// The checkbox and text of an item, from what follows `- `.
    fn item(rest: &str) -> Option<(Option<bool>, &str)> {
        let (checked, text) = match rest.get(..4) {
            Some("[ ] ") => (Some(false), &rest[4..]),
            Some("[x] " | "[X] ") => (Some(true), &rest[4..]),
            _ => (None, rest),
        };
        let starts_a_block = text.starts_with(|c: char| {
            c == ' '
                || "-*+#>|<`~[=_".contains(c)
                || (c.is_ascii_digit() && is_ordered_marker(text))
        });
        if text.trim_matches(' ').is_empty() || starts_a_block || !is_plain(text) {
            return None;
        }
        Some((checked, text))
    }

    /// `#` to `######` then a space or the end of the line.
    fn atx_heading(line: &str) -> Option<(HeadingLevel, &str)> {
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        let level = match hashes {
            1 => HeadingLevel::H1,
            2 => HeadingLevel::H2,
            3 => HeadingLevel::H3,
            4 => HeadingLevel::H4,
            5 => HeadingLevel::H5,
            6 => HeadingLevel::H6,
            _ => return None,
        };
        let rest = &line[hashes..];
        (rest.is_empty() || rest.starts_with(' ')).then(|| (level, rest.trim_matches(' ')))
    }

    /// A thematic break or a setext underline: only `-`, `*`, `_`, `=` and spaces.
    fn is_rule(line: &str) -> bool {
        line.bytes()
            .all(|b| matches!(b, b'-' | b'*' | b'_' | b'=' | b' '))
    }

    /// `1.` or `1)` (up to nine digits) then a space or the end of the line.
    fn is_ordered_marker(line: &str) -> bool {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &line.as_bytes()[digits..];
        (1..=9).contains(&digits)
            && matches!(rest.first(), Some(b'.' | b')'))
            && matches!(rest.get(1), None | Some(b' '))
    }

    /// Text that Markdown shows as written: no emphasis, escapes, entities, code, HTML or
    /// links (brackets alone, as in `[[Jane Doe]]`, stay text without link definitions).
    fn is_plain(text: &str) -> bool {
        let bytes = text.as_bytes();
        !bytes
            .iter()
            .any(|b| matches!(b, b'*' | b'_' | b'\\' | b'&' | b'`' | b'<'))
            && !bytes.windows(2).any(|pair| pair == b"](")
    }
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
    fn the_fast_path_agrees_with_pulldown() {
        let pieces = [
            "## Log\n",
            "# Log:\n",
            "### Private\n",
            "## Private\n",
            "# Notes\n",
            "#tag\n",
            "####### seven\n",
            "## Log ##\n",
            "#\n",
            "##  Spaced  \n",
            "- 2026-11-20: Call with Jane\n",
            "- 2026-11-12 — Sent proposal\n",
            "* 2026-11-01 star\n",
            "+ plus item\n",
            "- [ ] Send pricing due:2026-11-25\n",
            "- [x] Done\n",
            "- [X] Done too\n",
            "- [ ] @manager Call VP 📅 2026-11-28\n",
            "- [ ]\n",
            "- [ ]  two spaces\n",
            "- [ ]x\n",
            "- [] empty box\n",
            "-\n",
            "- \n",
            "-  two spaces\n",
            "- - nested\n",
            "- # heading item\n",
            "- > quote item\n",
            "- 1. ordered item\n",
            "- `code`\n",
            "- *emph*\n",
            "- a_b\n",
            "- R&D\n",
            "- see [[Jane Doe]]\n",
            "- [link](x)\n",
            "- [a] [b]\n",
            "- ![img](x)\n",
            "- a!\n",
            "- trailing  \n",
            "- back\\\n",
            "continued line\n",
            "  indented\n",
            "    code\n",
            "\tTabbed\n",
            "> quote\n",
            "```\n",
            "~~~\n",
            "<div>\n",
            "[a]: /url\n",
            "| a | b |\n",
            "---\n",
            "===\n",
            "***\n",
            "- - -\n",
            "1. one\n",
            "2) two\n",
            "2026-11-20: not an item\n",
            "Plain paragraph with [[Link]].\n",
            "\n",
            "   \n",
            "\r\n",
            "line\r\n",
            "- crlf item\r\n",
            "é ü 日本 🎉\n",
            "a * b\n",
            "Jane's\n",
        ];
        let mut next = crate::parse::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut fast = 0;
        for round in 0..20_000 {
            let lines = if round < pieces.len() {
                1
            } else {
                1 + next(12)
            };
            let mut text = String::new();
            for i in 0..lines {
                let piece = if round < pieces.len() && i == 0 {
                    pieces[round]
                } else {
                    pieces[next(pieces.len())]
                };
                text.push_str(piece);
            }
            if next(4) == 0 {
                text.pop(); // no final newline
            }
            let (headings, items) = with_pulldown(&text);
            let slow = body_of(&text, 3, headings, items);
            if let Some((headings, items)) = simple::scan(&text) {
                fast += 1;
                assert_eq!(body_of(&text, 3, headings, items), slow, "{text:?}");
            }
        }
        assert!(fast > 1_000, "the fast path took only {fast} bodies");
    }

    #[test]
    fn the_fast_path_takes_a_common_body() {
        let body = "Intro with [[Jane Doe]].\n\n## Log\n- 2026-11-20: Call with Jane; pricing!\n\n## Tasks\n- [ ] Send pricing due:2026-11-25\n- [x] @manager Call 📅 2026-11-28\n\n## Private\nChampion is leaving.\n";
        assert!(simple::scan(body).is_some());
        assert!(simple::scan(BODY).is_some()); // so the tests above go through the fast path
        let (headings, items) = with_pulldown(BODY);
        assert_eq!(parse(BODY, 5), body_of(BODY, 5, headings, items));
        assert!(simple::scan("- *emphasis*\n").is_none());
    }

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
