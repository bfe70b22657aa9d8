//! `import csv|json FILE [--map salesforce|hubspot|MAP.yaml] [--kind …] [--force] [--dry-run]`:
//! a CRM's export (or dealbook's own) synced into the vault, all or nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};

use dealbook::model::Kind;
use dealbook::parse::{csv, yaml};
use dealbook::write::import::maps::{Crm, Map, MapFile};
use dealbook::write::import::{self, Change, Incoming, Plan, SyncState};
use dealbook::write::{atomic, place};
use dealbook::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A CRM's CSV export, or dealbook's own `export --format csv`.
    Csv,
    /// dealbook's own `export --format json`, bodies included.
    Json,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    Deal,
    Contact,
    Account,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    format: Format,
    file: PathBuf,
    /// `salesforce`, `hubspot`, or a map file (see the README); without one, columns named like
    /// dealbook's fields are those fields.
    #[arg(long, value_name = "MAP")]
    map: Option<String>,
    /// What each row is (default: the map's `kind:`, else told by the headers, else deal).
    #[arg(long, value_enum)]
    kind: Option<ImportKind>,
    /// Take the CRM's value where you changed a field since the last import.
    #[arg(long)]
    force: bool,
    /// Say what would change, and write nothing.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| super::UsageError(format!("cannot read {}: {e}", args.file.display())))?;
    let (built_in, map_file) = map_source(args.map.as_deref())?;
    let kind = args.kind.map(|k| match k {
        ImportKind::Deal => Kind::Deal,
        ImportKind::Contact => Kind::Contact,
        ImportKind::Account => Kind::Account,
    });
    let file = args.file.display();
    let (map, rows) = match args.format {
        Format::Csv => {
            let delimiter = map_file
                .as_ref()
                .and_then(|m| m.delimiter.as_deref())
                .map(|d| if d == "tab" { b'\t' } else { d.as_bytes()[0] });
            let table = csv::read(&bytes, delimiter).map_err(|e| anyhow!("{file}:{e}"))?;
            let rows: Vec<Incoming> = table
                .rows
                .iter()
                .map(|row| Incoming {
                    line: row.line,
                    cells: table
                        .headers
                        .iter()
                        .cloned()
                        .zip(row.cells.clone())
                        .collect(),
                    body: None,
                })
                .collect();
            let own = built_in.is_none() && map_file.is_none();
            let kind = kind.or_else(|| own.then(|| kind_by_path(&rows, &vault)).flatten());
            let mut map =
                Map::new(built_in, map_file, kind, &table.headers).map_err(super::UsageError)?;
            map.decimal = map
                .decimal
                .or(Some(if table.delimiter == b';' { ',' } else { '.' }));
            (map, rows)
        }
        Format::Json => {
            let rows = json_rows(&bytes).map_err(|e| anyhow!("{file}: {e}"))?;
            let kind = kind
                .or_else(|| kind_by_path(&rows, &vault))
                .unwrap_or(Kind::Deal);
            (
                Map::new(None, None, Some(kind), &[]).map_err(super::UsageError)?,
                rows,
            )
        }
    };
    let state_path = import::state_path(&map.crm);
    let state_text = std::fs::read_to_string(vault.root.join(&state_path)).ok();
    let state = SyncState::parse(state_text.as_deref())
        .map_err(|e| anyhow!("{}: {e}", state_path.display()))?;
    let options = import::Options {
        map: &map,
        today: env.today(),
        force: args.force,
    };
    let plan = import::plan(&vault, &rows, &options, state);
    for note in &plan.notes {
        super::output::note(&format!("{file}:{note}"));
    }
    if !plan.errors.is_empty() {
        for error in &plan.errors {
            super::output::note(&format!("{file}:{error}"));
        }
        super::output::note(&format!(
            "{} rows cannot be imported; nothing was written",
            plan.errors.len()
        ));
        return Ok(ExitCode::from(1));
    }
    let new_state = plan.state.to_json();
    let state_change =
        (state_text.as_deref() != Some(new_state.as_str())).then_some(Change::Create {
            path: state_path,
            text: new_state,
        });
    if !args.dry_run {
        apply(&vault, &plan, state_change.as_ref())?;
    }
    report(&vault, &plan, args.dry_run)?;
    Ok(if plan.conflicts.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `--map`: a built-in's name, else a map file.
fn map_source(map: Option<&str>) -> anyhow::Result<(Option<Crm>, Option<MapFile>)> {
    let Some(name) = map else {
        return Ok((None, None));
    };
    if let Some(crm) = Crm::parse(name) {
        return Ok((Some(crm), None));
    }
    let text = std::fs::read_to_string(name).map_err(|e| {
        super::UsageError(format!(
            "`{name}` is neither salesforce, hubspot nor a readable map file: {e}"
        ))
    })?;
    let file = yaml::parse_document::<MapFile>(&text).map_err(|e| {
        super::UsageError(format!(
            "{name}:{}:{}: {}",
            e.pos.line, e.pos.column, e.message
        ))
    })?;
    Ok((None, Some(file)))
}

/// The records of dealbook's own JSON export as rows: each field as text, the body as is.
fn json_rows(bytes: &[u8]) -> Result<Vec<Incoming>, String> {
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(bytes)
        .map_err(|e| format!("line {}: not dealbook's JSON export: {e}", e.line()))?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(n, mut row)| {
            let body = row
                .remove("body")
                .and_then(|b| b.get("text").and_then(|t| t.as_str()).map(str::to_string));
            let cells = row
                .into_iter()
                .map(|(key, value)| {
                    let text = match value {
                        serde_json::Value::Null => String::new(),
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Array(items) => items
                            .iter()
                            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                            .collect::<Vec<_>>()
                            .join(", "),
                        other => other.to_string(),
                    };
                    (key, text)
                })
                .collect();
            Incoming {
                line: n + 1,
                cells,
                body,
            }
        })
        .collect())
}

/// The kind of the records of dealbook's own export, from the folder of their `path`.
fn kind_by_path(rows: &[Incoming], vault: &Vault) -> Option<Kind> {
    let path = rows
        .iter()
        .find_map(|r| r.cells.iter().find(|(k, _)| k == "path").map(|(_, v)| v))?;
    vault.config.folder_kind(Path::new(path))
}

/// Writes the plan: every file or none. A failure part way puts back what was written.
fn apply(vault: &Vault, plan: &Plan, state: Option<&Change>) -> anyhow::Result<()> {
    let mut done: Vec<&Change> = Vec::new();
    for change in plan.changes.iter().chain(state) {
        if let Err(e) = write(vault, change) {
            for written in done.into_iter().rev() {
                let _ = undo(vault, written);
            }
            return Err(
                e.context("nothing was imported: the files written so far are back as they were")
            );
        }
        done.push(change);
    }
    Ok(())
}

fn write(vault: &Vault, change: &Change) -> anyhow::Result<()> {
    let path = change.path();
    let real = place::resolve(&vault.root, path, true)
        .with_context(|| format!("cannot write {}", path.display()))?;
    match change {
        Change::Create { text, .. } if path.starts_with(".dealbook") => {
            atomic::write(&real, text.as_bytes())
        }
        Change::Create { text, .. } => atomic::create(&real, text.as_bytes()),
        Change::Update { before, after, .. } => atomic::update(&real, |now| {
            if now == before.as_bytes() {
                Ok(after.clone().into_bytes())
            } else {
                Err(anyhow!("{} changed while importing", path.display()))
            }
        })
        .map(|_| ())
        .map_err(|e| std::io::Error::other(e.to_string())),
    }
    .with_context(|| format!("cannot write {}", path.display()))
}

fn undo(vault: &Vault, change: &Change) -> std::io::Result<()> {
    let real = vault.root.join(change.path());
    match change {
        Change::Create { .. } => std::fs::remove_file(real),
        Change::Update { before, .. } => atomic::write(&real, before.as_bytes()),
    }
}

/// What the run did (or would do), per kind, and each conflict.
fn report(vault: &Vault, plan: &Plan, dry_run: bool) -> anyhow::Result<()> {
    for change in &plan.changes {
        let verb = match change {
            Change::Create { .. } => "created",
            Change::Update { .. } => "updated",
        };
        super::output::print(&format!(
            "{verb} {}\n",
            super::display_path(&vault.root, change.path()).display()
        ))?;
    }
    for conflict in &plan.conflicts {
        let fields: Vec<String> = conflict
            .fields
            .iter()
            .map(|(field, here, crm)| format!("{field} is {here} here, {crm} in the CRM"))
            .collect();
        super::output::note(&format!(
            "conflict: {} (line {}): {}; you changed it since the last import, so it is left as it is (--force takes the CRM's)",
            super::display_path(&vault.root, &conflict.path).display(),
            conflict.line,
            fields.join("; ")
        ));
    }
    for (kind, c) in &plan.counts {
        super::output::note(&format!(
            "{kind}s: {} created, {} updated, {} unchanged, {} conflicts, {} skipped",
            c.created, c.updated, c.unchanged, c.conflicts, c.skipped
        ));
    }
    if dry_run {
        super::output::note("dry run: nothing was written");
    }
    Ok(())
}
