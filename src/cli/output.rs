//! Writing to stdout, where a closed pipe (`dealbook list | head`) is not an error.

use std::io::{self, IsTerminal, Write};

use dealbook::render::escape;

/// `--format text|json`, for commands whose text is lines for people.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
}

/// Prints to stdout. On a terminal, text from the vault cannot send it escape sequences.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    if stdout.is_terminal() {
        stdout.write_all(escape::terminal(text).as_bytes())?;
    } else {
        stdout.write_all(text.as_bytes())?;
    }
    stdout.flush()?;
    Ok(())
}

/// A line for people on stderr (a problem, a note, progress), with no escape sequences or
/// control characters from file names or values in it.
pub fn note(text: &str) {
    eprintln!("{}", escape::terminal(text));
}

pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// `1 deal`, `3 deals`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
