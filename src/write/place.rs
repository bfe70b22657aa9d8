//! Where a write lands. dealbook writes inside the vault only: a path is followed link by link,
//! and a link that leads out of the vault (or into a hidden folder such as `.git`) is refused,
//! so no config or file name can make it write elsewhere. A write to a link changes the file
//! it points to, never the link itself.

use std::io;
use std::path::{Component, Path, PathBuf};

fn refused(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, message)
}

fn is_hidden(path: &Path) -> bool {
    path.components()
        .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
}

/// The real path that writing `relative` (a path inside the vault at `root`) changes. Missing
/// folders are created when `create_folders` is set, inside the vault only.
pub fn resolve(root: &Path, relative: &Path, create_folders: bool) -> io::Result<PathBuf> {
    let real_root = root.canonicalize()?;
    let parts: Vec<Component> = relative.components().collect();
    let mut at = real_root.clone();
    for (i, part) in parts.iter().enumerate() {
        let name = match part {
            Component::Normal(name) => name,
            Component::CurDir => continue,
            _ => {
                return Err(refused(format!(
                    "{} is not a path inside the vault; nothing was written",
                    relative.display()
                )))
            }
        };
        let last = i + 1 == parts.len();
        let next = at.join(name);
        match std::fs::symlink_metadata(&next) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = next.canonicalize().map_err(|e| {
                    refused(format!(
                        "{} is a link that leads nowhere ({e}); nothing was written",
                        relative.display()
                    ))
                })?;
                match target.strip_prefix(&real_root) {
                    Ok(rest) if !is_hidden(rest) => at = target,
                    _ => {
                        return Err(refused(format!(
                            "{} leads outside the vault (to {}) through a link; dealbook writes only inside the vault, so nothing was written",
                            relative.display(),
                            target.display()
                        )))
                    }
                }
            }
            Ok(meta) => {
                if !last && !meta.is_dir() {
                    return Err(refused(format!(
                        "{} is not a folder; nothing was written",
                        next.display()
                    )));
                }
                at = next;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if !last && create_folders {
                    std::fs::create_dir(&next)?;
                }
                at = next;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(at)
}

/// `real` (a resolved path) relative to the vault's root, if it is inside it.
pub fn within(root: &Path, real: &Path) -> Option<PathBuf> {
    let real_root = root.canonicalize().ok()?;
    real.strip_prefix(&real_root).ok().map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_inside_are_followed_and_links_out_refused() {
        let vault = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let root = vault.path();
        std::fs::create_dir_all(root.join("deals")).unwrap();
        std::fs::write(root.join("deals/real.md"), "x").unwrap();
        std::os::unix::fs::symlink("real.md", root.join("deals/link.md")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.join("reports")).unwrap();
        std::os::unix::fs::symlink("../.git", root.join("deals/git")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();

        let real = resolve(root, Path::new("deals/link.md"), false).unwrap();
        assert_eq!(real, root.canonicalize().unwrap().join("deals/real.md"));
        for outside in ["reports/x.md", "../x.md", "/etc/passwd", "deals/git/config"] {
            let err = resolve(root, Path::new(outside), true).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{outside}");
        }
        assert!(std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none());
        let new = resolve(root, Path::new("out/sub/x.md"), true).unwrap();
        assert!(new.parent().unwrap().is_dir());
    }
}
