//! Redaction for the manager (seed 000), done once on the index so that no later stage, and
//! no template, can leak what it never receives.

use std::borrow::Cow;
use std::sync::Arc;

use crate::model::{Audience, Config, Record};
use crate::vault::Index;

/// The index as `audience` may see it. For the manager: no private record (so not in any
/// total), no `## Private` section, log entry or task, and no private field.
pub fn for_audience<'a>(index: &'a Index, config: &Config, audience: Audience) -> Cow<'a, Index> {
    if audience == Audience::Me {
        return Cow::Borrowed(index);
    }
    let hidden = |field: &str| config.private_fields.iter().any(|f| f == field);
    fn public<T: Clone>(records: &[T], record: impl Fn(&T) -> &Record) -> Vec<T> {
        records
            .iter()
            .filter(|r| !record(r).private)
            .cloned()
            .collect()
    }
    let mut redacted = Index::new(
        public(&index.deals, |d| &d.record),
        public(&index.contacts, |c| &c.record),
        public(&index.accounts, |a| &a.record),
        Vec::new(),
    );
    // A deal's typed fields are read from its fields as written, so those tell for both.
    for deal in redacted
        .deals
        .iter_mut()
        .filter(|d| has_private(&d.record, config))
    {
        let deal = Arc::make_mut(deal);
        redact_record(&mut deal.record, config);
        for field in &config.private_fields {
            match field.as_str() {
                "account" => deal.account = None,
                "amount" => deal.amount = None,
                "probability" => deal.probability = None,
                "forecast" => deal.forecast = None,
                "close_date" => deal.close_date = None,
                "next_step" => deal.next_step = None,
                "next_step_date" => deal.next_step_date = None,
                "decision_maker" => deal.decision_maker = None,
                "dm_engaged" => deal.dm_engaged = None,
                "roi_accepted" => deal.roi_accepted = None,
                "champion" => deal.champion = None,
                "created" => deal.created = None,
                "title" => deal.title = deal.record.id.clone(),
                _ => {}
            }
        }
    }
    let any_hidden = |fields: &[&str]| fields.iter().any(|f| hidden(f));
    let contacts_hidden =
        any_hidden(&["account", "role", "email", "phone", "last_contact", "name"]);
    let contacts = redacted.contacts.iter_mut();
    for contact in contacts.filter(|c| contacts_hidden || has_private(&c.record, config)) {
        let contact = Arc::make_mut(contact);
        redact_record(&mut contact.record, config);
        if hidden("account") {
            contact.account = None;
        }
        if hidden("role") {
            contact.role = None;
        }
        if hidden("email") {
            contact.email = None;
        }
        if hidden("phone") {
            contact.phone = None;
        }
        if hidden("last_contact") {
            contact.last_contact = None;
        }
        if hidden("name") {
            contact.name = contact.record.id.clone();
        }
    }
    let accounts_hidden = any_hidden(&["industry", "website", "name"]);
    let accounts = redacted.accounts.iter_mut();
    for account in accounts.filter(|a| accounts_hidden || has_private(&a.record, config)) {
        let account = Arc::make_mut(account);
        redact_record(&mut account.record, config);
        if hidden("industry") {
            account.industry = None;
        }
        if hidden("website") {
            account.website = None;
        }
        if hidden("name") {
            account.name = account.record.id.clone();
        }
    }
    Cow::Owned(redacted)
}

/// Whether `record` has anything to hide besides its kind's typed fields. Records without are
/// shared with the rep's index rather than copied: most are, and a big vault has thousands.
fn has_private(record: &Record, config: &Config) -> bool {
    !record.body.private_sections.is_empty()
        || config.private_fields.iter().any(|field| {
            record.fields.contains_key(field) || field == "tags" && !record.tags.is_empty()
        })
}

fn redact_record(record: &mut Record, config: &Config) {
    for field in &config.private_fields {
        record.fields.remove(field);
    }
    if config.private_fields.iter().any(|f| f == "tags") {
        record.tags.clear();
    }
    let body = &mut record.body;
    body.text = body.public_text();
    body.private_sections.clear();
    body.log.retain(|entry| !entry.private);
    body.tasks.retain(|task| !task.private);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnyRecord, Kind};
    use crate::parse::parse_file;
    use std::path::Path;

    fn index(config: &Config) -> Index {
        let read = |path: &str, kind, text: &str| {
            parse_file(Path::new(path), text.as_bytes(), Some(kind), config).record
        };
        let (mut deals, mut contacts) = (Vec::new(), Vec::new());
        for record in [
            read(
                "deals/plain.md",
                Kind::Deal,
                "---\nstage: demo\n---\nNotes.\n",
            ),
            read(
                "deals/secret.md",
                Kind::Deal,
                "---\nstage: demo\n---\nNotes.\n\n## Private\nMy hunch.\n",
            ),
            read(
                "deals/noted.md",
                Kind::Deal,
                "---\nstage: demo\npersonal_notes: golf\n---\n",
            ),
            read(
                "contacts/jane.md",
                Kind::Contact,
                "---\nname: Jane\nemail: jane@acme.example\n---\n",
            ),
        ] {
            match record {
                Some(AnyRecord::Deal(d)) => deals.push(d),
                Some(AnyRecord::Contact(c)) => contacts.push(c),
                other => panic!("{other:?}"),
            }
        }
        Index::new(deals, contacts, Vec::new(), Vec::new())
    }

    #[test]
    fn only_records_with_something_to_hide_are_copied() {
        let config = Config {
            private_fields: vec!["personal_notes".into()],
            ..Config::default()
        };
        let mine = index(&config);
        let theirs = for_audience(&mine, &config, Audience::Manager);
        let shared = |i: usize| Arc::ptr_eq(&mine.deals[i], &theirs.deals[i]);
        assert_eq!([0, 1, 2].map(shared), [true, false, false]);
        assert!(Arc::ptr_eq(&mine.contacts[0], &theirs.contacts[0]));
        assert!(!theirs.deals[1].record.body.text.contains("hunch"));
        assert!(!theirs.deals[2].record.fields.contains_key("personal_notes"));

        let config = Config {
            private_fields: vec!["email".into()],
            ..Config::default()
        };
        let mine = index(&config);
        let theirs = for_audience(&mine, &config, Audience::Manager);
        assert_eq!(theirs.contacts[0].email, None);
        assert_eq!(mine.contacts[0].email.as_deref(), Some("jane@acme.example"));
    }
}
