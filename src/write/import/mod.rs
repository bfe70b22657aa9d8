//! Importing a CRM's export as a sync: each row becomes a record, or updates the record an
//! earlier import made from it (matched by the CRM's id, a contact also by email), touching
//! only the fields the CRM has. A field the rep changed since that import is a conflict, left
//! alone. The whole run is planned before anything is written, so it lands whole or not at all.

pub mod cells;
pub mod maps;
mod sync;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use self::maps::{target, Map};
pub use self::sync::{state_path, SyncState};
use crate::metrics::money::Num;
use crate::model::schema::{self, FieldType};
use crate::model::{is_currency_code, known_fields, Config, Kind, Link};
use crate::parse::yaml;
use crate::vault::Vault;
use crate::write::edit;

/// One row of the file: its line and its cells by header. `body` is a record's Markdown body
/// as dealbook's own JSON export carries it.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub line: usize,
    pub cells: Vec<(String, String)>,
    pub body: Option<String>,
}

/// A file the import writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Create {
        path: PathBuf,
        text: String,
    },
    Update {
        path: PathBuf,
        before: String,
        after: String,
    },
}

impl Change {
    pub fn path(&self) -> &Path {
        match self {
            Change::Create { path, .. } | Change::Update { path, .. } => path,
        }
    }
}

/// What happened to the rows of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    pub skipped: usize,
}

/// A record the rep changed where the CRM changed it too, field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub path: PathBuf,
    pub line: usize,
    /// (field, the vault's value, the CRM's value)
    pub fields: Vec<(String, String, String)>,
}

/// Everything one import would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
    pub counts: BTreeMap<&'static str, Counts>,
    pub conflicts: Vec<Conflict>,
    /// Rows skipped and other things worth saying, each with the file's line.
    pub notes: Vec<String>,
    /// Rows that cannot be imported: with any, nothing is written.
    pub errors: Vec<String>,
    /// What this import leaves written, for the next one to compare with.
    pub state: SyncState,
}

/// The options of one run.
pub struct Options<'a> {
    pub map: &'a Map,
    pub today: NaiveDate,
    /// Take the CRM's value where the rep changed a field too.
    pub force: bool,
}

/// Plans the import of `rows` into `vault`, given what the last import of this CRM wrote.
pub fn plan(vault: &Vault, rows: &[Incoming], options: &Options, state: SyncState) -> Plan {
    let mut planner = Planner {
        vault,
        options,
        decimal: options.map.decimal.unwrap_or('.'),
        plan: Plan {
            state,
            ..Plan::default()
        },
        made: HashMap::new(),
        seen: HashMap::new(),
        taken: Vec::new(),
    };
    for row in rows {
        planner.row(row);
    }
    planner.plan
}

/// The fields of one row as YAML, by dealbook's names, and what else the row says.
#[derive(Default)]
struct Parsed {
    fields: Vec<(String, String)>,
    links: Vec<(String, String)>,
    id: Option<String>,
    name: Option<String>,
    body: Option<String>,
    path: Option<String>,
    email: Option<String>,
    errors: Vec<String>,
}

struct Planner<'a> {
    vault: &'a Vault,
    options: &'a Options<'a>,
    decimal: char,
    plan: Plan,
    /// Accounts and contacts this run creates, by lower-case name: their ids.
    made: HashMap<(Kind, String), String>,
    /// CRM ids seen in this file, and the line.
    seen: HashMap<String, usize>,
    /// Paths this run creates.
    taken: Vec<PathBuf>,
}

impl Planner<'_> {
    fn map(&self) -> &Map {
        self.options.map
    }

    fn config(&self) -> &Config {
        &self.vault.config
    }

    fn counts(&mut self, kind: Kind) -> &mut Counts {
        self.plan.counts.entry(kind.as_str()).or_default()
    }

    fn row(&mut self, row: &Incoming) {
        let kind = self.map().kind;
        if row.cells.iter().all(|(_, v)| v.trim().is_empty()) {
            return;
        }
        let mut parsed = self.parse(row, kind);
        let line = row.line;
        if !parsed.errors.is_empty() {
            for error in parsed.errors {
                self.plan.errors.push(format!("line {line}: {error}"));
            }
            return;
        }
        let Some(name) = parsed.name.clone() else {
            let field = if kind == Kind::Deal { "title" } else { "name" };
            self.plan
                .notes
                .push(format!("line {line}: no {field}; skipped"));
            self.counts(kind).skipped += 1;
            return;
        };
        if let Some(id) = &parsed.id {
            if let Some(first) = self.seen.insert(id.clone(), line) {
                self.plan.errors.push(format!(
                    "line {line}: the same record id `{id}` as line {first}"
                ));
                return;
            }
        }
        let links = std::mem::take(&mut parsed.links);
        for (field, value) in links {
            // dealbook's own export links as the rep wrote it; a CRM's by name.
            let linked = if self.map().by_name {
                value
            } else {
                self.link(&field, &value, &parsed)
            };
            parsed.fields.push((field, yaml::scalar(&linked)));
        }
        if !self.map().by_name {
            if let Some(id) = &parsed.id {
                parsed
                    .fields
                    .push(("crm".into(), yaml::scalar(&self.map().crm)));
                parsed.fields.push(("crm_id".into(), yaml::scalar(id)));
            }
        }
        let key = parsed
            .id
            .as_ref()
            .map(|id| format!("{}:{id}", kind.as_str()));
        match self.existing(kind, &parsed, &name) {
            Some(path) => self.update(kind, line, &path, &parsed, key),
            None => {
                self.create(kind, &name, parsed, key);
            }
        }
    }

    /// A row's cells as fields, checked and in the vault's formats.
    fn parse(&self, row: &Incoming, kind: Kind) -> Parsed {
        let mut parsed = Parsed {
            body: row.body.clone(),
            ..Parsed::default()
        };
        let (mut first_name, mut last_name) = (None, None);
        let mut cell_currency: Option<String> = None;
        let mut seen: Vec<String> = Vec::new();
        for (header, cell) in &row.cells {
            let cell = match self.map().by_name {
                true => crate::render::escape::csv_cell_read(cell.trim()),
                false => cell.trim(),
            };
            let Some(field) = self.map().target(header) else {
                continue;
            };
            if cell.is_empty() || seen.contains(&field) {
                continue;
            }
            seen.push(field.clone());
            let by_name = self.map().by_name;
            match field.as_str() {
                target::ID => parsed.id = Some(cell.to_string()),
                target::BODY if !by_name => parsed.body = Some(cell.to_string()),
                target::FIRST_NAME if !by_name => first_name = Some(cell.to_string()),
                target::LAST_NAME if !by_name => last_name = Some(cell.to_string()),
                "path" if by_name => parsed.path = Some(cell.to_string()),
                "open" | "kind" if by_name => {}
                _ => match self.value(kind, &field, cell) {
                    Ok(Value::Yaml(yaml)) => {
                        if field == "email" {
                            parsed.email = Some(cell.to_lowercase());
                        }
                        parsed.fields.push((field, yaml));
                    }
                    Ok(Value::Money(money)) => {
                        parsed.fields.push((field, number(money.amount)));
                        cell_currency = cell_currency.or(money.currency);
                    }
                    Ok(Value::Link(target)) => parsed.links.push((field, target)),
                    Ok(Value::Nothing) => {}
                    Err(e) => parsed.errors.push(format!("{header}: {e}")),
                },
            }
        }
        if let Some(code) = cell_currency {
            match parsed.fields.iter().find(|(f, _)| f == "currency") {
                Some((_, written)) if yaml_text(written) != code => parsed.errors.push(format!(
                    "the amount is in {code}, but the currency column says {}",
                    yaml_text(written)
                )),
                Some(_) => {}
                None => parsed.fields.push(("currency".into(), code)),
            }
        }
        let name_field = if kind == Kind::Deal { "title" } else { "name" };
        let joined = match (first_name, last_name) {
            (Some(first), Some(last)) => Some(format!("{first} {last}")),
            (one, other) => one.or(other),
        };
        if let Some(joined) = joined {
            if !parsed.fields.iter().any(|(f, _)| f == name_field) {
                parsed
                    .fields
                    .push((name_field.into(), yaml::scalar(&joined)));
            }
        }
        parsed.name = parsed
            .fields
            .iter()
            .find(|(f, _)| f == name_field)
            .map(|(_, y)| yaml_text(y));
        if kind == Kind::Deal && !parsed.fields.iter().any(|(f, _)| f == "created") {
            parsed
                .fields
                .push(("created".into(), self.options.today.to_string()));
        }
        parsed
    }

    /// One cell as the field's type reads it.
    fn value(&self, kind: Kind, field: &str, cell: &str) -> Result<Value, String> {
        let ty = schema::spec_for(kind, field).map(|s| s.ty);
        let map = self.map();
        let one_line = || yaml::scalar(&cell.split_whitespace().collect::<Vec<_>>().join(" "));
        Ok(match ty {
            Some(FieldType::Money) => Value::Money(cells::money(cell, self.decimal)?),
            Some(FieldType::Percent) => Value::Yaml(number(cells::percent(cell, self.decimal)?)),
            Some(FieldType::Date) => Value::Yaml(cells::date(cell, map.dates)?.to_string()),
            Some(FieldType::Stage) => Value::Yaml(yaml::scalar(&map.stage(cell, self.config())?)),
            Some(FieldType::Forecast) => match map.forecast(cell)? {
                Some(category) => Value::Yaml(category.as_str().to_string()),
                None => Value::Nothing,
            },
            Some(FieldType::Bool) => Value::Yaml(cells::checkbox(cell)?.to_string()),
            Some(FieldType::Currency) => {
                let code = cell.to_ascii_uppercase();
                if !is_currency_code(&code) {
                    return Err(format!("\"{cell}\" is not a three-letter currency code"));
                }
                Value::Yaml(code)
            }
            Some(FieldType::Link) => Value::Link(cell.to_string()),
            Some(FieldType::List) => {
                let items: Vec<String> = cell
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(yaml::scalar)
                    .collect();
                Value::Yaml(format!("[{}]", items.join(", ")))
            }
            _ => Value::Yaml(one_line()),
        })
    }

    /// The id a link field should hold: the record it names, found by id or name; else, for a
    /// CRM's export, an account or contact created for it.
    fn link(&mut self, field: &str, name: &str, parsed: &Parsed) -> String {
        let index = &self.vault.index;
        let link = Some(Link::parse(name));
        let linked_kind = if field == "account" {
            Kind::Account
        } else {
            Kind::Contact
        };
        let found = match linked_kind {
            Kind::Account => index.account_for(&link).map(|a| a.record.id.clone()),
            _ => index.contact_for(&link).map(|c| c.record.id.clone()),
        };
        if let Some(id) = found {
            return id;
        }
        let key = (linked_kind, name.trim().to_lowercase());
        if let Some(id) = self.made.get(&key) {
            return id.clone();
        }
        let mut fields = vec![("name".to_string(), yaml::scalar(name.trim()))];
        if linked_kind == Kind::Contact {
            if let Some((_, account)) = parsed.fields.iter().find(|(f, _)| f == "account") {
                fields.push(("account".into(), account.clone()));
            }
        }
        let linked = Parsed {
            fields,
            ..Parsed::default()
        };
        let id = self.create(linked_kind, name.trim(), linked, None);
        self.made.insert(key, id.clone());
        id
    }

    /// The record this row was imported as before, or is the same as: by the CRM's id (or,
    /// without a map, dealbook's id), a contact by email, an account or contact by name.
    fn existing(&self, kind: Kind, parsed: &Parsed, name: &str) -> Option<PathBuf> {
        let index = &self.vault.index;
        let records: Vec<&crate::model::Record> = match kind {
            Kind::Deal => index.deals.iter().map(|d| &d.record).collect(),
            Kind::Contact => index.contacts.iter().map(|c| &c.record).collect(),
            Kind::Account => index.accounts.iter().map(|a| &a.record).collect(),
        };
        let field = |r: &crate::model::Record, name: &str| {
            r.fields.str(name).map(str::trim).map(str::to_string)
        };
        if let Some(id) = &parsed.id {
            let found = if self.map().by_name {
                records.iter().find(|r| r.id == *id)
            } else {
                records.iter().find(|r| {
                    field(r, "crm_id").as_deref() == Some(id.as_str())
                        && field(r, "crm").is_none_or(|crm| crm == self.map().crm)
                })
            };
            if let Some(record) = found {
                return Some(record.path.clone());
            }
        }
        if let Some(email) = &parsed.email {
            let found = records
                .iter()
                .find(|r| field(r, "email").is_some_and(|e| e.to_lowercase() == *email));
            if let Some(record) = found {
                return Some(record.path.clone());
            }
        }
        if kind == Kind::Deal || (parsed.id.is_some() && self.map().by_name) {
            return None;
        }
        let link = Some(Link::parse(name));
        match kind {
            Kind::Account => index.account_for(&link).map(|a| a.record.path.clone()),
            _ => index.contact_for(&link).map(|c| c.record.path.clone()),
        }
    }

    fn create(&mut self, kind: Kind, name: &str, parsed: Parsed, key: Option<String>) -> String {
        let folder = self
            .config()
            .folders
            .of(kind)
            .first()
            .map(PathBuf::from)
            .unwrap_or_default();
        let wanted = parsed
            .path
            .as_deref()
            .map(PathBuf::from)
            .filter(|p| safe_path(p) && self.config().folder_kind(p) == Some(kind));
        let id = match &parsed.id {
            Some(id) if self.map().by_name => super::slug(id),
            _ => super::slug(name),
        };
        let id = if id.is_empty() {
            kind.as_str().to_string()
        } else {
            id
        };
        let free =
            |p: &Path| !self.taken.iter().any(|t| t == p) && !self.vault.root.join(p).exists();
        let path = wanted.filter(|p| free(p)).unwrap_or_else(|| {
            (1..)
                .map(|n| match n {
                    1 => folder.join(format!("{id}.md")),
                    n => folder.join(format!("{id}-{n}.md")),
                })
                .find(|p| free(p))
                .expect("a free file name")
        });
        let known = known_fields(kind);
        let mut fields = parsed.fields;
        fields.sort_by_key(|(field, _)| {
            let rank = known.iter().position(|k| k == field).unwrap_or(known.len());
            (rank, field.clone())
        });
        let mut text = String::from("---\n");
        for (field, yaml) in &fields {
            text.push_str(&format!(
                "{}: {yaml}\n",
                edit::vault_key(self.config(), "", field)
            ));
        }
        text.push_str("---\n");
        match (&parsed.body, self.map().by_name) {
            (Some(body), true) => text.push_str(body),
            (Some(body), false) => {
                text.push_str(&format!("## Description\n\n{}\n", body.trim_end()));
            }
            (None, _) => {}
        }
        if let Some(key) = key {
            self.plan.state.remember(&key, &path, &fields);
        }
        self.taken.push(path.clone());
        self.counts(kind).created += 1;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(id);
        self.plan.changes.push(Change::Create { path, text });
        stem
    }

    fn update(
        &mut self,
        kind: Kind,
        line: usize,
        path: &Path,
        parsed: &Parsed,
        key: Option<String>,
    ) {
        let before = match std::fs::read_to_string(self.vault.root.join(path)) {
            Ok(text) => text,
            Err(e) => {
                self.plan
                    .errors
                    .push(format!("line {line}: cannot read {}: {e}", path.display()));
                return;
            }
        };
        let last = key.as_deref().and_then(|k| self.plan.state.fields(k));
        let mut after = before.clone();
        let mut conflicts = Vec::new();
        for (field, yaml) in &parsed.fields {
            let key = edit::vault_key(&self.vault.config, &before, field);
            let written = edit::written_value(&before, &[key]);
            let same = |a: &str, b: &str| match field.as_str() {
                "email" => same(&a.to_lowercase(), &b.to_lowercase()),
                _ => same(a, b),
            };
            if written.as_deref().is_some_and(|w| same(w, yaml)) {
                continue;
            }
            let imported = last.as_ref().and_then(|fields| fields.get(field));
            let ours = match (&written, imported) {
                (None, None) => true,
                (Some(w), Some(i)) => same(w, i),
                _ => false,
            };
            if !ours && !self.options.force {
                let here = written.as_deref().map_or("(none)".to_string(), yaml_text);
                conflicts.push((field.clone(), here, yaml_text(yaml)));
                continue;
            }
            match edit::set(&after, &[key], yaml) {
                Ok(text) => after = text,
                Err(e) => {
                    self.plan.errors.push(format!(
                        "line {line}: cannot update {}: {e}",
                        path.display()
                    ));
                    return;
                }
            }
        }
        if !conflicts.is_empty() {
            self.counts(kind).conflicts += 1;
            self.plan.conflicts.push(Conflict {
                path: path.to_path_buf(),
                line,
                fields: conflicts,
            });
            return;
        }
        if let Some(key) = key {
            self.plan.state.remember(&key, path, &parsed.fields);
        }
        if after == before {
            self.counts(kind).unchanged += 1;
        } else {
            self.counts(kind).updated += 1;
            self.plan.changes.push(Change::Update {
                path: path.to_path_buf(),
                before,
                after,
            });
        }
    }
}

/// A cell, read.
enum Value {
    Yaml(String),
    Money(cells::Money),
    /// A link field's target, resolved once the row is read.
    Link(String),
    /// Nothing to write (a forecast category of "Closed": the stage says it).
    Nothing,
}

/// 48000.0 → `48000`, at most cents.
fn number(n: f64) -> String {
    serde_json::to_string(&Num(n)).unwrap_or_default()
}

/// Whether two YAML values are the same value, however they are quoted.
fn same(a: &str, b: &str) -> bool {
    a.trim() == b.trim()
        || match (yaml::parse_value(a), yaml::parse_value(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// A YAML scalar's text, unquoted, for messages.
fn yaml_text(yaml: &str) -> String {
    match yaml::parse_value(yaml) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) if !other.is_null() => other.to_string(),
        _ => yaml.to_string(),
    }
}

/// A path from dealbook's own export: relative, a Markdown file, nothing but names.
fn safe_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}
