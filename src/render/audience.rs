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
    for deal in &mut redacted.deals {
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
    for contact in &mut redacted.contacts {
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
    for account in &mut redacted.accounts {
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
