//! dealbook's own file watcher, for a client that does not watch files for the server: files
//! other programs change (a `git pull`, a sync, another editor) reach the server as they reach
//! `watch`, debounced, as one batch of paths.

use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::transport::Incoming;

/// How long a file must be quiet before it is read again: long enough to fold an editor's
/// rename-over save into one change, short enough that the editor shows it at once.
const SETTLE: Duration = Duration::from_millis(75);

/// Watching stops when this is dropped.
pub type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Watches `root` and sends what changed under it to the server.
pub fn watch(root: &Path, sender: Sender<Incoming>) -> Result<Watcher, String> {
    let mut debouncer = new_debouncer(SETTLE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else {
            let _ = sender.send(Incoming::EventsLost);
            return;
        };
        // Reading a file is not a change.
        let paths: Vec<_> = events
            .into_iter()
            .filter(|e| !matches!(e.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths)
            .collect();
        if !paths.is_empty() {
            let _ = sender.send(Incoming::FilesChanged(paths));
        }
    })
    .map_err(|e| e.to_string())?;
    debouncer
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| e.to_string())?;
    Ok(debouncer)
}
