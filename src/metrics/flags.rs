//! What is wrong with an open deal, in the words the reports use.

use chrono::NaiveDate;

use crate::model::{Config, Deal};

/// The flags of one open deal as of `today`, in a fixed order.
pub fn flags(deal: &Deal, config: &Config, today: NaiveDate) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if super::is_stale(deal, config, today) {
        flags.push("stale");
    }
    if deal.close_date.is_some_and(|d| d < today) {
        flags.push("past_close_date");
    }
    if deal.next_step.is_none() {
        flags.push("no_next_step");
    } else if deal.next_step_date.is_some_and(|d| d < today) {
        flags.push("next_step_overdue");
    }
    if deal.decision_maker.is_none() {
        flags.push("no_decision_maker");
    }
    if deal.dm_engaged != Some(true) {
        flags.push("dm_not_engaged");
    }
    if deal.roi_accepted != Some(true) {
        flags.push("roi_not_accepted");
    }
    if !super::money::has_rate(deal, config) {
        flags.push("no_fx_rate");
    }
    flags
}

/// Flags that mean the deal is slipping and the manager may need to help.
pub const AT_RISK: [&str; 5] = [
    "stale",
    "past_close_date",
    "no_next_step",
    "next_step_overdue",
    "pushed",
];

/// Plain words for a flag, for people reading a report.
pub fn describe(flag: &str) -> &'static str {
    match flag {
        "stale" => "no recent activity",
        "past_close_date" => "close date has passed",
        "no_next_step" => "no next step",
        "next_step_overdue" => "next step overdue",
        "no_decision_maker" => "no decision maker named",
        "dm_not_engaged" => "decision maker not engaged",
        "roi_not_accepted" => "ROI not accepted",
        "no_fx_rate" => "no exchange rate: left out of totals",
        "pushed" => "close date pushed",
        _ => "",
    }
}
