//! Rendering every output configured in `dealbook.yaml` to disk: what `build` and `watch` do.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::history::{History, Unavailable};
use crate::metrics::report::ReportOptions;
use crate::model::{Audience, Output};
use crate::render::{self, Context, Sections, TemplateError, Templates};
use crate::vault::Vault;
use crate::write::{atomic, place};

/// One output and whether its file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    /// Relative to the vault root.
    pub path: PathBuf,
    pub written: bool,
    /// Whether its report counted everything (see `NotCounted`).
    pub complete: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// An output's `where:` cannot be read.
    #[error("an output's `where:` in dealbook.yaml: {0}")]
    Scope(#[from] crate::query::QueryError),
    #[error("cannot write {}: {reason}", path.display())]
    Write {
        path: PathBuf,
        reason: std::io::Error,
    },
}

/// The vault's templates, falling back to the built-ins.
pub fn templates(vault: &Vault) -> Templates {
    Templates::new(Some(&vault.root), &vault.config.limits)
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
    fn key(output: &Output) -> (Audience, Sections, Option<&str>) {
        let scope = output.scope.as_deref();
        (
            output.audience,
            Sections::for_template(&output.template),
            scope,
        )
    }
    let mut keys: Vec<(Audience, Sections, Option<&str>)> = Vec::new();
    for output in &vault.config.outputs {
        if !keys.contains(&key(output)) {
            keys.push(key(output));
        }
    }
    let contexts: Vec<Context> = keys
        .par_iter()
        .map(|&(audience, sections, scope)| {
            render::vault_context(vault, options, audience, history, sections, scope)
        })
        .collect::<Result<_, _>>()?;
    let rendered: Vec<(PathBuf, String, bool)> = vault
        .config
        .outputs
        .par_iter()
        .map(|output| {
            let at = keys.iter().position(|k| *k == key(output));
            let context = &contexts[at.expect("every output's key is among the keys")];
            let text = templates.render(&output.template, context)?;
            Ok((PathBuf::from(&output.to), text, context.is_complete()))
        })
        .collect::<Result<_, TemplateError>>()?;
    // Every target is checked before anything is written.
    let targets: Vec<(PathBuf, PathBuf, String, bool)> = rendered
        .into_iter()
        .map(|(path, text, complete)| {
            let real = output_target(vault, &path).map_err(|reason| BuildError::Write {
                path: path.clone(),
                reason,
            })?;
            Ok((path, real, text, complete))
        })
        .collect::<Result<_, BuildError>>()?;
    targets
        .into_iter()
        .map(|(path, real, text, complete)| {
            let written = atomic::write_if_changed(&real, text.as_bytes()).map_err(|reason| {
                BuildError::Write {
                    path: path.clone(),
                    reason,
                }
            })?;
            Ok(Built {
                path,
                written,
                complete,
            })
        })
        .collect()
}

/// Where an output's text goes: inside the vault, links followed, never onto a record, the
/// config, a template, a dotfile or `.git` (the config's `outputs:` are checked for the same
/// when it is read; this catches a link that leads there).
pub fn output_target(vault: &Vault, to: &Path) -> std::io::Result<PathBuf> {
    let real = place::resolve(&vault.root, to, true)?;
    let refuse = |why: String| {
        std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{why}; nothing was written"),
        )
    };
    let relative = place::within(&vault.root, &real)
        .ok_or_else(|| refuse("it is outside the vault".into()))?;
    if let Some(problem) = vault.config.output_problem(&relative.to_string_lossy()) {
        return Err(refuse(problem));
    }
    if holds_record(vault, &relative, &real) {
        return Err(refuse(format!(
            "{} holds a record, which a report must not overwrite",
            relative.display()
        )));
    }
    Ok(real)
}

/// Checks a file the rep named with `-o`: it may be anywhere they choose, but never one of the
/// vault's records, its config, a template or anything in a hidden folder such as `.git`.
pub fn check_chosen_output(vault: &Vault, path: &Path) -> std::io::Result<()> {
    let absolute = std::path::absolute(path)?;
    let folder = absolute.parent().unwrap_or(Path::new("/"));
    let Ok(real_folder) = folder.canonicalize() else {
        return Ok(()); // a folder that does not exist yet is not in the vault
    };
    let real = match absolute.file_name() {
        Some(name) => real_folder.join(name),
        None => real_folder,
    };
    let real = real.canonicalize().unwrap_or(real);
    let Some(relative) = place::within(&vault.root, &real) else {
        return Ok(());
    };
    let text = relative.to_string_lossy();
    let problem = if relative == Path::new(crate::model::CONFIG_FILE) {
        Some("it is the vault's config")
    } else if relative.starts_with("templates") {
        Some("it is one of the vault's templates")
    } else if relative
        .components()
        .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
    {
        Some("it is inside a hidden folder of the vault (such as .git)")
    } else if holds_record(vault, &relative, &real) {
        Some("it is one of the vault's records")
    } else {
        None
    };
    match problem {
        Some(why) => Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("dealbook will not write over {text}: {why}; nothing was written"),
        )),
        None => Ok(()),
    }
}

/// Whether the file at `real` is one of the vault's records (a note with a `type:`, say).
fn holds_record(vault: &Vault, relative: &Path, real: &Path) -> bool {
    let Ok(bytes) = std::fs::read(real) else {
        return false;
    };
    let kind = vault.config.folder_kind(relative);
    crate::parse::parse_file(relative, &bytes, kind, &vault.config)
        .record
        .is_some()
}
