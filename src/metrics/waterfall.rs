//! The period's pipeline from the last review to now, term by term:
//! start + new + pulled in + amount up − amount down − pushed out − won − lost = end.

use chrono::NaiveDate;
use serde::Serialize;

use super::money::Num;
use crate::history::{DealState, History};
use crate::model::Index;
use crate::model::{Config, ForecastCategory, Period};

#[derive(Debug, Clone, Default, Serialize)]
pub struct TermDeal {
    pub id: String,
    pub title: String,
    pub amount: Num,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Term {
    pub total: Num,
    pub deals: Vec<TermDeal>,
}

impl Term {
    fn add(&mut self, id: &str, title: &str, amount: f64) {
        self.total = self.total + Num(amount);
        self.deals.push(TermDeal {
            id: id.to_string(),
            title: title.to_string(),
            amount: Num(amount),
        });
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Waterfall {
    pub start: Num,
    pub new: Term,
    pub pulled_in: Term,
    pub amount_up: Term,
    pub amount_down: Term,
    pub pushed_out: Term,
    pub won: Term,
    pub lost: Term,
    pub end: Num,
}

/// The deal's value in the period's open pipeline (commit, best case and pipeline), if it is in.
fn in_pipeline(state: &DealState, config: &Config, period: &Period) -> Option<f64> {
    let stage = config.stages.iter().find(|s| s.id == state.stage)?;
    let counted = stage.is_open()
        && state.forecast != ForecastCategory::Omitted
        && state.close_date.is_some_and(|d| period.contains(d));
    if !counted {
        return None;
    }
    let amount = state.amount?;
    if state.currency == config.currency {
        Some(amount)
    } else {
        config.fx.get(&state.currency).map(|rate| amount * rate)
    }
}

/// Walks every deal from its state when `since` began to its state now. "Now" is the index
/// itself, so the end agrees with the pipeline totals (a file broken now is out of both).
pub fn waterfall(
    history: &History,
    index: &Index,
    config: &Config,
    period: &Period,
    since: NaiveDate,
) -> Waterfall {
    let mut w = Waterfall::default();
    for deal in &history.deals {
        let before = deal.state_before(since);
        let current = index.deal(&deal.id).and_then(|d| DealState::of(d, config));
        let now = current.as_ref();
        let title = now
            .or(before)
            .map_or(deal.id.as_str(), |s| s.title.as_str());
        let was = before.and_then(|s| in_pipeline(s, config, period));
        let is = now.and_then(|s| in_pipeline(s, config, period));
        match (was, is) {
            (None, None) => {}
            (None, Some(amount)) => {
                let was_open_elsewhere = before.is_some_and(|s| {
                    config.stage(&s.stage).is_some_and(|stage| stage.is_open())
                        && s.close_date.is_some_and(|d| !period.contains(d))
                });
                let term = if was_open_elsewhere {
                    &mut w.pulled_in
                } else {
                    &mut w.new
                };
                term.add(&deal.id, title, amount);
            }
            (Some(amount), None) => {
                let stage = now.and_then(|s| config.stages.iter().find(|st| st.id == s.stage));
                let term = match stage {
                    Some(s) if s.won => &mut w.won,
                    Some(s) if s.lost => &mut w.lost,
                    None => &mut w.lost, // deleted: gone from the pipeline like a loss
                    Some(_) => &mut w.pushed_out,
                };
                term.add(&deal.id, title, amount);
            }
            (Some(then), Some(now)) if now > then => w.amount_up.add(&deal.id, title, now - then),
            (Some(then), Some(now)) if now < then => w.amount_down.add(&deal.id, title, then - now),
            (Some(_), Some(_)) => {}
        }
        w.start = w.start + Num(was.unwrap_or(0.0));
        w.end = w.end + Num(is.unwrap_or(0.0));
    }
    w
}
