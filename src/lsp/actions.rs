//! Quick fixes, each the edit the command line would make (`set`, `log`, `done`, `new`), as a
//! text edit the editor applies to its buffer: the stage or field the rep meant, an amount or
//! a date written the way dealbook reads them, the missing contact or account of a broken
//! link, a closed deal's close date, a log entry for today, a ticked task.

use chrono::NaiveDate;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    Range, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::text::Document;
use super::{diagnostics, links, uri};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::schema::{self, FieldType};
use crate::model::{normalize, Config, Kind, Link};
use crate::parse::front_matter::top_level_key;
use crate::vault::Vault;
use crate::write::import::cells;
use crate::write::import::maps::DateOrder;
use crate::write::{edit, new, record};

/// How many stages a did-you-mean offers at most.
const STAGE_GUESSES: usize = 3;

/// What the fixes of one file work from.
pub struct File<'a> {
    pub vault: &'a Vault,
    pub doc: &'a Document,
    pub path: &'a std::path::Path,
    pub uri: Uri,
    /// The buffer's version when the file is open in the editor.
    pub version: Option<i32>,
    pub kind: Option<Kind>,
    pub today: NaiveDate,
}

/// The fixes for the lines `range` covers.
pub fn actions(file: &File, range: Range) -> Vec<CodeActionOrCommand> {
    let lines = range.start.line as usize + 1..=range.end.line as usize + 1;
    let problems = diagnostics::of_file(file.vault, file.path, file.today);
    let mut found = Vec::new();
    for problem in problems.iter().filter(|d| lines.contains(&d.line)) {
        let fixes = match problem.code {
            Code::UnknownStage => stage_guesses(file, problem),
            Code::UnknownKey => key_fix(file, problem).into_iter().collect(),
            Code::WrongType => number_fix(file, problem).into_iter().collect(),
            Code::InvalidDate => date_fixes(file, problem),
            Code::BrokenLink => create_linked(file, problem).into_iter().collect(),
            Code::ClosedWithoutDate => close_date(file, problem).into_iter().collect(),
            _ => Vec::new(),
        };
        found.extend(fixes);
    }
    found.extend(tick(file, lines.clone()));
    found.extend(log_today(file, &problems));
    found
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

/// The key and the value as written on a problem's line.
fn key_and_value<'a>(file: &'a File, problem: &Diagnostic) -> Option<(&'a str, &'a str)> {
    let line = file.doc.line(problem.line.saturating_sub(1));
    let (key, rest) = top_level_key(line)?;
    let start = line.len() - rest.trim_start().len();
    Some((key, &line[start..edit::value_end(line, start)]))
}

fn unquoted(value: &str) -> &str {
    value.trim().trim_matches(['"', '\''])
}

/// A fix that turns the file's text into `new`, for the buffer's version it was made from:
/// the editor refuses it once the buffer has changed, rather than apply it to other text.
fn fix(file: &File, title: String, problem: Option<&Diagnostic>, new: &str) -> CodeAction {
    let edit = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: file.uri.clone(),
            version: file.version,
        },
        edits: vec![OneOf::Left(edit_between(file.doc, new))],
    };
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: problem.map(|d| vec![diagnostics::to_lsp(d, file.doc)]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![edit])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }
}

/// `set KEY=VALUE`'s edit of the file's text.
fn set(file: &File, key: &str, value: &str) -> Option<String> {
    let assignment = [format!("{key}={value}")];
    record::assign(
        &file.vault.config,
        file.doc.text.clone(),
        &assignment,
        &mut Vec::new(),
    )
    .ok()
}

/// The stages (by id or alias) nearest to what is written.
fn stage_guesses(file: &File, problem: &Diagnostic) -> Vec<CodeAction> {
    let Some((key, written)) = key_and_value(file, problem) else {
        return Vec::new();
    };
    let config = &file.vault.config;
    let wanted = normalize(unquoted(written));
    let mut guesses: Vec<(f64, &str)> = config
        .stages
        .iter()
        .flat_map(|s| {
            std::iter::once(&s.id)
                .chain(&s.aliases)
                .map(move |name| (name, s))
        })
        .map(|(name, stage)| {
            (
                strsim::normalized_damerau_levenshtein(&wanted, &normalize(name)),
                stage.id.as_str(),
            )
        })
        .filter(|(likeness, _)| *likeness >= 0.4)
        .collect();
    guesses.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut offered: Vec<&str> = Vec::new();
    for (_, id) in guesses {
        if !offered.contains(&id) && offered.len() < STAGE_GUESSES {
            offered.push(id);
        }
    }
    offered
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let text = set(file, key, id)?;
            let mut action = fix(file, format!("Did you mean `{id}`?"), Some(problem), &text);
            action.is_preferred = Some(i == 0);
            Some(action)
        })
        .collect()
}

/// The known field a near-miss key was meant to be: the key renamed on its line.
fn key_fix(file: &File, problem: &Diagnostic) -> Option<CodeAction> {
    let (key, _) = key_and_value(file, problem)?;
    let meant = schema::near_miss(file.kind?, key)?;
    let n = problem.line - 1;
    let line = file.doc.line(n);
    let at = file.doc.line_start(n) + line.find(key)?;
    let mut text = file.doc.text.clone();
    text.replace_range(at..at + key.len(), meant);
    let mut action = fix(
        file,
        format!("Rename `{key}` to `{meant}`"),
        Some(problem),
        &text,
    );
    action.is_preferred = Some(true);
    Some(action)
}

/// `"$48,000"` → `48000`, `55%` → `55`: the number as dealbook reads one.
fn number_fix(file: &File, problem: &Diagnostic) -> Option<CodeAction> {
    let (key, written) = key_and_value(file, problem)?;
    let spec = schema::spec_for(file.kind?, file.vault.config.field_for(key))?;
    let number = match spec.ty {
        FieldType::Money => cells::money(unquoted(written), '.').ok()?.amount,
        FieldType::Percent => cells::percent(unquoted(written), '.').ok()?,
        _ => return None,
    };
    let number = if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    };
    let text = set(file, key, &number)?;
    let mut action = fix(
        file,
        format!("Write {key} as {number}"),
        Some(problem),
        &text,
    );
    action.is_preferred = Some(true);
    Some(action)
}

/// `12/15/2026` → `2026-12-15`; a date that reads both month first and day first offers both.
fn date_fixes(file: &File, problem: &Diagnostic) -> Vec<CodeAction> {
    let Some((key, written)) = key_and_value(file, problem) else {
        return Vec::new();
    };
    let mut dates: Vec<NaiveDate> = [DateOrder::Us, DateOrder::DayFirst]
        .into_iter()
        .filter_map(|order| cells::date(unquoted(written), order).ok())
        .collect();
    dates.dedup();
    dates
        .iter()
        .filter_map(|date| {
            let text = set(file, key, &date.to_string())?;
            Some(fix(
                file,
                format!("Write {key} as {date}"),
                Some(problem),
                &text,
            ))
        })
        .collect()
}

/// A broken link's record, made from its template as `dealbook new` makes it, named as the
/// link names it (so the link finds it).
fn create_linked(file: &File, problem: &Diagnostic) -> Option<CodeAction> {
    let (key, written) = key_and_value(file, problem)?;
    let kind = links::target_kind(file.vault.config.field_for(key));
    let name = Link::parse(unquoted(written)).target;
    let record = new::from_template(file.vault, kind, &name, file.today).ok()?;
    new::check(&record, &file.vault.config).ok()?;
    let uri = uri::uri_of(&file.vault.root.join(&record.path));
    let create = ResourceOp::Create(CreateFile {
        uri: uri.clone(),
        options: Some(CreateFileOptions {
            overwrite: Some(false),
            ignore_if_exists: Some(true),
        }),
        annotation_id: None,
    });
    let fill = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: vec![OneOf::Left(TextEdit::new(Range::default(), record.text))],
    };
    Some(CodeAction {
        title: format!("Create the {} {}", kind.as_str(), record.path.display()),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostics::to_lsp(problem, file.doc)]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(vec![
                DocumentChangeOperation::Op(create),
                DocumentChangeOperation::Edit(fill),
            ])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// A closed deal without a close date closed today.
fn close_date(file: &File, problem: &Diagnostic) -> Option<CodeAction> {
    let config: &Config = &file.vault.config;
    let key = edit::vault_key(config, &file.doc.text, "close_date");
    let today = file.today.to_string();
    let text = set(file, key, &today)?;
    Some(fix(
        file,
        format!("Set {key} to today, {today}"),
        Some(problem),
        &text,
    ))
}

/// Ticks the open tasks on these lines, done today.
fn tick(file: &File, lines: std::ops::RangeInclusive<usize>) -> Vec<CodeAction> {
    let Some(record) = file.vault.file(file.path).and_then(|p| p.record.as_ref()) else {
        return Vec::new();
    };
    record
        .record()
        .body
        .tasks
        .iter()
        .filter(|t| !t.done && lines.contains(&t.line))
        .filter_map(|task| {
            let text = edit::tick(&file.doc.text, task.line, file.today).ok()?;
            Some(fix(
                file,
                format!("Tick \"{}\" as done today", task.text),
                None,
                &text,
            ))
        })
        .collect()
}

/// A dated entry for today in the `## Log`, for the rep to write.
fn log_today(file: &File, problems: &[Diagnostic]) -> Option<CodeAction> {
    file.kind?;
    let text = edit::add_log(&file.doc.text, file.today, "").ok()?;
    let stale = problems.iter().find(|d| d.code == Code::Stale);
    Some(fix(
        file,
        format!("Add a log entry for today, {}", file.today),
        stale,
        &text,
    ))
}

/// The one edit that turns the document's text into `new`: what lies between the text both
/// share at the start and at the end.
fn edit_between(doc: &Document, new: &str) -> TextEdit {
    let old = doc.text.as_str();
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let most = old.len().min(new.len()) - start;
    let mut end = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(most)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - end) || !new.is_char_boundary(new.len() - end) {
        end -= 1;
    }
    TextEdit::new(
        doc.range(start, old.len() - end),
        new[start..new.len() - end].to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_between_two_texts_is_what_differs() {
        let doc = Document::new("a: 1\nstage: qualifed\nz: ü\n".into(), 0);
        let edit = edit_between(&doc, "a: 1\nstage: discovery\nz: ü\n");
        assert_eq!(edit.new_text, "discovery");
        assert_eq!((edit.range.start.line, edit.range.start.character), (1, 7));
        let same = edit_between(&doc, &doc.text);
        assert_eq!(
            (same.new_text.as_str(), same.range.start),
            ("", same.range.end)
        );
        let umlaut = edit_between(&Document::new("ä".into(), 0), "ö");
        assert_eq!(umlaut.new_text, "ö");
    }
}
