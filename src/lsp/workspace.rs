//! The server's state: the vault (with the open buffers as overlays), the open documents, and
//! what was last published for each file, so only changed diagnostics are sent again.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use lsp_types::{PublishDiagnosticsParams, Uri};

use super::diagnostics;
use super::text::Document;
use super::uri;
use crate::diagnostic::Diagnostic;
use crate::history::{self, History, Unavailable};
use crate::model::CONFIG_FILE;
use crate::parse;
use crate::vault::changes::{classify, Change};
use crate::vault::{self, Vault};

/// The largest file read from the disk to show its problems or edit its links.
const MAX_FILE: u64 = 64 << 20;

pub struct Workspace {
    /// The vault's folder, as the client names it.
    pub root: PathBuf,
    /// The same folder with links resolved, for files the client names another way.
    canonical_root: PathBuf,
    /// `None` while `dealbook.yaml` cannot be read (its problems are `config_problems`).
    vault: Option<Vault>,
    config_problems: Vec<Diagnostic>,
    docs: HashMap<PathBuf, Document>,
    /// Open documents changed since the vault last read them.
    dirty: BTreeSet<PathBuf>,
    published: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
    /// The day the published warnings were worked out for.
    published_for: Option<NaiveDate>,
    /// Read when first asked for after a change (`None` until then).
    history: OnceCell<Result<History, Unavailable>>,
    history_cache: RefCell<history::Cache>,
    today: Box<dyn Fn() -> NaiveDate>,
}

impl Workspace {
    /// The vault holding `folder` (the nearest folder upward with a `dealbook.yaml`, else the
    /// folder itself), loaded.
    pub fn open(folder: &Path, today: Box<dyn Fn() -> NaiveDate>) -> Workspace {
        let root = vault::find_root(folder).unwrap_or_else(|| folder.to_path_buf());
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        let mut workspace = Workspace {
            root,
            canonical_root,
            vault: None,
            config_problems: Vec::new(),
            docs: HashMap::new(),
            dirty: BTreeSet::new(),
            published: HashMap::new(),
            published_for: None,
            history: OnceCell::new(),
            history_cache: RefCell::default(),
            today,
        };
        workspace.load();
        workspace
    }

    /// The vault's folder with links resolved, as a file watcher names its files.
    pub fn canonical_root(&self) -> &Path {
        &self.canonical_root
    }

    pub fn today(&self) -> NaiveDate {
        (self.today)()
    }

    pub fn vault(&self) -> Option<&Vault> {
        self.vault.as_ref()
    }

    /// The vault-relative path of a file the client names, if it is inside the vault.
    pub fn relative(&self, uri: &Uri) -> Option<PathBuf> {
        let path = uri::path_of(uri)?;
        let inside = |root: &Path, path: &Path| {
            let relative = path.strip_prefix(root).ok()?;
            let plain = relative
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            (plain && !relative.as_os_str().is_empty()).then(|| relative.to_path_buf())
        };
        inside(&self.root, &path)
            .or_else(|| inside(&self.canonical_root, &path))
            .or_else(|| {
                let parent = path.parent()?.canonicalize().ok()?;
                inside(&self.canonical_root, &parent.join(path.file_name()?))
            })
    }

    pub fn uri(&self, relative: &Path) -> Uri {
        uri::uri_of(&self.root.join(relative))
    }

    /// The text of a file: the open document, else what is on the disk (if the vault's walk
    /// would read it: a link out of the vault is not followed).
    pub fn document(&self, relative: &Path) -> Option<Cow<'_, Document>> {
        if let Some(doc) = self.docs.get(relative) {
            return Some(Cow::Borrowed(doc));
        }
        let bytes = vault::read_inside(&self.root, relative, MAX_FILE).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(Cow::Owned(Document::new(text, 0)))
    }

    /// An open document.
    pub fn open_document(&self, relative: &Path) -> Option<&Document> {
        self.docs.get(relative)
    }

    pub fn did_open(&mut self, relative: PathBuf, doc: Document) {
        self.docs.insert(relative.clone(), doc);
        self.dirty.insert(relative);
    }

    /// The open document, to change; it is read again before the next answer.
    pub fn changing(&mut self, relative: &Path) -> Option<&mut Document> {
        let doc = self.docs.get_mut(relative)?;
        self.dirty.insert(relative.to_path_buf());
        Some(doc)
    }

    /// A closed document is read from the disk again.
    pub fn did_close(&mut self, relative: &Path) -> Vec<PublishDiagnosticsParams> {
        self.docs.remove(relative);
        self.dirty.remove(relative);
        if relative == Path::new(CONFIG_FILE) {
            return self.publish_all();
        }
        let Some(vault) = self.vault.as_mut() else {
            return Vec::new();
        };
        let before = vault.index.diagnostics.clone();
        let changed = vault.set_overlay(relative, None);
        self.changed(changed, &before)
    }

    /// Files changed on the disk (absolute paths): the config reloads everything, records are
    /// read again (an open one keeps its buffer's text).
    pub fn files_changed(&mut self, paths: &[PathBuf]) -> Vec<PublishDiagnosticsParams> {
        let Some(vault) = self.vault.as_ref() else {
            let config = paths.iter().any(|p| p.ends_with(CONFIG_FILE));
            return if config { self.reload() } else { Vec::new() };
        };
        let mut records = Vec::new();
        for path in paths {
            let relative = path.strip_prefix(&self.canonical_root).unwrap_or(path);
            match classify(&self.root, &vault.config, &self.root.join(relative)) {
                Change::Config => return self.reload(),
                Change::Record(relative) => records.push(relative),
                Change::Template | Change::Ignored => {}
            }
        }
        let Some(vault) = self.vault.as_mut() else {
            return Vec::new();
        };
        let before = vault.index.diagnostics.clone();
        let changed = vault.refresh(&records);
        self.changed(changed, &before)
    }

    /// Reads the changed documents into the vault; returns the diagnostics to publish.
    pub fn sync(&mut self) -> Vec<PublishDiagnosticsParams> {
        if self.published_for.is_some_and(|day| day != self.today()) {
            return self.publish_all();
        }
        let dirty = std::mem::take(&mut self.dirty);
        let mut config_buffer = false;
        let mut changed = Vec::new();
        let mut before = Vec::new();
        for relative in dirty {
            if relative == Path::new(CONFIG_FILE) {
                config_buffer = true;
                continue;
            }
            let (Some(vault), Some(doc)) = (self.vault.as_mut(), self.docs.get(&relative)) else {
                continue;
            };
            if before.is_empty() {
                before = vault.index.diagnostics.clone();
            }
            changed.extend(vault.set_overlay(&relative, Some(doc.text.clone().into_bytes())));
        }
        let mut published = self.changed(changed, &before);
        if config_buffer {
            published.extend(self.publish(Path::new(CONFIG_FILE)));
        }
        published
    }

    /// The vault's git history, read once and again only after the vault changed (the
    /// commits only after the repository moved).
    pub fn history(&self) -> &Result<History, Unavailable> {
        self.history.get_or_init(|| match &self.vault {
            Some(vault) => {
                self.history_cache
                    .borrow_mut()
                    .read(vault, self.today(), &mut |_, _| {})
            }
            None => Err(Unavailable::Disabled),
        })
    }

    /// Loads the vault again and publishes every file's problems anew.
    pub fn reload(&mut self) -> Vec<PublishDiagnosticsParams> {
        self.load();
        self.publish_all()
    }

    /// Loads the vault from the disk, with the open buffers over it.
    fn load(&mut self) {
        match Vault::load(&self.root) {
            Ok(mut vault) => {
                for (relative, doc) in &self.docs {
                    if relative != Path::new(CONFIG_FILE) {
                        vault.set_overlay(relative, Some(doc.text.clone().into_bytes()));
                    }
                }
                self.vault = Some(vault);
                self.config_problems.clear();
            }
            Err(problems) => {
                self.vault = None;
                self.config_problems = problems;
            }
        }
        self.history_cache = RefCell::default();
    }

    /// Publishes every file's problems, and clears those of files that have none now.
    pub fn publish_all(&mut self) -> Vec<PublishDiagnosticsParams> {
        let today = self.today();
        self.published_for = Some(today);
        self.history = OnceCell::new();
        let mut all = match &self.vault {
            Some(vault) => diagnostics::all(vault, today),
            None => Default::default(),
        };
        all.insert(CONFIG_FILE.into(), self.config_diagnostics());
        let mut paths: BTreeSet<PathBuf> = all.keys().cloned().collect();
        paths.extend(self.published.keys().cloned());
        paths
            .into_iter()
            .filter_map(|path| {
                let problems = all.remove(&path).unwrap_or_default();
                self.publish_these(&path, &problems)
            })
            .collect()
    }

    /// After the vault read `changed` again: the problems of those files and of every file whose
    /// problems from other files (a broken link, a duplicate id) moved with them.
    fn changed(
        &mut self,
        changed: Vec<PathBuf>,
        before: &[Diagnostic],
    ) -> Vec<PublishDiagnosticsParams> {
        if changed.is_empty() {
            return Vec::new();
        }
        self.history = OnceCell::new();
        let mut paths: BTreeSet<PathBuf> = changed.into_iter().collect();
        if let Some(vault) = &self.vault {
            paths.extend(diagnostics::changed_between(
                before,
                &vault.index.diagnostics,
            ));
        }
        paths.iter().filter_map(|path| self.publish(path)).collect()
    }

    /// One file's problems, if they differ from what was last published.
    fn publish(&mut self, path: &Path) -> Option<PublishDiagnosticsParams> {
        let problems = if path == Path::new(CONFIG_FILE) {
            self.config_diagnostics()
        } else {
            let vault = self.vault.as_ref()?;
            diagnostics::of_file(vault, path, self.today())
        };
        self.publish_these(path, &problems)
    }

    fn publish_these(
        &mut self,
        path: &Path,
        problems: &[Diagnostic],
    ) -> Option<PublishDiagnosticsParams> {
        // The text is read only for its ranges: a file without problems is not read again.
        let document = (!problems.is_empty())
            .then(|| self.document(path))
            .flatten();
        let lsp: Vec<lsp_types::Diagnostic> = match document {
            Some(doc) => problems
                .iter()
                .map(|d| diagnostics::to_lsp(d, &doc))
                .collect(),
            None if problems.is_empty() => Vec::new(),
            None => {
                let empty = Document::new(String::new(), 0);
                problems
                    .iter()
                    .map(|d| diagnostics::to_lsp(d, &empty))
                    .collect()
            }
        };
        if self
            .published
            .get(path)
            .map_or(lsp.is_empty(), |old| *old == lsp)
        {
            return None;
        }
        let version = self.docs.get(path).map(|doc| doc.version);
        if lsp.is_empty() {
            self.published.remove(path);
        } else {
            self.published.insert(path.to_path_buf(), lsp.clone());
        }
        Some(PublishDiagnosticsParams::new(self.uri(path), lsp, version))
    }

    /// The config's problems: from its open buffer when it is open, else from the last load.
    fn config_diagnostics(&self) -> Vec<Diagnostic> {
        match self.docs.get(Path::new(CONFIG_FILE)) {
            Some(doc) => parse::parse_config(Path::new(CONFIG_FILE), &doc.text)
                .err()
                .unwrap_or_default(),
            None => self.config_problems.clone(),
        }
    }
}
