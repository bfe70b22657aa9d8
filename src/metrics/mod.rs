//! Pure functions of the model: per-deal facts, hygiene, and (for reports) the numbers.

pub mod money;
pub mod report;
pub mod rules;
pub mod waterfall;
pub mod whatif;

use chrono::NaiveDate;

use crate::model::{Config, Deal};

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
