//! `check`: every problem in the vault, exit 1 if any is an error.

use super::output::TextOrJson;
use std::process::ExitCode;

use dealbook::metrics::rules;
use dealbook::Diagnostic;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let root = env.root()?;
    // Of contacts and accounts, `check` reads only what parsing them reports.
    let vault = match dealbook::Vault::load_detail(&root, dealbook::parse::Detail::Reports) {
        Ok(vault) => vault,
        Err(mut diagnostics) => {
            // A broken config is a problem like any other: same formats, exit 1.
            for diagnostic in &mut diagnostics {
                diagnostic.path = super::display_path(&root, &diagnostic.path);
            }
            let text = match args.format {
                TextOrJson::Json => serde_json::to_string_pretty(&diagnostics)? + "\n",
                TextOrJson::Text => diagnostics.iter().map(text_line).collect(),
            };
            super::output::print(&text)?;
            return Ok(ExitCode::from(1));
        }
    };
    let mut diagnostics = rules::check(&vault.index, &vault.config, env.today());
    for d in &mut diagnostics {
        d.path = super::display_path(&vault.root, &d.path);
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let text = match args.format {
        TextOrJson::Json => serde_json::to_string_pretty(&diagnostics)? + "\n",
        TextOrJson::Text => {
            let mut text: String = diagnostics.iter().map(text_line).collect();
            let warnings = diagnostics.len() - errors;
            let records = vault.record_files();
            text.push_str(&format!(
                "{} checked: {} and {}\n",
                super::output::plural(records, "record"),
                super::output::plural(errors, "error"),
                super::output::plural(warnings, "warning")
            ));
            text
        }
    };
    if let Some(hint) = vault.nothing_found() {
        super::output::note(&hint);
    }
    super::exiting(vault);
    super::output::print(&text)?;
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A diagnostic as a line for people: no escape sequence from a file name or a value in it,
/// wherever the text goes (a terminal, a file read later with `cat`).
fn text_line(diagnostic: &Diagnostic) -> String {
    format!(
        "{}\n",
        dealbook::render::escape::terminal(&diagnostic.to_string())
    )
}
