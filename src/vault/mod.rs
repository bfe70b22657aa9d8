//! Finding the vault, reading its files, and keeping the index (incrementally, for watch).

pub mod adopt;
pub mod changes;
mod walk;
pub mod watch;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::{Activity, AnyRecord, Audience, Config, Index, Kind};
use crate::parse::{self, Detail, ParsedFile};

pub use walk::{is_candidate_path, kind_of, record_ids, relative_path};

pub use crate::model::CONFIG_FILE;

/// The largest config dealbook reads: a config is a page of settings, and a file this size is
/// something else (a link to a device, a mistake).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The Markdown notes under `root` (outside dot-folders and `templates/`), and a config
/// proposed from them (see `adopt`).
pub fn propose_config(root: &Path) -> adopt::Proposal {
    let (candidates, _) = walk::candidates(root, &Config::default());
    let paths: Vec<PathBuf> = candidates.into_iter().map(|c| c.path).collect();
    adopt::propose(root, &paths)
}

/// The nearest folder at or above `start` that holds a `dealbook.yaml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// The files in the record folders, each with the kind its folder gives, in path order, found
/// by their names alone: no file is read. A record outside those folders (known only by its
/// `type:`) is not among them.
pub fn record_files(root: &Path, config: &Config) -> Vec<(PathBuf, Kind)> {
    let (candidates, _) = walk::candidates(root, config);
    candidates
        .into_iter()
        .filter_map(|c| Some((c.path, c.folder_kind?)))
        .collect()
}

/// Reads the vault's config; no file means the defaults. Every problem comes back, each at
/// its place in the file.
pub fn load_config(root: &Path) -> Result<Config, Vec<Diagnostic>> {
    let unreadable = |message: String| {
        vec![Diagnostic::new(
            CONFIG_FILE,
            Pos::START,
            Code::Unreadable,
            message,
        )]
    };
    let bytes = match read_regular_file(&root.join(CONFIG_FILE), MAX_CONFIG_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(unreadable(format!("cannot be read: {e}"))),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        vec![Diagnostic::new(
            CONFIG_FILE,
            Pos::START,
            Code::NotUtf8,
            "this file is not UTF-8 text",
        )]
    })?;
    parse::parse_config(Path::new(CONFIG_FILE), &text)
}

/// The bytes of the file at `relative` in the vault at `root`, read as [`read_regular_file`]
/// reads them, if it is one the walk would read: inside the vault once links are followed,
/// and in no hidden folder.
pub fn read_inside(root: &Path, relative: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let path = root.join(relative);
    walk::Inside::new(root)
        .check(&path)
        .map_err(std::io::Error::other)?;
    read_regular_file(&path, limit)
}

/// A file's bytes, if it is a regular file (a link is followed) of at most `limit` bytes. It
/// is opened without waiting, so a FIFO or a device put where a file should be is refused,
/// never waited on or read forever.
pub fn read_regular_file(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    if metadata.len() > limit {
        return Err(std::io::Error::other(format!(
            "it is {} bytes, more than the {limit} dealbook reads",
            metadata.len()
        )));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it holds more than the {limit} bytes dealbook reads"
        )));
    }
    Ok(bytes)
}

/// A loaded vault: its root, config, every parsed file, and the index built from them.
#[derive(Debug, Clone)]
pub struct Vault {
    pub root: PathBuf,
    pub config: Config,
    files: BTreeMap<PathBuf, ParsedFile>,
    detail: Detail,
    /// Problems walking the folder (unreadable folders, symlink loops).
    walk_diagnostics: Vec<Diagnostic>,
    /// The rep's index: every record.
    pub index: Index,
    /// The manager's, built when first asked for: see `parse::redact`.
    manager: OnceLock<Index>,
    /// Text that stands for a file's bytes on disk: an editor's unsaved buffer.
    overlays: HashMap<PathBuf, Vec<u8>>,
}

impl Vault {
    /// Reads the config and every record under `root`, in parallel.
    pub fn load(root: &Path) -> Result<Vault, Vec<Diagnostic>> {
        Vault::load_detail(root, Detail::All)
    }

    /// `load`, keeping only what a command reads.
    pub fn load_detail(root: &Path, detail: Detail) -> Result<Vault, Vec<Diagnostic>> {
        let config = load_config(root)?;
        Ok(Vault::read(root, config, detail))
    }

    fn read(root: &Path, config: Config, detail: Detail) -> Vault {
        let (candidates, walk_diagnostics) = walk::candidates(root, &config);
        let parsed: Vec<(PathBuf, ParsedFile)> = candidates
            .par_iter()
            .map(|c| {
                (
                    c.path.clone(),
                    read_and_parse(root, &c.path, c.folder_kind, &config, detail),
                )
            })
            .collect();
        // Collected in path order already, so the map is built in one sorted pass.
        let files = parsed.into_iter().collect();
        let mut vault = Vault {
            root: root.to_path_buf(),
            config,
            files,
            detail,
            walk_diagnostics,
            index: Index::default(),
            manager: OnceLock::new(),
            overlays: HashMap::default(),
        };
        vault.reindex();
        vault
    }

    /// Re-reads just these files (relative paths; gone ones are dropped) and rebuilds the index.
    /// A path that is now a folder (moved or copied in) is read whole; one that is gone takes
    /// everything under it along. A file with an overlay is read from it, not from the disk.
    ///
    /// Returns the files whose reading changed; only when there are any is the index rebuilt,
    /// and when only one record changed and every link finds what it found, only its place in
    /// the index is.
    pub fn refresh(&mut self, changed: &[PathBuf]) -> Vec<PathBuf> {
        let mut refreshed = Vec::new();
        let mut before = Vec::new();
        for path in changed {
            let absolute = self.root.join(path);
            let inside = walk::Inside::new(&self.root).check(&absolute).is_ok();
            if absolute.is_dir() && inside {
                let (found, _) = walk::candidates_in(&self.root, &absolute, &self.config);
                for candidate in found {
                    let relative = path.join(&candidate.path);
                    if walk::is_candidate_path(&relative, &self.config) {
                        before.extend(self.reread(relative, &mut refreshed));
                    }
                }
            } else if (absolute.is_file() && inside) || self.overlays.contains_key(path) {
                if walk::is_candidate_path(path, &self.config) {
                    before.extend(self.reread(path.clone(), &mut refreshed));
                }
            } else {
                let gone: Vec<PathBuf> = self
                    .files
                    .keys()
                    .filter(|p| p.starts_with(path))
                    .cloned()
                    .collect();
                for p in gone {
                    self.files.remove(&p);
                    refreshed.push(p);
                }
            }
        }
        match (refreshed.as_slice(), before.as_slice()) {
            ([one], [old]) if self.patch_index(one, old) => {}
            ([], _) => {}
            _ => self.reindex(),
        }
        refreshed
    }

    /// Reads one file again; when what it yields changed, notes the path in `refreshed` and
    /// returns what it yielded before.
    fn reread(&mut self, relative: PathBuf, refreshed: &mut Vec<PathBuf>) -> Option<ParsedFile> {
        let kind = kind_of(&relative, &self.config);
        let parsed = match self.overlays.get(&relative) {
            Some(bytes) => {
                parse::parse_file_with(&relative, bytes, kind, &self.config, self.detail)
            }
            None => read_and_parse(&self.root, &relative, kind, &self.config, self.detail),
        };
        if self.files.get(&relative) == Some(&parsed) {
            return None;
        }
        let old = self.files.insert(relative.clone(), parsed);
        refreshed.push(relative);
        Some(old.unwrap_or_default())
    }

    /// Reads the file at `path` (vault-relative) from `text` instead of the disk from now on,
    /// or from the disk again with `None`, as `refresh` does. An editor's unsaved buffer is
    /// checked this way.
    pub fn set_overlay(&mut self, path: &Path, text: Option<Vec<u8>>) -> Vec<PathBuf> {
        match text {
            Some(text) => self.overlays.insert(path.to_path_buf(), text),
            None => self.overlays.remove(path),
        };
        self.refresh(&[path.to_path_buf()])
    }

    /// Updates the index for one file whose record changed, without rebuilding it: a deal that
    /// keeps its id, its file and the activity notes that link it, or a contact or account
    /// that keeps its id, its file and its name (what links find it by), so no other record's
    /// problems change. Returns false, changing nothing, when that is not so.
    fn patch_index(&mut self, path: &Path, before: &ParsedFile) -> bool {
        let parsed = &self.files[path];
        let (Some(old), Some(new)) = (&before.record, &parsed.record) else {
            return false;
        };
        let mut diagnostics = parsed.diagnostics.clone();
        match (old, new) {
            (AnyRecord::Deal(old), AnyRecord::Deal(new)) => {
                if old.title != new.title && self.activities_name(&[&old.title, &new.title]) {
                    return false;
                }
                diagnostics.extend(self.index.deal_broken_links(new));
            }
            (AnyRecord::Contact(_), AnyRecord::Contact(new)) => {
                diagnostics.extend(self.index.contact_broken_link(new));
            }
            (AnyRecord::Account(_), AnyRecord::Account(_)) => {}
            _ => return false,
        }
        diagnostics.retain(|d| !self.config.silences(d));
        let walked = self.walk_diagnostics.iter().filter(|d| d.path == path);
        diagnostics.extend(walked.cloned());
        // The id is the same, so is any other file that shares it.
        let shared = self.index.diagnostics.iter();
        let shared = shared.filter(|d| d.path == path && d.code == Code::DuplicateId);
        diagnostics.extend(shared.cloned());
        crate::diagnostic::sort(&mut diagnostics);
        let patched = match new {
            AnyRecord::Deal(deal) => self.index.replace_deal(deal, diagnostics),
            AnyRecord::Contact(contact) => self.index.replace_contact(contact, diagnostics),
            AnyRecord::Account(account) => self.index.replace_account(account, diagnostics),
        };
        if patched {
            self.manager = OnceLock::new();
        }
        patched
    }

    /// Whether an activity note links a deal by one of these titles (ignoring case), so a
    /// deal's new title may change which notes are its activity.
    fn activities_name(&self, titles: &[&str]) -> bool {
        let titles: Vec<String> = titles.iter().map(|t| t.to_lowercase()).collect();
        self.files
            .values()
            .filter_map(|parsed| parsed.activity.as_ref())
            .flat_map(|activity| &activity.links)
            .any(|target| titles.contains(&target.trim().to_lowercase()))
    }

    /// The parse problems of one file, as `check` would print them.
    pub fn diagnostics_of(&self, path: &Path) -> &[Diagnostic] {
        self.files
            .get(path)
            .map_or(&[], |parsed| &parsed.diagnostics)
    }

    /// The index as `audience` may see it: the manager's has only the records and problems the
    /// manager may see (each record's manager copy, see `parse::redact`), and no link to a
    /// record hidden from them.
    pub fn build_index(
        files: &BTreeMap<PathBuf, ParsedFile>,
        config: &Config,
        audience: Audience,
    ) -> Index {
        let mut records = Vec::new();
        let mut hidden = Vec::new();
        let mut diagnostics = Vec::new();
        let mut unreadable = 0;
        for (path, parsed) in files {
            let Some(mine) = &parsed.record else {
                unreadable += usize::from(parsed.diagnostics.iter().any(Diagnostic::is_error));
                if audience == Audience::Me {
                    diagnostics.extend(parsed.diagnostics.iter().cloned());
                }
                continue;
            };
            let shown = match audience {
                Audience::Me => Some(mine),
                Audience::Manager => parsed.manager.of(mine),
            };
            match shown {
                Some(record) => {
                    diagnostics.extend(parsed.diagnostics.iter().cloned());
                    records.push((path.as_path(), record));
                }
                None => hidden.push(mine),
            }
        }
        let activities: Vec<&Arc<Activity>> = files
            .values()
            .filter_map(|parsed| parsed.activity.as_ref())
            .filter(|activity| audience == Audience::Me || !activity.private)
            .collect();
        let mut index = Index::assemble(records, &hidden, diagnostics, unreadable);
        index.attach(&activities);
        // The files' own warnings were silenced as they were read; these are the links'.
        index.diagnostics.retain(|d| !config.silences(d));
        index
    }

    /// The index as `audience` may see it.
    pub fn index_for(&self, audience: Audience) -> &Index {
        match audience {
            Audience::Me => &self.index,
            Audience::Manager => self
                .manager
                .get_or_init(|| Vault::build_index(&self.files, &self.config, Audience::Manager)),
        }
    }

    /// How many files dealbook read as records: every one whose front matter names a kind or
    /// sits in a records folder, whether or not it could be read.
    pub fn record_files(&self) -> usize {
        self.files
            .values()
            .filter(|parsed| {
                parsed.record.is_some() || parsed.diagnostics.iter().any(Diagnostic::is_error)
            })
            .count()
    }

    /// Whether a file is (or was) a record: one dealbook reads as a record, or a Markdown file
    /// in a record folder (a deleted one, say). A configured output is not.
    pub fn is_record_path(&self, path: &Path) -> bool {
        let output = self.config.outputs.iter().any(|o| Path::new(&o.to) == path);
        let markdown = path.extension().is_some_and(|e| e == "md");
        let read_as_one = self.files.get(path).is_some_and(|f| f.record.is_some());
        !output && (read_as_one || (markdown && self.config.folder_kind(path).is_some()))
    }

    /// When the vault has no record at all but has other notes: where dealbook looked, so the
    /// rep can tell it where to look instead of seeing a silent "0 records".
    pub fn nothing_found(&self) -> Option<String> {
        if self.record_files() > 0 || self.files.is_empty() {
            return None;
        }
        let folders = &self.config.folders;
        let list = |names: &[String]| names.join(", ");
        Some(format!(
            "no deal, contact or account found among {} Markdown notes: dealbook looked for deals in folders named {}, contacts in {}, accounts in {} (at any depth), and for notes with `type: deal|contact|account`; run `dealbook init --adopt` to propose a config from your notes, or set `folders:` in {CONFIG_FILE}",
            self.files.len(),
            list(&folders.deals),
            list(&folders.contacts),
            list(&folders.accounts),
        ))
    }

    /// The files dealbook could not read at all (bad YAML, not UTF-8, …): the first error of
    /// each, in path order.
    pub fn unread(&self) -> Vec<&Diagnostic> {
        self.files
            .values()
            .filter(|parsed| parsed.record.is_none())
            .filter_map(|parsed| parsed.diagnostics.iter().find(|d| d.is_error()))
            .collect()
    }

    /// Every file dealbook read, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &ParsedFile)> {
        self.files
            .iter()
            .map(|(path, parsed)| (path.as_path(), parsed))
    }

    /// The parsed file at a vault-relative path, if it is one dealbook read.
    pub fn file(&self, path: &Path) -> Option<&ParsedFile> {
        self.files.get(path)
    }

    fn reindex(&mut self) {
        self.index = Vault::build_index(&self.files, &self.config, Audience::Me);
        self.manager = OnceLock::new();
        if !self.walk_diagnostics.is_empty() {
            self.index
                .diagnostics
                .extend(self.walk_diagnostics.iter().cloned());
            crate::diagnostic::sort(&mut self.index.diagnostics);
        }
    }
}

/// Why a name given on the command line finds no one record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no record has the id, path or title \"{0}\"")]
    NotFound(String),
    #[error("\"{wanted}\" matches {} records; give one of these paths instead: {}", paths.len(), paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous { wanted: String, paths: Vec<PathBuf> },
}

impl Vault {
    /// Finds a record's file from what a rep types: a path, an id, or an unambiguous title or
    /// name. Files whose record has errors can still be found by path or id, so they can be
    /// fixed with `set`.
    pub fn find(&self, wanted: &str) -> Result<PathBuf, FindError> {
        self.find_for(wanted, Audience::Me)
    }

    /// `find` among the records `audience` may see: for the manager, a private record is not
    /// there at all (not found, and never named as a candidate).
    pub fn find_for(&self, wanted: &str, audience: Audience) -> Result<PathBuf, FindError> {
        let index = self.index_for(audience);
        let records = || {
            index
                .deals
                .iter()
                .map(|d| (&d.record.path, d.title.as_str()))
                .chain(
                    index
                        .contacts
                        .iter()
                        .map(|c| (&c.record.path, c.name.as_str())),
                )
                .chain(
                    index
                        .accounts
                        .iter()
                        .map(|a| (&a.record.path, a.name.as_str())),
                )
        };
        // The rep may name a file whose record has errors; the manager only what they see.
        let findable: Vec<&PathBuf> = match audience {
            Audience::Me => self
                .files
                .iter()
                .filter(|(_, parsed)| parsed.record.is_some() || !parsed.diagnostics.is_empty())
                .map(|(path, _)| path)
                .collect(),
            Audience::Manager => records().map(|(path, _)| path).collect(),
        };
        let as_path = Path::new(wanted);
        let relative: PathBuf = as_path
            .strip_prefix(&self.root)
            .unwrap_or(as_path)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        if findable.contains(&&relative) {
            return Ok(relative);
        }
        let by_id: Vec<&PathBuf> = findable
            .iter()
            .copied()
            .filter(|path| parse::record_id(path) == wanted)
            .collect();
        let titled = || {
            let wanted = wanted.trim().to_lowercase();
            let (exact, partial): (Vec<_>, Vec<_>) = records()
                .map(|(path, name)| (path, name.to_lowercase()))
                .filter(|(_, name)| name.contains(&wanted))
                .partition(|(_, name)| *name == wanted);
            if exact.is_empty() { partial } else { exact }
                .into_iter()
                .map(|(path, _)| path)
                .collect::<Vec<_>>()
        };
        let found = if by_id.is_empty() { titled() } else { by_id };
        match found.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(FindError::NotFound(wanted.to_string())),
            many => Err(FindError::Ambiguous {
                wanted: wanted.to_string(),
                paths: many.iter().map(|p| (*p).clone()).collect(),
            }),
        }
    }
}

/// A record file's bytes. The walk found a regular file; it is opened without waiting, so a
/// FIFO put there since is read as empty, never waited on. Most records are well under 4 KiB:
/// one read, without first asking the system for the file's size and position as `fs::read`
/// does (one system call in five of a load).
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)?;
    let mut bytes = Vec::with_capacity(4096);
    file.take(u64::MAX).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads and parses one file of the vault at `root` (`path` relative to it); a file that
/// cannot be read is a file with that problem.
pub fn read_and_parse(
    root: &Path,
    path: &Path,
    folder_kind: Option<Kind>,
    config: &Config,
    detail: Detail,
) -> ParsedFile {
    match read_file(&root.join(path)) {
        Ok(bytes) => parse::parse_file_with(path, &bytes, folder_kind, config, detail),
        Err(e) => ParsedFile {
            record: None,
            diagnostics: vec![Diagnostic::new(
                path,
                Pos::START,
                Code::Unreadable,
                format!("cannot be read: {e}"),
            )],
            ..ParsedFile::default()
        },
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::model::{AnyRecord, Index, Kind, Link};
    use crate::parse::parse_file;

    fn accounts(files: &[(&str, &str)]) -> Index {
        let accounts = files
            .iter()
            .filter_map(|(path, text)| {
                let parsed = parse_file(
                    Path::new(path),
                    text.as_bytes(),
                    Some(Kind::Account),
                    &Config::default(),
                );
                match parsed.record? {
                    AnyRecord::Account(account) => Some(account),
                    _ => None,
                }
            })
            .collect();
        Index::new(Vec::new(), Vec::new(), accounts, Vec::new())
    }

    fn found(index: &Index, raw: &str) -> Option<String> {
        let link = Some(Link::parse(raw));
        index.account_for(&link).map(|a| a.record.id.clone())
    }

    #[test]
    fn links_find_by_id_then_id_or_name_ignoring_case() {
        let index = accounts(&[
            ("accounts/acme.md", "---\nname: Acme Corp\n---\n"),
            ("accounts/globex.md", "---\nname: ACME\n---\n"),
            ("accounts/Initech.md", "---\nname: Initech LLC\n---\n"),
        ]);
        assert_eq!(found(&index, "acme").as_deref(), Some("acme"));
        assert_eq!(found(&index, "[[Acme Corp]]").as_deref(), Some("acme"));
        assert_eq!(found(&index, "acme corp").as_deref(), Some("acme"));
        assert_eq!(found(&index, "Initech").as_deref(), Some("Initech"));
        assert_eq!(found(&index, "initech").as_deref(), Some("Initech"));
        assert_eq!(found(&index, "initech llc").as_deref(), Some("Initech"));
        // An id, in any case, wins over another record's name.
        assert_eq!(found(&index, "Acme").as_deref(), Some("acme"));
        assert_eq!(found(&index, "globex").as_deref(), Some("globex"));
        assert_eq!(found(&index, "nobody"), None);
    }
}

#[cfg(test)]
mod overlay_tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    fn deal(title: &str, rest: &str) -> Vec<u8> {
        format!("---\ntitle: {title}\nstage: demo\n{rest}---\n## Log\n- 2026-11-20: Call\n")
            .into_bytes()
    }

    /// Editing one deal in a buffer patches the index; the result is the index a full
    /// rebuild makes, whatever the edit does to the deal's links and problems.
    #[test]
    fn an_overlay_patches_the_index_as_a_rebuild_would() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "deals/a.md", "---\ntitle: A\nstage: demo\n---\n");
        write(
            root,
            "deals/b.md",
            "---\ntitle: B\nstage: demo\naccount: nope\n---\n",
        );
        write(
            root,
            "contacts/bob.md",
            "---\nname: Bob Lee\naccount: acme\n---\n",
        );
        write(root, "accounts/acme.md", "---\nname: Acme Corp\n---\n");
        write(root, "meetings/2026-11-20.md", "Call about [[Big one]].\n");
        // A second deal with the edited deal's id: both files keep their `duplicate_id`.
        write(
            root,
            "deals/old/a.md",
            "---\ntitle: Old A\nstage: demo\n---\n",
        );
        let mut vault = Vault::load(root).unwrap();
        let path = Path::new("deals/a.md");
        for text in [
            deal("A", "amount: 5\n"),
            deal("A", "champion: nobody\naccount: \"[[Acme Corp]]\"\n"),
            deal("A", "champion: bob\nstage: nope\n"),
            deal("A", "amount: \"$48,000\"\nclose_dat: 2026-01-01\n"),
            deal("Big one", ""),
            deal("A", "decision_maker: \"[[Bob Lee]]\"\n"),
            b"---\ntitle: [\n---\n".to_vec(),
            deal("A", ""),
        ] {
            assert_eq!(vault.set_overlay(path, Some(text)), [path]);
            let mut rebuilt = vault.clone();
            rebuilt.reindex();
            assert_eq!(vault.index.diagnostics, rebuilt.index.diagnostics);
            assert_eq!(vault.index.deals, rebuilt.index.deals);
        }
        // A contact and an account edited: patched while they keep their names, rebuilt when
        // a link may now find another record.
        let linking = deal(
            "B",
            "champion: \"[[Bob Lee]]\"\naccount: \"[[Acme Corp]]\"\n",
        );
        vault.set_overlay(Path::new("deals/b.md"), Some(linking));
        let bob = Path::new("contacts/bob.md");
        for text in [
            "---\nname: Bob Lee\naccount: acme\nrole: CFO\n---\n",
            "---\nname: Bob Lee\naccount: nowhere\n---\n",
            "---\nname: Bob Lee\naccount: \"[[Acme Corp]]\"\nclose_dat: x\n---\n",
            "---\nname: Robert Lee\n---\n",
            "---\nname: [\n---\n",
            "---\nname: Bob Lee\naccount: acme\n---\n",
        ] {
            vault.set_overlay(bob, Some(text.as_bytes().to_vec()));
            let mut rebuilt = vault.clone();
            rebuilt.reindex();
            assert_eq!(vault.index.diagnostics, rebuilt.index.diagnostics, "{text}");
            assert_eq!(vault.index.contacts, rebuilt.index.contacts, "{text}");
        }
        let acme = Path::new("accounts/acme.md");
        for text in [
            "---\nname: Acme Corp\nindustry: Retail\n---\n",
            "---\nname: Acme Inc\n---\n",
            "---\nname: Acme Corp\n---\n",
        ] {
            vault.set_overlay(acme, Some(text.as_bytes().to_vec()));
            let mut rebuilt = vault.clone();
            rebuilt.reindex();
            assert_eq!(vault.index.diagnostics, rebuilt.index.diagnostics, "{text}");
            assert_eq!(vault.index.accounts, rebuilt.index.accounts, "{text}");
        }
        let titled = vault.index.deal("a").map(|d| d.activities.len());
        assert_eq!(titled, Some(0));
        vault.set_overlay(path, Some(deal("Big one", "")));
        assert_eq!(vault.index.deal("a").map(|d| d.activities.len()), Some(1));
        assert_eq!(
            vault.set_overlay(path, None),
            [path],
            "read from disk again"
        );
        assert_eq!(vault.index.deal("a").map(|d| d.title.as_str()), Some("A"));
    }
}
