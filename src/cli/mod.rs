//! Everything that talks to the terminal: arguments, environment, printing, exit codes.

mod check;
mod complete;
mod completions;
mod edit;
mod export;
mod history;
mod import;
mod init;
mod list;
mod lsp;
mod memory;
mod output;
mod report;
mod serve;
mod show;
mod watch;
mod whatif;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use dealbook::model::Audience;
use dealbook::parse::Detail;
use dealbook::vault::{self, Vault};

#[global_allocator]
static ALLOCATOR: memory::Guarded = memory::Guarded;

#[derive(Debug, Parser)]
#[command(
    name = "dealbook",
    version,
    about = "Your book of business as plain text."
)]
pub struct Cli {
    /// The vault folder (default: the nearest folder upward holding dealbook.yaml, else here).
    #[arg(long, global = true, env = "DEALBOOK_VAULT", value_name = "DIR")]
    vault: Option<PathBuf>,

    /// Report as of this day instead of today, so a report can be reproduced exactly.
    #[arg(long, global = true, env = "DEALBOOK_TODAY", value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<NaiveDate>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new vault: config, folders, .gitignore, a first deal and contact.
    Init(init::Args),
    /// Validate every file: errors and data-hygiene warnings, each with path:line:col.
    Check(check::Args),
    /// List deals, contacts, accounts or tasks, filtered.
    List(list::Args),
    /// One record at a glance: fields, flags, tasks, recent log, linked records and history.
    Show(show::Args),
    /// The pipeline report: forecast against quota, by stage, closing deals and their flags.
    Pipeline(report::ReportArgs),
    /// The one-on-one prep sheet: scoreboard, what changed, deals needing help, asks.
    Prep(report::ReportArgs),
    /// Render any template (the vault's templates/ first, then the built-ins).
    Render(report::RenderArgs),
    /// Render every output configured in dealbook.yaml.
    Build,
    /// Build, then keep every output fresh as files change.
    Watch,
    /// Serve the book in your browser on this computer, live as you edit.
    Serve(serve::Args),
    /// Create a deal, contact or account from its template.
    New(edit::NewArgs),
    /// Change front-matter fields, touching only their lines.
    Set(edit::SetArgs),
    /// Remove front-matter fields.
    Unset(edit::UnsetArgs),
    /// Add a dated entry to a record's `## Log`.
    Log(edit::LogArgs),
    /// Tick the one open task whose text contains TEXT.
    Done(edit::DoneArgs),
    /// Close a deal as won or lost: its stage, close date, reason and a log entry.
    Close(edit::CloseArgs),
    /// Stage moves, amount changes and close-date pushes, from the vault's git history.
    History(history::Args),
    /// Mark the last one-on-one, so the next `prep` knows what is new.
    #[command(subcommand)]
    Review(history::ReviewCommand),
    /// A what-if scenario against the baseline: win, lose, slip or resize deals.
    Whatif(whatif::Args),
    /// Read a CRM's CSV export (Salesforce, HubSpot, or your own column map) into records.
    Import(import::Args),
    /// Export deals, contacts or accounts as CSV, vCard (contacts) or JSON.
    Export(export::Args),
    /// Print the shell completion script: commands, flags, and the vault's ids, fields and stages.
    Completions(completions::Args),
    /// What the completion scripts run on each TAB: the candidates for the last of the words.
    #[command(name = "__complete", hide = true)]
    Complete(complete::Args),
    /// Speak the Language Server Protocol over stdio, for your editor.
    Lsp,
}

/// `--audience`: who will read what a command prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AudienceArg {
    /// Everything: the rep's own view.
    #[default]
    Me,
    /// No private record, `## Private` section or private field.
    Manager,
}

impl From<AudienceArg> for Audience {
    fn from(audience: AudienceArg) -> Audience {
        match audience {
            AudienceArg::Me => Audience::Me,
            AudienceArg::Manager => Audience::Manager,
        }
    }
}

/// The `--audience` flag, for every command that prints records or numbers.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ForAudience {
    /// Who will read it: the manager never sees private records, sections or fields.
    #[arg(long, value_enum, default_value_t)]
    audience: AudienceArg,
}

impl ForAudience {
    pub fn audience(self) -> Audience {
        self.audience.into()
    }
}

/// A problem with how dealbook was called, not with the vault: exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Problems in the vault's files were reported: exit status 1 with nothing more to say.
#[derive(Debug, thiserror::Error)]
#[error("the vault has errors")]
pub struct DataErrors;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let env = Env {
        vault: cli.vault,
        as_of: cli.as_of,
    };
    match cli.command {
        Command::Init(args) => init::run(args, &env),
        Command::Check(args) => check::run(args, &env),
        Command::List(args) => list::run(args, &env),
        Command::Show(args) => show::run(args, &env),
        Command::Pipeline(args) => report::run_report(report::Report::Pipeline, args, &env),
        Command::Prep(args) => report::run_report(report::Report::Prep, args, &env),
        Command::Render(args) => report::run_render(args, &env),
        Command::Build => report::run_build(&env),
        Command::Watch => watch::run(&env),
        Command::Serve(args) => serve::run(args, &env),
        Command::New(args) => edit::run_new(args, &env),
        Command::Set(args) => edit::run_set(args, &env),
        Command::Unset(args) => edit::run_unset(args, &env),
        Command::Log(args) => edit::run_log(args, &env),
        Command::Close(args) => edit::run_close(args, &env),
        Command::Done(args) => edit::run_done(args, &env),
        Command::History(args) => history::run(args, &env),
        Command::Review(command) => history::run_review(command, &env),
        Command::Whatif(args) => whatif::run(args, &env),
        Command::Import(args) => import::run(args, &env),
        Command::Export(args) => export::run(args, &env),
        Command::Completions(args) => completions::run(args),
        Command::Complete(args) => complete::run(args),
        Command::Lsp => lsp::run(&env),
    }
}

/// Prints an error and picks the exit status: 2 for usage, 0 for a closed pipe, else 1.
pub fn report(error: &anyhow::Error) -> ExitCode {
    if output::is_broken_pipe(error) {
        return ExitCode::SUCCESS;
    }
    if error.downcast_ref::<DataErrors>().is_some() {
        return ExitCode::from(1);
    }
    output::note(&format!("error: {error:#}"));
    if error.downcast_ref::<UsageError>().is_some() {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    dealbook::parse::body::parse_date(text.trim())
        .ok_or_else(|| format!("`{text}` is not a date written YYYY-MM-DD"))
}

/// The global options every command shares.
pub struct Env {
    vault: Option<PathBuf>,
    as_of: Option<NaiveDate>,
}

impl Env {
    /// `--vault`, else `DEALBOOK_VAULT` (both via clap), else the nearest folder upward
    /// holding `dealbook.yaml`, else the current folder.
    pub fn root(&self) -> anyhow::Result<PathBuf> {
        if let Some(dir) = &self.vault {
            if !dir.is_dir() {
                return Err(UsageError(format!(
                    "no vault at {}: that folder does not exist",
                    dir.display()
                ))
                .into());
            }
            return Ok(dir.clone());
        }
        let here = std::env::current_dir().context("cannot read the current folder")?;
        Ok(vault::find_root(&here).unwrap_or(here))
    }

    fn today(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Loads the vault. A broken config is reported like any file problem (exit 1).
    fn load(&self) -> anyhow::Result<Vault> {
        self.load_detail(Detail::All)
    }

    fn load_detail(&self, detail: Detail) -> anyhow::Result<Vault> {
        let root = self.root()?;
        Vault::load_detail(&root, detail).map_err(|diagnostics| {
            for diagnostic in &diagnostics {
                output::note(&located(&root, diagnostic));
            }
            DataErrors.into()
        })
    }
}

/// Lets go of a loaded vault without freeing it, record by record: the process is about to
/// exit and the system takes the memory back at once (on a big vault, dropping takes longer
/// than rendering).
fn exiting<T>(loaded: T) {
    std::mem::forget(loaded);
}

/// Names on stderr the files that could not be read, so a listing or export that leaves them
/// out says so (the manager's copy only counts them: one may be private). Returns whether any
/// was left out, for the exit status.
fn note_unread(vault: &Vault, audience: Audience) -> bool {
    let unread = vault.unread();
    match audience {
        Audience::Me => {
            for diagnostic in &unread {
                output::note(&located(&vault.root, diagnostic));
            }
            if !unread.is_empty() {
                output::note(&format!(
                    "{} could not be read and {} left out; run `dealbook check`",
                    output::plural(unread.len(), "file"),
                    if unread.len() == 1 { "is" } else { "are" }
                ));
            }
        }
        Audience::Manager if !unread.is_empty() => output::note(&format!(
            "{} could not be read and {} left out",
            output::plural(unread.len(), "file"),
            if unread.len() == 1 { "is" } else { "are" }
        )),
        Audience::Manager => {}
    }
    !unread.is_empty()
}

/// Exit status 1 when the output left something out, else 0.
fn complete_unless(left_out: bool) -> ExitCode {
    if left_out {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes `text` to the file the rep named with `-o`, atomically, unless it is one of the
/// vault's records, its config or a template.
fn write_chosen(vault: &Vault, path: &Path, text: &str) -> anyhow::Result<()> {
    dealbook::build::check_chosen_output(vault, path)
        .and_then(|()| dealbook::write::atomic::write(path, text.as_bytes()))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// A diagnostic with its path as the user would type it from here.
fn located(root: &Path, diagnostic: &dealbook::Diagnostic) -> String {
    let mut shown = diagnostic.clone();
    shown.path = display_path(root, &diagnostic.path);
    shown.to_string()
}

/// A vault-relative path as the user can open it from the current folder.
fn display_path(root: &Path, path: &Path) -> PathBuf {
    static HERE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let here = HERE.get_or_init(|| std::env::current_dir().unwrap_or_default());
    let full = root.join(path);
    match full.strip_prefix(here) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => full.strip_prefix(".").unwrap_or(&full).to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn flags_are_well_formed() {
        Cli::command().debug_assert();
    }
}
