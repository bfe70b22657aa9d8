//! `list deals|contacts|accounts|tasks [--where EXPR] [--format table|json|csv]`

use std::process::ExitCode;

use dealbook::query::Filter;
use dealbook::render::rows::{self, Listing};
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
    /// Conditions such as `stage=proposal and amount>=10000`, `tags~expansion`.
    #[arg(long = "where", value_name = "EXPR")]
    filter: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    audience: super::ForAudience,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let filter = args
        .filter
        .as_deref()
        .map(Filter::parse)
        .transpose()
        .map_err(|e| super::UsageError(e.to_string()))?;
    let vault = env.load()?;
    let listing = Listing::from(args.what);
    let index = vault.index_for(args.audience.audience());
    let mut rows = rows::rows(index, &vault.config, listing);
    if let Some(filter) = &filter {
        rows.retain(|row| filter.matches(row));
    }
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
        Format::Csv => table::csv(&rows, &rows::columns(listing, &rows)),
        Format::Table => table::table(&rows, rows::table_columns(listing)),
    };
    super::output::print(&text)?;
    let incomplete = super::note_unread(&vault, args.audience.audience());
    super::exiting(vault);
    Ok(super::complete_unless(incomplete))
}
