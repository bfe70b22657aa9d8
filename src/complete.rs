//! Completion of a word being typed on dealbook's command line: the records, fields, values and
//! templates it may be, from the vault's file names and config. No record is read (but for
//! titles in a small vault), so the candidates come at once on a vault of any size.

use std::path::{Component, Path, PathBuf};

use rustc_hash::FxHashSet;

use crate::model::schema::{self, FieldType};
use crate::model::{known_fields, AnyRecord, Config, ForecastCategory, Kind};
use crate::parse::Detail;
use crate::render::rows::Listing;
use crate::render::templates;
use crate::vault;

/// What the word being typed names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot<'a> {
    /// A record, by id or title: a deal only when `Some(Kind::Deal)`.
    Record(Option<Kind>),
    /// A `KEY=VALUE` of `set ID`: a field name and `=`, then a value of that field.
    Assignment { record: &'a str },
    /// A field name of the record (`unset ID KEY`).
    Field { record: &'a str },
    /// A template for `render`.
    Template,
    /// A field of a `--where` expression over this listing.
    Filter(Listing),
}

/// Titles are offered only when at most this many record files would be read for them:
/// reading 31,000 takes about half a second, far too long for a key press.
const TITLES_UP_TO: usize = 1_000;

/// The words `slot` may be in the vault at `root` that start with `typed`, each once. A
/// config that cannot be read is taken as the default one.
pub fn candidates(root: &Path, slot: Slot, typed: &str) -> Vec<String> {
    let config = vault::load_config(root).unwrap_or_default();
    let all = match slot {
        Slot::Record(kind) => records(root, &config, kind, typed),
        Slot::Assignment { record } => assignments(root, &config, record, typed),
        Slot::Field { record } => fields(record_kind(root, &config, record))
            .into_iter()
            .map(String::from)
            .collect(),
        Slot::Template => templates::names(root),
        Slot::Filter(listing) => filter_fields(listing, typed),
    };
    let mut seen = FxHashSet::default();
    all.iter()
        .filter(|candidate| candidate.starts_with(typed) && seen.insert(candidate.as_str()))
        .cloned()
        .collect()
}

/// The ids of the records of `kind` (any kind when `None`), then, in a small vault and once
/// something is typed, their titles.
fn records(root: &Path, config: &Config, kind: Option<Kind>, typed: &str) -> Vec<String> {
    let of_kind = |of: &Kind| kind.is_none_or(|wanted| *of == wanted);
    let mut ids: Vec<String> = vault::record_ids(root, config)
        .into_iter()
        .filter(|(_, of)| of_kind(of))
        .map(|(id, _)| id)
        .collect();
    if !typed.is_empty() && ids.len() <= TITLES_UP_TO {
        let files = vault::record_files(root, config);
        ids.extend(
            files
                .iter()
                .filter(|(_, of)| of_kind(of))
                .filter_map(|(path, kind)| title(root, config, path, *kind)),
        );
    }
    ids
}

/// A record's title (a deal's) or name (a contact's or an account's), if its file reads.
fn title(root: &Path, config: &Config, path: &Path, kind: Kind) -> Option<String> {
    let parsed = vault::read_and_parse(root, path, Some(kind), config, Detail::Reports);
    let title = match parsed.record? {
        AnyRecord::Deal(deal) => deal.title.clone(),
        AnyRecord::Contact(contact) => contact.name.clone(),
        AnyRecord::Account(account) => account.name.clone(),
    };
    (!title.is_empty()).then_some(title)
}

/// `set ID …`: the record's field names followed by `=`, or, once a name and `=` are typed,
/// that field's values.
fn assignments(root: &Path, config: &Config, record: &str, typed: &str) -> Vec<String> {
    let kind = record_kind(root, config, record);
    match typed.split_once('=') {
        None => fields(kind).iter().map(|name| format!("{name}=")).collect(),
        Some((field, _)) => values(root, config, kind, field)
            .into_iter()
            .map(|value| format!("{field}={value}"))
            .collect(),
    }
}

/// The kind of the record named on the command line by its path (from its folder) or its id
/// (from the record folders); `None` for a title or a record not found.
fn record_kind(root: &Path, config: &Config, record: &str) -> Option<Kind> {
    let path = Path::new(record);
    if record.contains('/') || record.ends_with(".md") {
        let relative: PathBuf = path
            .strip_prefix(root)
            .unwrap_or(path)
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect();
        return config.folder_kind(&relative);
    }
    vault::record_ids(root, config)
        .into_iter()
        .find(|(id, _)| id == record)
        .map(|(_, kind)| kind)
}

/// dealbook's fields for records of `kind`; every field when the kind is not known.
fn fields(kind: Option<Kind>) -> Vec<&'static str> {
    match kind {
        Some(kind) => known_fields(kind).to_vec(),
        None => schema::FIELDS.iter().map(|f| f.name).collect(),
    }
}

/// The values field `field` takes, when they are few enough to list.
fn values(root: &Path, config: &Config, kind: Option<Kind>, field: &str) -> Vec<String> {
    let spec = match kind {
        Some(kind) => schema::spec_for(kind, field),
        None => schema::spec(field),
    };
    let words = |words: &[&str]| words.iter().map(|w| w.to_string()).collect();
    match spec.map(|s| s.ty) {
        Some(FieldType::Stage) => config
            .stages
            .iter()
            .flat_map(|stage| std::iter::once(&stage.id).chain(&stage.aliases))
            .cloned()
            .collect(),
        Some(FieldType::Forecast) => words(&ForecastCategory::ALL.map(ForecastCategory::as_str)),
        Some(FieldType::Bool) => words(&["true", "false"]),
        Some(FieldType::Link) => records(root, config, Some(linked_kind(field)), ""),
        Some(FieldType::Currency) => std::iter::once(&config.currency)
            .chain(config.fx.keys())
            .cloned()
            .collect(),
        Some(FieldType::RecordKind) => words(&Kind::ALL.map(Kind::as_str)),
        _ => Vec::new(),
    }
}

/// The kind of record a link field names: `account` an account, the others a contact.
fn linked_kind(field: &str) -> Kind {
    if field == "account" {
        Kind::Account
    } else {
        Kind::Contact
    }
}

/// The field names a `--where` expression over `listing` may use, for its last word: what is
/// typed before that word stays in front of each.
fn filter_fields(listing: Listing, typed: &str) -> Vec<String> {
    let before = &typed[..typed.rfind(' ').map_or(0, |at| at + 1)];
    let computed: Vec<&str> = crate::query::COMPUTED
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let names: Vec<&str> = match listing {
        Listing::Tasks => crate::query::TASK_FIELDS
            .iter()
            .map(|(name, _)| *name)
            .collect(),
        Listing::Deals => [known_fields(Kind::Deal), &computed, &["id", "path"]].concat(),
        Listing::Contacts => [known_fields(Kind::Contact), &["id", "path"]].concat(),
        Listing::Accounts => [known_fields(Kind::Account), &["id", "path"]].concat(),
    };
    names
        .into_iter()
        .map(|name| format!("{before}{name}"))
        .collect()
}
