//! `new`, `set`, `unset`, `log`, `done`, `close`: edits that touch only the lines they change.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;

use dealbook::model::{Config, Contact, Deal, Kind, Task};
use dealbook::parse;
use dealbook::write::{atomic, edit, new, place, record, values};
use dealbook::Vault;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Outcome {
    Won,
    Lost,
}

#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// The deal: its id, its file path, or its title.
    id: String,
    outcome: Outcome,
    /// The day it closed (default: --as-of, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    date: Option<NaiveDate>,
    /// Why it was won or lost: written to `win_reason:` or `loss_reason:` and to the log.
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct DoneArgs {
    id: String,
    /// Part of the open task's text.
    text: String,
}

/// Edits a record's file (see `write::record::update`) and prints its path, and a warning
/// when another program kept the old file open.
fn edit_record(
    vault: &Vault,
    relative: &Path,
    edit: impl FnMut(&str) -> anyhow::Result<String>,
) -> anyhow::Result<()> {
    let updated = match record::update(vault, relative, edit) {
        Ok(updated) => updated,
        Err(atomic::UpdateError::Edit(record::Refused::Edit(e))) => return Err(e),
        Err(e) => return Err(anyhow!("{e}")),
    };
    super::output::print(&format!(
        "{}\n",
        super::display_path(&vault.root, relative).display()
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

/// The file of the record the rep named.
fn find(vault: &Vault, wanted: &str) -> anyhow::Result<PathBuf> {
    vault
        .find(wanted)
        .map_err(|e| super::UsageError(e.to_string()).into())
}

fn deal_at<'a>(vault: &'a Vault, path: &Path) -> Option<&'a Deal> {
    let deals = &vault.index.deals;
    deals.iter().find(|d| d.record.path == path).map(|d| &**d)
}

fn contact_at<'a>(vault: &'a Vault, path: &Path) -> Option<&'a Contact> {
    let contacts = &vault.index.contacts;
    contacts
        .iter()
        .find(|c| c.record.path == path)
        .map(|c| &**c)
}

/// Applies `key=value` assignments to `text`, checking every value first.
fn assign(config: &Config, text: String, assignments: &[String]) -> anyhow::Result<String> {
    assign_noting(config, text, assignments, &mut Vec::new())
}

/// `assign`, noting each change as `key: old → new`.
fn assign_noting(
    config: &Config,
    text: String,
    assignments: &[String],
    changes: &mut Vec<String>,
) -> anyhow::Result<String> {
    record::assign(config, text, assignments, changes).map_err(refusal)
}

/// A value the rep gave is a usage error (exit 2); anything else is the file's.
fn refusal(error: record::AssignError) -> anyhow::Error {
    match error {
        record::AssignError::Value(message) => super::UsageError(message).into(),
        record::AssignError::Edit(e) => anyhow!(e),
    }
}

pub fn run_set(mut args: SetArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let relative = find(&vault, &args.id)?;
    let stamp = deal_at(&vault, &relative)
        .and_then(|deal| close_date_stamp(&vault.config, deal, &args.fields, env.today()));
    if let Some(stamp) = &stamp {
        args.fields.push(format!("close_date={}", stamp.date));
    }
    let mut changes = Vec::new();
    edit_record(&vault, &relative, |text| {
        assign_noting(&vault.config, text.to_string(), &args.fields, &mut changes)
    })?;
    for change in &changes {
        super::output::print(&format!("{change}\n"))?;
    }
    if let Some(stamp) = stamp {
        let was = stamp
            .was
            .map_or("it had none".to_string(), |d| format!("it was {d}"));
        super::output::print(&format!(
            "close_date set to {} ({was}): a closed deal closes on or before the day it is marked; give close_date= to choose the day\n",
            stamp.date
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The close date `set` writes along with a won or lost stage.
struct CloseDateStamp {
    date: NaiveDate,
    was: Option<NaiveDate>,
}

/// Moving a deal to a won or lost stage closes it today (`--as-of`) unless the same command
/// gives `close_date=` or the deal already closed on or before today: a loss dated in the
/// future would fall outside the win rate and the lost list.
fn close_date_stamp(
    config: &Config,
    deal: &Deal,
    assignments: &[String],
    today: NaiveDate,
) -> Option<CloseDateStamp> {
    let value_of = |field: &str| {
        assignments.iter().rev().find_map(|a| {
            let (key, value) = values::split_assignment(a).ok()?;
            (key == field).then_some(value)
        })
    };
    let closes = config
        .stage(value_of("stage")?)
        .is_some_and(|s| !s.is_open());
    let dated = deal.close_date.is_some_and(|d| d <= today);
    (closes && value_of("close_date").is_none() && !dated).then_some(CloseDateStamp {
        date: today,
        was: deal.close_date,
    })
}

pub fn run_close(args: CloseArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let config = &vault.config;
    let relative = find(&vault, &args.id)?;
    if deal_at(&vault, &relative).is_none() {
        return Err(super::UsageError(format!(
            "{} is not a deal dealbook can read; only a deal can be closed (see `dealbook check`)",
            relative.display()
        ))
        .into());
    }
    let word = match args.outcome {
        Outcome::Won => "won",
        Outcome::Lost => "lost",
    };
    let stage = config
        .stages
        .iter()
        .find(|s| {
            if args.outcome == Outcome::Won {
                s.won
            } else {
                s.lost
            }
        })
        .ok_or_else(|| {
            super::UsageError(format!(
                "dealbook.yaml has no {word} stage (a stage with `{word}: true`)"
            ))
        })?;
    let date = args.date.unwrap_or_else(|| env.today());
    edit_record(&vault, &relative, |text| {
        record::close(config, text, stage, date, args.reason.as_deref()).map_err(refusal)
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_unset(args: UnsetArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let relative = find(&vault, &args.id)?;
    let mut missing = Vec::new();
    edit_record(&vault, &relative, |text| {
        missing.clear();
        let mut text = text.to_string();
        for key in &args.keys {
            let key = edit::vault_key(&vault.config, &text, key);
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
    let relative = find(&vault, &args.id)?;
    // Talking to a contact is contact: their `last_contact` moves up to the entry's day.
    let moves_last_contact = contact_at(&vault, &relative)
        .is_some_and(|c| c.last_contact.is_none_or(|last| last < date));
    edit_record(&vault, &relative, |text| {
        let text = edit::add_log(text, date, entry.trim()).map_err(|e| anyhow!(e))?;
        if moves_last_contact {
            return assign(&vault.config, text, &[format!("last_contact={date}")]);
        }
        Ok(text)
    })?;
    if moves_last_contact {
        super::output::print(&format!("last_contact set to {date}\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_done(args: DoneArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let relative = find(&vault, &args.id)?;
    let kind = vault.config.folder_kind(&relative);
    edit_record(&vault, &relative, |text| {
        let parsed = parse::parse_file(&relative, text.as_bytes(), kind, &vault.config);
        let Some(record) = &parsed.record else {
            return Err(anyhow!(
                "{} has errors; run `dealbook check` and fix them first",
                relative.display()
            ));
        };
        let line = open_task(&record.record().body.tasks, &args.text, &relative)?;
        edit::tick(text, line, env.today()).map_err(|e| anyhow!(e))
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The line of the one open task whose text contains `wanted`, ignoring case.
fn open_task(tasks: &[Task], wanted: &str, path: &Path) -> anyhow::Result<usize> {
    let lower = wanted.trim().to_lowercase();
    let open: Vec<&Task> = tasks.iter().filter(|t| !t.done).collect();
    // A task whose whole text it is wins over tasks that merely contain it.
    let whole: Vec<&Task> = open
        .iter()
        .copied()
        .filter(|t| t.text.to_lowercase() == lower)
        .collect();
    let matches: Vec<&Task> = if whole.is_empty() {
        open.iter()
            .copied()
            .filter(|t| t.text.to_lowercase().contains(&lower))
            .collect()
    } else {
        whole
    };
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
    let kind = match args.kind {
        NewKind::Deal => Kind::Deal,
        NewKind::Contact => Kind::Contact,
        NewKind::Account => Kind::Account,
    };
    let mut record =
        new::from_template(&vault, kind, &args.name, env.today()).map_err(|e| match e {
            new::NewError::NoFileName(_) | new::NewError::Taken { .. } => {
                anyhow::Error::from(super::UsageError(e.to_string()))
            }
            e => e.into(),
        })?;
    record.text = assign(config, record.text, &args.fields)?;
    new::check(&record, config)?;
    let relative = &record.path;
    let real = place::resolve(&vault.root, relative, true)
        .with_context(|| format!("cannot write {}", relative.display()))?;
    atomic::create(&real, record.text.as_bytes()).map_err(|e| {
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
        super::display_path(&vault.root, relative).display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
