//! The in-memory index: every record by kind, lookups by id and name, problems collected. Pure
//! data: the vault builds it from the files it read. Records are shared (`Arc`) with the parsed
//! files they came from, so building an index, or rebuilding it after a change in watch mode,
//! copies no record.

use std::path::Path;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::{Account, Activity, AnyRecord, Contact, Deal, Kind, Link, Record};
use crate::diagnostic::{self, Code, Diagnostic, Pos};

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub deals: Vec<Arc<Deal>>,
    pub contacts: Vec<Arc<Contact>>,
    pub accounts: Vec<Arc<Account>>,
    /// Parse problems and broken links, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files in the record folders could not be read at all (their problems are
    /// among `diagnostics` only in the rep's index).
    pub unreadable: usize,
    deals_by_id: HashMap<String, usize>,
    contacts_by_link: Lookup,
    accounts_by_link: Lookup,
}

/// Where each record of one kind is: by id, and by id or name ignoring case (for links).
#[derive(Debug, Clone, Default)]
struct Lookup {
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

fn by_id<'a>(records: impl Iterator<Item = &'a Record>) -> HashMap<String, usize> {
    records
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect()
}

impl Lookup {
    fn new<'a>(records: impl Iterator<Item = (&'a Record, &'a str)> + Clone) -> Lookup {
        let mut by_name = HashMap::default();
        for (i, (record, name)) in records.clone().enumerate() {
            for key in [record.id.as_str(), name] {
                let key = key.trim().to_lowercase();
                // An id written in lower case is found by id already.
                if key != record.id {
                    by_name.entry(key).or_insert(i);
                }
            }
        }
        Lookup {
            by_id: by_id(records.map(|(record, _)| record)),
            by_name,
        }
    }

    /// The position of the record `target` names: by id, else by id ignoring case, else by
    /// name ignoring case.
    fn find(&self, target: &str) -> Option<usize> {
        self.by_id.get(target).copied().or_else(|| {
            let lower = target.trim().to_lowercase();
            let found = self.by_id.get(&lower).or_else(|| self.by_name.get(&lower));
            found.copied()
        })
    }
}

impl Index {
    /// An index of these records. Their ids must be unique per kind (as `build` makes sure).
    pub fn new(
        deals: Vec<Arc<Deal>>,
        contacts: Vec<Arc<Contact>>,
        accounts: Vec<Arc<Account>>,
        diagnostics: Vec<Diagnostic>,
    ) -> Index {
        Index {
            deals_by_id: by_id(deals.iter().map(|d| &d.record)),
            contacts_by_link: Lookup::new(contacts.iter().map(|c| (&c.record, c.name.as_str()))),
            accounts_by_link: Lookup::new(accounts.iter().map(|a| (&a.record, a.name.as_str()))),
            deals,
            contacts,
            accounts,
            diagnostics,
            unreadable: 0,
        }
    }

    /// The same index with only the deals `keep` keeps: contacts, accounts, problems and
    /// the count of unreadable files stay.
    pub fn with_deals(&self, keep: impl Fn(&Deal) -> bool) -> Index {
        let deals = self.deals.iter().filter(|d| keep(d)).cloned().collect();
        let mut index = Index::new(
            deals,
            self.contacts.clone(),
            self.accounts.clone(),
            self.diagnostics.clone(),
        );
        index.unreadable = self.unreadable;
        index
    }

    /// An index of `records` (in path order) with the problems found reading them: a second
    /// record of a kind with an id already taken is a `duplicate_id` error (on both files; the
    /// index keeps the first), links to `hidden`
    /// records (ones this reader may not see) are taken out, and links that name no record are
    /// `broken_link` warnings.
    pub fn assemble(
        records: Vec<(&Path, &AnyRecord)>,
        hidden: &[&AnyRecord],
        mut diagnostics: Vec<Diagnostic>,
        unreadable: usize,
    ) -> Index {
        let (mut deals, mut contacts, mut accounts) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen: HashMap<(Kind, &str), &Path> = HashMap::default();
        for (path, record) in records {
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
                // The first file is as much at fault: the rep may rename either.
                diagnostics.push(Diagnostic::new(
                    *first,
                    Pos::START,
                    Code::DuplicateId,
                    format!(
                        "the {} id `{id}` is also used by {}; rename one of the files",
                        kind.as_str(),
                        path.display()
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
        index.unreadable = unreadable;
        if !hidden.is_empty() {
            index.unlink_hidden(hidden);
        }
        index.diagnostics.extend(index.broken_links());
        diagnostic::sort(&mut index.diagnostics);
        index
    }

    /// Takes out of the manager's records every link to a record hidden from the manager, so a
    /// public deal does not name its private decision maker.
    fn unlink_hidden(&mut self, hidden: &[&AnyRecord]) {
        let lookup = |kind: Kind| {
            Lookup::new(hidden.iter().filter_map(move |r| match r {
                AnyRecord::Contact(c) if kind == Kind::Contact => {
                    Some((&c.record, c.name.as_str()))
                }
                AnyRecord::Account(a) if kind == Kind::Account => {
                    Some((&a.record, a.name.as_str()))
                }
                _ => None,
            }))
        };
        let hidden_contacts = lookup(Kind::Contact);
        let hidden_accounts = lookup(Kind::Account);
        let names_hidden = |link: &Option<Link>, hidden: &Lookup, visible: &Lookup| {
            link.as_ref().is_some_and(|link| {
                hidden.find(&link.target).is_some() && visible.find(&link.target).is_none()
            })
        };
        let unlink = |record: AnyRecord, fields: &[&str]| {
            fields
                .iter()
                .fold(record, |record, field| record.without_link(field))
        };
        for deal in &mut self.deals {
            let fields: Vec<&str> = [
                (
                    "account",
                    &deal.account,
                    &hidden_accounts,
                    &self.accounts_by_link,
                ),
                (
                    "decision_maker",
                    &deal.decision_maker,
                    &hidden_contacts,
                    &self.contacts_by_link,
                ),
                (
                    "champion",
                    &deal.champion,
                    &hidden_contacts,
                    &self.contacts_by_link,
                ),
                (
                    "contact",
                    &deal.contact,
                    &hidden_contacts,
                    &self.contacts_by_link,
                ),
            ]
            .into_iter()
            .filter(|(_, link, hidden, visible)| names_hidden(link, hidden, visible))
            .map(|(field, ..)| field)
            .collect();
            if !fields.is_empty() {
                if let AnyRecord::Deal(d) = unlink(AnyRecord::Deal(Arc::clone(deal)), &fields) {
                    *deal = d;
                }
            }
        }
        for contact in &mut self.contacts {
            if names_hidden(&contact.account, &hidden_accounts, &self.accounts_by_link) {
                let unlinked = unlink(AnyRecord::Contact(Arc::clone(contact)), &["account"]);
                if let AnyRecord::Contact(c) = unlinked {
                    *contact = c;
                }
            }
        }
    }

    /// Gives each deal the activity notes that link it (by id, or by id or title ignoring
    /// case), newest first.
    pub fn attach(&mut self, activities: &[&Arc<Activity>]) {
        if activities.is_empty() {
            return;
        }
        let by_title: HashMap<String, usize> = self
            .deals
            .iter()
            .enumerate()
            .flat_map(|(i, d)| [(d.record.id.to_lowercase(), i), (d.title.to_lowercase(), i)])
            .collect();
        let mut found: Vec<Vec<Arc<Activity>>> = vec![Vec::new(); self.deals.len()];
        for activity in activities {
            let mut linked: Vec<usize> = activity
                .links
                .iter()
                .filter_map(|target| {
                    let target = target.trim();
                    self.deals_by_id
                        .get(target)
                        .or_else(|| by_title.get(&target.to_lowercase()))
                        .copied()
                })
                .collect();
            linked.sort_unstable();
            linked.dedup();
            for i in linked {
                found[i].push(Arc::clone(activity));
            }
        }
        for (deal, mut activities) in self.deals.iter_mut().zip(found) {
            if !activities.is_empty() {
                activities.sort_by(|a, b| b.date.cmp(&a.date).then(a.path.cmp(&b.path)));
                Arc::make_mut(deal).activities = activities;
            }
        }
    }

    /// A warning for every link field that names no record.
    fn broken_links(&self) -> Vec<Diagnostic> {
        let deals = self
            .deals
            .iter()
            .flat_map(|deal| self.deal_broken_links(deal));
        let contacts = self
            .contacts
            .iter()
            .flat_map(|contact| self.contact_broken_link(contact));
        deals.chain(contacts).collect()
    }

    /// A warning when a contact's `account` names no account.
    pub fn contact_broken_link(&self, contact: &Contact) -> Option<Diagnostic> {
        let found = self.account_for(&contact.account).is_some();
        broken_link(
            &contact.account,
            found,
            &contact.record,
            "account",
            "account",
        )
    }

    /// A warning for each of a deal's link fields that names no record.
    pub fn deal_broken_links(&self, deal: &Deal) -> Vec<Diagnostic> {
        let record = &deal.record;
        let account = self.account_for(&deal.account).is_some();
        let mut broken: Vec<Diagnostic> =
            broken_link(&deal.account, account, record, "account", "account")
                .into_iter()
                .collect();
        for (field, link) in [
            ("decision_maker", &deal.decision_maker),
            ("champion", &deal.champion),
            ("contact", &deal.contact),
        ] {
            let found = self.contact_for(link).is_some();
            broken.extend(broken_link(link, found, record, field, "contact"));
        }
        broken
    }

    /// The file of the record of `kind` with the id `id` in any case: links find ids in any
    /// case, so two ids that differ only in case would be one id to them.
    pub fn id_taken(&self, kind: Kind, id: &str) -> Option<&Path> {
        let wanted = id.to_lowercase();
        let same = |r: &&Record| r.id.to_lowercase() == wanted;
        let found = match kind {
            Kind::Deal => self.deals.iter().map(|d| &d.record).find(same),
            Kind::Contact => self.contacts.iter().map(|c| &c.record).find(same),
            Kind::Account => self.accounts.iter().map(|a| &a.record).find(same),
        };
        found.map(|r| r.path.as_path())
    }

    /// Every deal's, contact's and account's record, in that order.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        let deals = self.deals.iter().map(|d| &d.record);
        let contacts = self.contacts.iter().map(|c| &c.record);
        let accounts = self.accounts.iter().map(|a| &a.record);
        deals.chain(contacts).chain(accounts)
    }

    /// Puts `deal` in the place of the indexed deal with its id (which must be from the same
    /// file), with `diagnostics` (its file's problems and link warnings, sorted) in the place of
    /// that file's. The deal keeps the activity notes attached to the one it replaces; the
    /// caller makes sure they are the same. Returns whether there was such a deal.
    pub fn replace_deal(&mut self, deal: &Arc<Deal>, diagnostics: Vec<Diagnostic>) -> bool {
        let Some(&at) = self.deals_by_id.get(&deal.record.id) else {
            return false;
        };
        if self.deals[at].record.path != deal.record.path {
            return false;
        }
        let mut deal = Arc::clone(deal);
        if deal.activities != self.deals[at].activities {
            Arc::make_mut(&mut deal).activities = self.deals[at].activities.clone();
        }
        self.deals[at] = deal;
        self.replace_diagnostics(&self.deals[at].record.path.clone(), diagnostics);
        true
    }

    /// Puts `contact` in the place of the indexed contact with its id, from the same file and
    /// with the same name (so every link finds it as before), with `diagnostics` in the place
    /// of that file's. Returns whether there was such a contact.
    pub fn replace_contact(
        &mut self,
        contact: &Arc<Contact>,
        diagnostics: Vec<Diagnostic>,
    ) -> bool {
        let Some(&at) = self.contacts_by_link.by_id.get(&contact.record.id) else {
            return false;
        };
        let old = &self.contacts[at];
        if old.record.path != contact.record.path || old.name != contact.name {
            return false;
        }
        self.contacts[at] = Arc::clone(contact);
        self.replace_diagnostics(&contact.record.path, diagnostics);
        true
    }

    /// `replace_contact` for an account.
    pub fn replace_account(
        &mut self,
        account: &Arc<Account>,
        diagnostics: Vec<Diagnostic>,
    ) -> bool {
        let Some(&at) = self.accounts_by_link.by_id.get(&account.record.id) else {
            return false;
        };
        let old = &self.accounts[at];
        if old.record.path != account.record.path || old.name != account.name {
            return false;
        }
        self.accounts[at] = Arc::clone(account);
        self.replace_diagnostics(&account.record.path, diagnostics);
        true
    }

    /// `diagnostics` in the place of one file's.
    fn replace_diagnostics(&mut self, path: &Path, diagnostics: Vec<Diagnostic>) {
        let from = self
            .diagnostics
            .partition_point(|d| d.path.as_path() < path);
        let to = from + self.diagnostics[from..].partition_point(|d| d.path.as_path() == path);
        self.diagnostics.splice(from..to, diagnostics);
    }

    pub fn deal(&self, id: &str) -> Option<&Arc<Deal>> {
        Some(&self.deals[*self.deals_by_id.get(id)?])
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        Some(&self.contacts[*self.contacts_by_link.by_id.get(id)?])
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        Some(&self.accounts[*self.accounts_by_link.by_id.get(id)?])
    }

    /// The account a link names (see `Lookup::find`).
    pub fn account_for(&self, link: &Option<Link>) -> Option<&Account> {
        let i = self.accounts_by_link.find(&link.as_ref()?.target)?;
        Some(&self.accounts[i])
    }

    /// The contact a link names (see `Lookup::find`).
    pub fn contact_for(&self, link: &Option<Link>) -> Option<&Contact> {
        let i = self.contacts_by_link.find(&link.as_ref()?.target)?;
        Some(&self.contacts[i])
    }
}

/// A warning when `link` is written but `found` no record of `kind`.
fn broken_link(
    link: &Option<Link>,
    found: bool,
    record: &Record,
    field: &str,
    kind: &str,
) -> Option<Diagnostic> {
    let link = link.as_ref().filter(|_| !found)?;
    Some(Diagnostic::new(
        &record.path,
        record.pos(field),
        Code::BrokenLink,
        format!(
            "`{field}` points to \"{}\", but no {kind} has that id or name",
            link.target
        ),
    ))
}
