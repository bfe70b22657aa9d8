//! `new`, `set`, `unset`, `log`, `done`: edits that touch only the lines they change.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;

use dealbook::model::{AnyRecord, Config, Kind};
use dealbook::parse;
use dealbook::write::{atomic, edit, values};
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

/// A record's file as read, to be edited and written back only if nobody changed it meanwhile.
struct Opened {
    path: PathBuf,
    original: Vec<u8>,
    text: String,
}

fn open(vault: &Vault, wanted: &str) -> anyhow::Result<Opened> {
    let relative = vault.find(wanted).map_err(super::UsageError)?;
    let path = vault.root.join(&relative);
    let original =
        std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(original.clone()).map_err(|_| {
        anyhow!(
            "{} is not UTF-8 text; dealbook will not edit it",
            path.display()
        )
    })?;
    Ok(Opened {
        path,
        original,
        text,
    })
}

/// Writes the edit back, refusing if the result would not parse or the file changed on disk.
fn save(vault: &Vault, opened: &Opened, text: &str) -> anyhow::Result<()> {
    check_still_parses(vault, &opened.path, &opened.text, text)?;
    atomic::replace_if_unchanged(&opened.path, &opened.original, text.as_bytes())?;
    let relative = dealbook::vault::relative_path(&vault.root, &opened.path);
    super::output::print(&format!(
        "{}\n",
        super::display_path(&vault.root, &relative).display()
    ))?;
    Ok(())
}

fn check_still_parses(vault: &Vault, path: &Path, before: &str, after: &str) -> anyhow::Result<()> {
    let relative = dealbook::vault::relative_path(&vault.root, path);
    let kind = dealbook::vault::kind_of(&relative, &vault.config);
    let errors = |text: &str| {
        parse::parse_file(&relative, text.as_bytes(), kind, &vault.config)
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::YamlSyntax)
            .count()
    };
    if errors(after) > errors(before) {
        return Err(anyhow!(
            "this edit would leave {} with invalid YAML; nothing was written",
            path.display()
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
        let (key, value) = values::split_assignment(assignment).map_err(super::UsageError)?;
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
    let opened = open(&vault, &args.id)?;
    let text = assign(&vault.config, opened.text.clone(), &args.fields)?;
    save(&vault, &opened, &text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_unset(args: UnsetArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let opened = open(&vault, &args.id)?;
    let mut text = opened.text.clone();
    for key in &args.keys {
        let key = vault_key(&vault.config, key);
        let path: Vec<&str> = key.split('.').collect();
        match edit::unset(&text, &path).map_err(|e| anyhow!(e))? {
            Some(changed) => text = changed,
            None => eprintln!("{} has no `{key}`", opened.path.display()),
        }
    }
    save(&vault, &opened, &text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_log(args: LogArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let opened = open(&vault, &args.id)?;
    let entry = args.text.replace(['\n', '\r'], " ");
    let date = args.date.unwrap_or_else(|| env.today());
    let text = edit::add_log(&opened.text, date, entry.trim()).map_err(|e| anyhow!(e))?;
    save(&vault, &opened, &text)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_done(args: DoneArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let opened = open(&vault, &args.id)?;
    let relative = dealbook::vault::relative_path(&vault.root, &opened.path);
    let kind = dealbook::vault::kind_of(&relative, &vault.config);
    let parsed = parse::parse_file(&relative, opened.text.as_bytes(), kind, &vault.config);
    let record = match &parsed.record {
        Some(record) => record.record(),
        None => {
            return Err(anyhow!(
                "{} has errors; run `dealbook check` and fix them first",
                relative.display()
            ))
        }
    };
    let wanted = args.text.to_lowercase();
    let open_tasks: Vec<_> = record.body.tasks.iter().filter(|t| !t.done).collect();
    let matches: Vec<_> = open_tasks
        .iter()
        .filter(|t| t.text.to_lowercase().contains(&wanted))
        .collect();
    let list = |tasks: &[&&dealbook::model::Task]| {
        tasks
            .iter()
            .map(|t| format!("\n  line {}: {}", t.line, t.text))
            .collect::<String>()
    };
    let task = match matches.as_slice() {
        [one] => one,
        [] => {
            return Err(super::UsageError(format!(
                "no open task in {} contains \"{}\"; the open tasks are:{}",
                relative.display(),
                args.text,
                list(&open_tasks.iter().collect::<Vec<_>>())
            ))
            .into())
        }
        many => {
            return Err(super::UsageError(format!(
                "\"{}\" matches {} open tasks; be more specific:{}",
                args.text,
                many.len(),
                list(many)
            ))
            .into())
        }
    };
    let text = edit::tick(&opened.text, task.line).map_err(|e| anyhow!(e))?;
    save(&vault, &opened, &text)?;
    Ok(ExitCode::SUCCESS)
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
    atomic::write(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
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
