//! The minijinja environment: built-in templates compiled in, the vault's `templates/` first.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::{escape, filters};
use crate::model::Limits;

/// The templates that ship inside the binary, by name.
pub const BUILT_IN: [(&str, &str); 19] = [
    ("pipeline.md", include_str!("../../templates/pipeline.md")),
    ("prep.md", include_str!("../../templates/prep.md")),
    (
        "pipeline.html",
        include_str!("../../templates/pipeline.html"),
    ),
    ("prep.html", include_str!("../../templates/prep.html")),
    ("whatif.md", include_str!("../../templates/whatif.md")),
    ("whatif.html", include_str!("../../templates/whatif.html")),
    (
        "report-parts.md",
        include_str!("../../templates/report-parts.md"),
    ),
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
    (
        "serve-page.html",
        include_str!("../../templates/serve-page.html"),
    ),
    (
        "serve-frame.html",
        include_str!("../../templates/serve-frame.html"),
    ),
    (
        "serve-board.html",
        include_str!("../../templates/serve-board.html"),
    ),
    (
        "serve-deals.html",
        include_str!("../../templates/serve-deals.html"),
    ),
    (
        "serve-record.html",
        include_str!("../../templates/serve-record.html"),
    ),
    (
        "serve-check.html",
        include_str!("../../templates/serve-check.html"),
    ),
    (
        "serve-asks.html",
        include_str!("../../templates/serve-asks.html"),
    ),
    (
        "serve-side-by-side.html",
        include_str!("../../templates/serve-side-by-side.html"),
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
    /// The most bytes one render may write.
    output_limit: usize,
}

/// The auto-escape mode of Markdown reports: see `escape::markdown`.
const MARKDOWN: &str = "markdown";

/// The largest template dealbook reads.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

impl Templates {
    /// The built-in templates, overridden by the vault's own in `root/templates/`, within
    /// `limits`.
    pub fn new(root: Option<&Path>, limits: &Limits) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_keep_trailing_newline(true);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_fuel(Some(limits.template_steps));
        env.set_auto_escape_callback(|name| {
            // Reports in Markdown escape vault text for Markdown; the record templates `new`
            // uses write YAML and escape with the `yaml` filter.
            if name.ends_with(".md") && !name.starts_with("new-") {
                AutoEscape::Custom(MARKDOWN)
            } else {
                minijinja::default_auto_escape_callback(name)
            }
        });
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == AutoEscape::Custom(MARKDOWN) && !value.is_safe() {
                out.write_str(&escape::markdown(&value.to_string()))?;
                Ok(())
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        let folder = root.map(TemplateFolder::new);
        env.set_loader(move |name| {
            if !is_template_name(name) {
                return Ok(None);
            }
            if let Some(source) = folder.as_ref().map(|f| f.read(name)).transpose()?.flatten() {
                return Ok(Some(source));
            }
            Ok(BUILT_IN
                .iter()
                .find(|(built_in, _)| *built_in == name)
                .map(|(_, source)| source.to_string()))
        });
        filters::register(&mut env);
        Templates {
            env,
            output_limit: limits.output_bytes(),
        }
    }

    /// Renders template `name` with `context`. HTML templates autoescape by their extension.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, TemplateError> {
        let mut out = Vec::new();
        match self.render_to(name, context, &mut out) {
            Ok(()) => Ok(String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
            Err(RenderError::Template(e)) => Err(e),
            Err(RenderError::Write(e)) => Err(TemplateError {
                template: name.to_string(),
                line: None,
                message: e.to_string(),
            }),
        }
    }

    /// `render`, writing to `out` as it goes: a report over a big vault is not held in memory.
    pub fn render_to(
        &self,
        name: &str,
        context: &impl Serialize,
        out: impl std::io::Write,
    ) -> Result<(), RenderError> {
        let template = self.template(name)?;
        let _rendering = Rendering::start(name, self.output_limit);
        let mut out = Capped {
            out,
            left: self.output_limit,
        };
        match template.render_captured_to(context, &mut out) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == minijinja::ErrorKind::WriteFailure && out.left == 0 => {
                Err(TemplateError {
                    template: name.to_string(),
                    line: e.line(),
                    message: format!(
                        "it wrote more than {} MB, the most a template may write; it was stopped (raise `limits: {{ output_mb: … }}` in dealbook.yaml if the report really is that big)",
                        self.output_limit >> 20
                    ),
                }
                .into())
            }
            Err(e) if e.kind() == minijinja::ErrorKind::WriteFailure => {
                let io = std::error::Error::source(&e)
                    .and_then(|source| source.downcast_ref::<std::io::Error>())
                    .map_or(std::io::ErrorKind::Other, std::io::Error::kind);
                Err(RenderError::Write(std::io::Error::new(io, e.to_string())))
            }
            Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => Err(TemplateError {
                template: name.to_string(),
                line: e.line(),
                message: "it took more steps than a template may take (an endless or enormous loop?); it was stopped (raise `limits: { template_steps: … }` in dealbook.yaml if the report really needs them)".into(),
            }
            .into()),
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

/// The names `render` takes in the vault at `root`: its `templates/` files (paths below that
/// folder, hidden ones left out), then the built-ins it does not override.
pub fn names(root: &Path) -> Vec<String> {
    let folder = root.join("templates");
    let mut names: Vec<String> = walkdir::WalkDir::new(&folder)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().as_encoded_bytes().starts_with(b".")
        })
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_type().is_dir())
        .filter_map(|entry| {
            let name = entry
                .path()
                .strip_prefix(&folder)
                .ok()?
                .to_str()?
                .to_string();
            is_template_name(&name).then_some(name)
        })
        .collect();
    names.sort();
    for (built_in, _) in BUILT_IN {
        if !names.iter().any(|name| name == built_in) {
            names.push(built_in.to_string());
        }
    }
    names
}

/// A template name dealbook will look up: a relative path of plain names, no `..`, no hidden
/// parts.
fn is_template_name(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty()
        && !name.contains('\\')
        && path.components().all(|c| match c {
            std::path::Component::Normal(part) => !part.as_encoded_bytes().starts_with(b"."),
            _ => false,
        })
}

/// The vault's `templates/` folder. A template is read only if it is a regular file inside it,
/// links followed: never a link out of it, a FIFO or a device.
struct TemplateFolder {
    path: PathBuf,
    /// Where the folder really is, if it is inside the vault.
    resolved: Option<PathBuf>,
}

impl TemplateFolder {
    fn new(root: &Path) -> TemplateFolder {
        let path = root.join("templates");
        let resolved = match (root.canonicalize(), path.canonicalize()) {
            (Ok(root), Ok(folder)) if folder.starts_with(&root) => Some(folder),
            _ => None,
        };
        TemplateFolder { path, resolved }
    }

    /// The template's text; `None` when the vault has no template of that name.
    fn read(&self, name: &str) -> Result<Option<String>, minijinja::Error> {
        let path = self.path.join(name);
        let refuse = |why: String| {
            Err(minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("cannot read templates/{name}: {why}"),
            ))
        };
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return refuse(e.to_string()),
            Ok(_) => {}
        }
        let inside = match (&self.resolved, path.canonicalize()) {
            (Some(folder), Ok(target)) => target.starts_with(folder),
            _ => false,
        };
        if !inside {
            return refuse("it leads outside the vault's templates folder".into());
        }
        match crate::vault::read_regular_file(&path, MAX_TEMPLATE_BYTES) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(source) => Ok(Some(source)),
                Err(_) => refuse("it is not UTF-8 text".into()),
            },
            Err(e) => refuse(e.to_string()),
        }
    }
}

/// Writes through to `out` until `left` bytes are spent, then fails.
struct Capped<W> {
    out: W,
    left: usize,
}

impl<W: std::io::Write> std::io::Write for Capped<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if bytes.len() > self.left {
            self.left = 0;
            return Err(std::io::Error::other("the output limit is reached"));
        }
        let written = self.out.write(bytes)?;
        self.left -= written;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

thread_local! {
    /// While a template renders on this thread: its name, and the most memory it may ask for
    /// at once. The binary's allocator reads these to stop a template that builds ever-longer
    /// text before it exhausts the machine's memory.
    static RENDERING_NAME: RefCell<String> = const { RefCell::new(String::new()) };
    static RENDERING_LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// Marks a render in progress on this thread, until dropped.
struct Rendering;

impl Rendering {
    fn start(name: &str, output_limit: usize) -> Rendering {
        RENDERING_NAME.with(|n| {
            let mut n = n.borrow_mut();
            n.clear();
            n.push_str(name);
        });
        // Text is built in memory before it is written: allow some room over the output limit.
        RENDERING_LIMIT.with(|l| l.set(output_limit.saturating_mul(2)));
        Rendering
    }
}

impl Drop for Rendering {
    fn drop(&mut self) {
        RENDERING_LIMIT.with(|l| l.set(0));
    }
}

/// If a template is rendering on this thread and `size` bytes at once is more than it may ask
/// for, calls `stop` with the template's name. For a global allocator: it allocates nothing.
pub fn check_allocation(size: usize, stop: impl FnOnce(&str)) {
    let limit = RENDERING_LIMIT.try_with(Cell::get).unwrap_or(0);
    if limit == 0 || size <= limit {
        return;
    }
    let _ = RENDERING_NAME.try_with(|name| match name.try_borrow() {
        Ok(name) => stop(&name),
        Err(_) => stop("?"),
    });
}
