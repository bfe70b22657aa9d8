//! What the vault's git history says about each deal: its front-matter state at every commit
//! that touched it (following renames and moves of its folder), plus the uncommitted working
//! tree as the newest.

pub mod events;
pub mod git;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::model::{AnyRecord, Audience, Config, Deal, ForecastCategory, Kind};
use crate::parse;
use crate::vault::Vault;

pub use events::{Event, EventKind, Trend};
pub use git::Unavailable;

/// The parts of a deal whose changes tell its story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DealState {
    pub path: PathBuf,
    pub title: String,
    pub stage: String,
    pub amount: Option<f64>,
    pub currency: String,
    pub close_date: Option<NaiveDate>,
    pub forecast: ForecastCategory,
    pub private: bool,
}

impl DealState {
    /// The deal's state; `None` when it has no usable stage (such a version tells nothing).
    pub fn of(deal: &Deal, config: &Config) -> Option<DealState> {
        Some(DealState {
            path: deal.record.path.clone(),
            title: deal.title.clone(),
            stage: deal.stage.clone()?,
            amount: deal.amount,
            currency: deal.currency.clone(),
            close_date: deal.close_date,
            forecast: deal.forecast_in(config)?,
            private: deal.record.private,
        })
    }
}

/// A deal as of one commit; `state: None` means the file was deleted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub date: NaiveDate,
    /// The abbreviated commit id; `None` for uncommitted changes.
    pub commit: Option<String>,
    /// Where the commit is in the history, oldest first (uncommitted changes last).
    #[serde(skip)]
    pub seq: usize,
    pub state: Option<DealState>,
    /// What the manager may see of this version (see `parse::redact`).
    #[serde(skip)]
    pub manager: ForManager,
    /// A version hidden from this history's reader: as if the deal were not there, and no
    /// event says it went or came back.
    #[serde(skip)]
    pub hidden: bool,
}

/// A version of a deal as the manager's copy of the history has it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ForManager {
    /// Private: not there for the manager.
    #[default]
    Hidden,
    Same,
    Redacted(DealState),
}

impl ForManager {
    fn of(parsed: &parse::ParsedFile, config: &Config) -> ForManager {
        match &parsed.manager {
            parse::Shown::Hidden => ForManager::Hidden,
            parse::Shown::Same => ForManager::Same,
            parse::Shown::Redacted(AnyRecord::Deal(deal)) => {
                DealState::of(deal, config).map_or(ForManager::Hidden, ForManager::Redacted)
            }
            parse::Shown::Redacted(_) => ForManager::Hidden,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DealHistory {
    /// The deal's id now (its last file name).
    pub id: String,
    /// Oldest first.
    pub snapshots: Vec<Snapshot>,
}

impl DealHistory {
    /// The state just before `date`: what the deal looked like when that day began.
    pub fn state_before(&self, date: NaiveDate) -> Option<&DealState> {
        self.snapshots
            .iter()
            .take_while(|s| s.date < date)
            .last()
            .and_then(|s| s.state.as_ref())
    }

    pub fn current(&self) -> Option<&DealState> {
        self.snapshots.last().and_then(|s| s.state.as_ref())
    }

    /// The manager's copy: private versions hidden, private fields gone; `None` when the deal
    /// is private now, so nothing of it reaches the manager.
    fn for_manager(&self) -> Option<DealHistory> {
        let last = self.snapshots.iter().rev().find(|s| s.state.is_some())?;
        if last.manager == ForManager::Hidden {
            return None;
        }
        let snapshots = self
            .snapshots
            .iter()
            .map(|snapshot| {
                let (state, hidden) = match (&snapshot.state, &snapshot.manager) {
                    (None, _) => (None, false),
                    (Some(_), ForManager::Hidden) => (None, true),
                    (Some(state), ForManager::Same) => (Some(state.clone()), false),
                    (Some(_), ForManager::Redacted(state)) => (Some(state.clone()), false),
                };
                Snapshot {
                    date: snapshot.date,
                    commit: snapshot.commit.clone(),
                    seq: snapshot.seq,
                    state,
                    manager: ForManager::Same,
                    hidden,
                }
            })
            .collect();
        Some(DealHistory {
            id: self.id.clone(),
            snapshots,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct History {
    /// By id.
    pub deals: Vec<DealHistory>,
    /// Dates of `review/YYYY-MM-DD` tags, oldest first.
    pub reviews: Vec<NaiveDate>,
    /// A shallow clone: history starts at its oldest commit, not at each deal's creation.
    pub shallow: bool,
}

impl History {
    pub fn deal(&self, id: &str) -> Option<&DealHistory> {
        self.deals.iter().find(|d| d.id == id)
    }

    /// The newest review on or before `today`.
    pub fn last_review(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.reviews.iter().rev().find(|d| **d <= today).copied()
    }

    /// The history as `audience` may see it: for the manager, built from each version's
    /// manager copy, so it agrees with the manager's index at every point in time.
    pub fn for_audience(&self, audience: Audience) -> Cow<'_, History> {
        match audience {
            Audience::Me => Cow::Borrowed(self),
            Audience::Manager => Cow::Owned(History {
                deals: self
                    .deals
                    .iter()
                    .filter_map(DealHistory::for_manager)
                    .collect(),
                reviews: self.reviews.clone(),
                shallow: self.shallow,
            }),
        }
    }
}

/// Reads the history of the repository holding the vault. `progress(done, total)` is called
/// as file versions are read, so a caller can show progress on long histories.
pub fn read(
    vault: &Vault,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<History, Unavailable> {
    Ok(read_committed(vault, progress)?.with_working_tree(vault, today))
}

/// The history as the commits tell it, before the uncommitted edits are added.
#[derive(Debug, Clone)]
pub struct Committed {
    deals: Vec<DealHistory>,
    reviews: Vec<NaiveDate>,
    shallow: bool,
}

impl Committed {
    /// The whole history: these commits, then the working tree's edits as the newest state.
    pub fn with_working_tree(&self, vault: &Vault, today: NaiveDate) -> History {
        let mut deals = self.deals.clone();
        add_working_tree(&mut deals, vault, today);
        deals.retain(|d| !d.snapshots.is_empty());
        deals.sort_by(|a, b| a.id.cmp(&b.id));
        History {
            deals,
            reviews: self.reviews.clone(),
            shallow: self.shallow,
        }
    }
}

/// The history for `watch`, which asks on every save: the commits are read again only when the
/// repository's refs moved (a commit, a checkout, a review tag); the working tree every time.
#[derive(Debug, Default)]
pub struct Cache {
    /// The refs when the commits were read, and what they said.
    committed: Option<(String, Committed)>,
}

impl Cache {
    pub fn read(
        &mut self,
        vault: &Vault,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<History, Unavailable> {
        if !vault.config.history {
            return Err(Unavailable::Disabled);
        }
        let refs = git::refs(&vault.root);
        match &self.committed {
            Some((read_at, committed)) if refs.as_ref() == Some(read_at) => {
                Ok(committed.with_working_tree(vault, today))
            }
            _ => {
                self.committed = None;
                let committed = read_committed(vault, progress)?;
                let history = committed.with_working_tree(vault, today);
                self.committed = refs.map(|refs| (refs, committed));
                Ok(history)
            }
        }
    }
}

fn read_committed(
    vault: &Vault,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Committed, Unavailable> {
    if !vault.config.history {
        return Err(Unavailable::Disabled);
    }
    let repositories = git::Repository::holding(&vault.root, &vault.config.folders.deals)?;
    let mut deals = Vec::new();
    for (repository, pathspecs) in &repositories {
        deals.extend(read_repository(
            repository,
            pathspecs,
            &vault.config,
            progress,
        )?);
    }
    let (own, _) = &repositories[0];
    Ok(Committed {
        deals,
        reviews: own.reviews()?,
        shallow: repositories.iter().any(|(r, _)| r.shallow),
    })
}

/// One file version a lineage needs: the commit (by position), the path, and the blob (`None`
/// for a deletion).
type Version = (usize, PathBuf, Option<git::Blob>);

/// The deals' histories as one repository's commits tell them.
fn read_repository(
    repository: &git::Repository,
    pathspecs: &[String],
    config: &Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<DealHistory>, Unavailable> {
    let commits = repository.log(pathspecs)?;
    let lineages: Vec<Vec<Version>> = lineages(&commits)
        .into_iter()
        .filter_map(|lineage| as_deal(lineage, config))
        .collect();

    // Each (blob, path) once: a reverted or renamed version is read and parsed once.
    let mut wanted: Vec<(git::Blob, PathBuf, usize)> = Vec::new();
    let mut index: HashMap<(&str, &Path), usize> = HashMap::default();
    for (n, path, blob) in lineages.iter().flatten() {
        if let Some(blob) = blob {
            index
                .entry((blob.as_str(), path.as_path()))
                .or_insert_with(|| {
                    wanted.push((blob.clone(), path.clone(), *n));
                    wanted.len() - 1
                });
        }
    }
    let blobs: Vec<git::Blob> = wanted.iter().map(|(blob, _, _)| blob.clone()).collect();
    let mut states: Vec<Option<(DealState, ForManager)>> = Vec::with_capacity(wanted.len());
    let name = |i: usize| {
        let (_, path, n) = &wanted[i];
        format!("{} as of commit {}", path.display(), short(&commits[*n].id))
    };
    repository.read_blobs(&blobs, name, |i, bytes| {
        states.push(state_of(&wanted[i].1, &bytes, config));
        if i % 256 == 255 || i + 1 == wanted.len() {
            progress(i + 1, wanted.len());
        }
    })?;

    Ok(lineages
        .iter()
        .filter_map(|lineage| {
            let last = lineage.last()?.1.clone();
            let snapshots = lineage
                .iter()
                .filter_map(|(n, path, blob)| {
                    let commit = &commits[*n];
                    let (state, manager) = match blob {
                        None => (None, ForManager::Same),
                        Some(blob) => {
                            // An unreadable version tells nothing; skip it rather than call it
                            // deleted.
                            let at = index[&(blob.as_str(), path.as_path())];
                            let (state, manager) = states[at].clone()?;
                            (Some(state), manager)
                        }
                    };
                    Some(Snapshot {
                        date: commit.date,
                        commit: Some(short(&commit.id).to_string()),
                        seq: *n,
                        state,
                        manager,
                        hidden: false,
                    })
                })
                .collect();
            Some(DealHistory {
                id: parse::record_id(&last),
                snapshots,
            })
        })
        .collect())
}

/// Each Markdown file followed through renames: a lineage is one file's versions, oldest first.
fn lineages(commits: &[git::LoggedCommit]) -> Vec<Vec<Version>> {
    let mut lineages: Vec<Vec<Version>> = Vec::new();
    let mut by_path: HashMap<PathBuf, usize> = HashMap::default();
    let is_markdown = |p: &Path| p.extension().is_some_and(|e| e == "md");
    for (n, commit) in commits.iter().enumerate() {
        for change in &commit.changes {
            let (path, lineage, blob) = match change {
                git::FileChange::Added { path, blob }
                | git::FileChange::Modified { path, blob } => {
                    let next = lineages.len();
                    (
                        path,
                        *by_path.entry(path.clone()).or_insert(next),
                        Some(blob),
                    )
                }
                git::FileChange::Renamed { from, to, blob } => {
                    let lineage = by_path.remove(from).unwrap_or(lineages.len());
                    by_path.insert(to.clone(), lineage);
                    (to, lineage, Some(blob))
                }
                git::FileChange::Deleted { path } => (
                    path,
                    by_path.get(path).copied().unwrap_or(lineages.len()),
                    None,
                ),
            };
            if !is_markdown(path) {
                continue;
            }
            if lineage == lineages.len() {
                lineages.push(Vec::new());
            }
            lineages[lineage].push((n, path.clone(), blob.cloned()));
        }
    }
    lineages
}

/// The versions of a file that tell a deal's story, by the folders configured now: all of them
/// up to its last version in a deals folder, wherever the earlier ones were (its folder may have
/// been moved or renamed since), then a deletion if it left the deals folders after that.
/// `None` for a file that never was in one.
fn as_deal(mut lineage: Vec<Version>, config: &Config) -> Option<Vec<Version>> {
    let last = lineage
        .iter()
        .rposition(|(_, path, _)| is_deal_path(path, config))?;
    if let Some(&(left, _, _)) = lineage.get(last + 1) {
        lineage.truncate(last + 1);
        let path = lineage[last].1.clone();
        lineage.push((left, path, None));
    }
    Some(lineage)
}

/// Whether the vault reads a file at `path` as a deal because of the folder it is in.
fn is_deal_path(path: &Path, config: &Config) -> bool {
    crate::vault::is_candidate_path(path, config) && config.folder_kind(path) == Some(Kind::Deal)
}

fn short(id: &str) -> &str {
    &id[..id.len().min(7)]
}

/// A version's state, for the rep and for the manager.
fn state_of(path: &Path, bytes: &[u8], config: &Config) -> Option<(DealState, ForManager)> {
    let parsed = parse::parse_file(path, bytes, Some(Kind::Deal), config);
    match &parsed.record {
        Some(AnyRecord::Deal(deal)) => Some((
            DealState::of(deal, config)?,
            ForManager::of(&parsed, config),
        )),
        _ => None,
    }
}

/// Uncommitted edits, new files and deletions become the newest snapshot, dated today.
fn add_working_tree(deals: &mut Vec<DealHistory>, vault: &Vault, today: NaiveDate) {
    let theirs = vault.index_for(Audience::Manager);
    let mut current: HashMap<&Path, (DealState, ForManager)> = vault
        .index
        .deals
        .iter()
        .filter_map(|deal| {
            let manager = match theirs.deal(&deal.record.id) {
                Some(seen) if std::ptr::eq(&**seen, &**deal) => ForManager::Same,
                Some(seen) => DealState::of(seen, &vault.config)
                    .map_or(ForManager::Hidden, ForManager::Redacted),
                None => ForManager::Hidden,
            };
            let state = DealState::of(deal, &vault.config)?;
            Some((deal.record.path.as_path(), (state, manager)))
        })
        .collect();
    let working_tree = |now: Option<(DealState, ForManager)>| {
        let (state, manager) = match now {
            Some((state, manager)) => (Some(state), manager),
            None => (None, ForManager::Same),
        };
        Snapshot {
            date: today,
            commit: None,
            seq: usize::MAX,
            state,
            manager,
            hidden: false,
        }
    };
    for history in deals.iter_mut() {
        let Some(last) = history.snapshots.last() else {
            continue;
        };
        let Some(last_state) = &last.state else {
            continue; // deleted in git; a file back at that path starts a new story below
        };
        match current.remove(last_state.path.as_path()) {
            Some((now, _)) if &now == last_state => {}
            Some(now) => history.snapshots.push(working_tree(Some(now))),
            None if vault.root.join(&last_state.path).exists() => {} // unreadable now, still there
            None => {
                // Moved but not yet committed: the same deal under a new name.
                let moved = current
                    .iter()
                    .find(|(_, (now, _))| {
                        let renamed_back = DealState {
                            path: last_state.path.clone(),
                            ..now.clone()
                        };
                        &renamed_back == last_state
                    })
                    .map(|(path, _)| *path);
                match moved.and_then(|path| current.remove(path)) {
                    Some(now) => {
                        history.id = parse::record_id(&now.0.path);
                        history.snapshots.push(working_tree(Some(now)));
                    }
                    None => history.snapshots.push(working_tree(None)),
                }
            }
        }
    }
    // In path order, as the index keeps its deals.
    let untracked: Vec<(DealState, ForManager)> = vault
        .index
        .deals
        .iter()
        .filter_map(|deal| current.remove(deal.record.path.as_path()))
        .collect();
    for now in untracked {
        deals.push(DealHistory {
            id: parse::record_id(&now.0.path),
            snapshots: vec![working_tree(Some(now))],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(n: usize, path: &str, blob: Option<&str>) -> Version {
        (n, PathBuf::from(path), blob.map(str::to_string))
    }

    fn opportunities() -> Config {
        let mut config = Config::default();
        config.folders.deals = vec!["opportunities".into()];
        config
    }

    #[test]
    fn a_deals_versions_from_before_its_folder_moved_are_its_own() {
        let lineage = vec![
            version(0, "crm/deals/acme.md", Some("a")),
            version(1, "crm/deals/acme.md", Some("b")),
            version(2, "crm/opportunities/acme.md", Some("b")),
        ];
        assert_eq!(as_deal(lineage.clone(), &opportunities()), Some(lineage));
    }

    #[test]
    fn a_deal_that_leaves_the_deals_folders_is_deleted_then() {
        let lineage = vec![
            version(0, "crm/opportunities/acme.md", Some("a")),
            version(3, "archive/acme-old.md", Some("a")),
            version(5, "archive/acme-old.md", Some("b")),
        ];
        assert_eq!(
            as_deal(lineage, &opportunities()),
            Some(vec![
                version(0, "crm/opportunities/acme.md", Some("a")),
                version(3, "crm/opportunities/acme.md", None),
            ])
        );
    }

    #[test]
    fn a_file_never_in_a_deals_folder_is_no_deal() {
        let config = opportunities();
        for path in [
            "notes/acme.md",
            "templates/opportunities/deal.md",
            ".trash/opportunities/acme.md",
            "crm/opportunities/acme/contacts/jane.md",
        ] {
            assert_eq!(as_deal(vec![version(0, path, Some("a"))], &config), None);
        }
    }
}
