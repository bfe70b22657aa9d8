//! Events derived from consecutive states of a deal.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DealHistory, DealState};
use crate::model::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    StageForward,
    StageBack,
    AmountChanged,
    CloseDatePushed,
    CloseDatePulledIn,
    ForecastChanged,
    Won,
    Lost,
    Deleted,
    Renamed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The deal's id now.
    pub deal: String,
    pub title: String,
    pub date: NaiveDate,
    /// `None` for uncommitted changes.
    pub commit: Option<String>,
    pub kind: EventKind,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The deal's currency, for an amount's `from` and `to`.
    pub currency: String,
    /// Where its commit is in the history, oldest first.
    #[serde(skip)]
    pub seq: usize,
}

fn text<T: ToString>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(ToString::to_string)
}

/// A deal's events, oldest first.
pub fn events(history: &DealHistory, config: &Config) -> Vec<Event> {
    let mut found = Vec::new();
    let mut previous: Option<&DealState> = None;
    // After a version hidden from this history's reader, the next one it sees is where the
    // story picks up again: no event says the deal went or came back, and what changed while
    // it was hidden is not told.
    let mut resuming = false;
    for snapshot in &history.snapshots {
        if snapshot.hidden {
            resuming = previous.is_some() || resuming;
            previous = None;
            continue;
        }
        if resuming && previous.is_none() && snapshot.state.is_some() {
            resuming = false;
            previous = snapshot.state.as_ref();
            continue;
        }
        let title = snapshot
            .state
            .as_ref()
            .or(previous)
            .map_or_else(|| history.id.clone(), |s| s.title.clone());
        let currency = snapshot
            .state
            .as_ref()
            .or(previous)
            .map_or_else(|| config.currency.clone(), |s| s.currency.clone());
        let mut event = |kind, from: Option<String>, to: Option<String>| {
            found.push(Event {
                deal: history.id.clone(),
                title: title.clone(),
                date: snapshot.date,
                commit: snapshot.commit.clone(),
                kind,
                from,
                to,
                currency: currency.clone(),
                seq: snapshot.seq,
            })
        };
        match (previous, &snapshot.state) {
            (None, Some(_)) => event(EventKind::Created, None, None),
            (Some(_), None) => event(EventKind::Deleted, None, None),
            (Some(old), Some(new)) => {
                // A move to another folder under the same file name keeps the id: no rename.
                let (old_id, new_id) = (
                    crate::parse::record_id(&old.path),
                    crate::parse::record_id(&new.path),
                );
                if old_id != new_id {
                    event(EventKind::Renamed, Some(old_id), Some(new_id));
                }
                let stage = config.stages.iter().find(|s| s.id == new.stage);
                let closed = old.stage != new.stage && stage.is_some_and(|s| !s.is_open());
                if old.stage != new.stage {
                    let kind = match stage {
                        Some(s) if s.won => EventKind::Won,
                        Some(s) if s.lost => EventKind::Lost,
                        _ if config.stage_index(&new.stage) < config.stage_index(&old.stage) => {
                            EventKind::StageBack
                        }
                        _ => EventKind::StageForward,
                    };
                    event(kind, Some(old.stage.clone()), Some(new.stage.clone()));
                }
                if old.amount != new.amount {
                    event(
                        EventKind::AmountChanged,
                        text(&old.amount),
                        text(&new.amount),
                    );
                }
                if let (Some(before), Some(after)) = (old.close_date, new.close_date) {
                    if after > before {
                        event(
                            EventKind::CloseDatePushed,
                            text(&old.close_date),
                            text(&new.close_date),
                        );
                    } else if after < before {
                        event(
                            EventKind::CloseDatePulledIn,
                            text(&old.close_date),
                            text(&new.close_date),
                        );
                    }
                }
                // A won or lost deal leaves the forecast: that is the win or the loss, not news.
                if old.forecast != new.forecast && !closed {
                    let category = |s: &DealState| Some(s.forecast.as_str().to_string());
                    event(EventKind::ForecastChanged, category(old), category(new));
                }
            }
            (None, None) => {}
        }
        if snapshot.state.is_some() {
            previous = snapshot.state.as_ref();
        } else {
            previous = None;
        }
    }
    found
}

/// Every deal's events, newest first: by date, within a day by commit (newest first), within
/// a commit by deal, and a deal's changes in one commit in the order they were found.
pub fn newest_first(history: &super::History, config: &Config) -> Vec<Event> {
    let mut all: Vec<Event> = history
        .deals
        .iter()
        .flat_map(|deal| events(deal, config))
        .collect();
    all.sort_by(|a, b| {
        (b.date, b.seq)
            .cmp(&(a.date, a.seq))
            .then(a.deal.cmp(&b.deal))
    });
    all
}

/// One deal's events, newest commit first; within one commit, the order the changes were
/// found in.
pub fn deal_newest_first(history: &DealHistory, config: &Config) -> Vec<Event> {
    let mut events = events(history, config);
    events.sort_by_key(|e| std::cmp::Reverse((e.date, e.seq)));
    events
}

/// What the history says about one deal, for reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trend {
    /// Times the close date moved later.
    pub push_count: usize,
    /// Times the stage moved back.
    pub stage_regressions: usize,
    /// Days since the deal entered its current stage.
    pub days_in_stage: Option<i64>,
    /// The amount now minus the amount when `since` began.
    pub amount_change_since: Option<f64>,
}

pub fn trend(history: &DealHistory, events: &[Event], today: NaiveDate, since: NaiveDate) -> Trend {
    let count = |kind| events.iter().filter(|e| e.kind == kind).count();
    let stage_entered = events
        .iter()
        .rev()
        .find(|e| {
            matches!(
                e.kind,
                EventKind::Created
                    | EventKind::StageForward
                    | EventKind::StageBack
                    | EventKind::Won
                    | EventKind::Lost
            )
        })
        .map(|e| e.date);
    let amount_now = history.current().and_then(|s| s.amount);
    let amount_then = history.state_before(since).and_then(|s| s.amount);
    Trend {
        push_count: count(EventKind::CloseDatePushed),
        stage_regressions: count(EventKind::StageBack),
        days_in_stage: stage_entered.map(|d| (today - d).num_days()),
        amount_change_since: match (amount_now, amount_then) {
            (Some(now), Some(then)) => Some(now - then),
            _ => None,
        },
    }
}
