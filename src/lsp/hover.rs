//! Hover: on a deal's `stage:`, `amount:` or `probability:` line, the numbers the reports
//! compute for it; on a link, a summary of the record it names; on a line with a problem, what
//! the problem's code means.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::text::Document;
use super::{diagnostics, links, navigation};
use crate::history::{History, Unavailable};
use crate::metrics::money::Num;
use crate::metrics::report::{views_of, DealView, ReportOptions};
use crate::metrics::show::{record_view, Details};
use crate::model::{Audience, Deal};
use crate::parse::front_matter::top_level_key;
use crate::render::escape::markdown;
use crate::render::filters::format_money;
use crate::vault::Vault;

/// The fields whose line shows a deal's numbers.
const NUMBER_FIELDS: [&str; 3] = ["stage", "amount", "probability"];

/// What the hover shows at byte `offset` of the file at `path`. The git history is asked for
/// only where the numbers need it (reading it again after a change takes a while).
pub fn hover<'a>(
    vault: &Vault,
    history: impl Fn() -> &'a Result<History, Unavailable>,
    doc: &Document,
    path: &Path,
    offset: usize,
    today: NaiveDate,
) -> Option<Hover> {
    let options = || ReportOptions::current(&vault.config, today, history().as_ref().ok());
    let line = doc.position(offset).line as usize;
    let mut parts = Vec::new();
    let key = top_level_key(doc.line(line)).filter(|_| {
        links::front_matter_lines(doc).is_some_and(|(first, last)| (first..last).contains(&line))
    });
    if let Some((key, _)) = key {
        let deal = navigation::own_deal(vault, path);
        if let Some(deal) = deal.filter(|_| NUMBER_FIELDS.contains(&vault.config.field_for(key))) {
            parts.push(deal_numbers(
                deal,
                vault,
                &options(),
                history().as_ref().ok(),
            ));
        }
    }
    if let Some(link) = links::at(doc, &vault.config, offset) {
        if let Some(target) = links::resolve(&vault.index, &link) {
            parts.extend(record_summary(
                vault,
                &target.record.path,
                &options(),
                history(),
            ));
        }
    }
    let problems = diagnostics::of_file(vault, path, today);
    for problem in problems.iter().filter(|d| d.line == line + 1) {
        parts.push(format!(
            "`{}`: {}",
            problem.code.as_str(),
            problem.code.explain()
        ));
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

fn money(amount: Option<Num>, currency: &str) -> String {
    amount.map_or("—".into(), |a| format_money(a.0, currency))
}

/// A deal as the reports count it: probability, weighted amount, forecast category, flags,
/// and from git its days in stage and pushes.
fn deal_numbers(
    deal: &Arc<Deal>,
    vault: &Vault,
    options: &ReportOptions,
    history: Option<&History>,
) -> String {
    let config = &vault.config;
    let Some(view) = views_of(&[deal], &vault.index, config, options, history).pop() else {
        return format!(
            "**{}**: no stage the config knows, so no report counts it",
            markdown(&deal.title)
        );
    };
    let whose = if deal.probability.is_some() {
        "its own"
    } else {
        "the stage's"
    };
    let mut lines = vec![
        format!("**{}** · {}", markdown(&view.title), view.stage),
        format!(
            "probability {}% ({whose}) · weighted **{}** of {} · forecast `{}`",
            view.probability.0,
            money(view.weighted, &config.currency),
            money(view.amount, &config.currency),
            view.forecast.as_str()
        ),
        flags(&view),
    ];
    lines.extend(trend(&view, history.is_some()));
    lines.join("  \n")
}

fn flags(view: &DealView) -> String {
    if view.flags.is_empty() {
        return "no flags".into();
    }
    let words: Vec<&str> = view.flags.iter().map(|f| f.label()).collect();
    format!("flags: {}", words.join(", "))
}

/// Days in stage and pushes, when the history is there to say.
fn trend(view: &DealView, has_history: bool) -> Option<String> {
    if !has_history {
        return None;
    }
    let days = view
        .days_in_stage
        .map_or("days in stage unknown".into(), |d| {
            format!("{d} days in {}", view.stage)
        });
    let pushes = match view.push_count {
        Some(0) | None => "never pushed".to_string(),
        Some(1) => "close date pushed once".to_string(),
        Some(n) => format!("close date pushed {n} times"),
    };
    Some(format!("{days} · {pushes}"))
}

/// A linked record at a glance: a contact's role and account, an account's open deals and
/// their total, a deal's stage and amount.
fn record_summary(
    vault: &Vault,
    path: &Path,
    options: &ReportOptions,
    history: &Result<History, Unavailable>,
) -> Option<String> {
    let view = record_view(
        path,
        &vault.index,
        &vault.config,
        options,
        Audience::Me,
        history,
    )?;
    let currency = &view.base_currency;
    Some(match &view.details {
        Details::Contact(c) => {
            let role = c
                .role
                .as_deref()
                .map_or(String::new(), |r| format!(" · {}", markdown(r)));
            let account = c
                .account
                .as_deref()
                .map_or(String::new(), |a| format!(" at {}", markdown(a)));
            format!("**{}** · contact{role}{account}", markdown(&c.name))
        }
        Details::Account(a) => {
            let open: Vec<String> = a
                .deals
                .iter()
                .filter(|d| d.open)
                .map(|d| {
                    let stage = d.stage.as_deref().unwrap_or("no stage");
                    format!(
                        "- {} · {stage} · {}",
                        markdown(&d.title),
                        money(d.amount, currency)
                    )
                })
                .collect();
            let totals = &a.totals.open;
            let mut text = format!(
                "**{}** · account · {} open {} · {} ({} weighted)",
                markdown(&a.name),
                totals.count,
                if totals.count == 1 { "deal" } else { "deals" },
                format_money(totals.amount.0, currency),
                format_money(totals.weighted.0, currency)
            );
            for line in open {
                text.push('\n');
                text.push_str(&line);
            }
            text
        }
        Details::Deal(d) => format!(
            "**{}** · {} · {}",
            markdown(&d.title),
            d.stage.as_deref().unwrap_or("no stage"),
            money(d.base_amount, currency)
        ),
    })
}
