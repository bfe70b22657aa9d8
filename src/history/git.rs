//! Talking to git through its command line: the one git every rep already has, with no
//! library to build. Two processes do the work for each repository: one `git log --raw`, which
//! says which file versions (blobs) each commit made, and one `git cat-file --batch` streaming
//! those blobs by id. Paths travel NUL-separated only, git runs in the C locale with the
//! settings that change its output pinned, so no file name and no user config can change
//! what is read.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::NaiveDate;

/// Why there is no history to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("history is turned off in dealbook.yaml (history: false)")]
    Disabled,
    #[error("git is not installed, so there is no history")]
    GitMissing,
    #[error("the vault is not in a git repository, so there is no history")]
    NotARepository,
    #[error("git failed: {0}")]
    Failed(String),
}

/// A blob id, as git prints it (40 or 64 hex digits).
pub type Blob = String;

/// What a commit did to one file; paths are relative to the vault root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    Added {
        path: PathBuf,
        blob: Blob,
    },
    Modified {
        path: PathBuf,
        blob: Blob,
    },
    Deleted {
        path: PathBuf,
    },
    Renamed {
        from: PathBuf,
        to: PathBuf,
        blob: Blob,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCommit {
    pub id: String,
    pub date: NaiveDate,
    pub changes: Vec<FileChange>,
}

/// One repository holding some of the vault's records: the vault's own, or a submodule (or a
/// repository of its own) that a records folder is.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Where git runs: the vault folder, or the records folder that is a repository of its own.
    dir: PathBuf,
    /// `dir` relative to the vault root (empty for the vault's own repository).
    in_vault: PathBuf,
    pub shallow: bool,
    /// Whether there is any commit yet.
    pub has_commits: bool,
}

/// `git` with the output it prints made independent of the user's language and config.
fn command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "color.ui=never",
            "-c",
            "log.showSignature=false",
            "-c",
            "log.showRoot=true",
            "-c",
            "core.quotePath=false",
            "-c",
            "diff.relative=false",
        ])
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        // These would change what a pathspec matches, or turn its magic off.
        .env_remove("GIT_LITERAL_PATHSPECS")
        .env_remove("GIT_GLOB_PATHSPECS")
        .env_remove("GIT_NOGLOB_PATHSPECS")
        .env_remove("GIT_ICASE_PATHSPECS")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    command
}

fn spawn_error(e: std::io::Error) -> Unavailable {
    match e.kind() {
        std::io::ErrorKind::NotFound => Unavailable::GitMissing,
        _ => Unavailable::Failed(e.to_string()),
    }
}

/// How a git command ended when it did not succeed: its exit code and what it said.
type Refused = (Option<i32>, String);

/// Runs git; its stdout, or how it refused.
fn run(dir: &Path, args: &[&str]) -> Result<Result<Vec<u8>, Refused>, Unavailable> {
    let output = command(dir).args(args).output().map_err(spawn_error)?;
    if output.status.success() {
        Ok(Ok(output.stdout))
    } else {
        let said = String::from_utf8_lossy(&output.stderr).trim().to_string();
        Ok(Err((output.status.code(), said)))
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Unavailable> {
    match run(dir, args)? {
        Ok(stdout) => Ok(String::from_utf8_lossy(&stdout).into_owned()),
        Err((_, said)) => Err(Unavailable::Failed(said)),
    }
}

/// HEAD and every ref (branches, tags, review tags), as one text that changes whenever any of
/// them moves; `None` when git cannot tell (no repository, no commit yet).
pub fn refs(vault: &Path) -> Option<String> {
    git(vault, &["show-ref", "--head"]).ok()
}

impl Repository {
    /// The repository holding the vault folder.
    pub fn open(vault: &Path) -> Result<Repository, Unavailable> {
        Repository::at(vault, PathBuf::new())
    }

    fn at(dir: &Path, in_vault: PathBuf) -> Result<Repository, Unavailable> {
        // git exits with 128 outside a repository, whatever language it would say so in.
        let shallow = match run(dir, &["rev-parse", "--is-shallow-repository"])? {
            Ok(out) => String::from_utf8_lossy(&out).trim() == "true",
            Err((Some(128), _)) => return Err(Unavailable::NotARepository),
            Err((_, said)) => return Err(Unavailable::Failed(said)),
        };
        let has_commits = run(dir, &["rev-parse", "--verify", "--quiet", "HEAD"])?.is_ok();
        Ok(Repository {
            dir: dir.to_path_buf(),
            in_vault,
            shallow,
            has_commits,
        })
    }

    /// Whether `dir` is the top folder of a repository of its own.
    fn is_own_repository(dir: &Path) -> bool {
        let top = git(dir, &["rev-parse", "--show-toplevel"]).ok();
        let top = top
            .as_deref()
            .map(|top| Path::new(top.trim()).to_path_buf());
        top.is_some() && top == dir.canonicalize().ok()
    }

    /// The repositories holding the vault's records folders, each with the pathspecs to log
    /// in it: the vault's own, plus each records folder that is a repository of its own (a
    /// submodule), whose commits the vault's repository sees only as one pointer. In the
    /// vault's own repository the whole vault is logged, not just today's records folders: a
    /// deal's versions from before its folder was moved or renamed are then read too, and git
    /// sees the move as renames. Which of those files are deals is the caller's to decide. (A
    /// pathspec that picks the Markdown files, `:(glob)**/*.md`, makes git match every path of
    /// every commit against it: three times slower on a big vault.)
    pub fn holding(
        vault: &Path,
        folders: &[String],
    ) -> Result<Vec<(Repository, Vec<String>)>, Unavailable> {
        let own = Repository::open(vault)?;
        let mut separate = Vec::new();
        let mut excluded = Vec::new();
        let mut any_in_own = false;
        for folder in folders {
            let dir = vault.join(folder);
            let is_separate = !folder.trim_matches(['/', '.']).is_empty()
                && dir.is_dir()
                && Repository::is_own_repository(&dir);
            match is_separate.then(|| Repository::at(&dir, PathBuf::from(folder))) {
                Some(Ok(repository)) => {
                    separate.push((repository, vec![".".to_string()]));
                    excluded.push(format!(":(exclude,literal){folder}"));
                }
                _ => any_in_own = true,
            }
        }
        let mut pathspecs = Vec::new();
        if any_in_own {
            pathspecs.push(".".to_string());
            pathspecs.extend(excluded);
        }
        let mut repositories = vec![(own, pathspecs)];
        repositories.extend(separate);
        Ok(repositories)
    }

    /// Every commit that touched `pathspecs` (relative to this repository's folder), oldest
    /// first, following renames, with the blob each change made.
    pub fn log(&self, pathspecs: &[String]) -> Result<Vec<LoggedCommit>, Unavailable> {
        if !self.has_commits || pathspecs.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec![
            "log",
            "--reverse",
            "--no-color",
            "--no-show-signature",
            "--format=%x1e%H%x1f%cs",
            "--raw",
            "--no-abbrev",
            "-M",
            "-z",
            "--relative",
            "--",
        ];
        args.extend(pathspecs.iter().map(String::as_str));
        let out = match run(&self.dir, &args)? {
            Ok(out) => out,
            Err((_, said)) => return Err(Unavailable::Failed(said)),
        };
        Ok(parse_log(&out, &self.in_vault))
    }

    /// Streams the contents of each blob, in order, to `each(i, bytes)`, so no more than one
    /// version is held at a time. A blob the repository does not have is an error that names
    /// it; `name(i)` says which file version it is, for the message.
    pub fn read_blobs(
        &self,
        wanted: &[Blob],
        name: impl Fn(usize) -> String,
        mut each: impl FnMut(usize, Vec<u8>),
    ) -> Result<(), Unavailable> {
        if wanted.is_empty() {
            return Ok(());
        }
        let mut child = command(&self.dir)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(spawn_error)?;
        let mut stdin = child.stdin.take().expect("piped");
        let requests: String = wanted.iter().map(|blob| format!("{blob}\n")).collect();
        // Feed requests from another thread so neither pipe can fill up and block.
        let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let mut reader = BufReader::new(child.stdout.take().expect("piped"));
        let failed = |e: std::io::Error| Unavailable::Failed(e.to_string());
        let mut header = String::new();
        for (i, blob) in wanted.iter().enumerate() {
            header.clear();
            reader.read_line(&mut header).map_err(failed)?;
            let mut fields = header.split_whitespace();
            let size = match (fields.next(), fields.next(), fields.next()) {
                (Some(id), Some("blob"), Some(size)) if id == blob => size.parse::<usize>().ok(),
                _ => None,
            };
            let Some(size) = size else {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Unavailable::Failed(format!(
                    "the repository does not have {} (object {blob}); is it a partial or damaged clone? `git fsck` tells",
                    name(i)
                )));
            };
            let mut content = vec![0; size + 1]; // the content and a newline
            reader.read_exact(&mut content).map_err(failed)?;
            content.pop();
            each(i, content);
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(())
    }

    /// Uncommitted changes under the vault, as `git status --porcelain` entries.
    /// The files under this repository's folder that differ from the last commit (untracked
    /// ones included), each with git's two-letter status (`M `, `??`, `R `…), relative to the
    /// vault root.
    pub fn uncommitted(&self) -> Result<Vec<(String, PathBuf)>, Unavailable> {
        let prefix = git(&self.dir, &["rev-parse", "--show-prefix"])?;
        let prefix = prefix.trim_end_matches('\n');
        let out = git(
            &self.dir,
            &[
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--",
                ".",
            ],
        )?;
        let mut entries = out.split('\0').filter(|e| !e.is_empty());
        let mut changed = Vec::new();
        while let Some(entry) = entries.next() {
            let (status, path) = entry.split_at(entry.len().min(3));
            if status.starts_with(['R', 'C']) {
                entries.next(); // the name it had
            }
            let path = path.strip_prefix(prefix).unwrap_or(path);
            changed.push((status.trim_end().to_string(), self.in_vault.join(path)));
        }
        Ok(changed)
    }

    /// The dates of the `review/YYYY-MM-DD` tags.
    pub fn reviews(&self) -> Result<Vec<NaiveDate>, Unavailable> {
        let mut dates: Vec<NaiveDate> = git(&self.dir, &["tag", "--list", "review/*"])?
            .lines()
            .filter_map(|tag| tag.strip_prefix("review/"))
            .filter_map(crate::parse::body::parse_date)
            .collect();
        dates.sort();
        Ok(dates)
    }

    pub fn tag(&self, name: &str) -> Result<(), Unavailable> {
        git(&self.dir, &["tag", name]).map(|_| ())
    }
}

/// Parses `git log --format=%x1e%H%x1f%cs --raw -z` output: for each commit its id and date,
/// then `:old-mode new-mode old-blob new-blob status` NUL path NUL (a second path for renames
/// and copies). Paths are put under `in_vault`.
fn parse_log(output: &[u8], in_vault: &Path) -> Vec<LoggedCommit> {
    let text = String::from_utf8_lossy(output);
    let mut commits = Vec::new();
    for record in text.split('\x1e').filter(|r| !r.is_empty()) {
        let mut tokens = record.split('\0');
        let header = tokens.next().unwrap_or_default();
        let Some((id, date)) = header.split_once('\x1f') else {
            continue;
        };
        let Some(date) = crate::parse::body::parse_date(date.trim()) else {
            continue;
        };
        let mut changes = Vec::new();
        let mut tokens = tokens.map(|t| t.trim_start_matches('\n'));
        while let Some(meta) = tokens.next() {
            let Some(meta) = meta.strip_prefix(':') else {
                continue;
            };
            // old-mode new-mode old-blob new-blob status
            let fields: Vec<&str> = meta.split(' ').collect();
            let [_, new_mode, _, blob, status] = fields[..] else {
                continue;
            };
            let mut path = || tokens.next().map(|p| in_vault.join(p));
            let is_file = new_mode.starts_with("100") || new_mode.starts_with("000");
            let blob = blob.to_string();
            let change = match status.chars().next() {
                Some('R') => match (path(), path()) {
                    (Some(from), Some(to)) => Some(FileChange::Renamed { from, to, blob }),
                    _ => None,
                },
                Some('C') => {
                    let _from = path();
                    path().map(|path| FileChange::Added { path, blob })
                }
                Some('A') => path().map(|path| FileChange::Added { path, blob }),
                Some('D') => path().map(|path| FileChange::Deleted { path }),
                _ => path().map(|path| FileChange::Modified { path, blob }),
            };
            // A submodule's pointer or a link is not a file version to read.
            if is_file || matches!(change, Some(FileChange::Deleted { .. })) {
                changes.extend(change);
            }
        }
        commits.push(LoggedCommit {
            id: id.to_string(),
            date,
            changes,
        });
    }
    commits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_changes_with_renames_and_odd_names() {
        let zero = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let output = format!(
            "\x1eaaa\x1f2026-01-01\0\n:000000 100644 {zero} {a} A\0deals/a.md\0\x1ebbb\x1f2026-02-01\0\n:100644 100644 {a} {a} R100\0deals/a.md\0deals/b\nc.md\0:100644 100644 {a} {b} M\0deals/c.md\0:100644 000000 {b} {zero} D\0deals/d.md\0:000000 160000 {zero} {b} A\0deals/sub\0"
        );
        let commits = parse_log(output.as_bytes(), Path::new(""));
        assert_eq!(commits.len(), 2);
        assert_eq!(
            commits[0].changes,
            [FileChange::Added {
                path: "deals/a.md".into(),
                blob: a.clone()
            }]
        );
        assert_eq!(
            commits[1].changes,
            [
                FileChange::Renamed {
                    from: "deals/a.md".into(),
                    to: "deals/b\nc.md".into(),
                    blob: a.clone()
                },
                FileChange::Modified {
                    path: "deals/c.md".into(),
                    blob: b.clone()
                },
                FileChange::Deleted {
                    path: "deals/d.md".into()
                },
            ]
        );
        assert_eq!(commits[1].date, "2026-02-01".parse().unwrap());
        let nested = parse_log(output.as_bytes(), Path::new("deals"));
        assert_eq!(
            nested[0].changes,
            [FileChange::Added {
                path: "deals/deals/a.md".into(),
                blob: a
            }]
        );
    }
}
