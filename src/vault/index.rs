//! The in-memory index: every good record by kind, lookups by id and name, problems collected.
//! Records are shared (`Arc`) with the parsed files they came from, so building an index, or
//! rebuilding it after a change in watch mode, copies no record.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{self, Code, Diagnostic, Pos};
use crate::model::{Account, AnyRecord, Contact, Deal, Kind, Link, Record};
use crate::parse::ParsedFile;

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub deals: Vec<Arc<Deal>>,
    pub contacts: Vec<Arc<Contact>>,
    pub accounts: Vec<Arc<Account>>,
    /// Parse problems and broken links, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    lookups: Lookups,
}

/// Where each record is, by id, and by id, title or name ignoring case (for links).
#[derive(Debug, Clone, Default)]
struct Lookups {
    deals: HashMap<String, usize>,
    contacts: HashMap<String, usize>,
    accounts: HashMap<String, usize>,
    contact_names: HashMap<String, usize>,
    account_names: HashMap<String, usize>,
}

fn by_id<'a>(records: impl Iterator<Item = &'a Record>) -> HashMap<String, usize> {
    records
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect()
}

fn by_name<'a>(records: impl Iterator<Item = (&'a Record, &'a str)>) -> HashMap<String, usize> {
    let mut names = HashMap::default();
    for (i, (record, name)) in records.enumerate() {
        for key in [record.id.as_str(), name] {
            let key = key.trim().to_lowercase();
            // An id written in lower case is found by id already.
            if key != record.id {
                names.entry(key).or_insert(i);
            }
        }
    }
    names
}

impl Index {
    /// An index of these records. Their ids must be unique per kind (as `build` makes sure).
    pub fn new(
        deals: Vec<Arc<Deal>>,
        contacts: Vec<Arc<Contact>>,
        accounts: Vec<Arc<Account>>,
        diagnostics: Vec<Diagnostic>,
    ) -> Index {
        let lookups = Lookups {
            deals: by_id(deals.iter().map(|d| &d.record)),
            contacts: by_id(contacts.iter().map(|c| &c.record)),
            accounts: by_id(accounts.iter().map(|a| &a.record)),
            contact_names: by_name(contacts.iter().map(|c| (&c.record, c.name.as_str()))),
            account_names: by_name(accounts.iter().map(|a| (&a.record, a.name.as_str()))),
        };
        Index {
            deals,
            contacts,
            accounts,
            diagnostics,
            lookups,
        }
    }

    /// Builds the index from parsed files (keyed by path, so the order is stable).
    pub fn build(files: &BTreeMap<PathBuf, ParsedFile>) -> Index {
        let (mut deals, mut contacts, mut accounts) = (Vec::new(), Vec::new(), Vec::new());
        let mut diagnostics = Vec::new();
        let mut seen: HashMap<(Kind, &str), &PathBuf> = HashMap::default();
        for (path, parsed) in files {
            diagnostics.extend(parsed.diagnostics.iter().cloned());
            let Some(record) = &parsed.record else {
                continue;
            };
            let id = record.record().id.as_str();
            let kind = record.record().kind;
            if let Some(first) = seen.get(&(kind, id)) {
                diagnostics.push(Diagnostic::new(
                    path,
                    Pos::START,
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
            match record {
                AnyRecord::Deal(deal) => deals.push(Arc::clone(deal)),
                AnyRecord::Contact(contact) => contacts.push(Arc::clone(contact)),
                AnyRecord::Account(account) => accounts.push(Arc::clone(account)),
            }
        }
        let mut index = Index::new(deals, contacts, accounts, diagnostics);
        index.diagnostics.extend(index.broken_links());
        diagnostic::sort(&mut index.diagnostics);
        index
    }

    /// A warning for every link field that names no record.
    fn broken_links(&self) -> Vec<Diagnostic> {
        let mut broken = Vec::new();
        let mut check =
            |link: &Option<Link>, found: bool, record: &Record, field: &str, kind: &str| {
                if let (Some(link), false) = (link, found) {
                    broken.push(Diagnostic::new(
                        &record.path,
                        record.pos(field),
                        Code::BrokenLink,
                        format!(
                            "`{field}` points to \"{}\", but no {kind} has that id or name",
                            link.target
                        ),
                    ));
                }
            };
        for deal in &self.deals {
            let record = &deal.record;
            let account = self.account_for(&deal.account).is_some();
            check(&deal.account, account, record, "account", "account");
            for (field, link) in [
                ("decision_maker", &deal.decision_maker),
                ("champion", &deal.champion),
            ] {
                let found = self.contact_for(link).is_some();
                check(link, found, record, field, "contact");
            }
        }
        for contact in &self.contacts {
            let found = self.account_for(&contact.account).is_some();
            check(
                &contact.account,
                found,
                &contact.record,
                "account",
                "account",
            );
        }
        broken
    }

    pub fn deal(&self, id: &str) -> Option<&Deal> {
        self.deals.get(*self.lookups.deals.get(id)?).map(|d| &**d)
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts
            .get(*self.lookups.contacts.get(id)?)
            .map(|c| &**c)
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts
            .get(*self.lookups.accounts.get(id)?)
            .map(|a| &**a)
    }

    /// The account a link names: by id, else by id ignoring case, else by name ignoring case.
    pub fn account_for(&self, link: &Option<Link>) -> Option<&Account> {
        let target = &link.as_ref()?.target;
        self.account(target).or_else(|| {
            let lower = target.trim().to_lowercase();
            self.account(&lower).or_else(|| {
                let i = self.lookups.account_names.get(&lower)?;
                Some(&*self.accounts[*i])
            })
        })
    }

    /// The contact a link names: by id, else by id ignoring case, else by name ignoring case.
    pub fn contact_for(&self, link: &Option<Link>) -> Option<&Contact> {
        let target = &link.as_ref()?.target;
        self.contact(target).or_else(|| {
            let lower = target.trim().to_lowercase();
            self.contact(&lower).or_else(|| {
                let i = self.lookups.contact_names.get(&lower)?;
                Some(&*self.contacts[*i])
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;
    use crate::parse::parse_file;
    use std::path::Path;

    fn accounts(files: &[(&str, &str)]) -> Index {
        let accounts = files
            .iter()
            .filter_map(|(path, text)| {
                let parsed = parse_file(
                    Path::new(path),
                    text.as_bytes(),
                    Some(Kind::Account),
                    &Config::default(),
                );
                match parsed.record? {
                    AnyRecord::Account(account) => Some(account),
                    _ => None,
                }
            })
            .collect();
        Index::new(Vec::new(), Vec::new(), accounts, Vec::new())
    }

    fn found(index: &Index, raw: &str) -> Option<String> {
        let link = Some(Link::parse(raw));
        index.account_for(&link).map(|a| a.record.id.clone())
    }

    #[test]
    fn links_find_by_id_then_id_or_name_ignoring_case() {
        let index = accounts(&[
            ("accounts/acme.md", "---\nname: Acme Corp\n---\n"),
            ("accounts/globex.md", "---\nname: ACME\n---\n"),
            ("accounts/Initech.md", "---\nname: Initech LLC\n---\n"),
        ]);
        assert_eq!(found(&index, "acme").as_deref(), Some("acme"));
        assert_eq!(found(&index, "[[Acme Corp]]").as_deref(), Some("acme"));
        assert_eq!(found(&index, "acme corp").as_deref(), Some("acme"));
        assert_eq!(found(&index, "Initech").as_deref(), Some("Initech"));
        assert_eq!(found(&index, "initech").as_deref(), Some("Initech"));
        assert_eq!(found(&index, "initech llc").as_deref(), Some("Initech"));
        // An id, in any case, wins over another record's name.
        assert_eq!(found(&index, "Acme").as_deref(), Some("acme"));
        assert_eq!(found(&index, "globex").as_deref(), Some("globex"));
        assert_eq!(found(&index, "nobody"), None);
    }
}
