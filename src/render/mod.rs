//! Turning the index and its numbers into text: redaction for an audience, the template
//! context, the minijinja environment, and tables for `list`.

pub mod audience;
pub mod filters;
pub mod rows;
pub mod table;
pub mod templates;
pub mod vcard;

use serde::Serialize;

use crate::history::{History, Unavailable};
use crate::metrics::report::{self, Prep, ReportOptions};
use crate::model::{Audience, Config};
use crate::vault::Index;

pub use templates::{TemplateError, Templates};

/// Everything a template sees: the prep sheet's sections with all the pipeline numbers
/// (flattened to the top level), plus the audience it was rendered for.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    #[serde(flatten)]
    pub prep: Prep,
    pub audience: Audience,
    /// Why there is no history, said once, plainly; `None` when there is.
    pub history_note: Option<String>,
}

/// Redacts for the audience, then computes the reports on what is left.
pub fn context(
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    audience: Audience,
    history: &Result<History, Unavailable>,
) -> Context {
    let visible = audience::for_audience(index, config, audience);
    let history = match (history, audience) {
        (Ok(history), Audience::Manager) => Ok(history.without_private(&config.private_fields)),
        (Ok(history), Audience::Me) => Ok(history.clone()),
        (Err(e), _) => Err(e.to_string()),
    };
    Context {
        prep: report::prep(&visible, config, options, history.as_ref().ok()),
        audience,
        history_note: history.err(),
    }
}
