//! `import csv FILE [--map salesforce|hubspot|MAP.yaml] [--kind deal|contact|account]`:
//! a CRM's export as vault records. Existing files are never overwritten.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use dealbook::model::Kind;
use dealbook::parse::{csv, yaml};
use dealbook::write::import::{self, ColumnMap};
use dealbook::write::{atomic, place};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Csv,
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
    /// `salesforce`, `hubspot`, or a YAML file: `columns: { "Opportunity Name": title, … }`.
    #[arg(long, value_name = "MAP")]
    map: Option<String>,
    /// What each row is (default: from the map file's `kind:`, else deal).
    #[arg(long, value_enum)]
    kind: Option<ImportKind>,
    /// Show what would be created without writing anything.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let Format::Csv = args.format;
    let vault = env.load()?;
    let map = match args.map.as_deref() {
        None => ColumnMap::by_name(),
        Some(name) => match ColumnMap::built_in(name) {
            Some(map) => map,
            None => {
                let text = std::fs::read_to_string(name).map_err(|e| {
                    super::UsageError(format!(
                        "`{name}` is neither salesforce, hubspot nor a readable map file: {e}"
                    ))
                })?;
                yaml::parse_document::<ColumnMap>(&text).map_err(|e| {
                    super::UsageError(format!(
                        "{name}:{}:{}: {}",
                        e.pos.line, e.pos.column, e.message
                    ))
                })?
            }
        },
    };
    let kind = match (args.kind, map.kind.as_deref()) {
        (Some(ImportKind::Deal), _) => Kind::Deal,
        (Some(ImportKind::Contact), _) => Kind::Contact,
        (Some(ImportKind::Account), _) => Kind::Account,
        (None, Some(kind)) => Kind::parse(kind).ok_or_else(|| {
            super::UsageError(format!(
                "the map's `kind: {kind}` is not deal, contact or account"
            ))
        })?,
        (None, None) => Kind::Deal,
    };
    let folders = &vault.config.folders;
    let folder = match kind {
        Kind::Deal => &folders.deals,
        Kind::Contact => &folders.contacts,
        Kind::Account => &folders.accounts,
    }
    .first()
    .map(PathBuf::from)
    .unwrap_or_default();
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let rows = csv::parse(&text);
    let root = vault.root.clone();
    let plan = import::plan(
        &rows,
        &map,
        kind,
        &folder,
        &vault.config,
        env.today(),
        &|p| root.join(p).exists(),
    );
    for note in &plan.notes {
        super::output::note(&format!("{}: {note}", args.file.display()));
    }
    for file in &plan.files {
        if !args.dry_run {
            place::resolve(&vault.root, &file.path, true)
                .and_then(|real| atomic::create(&real, file.text.as_bytes()))
                .with_context(|| format!("cannot write {}", file.path.display()))?;
        }
        super::output::print(&format!(
            "{}\n",
            super::display_path(&vault.root, &file.path).display()
        ))?;
    }
    let verb = if args.dry_run {
        "would import"
    } else {
        "imported"
    };
    super::output::note(&format!(
        "{verb} {} {}s into {}/",
        plan.files.len(),
        kind.as_str(),
        folder.display()
    ));
    Ok(ExitCode::SUCCESS)
}
