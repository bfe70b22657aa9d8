//! A new record's file from its template, as `dealbook new` writes it: the file name made from
//! the name, the first folder of its kind, the vault's `new-*.md` template (else the built-in).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::model::{Config, Kind};
use crate::parse;
use crate::render::{TemplateError, Templates};
use crate::vault::Vault;

/// A record still to be written: where, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    pub kind: Kind,
    /// Relative to the vault root.
    pub path: PathBuf,
    pub text: String,
}

/// Why a new record cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewError {
    #[error("\"{0}\" has no letters or digits to make a file name from")]
    NoFileName(String),
    #[error("a {} with the id `{id}` already exists: {}; nothing was written", kind.as_str(), existing.display())]
    Taken {
        kind: Kind,
        id: String,
        existing: PathBuf,
    },
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("the new record would have an error: {0}")]
    Invalid(String),
    #[error("template {template} does not make a {}", kind.as_str())]
    WrongKind { template: String, kind: Kind },
}

/// The new record named `name` as its template writes it, `today` being its `created` day.
/// Refused when a record of its kind already has its id or its file is there.
pub fn from_template(
    vault: &Vault,
    kind: Kind,
    name: &str,
    today: NaiveDate,
) -> Result<NewRecord, NewError> {
    let config = &vault.config;
    let id = super::slug(name);
    if id.is_empty() {
        return Err(NewError::NoFileName(name.to_string()));
    }
    let folder = config.folders.of(kind).first().map_or("", String::as_str);
    let path = Path::new(folder).join(format!("{id}.md"));
    let taken = vault.index.id_taken(kind, &id);
    if vault.root.join(&path).exists() || taken.is_some() {
        return Err(NewError::Taken {
            kind,
            existing: taken.map_or(path, Path::to_path_buf),
            id,
        });
    }
    let templates = Templates::new(Some(&vault.root), &config.limits);
    let context = template_context(name, today, config);
    let text = templates.render(&template_name(kind), &context)?;
    Ok(NewRecord { kind, path, text })
}

/// Checks that the record's text (its template's, with any fields set since) reads as a
/// record of its kind without an error.
pub fn check(record: &NewRecord, config: &Config) -> Result<(), NewError> {
    let parsed = parse::parse_file(
        &record.path,
        record.text.as_bytes(),
        Some(record.kind),
        config,
    );
    if let Some(error) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        return Err(NewError::Invalid(error.message.clone()));
    }
    if parsed.record.as_ref().map(|r| r.record().kind) != Some(record.kind) {
        return Err(NewError::WrongKind {
            template: template_name(record.kind),
            kind: record.kind,
        });
    }
    Ok(())
}

fn template_name(kind: Kind) -> String {
    format!("new-{}.md", kind.as_str())
}

/// What a `new-*.md` template gets.
fn template_context(name: &str, today: NaiveDate, config: &Config) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "today": today.to_string(),
        "currency": config.currency,
        "first_stage": config.stages.first().map(|s| s.id.as_str()).unwrap_or_default(),
        "stages": config.stage_ids(),
    })
}
