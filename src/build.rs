//! Rendering every output configured in `dealbook.yaml` to disk: what `build` and `watch` do.

use std::path::PathBuf;

use crate::history::{History, Unavailable};
use crate::metrics::report::ReportOptions;
use crate::model::Audience;
use crate::render::{self, Context, Sections, TemplateError, Templates};
use crate::vault::Vault;
use crate::write::atomic;

/// One output and whether its file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// Relative to the vault root.
    pub path: PathBuf,
    pub written: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The vault's templates, falling back to the built-ins.
pub fn templates(vault: &Vault) -> Templates {
    Templates::new(Some(vault.root.join("templates")))
}

/// Renders each output (one context per audience and need), writing only files whose text changed.
/// Nothing is written unless every template renders, so a broken template keeps the last
/// good outputs.
pub fn build(
    vault: &Vault,
    options: &ReportOptions,
    history: &Result<History, Unavailable>,
) -> Result<Vec<Built>, BuildError> {
    let templates = templates(vault);
    let mut contexts: Vec<((Audience, Sections), Context)> = Vec::new();
    let mut rendered = Vec::new();
    for output in &vault.config.outputs {
        let key = (output.audience, Sections::for_template(&output.template));
        let context = match contexts.iter().position(|(k, _)| *k == key) {
            Some(i) => &contexts[i].1,
            None => {
                let (audience, sections) = key;
                let context = render::context(
                    &vault.index,
                    &vault.config,
                    options,
                    audience,
                    history,
                    sections,
                );
                contexts.push((key, context));
                &contexts.last().expect("just pushed").1
            }
        };
        rendered.push((
            PathBuf::from(&output.to),
            templates.render(&output.template, context)?,
        ));
    }
    rendered
        .into_iter()
        .map(|(path, text)| {
            let written = atomic::write_if_changed(&vault.root.join(&path), text.as_bytes())
                .map_err(|source| BuildError::Write {
                    path: path.clone(),
                    source,
                })?;
            Ok(Built { path, written })
        })
        .collect()
}
