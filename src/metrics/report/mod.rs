//! The pipeline report and the one-on-one prep sheet as typed view models. Templates only lay
//! these out, and `--format json` is the same structs serialized.

mod pipeline;
mod prep;
mod uncounted;
mod view;

use chrono::{Duration, NaiveDate};

use crate::history::History;
use crate::model::{Config, Period};

pub use pipeline::{pipeline, Conversion, Pipeline};
pub use prep::{
    prep, Added, Changes, Commitments, DealSynopsis, HistoryView, Prep, Question, Review,
};
pub use uncounted::{
    deal_not_counted, manager_copy, not_counted, ManagerCopy, NotCounted, Reason, Uncounted,
};
pub use view::{
    deal_view, deal_views, views_of, DealView, Shared, SharedDeal, StageTotals, TaskView, Totals,
    Written,
};

/// What a report is computed for.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub as_of: NaiveDate,
    pub period: Period,
    /// The last review: what is "new" in the prep sheet is on or after this day.
    pub since: NaiveDate,
    /// The quota to measure against instead of the config's (`--quota`, for a scoped report).
    pub quota: Option<f64>,
}

impl ReportOptions {
    /// What `build`, `watch`, `serve` and the editor server report for: the fiscal quarter
    /// holding `today`, since the last review (the newest `review/` tag, else a week ago).
    pub fn current(config: &Config, today: NaiveDate, history: Option<&History>) -> ReportOptions {
        ReportOptions {
            as_of: today,
            period: Period::quarter_of(today, config.fiscal_year_start),
            since: last_review(history, today),
            quota: None,
        }
    }
}

/// The newest `review/` tag on or before `today`, else a week before it.
pub fn last_review(history: Option<&History>, today: NaiveDate) -> NaiveDate {
    history
        .and_then(|h| h.last_review(today))
        .unwrap_or(today - Duration::days(7))
}
