//! Rendering every output configured in `dealbook.yaml` to disk: what `build` and `watch` do.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::history::{History, Unavailable};
use crate::metrics::report::ReportOptions;
use crate::model::{Audience, Output};
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
/// good outputs. Contexts and outputs are computed on all cores: watch waits for the slowest.
pub fn build(
    vault: &Vault,
    options: &ReportOptions,
    history: &Result<History, Unavailable>,
) -> Result<Vec<Built>, BuildError> {
    let templates = templates(vault);
    let key = |output: &Output| (output.audience, Sections::for_template(&output.template));
    let mut keys: Vec<(Audience, Sections)> = Vec::new();
    for output in &vault.config.outputs {
        if !keys.contains(&key(output)) {
            keys.push(key(output));
        }
    }
    let contexts: Vec<Context> = keys
        .par_iter()
        .map(|&(audience, sections)| {
            let (index, config) = (vault.index_for(audience), &vault.config);
            render::context(index, config, options, audience, history, sections)
        })
        .collect();
    let rendered: Vec<(PathBuf, String)> = vault
        .config
        .outputs
        .par_iter()
        .map(|output| {
            let at = keys.iter().position(|k| *k == key(output));
            let context = &contexts[at.expect("every output's key is among the keys")];
            let text = templates.render(&output.template, context)?;
            Ok((PathBuf::from(&output.to), text))
        })
        .collect::<Result<_, TemplateError>>()?;
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
