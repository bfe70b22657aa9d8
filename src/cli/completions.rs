//! `completions SHELL`: bash, zsh and fish get a script that asks `dealbook __complete` on
//! each TAB, so it completes the vault's ids, fields and stages as well as the commands;
//! elvish and powershell get clap's script of the commands and flags alone.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    shell: Shell,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let script = match args.shell {
        Shell::Bash => include_str!("completions/dealbook.bash").to_string(),
        Shell::Zsh => include_str!("completions/_dealbook").to_string(),
        Shell::Fish => include_str!("completions/dealbook.fish").to_string(),
        shell => {
            let mut buffer = Vec::new();
            clap_complete::generate(shell, &mut super::Cli::command(), "dealbook", &mut buffer);
            String::from_utf8_lossy(&buffer).into_owned()
        }
    };
    super::output::print(&script)?;
    Ok(ExitCode::SUCCESS)
}
