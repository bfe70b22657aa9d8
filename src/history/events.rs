//! Events derived from consecutive states of a deal.

use chrono::NaiveDate;
use serde::Serialize;

use super::{DealHistory, DealState};
use crate::model::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

impl EventKind {
    pub fn describe(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::StageForward => "stage moved forward",
            EventKind::StageBack => "stage moved back",
            EventKind::AmountChanged => "amount changed",
            EventKind::CloseDatePushed => "close date pushed out",
            EventKind::CloseDatePulledIn => "close date pulled in",
            EventKind::ForecastChanged => "forecast category changed",
            EventKind::Won => "won",
            EventKind::Lost => "lost",
            EventKind::Deleted => "deleted",
            EventKind::Renamed => "renamed",
        }
    }
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
        let mut event = |kind, from: Option<String>, to: Option<String>| {
            found.push(Event {
                deal: history.id.clone(),
                title: title.clone(),
                date: snapshot.date,
                commit: snapshot.commit.clone(),
                kind,
                from,
                to,
            })
        };
        match (previous, &snapshot.state) {
            (None, Some(_)) => event(EventKind::Created, None, None),
            (Some(_), None) => event(EventKind::Deleted, None, None),
            (Some(old), Some(new)) => {
                if old.path != new.path {
                    let id = |s: &DealState| crate::parse::record_id(&s.path);
                    event(EventKind::Renamed, Some(id(old)), Some(id(new)));
                }
                if old.stage != new.stage {
                    let stage = config.stages.iter().find(|s| s.id == new.stage);
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
                if old.forecast != new.forecast {
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

/// Every deal's events, newest first: by date, then deal, and within a day in reverse order of
/// the commits.
pub fn newest_first(history: &super::History, config: &Config) -> Vec<Event> {
    let mut all: Vec<Event> = history
        .deals
        .iter()
        .flat_map(|deal| deal_newest_first(deal, config))
        .collect();
    // A stable sort keeps each deal's reversed (newest-first) order within a day.
    all.sort_by(|a, b| b.date.cmp(&a.date).then(a.deal.cmp(&b.deal)));
    all
}

/// One deal's events, newest commit first; within one commit, the order the changes were
/// found in.
pub fn deal_newest_first(history: &DealHistory, config: &Config) -> Vec<Event> {
    let events = events(history, config);
    let mut commits: Vec<Vec<Event>> = events
        .chunk_by(|a, b| (a.date, &a.commit) == (b.date, &b.commit))
        .map(<[Event]>::to_vec)
        .collect();
    commits.reverse();
    commits.into_iter().flatten().collect()
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
