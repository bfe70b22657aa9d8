//! What the manager may see of a record (seed 000), worked out once, when the file is read:
//! no private record, no `## Private` section (or the log entries and tasks in it), no private
//! field. Every report, listing, export and history of the manager's is built from these, so
//! no command filters on its own and no template can leak what it never receives.

use std::collections::BTreeMap;

use super::record::{build, Parts};
use crate::model::{AnyRecord, Body, Config};

/// A record as the manager's copy has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Shown {
    /// Private, or not a record the manager can be told about: left out.
    #[default]
    Hidden,
    /// Nothing to hide: the rep's own record, shared.
    Same,
    /// The record without its private parts.
    Redacted(AnyRecord),
}

impl Shown {
    /// The manager's version, given the rep's.
    pub fn of<'a>(&'a self, record: &'a AnyRecord) -> Option<&'a AnyRecord> {
        match self {
            Shown::Hidden => None,
            Shown::Same => Some(record),
            Shown::Redacted(redacted) => Some(redacted),
        }
    }
}

/// The manager's version of `record`.
pub fn for_manager(record: &AnyRecord, config: &Config) -> Shown {
    let whole = record.record();
    if whole.private {
        return Shown::Hidden;
    }
    let private_fields = whole
        .fields
        .names()
        .any(|name| config.is_private_field(name));
    if !private_fields && !has_private_body(&whole.body) {
        return Shown::Same;
    }
    let mut fields = whole.fields.clone();
    fields.retain(|name| !config.is_private_field(name));
    let parts = Parts {
        kind: whole.kind,
        id: whole.id.clone(),
        path: whole.path.clone(),
        fields,
        renamed: BTreeMap::new(),
        body: public_body(&whole.body),
    };
    // The typed fields are read again from what is left, so a hidden field is gone from both.
    match build(parts, config, &mut Vec::new()) {
        Some(redacted) => Shown::Redacted(redacted),
        None => Shown::Hidden,
    }
}

fn has_private_body(body: &Body) -> bool {
    !body.private_sections.is_empty()
        || body.log.iter().any(|entry| entry.private)
        || body.tasks.iter().any(|task| task.private)
}

fn public_body(body: &Body) -> Body {
    Body {
        text: body.public_text(),
        log: body.log.iter().filter(|e| !e.private).cloned().collect(),
        tasks: body.tasks.iter().filter(|t| !t.private).cloned().collect(),
        private_sections: Vec::new(),
        log_newest_first: body.log_newest_first,
    }
}
