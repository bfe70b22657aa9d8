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
    NoDecisionMaker,
    DmNotEngaged,
    RoiNotAccepted,
    NoFxRate,
    /// The close date moved later in git history (not a rule of this table: history says so).
    Pushed,
}

impl Flag {
    pub const ALL: [Flag; 9] = [
        Flag::Stale,
        Flag::PastCloseDate,
        Flag::NoNextStep,
        Flag::NextStepOverdue,
        Flag::NoDecisionMaker,
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
            Flag::NoDecisionMaker => "no_decision_maker",
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
            Flag::NoDecisionMaker => "no decision maker named",
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

/// One rule: when it applies, its flag in the reports, its warning in `check`.
pub struct Rule {
    pub applies: fn(&Facts) -> bool,
    pub flag: Option<Flag>,
    pub warning: Option<Warning>,
}

/// A rule's warning in `check`: its code, and where the problem is and what to say.
pub struct Warning {
    pub code: Code,
    pub says: fn(&Facts) -> (Pos, String),
}

/// Every rule, in the order flags are listed.
pub const RULES: &[Rule] = &[
    Rule {
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
        applies: |f| f.deal.close_date.is_none() && !f.written("close_date"),
        flag: None,
        warning: Some(Warning {
            code: Code::NoCloseDate,
            says: |_| (Pos::START, "this open deal has no `close_date`".into()),
        }),
    },
    Rule {
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
        applies: |f| f.deal.next_step.is_none(),
        flag: Some(Flag::NoNextStep),
        warning: Some(Warning {
            code: Code::NoNextStep,
            says: |_| (Pos::START, "this open deal has no `next_step`".into()),
        }),
    },
    Rule {
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
        applies: |f| f.deal.decision_maker.is_none(),
        flag: Some(Flag::NoDecisionMaker),
        warning: None,
    },
    Rule {
        applies: |f| f.deal.dm_engaged != Some(true),
        flag: Some(Flag::DmNotEngaged),
        warning: None,
    },
    Rule {
        applies: |f| f.deal.roi_accepted != Some(true),
        flag: Some(Flag::RoiNotAccepted),
        warning: None,
    },
    Rule {
        applies: |f| f.deal.amount.is_none() && !f.written("amount"),
        flag: None,
        warning: Some(Warning {
            code: Code::NoAmount,
            says: |_| (Pos::START, "this open deal has no `amount`".into()),
        }),
    },
    Rule {
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
        .filter(|rule| rule.flag.is_some() && (rule.applies)(&facts))
        .filter_map(|rule| rule.flag)
        .collect()
}

/// `check`'s warnings for one open deal.
pub fn deal_warnings(deal: &Deal, config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let facts = Facts {
        deal,
        config,
        today,
    };
    RULES
        .iter()
        .filter(|rule| rule.warning.is_some() && (rule.applies)(&facts))
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
        .collect()
}

/// Data hygiene (seed 001): `check`'s warnings for every open deal as of `today`, sorted like
/// the index's diagnostics.
pub fn warnings(index: &Index, config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = index
        .deals
        .iter()
        .filter(|d| d.is_open(config))
        .flat_map(|deal| deal_warnings(deal, config, today))
        .collect();
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
