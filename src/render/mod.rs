//! Turning the index and its numbers into text: the template context, the minijinja
//! environment, and tables for `list`.

pub mod escape;
pub mod filters;
mod object;
pub mod rows;
pub mod table;
pub mod templates;
pub mod vcard;

use serde::Serialize;

use crate::history::{History, Unavailable};
use crate::metrics::report::{self, Pipeline, Prep, ReportOptions};
use crate::model::Index;
use crate::model::{Audience, Config};

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
}

/// What the `whatif.*` templates see: the scenario's outcome and who it is for.
#[derive(Debug, Serialize)]
pub struct WhatifContext<'a> {
    #[serde(flatten)]
    pub outcome: &'a crate::metrics::whatif::Outcome,
    pub audience: Audience,
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
    }
}
