//! `check`'s problems as the editor shows them: the same codes, messages and positions, each
//! range running from where `check` points to the end of the value on that line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lsp_types::{DiagnosticSeverity, NumberOrString, Range};

use super::navigation;
use super::text::Document;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::metrics::rules;
use crate::parse::front_matter::{self, FrontMatter};
use crate::vault::Vault;
use crate::write::edit;

/// Every problem `check` reports, by file.
pub fn all(vault: &Vault, today: NaiveDate) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    for d in rules::check(&vault.index, &vault.config, today) {
        by_file.entry(d.path.clone()).or_default().push(d);
    }
    by_file
}

/// The problems `check` reports for one file.
pub fn of_file(vault: &Vault, path: &Path, today: NaiveDate) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = indexed(vault, path).to_vec();
    if let Some(deal) = navigation::own_deal(vault, path) {
        found.extend(rules::deal_warnings(deal, &vault.config, today));
    }
    diagnostic::sort(&mut found);
    found
}

/// The index's problems for one file (parse problems, broken links, a duplicate id): a run
/// of the index's sorted list.
pub fn indexed<'a>(vault: &'a Vault, path: &Path) -> &'a [Diagnostic] {
    let all = &vault.index.diagnostics;
    let from = all.partition_point(|d| d.path.as_path() < path);
    let to = from + all[from..].partition_point(|d| d.path.as_path() == path);
    &all[from..to]
}

/// The paths whose problems differ between two sorted lists.
pub fn changed_between(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<PathBuf> {
    let (before, after) = (by_path(before), by_path(after));
    let mut changed: Vec<PathBuf> = before
        .iter()
        .filter(|(path, list)| after.get(*path) != Some(list))
        .map(|(path, _)| path.to_path_buf())
        .collect();
    changed.extend(
        after
            .keys()
            .filter(|path| !before.contains_key(*path))
            .map(|path| path.to_path_buf()),
    );
    changed
}

fn by_path(list: &[Diagnostic]) -> BTreeMap<&Path, Vec<&Diagnostic>> {
    let mut by_file: BTreeMap<&Path, Vec<&Diagnostic>> = BTreeMap::new();
    for d in list {
        by_file.entry(&d.path).or_default().push(d);
    }
    by_file
}

/// One problem as an LSP diagnostic in `doc`.
pub fn to_lsp(d: &Diagnostic, doc: &Document) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: range(doc, d.line, d.column),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("dealbook".into()),
        message: d.message.clone(),
        ..lsp_types::Diagnostic::default()
    }
}

/// From dealbook's line and column to the end of the value there: in the front matter, before
/// a trailing comment; elsewhere, the end of the line's text.
pub fn range(doc: &Document, line: usize, column: usize) -> Range {
    let start = doc.offset_of(line, column);
    let n = line.saturating_sub(1);
    let line_start = doc.line_start(n);
    let text = doc.line(n);
    let within = (start - line_start.min(start)).min(text.len());
    let end = if in_front_matter(doc, line) {
        edit::value_end(text, within)
    } else {
        text.trim_end().len()
    };
    let end = if end > within { end } else { text.len() };
    doc.range(start, line_start + end.max(within))
}

/// Whether dealbook's line `line` is inside the front matter's fences.
fn in_front_matter(doc: &Document, line: usize) -> bool {
    let text = doc.text.strip_prefix('\u{feff}').unwrap_or(&doc.text);
    match front_matter::split(text) {
        FrontMatter::Found(split) => line >= split.yaml_line && line < split.body_line - 1,
        FrontMatter::Unclosed => line >= 2,
        FrontMatter::None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Position;

    fn covered(text: &str, line: usize, column: usize) -> String {
        let doc = Document::new(text.into(), 0);
        let r = range(&doc, line, column);
        doc.text[doc.offset(r.start)..doc.offset(r.end)].to_string()
    }

    #[test]
    fn a_range_covers_the_value() {
        let text = "---\nstage: qualified   # typo\namount: \"$48,000\"\ntags:\n---\n## Log\n- 2026-01-01: a # b  \n";
        assert_eq!(covered(text, 2, 8), "qualified");
        assert_eq!(covered(text, 3, 9), "\"$48,000\"");
        assert_eq!(covered(text, 4, 1), "tags:", "a key without a value");
        assert_eq!(covered(text, 1, 1), "---");
        assert_eq!(
            covered(text, 7, 1),
            "- 2026-01-01: a # b",
            "the body has no comments"
        );
        let past = range(&Document::new(text.into(), 0), 99, 99);
        assert_eq!(past.start, past.end);
        assert_eq!(past.start, Position::new(7, 0));
    }
}
