//! Finding the files that may be records.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::{Config, Kind};

/// A Markdown file under the vault, with the kind its folder implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Relative to the vault root, with `/` separators.
    pub path: PathBuf,
    pub folder_kind: Option<Kind>,
}

/// Every `.md` file under `root`, in path order, skipping dot-folders, `templates/` and the
/// configured outputs. A symbolic link is followed only when it leads to a place inside the
/// vault; others are skipped with a warning, so a link to `/` or `/etc` is never walked.
/// Problems walking (a symlink loop, a folder that cannot be read) come back as diagnostics;
/// the walk goes on.
pub fn candidates(root: &Path, config: &Config) -> (Vec<Candidate>, Vec<Diagnostic>) {
    candidates_in(root, root, config)
}

/// `candidates` of one folder of the vault at `root`, with paths relative to that folder.
pub fn candidates_in(
    root: &Path,
    folder: &Path,
    config: &Config,
) -> (Vec<Candidate>, Vec<Diagnostic>) {
    let inside = Inside::new(root);
    let prefix = relative_path(root, folder);
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut outside: Vec<(PathBuf, String)> = Vec::new();
    let walker = walk(folder, &prefix, &inside, &mut outside);
    // The kind a folder implies is the same for every file directly in it.
    let mut last_folder: Option<(PathBuf, Option<Kind>)> = None;
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_markdown = entry.path().extension().is_some_and(|e| e == "md");
                if entry.file_type().is_file() && is_markdown {
                    let path = walked_path(folder, entry.path());
                    let output = if prefix.as_os_str().is_empty() {
                        is_output(&path, config)
                    } else {
                        is_output(&prefix.join(&path), config)
                    };
                    if output {
                        continue;
                    }
                    let parent = path.parent().unwrap_or(Path::new(""));
                    let folder_kind = match &last_folder {
                        // The walk writes a folder's path the same way for each of its files.
                        Some((last, kind)) if last.as_os_str() == parent.as_os_str() => *kind,
                        _ => {
                            let kind = kind_of(&prefix.join(parent).join("x.md"), config);
                            last_folder = Some((parent.to_path_buf(), kind));
                            kind
                        }
                    };
                    files.push(Candidate { path, folder_kind });
                }
            }
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative_path(folder, p))
                    .unwrap_or_default();
                let (code, message) = if e.loop_ancestor().is_some() {
                    (
                        Code::SymlinkLoop,
                        "this symbolic link points back into a folder above it; it was skipped"
                            .to_string(),
                    )
                } else {
                    let reason = e.io_error().map_or(e.to_string(), |io| io.to_string());
                    (Code::Unreadable, format!("cannot be read: {reason}"))
                };
                diagnostics.push(Diagnostic::new(path, Pos::START, code, message));
            }
        }
    }
    for (path, target) in outside {
        diagnostics.push(Diagnostic::new(
            path,
            Pos::START,
            Code::SymlinkOutside,
            format!("this symbolic link points outside the vault (to {target}); dealbook reads only files inside the vault, so it was skipped"),
        ));
    }
    files.sort_unstable_by(|a, b| path_order(&a.path, &b.path));
    diagnostics.sort_by(|a, b| path_order(&a.path, &b.path));
    (files, diagnostics)
}

/// The entries under `folder` (at `prefix` in the vault) that the walk takes: hidden ones,
/// `templates/` and links leading out of the vault left out, those links noted in `outside`.
fn walk<'a>(
    folder: &'a Path,
    prefix: &'a Path,
    inside: &'a Inside,
    outside: &'a mut Vec<(PathBuf, String)>,
) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> + 'a {
    // Not walkdir's `sort_by_file_name`: it takes each name apart from its path on every
    // comparison, half the walk's time on a big vault. The files are sorted once at the end.
    WalkDir::new(folder)
        .follow_links(true)
        .into_iter()
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            if name_bytes(entry.path()).starts_with(b".") {
                return false;
            }
            if entry.path_is_symlink() {
                if let Err(target) = inside.check(entry.path()) {
                    outside.push((walked_path(folder, entry.path()), target));
                    return false;
                }
            }
            !(entry.file_type().is_dir()
                && prefix.join(walked_path(folder, entry.path())) == Path::new("templates"))
        })
}

/// The id (file name less `.md`) of every file the walk finds in the record folders, with the
/// kind its folder gives, in no particular order: the walk of `candidates`, looking only at
/// the names' bytes, for completion, which must answer at once on a big vault. Problems
/// walking leave out what they hide.
pub fn record_ids(root: &Path, config: &Config) -> Vec<(String, Kind)> {
    use std::os::unix::ffi::OsStrExt as _;
    let inside = Inside::new(root);
    let mut outside = Vec::new();
    let mut ids = Vec::new();
    let root_bytes = root.as_os_str().as_encoded_bytes();
    // The folder last seen, as the walk spells it, and its kind.
    let mut last_folder: (Vec<u8>, Option<Kind>) = (Vec::new(), None);
    for entry in walk(root, Path::new(""), &inside, &mut outside).flatten() {
        let walked = entry.path().as_os_str().as_encoded_bytes();
        let Some(rest) = walked.strip_prefix(root_bytes) else {
            continue;
        };
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        let Some(stem) = rest.strip_suffix(b".md") else {
            continue;
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = Path::new(std::ffi::OsStr::from_bytes(rest));
        let (folder, id) =
            stem.split_at(stem.iter().rposition(|&b| b == b'/').map_or(0, |at| at + 1));
        if folder != last_folder.0.as_slice() {
            last_folder = (folder.to_vec(), kind_of(relative, config));
        }
        match last_folder.1 {
            Some(kind) if !is_output(relative, config) => {
                ids.push((String::from_utf8_lossy(id).into_owned(), kind));
            }
            _ => {}
        }
    }
    ids
}

/// The last part of a walked path, from its bytes (`Path::file_name` takes the path apart).
fn name_bytes(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    let start = bytes
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(0, |at| at + 1);
    &bytes[start..]
}

/// The vault's root as the file system resolves it, to tell where a link leads.
pub struct Inside {
    root: Option<PathBuf>,
}

impl Inside {
    pub fn new(root: &Path) -> Inside {
        Inside {
            root: root.canonicalize().ok(),
        }
    }

    /// `Ok` when `path`, links followed, is inside the vault and not in a hidden folder of it
    /// (`.git`); else where it leads. A link to nothing is `Ok`: reading it reports it.
    pub fn check(&self, path: &Path) -> Result<(), String> {
        let Ok(target) = path.canonicalize() else {
            return Ok(());
        };
        let hidden = |rest: &Path| {
            rest.components()
                .any(|c| c.as_os_str().as_encoded_bytes().starts_with(b"."))
        };
        match &self.root {
            Some(root) => match target.strip_prefix(root) {
                Ok(rest) if !hidden(rest) => Ok(()),
                _ => Err(target.display().to_string()),
            },
            None => Err(target.display().to_string()),
        }
    }
}

fn is_output(path: &Path, config: &Config) -> bool {
    // Comparing paths takes both apart; nearly every file is told apart by its last bytes.
    let bytes = path.as_os_str().as_encoded_bytes();
    config.outputs.iter().any(|o| {
        let name = &o.to[o.to.rfind('/').map_or(0, |at| at + 1)..];
        bytes.ends_with(name.as_bytes()) && Path::new(&o.to) == path
    })
}

/// The order of `Path`'s `Ord` (component by component) for the plain relative paths the
/// walk makes, computed on their bytes: with the separator counted below every other byte,
/// comparing whole paths compares their components, without taking them apart.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    // The order is that of the first byte that differs (none in a path is 0).
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let key = |path: &[u8]| {
        path.get(same).map(|&b| {
            if std::path::is_separator(b as char) {
                0
            } else {
                b
            }
        })
    };
    key(a).cmp(&key(b))
}

/// Whether a relative path is a file the walk would pick up (links aside).
pub fn is_candidate_path(path: &Path, config: &Config) -> bool {
    let hidden = path
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    !hidden
        && !path.starts_with("templates")
        && !is_output(path, config)
        && path.extension().is_some_and(|e| e == "md")
}

pub fn relative_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// `relative_path` for a path the walk found: it is the root as given, a separator and the
/// rest, so the root comes off as text. (`strip_prefix` takes both paths apart component by
/// component, a good part of a big vault's walk.)
fn walked_path(root: &Path, path: &Path) -> PathBuf {
    let rest = path.to_str().zip(root.to_str()).and_then(|(path, root)| {
        let rest = path.strip_prefix(root)?;
        match rest.strip_prefix(std::path::is_separator) {
            Some(rest) if !rest.is_empty() && !rest.starts_with(std::path::is_separator) => {
                Some(rest)
            }
            _ => None,
        }
    });
    rest.map_or_else(|| relative_path(root, path), PathBuf::from)
}

/// The kind a file's folder implies: it sits anywhere below one of the configured folders.
pub fn kind_of(path: &Path, config: &Config) -> Option<Kind> {
    config.folder_kind(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walked_paths_lose_exactly_the_root() {
        for (root, path, relative) in [
            ("v", "v/deals/x.md", "deals/x.md"),
            ("v/", "v/deals/x.md", "deals/x.md"),
            ("./v", "./v/a.md", "a.md"),
            (
                "/home/rep/vault",
                "/home/rep/vault/contacts/j.md",
                "contacts/j.md",
            ),
        ] {
            assert_eq!(
                walked_path(Path::new(root), Path::new(path)),
                PathBuf::from(relative),
                "{root} {path}"
            );
        }
    }
}
