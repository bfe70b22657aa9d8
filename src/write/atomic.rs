//! Atomic writes: a temp file in the same folder, then a rename, so a reader (or a crash)
//! never sees half a file.

use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `contents` atomically, keeping an existing file's permissions.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".dealbook-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        temp.as_file().set_permissions(metadata.permissions())?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Replaces `path` with `contents` only if it still holds `original`: an edit made from what
/// was read must not overwrite a change the rep saved in between.
pub fn replace_if_unchanged(path: &Path, original: &[u8], contents: &[u8]) -> io::Result<()> {
    let now = std::fs::read(path)?;
    if now != original {
        return Err(io::Error::other(format!(
            "{} changed on disk since it was read; nothing was written, run the command again",
            path.display()
        )));
    }
    write(path, contents)
}

/// Writes only when the contents differ, so generated files cause no churn in git or in a
/// watcher. Returns whether the file was written.
pub fn write_if_changed(path: &Path, contents: &[u8]) -> io::Result<bool> {
    match std::fs::read(path) {
        Ok(existing) if existing == contents => Ok(false),
        _ => write(path, contents).map(|()| true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_file_changed_since_it_was_read_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deal.md");
        std::fs::write(&path, "read").unwrap();
        let original = std::fs::read(&path).unwrap();
        std::fs::write(&path, "saved by the editor").unwrap();
        let err = replace_if_unchanged(&path, &original, b"ours").unwrap_err();
        assert!(err.to_string().contains("changed on disk"));
        assert_eq!(std::fs::read(&path).unwrap(), b"saved by the editor");
        replace_if_unchanged(&path, b"saved by the editor", b"ours").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"ours");
    }

    #[test]
    fn replaces_keeps_permissions_and_skips_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/report.md");
        assert!(write_if_changed(&path, b"one").unwrap());
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(!write_if_changed(&path, b"one").unwrap());
        assert!(write_if_changed(&path, b"two").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temp files left behind");
    }
}
