//! What the last import of a CRM wrote, record by record, so the next one can tell the CRM's
//! changes from the rep's. Kept in the vault (`.dealbook/crm/NAME.json`), to version with it;
//! sorted, with no clock time, so it diffs cleanly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Per record (`deal:0065e00000AbCdE`): its file and the fields as last imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    records: BTreeMap<String, Synced>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Synced {
    path: String,
    fields: BTreeMap<String, String>,
}

/// Where the state of imports from `crm` is kept, relative to the vault root.
pub fn state_path(crm: &str) -> PathBuf {
    Path::new(".dealbook")
        .join("crm")
        .join(format!("{}.json", super::super::slug(crm)))
}

impl SyncState {
    /// The state in `text` (the file's contents); empty when there is none.
    pub fn parse(text: Option<&str>) -> Result<SyncState, String> {
        match text {
            None => Ok(SyncState::default()),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                format!("cannot read it ({e}); move it aside to start the sync afresh")
            }),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    pub(super) fn remember(&mut self, key: &str, path: &Path, fields: &[(String, String)]) {
        self.records.insert(
            key.to_string(),
            Synced {
                path: path.to_string_lossy().replace('\\', "/"),
                fields: fields.iter().cloned().collect(),
            },
        );
    }

    /// The fields last imported as `key`, whatever file they are in now.
    pub(super) fn fields(&self, key: &str) -> Option<BTreeMap<String, String>> {
        self.records.get(key).map(|r| r.fields.clone())
    }
}
