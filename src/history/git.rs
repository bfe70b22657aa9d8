//! Talking to git through its command line: the one git every rep already has, with no
//! library to build. Two processes do the work for each repository, however long its history:
//! one `git log --raw`, which says which file versions (blobs) each commit made, and one
//! `git cat-file --batch` streaming those blobs by id, asked for each as soon as the log names
//! it. Paths travel NUL-separated only, git runs in the C locale with the settings that change
//! its output pinned, so no file name and no user config can change what is read.

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

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
    /// Whether `dir` is the repository's top folder.
    at_top: bool,
    pub shallow: bool,
    /// The commit HEAD names; `None` before the first commit.
    pub head: Option<String>,
}

/// The settings pinned on every git run, whatever the user's or the repository's config says:
/// each of them changes what `log`, `status` or `tag --list` print (colours, signatures,
/// decorations, columns, the order of a commit's changes, which renames are found, quoted
/// paths), or how much memory git keeps (a 16 MB delta cache reads a long log as fast as the
/// default 96 MB one does). The user's config is still read, for what dealbook leaves to it
/// (`safe.directory`, credentials, hooks).
const PINNED: [&str; 13] = [
    "color.ui=never",
    "column.ui=never",
    "log.showSignature=false",
    "log.showRoot=true",
    "log.decorate=false",
    "core.quotePath=false",
    "core.deltaBaseCacheLimit=16m",
    "diff.relative=false",
    "diff.renames=true",
    "diff.renameLimit=1000",
    "diff.orderFile=/dev/null",
    "status.renames=true",
    "status.showUntrackedFiles=all",
];

/// `git` with the output it prints made independent of the user's language and config: the
/// one place git is started.
fn command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("--no-pager").arg("-C").arg(dir);
    for setting in PINNED {
        command.args(["-c", setting]);
    }
    command
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        // These would change what a pathspec matches, or turn its magic off.
        .env_remove("GIT_LITERAL_PATHSPECS")
        .env_remove("GIT_GLOB_PATHSPECS")
        .env_remove("GIT_NOGLOB_PATHSPECS")
        .env_remove("GIT_ICASE_PATHSPECS")
        // A diff program or options from the environment would run instead of git's own.
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_DIFF_OPTS")
        .env("GIT_PAGER", "cat")
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
        let asked = ["rev-parse", "--is-shallow-repository", "--show-prefix"];
        let (shallow, at_top) = match run(dir, &asked)? {
            Ok(out) => {
                let out = String::from_utf8_lossy(&out);
                let mut lines = out.lines();
                (lines.next() == Some("true"), lines.next() == Some(""))
            }
            Err((Some(128), _)) => return Err(Unavailable::NotARepository),
            Err((_, said)) => return Err(Unavailable::Failed(said)),
        };
        let head = run(dir, &["rev-parse", "--verify", "--quiet", "HEAD"])?
            .ok()
            .map(|out| String::from_utf8_lossy(&out).trim().to_string());
        Ok(Repository {
            dir: dir.to_path_buf(),
            in_vault,
            at_top,
            shallow,
            head,
        })
    }

    /// Whether there is any commit yet.
    pub fn has_commits(&self) -> bool {
        self.head.is_some()
    }

    /// Where git runs for this repository.
    pub fn dir(&self) -> &Path {
        &self.dir
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

    /// Streams to `each` the commits `range` reaches (a commit id, or `old..new` for those
    /// after `old`) that touched `pathspecs` (relative to this repository's folder), newest
    /// first, following renames, with the blob each change made. `.` at the repository's top
    /// is every path, so git is given no pathspec then: with one, git compares each commit's
    /// tree with its parent's once more to decide whether to list it, a third of the time on
    /// a long history; without one it lists every commit, as it does for `.` (but for a side
    /// branch a merge took nothing from, which it then lists too).
    pub fn log(
        &self,
        range: &str,
        pathspecs: &[String],
        mut each: impl FnMut(LoggedCommit) -> Result<(), Unavailable>,
    ) -> Result<(), Unavailable> {
        let mut args = vec![
            "log",
            "--no-color",
            "--no-show-signature",
            "--no-decorate",
            "--no-ext-diff",
            "--no-textconv",
            "--format=%x1e%H%x1f%cs",
            "--raw",
            "--no-abbrev",
            "-M",
            "-z",
            "--relative",
            range,
            "--",
        ];
        if !(self.at_top && pathspecs == ["."]) {
            args.extend(pathspecs.iter().map(String::as_str));
        }
        let mut child = command(&self.dir)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_error)?;
        let mut stderr = child.stderr.take().expect("piped");
        // Read what git says meanwhile, so a full stderr pipe cannot stall it.
        let said = std::thread::spawn(move || {
            let mut said = String::new();
            let _ = stderr.read_to_string(&mut said);
            said
        });
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let parsed = parse_log(stdout, &self.in_vault, &mut each);
        if parsed.is_err() {
            let _ = child.kill();
        }
        let status = child.wait();
        let said = said.join().unwrap_or_default();
        parsed?;
        match status {
            Ok(status) if status.success() => Ok(()),
            Ok(_) => Err(Unavailable::Failed(said.trim().to_string())),
            Err(e) => Err(Unavailable::Failed(e.to_string())),
        }
    }

    /// Whether HEAD is `old` or `old` with commits on top of it one after the other, none a
    /// merge. Only then is the log of `old..HEAD`, newest first, what the log of HEAD lists
    /// before `old`'s: git lists a merge's parents by date, which may put commits a merge
    /// brought in among older ones.
    pub fn extends(&self, old: &str) -> Result<bool, Unavailable> {
        let Some(head) = &self.head else {
            return Ok(false);
        };
        if head == old {
            return Ok(true);
        }
        // A commit id git no longer has (after a rebase and a gc) is no extension either.
        let Ok(out) = run(
            &self.dir,
            &["rev-list", "--parents", &format!("{old}..{head}")],
        )?
        else {
            return Ok(false);
        };
        let out = String::from_utf8_lossy(&out);
        let mut expected = head.as_str();
        for line in out.lines() {
            let mut ids = line.split(' ');
            match (ids.next(), ids.next(), ids.next()) {
                (Some(commit), Some(parent), None) if commit == expected => expected = parent,
                _ => return Ok(false),
            }
        }
        Ok(expected == old)
    }

    /// A `git cat-file --batch` to ask for blobs, and its answers.
    pub fn blobs(&self) -> Result<(Blobs, Answers), Unavailable> {
        let mut child = command(&self.dir)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(spawn_error)?;
        let asks = BufWriter::new(child.stdin.take().expect("piped"));
        let answers = Answers {
            from: BufReader::new(child.stdout.take().expect("piped")),
            header: String::new(),
        };
        Ok((
            Blobs {
                child,
                asks: Some(asks),
            },
            answers,
        ))
    }

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

/// The asking end of a `git cat-file --batch`: blob ids, one a line. The answers come in the
/// order asked, from [`Answers`], which must be read on another thread than the one asking, so
/// neither pipe can fill up and block. The process is ended when this is dropped.
pub struct Blobs {
    child: Child,
    asks: Option<BufWriter<ChildStdin>>,
}

impl Blobs {
    /// Asks for one blob. Asks are buffered: `done` sends the last of them.
    pub fn ask(&mut self, blob: &str) -> std::io::Result<()> {
        match &mut self.asks {
            Some(asks) => writeln!(asks, "{blob}"),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    /// No more asks: the answers end after the last one asked.
    pub fn done(&mut self) -> std::io::Result<()> {
        match self.asks.take() {
            Some(mut asks) => asks.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Blobs {
    fn drop(&mut self) {
        // Killed first, so dropping (and flushing) the asks cannot block on a full pipe.
        let _ = self.child.kill();
        self.asks = None;
        let _ = self.child.wait();
    }
}

/// The answering end of a `git cat-file --batch`: each blob's contents, in the order asked.
pub struct Answers {
    from: BufReader<ChildStdout>,
    header: String,
}

impl Answers {
    /// Reads the next answer, which must be `blob`'s, into `contents`; `false` when the
    /// repository does not have it (then nothing more should be read).
    pub fn next(&mut self, blob: &str, contents: &mut Vec<u8>) -> std::io::Result<bool> {
        self.header.clear();
        self.from.read_line(&mut self.header)?;
        let mut fields = self.header.split_whitespace();
        let size = match (fields.next(), fields.next(), fields.next()) {
            (Some(id), Some("blob"), Some(size)) if id == blob => size.parse::<usize>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            return Ok(false);
        };
        contents.clear();
        contents.resize(size + 1, 0); // the content and a newline
        self.from.read_exact(contents)?;
        contents.pop();
        Ok(true)
    }
}

/// Reads `git log --format=%x1e%H%x1f%cs --raw -z` output, giving `each` every commit in turn:
/// its id and date, then `:old-mode new-mode old-blob new-blob status` NUL path NUL (a second
/// path for renames and copies). Read token by token, NUL to NUL, so that whatever bytes a file
/// name holds it is only ever a path. Paths are put under `in_vault`.
fn parse_log(
    mut output: impl BufRead,
    in_vault: &Path,
    each: &mut impl FnMut(LoggedCommit) -> Result<(), Unavailable>,
) -> Result<(), Unavailable> {
    let mut tokens = Tokens {
        from: &mut output,
        token: Vec::new(),
    };
    let mut commit: Option<LoggedCommit> = None;
    while let Some(token) = tokens.next()? {
        let token = token.trim_start_matches('\n');
        if let Some(header) = token.strip_prefix('\x1e') {
            let header = header.to_string();
            if let Some(done) = commit.take() {
                each(done)?;
            }
            commit = header_of(&header);
        } else if let Some(meta) = token.strip_prefix(':') {
            let meta = meta.to_string();
            let change = change_of(&meta, &mut tokens, in_vault)?;
            if let (Some(commit), Some(change)) = (&mut commit, change) {
                commit.changes.push(change);
            }
        }
    }
    match commit {
        Some(done) => each(done),
        None => Ok(()),
    }
}

/// A commit from its header, `id` 0x1f `date`; `None` when it is not one.
fn header_of(header: &str) -> Option<LoggedCommit> {
    let (id, date) = header.split_once('\x1f')?;
    Some(LoggedCommit {
        id: id.to_string(),
        date: crate::parse::body::parse_date(date.trim())?,
        changes: Vec::new(),
    })
}

/// One change from its `old-mode new-mode old-blob new-blob status` and the path tokens after
/// it; `None` for one that is no file version to read (a submodule's pointer, a link).
fn change_of(
    meta: &str,
    tokens: &mut Tokens<'_, impl BufRead>,
    in_vault: &Path,
) -> Result<Option<FileChange>, Unavailable> {
    let fields: Vec<&str> = meta.split(' ').collect();
    let [_, new_mode, _, blob, status] = fields[..] else {
        return Ok(None);
    };
    let status = status.chars().next();
    let mut path = || -> Result<Option<PathBuf>, Unavailable> {
        Ok(tokens.next()?.map(|p| in_vault.join(&*p)))
    };
    let blob = blob.to_string();
    let change = match status {
        Some('R') => match (path()?, path()?) {
            (Some(from), Some(to)) => Some(FileChange::Renamed { from, to, blob }),
            _ => None,
        },
        Some('C') => {
            let _from = path()?;
            path()?.map(|path| FileChange::Added { path, blob })
        }
        Some('A') => path()?.map(|path| FileChange::Added { path, blob }),
        Some('D') => path()?.map(|path| FileChange::Deleted { path }),
        _ => path()?.map(|path| FileChange::Modified { path, blob }),
    };
    let is_file = new_mode.starts_with("100") || new_mode.starts_with("000");
    Ok(change.filter(|change| is_file || matches!(change, FileChange::Deleted { .. })))
}

/// The NUL-terminated tokens of git's `-z` output, one at a time.
struct Tokens<'a, R> {
    from: &'a mut R,
    token: Vec<u8>,
}

impl<R: BufRead> Tokens<'_, R> {
    fn next(&mut self) -> Result<Option<std::borrow::Cow<'_, str>>, Unavailable> {
        self.token.clear();
        let read = self
            .from
            .read_until(0, &mut self.token)
            .map_err(|e| Unavailable::Failed(e.to_string()))?;
        if read == 0 {
            return Ok(None);
        }
        if self.token.last() == Some(&0) {
            self.token.pop();
        }
        Ok(Some(String::from_utf8_lossy(&self.token)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(output: &str, in_vault: &Path) -> Vec<LoggedCommit> {
        let mut commits = Vec::new();
        parse_log(output.as_bytes(), in_vault, &mut |commit| {
            commits.push(commit);
            Ok(())
        })
        .expect("parses");
        commits
    }

    #[test]
    fn parses_raw_changes_with_renames_and_odd_names() {
        let zero = "0".repeat(40);
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let output = format!(
            "\x1eaaa\x1f2026-01-01\0\n:000000 100644 {zero} {a} A\0deals/a.md\0\x1ebbb\x1f2026-02-01\0\n:100644 100644 {a} {a} R100\0deals/a.md\0deals/b\nc.md\0:100644 100644 {a} {b} M\0deals/c.md\0:100644 000000 {b} {zero} D\0deals/d.md\0:000000 160000 {zero} {b} A\0deals/sub\0"
        );
        let commits = parsed(&output, Path::new(""));
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
        let nested = parsed(&output, Path::new("deals"));
        assert_eq!(
            nested[0].changes,
            [FileChange::Added {
                path: "deals/deals/a.md".into(),
                blob: a
            }]
        );
    }
}
