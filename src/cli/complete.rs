//! `__complete` (hidden): what the scripts of `completions` run on each TAB. It gets the words
//! typed after `dealbook`, the last one being completed, and prints the candidates for it, one
//! a line: commands, flags and their values from the command's own arguments, and from the
//! vault what `dealbook::complete` finds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command, CommandFactory};

use dealbook::complete::{self, Slot};
use dealbook::model::Kind;
use dealbook::render::rows::Listing;

/// The shells whose scripts call `__complete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell asking: bash splits words at `=` and `:` and inserts candidates unquoted.
    #[arg(long, value_enum)]
    shell: Option<Shell>,
    /// The words after `dealbook`, as typed; the last is being completed (empty after a space).
    #[arg(last = true)]
    words: Vec<String>,
}

/// What the values of an argument name in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    Record,
    Deal,
    /// `ID=VALUE` of a deal: the id is completed, with its `=`.
    DealChange,
    Assignment,
    Field,
    Template,
    Filter,
}

/// The arguments whose values come from the vault: command, argument id, what they name.
const FROM_VAULT: [(&str, &str, Names); 16] = [
    ("set", "id", Names::Record),
    ("unset", "id", Names::Record),
    ("log", "id", Names::Record),
    ("done", "id", Names::Record),
    ("close", "id", Names::Deal),
    ("history", "id", Names::Deal),
    ("show", "id", Names::Record),
    ("whatif", "win", Names::Deal),
    ("whatif", "lose", Names::Deal),
    ("whatif", "slip", Names::DealChange),
    ("whatif", "amount", Names::DealChange),
    ("whatif", "prob", Names::DealChange),
    ("set", "fields", Names::Assignment),
    ("unset", "keys", Names::Field),
    ("render", "template", Names::Template),
    ("list", "filter", Names::Filter),
];

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (words, kept) = match args.shell {
        Some(Shell::Bash) => rejoin(&args.words),
        _ => (args.words, 0),
    };
    let (typed, before) = match words.split_last() {
        Some((last, before)) => (last.as_str(), before),
        None => ("", &words[..]),
    };
    let before: Vec<String> = before.iter().map(|word| unquote(word)).collect();
    let (replaced, shown) = typed.split_at(kept);
    let replaced = unquote(replaced);
    let found = candidates(&before, &(replaced.clone() + &unquote(shown)));
    let escaped = args.shell == Some(Shell::Bash) && !shown.starts_with(['"', '\'']);
    let mut lines = String::with_capacity(found.iter().map(|c| c.len() + 2).sum());
    for candidate in &found {
        let rest = candidate.strip_prefix(&replaced).unwrap_or(candidate);
        if escaped {
            escape(rest, &mut lines);
        } else {
            lines.push_str(rest);
        }
        lines.push('\n');
    }
    super::output::print(&lines)?;
    Ok(ExitCode::SUCCESS)
}

/// dealbook's words from bash's: bash splits `stage=pro` into `stage`, `=`, `pro` (at its
/// COMP_WORDBREAKS), so a word of only `=` and `:` joins its neighbours again. With the bytes
/// of the last word that bash does not replace, which the candidates lose.
fn rejoin(words: &[String]) -> (Vec<String>, usize) {
    let mut joined: Vec<String> = Vec::new();
    let mut kept = 0;
    let mut glued = false;
    for word in words {
        let breaks = !word.is_empty() && word.chars().all(|c| c == '=' || c == ':');
        match joined.last_mut() {
            Some(last) if glued || breaks => {
                kept = last.len();
                last.push_str(word);
            }
            _ => {
                kept = 0;
                joined.push(word.clone());
            }
        }
        glued = breaks;
    }
    // After a `=` at the end, bash replaces what follows it: nothing yet.
    if glued {
        kept = joined.last().map_or(0, String::len);
    }
    (joined, kept)
}

/// A word as the program would get it: quotes and backslashes taken off, `~/` the home folder.
fn unquote(word: &str) -> String {
    let mut out = String::new();
    let mut quote = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None | Some('"'), '\\') => out.extend(chars.next()),
            (_, c) => out.push(c),
        }
    }
    match (out.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest).to_string_lossy().into_owned(),
        _ => out,
    }
}

/// Writes a candidate to `out` as bash inserts it: what the shell would split or expand,
/// backslashed.
fn escape(candidate: &str, out: &mut String) {
    for c in candidate.chars() {
        if c.is_ascii() && !(c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c)) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The candidates for `typed`, the word after `before` (both unquoted).
fn candidates(before: &[String], typed: &str) -> Vec<String> {
    let mut command = super::Cli::command().ignore_errors(true);
    command.build();
    let line = std::iter::once("dealbook".to_string()).chain(before.iter().cloned());
    let Ok(matches) = command.try_get_matches_from_mut(line) else {
        return Vec::new();
    };
    let mut chain = vec![&matches];
    let mut at = &command;
    while let Some((name, sub)) = chain.last().and_then(|m| m.subcommand()) {
        match at.find_subcommand(name) {
            Some(found) => at = found,
            None => break,
        }
        chain.push(sub);
    }
    let place = Place {
        command: at,
        matches: chain[chain.len() - 1],
        root: vault_root(&chain),
    };
    place.candidates(before.last().map(String::as_str), typed)
}

/// The vault the command line names (`--vault`, else `DEALBOOK_VAULT`), else the one found as
/// every command finds it.
fn vault_root(chain: &[&ArgMatches]) -> Option<PathBuf> {
    let vault = chain
        .iter()
        .rev()
        .find_map(|m| m.try_get_one::<PathBuf>("vault").ok().flatten())
        .cloned();
    super::Env { vault, as_of: None }.root().ok()
}

/// The command being typed, what it was given, and its vault.
struct Place<'a> {
    command: &'a Command,
    matches: &'a ArgMatches,
    root: Option<PathBuf>,
}

impl Place<'_> {
    /// The candidates for `typed`, after the word `previous`.
    fn candidates(&self, previous: Option<&str>, typed: &str) -> Vec<String> {
        if let Some((flag, value)) = typed.strip_prefix("--").and_then(|t| t.split_once('=')) {
            return match self.long(flag) {
                Some(arg) => self
                    .values(arg, value)
                    .into_iter()
                    .map(|v| format!("--{flag}={v}"))
                    .collect(),
                None => Vec::new(),
            };
        }
        if typed.starts_with('-') {
            return self.flags(typed);
        }
        if let Some(arg) = previous.and_then(|word| self.flag_with_value(word)) {
            return self.values(arg, typed);
        }
        if self.command.has_subcommands() && self.matches.subcommand().is_none() {
            return self.subcommands(typed);
        }
        match self.next_positional() {
            Some(arg) => self.values(arg, typed),
            None => Vec::new(),
        }
    }

    fn subcommands(&self, typed: &str) -> Vec<String> {
        self.command
            .get_subcommands()
            .filter(|c| !c.is_hide_set())
            .map(|c| c.get_name().to_string())
            .filter(|name| name.starts_with(typed))
            .collect()
    }

    fn flags(&self, typed: &str) -> Vec<String> {
        self.command
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| a.get_long())
            .map(|long| format!("--{long}"))
            .filter(|flag| flag.starts_with(typed))
            .collect()
    }

    fn long(&self, name: &str) -> Option<&Arg> {
        self.command
            .get_arguments()
            .find(|a| a.get_long() == Some(name))
    }

    /// The argument of `word` if it is a flag that takes a value (`--where`, `-o`).
    fn flag_with_value(&self, word: &str) -> Option<&Arg> {
        let arg = match word.strip_prefix("--") {
            Some(long) => self.long(long)?,
            None => {
                let mut short = word.strip_prefix('-')?.chars();
                let (Some(c), None) = (short.next(), short.next()) else {
                    return None;
                };
                self.command
                    .get_arguments()
                    .find(|a| a.get_short() == Some(c))?
            }
        };
        arg.get_action().takes_values().then_some(arg)
    }

    /// The positional argument the next word goes to: the first not yet given, else the last
    /// if it takes many.
    fn next_positional(&self) -> Option<&Arg> {
        let given = |arg: &Arg| {
            self.matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine)
        };
        let mut positionals: Vec<&Arg> = self.command.get_positionals().collect();
        positionals.sort_by_key(|a| a.get_index());
        let many = |arg: &&&Arg| arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        positionals
            .iter()
            .find(|a| !given(a))
            .or_else(|| positionals.last().filter(many))
            .copied()
    }

    /// The values of `arg` that start with `typed`: the vault's, or the ones it allows.
    fn values(&self, arg: &Arg, typed: &str) -> Vec<String> {
        let names = FROM_VAULT
            .iter()
            .find(|(command, id, _)| {
                *command == self.command.get_name() && *id == arg.get_id().as_str()
            })
            .map(|(.., names)| *names);
        match (names, &self.root) {
            (Some(names), Some(root)) => self.vault_values(root, names, typed),
            (Some(_), None) => Vec::new(),
            (None, _) => arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .filter(|name| name.starts_with(typed))
                .collect(),
        }
    }

    fn vault_values(&self, root: &Path, names: Names, typed: &str) -> Vec<String> {
        let record = || {
            self.matches
                .try_get_one::<String>("id")
                .ok()
                .flatten()
                .map_or("", String::as_str)
        };
        let slot = match names {
            Names::Record => Slot::Record(None),
            Names::Deal | Names::DealChange => Slot::Record(Some(Kind::Deal)),
            Names::Assignment => Slot::Assignment { record: record() },
            Names::Field => Slot::Field { record: record() },
            Names::Template => Slot::Template,
            Names::Filter => Slot::Filter(
                self.matches
                    .try_get_one::<super::list::What>("what")
                    .ok()
                    .flatten()
                    .map_or(Listing::Deals, |what| Listing::from(*what)),
            ),
        };
        let found = complete::candidates(root, slot, typed);
        match names {
            Names::DealChange => found.into_iter().map(|id| id + "=").collect(),
            _ => found,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_argument_completed_from_the_vault_exists() {
        let command = super::super::Cli::command();
        for (name, id, _) in FROM_VAULT {
            let sub = command.find_subcommand(name).expect(name);
            assert!(
                sub.get_arguments().any(|a| a.get_id() == id),
                "`{name}` has no argument `{id}`"
            );
        }
    }

    #[test]
    fn bash_words_split_at_equals_are_joined_again() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rejoin(&words(&["set", "a", "stage", "=", "pro"])),
            (words(&["set", "a", "stage=pro"]), 6)
        );
        assert_eq!(
            rejoin(&words(&["set", "a", "stage", "="])),
            (words(&["set", "a", "stage="]), 6)
        );
        assert_eq!(
            rejoin(&words(&["--vault", "=", "v", "set", ""])),
            (words(&["--vault=v", "set", ""]), 0)
        );
    }

    #[test]
    fn words_are_read_as_the_shell_passes_them() {
        assert_eq!(unquote(r#"Acme\ Pl"#), "Acme Pl");
        assert_eq!(unquote(r#""Acme Pl"#), "Acme Pl");
        assert_eq!(unquote("'a\\b'"), "a\\b");
        let escaped = |candidate: &str| {
            let mut out = String::new();
            escape(candidate, &mut out);
            out
        };
        assert_eq!(escaped("Proposal Sent (v2)"), r"Proposal\ Sent\ \(v2\)");
        assert_eq!(escaped("stage=closed_won"), "stage=closed_won");
        assert_eq!(escaped("Acme — Rotterdam"), r"Acme\ —\ Rotterdam");
    }
}
