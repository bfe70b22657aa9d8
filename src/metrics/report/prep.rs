//! The one-on-one prep sheet: what changed, deals needing help, seed 002's questions for
//! every open deal, asks for the manager, commitments.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::pipeline::{summarize, Pipeline};
use super::view::{deal_views, DealView, Shared, SharedDeal, TaskView, Totals};
use super::ReportOptions;
use crate::history::{events, Event, History};
use crate::metrics::rules::Flag;
use crate::metrics::waterfall::{waterfall, Waterfall};
use crate::model::{Config, Index, LogEntry, Task};

/// A deal in the "needs help" and "asks" sections, with its log since the last review.
#[derive(Debug, Clone, Serialize)]
pub struct DealSynopsis {
    pub deal: SharedDeal,
    /// The at-risk flags.
    pub reasons: Vec<Flag>,
    pub log_since: Vec<LogEntry>,
    /// The open `@manager` tasks on this deal.
    pub asks: Vec<Task>,
}

/// Seed 002's questions for the one-on-one, asked of every open deal. Serialized as their
/// codes; `text` gives the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    DecisionMaker,
    DecisionMakerEngaged,
    RoiAccepted,
    NextStep,
    NextStepDate,
    NextStepOverdue,
    BuyingSignals,
    WhoWhatWhen,
}

impl Question {
    pub const ALL: [Question; 8] = [
        Question::DecisionMaker,
        Question::DecisionMakerEngaged,
        Question::RoiAccepted,
        Question::NextStep,
        Question::NextStepDate,
        Question::NextStepOverdue,
        Question::BuyingSignals,
        Question::WhoWhatWhen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Question::DecisionMaker => "decision_maker",
            Question::DecisionMakerEngaged => "decision_maker_engaged",
            Question::RoiAccepted => "roi_accepted",
            Question::NextStep => "next_step",
            Question::NextStepDate => "next_step_date",
            Question::NextStepOverdue => "next_step_overdue",
            Question::BuyingSignals => "buying_signals",
            Question::WhoWhatWhen => "who_what_when",
        }
    }

    pub fn parse(code: &str) -> Option<Question> {
        Question::ALL.into_iter().find(|q| q.code() == code)
    }

    /// The question as the prep sheet asks it.
    pub fn text(self) -> &'static str {
        match self {
            Question::DecisionMaker => "Who is the decision maker?",
            Question::DecisionMakerEngaged => "Are we engaged with the decision maker?",
            Question::RoiAccepted => "Does the customer accept the ROI?",
            Question::NextStep => "What is the agreed next step?",
            Question::NextStepDate => "When is the next step due?",
            Question::NextStepOverdue => "The next step is overdue: what now?",
            Question::BuyingSignals => "Are they behaving like a buyer?",
            Question::WhoWhatWhen => "Who does what by when?",
        }
    }
}

/// Seed 002's questions for one open deal; `gaps` lists the unanswered ones.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub deal: SharedDeal,
    pub decision_maker_engaged: Option<bool>,
    pub roi_accepted: Option<bool>,
    /// Whether the deal is far enough along for the decision-maker and ROI questions
    /// (`ask_from` in the config): before, a missing answer is neither asked nor flagged.
    pub decision_maker_asked: bool,
    pub roi_asked: bool,
    pub next_step: Option<String>,
    pub next_step_date: Option<NaiveDate>,
    pub buying_signals: Option<String>,
    /// Open tasks with a date: who (me or the manager) does what by when.
    pub who_what_when: Vec<Task>,
    pub gaps: Vec<Question>,
    /// Its log entries and activity notes since `since`, newest first.
    pub log_since: Vec<LogEntry>,
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
    /// Whether `since` is the last review marked with `review mark` (else it was given, or a
    /// week ago).
    pub since_review: bool,
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

pub fn prep(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> Prep {
    let all = deal_views(index, config, options, history);
    let pipeline = summarize(
        all.clone(),
        super::uncounted::not_counted(index, config, options),
        config,
        options,
    );
    let since = options.since;
    let as_of = options.as_of;
    let log_since = |deal: &DealView| -> Vec<LogEntry> {
        let mut log = crate::metrics::activity_log(deal.written.deal());
        log.retain(|e| e.date >= since);
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
            reasons: deal.flags.iter().filter(|f| f.at_risk()).copied().collect(),
            log_since: log_since(deal),
            asks: open_asks(deal),
        })
    };
    let needs_help = pipeline
        .deals
        .iter()
        .filter(|d| d.flags.iter().any(|f| f.at_risk()))
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
        .map(|d| {
            let mut review = review(d, config, as_of);
            review.log_since = log_since(d);
            Shared::new(review)
        })
        .collect();

    let closed_since = |d: &DealView| d.closed_on.is_some_and(|c| since <= c && c <= as_of);
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
        since_review: history.and_then(|h| h.last_review(as_of)) == Some(since),
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

fn review(deal: &SharedDeal, config: &Config, as_of: NaiveDate) -> Review {
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
        .filter(|t| !t.done)
        .cloned()
        .collect();
    // Before the stage the config asks them from, nobody expects these answers.
    let decision_maker_asked = config.asks(&deal.stage, false);
    let roi_asked = config.asks(&deal.stage, true);
    let mut gaps = Vec::new();
    if decision_maker_asked && deal.decision_maker.is_none() {
        gaps.push(Question::DecisionMaker);
    }
    if decision_maker_asked && deal.dm_engaged != Some(true) {
        gaps.push(Question::DecisionMakerEngaged);
    }
    if roi_asked && deal.roi_accepted != Some(true) {
        gaps.push(Question::RoiAccepted);
    }
    match (&deal.next_step, deal.next_step_date) {
        (None, _) => gaps.push(Question::NextStep),
        (Some(_), None) => gaps.push(Question::NextStepDate),
        (Some(_), Some(date)) if date < as_of => gaps.push(Question::NextStepOverdue),
        _ => {}
    }
    if buying_signals.is_none() {
        gaps.push(Question::BuyingSignals);
    }
    if !who_what_when.iter().any(|t| t.due.is_some()) {
        gaps.push(Question::WhoWhatWhen);
    }
    Review {
        decision_maker_engaged: deal.dm_engaged,
        roi_accepted: deal.roi_accepted,
        decision_maker_asked,
        roi_asked,
        next_step: deal.next_step.clone(),
        next_step_date: deal.next_step_date,
        buying_signals,
        who_what_when,
        log_since: Vec::new(),
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
