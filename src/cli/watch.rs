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
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

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
    let mut vault = env.load()?;
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
    let mut debouncer = new_debouncer(SETTLE, None, move |result| {
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

    rebuild(&vault, env, "start", Instant::now());
    eprintln!("watching {} (Ctrl-C to stop)", root.display());

    for message in events {
        let batch = match message {
            Message::Stop => break,
            Message::Files(Ok(batch)) => batch,
            Message::Files(Err(errors)) => {
                for error in errors {
                    eprintln!("watch: {error}");
                }
                continue;
            }
        };
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
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
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
            match Vault::load(&root) {
                Ok(reloaded) => vault = reloaded,
                Err(diagnostic) => {
                    eprintln!("{}", super::located(&root, &diagnostic));
                    eprintln!("keeping the last good config and outputs");
                    continue;
                }
            }
            "dealbook.yaml".to_string()
        } else if !records.is_empty() {
            let changed: Vec<PathBuf> = records.into_iter().collect();
            vault.refresh(&changed);
            for path in &changed {
                for diagnostic in vault.diagnostics_of(path) {
                    eprintln!("{}", super::located(&root, diagnostic));
                }
            }
            describe(&changed)
        } else if templates {
            "templates".to_string()
        } else {
            continue;
        };
        rebuild(&vault, env, &what, started);
    }
    eprintln!("stopped watching");
    Ok(ExitCode::SUCCESS)
}

/// Renders every output and prints one line: what changed, what was written, how long it took.
/// On a template error the last good outputs stay as they are.
fn rebuild(vault: &Vault, env: &super::Env, what: &str, started: Instant) {
    let history = super::history::read(vault, env.today());
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
            eprintln!("{what}: {outputs} ({} ms)", started.elapsed().as_millis());
        }
        Err(error) => eprintln!("{what}: error: {error:#}; keeping the last good outputs"),
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
