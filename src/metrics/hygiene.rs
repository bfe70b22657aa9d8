//! Data hygiene (seed 001): what `check` warns about on open deals.

use chrono::NaiveDate;

use crate::diagnostic::{self, Code, Diagnostic, Pos};
use crate::model::Config;
use crate::model::Index;

/// Warnings for every open deal as of `today`, sorted like the index's diagnostics.
pub fn warnings(index: &Index, config: &Config, today: NaiveDate) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for deal in index.deals.iter().filter(|d| d.is_open(config)) {
        let record = &deal.record;
        let mut warn = |pos: Pos, code: Code, message: String| {
            found.push(Diagnostic::new(&record.path, pos, code, message));
        };
        let written = |field: &str| record.fields.get(field).is_some_and(|v| !v.is_null());
        match deal.close_date {
            None if written("close_date") => {} // an invalid date, reported as an error
            None => warn(
                Pos::START,
                Code::NoCloseDate,
                "this open deal has no `close_date`".into(),
            ),
            Some(date) if date < today => warn(
                record.pos("close_date"),
                Code::CloseDatePast,
                format!("the close date {date} has passed; update it or close the deal"),
            ),
            _ => {}
        }
        match (&deal.next_step, deal.next_step_date) {
            (None, _) => warn(
                Pos::START,
                Code::NoNextStep,
                "this open deal has no `next_step`".into(),
            ),
            (Some(_), Some(date)) if date < today => warn(
                record.pos("next_step_date"),
                Code::NextStepOverdue,
                format!("the next step was due {date}"),
            ),
            _ => {}
        }
        match super::last_activity(deal) {
            _ if !super::is_stale(deal, config, today) => {}
            Some(last) => {
                let pos = record
                    .body
                    .log
                    .iter()
                    .find(|e| e.date == last)
                    .map_or(Pos::START, |e| Pos::new(e.line, 1));
                let days = (today - last).num_days();
                warn(
                    pos,
                    Code::Stale,
                    format!("no activity for {days} days (since {last}); log what happened"),
                )
            }
            None => warn(
                Pos::START,
                Code::Stale,
                "no activity logged: add a `## Log` entry or a `created` date".into(),
            ),
        }
        if deal.amount.is_none() && !written("amount") {
            warn(
                Pos::START,
                Code::NoAmount,
                "this open deal has no `amount`".into(),
            );
        }
        if !super::money::has_rate(deal, config) {
            warn(
                record.pos("currency"),
                Code::NoFxRate,
                format!(
                    "no exchange rate for {} in `fx:`; this deal is left out of totals",
                    deal.currency
                ),
            );
        }
    }
    diagnostic::sort(&mut found);
    found
}
