//! The pipeline report: forecast against quota, open pipeline by stage, conversion.

use chrono::NaiveDate;
use serde::Serialize;

use super::uncounted::{not_counted, NotCounted};
use super::view::{deal_views, DealView, SharedDeal, StageTotals, Totals};
use super::ReportOptions;
use crate::history::History;
use crate::metrics::money::{Num, Ratio};
use crate::metrics::rules::Flag;
use crate::model::{Config, ForecastCategory, Index, Period};

/// Win rate and cycle over the trailing four quarters.
#[derive(Debug, Clone, Serialize)]
pub struct Conversion {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub won_count: usize,
    pub lost_count: usize,
    /// won ÷ (won + lost), by count and by value, as ratios (0.5 is half).
    pub win_rate_count: Option<Ratio>,
    pub win_rate_value: Option<Ratio>,
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
    pub coverage: Option<Ratio>,
    pub open: Totals,
    pub by_stage: Vec<StageTotals>,
    /// Every open deal, by close date then id.
    pub deals: Vec<SharedDeal>,
    pub conversion: Conversion,
    /// Deals and files some of these numbers could not count, and why.
    pub not_counted: NotCounted,
}

pub fn pipeline(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> Pipeline {
    let left_out = not_counted(index, config, options);
    summarize(
        deal_views(index, config, options, history),
        left_out,
        config,
        options,
    )
}

pub(super) fn summarize(
    all: Vec<SharedDeal>,
    not_counted: NotCounted,
    config: &Config,
    options: &ReportOptions,
) -> Pipeline {
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
        .quota
        .or_else(|| {
            options
                .period
                .quota(&config.quota, config.fiscal_year_start)
        })
        .map(Num);
    let gap_to_quota = quota.map(|q| Num((q.0 - closed_won.0).max(0.0)));
    let coverage = gap_to_quota
        .filter(|gap| gap.0 > 0.0)
        .map(|gap| Ratio((commit.0 + best_case.0 + pipeline.0) / gap.0));

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
    for deal in open.iter().filter(|d| !d.flags.contains(&Flag::NoFxRate)) {
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
        not_counted,
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
        .filter(|d| d.closed_on.is_some_and(|c| from <= c && c <= to))
        .collect();
    let won: Vec<&&DealView> = window.iter().filter(|d| d.won).collect();
    let lost: Vec<&&DealView> = window.iter().filter(|d| d.lost).collect();
    let value =
        |deals: &[&&DealView]| -> f64 { deals.iter().filter_map(|d| d.amount).map(|a| a.0).sum() };
    let ratio = |a: f64, b: f64| (b > 0.0).then(|| Num(a / b));
    let share = |a: f64, b: f64| (b > 0.0).then(|| Ratio(a / b));
    let won_value = value(&won);
    let won_with_amount = won.iter().filter(|d| d.amount.is_some()).count();
    let average_won = ratio(won_value, won_with_amount as f64);
    let mut cycles: Vec<i64> = won
        .iter()
        .filter_map(|d| Some((d.closed_on? - d.created?).num_days()))
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
        win_rate_count: share(won.len() as f64, (won.len() + lost.len()) as f64),
        win_rate_value: share(won_value, won_value + value(&lost)),
        deals_needed: match (gap, average_won) {
            (Some(gap), Some(avg)) if avg.0 > 0.0 => Some((gap.0 / avg.0).ceil() as u64),
            _ => None,
        },
        average_won,
        median_cycle_days,
    }
}
