//! Pure functions of the model: per-deal facts, hygiene, and (for reports) the numbers.

pub mod money;
pub mod report;
pub mod rules;
pub mod show;
pub mod waterfall;
pub mod whatif;

use chrono::NaiveDate;

use crate::model::{Config, Deal, LogEntry};

/// When a won or lost deal closed: its close date, but never after `as_of` (a deal cannot have
/// closed in the future). `None` for an open deal, or a closed one with no close date. The one
/// rule closed won, conversion and the prep sheet's won and lost lists share.
pub fn closed_on(deal: &Deal, config: &Config, as_of: NaiveDate) -> Option<NaiveDate> {
    if !deal.is_closed(config) {
        return None;
    }
    deal.close_date.map(|date| date.min(as_of))
}

/// No activity for more than `stale_after_days` (or none logged at all): the one rule `check`
/// and the reports share.
pub fn is_stale(deal: &Deal, config: &Config, today: NaiveDate) -> bool {
    last_activity(deal).is_none_or(|last| (today - last).num_days() > config.stale_after_days)
}

/// The newest log entry, activity note or `last_activity:` date, else the day the deal was
/// created.
pub fn last_activity(deal: &Deal) -> Option<NaiveDate> {
    let noted = deal.activities.first().map(|a| a.date);
    deal.record
        .body
        .last_activity()
        .max(deal.last_activity)
        .max(noted)
        .or(deal.created)
}

/// The deal's log entries and the activity notes that link it (each as an entry: its title and
/// first line), newest first.
pub fn activity_log(deal: &Deal) -> Vec<LogEntry> {
    let notes = deal.activities.iter().map(|a| LogEntry {
        date: a.date,
        text: match a.first_line.as_str() {
            "" => a.title.clone(),
            line => format!("{}: {line}", a.title),
        },
        line: 0,
        private: false,
        note: Some(a.path.clone()),
    });
    let mut log: Vec<LogEntry> = deal.record.body.log.iter().cloned().chain(notes).collect();
    log.sort_by(|a, b| b.date.cmp(&a.date).then(a.line.cmp(&b.line)));
    log
}
