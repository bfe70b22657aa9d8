//! Waiting for the vault to change on disk, and bringing a loaded vault up to date: what
//! `watch` and `serve` share. Only the changed files are read again; a config change reloads
//! everything. Our own outputs and editors' temp files are no change (see `changes`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};

use super::changes::{classify, Change};
use super::Vault;
use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::Config;

enum Message {
    Files(DebounceEventResult),
    Stop,
}

/// File events under the vault's root, in batches.
pub struct Watcher {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    events: Receiver<Message>,
    settle: Duration,
    root: PathBuf,
}

/// Ends a watcher's wait from another thread (a Ctrl-C handler, a server stopping).
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

/// What one batch of file events means for the vault.
#[derive(Debug, Default)]
pub struct Changes {
    /// `dealbook.yaml` changed.
    pub config: bool,
    /// A file in `templates/` changed.
    pub templates: bool,
    /// Record files or folders that changed, relative to the root.
    pub records: BTreeSet<PathBuf>,
    /// What the file watcher itself reported going wrong (events lost, a folder unwatchable).
    pub errors: Vec<String>,
}

/// What `Watcher::next` waited for.
pub enum Next {
    Changes(Changes),
    Stopped,
}

/// What applying a batch did to the vault.
#[derive(Debug)]
pub enum Applied {
    /// The config changed and the whole vault was read again.
    Reloaded,
    /// The config changed but cannot be read: the vault is left as it was.
    BadConfig(Vec<Diagnostic>),
    /// These files read differently now (relative paths).
    Records(Vec<PathBuf>),
    /// Only templates changed.
    Templates,
    /// Nothing the vault reads changed (a touched file, a note of another kind).
    Nothing,
}

impl Watcher {
    /// Watches everything under `root` (which should be canonical, as events name real
    /// paths). A batch is handed out once the vault has been quiet for `settle`: long enough
    /// to fold an editor's rename-over save or a `git checkout` into one batch.
    pub fn start(root: &Path, settle: Duration) -> notify::Result<(Watcher, Stopper)> {
        let (sender, events) = mpsc::channel();
        let files = sender.clone();
        let mut debouncer = new_debouncer(settle, None, move |result: DebounceEventResult| {
            // Reading a file is not a change: an editor or a viewer polling our outputs must
            // not keep the vault from ever looking quiet.
            let result = result.map(|events| {
                events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .collect::<Vec<_>>()
            });
            if result.as_ref().is_ok_and(Vec::is_empty) {
                return;
            }
            let _ = files.send(Message::Files(result));
        })?;
        debouncer.watch(root, RecursiveMode::Recursive)?;
        let watcher = Watcher {
            _debouncer: debouncer,
            events,
            settle,
            root: root.to_path_buf(),
        };
        Ok((watcher, Stopper(sender)))
    }

    /// Waits for the next batch of changes, sorted by what they mean under `config`.
    pub fn next(&self, config: &Config) -> Next {
        let Ok(first) = self.events.recv() else {
            return Next::Stopped;
        };
        let mut batch = Vec::new();
        let mut changes = Changes::default();
        if gather(first, &mut batch, &mut changes.errors) {
            return Next::Stopped;
        }
        // The debouncer releases each path once it has been quiet; keep gathering until the
        // whole vault has been, so a long burst (a `git pull`) is one batch.
        while let Ok(message) = self.events.recv_timeout(self.settle) {
            if gather(message, &mut batch, &mut changes.errors) {
                return Next::Stopped;
            }
        }
        for event in &batch {
            for path in &event.paths {
                match classify(&self.root, config, path) {
                    Change::Config => changes.config = true,
                    Change::Template => changes.templates = true,
                    Change::Record(relative) => {
                        changes.records.insert(relative);
                    }
                    Change::Ignored => {}
                }
            }
        }
        Next::Changes(changes)
    }
}

/// Collects a message's events; returns whether it asks to stop.
fn gather(message: Message, batch: &mut Vec<DebouncedEvent>, errors: &mut Vec<String>) -> bool {
    match message {
        Message::Stop => return true,
        Message::Files(Ok(events)) => batch.extend(events),
        Message::Files(Err(found)) => errors.extend(found.iter().map(ToString::to_string)),
    }
    false
}

impl Changes {
    /// Brings `vault` up to date: a config change reloads it whole (keeping it as it was if the
    /// new config cannot be read), else only the changed record files are read again.
    pub fn apply(&self, vault: &mut Vault) -> Applied {
        if self.config {
            // A config gone while watched is one that cannot be read, not a vault without one:
            // the defaults would drop its private fields (the manager's copy showing them).
            let config_file = vault.root.join(super::CONFIG_FILE);
            if !config_file.exists() && vault.config != Config::default() {
                return Applied::BadConfig(vec![Diagnostic::new(
                    super::CONFIG_FILE,
                    Pos::START,
                    Code::Unreadable,
                    "the file was removed",
                )]);
            }
            return match Vault::load_detail(&vault.root, vault.detail) {
                Ok(reloaded) => {
                    *vault = reloaded;
                    Applied::Reloaded
                }
                Err(diagnostics) => Applied::BadConfig(diagnostics),
            };
        }
        let candidates: Vec<PathBuf> = self.records.iter().cloned().collect();
        let changed = vault.refresh(&candidates);
        if !changed.is_empty() {
            Applied::Records(changed)
        } else if self.templates {
            Applied::Templates
        } else {
            Applied::Nothing
        }
    }
}
