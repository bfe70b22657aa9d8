//! Atomic writes: a temp file in the same folder, then a rename, so a reader (or a crash)
//! never sees half a file. Edits of a file that other programs write too (an editor, a sync
//! tool, a script appending lines) swap the new text in and check what they swapped out, so
//! another program's write is never silently lost.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use tempfile::TempPath;

/// dealbook's temp files: `.dealbook-XXXXXX.tmp`, hidden, beside the file they will replace.
pub const TEMP_PREFIX: &str = ".dealbook-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// A temp file older than this is left over from a run that was killed: no write takes long.
const STALE_AFTER: Duration = Duration::from_secs(600);

/// How many times an edit is made again on the file's newest text before giving up.
const ATTEMPTS: usize = 20;

/// How long to wait for another program to close the file an edit replaced, so that what it
/// writes there last can be carried over.
const CLOSE_WAIT: Duration = Duration::from_millis(500);

/// Why an edit of a file was not applied, or not cleanly.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E> {
    /// The edit refused the file's text.
    #[error("{0}")]
    Edit(E),
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Another program wrote into dealbook's new text in the instant it was in place: the
    /// edit is not applied, and the text with that program's write is kept beside the file.
    #[error("another program wrote to {} while dealbook was saving it: dealbook's edit was not applied, and the text with that program's write is kept in {}; merge what is missing and run the command again", path.display(), copy.display())]
    Conflict { path: PathBuf, copy: PathBuf },
    #[error("{} kept changing while dealbook tried to save it; nothing was written, run the command again", .0.display())]
    KeepsChanging(PathBuf),
}

/// What an edit did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Updated {
    pub changed: bool,
    /// Copies of the old file kept because another program still had it open (what it writes
    /// there from now on is not lost, and not in the file either).
    pub kept: Vec<PathBuf>,
}

/// Applies `edit` to the file's newest text and replaces the file atomically, keeping its
/// permissions; a file that is gone is not created again. `edit` may run more than once: when
/// another program writes the file meanwhile, the edit is made again on what it wrote, so
/// both changes land; lines another program appends to the old file while it is being
/// replaced are carried over, and if it keeps the old file open, the old file is kept as a
/// conflict copy (in `Updated::kept`) so that nothing it writes is lost.
pub fn update<E>(
    path: &Path,
    mut edit: impl FnMut(&[u8]) -> Result<Vec<u8>, E>,
) -> Result<Updated, UpdateError<E>> {
    let mut updated = Updated::default();
    let mut appended: Option<Vec<u8>> = None;
    for _ in 0..ATTEMPTS {
        // An edit, or (after one) the lines another program appended to the replaced file.
        let mut step = |text: &[u8]| -> Result<Vec<u8>, E> {
            match &appended {
                Some(tail) => Ok([text, tail].concat()),
                None => edit(text),
            }
        };
        match swap_in(path, &mut step, &mut updated.kept)? {
            Swapped::Unchanged => return Ok(updated),
            Swapped::Done { tail } => {
                updated.changed = true;
                match tail {
                    Some(tail) => appended = Some(tail),
                    None => return Ok(updated),
                }
            }
        }
    }
    Err(UpdateError::KeepsChanging(path.to_path_buf()))
}

enum Swapped {
    Unchanged,
    /// In place; `tail` is what another program appended to the replaced file meanwhile.
    Done {
        tail: Option<Vec<u8>>,
    },
}

/// One edit swapped in. The new text is written and flushed first, the file is read again
/// just before the swap (a change meanwhile starts the edit again on the new text, with
/// nothing shown to anyone), and what the swap took out is checked: if another program wrote
/// in that last instant, its text is put back at once and the edit starts again from it.
fn swap_in<E>(
    path: &Path,
    edit: &mut impl FnMut(&[u8]) -> Result<Vec<u8>, E>,
    kept: &mut Vec<PathBuf>,
) -> Result<Swapped, UpdateError<E>> {
    let permissions = std::fs::metadata(path)?.permissions();
    let mut expected = std::fs::read(path)?;
    for _ in 0..ATTEMPTS {
        let ours = edit(&expected).map_err(UpdateError::Edit)?;
        if ours == expected {
            return Ok(Swapped::Unchanged);
        }
        let temp = temp_file(path, &ours, Some(permissions.clone()))?;
        let now = std::fs::read(path)?;
        if now != expected {
            expected = now;
            continue;
        }
        if !swap(&temp, path)? {
            // No atomic swap on this file system: replace (a narrower gap remains).
            temp.persist(path).map_err(|e| e.error)?;
            return Ok(Swapped::Done { tail: None });
        }
        // The temp path now holds what was at `path`.
        let out = temp.into_temp_path();
        let displaced = std::fs::read(&out)?;
        if displaced == expected {
            return Ok(Swapped::Done {
                tail: settle(out, &displaced, path, kept)?,
            });
        }
        // Another program wrote in the instant before the swap: its text goes back at once.
        swap_paths(&out, path)?;
        if std::fs::read(&out)? != ours {
            // And something was written into ours while it was in place: keep that.
            let copy = keep(out, path)?;
            return Err(UpdateError::Conflict {
                path: path.to_path_buf(),
                copy,
            });
        }
        if open_elsewhere(&out) {
            kept.push(keep(out, path)?);
        }
        expected = std::fs::read(path)?;
    }
    Err(UpdateError::KeepsChanging(path.to_path_buf()))
}

/// Disposes of a replaced file, whose text (`read`) went into the new one. A program that had
/// it open may still write to it: wait for it to close the file, then carry over what it
/// appended (returned); if it does not close it in time, or wrote something other than lines
/// at the end, keep the file as a conflict copy so nothing it writes is lost.
fn settle(
    out: TempPath,
    read: &[u8],
    path: &Path,
    kept: &mut Vec<PathBuf>,
) -> io::Result<Option<Vec<u8>>> {
    let waited = Instant::now();
    while open_elsewhere(&out) {
        if waited.elapsed() > CLOSE_WAIT {
            kept.push(keep(out, path)?);
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let now = std::fs::read(&out)?;
    if now == read {
        return Ok(None); // `out` goes, with the text already carried over
    }
    match now.strip_prefix(read) {
        Some(tail) => Ok(Some(tail.to_vec())),
        None => {
            kept.push(keep(out, path)?);
            Ok(None)
        }
    }
}

/// Keeps a replaced file beside `path` as its conflict copy.
fn keep(out: TempPath, path: &Path) -> io::Result<PathBuf> {
    let copy = conflict_copy(path);
    out.persist(&copy).map_err(|e| e.error)?;
    Ok(copy)
}

/// Whether another process has the file open (Linux: its `/proc/*/fd`). Elsewhere there is
/// no way to ask, and the answer is no.
fn open_elsewhere(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(file) = std::fs::metadata(path) else {
            return false;
        };
        let me = std::process::id().to_string();
        let Ok(processes) = std::fs::read_dir("/proc") else {
            return false;
        };
        for process in processes.flatten() {
            let name = process.file_name();
            let is_pid = name
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
            if !is_pid || name == me.as_str() {
                continue;
            }
            let Ok(fds) = std::fs::read_dir(process.path().join("fd")) else {
                continue;
            };
            let same = |fd: std::fs::DirEntry| {
                std::fs::metadata(fd.path())
                    .is_ok_and(|m| m.dev() == file.dev() && m.ino() == file.ino())
            };
            if fds.flatten().any(same) {
                return true;
            }
        }
        false
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        false
    }
}

/// Creates a new file atomically; an existing file (even one created a moment ago by another
/// program) is never replaced. The file gets the permissions the user's umask gives.
pub fn create(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temp = temp_file(path, contents, None)?;
    temp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Replaces `path` with `contents` atomically (for reports and exports, which dealbook owns),
/// keeping an existing file's permissions; a new file gets the umask's.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let temp = temp_file(path, contents, permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes only when the contents differ, so generated files cause no churn in git or in a
/// watcher. Returns whether the file was written.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> io::Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == contents => Ok(false),
        _ => write(path, contents).map(|()| true),
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A temp file beside `path` holding `contents`, flushed to disk. With no `permissions` it is
/// created as a new file would be (0666 less the umask), not tempfile's private 0600.
fn temp_file(
    path: &Path,
    contents: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder_of(path);
    std::fs::create_dir_all(dir)?;
    sweep(dir);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    Ok(temp)
}

/// Exchanges the temp file and `path` in one step; `false` when the file system cannot.
fn swap(temp: &tempfile::NamedTempFile, path: &Path) -> io::Result<bool> {
    swap_paths(temp.path(), path)
}

#[cfg(target_os = "linux")]
fn swap_paths(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::OPNOTSUPP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap_paths(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// `deals/acme.md.conflict`, or `.conflict-2` and on when that is taken: visible, and not a
/// Markdown file, so it is never read as a second record.
fn conflict_copy(path: &Path) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    (1..)
        .map(|n| match n {
            1 => path.with_file_name(format!("{name}.conflict")),
            n => path.with_file_name(format!("{name}.conflict-{n}")),
        })
        .find(|candidate| !candidate.exists())
        .expect("a free name")
}

/// Removes dealbook's temp files that a killed run left in `dir`.
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() > STALE_AFTER);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn an_update_applies_to_the_newest_text_and_keeps_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deal.md");
        std::fs::write(&path, "one\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        let updated = update(&path, |text: &[u8]| -> Result<Vec<u8>, String> {
            Ok([text, b"two\n"].concat())
        })
        .unwrap();
        assert!(updated.changed && updated.kept.is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(names(dir.path()), ["deal.md"], "no temp file left behind");
    }

    #[test]
    fn a_refused_or_empty_edit_writes_nothing_and_a_gone_file_stays_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deal.md");
        std::fs::write(&path, "one\n").unwrap();
        let refused = update(&path, |_: &[u8]| Err("no"));
        assert!(matches!(refused, Err(UpdateError::Edit("no"))));
        assert!(
            !update(&path, |t: &[u8]| Ok::<_, String>(t.to_vec()))
                .unwrap()
                .changed
        );
        std::fs::remove_file(&path).unwrap();
        assert!(update(&path, |t: &[u8]| Ok::<_, String>(t.to_vec())).is_err());
        assert!(!path.exists());
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn what_a_program_appends_through_a_handle_opened_before_the_edit_is_carried_over() {
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deal.md");
        std::fs::write(&path, "one\n").unwrap();
        // Another program opens the file to append, before the edit, and writes after it.
        let writer = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec 3>>'{}'; sleep 0.3; echo late >&3",
                path.display()
            ))
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let updated = update(&path, |text: &[u8]| -> Result<Vec<u8>, String> {
            Ok([text, b"edit\n"].concat())
        })
        .unwrap();
        let _ = writer.wait_with_output();
        assert!(updated.changed && updated.kept.is_empty(), "{updated:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\nedit\nlate\n");
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"after\n").unwrap();
        assert_eq!(names(dir.path()), ["deal.md"]);
    }

    #[test]
    fn create_never_replaces_and_takes_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.md");
        create(&path, b"first").unwrap();
        assert!(create(&path, b"second").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o600, "not tempfile's private mode");
        assert_eq!(names(dir.path()), ["new.md"]);
    }

    #[test]
    fn writes_keep_permissions_and_skip_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/report.md");
        assert!(write_if_changed(&path, b"one").unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(!write_if_changed(&path, b"one").unwrap());
        assert!(write_if_changed(&path, b"two").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert_eq!(names(path.parent().unwrap()), ["report.md"]);
    }

    #[test]
    fn stale_temp_files_are_swept_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".dealbook-old.tmp");
        let fresh = dir.path().join(".dealbook-new.tmp");
        std::fs::write(&stale, "killed").unwrap();
        std::fs::write(&fresh, "in flight").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(old)
            .unwrap();
        write(&dir.path().join("report.md"), b"x").unwrap();
        assert_eq!(
            names(dir.path()),
            [".dealbook-new.tmp", "report.md"],
            "the stale one is gone"
        );
    }
}
