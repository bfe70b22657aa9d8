//! `watch`: build, then re-render every configured output whenever the vault changes.
//! Only the changed files are re-read; a config change reloads everything; template changes
//! just re-render. Our own outputs and editors' temp files never trigger a rebuild.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context as _};

use dealbook::history;
use dealbook::parse::Detail;
use dealbook::vault::watch::{Applied, Next, Watcher};
use dealbook::Vault;

/// How long the vault must be quiet before a rebuild: long enough to fold an editor's
/// rename-over save or a `git checkout` into one rebuild, short enough to feel instant.
const SETTLE: Duration = Duration::from_millis(75);

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

    let (watcher, stopper) = Watcher::start(&root, SETTLE)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    ctrlc::set_handler(move || stopper.stop()).context("cannot handle Ctrl-C")?;

    let mut history = history::Cache::default();
    rebuild(&vault, env, &mut history, "start", Instant::now());
    super::output::note(&format!("watching {} (Ctrl-C to stop)", root.display()));

    while let Next::Changes(changes) = watcher.next(&vault.config) {
        let started = Instant::now();
        for error in &changes.errors {
            super::output::note(&format!("watch: {error}"));
        }
        if !root.is_dir() {
            return Err(anyhow!(
                "the vault folder {} is gone; stopping",
                root.display()
            ));
        }
        let what = match changes.apply(&mut vault) {
            Applied::Reloaded => {
                // The folders and field names that history is read with may have changed.
                history = history::Cache::default();
                "dealbook.yaml".to_string()
            }
            Applied::BadConfig(diagnostics) => {
                for diagnostic in &diagnostics {
                    super::output::note(&super::located(&root, diagnostic));
                }
                super::output::note("keeping the last good config and outputs");
                continue;
            }
            Applied::Records(changed) => {
                note_problems(&vault, &changed);
                describe(&changed)
            }
            Applied::Templates => "templates".to_string(),
            Applied::Nothing => continue,
        };
        rebuild(&vault, env, &mut history, &what, started);
    }
    super::output::note("stopped watching");
    Ok(ExitCode::SUCCESS)
}

/// Prints the problems of the files that were read again.
fn note_problems(vault: &Vault, changed: &[PathBuf]) {
    for path in changed {
        for diagnostic in vault.diagnostics_of(path) {
            super::output::note(&super::located(&vault.root, diagnostic));
        }
    }
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
