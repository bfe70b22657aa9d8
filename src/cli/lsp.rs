//! `lsp`: the language server on stdin and stdout, for the rep's editor.

use std::process::ExitCode;

use dealbook::lsp::{serve, Ending};

pub fn run(env: &super::Env) -> anyhow::Result<ExitCode> {
    let as_of = env.as_of;
    let today = Box::new(move || as_of.unwrap_or_else(|| chrono::Local::now().date_naive()));
    let input = std::io::BufReader::new(std::io::stdin());
    let ending = serve(input, std::io::stdout().lock(), today)?;
    // The thread reading stdin may still be waiting on it: exit without joining it.
    Ok(match ending {
        Ending::ShutDown | Ending::InputClosed => ExitCode::SUCCESS,
        Ending::ExitedEarly => ExitCode::from(1),
    })
}
