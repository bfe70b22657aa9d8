//! Reading CSV exports from a CRM (RFC 4180: quoted fields, `""` escapes, line breaks inside
//! quotes), with a comma or, as European spreadsheets write it, a semicolon.

/// The rows of a CSV text, the header first. A BOM is dropped; empty lines are skipped.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == delimiter => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.is_empty()) {
                    rows.push(std::mem::take(&mut row));
                }
                row.clear();
            }
            (false, c) => field.push(c),
        }
    }
    row.push(field);
    if row.iter().any(|f| !f.is_empty()) {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_escapes_and_line_breaks() {
        let rows = parse("\u{feff}Name,Amount,Notes\r\n\"Acme, Inc\",\"$48,000\",\"said \"\"yes\"\"\nthen left\"\r\n\r\nGlobex,10,\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], ["Acme, Inc", "$48,000", "said \"yes\"\nthen left"]);
        assert_eq!(rows[2], ["Globex", "10", ""]);
    }

    #[test]
    fn semicolons_when_the_header_uses_them() {
        let rows = parse("Name;Amount\nAcme;1,5\n");
        assert_eq!(rows[1], ["Acme", "1,5"]);
    }
}
