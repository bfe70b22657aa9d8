//! Completion: what may be written where the cursor is, from the config, the schema and the
//! vault's records. Values are written as `set` writes them. Candidates among the records are
//! filtered by what is typed and capped, and the list then says it is incomplete, so the
//! editor asks again as the rep types.

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit, Position, TextEdit,
};

use super::links;
use super::text::Document;
use crate::model::schema::{self, FieldSpec, FieldType};
use crate::model::{ForecastCategory, Index, Kind, Record, Stage};
use crate::parse::front_matter::top_level_key;
use crate::vault::Vault;
use crate::write::edit;
use crate::write::values::{self, Quoting};

/// The most records offered at once.
const MAX_RECORDS: usize = 100;

/// Where the cursor is: its line (from 0), that line's text and the byte column in it.
struct Cursor<'a> {
    doc: &'a Document,
    line: &'a str,
    column: usize,
    line_start: usize,
    in_front_matter: bool,
}

impl Cursor<'_> {
    fn before(&self) -> &str {
        &self.line[..self.column]
    }

    /// A range of the line as a range of the document.
    fn at(&self, range: Range<usize>) -> Range<usize> {
        self.line_start + range.start..self.line_start + range.end
    }

    /// The link field this front-matter line is the value of.
    fn link_field(&self, vault: &Vault) -> Option<&'static FieldSpec> {
        let (key, _) = top_level_key(self.line).filter(|_| self.in_front_matter)?;
        schema::spec(vault.config.field_for(key)).filter(|spec| spec.ty == FieldType::Link)
    }
}

/// What to offer at `position` in `doc`, a file of `kind` (if it is a record).
pub fn complete(
    vault: &Vault,
    doc: &Document,
    kind: Option<Kind>,
    position: Position,
    today: NaiveDate,
) -> CompletionList {
    let offset = doc.offset(position);
    let n = doc.position(offset).line as usize;
    let cursor = Cursor {
        doc,
        line: doc.line(n),
        column: offset - doc.line_start(n),
        line_start: doc.line_start(n),
        in_front_matter: links::front_matter_lines(doc)
            .is_some_and(|(first, last)| (first..last).contains(&n)),
    };
    let mut found = Found {
        vault,
        doc,
        items: Vec::new(),
        complete: true,
    };
    if let Some(open) = open_wikilink(cursor.before()) {
        let typed = open + 2..cursor.column;
        let close = !cursor.line[cursor.column..].starts_with("]]");
        let kind = cursor
            .link_field(vault)
            .map(|spec| links::target_kind(spec.name));
        let wanted = &cursor.line[typed.clone()];
        let by_id = wikilinks_by_id(vault, doc);
        let style = Style::Wikilink { close, by_id };
        found.records(wanted, cursor.at(typed), style, kind);
    } else if cursor.in_front_matter {
        front_matter(&mut found, &cursor, kind, today);
    } else if is_task(cursor.line) {
        task(&mut found, &cursor, today);
    }
    CompletionList {
        is_incomplete: !found.complete,
        items: found.items,
    }
}

/// Whether the file's wikilinks mostly name records by id (`[[acme-corp]]`) rather than by
/// title or name (`[[Acme Corp]]`).
fn wikilinks_by_id(vault: &Vault, doc: &Document) -> bool {
    let (mut ids, mut names) = (0, 0);
    for written in links::in_document(doc, &vault.config) {
        if !doc.text[written.span.clone()].starts_with("[[") {
            continue;
        }
        if let Some(target) = links::resolve(&vault.index, &written) {
            let id = &target.record.id;
            if written.link.target == *id && !target.name.eq_ignore_ascii_case(id) {
                ids += 1;
            } else {
                names += 1;
            }
        }
    }
    ids > names
}

/// Where a `[[` before the cursor opens a link that is not closed yet.
fn open_wikilink(before: &str) -> Option<usize> {
    let open = before.rfind("[[")?;
    (!before[open..].contains("]]")).then_some(open)
}

fn is_task(line: &str) -> bool {
    let item = line
        .trim_start()
        .trim_start_matches(['-', '*', '+'])
        .trim_start();
    item.starts_with("[ ]") || item.starts_with("[x]") || item.starts_with("[X]")
}

/// A field name at the start of a line; after `key:`, the values the field takes.
fn front_matter(found: &mut Found, cursor: &Cursor, kind: Option<Kind>, today: NaiveDate) {
    let Some(kind) = kind else {
        return;
    };
    let key = top_level_key(cursor.line).filter(|_| cursor.before().contains(':'));
    let Some((key, rest)) = key else {
        if !cursor.before().contains(char::is_whitespace) {
            let whole = 0..cursor.line.len().max(cursor.column);
            field_names(found, kind, cursor.at(whole));
        }
        return;
    };
    let start = cursor.line.len() - rest.trim_start().len();
    let Some(spec) = schema::spec_for(kind, found.vault.config.field_for(key)) else {
        return;
    };
    if cursor.column < start {
        return;
    }
    let range = cursor.at(start..edit::value_end(cursor.line, start).max(cursor.column));
    let typed = &cursor.line[start..cursor.column];
    let quoting = Quoting::of(typed);
    let config = &found.vault.config;
    let mut value = |label: &str, detail: Option<String>, value: &str| {
        found.value(spec.name, label, detail, value, quoting, range.clone());
    };
    match spec.ty {
        FieldType::Stage => {
            for stage in &config.stages {
                let detail = stage_detail(stage);
                value(&stage.id, Some(detail.clone()), &stage.id);
                for alias in &stage.aliases {
                    value(alias, Some(format!("{} · {detail}", stage.id)), &stage.id);
                }
            }
        }
        FieldType::Forecast => {
            for category in ForecastCategory::ALL {
                value(category.as_str(), None, category.as_str());
            }
        }
        FieldType::Bool => {
            for word in ["true", "false"] {
                value(word, None, word);
            }
        }
        FieldType::Date => {
            for (name, date) in dates(today) {
                value(&name, Some(date.to_string()), &date.to_string());
            }
        }
        FieldType::Link => {
            let style = Style::of_field(found.vault, cursor.doc, spec.name);
            let wanted = typed.trim_start_matches(['"', '\'', '[']);
            let kind = links::target_kind(spec.name);
            found.records(wanted, range, style, Some(kind));
        }
        _ => {}
    }
}

/// `60% · best_case`, and whether the stage is won or lost.
fn stage_detail(stage: &Stage) -> String {
    let closed = if stage.won {
        " · won"
    } else if stage.lost {
        " · lost"
    } else {
        ""
    };
    format!(
        "{}% · {}{closed}",
        stage.probability,
        stage.forecast.as_str()
    )
}

/// Field names at the start of a front-matter line: dealbook's for this kind (under the name
/// this vault uses for it), then the vault's own seen in other records of the kind; not those
/// the file already has.
fn field_names(found: &mut Found, kind: Kind, range: Range<usize>) {
    let (vault, doc) = (found.vault, found.doc);
    let written: BTreeSet<&str> = links::front_matter_lines(doc)
        .map(|(first, last)| {
            (first..last)
                .filter_map(|n| Some(top_level_key(doc.line(n))?.0))
                .collect()
        })
        .unwrap_or_default();
    for spec in schema::FIELDS.iter().filter(|f| f.applies_to(kind)) {
        let name = edit::vault_key(&vault.config, &doc.text, spec.name);
        if !written.contains(name) {
            let detail = Some(spec.ty.describe().to_string());
            found.item(
                name,
                detail,
                CompletionItemKind::FIELD,
                format!("{name}: "),
                range.clone(),
            );
        }
    }
    for name in own_fields(&vault.index, kind) {
        if !written.contains(name.as_str()) && !vault.config.is_mapped_field(&name) {
            let detail = Some("your own field, as other records have it".to_string());
            let text = format!("{name}: ");
            found.item(
                &name,
                detail,
                CompletionItemKind::FIELD,
                text,
                range.clone(),
            );
        }
    }
}

/// The fields records of `kind` have that dealbook does not read.
fn own_fields(index: &Index, kind: Kind) -> BTreeSet<String> {
    let known = schema::known_fields(kind);
    let records: Box<dyn Iterator<Item = &Record>> = match kind {
        Kind::Deal => Box::new(index.deals.iter().map(|d| &d.record)),
        Kind::Contact => Box::new(index.contacts.iter().map(|c| &c.record)),
        Kind::Account => Box::new(index.accounts.iter().map(|a| &a.record)),
    };
    let mut own = BTreeSet::new();
    for record in records {
        for name in record.fields.names() {
            if !known.contains(&name) && !own.contains(name) {
                own.insert(name.to_string());
            }
        }
    }
    own
}

/// In a task line: a date after `due:` or `📅`, and `@manager`.
fn task(found: &mut Found, cursor: &Cursor, today: NaiveDate) {
    let before = cursor.before();
    let word_start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let word = &before[word_start..];
    let date_from = match word.strip_prefix("due:") {
        Some(typed) => Some(before.len() - typed.len()),
        None if before[..word_start].trim_end().ends_with('📅') => Some(word_start),
        None => None,
    };
    if let Some(from) = date_from {
        for (name, date) in dates(today) {
            let (detail, text) = (Some(date.to_string()), date.to_string());
            let range = cursor.at(from..before.len());
            found.item(&name, detail, CompletionItemKind::VALUE, text, range);
        }
    } else if word.starts_with('@') {
        let detail = Some("an ask for your manager".to_string());
        let range = cursor.at(word_start..before.len());
        found.item(
            "@manager",
            detail,
            CompletionItemKind::KEYWORD,
            "@manager".into(),
            range,
        );
    }
}

/// `today`, `tomorrow`, `next week` and the coming weekdays, with the dates they are.
fn dates(today: NaiveDate) -> Vec<(String, NaiveDate)> {
    let mut named = vec![
        ("today".to_string(), today),
        ("tomorrow".to_string(), today + Duration::days(1)),
        ("next week".to_string(), today + Duration::days(7)),
    ];
    for ahead in 1..=7 {
        let day = today + Duration::days(ahead);
        named.push((weekday(day.weekday()).to_string(), day));
    }
    named
}

fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// How a link is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// `acme`: the value of a link field, by id.
    Id(&'static str),
    /// `"[[Acme Corp]]"`: the value of a link field, a wikilink by name.
    QuotedWikilink(&'static str),
    /// Inside `[[`: the name (or the id, when the file's wikilinks name records by id), and
    /// the closing brackets when they are not there yet.
    Wikilink { close: bool, by_id: bool },
}

impl Style {
    /// The form this file writes its link fields in (else most of the vault's deals, for this
    /// field): a wikilink by name if it writes `[[…]]`, else an id.
    fn of_field(vault: &Vault, doc: &Document, field: &'static str) -> Style {
        let written = links::in_document(doc, &vault.config);
        let wikilink = match written.iter().find(|w| w.field.is_some()) {
            Some(w) => doc.text[w.span.clone()].starts_with("[["),
            None => {
                let values = vault.index.deals.iter();
                let values = values.filter_map(|d| d.record.fields.str(field));
                let (wiki, plain): (Vec<&str>, Vec<&str>) =
                    values.partition(|v| v.trim_start().starts_with("[["));
                wiki.len() > plain.len()
            }
        };
        if wikilink {
            Style::QuotedWikilink(field)
        } else {
            Style::Id(field)
        }
    }
}

/// The items found so far.
struct Found<'a> {
    vault: &'a Vault,
    doc: &'a Document,
    items: Vec<CompletionItem>,
    complete: bool,
}

impl Found<'_> {
    /// An item that replaces `range` with `text`; it matches what is typed by its label and
    /// its text.
    fn item(
        &mut self,
        label: &str,
        detail: Option<String>,
        kind: CompletionItemKind,
        text: String,
        range: Range<usize>,
    ) {
        let edit = TextEdit::new(self.doc.range(range.start, range.end), text.clone());
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail,
            filter_text: (label != text).then(|| format!("{label} {text}")),
            text_edit: Some(CompletionTextEdit::Edit(edit)),
            ..CompletionItem::default()
        });
    }

    /// A front-matter value for `field`, written as `set` writes it (in the quotes already
    /// typed); left out if `set` would refuse it.
    fn value(
        &mut self,
        field: &str,
        label: &str,
        detail: Option<String>,
        value: &str,
        quoting: Quoting,
        range: Range<usize>,
    ) {
        if let Ok(text) = values::to_yaml(field, value, &self.vault.config, quoting) {
            self.item(label, detail, CompletionItemKind::VALUE, text, range);
        }
    }

    /// Records whose id or name contains `typed` (ignoring case): of `kind`, or (inside a
    /// wikilink that is no field's value) contacts, accounts and deals.
    fn records(&mut self, typed: &str, range: Range<usize>, style: Style, kind: Option<Kind>) {
        let wanted = typed.trim().to_lowercase();
        let index = &self.vault.index;
        let kinds = kind.map_or(vec![Kind::Contact, Kind::Account, Kind::Deal], |k| vec![k]);
        let named: Vec<(Kind, &str, &str)> = kinds
            .into_iter()
            .flat_map(|kind| named_records(index, kind))
            .filter(|(_, id, name)| {
                wanted.is_empty()
                    || id.to_lowercase().contains(&wanted)
                    || name.to_lowercase().contains(&wanted)
            })
            .take(MAX_RECORDS + 1)
            .collect();
        self.complete = named.len() <= MAX_RECORDS;
        for &(kind, id, name) in named.iter().take(MAX_RECORDS) {
            let name = if name.trim().is_empty() { id } else { name };
            let detail = Some(format!("{} · {id}", kind.as_str()));
            let range = range.clone();
            match style {
                Style::Id(field) => self.value(field, name, detail, id, Quoting::Plain, range),
                Style::QuotedWikilink(field) => {
                    let link = format!("[[{name}]]");
                    self.value(field, name, detail, &link, Quoting::Double, range);
                }
                Style::Wikilink { close, by_id } => {
                    let written = if by_id { id } else { name };
                    let text = if close {
                        format!("{written}]]")
                    } else {
                        written.to_string()
                    };
                    self.item(name, detail, CompletionItemKind::REFERENCE, text, range);
                }
            }
        }
    }
}

/// Every record of `kind`: its kind, id and title or name.
fn named_records(index: &Index, kind: Kind) -> Box<dyn Iterator<Item = (Kind, &str, &str)> + '_> {
    match kind {
        Kind::Contact => Box::new(
            index
                .contacts
                .iter()
                .map(move |c| (kind, c.record.id.as_str(), c.name.as_str())),
        ),
        Kind::Account => Box::new(
            index
                .accounts
                .iter()
                .map(move |a| (kind, a.record.id.as_str(), a.name.as_str())),
        ),
        Kind::Deal => Box::new(
            index
                .deals
                .iter()
                .map(move |d| (kind, d.record.id.as_str(), d.title.as_str())),
        ),
    }
}
