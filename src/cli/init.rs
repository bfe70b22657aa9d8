//! `init [DIR]`: a new vault, ready to use and to put in git.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use dealbook::vault::CONFIG_FILE;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the vault (default: the current folder).
    dir: Option<PathBuf>,
}

const CONFIG: &str = include_str!("../../templates/init/dealbook.yaml");
const GITIGNORE: &str = include_str!("../../templates/init/gitignore");
const DEAL: &str = include_str!("../../templates/init/deal.md");
const CONTACT: &str = include_str!("../../templates/init/contact.md");
const ACCOUNT: &str = include_str!("../../templates/init/account.md");

pub fn run(args: Args, env: &super::Env) -> anyhow::Result<ExitCode> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    if dir.join(CONFIG_FILE).exists() {
        return Err(super::UsageError(format!(
            "{} is already a vault (it has a {CONFIG_FILE}); nothing was changed",
            dir.display()
        ))
        .into());
    }
    let today = env.today().to_string();
    let files = [
        (CONFIG_FILE, CONFIG.to_string()),
        (".gitignore", GITIGNORE.to_string()),
        ("deals/acme-pilot.md", DEAL.replace("{{today}}", &today)),
        ("contacts/jane-doe.md", CONTACT.replace("{{today}}", &today)),
        ("accounts/acme.md", ACCOUNT.replace("{{today}}", &today)),
    ];
    if let Some((existing, _)) = files.iter().find(|(path, _)| dir.join(path).exists()) {
        return Err(super::UsageError(format!(
            "{} already exists; nothing was changed",
            dir.join(existing).display()
        ))
        .into());
    }
    for (path, text) in &files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    std::fs::create_dir_all(dir.join("reports"))?;
    super::output::print(&format!(
        "Created a vault in {}. Next: `dealbook --vault {} check`, then put it in git.\n",
        dir.display(),
        dir.display()
    ))?;
    Ok(ExitCode::SUCCESS)
}
