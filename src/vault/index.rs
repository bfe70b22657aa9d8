//! The in-memory index: every good record by kind, links resolved, problems collected.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::diagnostic::{self, Code, Diagnostic};
use crate::model::{Account, AnyRecord, Contact, Deal, Kind, Link, Record};
use crate::parse::ParsedFile;

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub deals: Vec<Deal>,
    pub contacts: Vec<Contact>,
    pub accounts: Vec<Account>,
    /// Parse problems and broken links, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Index {
    /// Builds the index from parsed files (keyed by path, so the order is stable).
    pub fn build(files: &BTreeMap<PathBuf, ParsedFile>) -> Index {
        let mut index = Index::default();
        let mut seen: HashMap<(Kind, &str), &PathBuf> = HashMap::new();
        for (path, parsed) in files {
            index.diagnostics.extend(parsed.diagnostics.iter().cloned());
            let Some(record) = &parsed.record else {
                continue;
            };
            let id = record.record().id.as_str();
            let kind = record.record().kind;
            if let Some(first) = seen.get(&(kind, id)) {
                index.diagnostics.push(Diagnostic::new(
                    path,
                    crate::diagnostic::Pos::START,
                    Code::DuplicateId,
                    format!(
                        "the {} id `{id}` is already used by {}; rename one of the files",
                        kind.as_str(),
                        first.display()
                    ),
                ));
                continue;
            }
            seen.insert((kind, id), path);
            match record.clone() {
                AnyRecord::Deal(deal) => index.deals.push(deal),
                AnyRecord::Contact(contact) => index.contacts.push(contact),
                AnyRecord::Account(account) => index.accounts.push(account),
            }
        }
        index.resolve_links();
        diagnostic::sort(&mut index.diagnostics);
        index
    }

    /// Points every link at the id of the record it names, by id, then title or name.
    fn resolve_links(&mut self) {
        let accounts = Lookup::new(
            Kind::Account,
            self.accounts.iter().map(|a| (&a.record, a.name.as_str())),
        );
        let contacts = Lookup::new(
            Kind::Contact,
            self.contacts.iter().map(|c| (&c.record, c.name.as_str())),
        );
        let mut broken = Vec::new();
        let mut resolve =
            |link: &mut Option<Link>, lookup: &Lookup, record: &Record, field: &str| {
                if let Some(link) = link {
                    link.resolved = lookup.find(&link.target);
                    if link.resolved.is_none() {
                        broken.push(Diagnostic::new(
                            &record.path,
                            record.pos(field),
                            Code::BrokenLink,
                            format!(
                                "`{field}` points to \"{}\", but no {} has that id or name",
                                link.target,
                                if lookup.kind == Kind::Account {
                                    "account"
                                } else {
                                    "contact"
                                }
                            ),
                        ));
                    }
                }
            };
        for deal in &mut self.deals {
            resolve(&mut deal.account, &accounts, &deal.record, "account");
            resolve(
                &mut deal.decision_maker,
                &contacts,
                &deal.record,
                "decision_maker",
            );
            resolve(&mut deal.champion, &contacts, &deal.record, "champion");
        }
        for contact in &mut self.contacts {
            resolve(&mut contact.account, &accounts, &contact.record, "account");
        }
        self.diagnostics.extend(broken);
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn deal(&self, id: &str) -> Option<&Deal> {
        self.deals.iter().find(|d| d.record.id == id)
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.record.id == id)
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.record.id == id)
    }
}

/// Finds a record by id, else by id, title or name ignoring case.
struct Lookup {
    kind: Kind,
    exact: HashMap<String, String>,
    loose: HashMap<String, String>,
}

impl Lookup {
    fn new<'a>(kind: Kind, records: impl Iterator<Item = (&'a Record, &'a str)>) -> Lookup {
        let mut lookup = Lookup {
            kind,
            exact: HashMap::new(),
            loose: HashMap::new(),
        };
        for (record, name) in records {
            lookup.exact.insert(record.id.clone(), record.id.clone());
            for key in [record.id.as_str(), name] {
                lookup
                    .loose
                    .entry(key.trim().to_lowercase())
                    .or_insert_with(|| record.id.clone());
            }
        }
        lookup
    }

    fn find(&self, target: &str) -> Option<String> {
        self.exact
            .get(target)
            .or_else(|| self.loose.get(&target.trim().to_lowercase()))
            .cloned()
    }
}
