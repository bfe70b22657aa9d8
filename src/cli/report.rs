//! `pipeline`, `prep`, `render TEMPLATE` and `build`: the reports, from templates.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Duration;

use dealbook::history::{History, Unavailable};
use dealbook::metrics::report::ReportOptions;
use dealbook::model::{Audience, Period};
use dealbook::parse::Detail;
use dealbook::render::{self, Sections};
use dealbook::Vault;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Md,
    Html,
    Json,
}

/// What every report takes.
#[derive(Debug, clap::Args)]
pub struct Scope {
    /// YYYY-Qn, YYYY-MM or YYYY (default: the fiscal quarter holding --as-of).
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    /// The last review: what is new is on or after this day (default: 7 days before --as-of).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    since: Option<chrono::NaiveDate>,
    #[command(flatten)]
    audience: super::ForAudience,
    #[command(flatten)]
    deals: Scoped,
}

/// `--where` and `--quota`: a report on some of the deals, against its own quota.
#[derive(Debug, Clone, clap::Args)]
pub struct Scoped {
    /// Count only the deals this matches (the `list --where` language): `owner="Sarah Chen"`.
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    /// The quota for the period, instead of the config's (for a scoped report).
    #[arg(long, value_name = "AMOUNT")]
    pub quota: Option<f64>,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    scope: Scope,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// A template in the vault's templates/ folder, or a built-in (pipeline.md, prep.html …).
    template: String,
    #[command(flatten)]
    scope: Scope,
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy)]
pub enum Report {
    Pipeline,
    Prep,
}

pub fn run_report(report: Report, args: ReportArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let sections = match report {
        Report::Pipeline => Sections::Pipeline,
        Report::Prep => Sections::All,
    };
    let (vault, context) = load_context(&args.scope, env, sections)?;
    let output = args.output.as_deref();
    let done = match (args.format, report) {
        (Format::Json, _) => emit(
            &vault,
            &(serde_json::to_string_pretty(&context)? + "\n"),
            output,
        ),
        (format, report) => {
            let name = match (report, format) {
                (Report::Pipeline, Format::Html) => "pipeline.html",
                (Report::Pipeline, _) => "pipeline.md",
                (Report::Prep, Format::Html) => "prep.html",
                (Report::Prep, _) => "prep.md",
            };
            render_out(&vault, name, &context, output)
        }
    };
    finish(done, vault, context)
}

/// The exit status of a report that was output: 1 when it left something out (it says what,
/// in its "not counted" section), else 0.
fn finish(
    done: anyhow::Result<ExitCode>,
    vault: Vault,
    context: render::Context,
) -> anyhow::Result<ExitCode> {
    let complete = context.is_complete();
    super::exiting((vault, context));
    let code = done?;
    Ok(if complete { code } else { ExitCode::from(1) })
}

pub fn run_render(args: RenderArgs, env: &super::Env) -> anyhow::Result<ExitCode> {
    let sections = Sections::for_template(&args.template);
    let (vault, context) = load_context(&args.scope, env, sections)?;
    let done = render_out(&vault, &args.template, &context, args.output.as_deref());
    finish(done, vault, context)
}

/// Renders to the file (atomically, so it is whole or untouched) or to stdout as it goes: a
/// report over a big vault is not held in memory.
fn render_out(
    vault: &Vault,
    template: &str,
    context: &render::Context,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let templates = dealbook::build::templates(vault);
    if output.is_some() {
        return emit(vault, &templates.render(template, context)?, output);
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    templates
        .render_to(template, context, &mut stdout)
        .map_err(|e| match e {
            // Kept an I/O error, so that a closed pipe (`dealbook prep | head`) is no error.
            render::RenderError::Write(e) => anyhow::Error::from(e),
            render::RenderError::Template(e) => e.into(),
        })?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The vault and the template context for a report's scope and audience.
fn load_context(
    scope: &Scope,
    env: &super::Env,
    sections: Sections,
) -> anyhow::Result<(Vault, render::Context)> {
    let audience = scope.audience.audience();
    let vault = load_reporting(env, audience)?;
    let history = super::history::read(&vault, env.today());
    let mut options = options(scope, &vault, env, &history)?;
    options.quota = scope.deals.quota;
    let filter = scope.deals.filter.as_deref();
    let context = render::vault_context(&vault, &options, audience, &history, sections, filter)
        .map_err(|e| super::UsageError(e.to_string()))?;
    Ok((vault, context))
}

/// Renders every output configured in `dealbook.yaml`, writing only what changed.
pub fn run_build(env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = load_reporting(env, Audience::Me)?;
    if vault.config.outputs.is_empty() {
        return Err(super::UsageError(
            "dealbook.yaml has no `outputs:` to build; add e.g. `outputs: [{ template: pipeline.md, to: reports/pipeline.md }]`".into(),
        )
        .into());
    }
    let history = super::history::read(&vault, env.today());
    let options = default_options(&vault, env.today(), &history);
    let mut complete = true;
    for built in dealbook::build::build(&vault, &options, &history)? {
        let shown = super::display_path(&vault.root, &built.path);
        let verb = if built.written { "wrote" } else { "unchanged" };
        let gaps = if built.complete {
            ""
        } else {
            " (some deals are not counted: see its \"Not counted\" section)"
        };
        super::output::note(&format!("{verb} {}{gaps}", shown.display()));
        complete &= built.complete;
    }
    Ok(super::complete_unless(!complete))
}

/// What `build` and `watch` render for: the current quarter, since the last review.
pub fn default_options(
    vault: &Vault,
    today: chrono::NaiveDate,
    history: &Result<History, Unavailable>,
) -> ReportOptions {
    ReportOptions::current(&vault.config, today, history.as_ref().ok())
}

/// Loads the vault and reports on stderr the errors `audience` may see; the report renders
/// from the rest. For the manager's copy, a private record's problem is only counted, so a
/// shared screen shows nothing of it.
fn load_reporting(env: &super::Env, audience: Audience) -> anyhow::Result<Vault> {
    let vault = env.load_detail(Detail::Reports)?;
    if let Some(hint) = vault.nothing_found() {
        super::output::note(&hint);
    }
    let errors =
        |index: &dealbook::Index| index.diagnostics.iter().filter(|d| d.is_error()).count();
    let shown: Vec<_> = vault
        .index_for(audience)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    for diagnostic in &shown {
        super::output::note(&super::located(&vault.root, diagnostic));
    }
    let unshown = errors(&vault.index) - shown.len();
    if !shown.is_empty() {
        super::output::note(&format!(
            "{} above; run `dealbook check` for every problem",
            super::output::plural(shown.len(), "problem")
        ));
    }
    if unshown > 0 {
        super::output::note(&format!(
            "{} in files the manager's copy leaves out; run `dealbook check` to see {}",
            super::output::plural(unshown, "problem"),
            if unshown == 1 { "it" } else { "them" }
        ));
    }
    Ok(vault)
}

fn options(
    scope: &Scope,
    vault: &Vault,
    env: &super::Env,
    history: &Result<History, Unavailable>,
) -> anyhow::Result<ReportOptions> {
    let as_of = env.today();
    let mut options = scoped_options(scope.period.as_deref(), vault, as_of)?;
    if let Some(since) = scope.since.filter(|since| *since > as_of) {
        return Err(super::UsageError(format!(
            "--since {since} is after --as-of {as_of}: nothing can have changed since a day still to come"
        ))
        .into());
    }
    options.since = scope
        .since
        .unwrap_or_else(|| dealbook::metrics::report::last_review(history.as_ref().ok(), as_of));
    Ok(options)
}

/// `--period` (default: the fiscal quarter holding `as_of`), since a week ago.
pub fn scoped_options(
    period: Option<&str>,
    vault: &Vault,
    as_of: chrono::NaiveDate,
) -> anyhow::Result<ReportOptions> {
    let fiscal_year_start = vault.config.fiscal_year_start;
    let period = match period {
        Some(label) => Period::parse(label, fiscal_year_start).ok_or_else(|| {
            super::UsageError(format!(
                "`{label}` is not a period: write YYYY-Qn, YYYY-MM or YYYY"
            ))
        })?,
        None => Period::quarter_of(as_of, fiscal_year_start),
    };
    Ok(ReportOptions {
        as_of,
        period,
        since: as_of - Duration::days(7),
        quota: None,
    })
}

fn emit(vault: &Vault, text: &str, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => super::write_chosen(vault, path, text)?,
        None => super::output::print(text)?,
    }
    Ok(ExitCode::SUCCESS)
}
