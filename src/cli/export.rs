//! `export deals|contacts|accounts --format csv|vcard|json [-o FILE]`: your book, to take along.

use std::path::PathBuf;
use std::process::ExitCode;

use dealbook::render::rows::{self, Listing};
use dealbook::render::{table, vcard};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum What {
    Deals,
    Contacts,
    Accounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Vcard,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    what: What,
    #[arg(long, value_enum)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    audience: super::ForAudience,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let listing = match args.what {
        What::Deals => Listing::Deals,
        What::Contacts => Listing::Contacts,
        What::Accounts => Listing::Accounts,
    };
    let index = vault.index_for(args.audience.audience());
    let text = match args.format {
        Format::Vcard if !matches!(args.what, What::Contacts) => {
            return Err(super::UsageError(
                "vCard is for contacts: `export contacts --format vcard`".into(),
            )
            .into())
        }
        Format::Vcard => vcard::vcards(index),
        Format::Json => {
            let records = rows::records(index, &vault.config, listing, true);
            serde_json::to_string_pretty(&records)? + "\n"
        }
        Format::Csv => {
            let records = rows::records(index, &vault.config, listing, false);
            table::csv(&records, &rows::columns(listing, &records))
        }
    };
    match args.output {
        Some(path) => super::write_chosen(&vault, &path, &text)?,
        None => super::output::print(&text)?,
    }
    let incomplete = super::note_unread(&vault, args.audience.audience());
    Ok(super::complete_unless(incomplete))
}
