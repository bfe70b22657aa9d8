//! The pipeline report and the one-on-one prep sheet as typed view models. Templates only lay
//! these out, and `--format json` is the same structs serialized.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::money::{base_amount, Num};
use super::waterfall::{waterfall, Waterfall};
use super::{flags, last_activity};
use crate::history::{events, Event, History, Trend};
use crate::model::Index;
use crate::model::{Config, Deal, ForecastCategory, LogEntry, Period, Task};

/// What a report is computed for.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub as_of: NaiveDate,
    pub period: Period,
    /// The last review: what is "new" in the prep sheet is on or after this day.
    pub since: NaiveDate,
}

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
    pub in_period: bool,
    pub created: Option<NaiveDate>,
    pub account: Option<String>,
    pub next_step: Option<String>,
    pub next_step_date: Option<NaiveDate>,
    pub decision_maker: Option<String>,
    pub dm_engaged: Option<bool>,
    pub roi_accepted: Option<bool>,
    pub champion: Option<String>,
    pub last_activity: Option<NaiveDate>,
    pub days_since_activity: Option<i64>,
    /// From git history (`None` without it): times the close date moved later.
    pub push_count: Option<usize>,
    pub stage_regressions: Option<usize>,
    pub days_in_stage: Option<i64>,
    pub amount_change_since: Option<Num>,
    pub flags: Vec<&'static str>,
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
    fn new(value: T) -> Shared<T> {
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
    fn add(&mut self, deal: &DealView) {
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

/// Win rate and cycle over the trailing four quarters.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub won_count: usize,
    pub lost_count: usize,
    /// won ÷ (won + lost), by count and by value, as ratios (0.5 is half).
    pub win_rate_count: Option<Num>,
    pub win_rate_value: Option<Num>,
    pub average_won: Option<Num>,
    pub median_cycle_days: Option<Num>,
    /// Gap to quota ÷ average won deal, rounded up.
    pub deals_needed: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pipeline {
    pub as_of: NaiveDate,
    pub period: Period,
    pub currency: String,
    pub owner: Option<String>,
    pub manager: Option<String>,
    pub quota: Option<Num>,
    pub closed_won: Num,
    pub commit: Num,
    pub best_case: Num,
    pub pipeline: Num,
    pub gap_to_quota: Option<Num>,
    /// Open pipeline closing in the period ÷ gap to quota.
    pub coverage: Option<Num>,
    pub open: Totals,
    pub by_stage: Vec<StageTotals>,
    /// Every open deal, by close date then id.
    pub deals: Vec<SharedDeal>,
    pub conversion: Conversion,
    /// Deals (open, or closed in the period) left out of the totals: their currency has no rate.
    pub excluded: Vec<String>,
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

/// A deal in the "needs help" and "asks" sections, with its log since the last review.
#[derive(Debug, Clone, Serialize)]
pub struct DealSynopsis {
    pub deal: SharedDeal,
    /// The at-risk flags, in plain words.
    pub reasons: Vec<&'static str>,
    pub log_since: Vec<LogEntry>,
    /// The open `@manager` tasks on this deal.
    pub asks: Vec<Task>,
}

/// Seed 002's questions for one open deal; `gaps` lists the unanswered ones.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub deal: SharedDeal,
    pub decision_maker_engaged: Option<bool>,
    pub roi_accepted: Option<bool>,
    pub next_step: Option<String>,
    pub next_step_date: Option<NaiveDate>,
    pub buying_signals: Option<String>,
    /// Open tasks with a date: who (me or the manager) does what by when.
    pub who_what_when: Vec<Task>,
    pub gaps: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Changes {
    pub new: Vec<SharedDeal>,
    pub won: Vec<SharedDeal>,
    pub lost: Vec<SharedDeal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Commitments {
    pub overdue: Vec<Shared<TaskView>>,
    pub due_this_week: Vec<Shared<TaskView>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub deals: Vec<SharedDeal>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize)]
pub struct Prep {
    #[serde(flatten)]
    pub pipeline: Pipeline,
    pub since: NaiveDate,
    pub changes: Changes,
    pub needs_help: Vec<Shared<DealSynopsis>>,
    pub reviews: Vec<Shared<Review>>,
    pub asks: Vec<Shared<DealSynopsis>>,
    pub commitments: Commitments,
    pub added: Added,
    /// What git history says happened since the last review; `None` without history.
    pub history: Option<HistoryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    /// Events from `since` to `as_of`, newest first.
    pub events: Vec<Event>,
    pub waterfall: Waterfall,
    pub shallow: bool,
    pub last_review: Option<NaiveDate>,
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
        .map(|deal| {
            let events = events::events(deal, config);
            let trend = events::trend(deal, &events, options.as_of, options.since);
            (deal.id.clone(), trend)
        })
        .collect()
}

fn name_of(index: &Index, link: &Option<crate::model::Link>, contact: bool) -> Option<String> {
    let name = if contact {
        index.contact_for(link).map(|c| c.name.clone())
    } else {
        index.account_for(link).map(|a| a.name.clone())
    };
    name.or_else(|| link.as_ref().map(|l| l.target.clone()))
}

pub fn deal_view(
    deal: &Arc<Deal>,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    trend: Option<&Trend>,
) -> DealView {
    let stage = deal.stage_in(config);
    let amount = base_amount(deal, config);
    let probability = deal.probability_in(config);
    let last = last_activity(deal);
    let open = stage.is_open();
    let mut flags = if open {
        flags::flags(deal, config, options.as_of)
    } else {
        Vec::new()
    };
    if open && trend.is_some_and(|t| t.push_count > 0) {
        flags.push("pushed");
    }
    DealView {
        id: deal.record.id.clone(),
        title: deal.title.clone(),
        path: deal.record.path_text(),
        stage: deal.stage.clone(),
        open,
        won: stage.won,
        lost: stage.lost,
        amount: amount.map(Num),
        original_amount: deal.amount.map(Num),
        currency: deal.currency.clone(),
        probability: Num(probability),
        weighted: amount.map(|a| Num(a * probability / 100.0)),
        forecast: deal.forecast_in(config),
        close_date: deal.close_date,
        in_period: deal.close_date.is_some_and(|d| options.period.contains(d)),
        created: deal.created,
        account: name_of(index, &deal.account, false),
        next_step: deal.next_step.clone(),
        next_step_date: deal.next_step_date,
        decision_maker: name_of(index, &deal.decision_maker, true),
        dm_engaged: deal.dm_engaged,
        roi_accepted: deal.roi_accepted,
        champion: name_of(index, &deal.champion, true),
        last_activity: last,
        days_since_activity: last.map(|d| (options.as_of - d).num_days()),
        push_count: trend.map(|t| t.push_count),
        stage_regressions: trend.map(|t| t.stage_regressions),
        days_in_stage: trend.and_then(|t| t.days_in_stage),
        amount_change_since: trend.and_then(|t| t.amount_change_since).map(Num),
        flags,
        written: Written(Arc::clone(deal)),
    }
}

/// Every deal as the reports see it, by close date then id.
fn deal_views(
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
        .map(|deal| {
            let view = deal_view(deal, index, config, options, trends.get(&deal.record.id));
            Shared::new(view)
        })
        .collect()
}

pub fn pipeline(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> Pipeline {
    summarize(deal_views(index, config, options, history), config, options)
}

fn summarize(all: Vec<SharedDeal>, config: &Config, options: &ReportOptions) -> Pipeline {
    let (open, closed): (Vec<SharedDeal>, Vec<SharedDeal>) = all.into_iter().partition(|d| d.open);

    let sum_in_period = |deals: &[SharedDeal], pick: &dyn Fn(&DealView) -> bool| -> Num {
        deals
            .iter()
            .filter(|d| d.in_period && pick(d))
            .filter_map(|d| d.amount)
            .sum()
    };
    let closed_won = sum_in_period(&closed, &|d| d.won);
    let category = |c: ForecastCategory| sum_in_period(&open, &|d| d.forecast == c);
    let (commit, best_case, pipeline) = (
        category(ForecastCategory::Commit),
        category(ForecastCategory::BestCase),
        category(ForecastCategory::Pipeline),
    );
    let quota = options
        .period
        .quota(&config.quota, config.fiscal_year_start)
        .map(Num);
    let gap_to_quota = quota.map(|q| Num((q.0 - closed_won.0).max(0.0)));
    let coverage = gap_to_quota
        .filter(|gap| gap.0 > 0.0)
        .map(|gap| Num((commit.0 + best_case.0 + pipeline.0) / gap.0));

    let mut totals = Totals::default();
    let mut by_stage: Vec<StageTotals> = config
        .stages
        .iter()
        .filter(|s| s.is_open())
        .map(|s| StageTotals {
            stage: s.id.clone(),
            probability: Num(s.probability),
            count: 0,
            amount: Num(0.0),
            weighted: Num(0.0),
        })
        .collect();
    for deal in open.iter().filter(|d| !d.flags.contains(&"no_fx_rate")) {
        totals.add(deal);
        if let Some(row) = by_stage.iter_mut().find(|s| s.stage == deal.stage) {
            let mut t = Totals {
                count: row.count,
                amount: row.amount,
                weighted: row.weighted,
            };
            t.add(deal);
            (row.count, row.amount, row.weighted) = (t.count, t.amount, t.weighted);
        }
    }
    let excluded = open
        .iter()
        .chain(closed.iter().filter(|d| d.in_period))
        .filter(|d| d.original_amount.is_some() && d.amount.is_none())
        .map(|d| d.id.clone())
        .collect();
    let conversion = conversion(&closed, config, options, gap_to_quota);
    Pipeline {
        as_of: options.as_of,
        period: options.period.clone(),
        currency: config.currency.clone(),
        owner: config.owner.clone(),
        manager: config.manager.clone(),
        quota,
        closed_won,
        commit,
        best_case,
        pipeline,
        gap_to_quota,
        coverage,
        open: totals,
        by_stage,
        deals: open,
        conversion,
        excluded,
    }
}

/// The four fiscal quarters ending with the one holding `as_of`, up to `as_of`.
fn conversion(
    closed: &[SharedDeal],
    config: &Config,
    options: &ReportOptions,
    gap: Option<Num>,
) -> Conversion {
    let current = Period::quarter_of(options.as_of, config.fiscal_year_start);
    let from = current.start - chrono::Months::new(9);
    let to = options.as_of;
    let window: Vec<&DealView> = closed
        .iter()
        .map(|d| &**d)
        .filter(|d| d.close_date.is_some_and(|c| from <= c && c <= to))
        .collect();
    let won: Vec<&&DealView> = window.iter().filter(|d| d.won).collect();
    let lost: Vec<&&DealView> = window.iter().filter(|d| d.lost).collect();
    let value =
        |deals: &[&&DealView]| -> f64 { deals.iter().filter_map(|d| d.amount).map(|a| a.0).sum() };
    let ratio = |a: f64, b: f64| (b > 0.0).then(|| Num(a / b));
    let won_value = value(&won);
    let won_with_amount = won.iter().filter(|d| d.amount.is_some()).count();
    let average_won = ratio(won_value, won_with_amount as f64);
    let mut cycles: Vec<i64> = won
        .iter()
        .filter_map(|d| Some((d.close_date? - d.created?).num_days()))
        .collect();
    cycles.sort_unstable();
    let median_cycle_days = match cycles.len() {
        0 => None,
        n if n % 2 == 1 => Some(Num(cycles[n / 2] as f64)),
        n => Some(Num((cycles[n / 2 - 1] + cycles[n / 2]) as f64 / 2.0)),
    };
    Conversion {
        from,
        to,
        won_count: won.len(),
        lost_count: lost.len(),
        win_rate_count: ratio(won.len() as f64, (won.len() + lost.len()) as f64),
        win_rate_value: ratio(won_value, won_value + value(&lost)),
        deals_needed: match (gap, average_won) {
            (Some(gap), Some(avg)) if avg.0 > 0.0 => Some((gap.0 / avg.0).ceil() as u64),
            _ => None,
        },
        average_won,
        median_cycle_days,
    }
}

pub fn prep(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> Prep {
    let all = deal_views(index, config, options, history);
    let pipeline = summarize(all.clone(), config, options);
    let since = options.since;
    let as_of = options.as_of;
    let log_since = |deal: &DealView| -> Vec<LogEntry> {
        let mut log: Vec<LogEntry> = deal
            .written
            .log()
            .iter()
            .filter(|e| e.date >= since)
            .cloned()
            .collect();
        log.sort_by(|a, b| b.date.cmp(&a.date).then(a.line.cmp(&b.line)));
        log
    };
    let open_asks = |deal: &DealView| -> Vec<Task> {
        deal.written
            .tasks()
            .iter()
            .filter(|t| t.manager && !t.done)
            .cloned()
            .collect()
    };
    let synopsis = |deal: &SharedDeal| {
        Shared::new(DealSynopsis {
            deal: deal.clone(),
            reasons: deal
                .flags
                .iter()
                .filter(|f| flags::AT_RISK.contains(f))
                .map(|f| flags::describe(f))
                .collect(),
            log_since: log_since(deal),
            asks: open_asks(deal),
        })
    };
    let needs_help = pipeline
        .deals
        .iter()
        .filter(|d| d.flags.iter().any(|f| flags::AT_RISK.contains(f)))
        .map(synopsis)
        .collect();
    let asks = pipeline
        .deals
        .iter()
        .filter(|d| !open_asks(d).is_empty())
        .map(synopsis)
        .collect();
    let reviews = pipeline
        .deals
        .iter()
        .map(|d| Shared::new(review(d, as_of)))
        .collect();

    let closed_since = |d: &DealView| d.close_date.is_some_and(|c| since <= c && c <= as_of);
    let new: Vec<SharedDeal> = all
        .iter()
        .filter(|d| d.created.is_some_and(|c| since <= c && c <= as_of))
        .cloned()
        .collect();
    let changes = Changes {
        won: all
            .iter()
            .filter(|d| d.won && closed_since(d))
            .cloned()
            .collect(),
        lost: all
            .iter()
            .filter(|d| d.lost && closed_since(d))
            .cloned()
            .collect(),
        new: new.clone(),
    };
    let added_deals: Vec<SharedDeal> = new.into_iter().filter(|d| d.open).collect();
    let mut added_totals = Totals::default();
    added_deals.iter().for_each(|d| added_totals.add(d));

    Prep {
        since,
        changes,
        needs_help,
        reviews,
        asks,
        commitments: commitments(index, as_of),
        added: Added {
            deals: added_deals,
            totals: added_totals,
        },
        history: history.map(|h| history_view(h, index, config, options)),
        pipeline,
    }
}

fn history_view(
    history: &History,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
) -> HistoryView {
    let recent: Vec<Event> = events::newest_first(history, config)
        .into_iter()
        .filter(|e| options.since <= e.date && e.date <= options.as_of)
        .collect();
    HistoryView {
        events: recent,
        waterfall: waterfall(history, index, config, &options.period, options.since),
        shallow: history.shallow,
        last_review: history.last_review(options.as_of),
    }
}

fn review(deal: &SharedDeal, as_of: NaiveDate) -> Review {
    let buying_signals = deal
        .written
        .deal()
        .record
        .text("buying_signals")
        .map(str::to_string);
    let who_what_when: Vec<Task> = deal
        .written
        .tasks()
        .iter()
        .filter(|t| !t.done && t.due.is_some())
        .cloned()
        .collect();
    let mut gaps = Vec::new();
    if deal.decision_maker.is_none() {
        gaps.push("Who is the decision maker?");
    }
    if deal.dm_engaged != Some(true) {
        gaps.push("Are we engaged with the decision maker?");
    }
    if deal.roi_accepted != Some(true) {
        gaps.push("Does the customer accept the ROI?");
    }
    match (&deal.next_step, deal.next_step_date) {
        (None, _) => gaps.push("What is the agreed next step?"),
        (Some(_), None) => gaps.push("When is the next step due?"),
        (Some(_), Some(date)) if date < as_of => gaps.push("The next step is overdue: what now?"),
        _ => {}
    }
    if buying_signals.is_none() {
        gaps.push("Are they behaving like a buyer?");
    }
    if who_what_when.is_empty() {
        gaps.push("Who does what by when?");
    }
    Review {
        decision_maker_engaged: deal.dm_engaged,
        roi_accepted: deal.roi_accepted,
        next_step: deal.next_step.clone(),
        next_step_date: deal.next_step_date,
        buying_signals,
        who_what_when,
        gaps,
        deal: deal.clone(),
    }
}

/// The rep's own open tasks (not the asks for the manager): overdue, and due in the next 7 days.
fn commitments(index: &Index, as_of: NaiveDate) -> Commitments {
    let week_end = as_of + Duration::days(7);
    let titled = index
        .deals
        .iter()
        .map(|d| (&d.record, d.title.as_str()))
        .chain(index.contacts.iter().map(|c| (&c.record, c.name.as_str())))
        .chain(index.accounts.iter().map(|a| (&a.record, a.name.as_str())));
    let mut tasks: Vec<TaskView> = titled
        .flat_map(|(record, title)| {
            record
                .body
                .tasks
                .iter()
                .filter(|t| !t.done && !t.manager && t.due.is_some_and(|d| d <= week_end))
                .map(move |task| TaskView {
                    record: record.id.clone(),
                    title: title.to_string(),
                    path: record.path_text(),
                    task: task.clone(),
                })
        })
        .collect();
    tasks.sort_by(|a, b| {
        (a.task.due, &a.record, a.task.line).cmp(&(b.task.due, &b.record, b.task.line))
    });
    let (overdue, due_this_week) = tasks
        .into_iter()
        .map(Shared::new)
        .partition(|t| t.task.due.is_some_and(|d| d < as_of));
    Commitments {
        overdue,
        due_this_week,
    }
}
