//! Turning the index and its numbers into text: the template context, the minijinja
//! environment, and tables for `list`.

pub mod escape;
pub mod filters;
pub mod markdown;
mod object;
pub mod rows;
pub mod show;
pub mod table;
pub mod templates;
pub mod vcard;
pub mod words;

use serde::Serialize;

use crate::history::{History, Unavailable};
use crate::metrics::report::{self, ManagerCopy, Pipeline, Prep, ReportOptions};
use crate::model::Index;
use crate::model::{Audience, Config};
use crate::query::{Fields, Query, QueryError};
use crate::vault::Vault;

pub use templates::{RenderError, TemplateError, Templates};

/// How much a template needs. The built-in `pipeline.*` templates need only the pipeline's
/// numbers; the one-on-one sections (a review of every open deal and more) are not computed
/// for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sections {
    Pipeline,
    All,
}

impl Sections {
    pub fn for_template(name: &str) -> Sections {
        if name.starts_with("pipeline.") {
            Sections::Pipeline
        } else {
            Sections::All
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Report {
    Pipeline(Box<Pipeline>),
    Prep(Box<Prep>),
}

impl Report {
    pub fn pipeline(&self) -> &Pipeline {
        match self {
            Report::Pipeline(pipeline) => pipeline,
            Report::Prep(prep) => &prep.pipeline,
        }
    }
}

/// Everything a template sees: the pipeline numbers and (for `Sections::All`) the prep sheet's
/// sections, flattened to the top level, plus the audience it was rendered for.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    #[serde(flatten)]
    pub report: Report,
    pub audience: Audience,
    /// Why there is no history, said once, plainly; `None` when there is.
    pub history_note: Option<String>,
    /// The `--where` expression the report is scoped to: its numbers count only those deals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// In the rep's own copy: what the manager's copy leaves out. `None` in the manager's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_copy: Option<ManagerCopy>,
}

/// What the `whatif.*` templates see: the scenario's outcome and who it is for.
#[derive(Debug, Serialize)]
pub struct WhatifContext<'a> {
    #[serde(flatten)]
    pub outcome: &'a crate::metrics::whatif::Outcome,
    pub audience: Audience,
}

impl Context {
    /// Whether the report left anything out (see `NotCounted`): its exit status says so.
    pub fn is_complete(&self) -> bool {
        self.report.pipeline().not_counted.is_empty()
    }
}

/// The template context of a vault's report for `audience`: the numbers from its own index
/// and history (of the deals `scope` matches, if given), and in the rep's copy what the
/// manager's leaves out.
pub fn vault_context(
    vault: &Vault,
    options: &ReportOptions,
    audience: Audience,
    history: &Result<History, Unavailable>,
    sections: Sections,
    scope: Option<&str>,
) -> Result<Context, QueryError> {
    let scoped = |audience: Audience| -> Result<Option<Index>, QueryError> {
        let index = vault.index_for(audience);
        let known = history.as_ref().ok().map(|h| h.for_audience(audience));
        scope
            .map(|s| scoped(index, &vault.config, options, known.as_deref(), s))
            .transpose()
    };
    let mine = scoped(audience)?;
    let index = mine.as_ref().unwrap_or(vault.index_for(audience));
    let mut context = context(index, &vault.config, options, audience, history, sections);
    context.scope = scope.map(str::to_string);
    if audience == Audience::Me {
        let theirs = scoped(Audience::Manager)?;
        let theirs = theirs
            .as_ref()
            .unwrap_or(vault.index_for(Audience::Manager));
        context.manager_copy = Some(report::manager_copy(index, theirs, &vault.config, options));
    }
    Ok(context)
}

/// The index with only the deals the `--where` expression `filter` matches, judged on the
/// fields `list` shows for them (the computed ones included, from the reader's `history`).
pub fn scoped(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
    filter: &str,
) -> Result<Index, QueryError> {
    let views = report::deal_views(index, config, options, history);
    let rows = rows::rows(index, config, rows::Listing::Deals, &views);
    let query = Query::parse(filter, &Fields::of(crate::model::Kind::Deal, &rows))?;
    let keep: std::collections::HashSet<&str> = rows
        .iter()
        .filter(|row| query.matches(row, index))
        .filter_map(|row| row["id"].as_str())
        .collect();
    Ok(index.with_deals(|deal| keep.contains(deal.record.id.as_str())))
}

/// Computes the reports for `audience` from its own index (`Vault::index_for`) and its own
/// history: nothing the audience may not see is in either.
pub fn context(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    audience: Audience,
    history: &Result<History, Unavailable>,
    sections: Sections,
) -> Context {
    let history = match history {
        Ok(history) => Ok(history.for_audience(audience)),
        Err(e) => Err(e.to_string()),
    };
    let known = history.as_deref().ok();
    let report = match sections {
        Sections::Pipeline => {
            Report::Pipeline(Box::new(report::pipeline(index, config, options, known)))
        }
        Sections::All => Report::Prep(Box::new(report::prep(index, config, options, known))),
    };
    Context {
        report,
        audience,
        history_note: history.err(),
        scope: None,
        manager_copy: None,
    }
}
