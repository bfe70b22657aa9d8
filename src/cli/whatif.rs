//! `whatif [FILE] [--win ID] [--lose ID] [--slip ID=DATE] [--amount ID=N] [--prob ID=P]`

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use dealbook::metrics::whatif::{whatif, Scenario};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario file: `win: [a]`, `lose: [b]`, `slip: {c: 2027-01-15}`, `amount: {d: 50000}`, `prob: {e: 70}`.
    file: Option<PathBuf>,
    /// Close this deal won (in the period).
    #[arg(long, value_name = "ID")]
    win: Vec<String>,
    /// Close this deal lost.
    #[arg(long, value_name = "ID")]
    lose: Vec<String>,
    /// Move a deal's close date.
    #[arg(long, value_name = "ID=YYYY-MM-DD")]
    slip: Vec<String>,
    /// Change a deal's amount.
    #[arg(long, value_name = "ID=N")]
    amount: Vec<String>,
    /// Change a deal's probability.
    #[arg(long, value_name = "ID=P")]
    prob: Vec<String>,
    /// YYYY-Qn, YYYY-MM or YYYY (default: the fiscal quarter holding --as-of).
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    audience: super::ForAudience,
    #[command(flatten)]
    deals: super::report::Scoped,
}

#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Md,
    Html,
    Json,
}

/// `ID=VALUE` pairs; `what` says what a value must be ("a date written YYYY-MM-DD").
fn pairs<T>(
    values: &[String],
    flag: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<(String, T)>, super::UsageError> {
    values
        .iter()
        .map(|value| {
            let (id, raw) = value.split_once('=').ok_or_else(|| {
                super::UsageError(format!("--{flag} takes ID=VALUE, not `{value}`"))
            })?;
            let parsed = parse(raw.trim()).ok_or_else(|| {
                super::UsageError(format!("--{flag} {value}: `{raw}` is not {what}"))
            })?;
            Ok((id.trim().to_string(), parsed))
        })
        .collect()
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load_detail(dealbook::parse::Detail::Reports)?;
    let mut scenario = match &args.file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            dealbook::parse::yaml::parse_document::<Scenario>(&text).map_err(|e| {
                super::UsageError(format!(
                    "{}:{}:{}: {}",
                    path.display(),
                    e.pos.line,
                    e.pos.column,
                    e.message
                ))
            })?
        }
        None => Scenario::default(),
    };
    scenario.merge(Scenario {
        win: args.win,
        lose: args.lose,
        slip: pairs(&args.slip, "slip", "a date written YYYY-MM-DD", |v| {
            dealbook::parse::body::parse_date(v).filter(|_| v.len() == 10)
        })?
        .into_iter()
        .collect(),
        amount: pairs(&args.amount, "amount", "a plain number", |v| v.parse().ok())?
            .into_iter()
            .collect(),
        prob: pairs(&args.prob, "prob", "a number from 0 to 100", |v| {
            v.parse().ok()
        })?
        .into_iter()
        .collect(),
    });
    if scenario == Scenario::default() {
        return Err(super::UsageError(
            "say what to change: --win ID, --lose ID, --slip ID=DATE, --amount ID=N, --prob ID=P, or a scenario FILE".into(),
        )
        .into());
    }
    let mut options = super::report::scoped_options(args.period.as_deref(), &vault, env.today())?;
    options.quota = args.deals.quota;
    let audience = args.audience.audience();
    // Deals are named as everywhere else: an id, a path or an unambiguous title.
    let scenario = scenario.named(|name| {
        let path = vault
            .find_for(name, audience)
            .map_err(|e| super::UsageError(e.to_string()))?;
        let id = dealbook::parse::record_id(&path);
        match vault.index_for(audience).deal(&id) {
            Some(deal) if deal.record.path == path => Ok(id),
            _ => Err(super::UsageError(format!(
                "{} is not a deal; a what-if changes deals",
                path.display()
            ))),
        }
    })?;
    let index = match args.deals.filter.as_deref() {
        Some(filter) => {
            let history = super::history::read(&vault, env.today());
            let known = history.as_ref().ok().map(|h| h.for_audience(audience));
            let index = vault.index_for(audience);
            dealbook::render::scoped(index, &vault.config, &options, known.as_deref(), filter)
                .map_err(|e| super::UsageError(e.to_string()))?
        }
        None => vault.index_for(audience).clone(),
    };
    let outcome = whatif(&index, &vault.config, &options, &scenario)
        .map_err(|e| super::UsageError(e.to_string()))?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&outcome)? + "\n",
        format => {
            let template = match format {
                Format::Html => "whatif.html",
                _ => "whatif.md",
            };
            let context = dealbook::render::WhatifContext {
                outcome: &outcome,
                audience,
            };
            dealbook::build::templates(&vault).render(template, &context)?
        }
    };
    super::output::print(&text)?;
    // Like the reports: 1 when the baseline or the scenario left a deal out (the output says
    // which).
    Ok(if outcome.not_counted.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
