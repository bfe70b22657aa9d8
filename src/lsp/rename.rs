//! Renaming a record: its file gets the new id, and every link to it by id (front matter and
//! wikilinks, across the vault) is rewritten, as one workspace edit. Links by name still find
//! it and are left alone.

use std::path::{Path, PathBuf};

use lsp_types::{
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    PrepareRenameResponse, RenameFile, RenameFileOptions, ResourceOp, TextDocumentEdit, TextEdit,
    WorkspaceEdit,
};

use super::links::Target;
use super::navigation;
use super::text::Document;
use super::workspace::Workspace;
use crate::parse::front_matter::top_level_key;
use crate::parse::yaml;

/// The id under the cursor: a link's target, or the file's own id on its title or name line.
pub fn prepare(
    ws: &Workspace,
    doc: &Document,
    path: &Path,
    offset: usize,
) -> Option<PrepareRenameResponse> {
    let vault = ws.vault()?;
    if let Some(link) = super::links::at(doc, &vault.config, offset) {
        let target = super::links::resolve(&vault.index, &link)?;
        return Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: doc.range(link.target.start, link.target.end),
            placeholder: target.record.id.clone(),
        });
    }
    let n = doc.position(offset).line as usize;
    let (key, rest) = top_level_key(doc.line(n))?;
    if !matches!(vault.config.field_for(key), "title" | "name") {
        return None;
    }
    let own = navigation::own_record(vault, path)?;
    let line = doc.line(n);
    let start = doc.line_start(n) + line.len() - rest.trim_start().len();
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: doc.range(start, doc.line_start(n) + line.len()),
        placeholder: own.record.id.clone(),
    })
}

/// The record at `offset` renamed to `new_id`: its file moved, and the links to it by id
/// rewritten. Refused, saying why, for a name that is no file name or is taken.
pub fn rename(
    ws: &Workspace,
    doc: &Document,
    path: &Path,
    offset: usize,
    new_id: &str,
) -> Result<WorkspaceEdit, String> {
    let vault = ws
        .vault()
        .ok_or("dealbook.yaml has errors; fix them first")?;
    let target = match super::links::at(doc, &vault.config, offset) {
        Some(link) => super::links::resolve(&vault.index, &link),
        None => navigation::own_record(vault, path),
    }
    .ok_or("there is no record here to rename")?;
    let new_id = new_id.trim();
    check_id(new_id)?;
    let old_path = &target.record.path;
    let new_path = old_path.with_file_name(format!("{new_id}.md"));
    if new_path == *old_path {
        return Err(format!("{} already has that id", old_path.display()));
    }
    // Ids are unique per kind across folders.
    let other = vault.index.id_taken(target.record.kind, new_id);
    if let Some(other) = other.filter(|p| *p != old_path) {
        return Err(format!("{} already has the id {new_id}", other.display()));
    }
    if vault.root.join(&new_path).exists() {
        return Err(format!("{} already exists", new_path.display()));
    }
    let mut changes = link_edits(ws, &target, new_id);
    changes.push(DocumentChangeOperation::Op(ResourceOp::Rename(
        RenameFile {
            old_uri: ws.uri(old_path),
            new_uri: ws.uri(&new_path),
            options: Some(RenameFileOptions {
                overwrite: Some(false),
                ignore_if_exists: Some(false),
            }),
            annotation_id: None,
        },
    )));
    Ok(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(changes)),
        ..WorkspaceEdit::default()
    })
}

/// A new id is a file name: no folder, no dot in front, no control characters, short enough
/// for a file. It is also written as it is into every link to the record, so only letters,
/// digits, spaces and `-_.`, and not a word YAML reads as another thing (`null`, `0x1f`):
/// YAML (`: `, `#`, quotes) or wikilink syntax (`]]`, `|`) would break the links it means to
/// keep.
fn check_id(id: &str) -> Result<(), String> {
    let fine = !id.is_empty()
        && !id.starts_with('.')
        && !id.contains(['/', '\\'])
        && !id.chars().any(char::is_control)
        && id.len() + ".md".len() <= 255;
    if !fine {
        return Err(format!(
            "\"{id}\" cannot be a file name: give an id like acme-renewal"
        ));
    }
    let plain = |c: char| c.is_alphanumeric() || " -_.".contains(c);
    match id.chars().find(|&c| !plain(c)) {
        None if yaml::scalar(id) == id => Ok(()),
        None => Err(format!(
            "\"{id}\" cannot be written in a link: YAML reads it as something else than text; give an id like acme-renewal"
        )),
        Some(c) => Err(format!(
            "\"{id}\" cannot be written in a link ({c:?}): give an id like acme-renewal"
        )),
    }
}

/// The edits of every file that links the record by its id, before the file moves.
fn link_edits(ws: &Workspace, target: &Target, new_id: &str) -> Vec<DocumentChangeOperation> {
    let old_id = target.record.id.to_lowercase();
    navigation::links_to(ws, target)
        .into_iter()
        .filter_map(|(path, doc, linking): (PathBuf, Document, _)| {
            let edits: Vec<OneOf<TextEdit, _>> = linking
                .iter()
                .filter(|w| w.link.target.to_lowercase() == old_id)
                .map(|w| {
                    OneOf::Left(TextEdit::new(
                        doc.range(w.target.start, w.target.end),
                        new_id.to_string(),
                    ))
                })
                .collect();
            (!edits.is_empty()).then(|| {
                DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: ws.uri(&path),
                        version: ws.open_document(&path).map(|d| d.version),
                    },
                    edits,
                })
            })
        })
        .collect()
}
