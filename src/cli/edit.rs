//! `new`, `set`, `unset`, `log`, `done`: edits that touch only the lines they change.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;

use dealbook::model::{AnyRecord, Config, Kind, Task};
use dealbook::parse;
use dealbook::write::{atomic, edit, place, values};
use dealbook::{Code, Vault};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum NewKind {
    Deal,
    Contact,
    Account,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    kind: NewKind,
    /// The deal's title, or the contact's or account's name; the file name is made from it.
    name: String,
    /// Fields to fill in, as key=value.
    #[arg(value_name = "KEY=VALUE")]
    fields: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The record: its id, its file path, or its title.
    id: String,
    /// key=value pairs; `a.b=value` sets a nested field.
    #[arg(value_name = "KEY=VALUE", required = true)]
    fields: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct UnsetArgs {
    id: String,
    #[arg(value_name = "KEY", required = true)]
    keys: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    id: String,
    text: String,
    /// The day it happened (default: --as-of, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    date: Option<NaiveDate>,
}

#[derive(Debug, clap::Args)]
pub struct DoneArgs {
    id: String,
    /// Part of the open task's text.
    text: String,
}

/// Edits a record's file: `edit` turns its newest text into the new text (it may run again
/// if another program writes the file meanwhile), which is written only if it still parses.
/// A record that is a link is edited where the link points, inside the vault.
fn edit_record(
    vault: &Vault,
    wanted: &str,
    mut edit: impl FnMut(&str) -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    let relative = vault
        .find(wanted)
        .map_err(|e| super::UsageError(e.to_string()))?;
    let real = place::resolve(&vault.root, &relative, false)
        .with_context(|| format!("cannot edit {}", relative.display()))?;
    let kind = vault.config.folder_kind(&relative);
    let updated = atomic::update(&real, |bytes| {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            anyhow!(
                "{} is not UTF-8 text; dealbook will not edit it",
                relative.display()
            )
        })?;
        let new = edit(text)?;
        check_still_parses(vault, &relative, kind, text, &new)?;
        Ok(new.into_bytes())
    });
    let updated = match updated {
        Ok(updated) => updated,
        Err(atomic::UpdateError::Edit(e)) => return Err(e),
        Err(e) => return Err(e.into()),
    };
    super::output::print(&format!(
        "{}\n",
        super::display_path(&vault.root, &relative).display()
    ))?;
    for copy in &updated.kept {
        let copy = place::within(&vault.root, copy).unwrap_or_else(|| copy.clone());
        super::output::note(&format!(
            "warning: another program still had {} open: the edit is in it, and what that program writes to its old copy is kept in {}; merge it and delete the copy",
            relative.display(),
            super::display_path(&vault.root, &copy).display()
        ));
    }
    Ok(())
}

fn check_still_parses(
    vault: &Vault,
    relative: &Path,
    kind: Option<Kind>,
    before: &str,
    after: &str,
) -> anyhow::Result<()> {
    let errors = |text: &str| {
        parse::parse_file(relative, text.as_bytes(), kind, &vault.config)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::YamlSyntax)
            .count()
    };
    if errors(after) > errors(before) {
        return Err(anyhow!(
            "this edit would leave {} with invalid YAML; nothing was written",
            relative.display()
        ));
    }
    Ok(())
}

/// The vault's own name for a dealbook field (`fields: { close_date: expected_close_date }`).
fn vault_key<'a>(config: &'a Config, key: &'a str) -> &'a str {
    config.fields.get(key).map_or(key, String::as_str)
}

/// Applies `key=value` assignments to `text`, checking every value first.
fn assign(config: &Config, mut text: String, assignments: &[String]) -> anyhow::Result<String> {
    for assignment in assignments {
        let (key, value) =
            values::split_assignment(assignment).map_err(|e| super::UsageError(e.to_string()))?;
        let key = vault_key(config, key);
        let path: Vec<&str> = key.split('.').collect();
        let quoting = edit::written_value(&text, &path)
            .map(|written| values::Quoting::of(&written))
            .unwrap_or_default();
        let yaml = values::to_yaml(key, value, config, quoting)
            .map_err(|e| super::UsageError(format!("{e}; nothing was written")))?;
        text = edit::set(&text, &path, &yaml).map_err(|e| anyhow!(e))?;
    }
    Ok(text)
}

pub fn run_set(args: SetArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    edit_record(&vault, &args.id, |text| {
        assign(&vault.config, text.to_string(), &args.fields)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_unset(args: UnsetArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let mut missing = Vec::new();
    edit_record(&vault, &args.id, |text| {
        missing.clear();
        let mut text = text.to_string();
        for key in &args.keys {
            let key = vault_key(&vault.config, key);
            let path: Vec<&str> = key.split('.').collect();
            match edit::unset(&text, &path).map_err(|e| anyhow!(e))? {
                Some(changed) => text = changed,
                None => missing.push(key.to_string()),
            }
        }
        Ok(text)
    })?;
    for key in missing {
        super::output::note(&format!("{} has no `{key}`", args.id));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_log(args: LogArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let entry = args.text.replace(['\n', '\r'], " ");
    let date = args.date.unwrap_or_else(|| env.today());
    edit_record(&vault, &args.id, |text| {
        edit::add_log(text, date, entry.trim()).map_err(|e| anyhow!(e))
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_done(args: DoneArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let relative = vault
        .find(&args.id)
        .map_err(|e| super::UsageError(e.to_string()))?;
    let kind = vault.config.folder_kind(&relative);
    edit_record(&vault, &args.id, |text| {
        let parsed = parse::parse_file(&relative, text.as_bytes(), kind, &vault.config);
        let Some(record) = &parsed.record else {
            return Err(anyhow!(
                "{} has errors; run `dealbook check` and fix them first",
                relative.display()
            ));
        };
        let line = open_task(&record.record().body.tasks, &args.text, &relative)?;
        edit::tick(text, line).map_err(|e| anyhow!(e))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The line of the one open task whose text contains `wanted`, ignoring case.
fn open_task(tasks: &[Task], wanted: &str, path: &Path) -> anyhow::Result<usize> {
    let lower = wanted.to_lowercase();
    let open: Vec<&Task> = tasks.iter().filter(|t| !t.done).collect();
    let matches: Vec<&Task> = open
        .iter()
        .copied()
        .filter(|t| t.text.to_lowercase().contains(&lower))
        .collect();
    let list = |tasks: &[&Task]| {
        tasks
            .iter()
            .map(|t| format!("\n  line {}: {}", t.line, t.text))
            .collect::<String>()
    };
    match matches.as_slice() {
        [one] => Ok(one.line),
        [] => Err(super::UsageError(format!(
            "no open task in {} contains \"{wanted}\"; the open tasks are:{}",
            path.display(),
            list(&open)
        ))
        .into()),
        many => Err(super::UsageError(format!(
            "\"{wanted}\" matches {} open tasks; be more specific:{}",
            many.len(),
            list(many)
        ))
        .into()),
    }
}

pub fn run_new(args: NewArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let config = &vault.config;
    let (kind, folders) = match args.kind {
        NewKind::Deal => (Kind::Deal, &config.folders.deals),
        NewKind::Contact => (Kind::Contact, &config.folders.contacts),
        NewKind::Account => (Kind::Account, &config.folders.accounts),
    };
    let id = dealbook::write::slug(&args.name);
    if id.is_empty() {
        return Err(super::UsageError(format!(
            "\"{}\" has no letters or digits to make a file name from",
            args.name
        ))
        .into());
    }
    let folder = folders.first().map_or("", String::as_str);
    let relative = Path::new(folder).join(format!("{id}.md"));
    let path = vault.root.join(&relative);
    let taken = match kind {
        Kind::Deal => vault.index.deal(&id).map(|d| &d.record.path),
        Kind::Contact => vault.index.contact(&id).map(|c| &c.record.path),
        Kind::Account => vault.index.account(&id).map(|a| &a.record.path),
    };
    if path.exists() || taken.is_some() {
        let existing = taken.cloned().unwrap_or(relative);
        return Err(super::UsageError(format!(
            "a {} with the id `{id}` already exists: {}; nothing was written",
            kind.as_str(),
            existing.display()
        ))
        .into());
    }
    let template = format!("new-{}.md", kind.as_str());
    let context = minijinja_context(&args.name, env.today(), config);
    let text = dealbook::build::templates(&vault).render(&template, &context)?;
    let text = assign(config, text, &args.fields)?;
    let parsed = parse::parse_file(&relative, text.as_bytes(), Some(kind), config);
    if let Some(error) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        return Err(anyhow!(
            "the new record would have an error: {}",
            error.message
        ));
    }
    if !matches!(
        (&parsed.record, kind),
        (Some(AnyRecord::Deal(_)), Kind::Deal)
            | (Some(AnyRecord::Contact(_)), Kind::Contact)
            | (Some(AnyRecord::Account(_)), Kind::Account)
    ) {
        return Err(anyhow!(
            "template {template} does not make a {}",
            kind.as_str()
        ));
    }
    let real = place::resolve(&vault.root, &relative, true)
        .with_context(|| format!("cannot write {}", relative.display()))?;
    atomic::create(&real, text.as_bytes()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::Error::from(super::UsageError(format!(
                "{} already exists; nothing was written",
                relative.display()
            )))
        } else {
            anyhow!("cannot write {}: {e}", relative.display())
        }
    })?;
    super::output::print(&format!(
        "{}\n",
        super::display_path(&vault.root, &relative).display()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn minijinja_context(name: &str, today: NaiveDate, config: &Config) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "today": today.to_string(),
        "currency": config.currency,
        "first_stage": config.stages.first().map(|s| s.id.as_str()).unwrap_or_default(),
        "stages": config.stage_ids(),
    })
}
