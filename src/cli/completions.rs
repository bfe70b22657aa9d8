//! `completions SHELL`

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    shell: Shell,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut buffer = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut super::Cli::command(),
        "dealbook",
        &mut buffer,
    );
    super::output::print(&String::from_utf8_lossy(&buffer))?;
    Ok(ExitCode::SUCCESS)
}
