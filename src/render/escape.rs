//! Text from the vault made safe for where it goes: Markdown (a title must not add a table
//! column or start a heading), a terminal (no escape sequences, no bidirectional overrides)
//! and a spreadsheet (a cell must not run as a formula).

use std::borrow::Cow;

/// Characters that move the cursor, recolour, hide or reorder text on a terminal: C0 and C1
/// controls (tab and newline aside), DEL, and the bidirectional overrides and isolates.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` without terminal escape sequences and control characters. An escape sequence goes
/// whole (`ESC [ 31 m`, `ESC ] … BEL`), not just its ESC.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' | '\u{9b}' => {
                let opener = if c == '\u{9b}' {
                    Some('[')
                } else {
                    chars.next()
                };
                match opener {
                    // CSI: parameters and intermediates, then one final byte.
                    Some('[') => {
                        for next in chars.by_ref() {
                            if ('\u{40}'..='\u{7e}').contains(&next) {
                                break;
                            }
                        }
                    }
                    // OSC, DCS and the like: up to BEL or ESC \.
                    Some(']' | 'P' | '_' | '^' | 'X') => {
                        while let Some(next) = chars.next() {
                            if next == '\u{7}' || next == '\u{9c}' {
                                break;
                            }
                            if next == '\u{1b}' {
                                chars.next_if_eq(&'\\');
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value for a Markdown document: on one line (so it cannot start a heading or a list of
/// its own), with no `|` to split a table cell, no `\` to escape the template's own markup,
/// and no raw HTML.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in terminal(text).chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell a spreadsheet will not run: one that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'` (OWASP's advice on CSV injection). A number stays as it
/// is, so `-5` is still minus five.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    if is_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A cell of dealbook's own CSV export as it was before `csv_cell` neutralised it.
pub fn csv_cell_read(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(text) if is_formula(text) => text,
        _ => cell,
    }
}

/// Text a spreadsheet would run as a formula (a number with a sign is just a number).
fn is_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.trim().parse::<f64>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_loses_escapes_and_controls() {
        assert_eq!(
            terminal("plain — text\tand\nlines"),
            "plain — text\tand\nlines"
        );
        assert_eq!(terminal("\u{1b}[31mred\u{1b}[0m"), "red");
        assert_eq!(terminal("\u{1b}]0;title\u{7}after"), "after");
        assert_eq!(terminal("\u{1b}]8;;http://x\u{1b}\\link"), "link");
        assert_eq!(terminal("a\u{7}b\u{8}c\u{0}d\u{7f}e\u{85}f"), "abcdef");
        assert_eq!(terminal("abc\u{202e}fed"), "abcfed");
        assert_eq!(terminal("\u{9b}2Jcleared"), "cleared");
    }

    #[test]
    fn markdown_values_stay_in_their_cell_and_line() {
        assert_eq!(markdown("Acme | Corp"), "Acme \\| Corp");
        assert_eq!(markdown("one\n# Two\r\nthree"), "one # Two three");
        assert_eq!(markdown("<script>"), "&lt;script>");
        assert_eq!(markdown("ends in \\"), "ends in \\\\");
        assert_eq!(markdown("-$5,000"), "-$5,000");
        assert_eq!(markdown("2026-12-15"), "2026-12-15");
        assert_eq!(markdown("Acme — renewal"), "Acme — renewal");
    }

    #[test]
    fn csv_cells_that_would_run_are_neutralised() {
        for risky in [
            "=1+1",
            "+cmd",
            "-cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert!(csv_cell(risky).starts_with('\''), "{risky:?}");
        }
        for safe in ["-5", "-1234.5", "+7", "Acme", "a=b", ""] {
            assert_eq!(csv_cell(safe), safe);
        }
        for text in ["=1+1", "+1 555 0100", "'quoted", "-5", "Acme"] {
            assert_eq!(csv_cell_read(&csv_cell(text)), text);
        }
    }
}
