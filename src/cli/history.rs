//! `history [ID]` and `review mark`: the vault's git history, and marking a one-on-one.

use super::output::TextOrJson;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};

use dealbook::history::{self, events, Event, History, Unavailable};
use dealbook::Vault;

/// Reads the history, with a progress bar on stderr once it has taken more than a second.
pub fn read(vault: &Vault, today: NaiveDate) -> Result<History, Unavailable> {
    with_progress(|progress| history::read(vault, today, progress))
}

/// `read` for watch: the commits are read again only when the repository moved.
pub fn read_cached(
    vault: &Vault,
    today: NaiveDate,
    cache: &mut history::Cache,
) -> Result<History, Unavailable> {
    with_progress(|progress| cache.read(vault, today, progress))
}

fn with_progress<T>(read: impl FnOnce(&mut dyn FnMut(usize, usize)) -> T) -> T {
    let started = Instant::now();
    let mut bar: Option<ProgressBar> = None;
    let result = read(&mut |done, total| {
        if bar.is_none() && started.elapsed() > Duration::from_secs(1) {
            let style =
                ProgressStyle::with_template("reading history {bar:30} {pos}/{len} file versions")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar = Some(ProgressBar::new(total as u64).with_style(style));
        }
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    result
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this deal (its id, path or title).
    id: Option<String>,
    /// Only events on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    since: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    #[command(flatten)]
    audience: super::ForAudience,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load_detail(dealbook::parse::Detail::Reports)?;
    let audience = args.audience.audience();
    let history = read(&vault, env.today());
    let history = history.as_ref().map(|h| h.for_audience(audience));
    // A deal deleted from the vault still has a history under its id.
    let only = match &args.id {
        Some(wanted) if history.as_ref().is_ok_and(|h| h.deal(wanted).is_some()) => {
            Some(wanted.clone())
        }
        Some(wanted) => {
            let path = vault
                .find_for(wanted, audience)
                .map_err(|e| super::UsageError(e.to_string()))?;
            Some(dealbook::parse::record_id(&path))
        }
        None => None,
    };
    let history = match history {
        Ok(history) => history,
        Err(reason) => {
            super::output::note(&reason.to_string());
            return Ok(ExitCode::SUCCESS);
        }
    };
    if history.shallow {
        super::output::note("note: this is a shallow clone; history starts at its oldest commit");
    }
    let found: Vec<Event> = events::newest_first(&history, &vault.config)
        .into_iter()
        .filter(|e| only.as_ref().is_none_or(|id| &e.deal == id))
        .filter(|e| args.since.is_none_or(|since| e.date >= since))
        .collect();
    let text = match args.format {
        TextOrJson::Json => serde_json::to_string_pretty(&found)? + "\n",
        // Lines for people: no escape sequence from a title or a value, wherever they go.
        TextOrJson::Text => found
            .iter()
            .map(|e| format!("{}\n", dealbook::render::escape::terminal(&line(e))))
            .collect(),
    };
    super::output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `2026-11-20 abc1234  Acme — platform renewal (acme-renewal): close date pushed out: …`
fn line(event: &Event) -> String {
    let commit = event.commit.as_deref().unwrap_or("(uncommitted)");
    let words = dealbook::render::words::event(
        event.kind,
        event.from.as_deref(),
        event.to.as_deref(),
        &event.currency,
    );
    format!(
        "{} {commit:<13} {} ({}): {words}",
        event.date, event.title, event.deal
    )
}

#[derive(Debug, clap::Subcommand)]
pub enum ReviewCommand {
    /// Tag the current commit `review/YYYY-MM-DD` as the last one-on-one.
    Mark,
}

pub fn run_review(command: ReviewCommand, env: &super::Env) -> anyhow::Result<ExitCode> {
    let ReviewCommand::Mark = command;
    let root = env.root()?;
    let repository =
        history::git::Repository::open(&root).map_err(|e| super::UsageError(e.to_string()))?;
    if !repository.has_commits() {
        return Err(super::UsageError(
            "there is no commit to mark yet; commit the vault first".into(),
        )
        .into());
    }
    let tag = format!("review/{}", env.today());
    if repository.reviews()?.contains(&env.today()) {
        super::output::print(&format!(
            "the review of {} is already marked ({tag}); nothing to do\n",
            env.today()
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    // Only records matter: a report written with -o or by build, or any other new file,
    // does not change what was discussed.
    let vault = env.load_detail(dealbook::parse::Detail::Reports)?;
    let blocking: Vec<String> = repository
        .uncommitted()?
        .into_iter()
        .filter(|(_, path)| vault.is_record_path(path))
        .map(|(status, path)| format!("  {status:<2} {}", path.display()))
        .collect();
    if !blocking.is_empty() {
        return Err(super::UsageError(format!(
            "these records have changes that are not committed:\n{}\ncommit them first, so the review marks what you discussed: `git add -A && git commit -m \"Before the one-on-one\"`",
            blocking.join("\n")
        ))
        .into());
    }
    repository
        .tag(&tag)
        .map_err(|e| super::UsageError(format!("cannot tag {tag}: {e}")))?;
    super::output::print(&format!("tagged {tag}\n"))?;
    Ok(ExitCode::SUCCESS)
}
