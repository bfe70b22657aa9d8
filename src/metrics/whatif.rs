//! What-if scenarios (seed 000): win, lose, slip or resize deals and see the forecast move.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money::{Num, Ratio};
use super::report::{pipeline, NotCounted, Pipeline, ReportOptions};
use crate::model::Config;
use crate::model::Index;

/// The changes of a scenario, by deal id. A scenario file is the same thing in YAML:
/// `win: [a]`, `lose: [b]`, `slip: { c: 2027-01-15 }`, `amount: { d: 50000 }`, `prob: { e: 70 }`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    pub win: Vec<String>,
    pub lose: Vec<String>,
    pub slip: BTreeMap<String, NaiveDate>,
    pub amount: BTreeMap<String, f64>,
    pub prob: BTreeMap<String, f64>,
}

impl Scenario {
    pub fn merge(&mut self, other: Scenario) {
        self.win.extend(other.win);
        self.lose.extend(other.lose);
        self.slip.extend(other.slip);
        self.amount.extend(other.amount);
        self.prob.extend(other.prob);
    }

    /// The same scenario with each deal named as `name` says (an id, a path or a title → the
    /// deal's id).
    pub fn named<E>(self, name: impl Fn(&str) -> Result<String, E>) -> Result<Scenario, E> {
        let list = |ids: Vec<String>| ids.iter().map(|id| name(id)).collect::<Result<Vec<_>, E>>();
        let map = |pairs: BTreeMap<String, f64>| {
            pairs
                .into_iter()
                .map(|(id, v)| Ok((name(&id)?, v)))
                .collect::<Result<BTreeMap<_, _>, E>>()
        };
        Ok(Scenario {
            win: list(self.win)?,
            lose: list(self.lose)?,
            slip: self
                .slip
                .into_iter()
                .map(|(id, d)| Ok((name(&id)?, d)))
                .collect::<Result<_, E>>()?,
            amount: map(self.amount)?,
            prob: map(self.prob)?,
        })
    }

    fn ids(&self) -> impl Iterator<Item = &String> {
        self.win
            .iter()
            .chain(&self.lose)
            .chain(self.slip.keys())
            .chain(self.amount.keys())
            .chain(self.prob.keys())
    }
}

/// A headline number: an amount, or a ratio (coverage), each serialized as what it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Figure {
    Money(Num),
    Ratio(Ratio),
}

impl Figure {
    fn value(self) -> f64 {
        match self {
            Figure::Money(n) => n.0,
            Figure::Ratio(r) => r.0,
        }
    }

    fn with(self, value: f64) -> Figure {
        match self {
            Figure::Money(_) => Figure::Money(Num(value)),
            Figure::Ratio(_) => Figure::Ratio(Ratio(value)),
        }
    }
}

/// The headline numbers, before and after.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub name: &'static str,
    pub baseline: Option<Figure>,
    pub scenario: Option<Figure>,
    pub change: Option<Figure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub as_of: NaiveDate,
    pub period: String,
    pub currency: String,
    pub changes: Vec<String>,
    pub lines: Vec<Line>,
    pub baseline: Pipeline,
    pub scenario: Pipeline,
    /// What the baseline or the scenario left out: a deal the scenario changes may drop out of
    /// its numbers only (a win in a currency without a rate).
    pub not_counted: NotCounted,
}

/// Why a scenario cannot apply.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatifError {
    #[error("there is no deal with the id `{0}`")]
    NoSuchDeal(String),
    #[error("probability for `{id}` must be a number from 0 to 100, not {probability}")]
    Probability { id: String, probability: f64 },
    #[error("the config has no {0} stage")]
    NoStage(&'static str),
}

/// Applies the scenario to a copy of the index and compares the pipeline reports.
/// Errors name deals that do not exist or values that cannot apply.
pub fn whatif(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    scenario: &Scenario,
) -> Result<Outcome, WhatifError> {
    if let Some(missing) = scenario.ids().find(|id| index.deal(id).is_none()) {
        return Err(WhatifError::NoSuchDeal(missing.clone()));
    }
    if let Some((id, p)) = scenario
        .prob
        .iter()
        .find(|(_, p)| !(0.0..=100.0).contains(*p))
    {
        return Err(WhatifError::Probability {
            id: id.clone(),
            probability: *p,
        });
    }
    let won = config.stages.iter().find(|s| s.won).map(|s| s.id.clone());
    let lost = config.stages.iter().find(|s| s.lost).map(|s| s.id.clone());
    let mut changed = index.clone();
    let mut changes = Vec::new();
    for deal in &mut changed.deals {
        let deal = std::sync::Arc::make_mut(deal);
        let id = deal.record.id.clone();
        let stage = deal.stage_in(config);
        let (already_won, already_lost) =
            (stage.is_some_and(|s| s.won), stage.is_some_and(|s| s.lost));
        if scenario.win.contains(&id) && already_won {
            changes.push(format!("win {id} (no change: it is already won)"));
        } else if scenario.win.contains(&id) {
            deal.stage = Some(won.clone().ok_or(WhatifError::NoStage("won"))?);
            // A win counts in the period: it closes on its date if that falls in it, else today.
            if !deal.close_date.is_some_and(|d| options.period.contains(d)) {
                deal.close_date = Some(options.as_of);
            }
            changes.push(format!("win {id}"));
        }
        if scenario.lose.contains(&id) && already_lost {
            changes.push(format!("lose {id} (no change: it is already lost)"));
        } else if scenario.lose.contains(&id) {
            deal.stage = Some(lost.clone().ok_or(WhatifError::NoStage("lost"))?);
            changes.push(format!("lose {id}"));
        }
        if let Some(date) = scenario.slip.get(&id) {
            deal.close_date = Some(*date);
            changes.push(format!("slip {id} to {date}"));
        }
        if let Some(amount) = scenario.amount.get(&id) {
            deal.amount = Some(*amount);
            changes.push(format!("{id} amount {amount}"));
        }
        if let Some(probability) = scenario.prob.get(&id) {
            deal.probability = Some(*probability);
            changes.push(format!("{id} probability {probability}%"));
        }
    }
    let baseline = pipeline(index, config, options, None);
    let scenario = pipeline(&changed, config, options, None);
    let line = |name, pick: fn(&Pipeline) -> Option<Figure>| {
        let (before, after) = (pick(&baseline), pick(&scenario));
        Line {
            name,
            baseline: before,
            scenario: after,
            change: before
                .zip(after)
                .map(|(b, a)| a.with(a.value() - b.value())),
        }
    };
    let lines = vec![
        line("closed_won", |p| Some(Figure::Money(p.closed_won))),
        line("commit", |p| Some(Figure::Money(p.commit))),
        line("best_case", |p| Some(Figure::Money(p.best_case))),
        line("pipeline", |p| Some(Figure::Money(p.pipeline))),
        line("gap_to_quota", |p| p.gap_to_quota.map(Figure::Money)),
        line("coverage", |p| p.coverage.map(Figure::Ratio)),
        line("open_weighted", |p| Some(Figure::Money(p.open.weighted))),
    ];
    Ok(Outcome {
        as_of: options.as_of,
        period: options.period.label.clone(),
        currency: config.currency.clone(),
        changes,
        lines,
        not_counted: baseline.not_counted.either(&scenario.not_counted),
        baseline,
        scenario,
    })
}
