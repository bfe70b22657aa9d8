//! Finding the vault, reading its files, and keeping the index (incrementally, for watch).

mod index;
mod walk;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::Config;
use crate::parse::{self, ParsedFile};

pub use index::Index;
pub use walk::{kind_of, relative_path};

pub const CONFIG_FILE: &str = "dealbook.yaml";

/// The nearest folder at or above `start` that holds a `dealbook.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Reads the vault's config; no file means the defaults.
pub fn load_config(root: &Path) -> Result<Config, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::new(
                    CONFIG_FILE,
                    Pos::START,
                    Code::NotUtf8,
                    "this file is not UTF-8 text",
                )
            })?;
            parse::parse_config(Path::new(CONFIG_FILE), &text)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(Diagnostic::new(
            CONFIG_FILE,
            Pos::START,
            Code::Unreadable,
            format!("cannot be read: {e}"),
        )),
    }
}

/// A loaded vault: its root, config, every parsed file, and the index built from them.
#[derive(Debug, Clone)]
pub struct Vault {
    pub root: PathBuf,
    pub config: Config,
    files: BTreeMap<PathBuf, ParsedFile>,
    /// Problems walking the folder (unreadable folders, symlink loops).
    walk_diagnostics: Vec<Diagnostic>,
    pub index: Index,
}

impl Vault {
    /// Reads the config and every record under `root`, in parallel.
    pub fn load(root: &Path) -> Result<Vault, Diagnostic> {
        let config = load_config(root)?;
        Ok(Vault::load_with(root, config))
    }

    pub fn load_with(root: &Path, config: Config) -> Vault {
        let (candidates, walk_diagnostics) = walk::candidates(root, &config);
        let files = candidates
            .par_iter()
            .map(|c| (c.path.clone(), read_and_parse(root, &c.path, &config)))
            .collect();
        let mut vault = Vault {
            root: root.to_path_buf(),
            config,
            files,
            walk_diagnostics,
            index: Index::default(),
        };
        vault.reindex();
        vault
    }

    /// Re-reads just these files (relative paths; gone ones are dropped) and rebuilds the index.
    pub fn refresh(&mut self, changed: &[PathBuf]) {
        for path in changed {
            let absolute = self.root.join(path);
            if absolute.is_file() && path.extension().is_some_and(|e| e == "md") {
                let parsed = read_and_parse(&self.root, path, &self.config);
                self.files.insert(path.clone(), parsed);
            } else {
                self.files.remove(path);
                // A removed folder takes its files with it.
                self.files.retain(|p, _| !p.starts_with(path) || p == path);
            }
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index = Index::build(&self.files);
        if !self.walk_diagnostics.is_empty() {
            self.index
                .diagnostics
                .extend(self.walk_diagnostics.iter().cloned());
            crate::diagnostic::sort(&mut self.index.diagnostics);
        }
    }

    /// Whether a relative path is one the index reads: not in a dot-folder, `templates/` or an
    /// output folder.
    pub fn is_indexed_path(&self, path: &Path) -> bool {
        walk::is_candidate_path(path, &self.config)
    }
}

fn read_and_parse(root: &Path, path: &Path, config: &Config) -> ParsedFile {
    match std::fs::read(root.join(path)) {
        Ok(bytes) => parse::parse_file(path, &bytes, kind_of(path, config), config),
        Err(e) => ParsedFile {
            record: None,
            diagnostics: vec![Diagnostic::new(
                path,
                Pos::START,
                Code::Unreadable,
                format!("cannot be read: {e}"),
            )],
        },
    }
}
