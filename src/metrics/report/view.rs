//! The parts of a report: each deal as the reports see it, shared by every section it
//! appears in, and the totals.

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::ReportOptions;
use crate::history::{events, DealHistory, History, Trend};
use crate::metrics::last_activity;
use crate::metrics::money::{base_amount, Num};
use crate::metrics::rules::{self, Flag};
use crate::model::{Config, Deal, ForecastCategory, Index, LogEntry, Task};

#[derive(Debug, Clone, Serialize)]
pub struct DealView {
    pub id: String,
    pub title: String,
    pub path: String,
    pub stage: String,
    pub open: bool,
    pub won: bool,
    pub lost: bool,
    /// In the base currency; `None` without an amount or an exchange rate.
    pub amount: Option<Num>,
    /// As written, in the deal's own currency.
    pub original_amount: Option<Num>,
    pub currency: String,
    pub probability: Num,
    pub weighted: Option<Num>,
    pub forecast: ForecastCategory,
    pub close_date: Option<NaiveDate>,
    /// When a won or lost deal closed (see `metrics::closed_on`); `None` for an open one.
    pub closed_on: Option<NaiveDate>,
    /// Open and closing in the period, or closed in it.
    pub in_period: bool,
    pub created: Option<NaiveDate>,
    pub account: Option<String>,
    pub next_step: Option<String>,
    pub next_step_date: Option<NaiveDate>,
    pub decision_maker: Option<String>,
    pub dm_engaged: Option<bool>,
    pub roi_accepted: Option<bool>,
    pub champion: Option<String>,
    /// Why it was won (`win_reason`) or lost (`loss_reason`), for a closed deal.
    pub reason: Option<String>,
    pub last_activity: Option<NaiveDate>,
    pub days_since_activity: Option<i64>,
    /// From git history (`None` without it): times the close date moved later.
    pub push_count: Option<usize>,
    pub stage_regressions: Option<usize>,
    pub days_in_stage: Option<i64>,
    pub amount_change_since: Option<Num>,
    pub flags: Vec<Flag>,
    /// `tags`, `log`, `tasks`, `fields` (every front-matter field, the rep's own included) and
    /// `body`: shared with the index, not copied.
    #[serde(flatten)]
    pub written: Written,
}

/// A part of a report that is shared, not copied, by every section it appears in. How it
/// serializes is `render`'s business (`render::object`): for a template, an object that converts
/// only the fields the template reads; for JSON, the plain struct.
#[derive(Debug)]
pub struct Shared<T>(Arc<T>);

pub type SharedDeal = Shared<DealView>;

impl<T> Shared<T> {
    pub(super) fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// The shared value itself, for handing on without a copy.
    pub fn arc(&self) -> &Arc<T> {
        &self.0
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The deal's own words, serialized from the record itself.
#[derive(Debug, Clone)]
pub struct Written(Arc<Deal>);

impl Written {
    pub fn deal(&self) -> &Deal {
        &self.0
    }

    pub fn log(&self) -> &[LogEntry] {
        &self.0.record.body.log
    }

    pub fn tasks(&self) -> &[Task] {
        &self.0.record.body.tasks
    }
}

impl Serialize for Written {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let record = &self.0.record;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("tags", &record.tags)?;
        map.serialize_entry("log", &record.body.log)?;
        map.serialize_entry("tasks", &record.body.tasks)?;
        map.serialize_entry("fields", &record.fields)?;
        map.serialize_entry("body", &record.body.text)?;
        map.end()
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Totals {
    pub count: usize,
    pub amount: Num,
    pub weighted: Num,
}

impl Totals {
    pub fn add(&mut self, deal: &DealView) {
        self.count += 1;
        self.amount = self.amount + deal.amount.unwrap_or_default();
        self.weighted = self.weighted + deal.weighted.unwrap_or_default();
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StageTotals {
    pub stage: String,
    pub probability: Num,
    pub count: usize,
    pub amount: Num,
    pub weighted: Num,
}

/// A task with the record it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub record: String,
    pub title: String,
    pub path: String,
    #[serde(flatten)]
    pub task: Task,
}

/// Each deal's trend, by id.
fn trends(
    history: Option<&History>,
    config: &Config,
    options: &ReportOptions,
) -> HashMap<String, Trend> {
    let Some(history) = history else {
        return HashMap::default();
    };
    history
        .deals
        .iter()
        .map(|deal| (deal.id.clone(), trend(deal, config, options)))
        .collect()
}

/// What one deal's history says, as of the report's day and since its last review.
fn trend(deal: &DealHistory, config: &Config, options: &ReportOptions) -> Trend {
    let events = events::events(deal, config);
    events::trend(deal, &events, options.as_of, options.since)
}

fn name_of(index: &Index, link: &Option<crate::model::Link>, contact: bool) -> Option<String> {
    let name = if contact {
        index.contact_for(link).map(|c| c.name.clone())
    } else {
        index.account_for(link).map(|a| a.name.clone())
    };
    name.or_else(|| link.as_ref().map(|l| l.target.clone()))
}

/// The deal as the reports see it; `None` for a deal without a usable stage, which no number
/// can count (the reports list it as not counted).
pub fn deal_view(
    deal: &Arc<Deal>,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    trend: Option<&Trend>,
) -> Option<DealView> {
    let stage = deal.stage_in(config)?;
    let amount = base_amount(deal, config);
    let probability = deal.probability_in(config)?;
    let last = last_activity(deal);
    let open = stage.is_open();
    let closed_on = crate::metrics::closed_on(deal, config, options.as_of);
    let mut flags = if open {
        rules::flags(deal, config, options.as_of)
    } else {
        Vec::new()
    };
    if open && trend.is_some_and(|t| t.push_count > 0) {
        flags.push(Flag::Pushed);
    }
    Some(DealView {
        id: deal.record.id.clone(),
        title: deal.title.clone(),
        path: deal.record.path_text(),
        stage: stage.id.clone(),
        open,
        won: stage.won,
        lost: stage.lost,
        amount: amount.map(Num),
        original_amount: deal.amount.map(Num),
        currency: deal.currency.clone(),
        probability: Num(probability),
        weighted: amount.map(|a| Num(a * probability / 100.0)),
        forecast: deal.forecast_in(config)?,
        close_date: deal.close_date,
        closed_on,
        in_period: if open { deal.close_date } else { closed_on }
            .is_some_and(|d| options.period.contains(d)),
        created: deal.created,
        account: name_of(index, &deal.account, false),
        next_step: deal.next_step.clone(),
        next_step_date: deal.next_step_date,
        decision_maker: name_of(index, &deal.decision_maker, true),
        dm_engaged: deal.dm_engaged,
        roi_accepted: deal.roi_accepted,
        champion: name_of(index, &deal.champion, true),
        reason: if stage.won {
            deal.win_reason.clone()
        } else if stage.lost {
            deal.loss_reason.clone()
        } else {
            None
        },
        last_activity: last,
        days_since_activity: last.map(|d| (options.as_of - d).num_days()),
        push_count: trend.map(|t| t.push_count),
        stage_regressions: trend.map(|t| t.stage_regressions),
        days_in_stage: trend.and_then(|t| t.days_in_stage),
        amount_change_since: trend.and_then(|t| t.amount_change_since).map(Num),
        flags,
        written: Written(Arc::clone(deal)),
    })
}

/// Every deal as the reports see it, by close date then id.
pub fn deal_views(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> Vec<SharedDeal> {
    let trends = trends(history, config, options);
    let mut deals: Vec<&Arc<Deal>> = index.deals.iter().collect();
    // By close date (undated last), then id.
    deals.sort_by_key(|d| (d.close_date.is_none(), d.close_date, &d.record.id));
    deals
        .into_par_iter()
        .filter_map(|deal| {
            let view = deal_view(deal, index, config, options, trends.get(&deal.record.id))?;
            Some(Shared::new(view))
        })
        .collect()
}

/// These deals as the reports see them, in the order given: the same view `deal_views` builds
/// for every deal, for a few. A deal without a usable stage is left out, as there.
pub fn views_of(
    deals: &[&Arc<Deal>],
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> Vec<DealView> {
    deals
        .iter()
        .filter_map(|deal| {
            let trend = history
                .and_then(|h| h.deal(&deal.record.id))
                .map(|h| trend(h, config, options));
            deal_view(deal, index, config, options, trend.as_ref())
        })
        .collect()
}
