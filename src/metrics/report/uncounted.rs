//! What a report could not count, and why: a number a manager acts on is exact, or the report
//! says what it left out.

use std::path::Path;

use serde::Serialize;

use super::ReportOptions;
use crate::diagnostic::{Code, Diagnostic};
use crate::metrics::money::{base_amount, has_rate, Num};
use crate::model::{Config, Deal, Index, Value};

/// Why a deal or a file is missing from some of a report's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The file could not be read at all (bad YAML, not UTF-8, …): it is in no number.
    Unreadable,
    /// A second record with an id already taken: it is in no number.
    DuplicateId,
    /// No stage the config knows: in no number.
    NoStage,
    /// No usable amount: counted as a deal, in no amount.
    NoAmount,
    /// No usable close date: in no period's numbers.
    NoCloseDate,
    /// A currency with no exchange rate: in no amount.
    NoRate,
}

/// One deal (or file) and one reason it is not counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncounted {
    /// Relative to the vault root, with `/` separators.
    pub path: String,
    /// Where the problem is in the file (1 when it is the file as a whole).
    pub line: usize,
    /// The deal's id and title; none for a file that could not be read.
    pub id: Option<String>,
    pub title: Option<String>,
    pub reason: Reason,
    /// What is wrong, in plain words.
    pub detail: String,
    /// The deal's `amount:` as written, if it has one.
    pub amount_written: Option<String>,
}

/// Everything a report could not count.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NotCounted {
    pub items: Vec<Uncounted>,
    /// The amounts of those deals that could be read (in the base currency): what the totals
    /// leave out, at least.
    pub total: Num,
    /// Files that could not be read and are not named (the manager's copy names none: one of
    /// them may be private).
    pub unnamed_files: usize,
}

impl NotCounted {
    /// What either of two reports on one book left out (a what-if's baseline and its
    /// scenario): each item once, and the total both are short by at least.
    pub fn either(&self, other: &NotCounted) -> NotCounted {
        let mut items = self.items.clone();
        items.extend(
            other
                .items
                .iter()
                .filter(|item| !self.items.contains(item))
                .cloned(),
        );
        NotCounted {
            items,
            total: Num(self.total.0.min(other.total.0)),
            unnamed_files: self.unnamed_files.max(other.unnamed_files),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.unnamed_files == 0
    }
}

/// Whether a deal's numbers matter to the report: open, or closed in the period (or with no
/// date to tell).
fn counts_now(deal: &Deal, config: &Config, options: &ReportOptions) -> bool {
    deal.is_open(config)
        || (deal.is_closed(config)
            && crate::metrics::closed_on(deal, config, options.as_of)
                .is_none_or(|d| options.period.contains(d)))
}

fn written(deal: &Deal, field: &str) -> Option<String> {
    match deal.record.fields.get(field)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// The first error `check` has for `path` with one of `codes`: its line and words.
fn problem<'a>(index: &'a Index, path: &Path, codes: &[Code]) -> Option<&'a Diagnostic> {
    index
        .diagnostics
        .iter()
        .find(|d| d.path == path && codes.contains(&d.code))
}

pub fn not_counted(index: &Index, config: &Config, options: &ReportOptions) -> NotCounted {
    let mut items = Vec::new();
    let mut total = Num(0.0);
    for deal in index.deals.iter() {
        let found = deal_not_counted(deal, index, config, options);
        if !found.is_empty() {
            total = total + Num(base_amount(deal, config).unwrap_or(0.0));
        }
        items.extend(found);
    }
    // Files with an error and no record in the index: unreadable, or a duplicate id.
    let mut named = 0;
    let mut seen: Vec<&Path> = Vec::new();
    // Every record's path, gathered once and only when there is an error to look up: a scan
    // of the records for each error made a report of a large vault with many errors slow.
    let mut records: Option<std::collections::HashSet<&Path>> = None;
    for diagnostic in index.diagnostics.iter().filter(|d| d.is_error()) {
        let records =
            records.get_or_insert_with(|| index.records().map(|r| r.path.as_path()).collect());
        if seen.contains(&diagnostic.path.as_path()) || records.contains(diagnostic.path.as_path())
        {
            continue;
        }
        seen.push(&diagnostic.path);
        let reason = if diagnostic.code == Code::DuplicateId {
            Reason::DuplicateId
        } else {
            Reason::Unreadable
        };
        named += usize::from(reason == Reason::Unreadable);
        items.push(Uncounted {
            path: diagnostic.path.to_string_lossy().replace('\\', "/"),
            line: diagnostic.line,
            id: None,
            title: None,
            reason,
            detail: diagnostic.message.clone(),
            amount_written: None,
        });
    }
    NotCounted {
        items,
        total,
        unnamed_files: index.unreadable.saturating_sub(named),
    }
}

/// Why `deal` is left out of the numbers of the report `options` describe: one item a reason,
/// none when it is counted.
pub fn deal_not_counted(
    deal: &Deal,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
) -> Vec<Uncounted> {
    let mut items = Vec::new();
    let record = &deal.record;
    let mut add = |reason: Reason, line: usize, detail: String| {
        items.push(Uncounted {
            path: record.path_text(),
            line,
            id: Some(record.id.clone()),
            title: Some(deal.title.clone()),
            reason,
            detail,
            amount_written: written(deal, "amount"),
        });
    };
    if deal.stage.is_none() {
        let said = problem(
            index,
            &record.path,
            &[Code::UnknownStage, Code::MissingStage],
        );
        add(
            Reason::NoStage,
            said.map_or(record.pos("stage").line, |d| d.line),
            said.map_or("no stage".into(), |d| d.message.clone()),
        );
    } else if counts_now(deal, config, options) {
        // A bad amount is always left out; a missing one only where the period's numbers
        // need it (a deal not yet sized, closing later, is no gap in them).
        let bad = written(deal, "amount").is_some();
        let in_period = deal.close_date.is_some_and(|d| options.period.contains(d));
        if deal.amount.is_none() && (bad || in_period) {
            let said = problem(index, &record.path, &[Code::WrongType, Code::OutOfRange])
                .filter(|d| d.line == record.pos("amount").line);
            add(
                Reason::NoAmount,
                record.pos("amount").line,
                said.map_or("no amount".into(), |d| d.message.clone()),
            );
        }
        // Without a close date, an amount is in no period (a deal with neither leaves
        // nothing out).
        if deal.close_date.is_none() && (deal.amount.is_some() || bad) {
            let detail = if deal.is_open(config) {
                "no close date, so it is in no period's forecast"
            } else {
                "closed with no close date, so it counts in no period"
            };
            add(
                Reason::NoCloseDate,
                record.pos("close_date").line,
                detail.into(),
            );
        }
        if !has_rate(deal, config) {
            add(
                Reason::NoRate,
                record.pos("currency").line,
                format!("no exchange rate for {} in `fx:`", deal.currency),
            );
        }
    }
    items
}

/// What the manager's copy of a report leaves out, for the rep's own copy: so the rep knows
/// what the manager will not see before showing it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ManagerCopy {
    /// Private deals that count in this report (open, or closed in the period): in none of
    /// the manager's numbers.
    pub private_deals: usize,
    /// Their amounts, in the base currency.
    pub private_amount: Num,
    /// Records the manager sees without their `## Private` sections (and the log entries and
    /// tasks in them).
    pub records_with_private_sections: usize,
    /// Deals' field values the manager's copy leaves out (`private_fields`, links to private
    /// records). Contacts' and accounts' own fields are in no report (the reports read them
    /// with `Detail::Reports`, which drops them), so they are not counted: the figure is the
    /// same whether the vault was read for the reports or whole (`serve`).
    pub private_fields: usize,
}

impl ManagerCopy {
    pub fn is_empty(&self) -> bool {
        *self == ManagerCopy::default()
    }
}

/// How the manager's copy (`theirs`) differs from the rep's (`mine`).
pub fn manager_copy(
    mine: &Index,
    theirs: &Index,
    config: &Config,
    options: &ReportOptions,
) -> ManagerCopy {
    let mut copy = ManagerCopy::default();
    for deal in &mine.deals {
        let Some(seen) = theirs.deal(&deal.record.id) else {
            if counts_now(deal, config, options) {
                copy.private_deals += 1;
                copy.private_amount =
                    copy.private_amount + Num(base_amount(deal, config).unwrap_or(0.0));
            }
            continue;
        };
        private_sections(&deal.record, &mut copy);
        copy.private_fields += deal
            .record
            .fields
            .names()
            .filter(|n| !seen.record.fields.contains_key(n))
            .count();
    }
    for contact in &mine.contacts {
        if theirs.contact(&contact.record.id).is_some() {
            private_sections(&contact.record, &mut copy);
        }
    }
    for account in &mine.accounts {
        if theirs.account(&account.record.id).is_some() {
            private_sections(&account.record, &mut copy);
        }
    }
    copy
}

fn private_sections(mine: &crate::model::Record, copy: &mut ManagerCopy) {
    let body = &mine.body;
    let private_body = !body.private_sections.is_empty()
        || body.log.iter().any(|e| e.private)
        || body.tasks.iter().any(|t| t.private);
    copy.records_with_private_sections += usize::from(private_body);
}
