//! Going to a linked record, finding every link to one, and the outlines: a file's fields and
//! headings, the vault's records by title and id.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{DocumentSymbol, Location, Position, Range, SymbolInformation, SymbolKind};

use super::links::{self, Target, Written};
use super::text::Document;
use super::workspace::Workspace;
use crate::model::{AnyRecord, Deal, Kind};
use crate::parse::body;
use crate::parse::front_matter::{self, top_level_key, FrontMatter};
use crate::vault::Vault;

/// The most records a workspace symbol search answers with.
const MAX_SYMBOLS: usize = 500;

/// The record the link at `offset` names.
pub fn definition(ws: &Workspace, doc: &Document, offset: usize) -> Option<Location> {
    let vault = ws.vault()?;
    let link = links::at(doc, &vault.config, offset)?;
    let target = links::resolve(&vault.index, &link)?;
    Some(Location::new(ws.uri(&target.record.path), Range::default()))
}

/// The record a position is about: the one a link there names, else the file's own.
fn target_at<'a>(
    vault: &'a Vault,
    doc: &Document,
    path: &Path,
    offset: usize,
) -> Option<Target<'a>> {
    if let Some(link) = links::at(doc, &vault.config, offset) {
        return links::resolve(&vault.index, &link);
    }
    own_record(vault, path)
}

/// The record of the file at `path`, as the index has it (none for a second file with a taken
/// id). Found by the id the file gives, not by a scan, for every keystroke asks.
pub fn own_record<'a>(vault: &'a Vault, path: &Path) -> Option<Target<'a>> {
    let read = vault.file(path)?.record.as_ref()?;
    let (index, id) = (&vault.index, &read.record().id);
    let target = match read {
        AnyRecord::Deal(_) => index.deal(id).map(|d| Target {
            kind: Kind::Deal,
            record: &d.record,
            name: &d.title,
        }),
        AnyRecord::Contact(_) => index.contact(id).map(|c| Target {
            kind: Kind::Contact,
            record: &c.record,
            name: &c.name,
        }),
        AnyRecord::Account(_) => index.account(id).map(|a| Target {
            kind: Kind::Account,
            record: &a.record,
            name: &a.name,
        }),
    }?;
    (target.record.path == path).then_some(target)
}

/// The deal of the file at `path`, as the index has it.
pub fn own_deal<'a>(vault: &'a Vault, path: &Path) -> Option<&'a Arc<Deal>> {
    let read = vault.file(path)?.record.as_ref()?;
    let AnyRecord::Deal(_) = read else {
        return None;
    };
    let deal = vault.index.deal(&read.record().id)?;
    (deal.record.path == path).then_some(deal)
}

/// Every link to `target` in the vault, file by file: front-matter link fields and
/// wikilinks, in every record and activity note that may name it (by id or by name).
pub fn links_to(ws: &Workspace, target: &Target) -> Vec<(PathBuf, Document, Vec<Written>)> {
    let Some(vault) = ws.vault() else {
        return Vec::new();
    };
    let needles = [target.record.id.to_lowercase(), target.name.to_lowercase()];
    let mentions = |text: &str| {
        let text = text.to_lowercase();
        needles
            .iter()
            .any(|n| !n.is_empty() && text.contains(n.as_str()))
    };
    let mut found = Vec::new();
    for (path, parsed) in vault.files() {
        let may_link = match (&parsed.record, &parsed.activity) {
            (Some(record), _) => {
                let record = record.record();
                mentions(&record.body.text)
                    || record
                        .fields
                        .entries()
                        .any(|(_, value, _)| value.as_str().is_some_and(mentions))
            }
            (None, Some(activity)) => activity.links.iter().any(|l| mentions(l)),
            (None, None) => false,
        };
        let Some(doc) = may_link.then(|| ws.document(path)).flatten() else {
            continue;
        };
        let linking: Vec<Written> = links::in_document(&doc, &vault.config)
            .into_iter()
            .filter(|w| {
                links::resolve(&vault.index, w)
                    .is_some_and(|t| t.kind == target.kind && t.record.id == target.record.id)
            })
            .collect();
        if !linking.is_empty() {
            found.push((path.to_path_buf(), doc.into_owned(), linking));
        }
    }
    found
}

/// Every link to the record at `offset` (the one a link there names, else the file's own),
/// and the record's own file when asked for.
pub fn references(
    ws: &Workspace,
    doc: &Document,
    path: &Path,
    offset: usize,
    declaration: bool,
) -> Vec<Location> {
    let Some(vault) = ws.vault() else {
        return Vec::new();
    };
    let Some(target) = target_at(vault, doc, path, offset) else {
        return Vec::new();
    };
    let mut found: Vec<Location> = Vec::new();
    if declaration {
        found.push(Location::new(ws.uri(&target.record.path), Range::default()));
    }
    for (path, doc, linking) in links_to(ws, &target) {
        let uri = ws.uri(&path);
        found.extend(
            linking
                .iter()
                .map(|w| Location::new(uri.clone(), doc.range(w.span.start, w.span.end))),
        );
    }
    found
}

/// The front matter's fields and the body's headings.
// `DocumentSymbol::deprecated` is deprecated, yet a field every literal must name.
#[allow(deprecated)]
pub fn document_symbols(doc: &Document) -> Vec<DocumentSymbol> {
    let symbol =
        |name: String, detail: Option<String>, kind, range: Range, selection| DocumentSymbol {
            name,
            detail,
            kind,
            tags: None,
            deprecated: None,
            range,
            selection_range: selection,
            children: None,
        };
    let mut symbols = Vec::new();
    if let Some((first, last)) = links::front_matter_lines(doc) {
        for n in first..last {
            let line = doc.line(n);
            let Some((key, rest)) = top_level_key(line) else {
                continue;
            };
            let start = doc.line_start(n);
            let key_end = start + line.find(':').unwrap_or(line.len());
            let value = rest.trim();
            let detail = (!value.is_empty()).then(|| value.to_string());
            let range = doc.range(start, start + line.len());
            let selection = doc.range(start, key_end);
            symbols.push(symbol(
                key.to_string(),
                detail,
                SymbolKind::FIELD,
                range,
                selection,
            ));
        }
    }
    let text = doc.text.strip_prefix('\u{feff}').unwrap_or(&doc.text);
    let body = match front_matter::split(text) {
        FrontMatter::Found(split) => split.body,
        _ => text,
    };
    let body_start = doc.text.len() - body.len();
    for heading in body::headings(body) {
        let range = doc.range(body_start + heading.start, body_start + heading.end);
        let name = if heading.title.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            heading.title.trim().to_string()
        };
        symbols.push(symbol(name, None, SymbolKind::STRING, range, range));
    }
    symbols
}

/// Records whose title, name or id contains `query` (ignoring case).
// `SymbolInformation::deprecated` is deprecated, yet a field every literal must name.
#[allow(deprecated)]
pub fn workspace_symbols(ws: &Workspace, query: &str) -> Vec<SymbolInformation> {
    let Some(vault) = ws.vault() else {
        return Vec::new();
    };
    let wanted = query.trim().to_lowercase();
    vault
        .files()
        .filter_map(|(_, parsed)| {
            let record = parsed.record.as_ref()?;
            let name = match record {
                AnyRecord::Deal(d) => &d.title,
                AnyRecord::Contact(c) => &c.name,
                AnyRecord::Account(a) => &a.name,
            };
            let record = record.record();
            let matches =
                name.to_lowercase().contains(&wanted) || record.id.to_lowercase().contains(&wanted);
            matches.then(|| SymbolInformation {
                name: if name.trim().is_empty() {
                    record.id.clone()
                } else {
                    name.clone()
                },
                kind: match record.kind {
                    Kind::Deal => SymbolKind::EVENT,
                    Kind::Contact => SymbolKind::CONSTRUCTOR,
                    Kind::Account => SymbolKind::CLASS,
                },
                tags: None,
                deprecated: None,
                location: Location::new(
                    ws.uri(&record.path),
                    Range::new(Position::new(0, 0), Position::new(0, 0)),
                ),
                container_name: Some(format!("{} · {}", record.kind.as_str(), record.id)),
            })
        })
        .take(MAX_SYMBOLS)
        .collect()
}
