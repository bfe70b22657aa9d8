//! What the vault's git history says about each deal: its front-matter state at every commit
//! that touched it (following renames and moves of its folder), plus the uncommitted working
//! tree as the newest.

pub mod events;
pub mod git;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};

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
    let mut committed = read_committed(vault, None, progress)?;
    let deals = std::mem::take(&mut committed.deals);
    Ok(with_working_tree(deals, &committed, vault, today))
}

/// The history as the commits tell it, before the uncommitted edits are added, and what it
/// was read from.
#[derive(Debug, Clone)]
struct Committed {
    deals: Vec<DealHistory>,
    reviews: Vec<NaiveDate>,
    shallow: bool,
    /// Each repository's commits and file versions, so a later read can add only newer ones.
    logs: Vec<Log>,
    /// The config the file versions were read with.
    config: Config,
}

/// The whole history: the deals' committed histories, then the working tree's edits as the
/// newest state.
fn with_working_tree(
    mut deals: Vec<DealHistory>,
    committed: &Committed,
    vault: &Vault,
    today: NaiveDate,
) -> History {
    add_working_tree(&mut deals, vault, today);
    deals.retain(|d| !d.snapshots.is_empty());
    deals.sort_by(|a, b| a.id.cmp(&b.id));
    History {
        deals,
        reviews: committed.reviews.clone(),
        shallow: committed.shallow,
    }
}

/// The history for `watch`, which asks on every save: the commits are read again only when the
/// repository's refs moved (a commit, a checkout, a review tag), and after a commit on top of
/// the ones read only the new commits are; the working tree every time.
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
            Some((read_at, committed)) if refs.as_ref() == Some(read_at) => Ok(with_working_tree(
                committed.deals.clone(),
                committed,
                vault,
                today,
            )),
            _ => {
                let previous = self.committed.take().map(|(_, committed)| committed);
                let committed = read_committed(vault, previous, progress)?;
                let history = with_working_tree(committed.deals.clone(), &committed, vault, today);
                self.committed = refs.map(|refs| (refs, committed));
                Ok(history)
            }
        }
    }
}

/// Reads the commits of every repository holding the vault's deals. With the `previous` read,
/// a repository whose HEAD only added commits on top of the one read then has only those read
/// (see [`Log::reusable`]); anything else is read whole.
fn read_committed(
    vault: &Vault,
    previous: Option<Committed>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Committed, Unavailable> {
    if !vault.config.history {
        return Err(Unavailable::Disabled);
    }
    let repositories = git::Repository::holding(&vault.root, &vault.config.folders.deals)?;
    let mut earlier = match previous {
        Some(previous) if previous.config == vault.config => previous.logs,
        _ => Vec::new(),
    };
    let mut logs = Vec::new();
    for (repository, pathspecs) in &repositories {
        let reused = earlier
            .iter()
            .position(|log| log.reusable(repository, pathspecs))
            .map(|at| earlier.swap_remove(at));
        logs.push(Log::read(
            repository,
            pathspecs,
            &vault.config,
            reused,
            progress,
        )?);
    }
    let (own, _) = &repositories[0];
    Ok(Committed {
        deals: logs
            .iter()
            .flat_map(|log| log.deals(&vault.config))
            .collect(),
        reviews: own.reviews()?,
        shallow: repositories.iter().any(|(r, _)| r.shallow),
        logs,
        config: vault.config.clone(),
    })
}

/// A file version's state for the rep and for the manager; `None` when it tells nothing (it
/// does not parse as a deal, or has no usable stage).
type State = Option<(DealState, ForManager)>;

/// One repository's commits as read so far, oldest first, and the state of each file version
/// the deals' lineages need.
#[derive(Debug, Clone)]
struct Log {
    /// Where git ran, and what it logged there: which repository this is.
    dir: PathBuf,
    pathspecs: Vec<String>,
    /// The commit read up to; `None` before the first commit.
    head: Option<String>,
    /// Whether it was read from a shallow clone.
    shallow: bool,
    commits: Vec<git::LoggedCommit>,
    /// Each version asked for, by blob and path (its state depends on its path too), as an
    /// index into `states`: the versions in the order asked.
    asked: HashMap<(git::Blob, PathBuf), usize>,
    states: Vec<State>,
}

/// One file version a lineage needs: the commit (by position), the path, and the blob (`None`
/// for a deletion).
type Version = (usize, PathBuf, Option<git::Blob>);

impl Log {
    /// Whether this log of an earlier read can be extended to `repository`'s HEAD: the same
    /// repository and pathspecs, neither read shallow (a deepened clone has older commits, not
    /// newer ones), and HEAD is the commit read up to or only adds commits on top of it (no
    /// rebase, no checkout of another branch, no merge).
    fn reusable(&self, repository: &git::Repository, pathspecs: &[String]) -> bool {
        let same = self.dir == repository.dir() && self.pathspecs == pathspecs;
        match &self.head {
            Some(head) if same && !self.shallow && !repository.shallow => {
                repository.extends(head).unwrap_or(false)
            }
            _ => false,
        }
    }

    /// Reads `repository`'s commits up to its HEAD, or only those after `reused`'s, with the
    /// file versions that the deals' lineages need.
    fn read(
        repository: &git::Repository,
        pathspecs: &[String],
        config: &Config,
        reused: Option<Log>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Log, Unavailable> {
        let mut log = reused.unwrap_or_else(|| Log {
            dir: repository.dir().to_path_buf(),
            pathspecs: pathspecs.to_vec(),
            head: None,
            shallow: repository.shallow,
            commits: Vec::new(),
            asked: HashMap::default(),
            states: Vec::new(),
        });
        let Some(head) = repository.head.clone() else {
            return Ok(log);
        };
        if pathspecs.is_empty() || log.head.as_ref() == Some(&head) {
            log.head = Some(head);
            return Ok(log);
        }
        let range = match &log.head {
            Some(read_up_to) => format!("{read_up_to}..{head}"),
            None => head.clone(),
        };
        std::thread::scope(|scope| {
            let mut reading = Reading::new(scope, repository, config);
            let mut newer = Vec::new();
            repository.log(&range, pathspecs, |commit| {
                for (path, blob) in versions(&commit) {
                    // A version in a deals folder is one of a deal's, whatever comes after it.
                    if is_deal_path(path, config) {
                        log.ask(&mut reading, blob, path);
                    }
                }
                log.collect(&mut reading, progress, false)?;
                newer.push(commit);
                Ok(())
            })?;
            newer.reverse();
            log.commits.extend(newer);
            // The versions of a deal from before it came into a deals folder.
            let needed: Vec<(git::Blob, PathBuf)> = log
                .lineages(config)
                .into_iter()
                .flatten()
                .filter_map(|(_, path, blob)| Some((blob?, path)))
                .collect();
            for (blob, path) in &needed {
                log.ask(&mut reading, blob, path);
            }
            reading.done();
            log.collect(&mut reading, progress, true)
        })?;
        log.head = Some(head);
        Ok(log)
    }

    /// Asks for a version unless it was asked for before.
    fn ask(&mut self, reading: &mut Reading<'_, '_>, blob: &git::Blob, path: &Path) {
        let key = (blob.clone(), path.to_path_buf());
        if !self.asked.contains_key(&key) {
            reading.ask(blob, path);
            self.asked.insert(key, self.asked.len());
        }
    }

    /// Takes in the states read so far, or (`all`) waits for every one asked for.
    fn collect(
        &mut self,
        reading: &mut Reading<'_, '_>,
        progress: &mut dyn FnMut(usize, usize),
        all: bool,
    ) -> Result<(), Unavailable> {
        while let Some(state) = reading.next(all) {
            match state {
                Ok(state) => self.states.push(state),
                Err(failed) => return Err(self.failure(failed)),
            }
            let done = self.states.len();
            if done % 256 == 0 || done == self.asked.len() {
                progress(done, self.asked.len());
            }
        }
        Ok(())
    }

    /// What went wrong reading a version; a blob the repository does not have is named with
    /// the file and commit that made it.
    fn failure(&self, failed: Failed) -> Unavailable {
        let at = match failed {
            Failed::Missing => self.states.len(),
            Failed::Other(said) => return Unavailable::Failed(said),
        };
        let Some(((blob, path), _)) = self.asked.iter().find(|(_, i)| **i == at) else {
            return Unavailable::Failed("git cat-file answered what was not asked".into());
        };
        let commit = self
            .commits
            .iter()
            .find(|c| versions(c).any(|(p, b)| p == path && b == blob))
            .map_or("", |c| short(&c.id));
        Unavailable::Failed(format!(
            "the repository does not have {} as of commit {commit} (object {blob}); is it a partial or damaged clone? `git fsck` tells",
            path.display()
        ))
    }

    /// Each deal's file followed through renames, by the folders configured now.
    fn lineages(&self, config: &Config) -> Vec<Vec<Version>> {
        lineages(&self.commits)
            .into_iter()
            .filter_map(|lineage| as_deal(lineage, config))
            .collect()
    }

    /// The deals' histories as this repository's commits tell them.
    fn deals(&self, config: &Config) -> Vec<DealHistory> {
        self.lineages(config)
            .iter()
            .filter_map(|lineage| {
                let last = lineage.last()?.1.clone();
                let snapshots = lineage
                    .iter()
                    .filter_map(|version| self.snapshot(version))
                    .collect();
                Some(DealHistory {
                    id: parse::record_id(&last),
                    snapshots,
                })
            })
            .collect()
    }

    /// A version as a snapshot; `None` for an unreadable one, which tells nothing (rather
    /// than call the deal deleted).
    fn snapshot(&self, (n, path, blob): &Version) -> Option<Snapshot> {
        let commit = &self.commits[*n];
        let (state, manager) = match blob {
            None => (None, ForManager::Same),
            Some(blob) => {
                let at = self.asked[&(blob.clone(), path.clone())];
                let (state, manager) = self.states[at].clone()?;
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
    }
}

/// The file versions a commit made: each added, changed or renamed Markdown file's path and
/// blob.
fn versions(commit: &git::LoggedCommit) -> impl Iterator<Item = (&Path, &git::Blob)> {
    commit.changes.iter().filter_map(|change| match change {
        git::FileChange::Added { path, blob }
        | git::FileChange::Modified { path, blob }
        | git::FileChange::Renamed { to: path, blob, .. } => {
            is_markdown(path).then_some((path.as_path(), blob))
        }
        git::FileChange::Deleted { .. } => None,
    })
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Why a version could not be read.
enum Failed {
    /// The repository does not have the blob asked for.
    Missing,
    Other(String),
}

/// File versions being read: asked of one `git cat-file --batch` (started at the first ask)
/// as the log names them, and parsed on another thread as its answers come, so the parsing
/// keeps pace with git on the second core and only the versions in flight are held.
struct Reading<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    repository: &'env git::Repository,
    config: &'env Config,
    blobs: Option<git::Blobs>,
    /// What was asked, in order, for the parsing thread.
    asked: Option<Sender<(git::Blob, PathBuf)>>,
    states: Receiver<Result<State, Failed>>,
    /// The sending end of `states` until the parsing thread starts with it.
    answer: Option<Sender<Result<State, Failed>>>,
    /// Asked for, and not yet taken in by `next`.
    pending: usize,
}

impl<'scope, 'env> Reading<'scope, 'env> {
    fn new(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        repository: &'env git::Repository,
        config: &'env Config,
    ) -> Self {
        let (answer, states) = mpsc::channel();
        Reading {
            scope,
            repository,
            config,
            blobs: None,
            asked: None,
            states,
            answer: Some(answer),
            pending: 0,
        }
    }

    fn ask(&mut self, blob: &str, path: &Path) {
        self.pending += 1;
        if self.answer.is_some() {
            self.start();
        }
        let (Some(blobs), Some(asked)) = (&mut self.blobs, &self.asked) else {
            return; // it has stopped, and `next` says why
        };
        // Either end fails only once the parsing thread stopped, having said why.
        if asked.send((blob.to_string(), path.to_path_buf())).is_err() || blobs.ask(blob).is_err() {
            self.done();
        }
    }

    /// Starts `git cat-file --batch` and the thread parsing its answers.
    fn start(&mut self) {
        let Some(answer) = self.answer.take() else {
            return;
        };
        let (blobs, mut answers) = match self.repository.blobs() {
            Ok(started) => started,
            Err(e) => {
                let _ = answer.send(Err(Failed::Other(e.to_string())));
                return;
            }
        };
        let (asked, to_parse) = mpsc::channel::<(git::Blob, PathBuf)>();
        let config = self.config;
        self.scope.spawn(move || {
            let mut contents = Vec::new();
            for (blob, path) in to_parse {
                let state = match answers.next(&blob, &mut contents) {
                    Ok(true) => Ok(state_of(&path, &contents, config)),
                    Ok(false) => Err(Failed::Missing),
                    Err(e) => Err(Failed::Other(e.to_string())),
                };
                let failed = state.is_err();
                if answer.send(state).is_err() || failed {
                    break;
                }
            }
        });
        self.blobs = Some(blobs);
        self.asked = Some(asked);
    }

    /// Nothing more to ask: the answers end after the last one asked.
    fn done(&mut self) {
        if let Some(blobs) = &mut self.blobs {
            let _ = blobs.done();
        }
        self.asked = None;
    }

    /// The next state read, in the order asked: only if one is there already, or (`wait`)
    /// waiting for it. `None` once every one asked for is taken in.
    fn next(&mut self, wait: bool) -> Option<Result<State, Failed>> {
        if self.pending == 0 {
            return None;
        }
        let state = if wait {
            // The thread ends early only after saying why, so this is a thread that panicked.
            Some(
                self.states
                    .recv()
                    .unwrap_or_else(|_| Err(Failed::Other("reading file versions stopped".into()))),
            )
        } else {
            self.states.try_recv().ok()
        };
        self.pending -= usize::from(state.is_some());
        state
    }
}

/// Each Markdown file followed through renames: a lineage is one file's versions, oldest first.
fn lineages(commits: &[git::LoggedCommit]) -> Vec<Vec<Version>> {
    let mut lineages: Vec<Vec<Version>> = Vec::new();
    let mut by_path: HashMap<PathBuf, usize> = HashMap::default();
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
