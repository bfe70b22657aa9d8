//! The book the server shows: the vault as last read, its history, and what went wrong
//! reading the config, kept up to date as files change.

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
}

impl Book {
    /// Reads the vault at `root` (canonical, as file events name real paths) whole: the record
    /// pages show bodies.
    pub fn load(root: &std::path::Path, today: Today) -> Result<Book, Vec<Diagnostic>> {
        let vault = Vault::load_detail(root, Detail::All)?;
        let mut cache = history::Cache::default();
        let history = cache.read(&vault, today(), &mut |_, _| {});
        Ok(Book {
            vault,
            history,
            cache,
            config_problems: Vec::new(),
            today,
        })
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    /// What the pages report for: the current quarter, since the last review.
    pub fn options(&self) -> ReportOptions {
        ReportOptions::current(&self.vault.config, self.today(), &self.history)
    }

    /// Brings the book up to date with `changes`; returns whether pages should refresh.
    pub fn apply(&mut self, changes: &Changes) -> bool {
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
            Applied::Records(_) | Applied::Templates => {}
        }
        self.history = self.cache.read(&self.vault, self.today(), &mut |_, _| {});
        true
    }
}
