//! Atomic writes: a temp file in the same folder, then a rename, so a reader (or a crash)
//! never sees half a file. Edits of a file that other programs write too (an editor, a sync
//! tool) swap the new text in atomically and check what they swapped out, so another
//! program's write is never silently lost.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// dealbook's temp files: `.dealbook-XXXXXX.tmp`, hidden, beside the file they will replace.
pub const TEMP_PREFIX: &str = ".dealbook-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// A temp file older than this is left over from a run that was killed: no write takes long.
const STALE_AFTER: Duration = Duration::from_secs(600);

/// How many times an edit is tried again on the file's newest text before giving up.
const ATTEMPTS: usize = 20;

/// Why an edit of a file was not applied.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError<E> {
    /// The edit refused the file's text.
    #[error("{0}")]
    Edit(E),
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Another program wrote to the file while dealbook was swapping it: what it wrote is kept.
    #[error("another program wrote to {} while dealbook was saving it; nothing of dealbook's edit was applied, and what the other program wrote meanwhile is kept in {}: compare the two and run the command again", path.display(), copy.display())]
    Conflict { path: PathBuf, copy: PathBuf },
    #[error("{} kept changing while dealbook tried to save it; nothing was written, run the command again", .0.display())]
    KeepsChanging(PathBuf),
}

/// Applies `edit` to the file's newest text and replaces the file atomically. `edit` may run
/// more than once: when another program writes the file meanwhile, the edit is made again on
/// what that program wrote, so both changes land. Returns whether the text changed. The file
/// keeps its permissions; a file that is gone is not created again.
pub fn update<E>(
    path: &Path,
    mut edit: impl FnMut(&[u8]) -> Result<Vec<u8>, E>,
) -> Result<bool, UpdateError<E>> {
    for _ in 0..ATTEMPTS {
        let base = std::fs::read(path)?;
        let ours = edit(&base).map_err(UpdateError::Edit)?;
        if ours == base {
            return Ok(false);
        }
        let permissions = std::fs::metadata(path)?.permissions();
        let temp = temp_file(path, &ours, Some(permissions))?;
        if !swap(&temp, path)? {
            // No atomic swap on this file system: check, then replace (a narrower gap remains).
            if std::fs::read(path)? != base {
                continue;
            }
            temp.persist(path).map_err(|e| e.error)?;
            return Ok(true);
        }
        let displaced = std::fs::read(&temp)?;
        if displaced == base {
            return Ok(true); // the temp path, now holding the old text, goes with `temp`
        }
        // Another program wrote between our read and the swap: put its version back and
        // start again from it.
        swap(&temp, path)?;
        if std::fs::read(&temp)? != ours {
            // And yet another write landed on ours while it was in place: keep it.
            let copy = conflict_copy(path);
            std::fs::rename(&temp, &copy)?;
            return Err(UpdateError::Conflict {
                path: path.to_path_buf(),
                copy,
            });
        }
    }
    Err(UpdateError::KeepsChanging(path.to_path_buf()))
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

/// Exchanges the two paths' files in one step; `false` when the file system cannot.
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
        let changed = update(&path, |text: &[u8]| -> Result<Vec<u8>, String> {
            Ok([text, b"two\n"].concat())
        })
        .unwrap();
        assert!(changed);
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
        assert!(!update(&path, |t: &[u8]| Ok::<_, String>(t.to_vec())).unwrap());
        std::fs::remove_file(&path).unwrap();
        assert!(update(&path, |t: &[u8]| Ok::<_, String>(t.to_vec())).is_err());
        assert!(!path.exists());
        assert!(names(dir.path()).is_empty());
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
