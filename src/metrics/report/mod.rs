//! The pipeline report and the one-on-one prep sheet as typed view models. Templates only lay
//! these out, and `--format json` is the same structs serialized.

mod pipeline;
mod prep;
mod uncounted;
mod view;

use chrono::NaiveDate;

use crate::model::Period;

pub use pipeline::{pipeline, Conversion, Pipeline};
pub use prep::{
    prep, Added, Changes, Commitments, DealSynopsis, HistoryView, Prep, Question, Review,
};
pub use uncounted::{manager_copy, not_counted, ManagerCopy, NotCounted, Reason, Uncounted};
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
