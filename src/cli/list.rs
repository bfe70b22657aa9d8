//! `list deals|contacts|accounts|tasks [--where EXPR] [--sort F,-F] [--columns a,b] [--open]
//! [--format table|json|csv]`

use std::process::ExitCode;

use dealbook::metrics::report::deal_views;
use dealbook::model::Kind;
use dealbook::query::{Fields, Query};
use dealbook::render::rows::{self, Listing, Row};
use dealbook::render::table;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum What {
    Deals,
    Contacts,
    Accounts,
    Tasks,
}

impl From<What> for Listing {
    fn from(what: What) -> Listing {
        match what {
            What::Deals => Listing::Deals,
            What::Contacts => Listing::Contacts,
            What::Accounts => Listing::Accounts,
            What::Tasks => Listing::Tasks,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    what: What,
    /// Conditions such as `stage=proposal and amount>=10000`, `tags~expansion` (see the README).
    #[arg(long = "where", value_name = "EXPR")]
    filter: Option<String>,
    /// Sort by these fields, `-` for descending: `--sort close_date,-amount`.
    #[arg(
        long,
        value_name = "FIELDS",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    sort: Vec<String>,
    /// The table's columns: `--columns id,stage,weighted`.
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    columns: Vec<String>,
    /// Open deals only (closed deals are listed too, unless this is given).
    #[arg(long)]
    open: bool,
    /// The period `in_period` means (default: the fiscal quarter holding --as-of).
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    audience: super::ForAudience,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let listing = Listing::from(args.what);
    let audience = args.audience.audience();
    let index = vault.index_for(audience);
    let options = super::report::scoped_options(args.period.as_deref(), &vault, env.today())?;
    let views = match listing {
        Listing::Deals => {
            // Git history only when a field that needs it is asked for.
            let mentioned = |name: &str| {
                [args.filter.as_deref().unwrap_or_default()]
                    .into_iter()
                    .chain(args.sort.iter().map(String::as_str))
                    .chain(args.columns.iter().map(String::as_str))
                    .any(|text| text.contains(name))
            };
            let read = (mentioned("days_in_stage") || mentioned("push_count"))
                .then(|| super::history::read(&vault, env.today()).ok())
                .flatten();
            let history = read.as_ref().map(|h| h.for_audience(audience));
            deal_views(index, &vault.config, &options, history.as_deref())
        }
        _ => Vec::new(),
    };
    let mut rows = rows::rows(index, &vault.config, listing, &views);
    let fields = match listing {
        Listing::Deals => Fields::of(Kind::Deal, &rows),
        Listing::Contacts => Fields::of(Kind::Contact, &rows),
        Listing::Accounts => Fields::of(Kind::Account, &rows),
        Listing::Tasks => Fields::tasks(),
    };
    let usage = |e: String| super::UsageError(e);
    if let Some(expression) = &args.filter {
        let query = Query::parse(expression, &fields).map_err(|e| usage(e.to_string()))?;
        rows.retain(|row| query.matches(row, index));
    }
    if args.open && matches!(listing, Listing::Deals) {
        rows.retain(|row| row["open"] == true);
    }
    for name in args.sort.iter().chain(&args.columns) {
        fields
            .check(name.trim_start_matches('-'))
            .map_err(|e| usage(format!("{e} (in --sort or --columns)")))?;
    }
    rows::sort(&mut rows, &args.sort);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
        Format::Csv => table::csv(&rows, &rows::columns(listing, &rows)),
        Format::Table => {
            let columns =
                rows::shown_columns(listing, &args.columns, &rows, &vault.config.currency);
            let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
            let mut text = table::table(&rows, &columns);
            if matches!(listing, Listing::Deals) && !rows.is_empty() {
                text.push_str(&totals(&rows, &vault.config.currency));
            }
            text
        }
    };
    super::output::print(&text)?;
    let incomplete = super::note_unread(&vault, audience);
    super::exiting(vault);
    Ok(super::complete_unless(incomplete))
}

/// The deals table's last line: how many, and their amount and weighted amount in the base
/// currency (deals without an amount or a rate count in neither).
fn totals(rows: &[Row], base: &str) -> String {
    let totals = rows::totals(rows);
    let money = |n: f64| dealbook::render::filters::format_money(n, base);
    let left_out = match totals.without_amount {
        0 => String::new(),
        n => format!("; {n} without an amount or a rate, in neither"),
    };
    format!(
        "{}: {} · weighted {} ({base}){left_out}\n",
        super::output::plural(totals.count, "deal"),
        money(totals.amount),
        money(totals.weighted)
    )
}
