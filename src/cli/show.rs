//! `show ID [--format text|json] [--audience me|manager]`: one record at a glance.

use std::process::ExitCode;

use super::output::TextOrJson;
use dealbook::metrics::show::record_view;
use dealbook::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record: its id, its path, or its title or name (enough of it to tell it apart).
    id: String,
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    #[command(flatten)]
    audience: super::ForAudience,
}

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let vault = env.load()?;
    let audience = args.audience.audience();
    let path = vault
        .find_for(&args.id, audience)
        .map_err(|e| super::UsageError(e.to_string()))?;
    let history = super::history::read(&vault, env.today());
    let options = super::report::default_options(&vault, env.today(), &history);
    let index = vault.index_for(audience);
    let Some(view) = record_view(&path, index, &vault.config, &options, audience, &history) else {
        // Found by its path or id, but it could not be read as a record.
        for diagnostic in index.diagnostics.iter().filter(|d| d.path == path) {
            super::output::note(&super::located(&vault.root, diagnostic));
        }
        super::output::note(&format!(
            "{} could not be read as a record; run `dealbook check`",
            super::display_path(&vault.root, &path).display()
        ));
        return Err(super::DataErrors.into());
    };
    let text = match args.format {
        TextOrJson::Json => serde_json::to_string_pretty(&view)? + "\n",
        TextOrJson::Text => render::show::text(&view),
    };
    super::output::print(&text)?;
    super::exiting(vault);
    Ok(ExitCode::SUCCESS)
}
