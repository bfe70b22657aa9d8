//! Pure functions of the model: per-deal facts, hygiene, and (for reports) the numbers.

pub mod money;
pub mod report;
pub mod rules;
pub mod waterfall;
pub mod whatif;

use chrono::NaiveDate;

use crate::model::{Config, Deal};

/// No activity for more than `stale_after_days` (or none logged at all): the one rule `check`
/// and the reports share.
pub fn is_stale(deal: &Deal, config: &Config, today: NaiveDate) -> bool {
    last_activity(deal).is_none_or(|last| (today - last).num_days() > config.stale_after_days)
}

/// The newest log entry, else the day the deal was created.
pub fn last_activity(deal: &Deal) -> Option<NaiveDate> {
    deal.record.body.last_activity().or(deal.created)
}
