//! The minijinja environment: built-in templates compiled in, the vault's `templates/` first.

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::filters;

/// The templates that ship inside the binary, by name.
pub const BUILT_IN: [(&str, &str); 8] = [
    ("pipeline.md", include_str!("../../templates/pipeline.md")),
    ("prep.md", include_str!("../../templates/prep.md")),
    (
        "pipeline.html",
        include_str!("../../templates/pipeline.html"),
    ),
    ("prep.html", include_str!("../../templates/prep.html")),
    (
        "report-parts.html",
        include_str!("../../templates/report-parts.html"),
    ),
    ("new-deal.md", include_str!("../../templates/new-deal.md")),
    (
        "new-contact.md",
        include_str!("../../templates/new-contact.md"),
    ),
    (
        "new-account.md",
        include_str!("../../templates/new-account.md"),
    ),
];

/// A template that failed, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {template}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub template: String,
    pub line: Option<usize>,
    pub message: String,
}

impl TemplateError {
    fn from_minijinja(name: &str, error: &minijinja::Error) -> TemplateError {
        let mut message = error.kind().to_string();
        if let Some(detail) = error.detail() {
            message = format!("{message}: {detail}");
        }
        TemplateError {
            template: error.name().unwrap_or(name).to_string(),
            line: error.line(),
            message,
        }
    }
}

/// A template that failed, or the output that could not take the text.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Write(#[from] std::io::Error),
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Templates from `vault_templates` (a vault's `templates/` folder) override built-ins.
    pub fn new(vault_templates: Option<PathBuf>) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_loader(move |name| {
            if name.contains("..") || Path::new(name).is_absolute() {
                return Ok(None);
            }
            if let Some(dir) = &vault_templates {
                match std::fs::read_to_string(dir.join(name)) {
                    Ok(source) => return Ok(Some(source)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read template {name}: {e}"),
                        ))
                    }
                }
            }
            Ok(BUILT_IN
                .iter()
                .find(|(built_in, _)| *built_in == name)
                .map(|(_, source)| source.to_string()))
        });
        env.add_filter("money", filters::money);
        env.add_filter("percent", filters::percent);
        env.add_filter("date", filters::date);
        env.add_filter("days_between", filters::days_between);
        env.add_filter("flag_label", filters::flag_label);
        env.add_function("days_between", filters::days_between);
        env.add_filter("yaml", |text: String| crate::parse::yaml::scalar(&text));
        Templates { env }
    }

    /// Renders template `name` with `context`. HTML templates autoescape by their extension.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, TemplateError> {
        self.template(name)?
            .render(context)
            .map_err(|e| TemplateError::from_minijinja(name, &e))
    }

    /// `render`, writing to `out` as it goes: a report over a big vault is not held in memory.
    pub fn render_to(
        &self,
        name: &str,
        context: &impl Serialize,
        out: impl std::io::Write,
    ) -> Result<(), RenderError> {
        match self.template(name)?.render_captured_to(context, out) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == minijinja::ErrorKind::WriteFailure => {
                let io = std::error::Error::source(&e)
                    .and_then(|source| source.downcast_ref::<std::io::Error>())
                    .map_or(std::io::ErrorKind::Other, std::io::Error::kind);
                Err(RenderError::Write(std::io::Error::new(io, e.to_string())))
            }
            Err(e) => Err(TemplateError::from_minijinja(name, &e).into()),
        }
    }

    fn template(&self, name: &str) -> Result<minijinja::Template<'_, '_>, TemplateError> {
        self.env.get_template(name).map_err(|e| {
            if e.kind() == minijinja::ErrorKind::TemplateNotFound {
                TemplateError {
                    template: name.to_string(),
                    line: None,
                    message: format!(
                        "no such template in the vault's templates/ folder or among the built-ins ({})",
                        BUILT_IN.map(|(n, _)| n).join(", ")
                    ),
                }
            } else {
                TemplateError::from_minijinja(name, &e)
            }
        })
    }
}
