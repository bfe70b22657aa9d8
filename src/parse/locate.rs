//! Where a value is written in YAML text, by its key path (`stages[4].id`, `fx.EUR`), so that a
//! problem found after the YAML was read points at the bad value itself. Block and flow styles
//! both: `- { id: demo }` and `- id: demo`.

use crate::diagnostic::Pos;

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `stages[4].id` → Key(stages), Index(4), Key(id).
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let (index, after) = inner.split_once(']')?;
            steps.push(Step::Index(index.parse().ok()?));
            rest = after;
        }
    }
    Some(steps)
}

/// The position of the value at `path` in `text`, whose first line is file line `first_line`;
/// as deep as the path can be followed (a missing key points at its parent).
pub fn position(text: &str, first_line: usize, path: &str) -> Option<Pos> {
    let mut at = first_content(text, 0)?;
    for step in steps(path)? {
        let next = match step {
            Step::Key(key) => find_key(text, at, key),
            Step::Index(n) => find_item(text, at, n),
        };
        match next {
            Some(next) => at = next,
            None => break,
        }
    }
    Some(pos_of(text, at, first_line))
}

fn pos_of(text: &str, at: usize, first_line: usize) -> Pos {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos::new(first_line + line, text[line_start..at].chars().count() + 1)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// The first character of the first line from `from` that holds something other than spaces
/// and a comment.
fn first_content(text: &str, mut from: usize) -> Option<usize> {
    while from < text.len() {
        let end = line_end(text, from);
        let line = &text[from..end];
        let trimmed = line.trim_start();
        if !(trimmed.trim_end().is_empty() || trimmed.starts_with('#')) {
            return Some(from + line.len() - trimmed.len());
        }
        from = end + 1;
    }
    None
}

/// Where a value starts after its `:` or `- `: on the same line, or on the next line with
/// content (a block value).
fn value_start(text: &str, after: usize) -> Option<usize> {
    let end = line_end(text, after);
    let rest = &text[after..end];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
        first_content(text, end + 1)
    } else {
        Some(after + rest.len() - trimmed.len())
    }
}

/// The lines of the block whose first entry starts at `at`: that line from `at`, then every
/// line indented exactly as far, until one is indented less.
fn block_entries(text: &str, at: usize) -> impl Iterator<Item = usize> + '_ {
    let indent = column(text, at);
    let mut next = Some(at);
    std::iter::from_fn(move || {
        let entry = next?;
        next = None;
        let mut from = line_end(text, entry) + 1;
        while let Some(content) = first_content(text, from) {
            let col = column(text, content);
            if col < indent {
                break;
            }
            if col == indent {
                next = Some(content);
                break;
            }
            from = line_end(text, content) + 1;
        }
        Some(entry)
    })
}

/// The key of the entry starting at `at`, and where what follows its `:` starts.
fn key_at(text: &str, at: usize) -> Option<(&str, usize)> {
    let line = &text[at..line_end(text, at)];
    let (key, rest) = crate::parse::front_matter::top_level_key(line)?;
    Some((key, at + line.len() - rest.len()))
}

fn find_key(text: &str, at: usize, key: &str) -> Option<usize> {
    if text[at..].starts_with('{') {
        return flow_elements(text, at).into_iter().find_map(|element| {
            let colon = text[element..].find(':')?;
            let name = text[element..element + colon]
                .trim()
                .trim_matches(['"', '\'']);
            name.eq_ignore_ascii_case(key)
                .then(|| value_start(text, element + colon + 1))?
        });
    }
    block_entries(text, at).find_map(|entry| {
        let (found, after_colon) = key_at(text, entry)?;
        found
            .eq_ignore_ascii_case(key)
            .then(|| value_start(text, after_colon))?
    })
}

fn find_item(text: &str, at: usize, n: usize) -> Option<usize> {
    if text[at..].starts_with('[') {
        return flow_elements(text, at).get(n).copied();
    }
    block_entries(text, at)
        .filter(|&entry| {
            let rest = &text[entry..];
            rest.starts_with("- ") || rest.starts_with("-\n") || rest == "-"
        })
        .nth(n)
        .and_then(|entry| value_start(text, entry + 1))
}

/// Where each element of the flow collection opening at `open` starts.
fn flow_elements(text: &str, open: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut expecting = false;
    for (i, c) in text[open..].char_indices() {
        let at = open + i;
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '[' | '{' => {
                if depth == 1 && expecting {
                    starts.push(at);
                    expecting = false;
                }
                depth += 1;
                if depth == 1 {
                    expecting = true;
                }
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expecting = true,
            c if c.is_whitespace() => {}
            c => {
                if depth == 1 && expecting {
                    starts.push(at);
                    expecting = false;
                }
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "currency: USD\nfx: { EUR: 1.08, GBP: .nan }\nstages:\n  - { id: lead, probability: 10 }\n  - id: demo\n    probability: 140\n    aliases: [Demo, lead]\noutputs:\n  - template: pipeline.md\n    to: ../x.md\nprivate_fields:\n  - stage\n";

    fn at(path: &str) -> (usize, usize) {
        let pos = position(CONFIG, 1, path).unwrap();
        (pos.line, pos.column)
    }

    #[test]
    fn finds_block_and_flow_values() {
        assert_eq!(at("currency"), (1, 11));
        assert_eq!(at("fx.GBP"), (2, 23));
        assert_eq!(at("stages[0]"), (4, 5));
        assert_eq!(at("stages[0].probability"), (4, 30));
        assert_eq!(at("stages[1].probability"), (6, 18));
        assert_eq!(at("stages[1].aliases[1]"), (7, 21));
        assert_eq!(at("outputs[0].to"), (10, 9));
        assert_eq!(at("private_fields[0]"), (12, 5));
    }

    #[test]
    fn a_missing_step_points_at_the_deepest_found() {
        assert_eq!(at("stages[7]"), (4, 3));
        assert_eq!(at("nowhere"), (1, 1));
    }
}
