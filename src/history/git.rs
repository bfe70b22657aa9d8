//! Talking to git through its command line: the one git every rep already has, with no
//! library to build. Two processes do all the work: one `git log` for which files each commit
//! touched, and one `git cat-file --batch` streaming every needed version of those files.

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

/// What a commit did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    Added(PathBuf),
    Modified(PathBuf),
    Deleted(PathBuf),
    Renamed { from: PathBuf, to: PathBuf },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedCommit {
    pub id: String,
    pub date: NaiveDate,
    /// Paths relative to the vault root.
    pub changes: Vec<FileChange>,
}

/// The repository around a vault folder.
#[derive(Debug, Clone)]
pub struct Repository {
    /// The vault folder (git commands run here).
    vault: PathBuf,
    /// The vault's path inside the repository, with a trailing `/` (empty at the root).
    prefix: String,
    pub shallow: bool,
    /// Whether there is any commit yet.
    pub has_commits: bool,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Unavailable> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Unavailable::GitMissing,
            _ => Unavailable::Failed(e.to_string()),
        })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(Unavailable::Failed(
            String::from_utf8_lossy(&output.stderr).trim().to_string(),
        ))
    }
}

/// HEAD and every ref (branches, tags, review tags), as one text that changes whenever any of
/// them moves; `None` when git cannot tell (no repository, no commit yet).
pub fn refs(vault: &Path) -> Option<String> {
    git(vault, &["show-ref", "--head"]).ok()
}

impl Repository {
    pub fn open(vault: &Path) -> Result<Repository, Unavailable> {
        let prefix = match git(vault, &["rev-parse", "--show-prefix"]) {
            Ok(prefix) => prefix.trim().to_string(),
            Err(Unavailable::Failed(message)) if message.contains("not a git repository") => {
                return Err(Unavailable::NotARepository)
            }
            Err(e) => return Err(e),
        };
        let shallow = git(vault, &["rev-parse", "--is-shallow-repository"])?.trim() == "true";
        let has_commits = git(vault, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok();
        Ok(Repository {
            vault: vault.to_path_buf(),
            prefix,
            shallow,
            has_commits,
        })
    }

    /// Every commit that touched the given folders, oldest first, following renames.
    pub fn log(&self, folders: &[String]) -> Result<Vec<LoggedCommit>, Unavailable> {
        if !self.has_commits {
            return Ok(Vec::new());
        }
        let mut args = vec![
            "log",
            "--reverse",
            "--format=%x1e%H%x1f%cs",
            "--name-status",
            "-M",
            "-z",
            "--relative",
            "--",
        ];
        args.extend(folders.iter().map(String::as_str));
        Ok(parse_log(&git(&self.vault, &args)?))
    }

    /// The contents of each `(commit, vault-relative path)`, in order; `None` where missing.
    pub fn read_files(
        &self,
        wanted: &[(String, PathBuf)],
    ) -> Result<Vec<Option<Vec<u8>>>, Unavailable> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.vault)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| Unavailable::Failed(e.to_string()))?;
        let mut stdin = child.stdin.take().expect("piped");
        let requests: String = wanted
            .iter()
            .map(|(commit, path)| format!("{commit}:{}{}\n", self.prefix, path.to_string_lossy()))
            .collect();
        // Feed requests from another thread so neither pipe can fill up and block.
        let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let mut reader = BufReader::new(child.stdout.take().expect("piped"));
        let mut contents = Vec::with_capacity(wanted.len());
        let mut header = String::new();
        for _ in wanted {
            header.clear();
            reader
                .read_line(&mut header)
                .map_err(|e| Unavailable::Failed(e.to_string()))?;
            let size = header
                .trim_end()
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse::<usize>().ok())
                .filter(|_| header.contains(" blob "));
            match size {
                Some(size) => {
                    let mut blob = vec![0; size + 1]; // the content and a newline
                    reader
                        .read_exact(&mut blob)
                        .map_err(|e| Unavailable::Failed(e.to_string()))?;
                    blob.pop();
                    contents.push(Some(blob));
                }
                None => contents.push(None),
            }
        }
        let _ = writer.join();
        let _ = child.wait();
        Ok(contents)
    }

    /// Uncommitted changes, as `git status --short` lines.
    pub fn uncommitted(&self) -> Result<Vec<String>, Unavailable> {
        Ok(git(&self.vault, &["status", "--porcelain", "--", "."])?
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// The dates of the `review/YYYY-MM-DD` tags.
    pub fn reviews(&self) -> Result<Vec<NaiveDate>, Unavailable> {
        let mut dates: Vec<NaiveDate> = git(&self.vault, &["tag", "--list", "review/*"])?
            .lines()
            .filter_map(|tag| tag.strip_prefix("review/"))
            .filter_map(crate::parse::body::parse_date)
            .collect();
        dates.sort();
        Ok(dates)
    }

    pub fn tag(&self, name: &str) -> Result<(), Unavailable> {
        git(&self.vault, &["tag", name]).map(|_| ())
    }
}

/// Parses `git log --format=%x1e%H%x1f%cs --name-status -z` output.
fn parse_log(output: &str) -> Vec<LoggedCommit> {
    let mut commits = Vec::new();
    for record in output.split('\x1e').filter(|r| !r.is_empty()) {
        let mut fields = record.split('\0');
        let header = fields.next().unwrap_or_default();
        let Some((id, date)) = header.split_once('\x1f') else {
            continue;
        };
        let Some(date) = crate::parse::body::parse_date(date.trim()) else {
            continue;
        };
        let mut changes = Vec::new();
        let mut tokens = fields
            .map(|t| t.trim_start_matches('\n'))
            .filter(|t| !t.is_empty());
        while let Some(status) = tokens.next() {
            let mut path = || tokens.next().map(PathBuf::from);
            let change = match status.chars().next() {
                Some('A') | Some('C') if status.starts_with('C') => {
                    let _from = path();
                    path().map(FileChange::Added)
                }
                Some('A') => path().map(FileChange::Added),
                Some('D') => path().map(FileChange::Deleted),
                Some('R') => match (path(), path()) {
                    (Some(from), Some(to)) => Some(FileChange::Renamed { from, to }),
                    _ => None,
                },
                _ => path().map(FileChange::Modified),
            };
            changes.extend(change);
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
    fn parses_name_status_with_renames() {
        let output = "\x1eaaa\x1f2026-01-01\0\nA\0deals/a.md\0\x1ebbb\x1f2026-02-01\0\nR100\0deals/a.md\0deals/b.md\0M\0deals/c.md\0D\0deals/d.md\0";
        let commits = parse_log(output);
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].changes, [FileChange::Added("deals/a.md".into())]);
        assert_eq!(
            commits[1].changes,
            [
                FileChange::Renamed {
                    from: "deals/a.md".into(),
                    to: "deals/b.md".into()
                },
                FileChange::Modified("deals/c.md".into()),
                FileChange::Deleted("deals/d.md".into()),
            ]
        );
        assert_eq!(commits[1].date, "2026-02-01".parse().unwrap());
    }
}
