//! `watch`: build, then re-render every configured output whenever the vault changes.
//! Only the changed files are re-read; a config change reloads everything; template changes
//! just re-render. Our own outputs and editors' temp files never trigger a rebuild.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context as _};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, DebouncedEvent};

use dealbook::history;
use dealbook::parse::Detail;
use dealbook::vault::changes::{classify, Change};
use dealbook::Vault;

/// How long the vault must be quiet before a rebuild: long enough to fold an editor's
/// rename-over save or a `git checkout` into one rebuild, short enough to feel instant.
const SETTLE: Duration = Duration::from_millis(75);

enum Message {
    Files(DebounceEventResult),
    Stop,
}

pub fn run(env: &super::Env) -> anyhow::Result<ExitCode> {
    let mut vault = env.load_detail(Detail::Reports)?;
    let root = vault
        .root
        .canonicalize()
        .context("cannot resolve the vault folder")?;
    vault.root = root.clone();
    if vault.config.outputs.is_empty() {
        return Err(super::UsageError(
            "dealbook.yaml has no `outputs:` to keep fresh; add e.g. `outputs: [{ template: pipeline.md, to: reports/pipeline.md }]`".into(),
        )
        .into());
    }

    let (sender, events) = mpsc::channel();
    let files = sender.clone();
    let mut debouncer = new_debouncer(SETTLE, None, move |result: DebounceEventResult| {
        // Reading a file is not a change: an editor or a viewer polling our outputs must not
        // keep the vault from ever looking quiet.
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
    })
    .context("cannot start watching files")?;
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    ctrlc::set_handler(move || {
        let _ = sender.send(Message::Stop);
    })
    .context("cannot handle Ctrl-C")?;

    let mut history = history::Cache::default();
    rebuild(&vault, env, &mut history, "start", Instant::now());
    super::output::note(&format!("watching {} (Ctrl-C to stop)", root.display()));

    while let Ok(first) = events.recv() {
        let mut batch = Vec::new();
        let mut stop = gather(first, &mut batch);
        // The debouncer releases each path once it has been quiet; keep gathering until the
        // whole vault has been, so a long burst (a `git pull`) is one rebuild.
        while !stop {
            match events.recv_timeout(SETTLE) {
                Ok(message) => stop = gather(message, &mut batch),
                Err(_) => break,
            }
        }
        if stop {
            break;
        }
        let started = Instant::now();
        if !root.is_dir() {
            return Err(anyhow!(
                "the vault folder {} is gone; stopping",
                root.display()
            ));
        }
        let mut config = false;
        let mut templates = false;
        let mut records = BTreeSet::new();
        for event in &batch {
            for path in &event.paths {
                match classify(&root, &vault.config, path) {
                    Change::Config => config = true,
                    Change::Template => templates = true,
                    Change::Record(relative) => {
                        records.insert(relative);
                    }
                    Change::Ignored => {}
                }
            }
        }
        let what = if config {
            match Vault::load_detail(&root, Detail::Reports) {
                Ok(reloaded) => {
                    vault = reloaded;
                    // The folders and field names that history is read with may have changed.
                    history = history::Cache::default();
                }
                Err(diagnostics) => {
                    for diagnostic in &diagnostics {
                        super::output::note(&super::located(&root, diagnostic));
                    }
                    super::output::note("keeping the last good config and outputs");
                    continue;
                }
            }
            "dealbook.yaml".to_string()
        } else if let Some(changed) = refresh(&mut vault, records) {
            describe(&changed)
        } else if templates {
            "templates".to_string()
        } else {
            continue;
        };
        rebuild(&vault, env, &mut history, &what, started);
    }
    super::output::note("stopped watching");
    Ok(ExitCode::SUCCESS)
}

/// Collects a message's events; returns whether it asks to stop.
fn gather(message: Message, batch: &mut Vec<DebouncedEvent>) -> bool {
    match message {
        Message::Stop => return true,
        Message::Files(Ok(events)) => batch.extend(events),
        Message::Files(Err(errors)) => {
            for error in errors {
                super::output::note(&format!("watch: {error}"));
            }
        }
    }
    false
}

/// Re-reads the changed records and prints their problems. `None` when nothing the index
/// reads has changed (a touched file, a note of another kind).
fn refresh(vault: &mut Vault, records: BTreeSet<PathBuf>) -> Option<Vec<PathBuf>> {
    let candidates: Vec<PathBuf> = records.into_iter().collect();
    let changed = vault.refresh(&candidates);
    if changed.is_empty() {
        return None;
    }
    for path in &changed {
        for diagnostic in vault.diagnostics_of(path) {
            super::output::note(&super::located(&vault.root, diagnostic));
        }
    }
    Some(changed)
}

/// Renders every output and prints one line: what changed, what was written, how long it took.
/// On a template error the last good outputs stay as they are.
fn rebuild(
    vault: &Vault,
    env: &super::Env,
    cache: &mut history::Cache,
    what: &str,
    started: Instant,
) {
    let history = super::history::read_cached(vault, env.today(), cache);
    let options = super::report::default_options(vault, env.today(), &history);
    match dealbook::build::build(vault, &options, &history) {
        Ok(built) => {
            let written: Vec<String> = built
                .iter()
                .filter(|b| b.written)
                .map(|b| b.path.display().to_string())
                .collect();
            let outputs = if written.is_empty() {
                "no output changed".to_string()
            } else {
                format!("wrote {}", written.join(", "))
            };
            let gaps = if built.iter().all(|b| b.complete) {
                ""
            } else {
                "; some deals are not counted (see the reports' \"Not counted\" section)"
            };
            super::output::note(&format!(
                "{what}: {outputs}{gaps} ({} ms)",
                started.elapsed().as_millis()
            ));
        }
        Err(error) => super::output::note(&format!(
            "{what}: error: {error:#}; keeping the last good outputs"
        )),
    }
}

/// `deals/a.md` or `deals/a.md and 3 more`.
fn describe(changed: &[PathBuf]) -> String {
    match changed {
        [one] => one.display().to_string(),
        [first, rest @ ..] => format!("{} and {} more", first.display(), rest.len()),
        [] => String::new(),
    }
}
