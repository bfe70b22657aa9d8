//! Pure functions of the model: per-deal facts, hygiene, and (for reports) the numbers.

pub mod flags;
pub mod hygiene;
pub mod money;
pub mod report;
pub mod waterfall;
pub mod whatif;

use chrono::NaiveDate;

use crate::model::{Config, Deal, ForecastCategory, Stage};

/// The deal's stage from the config. Every indexed deal has a valid one.
pub fn stage<'a>(deal: &Deal, config: &'a Config) -> &'a Stage {
    config
        .stages
        .iter()
        .find(|s| s.id == deal.stage)
        .unwrap_or(&config.stages[0])
}

pub fn is_open(deal: &Deal, config: &Config) -> bool {
    stage(deal, config).is_open()
}

/// The deal's own probability, else its stage's.
pub fn probability(deal: &Deal, config: &Config) -> f64 {
    deal.probability
        .unwrap_or_else(|| stage(deal, config).probability)
}

/// The deal's own forecast category, else its stage's.
pub fn forecast(deal: &Deal, config: &Config) -> ForecastCategory {
    deal.forecast
        .unwrap_or_else(|| stage(deal, config).forecast)
}

/// No activity for more than `stale_after_days` (or none logged at all): the one rule `check`
/// and the reports share.
pub fn is_stale(deal: &Deal, config: &Config, today: NaiveDate) -> bool {
    last_activity(deal).is_none_or(|last| (today - last).num_days() > config.stale_after_days)
}

/// The newest log entry, else the day the deal was created.
pub fn last_activity(deal: &Deal) -> Option<NaiveDate> {
    deal.record.body.last_activity().or(deal.created)
}
