//! What can be wrong with an open deal, as one table of rules. Each rule says when it applies,
//! which flag it raises in the reports and which warning `check` prints for it, so the
//! reports, `check` and the editor server can never disagree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::diagnostic::{self, Code, Diagnostic, Pos};
use crate::model::{Config, Deal, Index};

/// A flag on an open deal in the reports. Serialized as its code; `label` gives plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Stale,
    PastCloseDate,
    NoNextStep,
    NextStepOverdue,
    DmNotEngaged,
    RoiNotAccepted,
    NoFxRate,
    /// The close date moved later in git history (not a rule of this table: history says so).
    Pushed,
}

impl Flag {
    pub const ALL: [Flag; 8] = [
        Flag::Stale,
        Flag::PastCloseDate,
        Flag::NoNextStep,
        Flag::NextStepOverdue,
        Flag::DmNotEngaged,
        Flag::RoiNotAccepted,
        Flag::NoFxRate,
        Flag::Pushed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Flag::Stale => "stale",
            Flag::PastCloseDate => "past_close_date",
            Flag::NoNextStep => "no_next_step",
            Flag::NextStepOverdue => "next_step_overdue",
            Flag::DmNotEngaged => "dm_not_engaged",
            Flag::RoiNotAccepted => "roi_not_accepted",
            Flag::NoFxRate => "no_fx_rate",
            Flag::Pushed => "pushed",
        }
    }

    pub fn parse(code: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Plain words for people reading a report.
    pub fn label(self) -> &'static str {
        match self {
            Flag::Stale => "no recent activity",
            Flag::PastCloseDate => "close date has passed",
            Flag::NoNextStep => "no next step",
            Flag::NextStepOverdue => "next step overdue",
            Flag::DmNotEngaged => "decision maker not engaged",
            Flag::RoiNotAccepted => "ROI not accepted",
            Flag::NoFxRate => "no exchange rate: left out of totals",
            Flag::Pushed => "close date pushed",
        }
    }

    /// The deal is slipping and the manager may need to help.
    pub fn at_risk(self) -> bool {
        matches!(
            self,
            Flag::Stale
                | Flag::PastCloseDate
                | Flag::NoNextStep
                | Flag::NextStepOverdue
                | Flag::Pushed
        )
    }
}

/// What a rule looks at: the deal, the config, and the day.
pub struct Facts<'a> {
    pub deal: &'a Deal,
    pub config: &'a Config,
    pub today: NaiveDate,
}

impl Facts<'_> {
    /// Whether the field is written with a value (a bad value is reported as an error
    /// already, so a warning about it missing would be noise).
    fn written(&self, field: &str) -> bool {
        self.deal
            .record
            .fields
            .get(field)
            .is_some_and(|v| !v.is_null())
    }

    fn pos(&self, field: &str) -> Pos {
        self.deal.record.pos(field)
    }
}

/// Which deals a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deals {
    Open,
    /// Won or lost.
    Closed,
    /// Every deal with a stage.
    Any,
}

/// One rule: which deals it looks at, when it applies, its flag in the reports (open deals
/// only), its warning in `check`.
pub struct Rule {
    pub deals: Deals,
    pub applies: fn(&Facts) -> bool,
    pub flag: Option<Flag>,
    pub warning: Option<Warning>,
}

impl Rule {
    fn looks_at(&self, facts: &Facts) -> bool {
        match self.deals {
            Deals::Open => facts.deal.is_open(facts.config),
            Deals::Closed => facts.deal.is_closed(facts.config),
            Deals::Any => facts.deal.stage.is_some(),
        }
    }
}

/// A rule's warning in `check`: its code, and where the problem is and what to say.
pub struct Warning {
    pub code: Code,
    pub says: fn(&Facts) -> (Pos, String),
}

/// Every rule, in the order flags are listed.
pub const RULES: &[Rule] = &[
    Rule {
        deals: Deals::Open,
        applies: |f| super::is_stale(f.deal, f.config, f.today),
        flag: Some(Flag::Stale),
        warning: Some(Warning {
            code: Code::Stale,
            says: |f| match super::last_activity(f.deal) {
                Some(last) => {
                    let pos = f
                        .deal
                        .record
                        .body
                        .log
                        .iter()
                        .find(|e| e.date == last)
                        .map_or(Pos::START, |e| Pos::new(e.line, 1));
                    let days = (f.today - last).num_days();
                    (
                        pos,
                        format!("no activity for {days} days (since {last}); log what happened"),
                    )
                }
                None => (
                    Pos::START,
                    "no activity logged: add a `## Log` entry or a `created` date".into(),
                ),
            },
        }),
    },
    Rule {
        deals: Deals::Open,
        applies: |f| f.deal.close_date.is_none() && !f.written("close_date"),
        flag: None,
        warning: Some(Warning {
            code: Code::NoCloseDate,
            says: |f| {
                (
                    f.pos("close_date"),
                    "this open deal has no `close_date`".into(),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Open,
        applies: |f| f.deal.close_date.is_some_and(|d| d < f.today),
        flag: Some(Flag::PastCloseDate),
        warning: Some(Warning {
            code: Code::CloseDatePast,
            says: |f| {
                let date = f.deal.close_date.unwrap_or(f.today);
                (
                    f.pos("close_date"),
                    format!("the close date {date} has passed; update it or close the deal"),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Open,
        applies: |f| f.deal.next_step.is_none(),
        flag: Some(Flag::NoNextStep),
        warning: Some(Warning {
            code: Code::NoNextStep,
            says: |f| {
                (
                    f.pos("next_step"),
                    "this open deal has no `next_step`".into(),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Open,
        applies: |f| {
            f.deal.next_step.is_some() && f.deal.next_step_date.is_some_and(|d| d < f.today)
        },
        flag: Some(Flag::NextStepOverdue),
        warning: Some(Warning {
            code: Code::NextStepOverdue,
            says: |f| {
                let date = f.deal.next_step_date.unwrap_or(f.today);
                (
                    f.pos("next_step_date"),
                    format!("the next step was due {date}"),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Open,
        // Unknown is not no: only an answer of false raises the flag (a missing one is a
        // question for the one-on-one).
        applies: |f| f.deal.dm_engaged == Some(false),
        flag: Some(Flag::DmNotEngaged),
        warning: None,
    },
    Rule {
        deals: Deals::Open,
        applies: |f| f.deal.roi_accepted == Some(false),
        flag: Some(Flag::RoiNotAccepted),
        warning: None,
    },
    Rule {
        deals: Deals::Open,
        applies: |f| f.deal.amount.is_none() && !f.written("amount"),
        flag: None,
        warning: Some(Warning {
            code: Code::NoAmount,
            says: |f| (f.pos("amount"), "this open deal has no `amount`".into()),
        }),
    },
    Rule {
        deals: Deals::Open,
        applies: |f| !super::money::has_rate(f.deal, f.config),
        flag: Some(Flag::NoFxRate),
        warning: Some(Warning {
            code: Code::NoFxRate,
            says: |f| {
                (
                    f.pos("currency"),
                    format!(
                        "no exchange rate for {} in `fx:`; this deal is left out of totals",
                        f.deal.currency
                    ),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Closed,
        applies: |f| f.deal.close_date.is_none() && !f.written("close_date"),
        flag: None,
        warning: Some(Warning {
            code: Code::ClosedWithoutDate,
            says: |f| {
                (
                    f.pos("close_date"),
                    "this deal is closed but has no `close_date`, so it counts in no period; set the day it closed (`dealbook close` does it)".into(),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Closed,
        applies: |f| f.deal.close_date.is_some_and(|d| d > f.today),
        flag: None,
        warning: Some(Warning {
            code: Code::ClosedInFuture,
            says: |f| {
                let date = f.deal.close_date.unwrap_or(f.today);
                (
                    f.pos("close_date"),
                    format!("this deal is closed, but its close date {date} is still to come; the reports count it as closed today: set the day it closed"),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Any,
        applies: |f| f.deal.amount.is_some_and(|a| a < 0.0),
        flag: None,
        warning: Some(Warning {
            code: Code::NegativeAmount,
            says: |f| {
                (
                    f.pos("amount"),
                    format!(
                        "the amount {} is negative; a deal's amount is what it is worth",
                        f.deal.amount.unwrap_or_default()
                    ),
                )
            },
        }),
    },
    Rule {
        deals: Deals::Any,
        applies: |f| matches!((f.deal.close_date, f.deal.created), (Some(close), Some(created)) if close < created),
        flag: None,
        warning: Some(Warning {
            code: Code::CloseBeforeCreated,
            says: |f| {
                (
                    f.pos("close_date"),
                    format!(
                        "the close date {} is before the deal was created ({}); one of them is wrong",
                        f.deal.close_date.unwrap_or(f.today),
                        f.deal.created.unwrap_or(f.today)
                    ),
                )
            },
        }),
    },
];

/// The flags of one open deal as of `today`, in the table's order.
pub fn flags(deal: &Deal, config: &Config, today: NaiveDate) -> Vec<Flag> {
    let facts = Facts {
        deal,
        config,
        today,
    };
    RULES
        .iter()
        .filter(|rule| rule.flag.is_some() && rule.looks_at(&facts) && (rule.applies)(&facts))
        .filter_map(|rule| rule.flag)
        .collect()
}

/// `check`'s warnings for one deal.
pub fn deal_warnings(deal: &Deal, config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let facts = Facts {
        deal,
        config,
        today,
    };
    RULES
        .iter()
        .filter(|rule| rule.warning.is_some() && rule.looks_at(&facts) && (rule.applies)(&facts))
        .filter_map(|rule| {
            let warning = rule.warning.as_ref()?;
            let (pos, message) = (warning.says)(&facts);
            Some(Diagnostic::new(
                &deal.record.path,
                pos,
                warning.code,
                message,
            ))
        })
        .filter(|warning| !config.silences(warning))
        .collect()
}

/// Every problem `check` reports as of `today`: the files' own and the links' (from the index)
/// and the data hygiene warnings of seed 001 for every deal, sorted.
pub fn check(index: &Index, config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let mut found = index.diagnostics.clone();
    found.extend(
        index
            .deals
            .iter()
            .flat_map(|deal| deal_warnings(deal, config, today)),
    );
    diagnostic::sort(&mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_has_a_code_and_words_and_reads_back() {
        for flag in Flag::ALL {
            assert_eq!(Flag::parse(flag.code()), Some(flag));
            assert!(!flag.label().is_empty());
            let json = serde_json::to_value(flag).unwrap();
            assert_eq!(json, flag.code(), "serialized as its code");
        }
    }

    #[test]
    fn every_rule_raises_a_flag_or_a_warning() {
        for rule in RULES {
            assert!(rule.flag.is_some() || rule.warning.is_some());
        }
    }
}
