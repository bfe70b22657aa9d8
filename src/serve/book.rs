//! The book the server shows: the vault as last read, its history, and what went wrong
//! reading the config, kept up to date as files change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::history::{self, History, Unavailable};
use crate::metrics::report::ReportOptions;
use crate::parse::Detail;
use crate::vault::watch::{Applied, Changes};
use crate::vault::Vault;

/// What day it is for the reports: `--as-of`, or the clock's today, asked on every request.
pub type Today = Box<dyn Fn() -> NaiveDate + Send + Sync>;

pub struct Book {
    pub vault: Vault,
    pub history: Result<History, Unavailable>,
    cache: history::Cache,
    /// Why `dealbook.yaml` cannot be read now; the vault is then the last good one.
    pub config_problems: Vec<Diagnostic>,
    today: Today,
    /// Each record file's content hash (see `edits::content_hash`) by relative path, read when
    /// first asked for and forgotten when the file changes: the board shows a hash per card,
    /// and reading every open deal's file for each board was most of its time on a large vault.
    hashes: Mutex<HashMap<PathBuf, String>>,
}

impl Book {
    /// Reads the vault at `root` (canonical, as file events name real paths) whole: the record
    /// pages show bodies.
    pub fn load(root: &Path, today: Today) -> Result<Book, Vec<Diagnostic>> {
        let vault = Vault::load_detail(root, Detail::All)?;
        let mut cache = history::Cache::default();
        let history = cache.read(&vault, today(), &mut |_, _| {});
        Ok(Book {
            vault,
            history,
            cache,
            config_problems: Vec::new(),
            today,
            hashes: Mutex::new(HashMap::new()),
        })
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    /// What the pages report for: the current quarter, since the last review.
    pub fn options(&self) -> ReportOptions {
        ReportOptions::current(&self.vault.config, self.today(), self.history.as_ref().ok())
    }

    /// The content hash of the record file at `relative`, "" if it cannot be read.
    pub fn content_hash(&self, relative: &Path) -> String {
        let mut hashes = self.hashes.lock().unwrap_or_else(|e| e.into_inner());
        hashes
            .entry(relative.to_path_buf())
            .or_insert_with(|| {
                crate::vault::read_inside(&self.vault.root, relative, u64::MAX / 2)
                    .map(|bytes| super::edits::content_hash(&bytes))
                    .unwrap_or_default()
            })
            .clone()
    }

    /// Brings the book up to date with `changes`; returns whether pages should refresh.
    pub fn apply(&mut self, changes: &Changes) -> bool {
        if !changes.errors.is_empty() {
            // The watcher lost events: read the vault whole rather than show a stale book.
            let whole = Changes {
                config: true,
                ..Changes::default()
            };
            return self.apply(&whole);
        }
        // Whatever their reading now, these files' bytes may have changed (a folder: the
        // files under it).
        let hashes = self.hashes.get_mut().unwrap_or_else(|e| e.into_inner());
        if changes.config {
            hashes.clear();
        } else {
            hashes.retain(|path, _| !changes.records.iter().any(|c| path.starts_with(c)));
        }
        match changes.apply(&mut self.vault) {
            Applied::Nothing => return false,
            Applied::BadConfig(problems) => {
                self.config_problems = problems;
                return true;
            }
            Applied::Reloaded => {
                // The folders and field names history is read with may have changed.
                self.cache = history::Cache::default();
                self.config_problems.clear();
            }
            // A template changes no record: the history stands.
            Applied::Templates => return true,
            Applied::Records(_) => {}
        }
        self.history = self.cache.read(&self.vault, self.today(), &mut |_, _| {});
        true
    }
}
