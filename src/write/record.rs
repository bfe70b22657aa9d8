//! Editing one record's file, as the editing commands and `serve`'s board do: the edit is made
//! on the file's newest text, written atomically only if the file still parses, and a record
//! that is a link is edited where the link points, inside the vault.

use std::io;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::atomic::{self, UpdateError, Updated};
use super::edit::{self, EditError};
use super::{place, values};
use crate::diagnostic::Code;
use crate::model::{Config, Kind, Stage};
use crate::parse;
use crate::vault::Vault;

/// Why an edit of a record's text was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refused<E> {
    #[error("{} is not UTF-8 text; dealbook will not edit it", .0.display())]
    NotUtf8(PathBuf),
    #[error("this edit would leave {} with invalid YAML; nothing was written", .0.display())]
    BreaksYaml(PathBuf),
    /// The edit itself refused the text.
    #[error("{0}")]
    Edit(E),
}

/// Why `key=value` assignments were not made.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    /// A key or value the rep gave cannot be written: a mistake in what was asked.
    #[error("{0}")]
    Value(String),
    #[error(transparent)]
    Edit(#[from] EditError),
}

/// Edits the record file at `relative`: `edit` turns its newest text into the new text (it
/// may run again if another program writes the file meanwhile).
pub fn update<E>(
    vault: &Vault,
    relative: &Path,
    mut edit: impl FnMut(&str) -> Result<String, E>,
) -> Result<Updated, UpdateError<Refused<E>>> {
    let real = place::resolve(&vault.root, relative, false).map_err(|e| {
        UpdateError::Io(io::Error::new(
            e.kind(),
            format!("cannot edit {}: {e}", relative.display()),
        ))
    })?;
    let kind = vault.config.folder_kind(relative);
    atomic::update(&real, |bytes| {
        let text =
            std::str::from_utf8(bytes).map_err(|_| Refused::NotUtf8(relative.to_path_buf()))?;
        let new = edit(text).map_err(Refused::Edit)?;
        if yaml_errors(vault, relative, kind, &new) > yaml_errors(vault, relative, kind, text) {
            return Err(Refused::BreaksYaml(relative.to_path_buf()));
        }
        Ok(new.into_bytes())
    })
}

fn yaml_errors(vault: &Vault, relative: &Path, kind: Option<Kind>, text: &str) -> usize {
    parse::parse_file(relative, text.as_bytes(), kind, &vault.config)
        .diagnostics
        .into_iter()
        .filter(|d| d.code == Code::YamlSyntax)
        .count()
}

/// Applies `key=value` assignments to `text`, checking every value first, and notes each
/// change as `key: old → new` (the values as the file writes them).
pub fn assign(
    config: &Config,
    mut text: String,
    assignments: &[String],
    changes: &mut Vec<String>,
) -> Result<String, AssignError> {
    changes.clear();
    for assignment in assignments {
        let (key, value) =
            values::split_assignment(assignment).map_err(|e| AssignError::Value(e.to_string()))?;
        let key = edit::vault_key(config, &text, key);
        let path: Vec<&str> = key.split('.').collect();
        let before = edit::written_value(&text, &path);
        let quoting = before
            .as_deref()
            .map(values::Quoting::of)
            .unwrap_or_default();
        let yaml = values::to_yaml(key, value, config, quoting)
            .map_err(|e| AssignError::Value(format!("{e}; nothing was written")))?;
        text = edit::set(&text, &path, &yaml)?;
        match before.as_deref().map(str::trim) {
            Some(old) if old == yaml.trim() => {}
            Some(old) => changes.push(format!("{key}: {old} → {yaml}")),
            None => changes.push(format!("{key}: (none) → {yaml}")),
        }
    }
    Ok(text)
}

/// Closes a deal in one edit, as `dealbook close` does: `stage` (a won or lost stage),
/// `close_date`, `win_reason` or `loss_reason` from `reason`, and a log entry ("Closed lost:
/// Went with the incumbent").
pub fn close(
    config: &Config,
    text: &str,
    stage: &Stage,
    date: NaiveDate,
    reason: Option<&str>,
) -> Result<String, AssignError> {
    let (word, reason_field) = if stage.won {
        ("won", "win_reason")
    } else {
        ("lost", "loss_reason")
    };
    let reason = reason
        .map(|r| r.replace(['\n', '\r'], " ").trim().to_string())
        .filter(|r| !r.is_empty());
    let mut fields = vec![format!("stage={}", stage.id), format!("close_date={date}")];
    let mut entry = format!("Closed {word}");
    if let Some(reason) = &reason {
        fields.push(format!("{reason_field}={reason}"));
        entry = format!("{entry}: {reason}");
    }
    let text = assign(config, text.to_string(), &fields, &mut Vec::new())?;
    Ok(edit::add_log(&text, date, &entry)?)
}
