//! `init [DIR]`: a new vault, ready to use and to put in git.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use dealbook::vault::CONFIG_FILE;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the vault (default: the current folder).
    dir: Option<PathBuf>,
    /// Adopt the notes already there: propose a config from them and touch no file (the
    /// default when the folder has Markdown notes).
    #[arg(long)]
    adopt: bool,
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
    let proposal = dealbook::vault::propose_config(&dir);
    if args.adopt || proposal.notes > 0 {
        return adopt(&dir, &proposal, env);
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

/// Writes the proposed config (and dealbook's lines of `.gitignore`, keeping the rest), says
/// what was guessed, and what `check` says now. No note is touched.
fn adopt(
    dir: &std::path::Path,
    proposal: &dealbook::vault::adopt::Proposal,
    env: &super::Env,
) -> anyhow::Result<ExitCode> {
    let config = dir.join(CONFIG_FILE);
    dealbook::write::atomic::create(&config, proposal.yaml().as_bytes())
        .with_context(|| format!("cannot write {}", config.display()))?;
    let gitignore = dir.join(".gitignore");
    let existing = std::fs::read_to_string(&gitignore).unwrap_or_default();
    let missing: String = GITIGNORE
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter(|line| !existing.lines().any(|l| l.trim() == *line))
        .map(|line| format!("{line}\n"))
        .collect();
    if !missing.is_empty() {
        let joiner = if existing.is_empty() || existing.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let text = format!("{existing}{joiner}# dealbook\n{missing}");
        dealbook::write::atomic::write(&gitignore, text.as_bytes())
            .with_context(|| format!("cannot write {}", gitignore.display()))?;
    }
    let mut out = format!(
        "Adopted {} Markdown notes in {}; no note was changed. Wrote {CONFIG_FILE}, guessing:\n",
        proposal.notes,
        dir.display()
    );
    for line in proposal.summary() {
        out.push_str(&format!("  {line}\n"));
    }
    let vault = dealbook::Vault::load(dir).map_err(|_| {
        anyhow::anyhow!("the proposed {CONFIG_FILE} does not load; please report this")
    })?;
    let diagnostics = dealbook::metrics::rules::check(&vault.index, &vault.config, env.today());
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    out.push_str(&format!(
        "`dealbook check` now says: {} checked: {} and {}\n",
        super::output::plural(vault.record_files(), "record"),
        super::output::plural(errors, "error"),
        super::output::plural(diagnostics.len() - errors, "warning")
    ));
    super::output::print(&out)?;
    Ok(ExitCode::SUCCESS)
}
