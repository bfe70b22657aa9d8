//! Rows as an aligned text table or as CSV.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::escape;
use super::rows::Row;

/// A cell's text: lists joined with `, `, whole numbers without a decimal point.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| cell(Some(item)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

pub fn table(rows: &[Row], columns: &[&str]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| one_line(&escape::terminal(&cell(row.get(*c)))))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].width())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: Vec<String>| {
        let mut text = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w.saturating_sub(v.width()))))
            .collect::<Vec<_>>()
            .join("  ");
        text.truncate(text.trim_end().len());
        text + "\n"
    };
    let mut out = line(columns.iter().map(|c| c.to_uppercase()).collect());
    for row in cells {
        out.push_str(&line(row));
    }
    out
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

pub fn csv(rows: &[Row], columns: &[String]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let cells = std::iter::once(columns.to_vec()).chain(rows.iter().map(|row| {
        columns
            .iter()
            .map(|c| escape::csv_cell(&cell(row.get(c))).into_owned())
            .collect()
    }));
    for record in cells {
        // Writing to memory cannot fail.
        let _ = writer.write_record(record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn csv_quotes_what_needs_it() {
        let row = json!({"a": "x, y", "b": "say \"hi\"", "c": 3.0})
            .as_object()
            .unwrap()
            .clone();
        let columns = ["a", "b", "c"].map(String::from);
        assert_eq!(
            csv(&[row], &columns),
            "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",3\n"
        );
    }

    #[test]
    fn csv_cells_never_run_as_formulas() {
        let row = json!({"a": "=HYPERLINK(\"x\")", "b": -5, "c": "-x"})
            .as_object()
            .unwrap()
            .clone();
        let columns = ["a", "b", "c"].map(String::from);
        assert_eq!(
            csv(&[row], &columns),
            "a,b,c\n\"'=HYPERLINK(\"\"x\"\")\",-5,'-x\n"
        );
    }

    #[test]
    fn tables_align_by_display_width_and_drop_escapes() {
        let rows: Vec<Row> = [
            json!({"id": "東京", "n": 1}),
            json!({"id": "ab\u{1b}[31m", "n": 2}),
        ]
        .into_iter()
        .map(|v| v.as_object().unwrap().clone())
        .collect();
        assert_eq!(table(&rows, &["id", "n"]), "ID    N\n東京  1\nab    2\n");
    }

    #[test]
    fn table_aligns_columns() {
        let row = json!({"id": "acme", "amount": 48000})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(
            table(&[row], &["id", "amount"]),
            "ID    AMOUNT\nacme  48000\n"
        );
    }
}
