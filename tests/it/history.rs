//! The git-history feature end to end: real repositories built with the `git` CLI in temp
//! folders, commits at fixed dates, and the real `dealbook` binary reading them.
//!
//! Every git process (ours and the ones dealbook starts) runs with `GIT_CONFIG_NOSYSTEM=1`, a
//! temporary `HOME` and a ceiling at the temp folder, so the machine's git config and any
//! repository around the temp folder cannot leak in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;

use crate::common::Reported;
use serde_json::Value;
use tempfile::TempDir;

/// The day every command runs "as of".
const AS_OF: &str = "2026-11-23";

/// The keys of one event in `history --format json`.
const EVENT_KEYS: [&str; 8] = [
    "commit", "currency", "date", "deal", "from", "kind", "title", "to",
];

/// A deal's front matter from `key: value` pairs, with a short body so renames are detected.
fn deal(fields: &[(&str, &str)]) -> String {
    let mut text = String::from("---\n");
    for (key, value) in fields {
        text.push_str(&format!("{key}: {value}\n"));
    }
    text.push_str("---\n");
    text.push_str("Context for the deal, so that git sees a renamed file as the same file.\n\n");
    text.push_str("## Log\n");
    text.push_str("- 2026-09-01: First call; they run three plants and want one dashboard.\n");
    text.push_str("- 2026-09-02: Sent the overview deck and a reference customer.\n");
    text
}

/// The usual deal: a title, a stage, an amount and a close date.
fn basic(title: &str, stage: &str, amount: &str, close: &str) -> String {
    deal(&[
        ("title", title),
        ("stage", stage),
        ("amount", amount),
        ("close_date", close),
    ])
}

/// A temp folder holding a fake `HOME` and, usually, a git repository whose vault is its root
/// or a folder inside it.
struct Repo {
    dir: TempDir,
    /// The repository's root (or, for [`Repo::plain`], just a folder).
    root: PathBuf,
    /// The vault folder: `root` or a folder inside it.
    vault: PathBuf,
}

impl Repo {
    /// An empty repository whose root is the vault.
    fn new() -> Repo {
        Repo::with_vault_in("")
    }

    /// An empty repository with the vault in `sub` (a path inside the repository).
    fn with_vault_in(sub: &str) -> Repo {
        let repo = Repo::plain_in(sub);
        repo.git(&["init", "-q", "."]);
        repo
    }

    /// A folder that is not in any git repository.
    fn plain() -> Repo {
        Repo::plain_in("")
    }

    fn plain_in(sub: &str) -> Repo {
        let dir = tempfile::tempdir().expect("a temp folder");
        let root = dir.path().join("repo");
        let vault = if sub.is_empty() {
            root.clone()
        } else {
            root.join(sub)
        };
        std::fs::create_dir_all(&vault).expect("mkdir the vault");
        std::fs::create_dir_all(dir.path().join("home")).expect("mkdir HOME");
        Repo { dir, root, vault }
    }

    /// A shallow clone of this repository (`git clone --depth N file://...`).
    fn shallow_clone(&self, depth: u32) -> Repo {
        let clone = Repo::plain();
        std::fs::remove_dir_all(&clone.root).expect("rm the clone's folder");
        let url = format!("file://{}", self.root.display());
        let depth = depth.to_string();
        let clone_root = clone.root.to_string_lossy().into_owned();
        clone.git_in(
            clone.dir.path(),
            &["clone", "-q", "--depth", &depth, &url, &clone_root],
        );
        clone
    }

    /// The environment every git process gets, ours and dealbook's.
    fn isolate<C: GitEnv>(&self, cmd: &mut C) {
        for name in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_NAMESPACE",
            "GIT_CONFIG",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_COUNT",
            "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_DATE",
            "XDG_CONFIG_HOME",
        ] {
            cmd.remove(name);
        }
        let home = self.dir.path().join("home");
        cmd.set("GIT_CONFIG_NOSYSTEM", "1".as_ref());
        cmd.set("HOME", home.as_os_str());
        cmd.set("GIT_CEILING_DIRECTORIES", self.dir.path().as_os_str());
    }

    /// Runs git in the repository's root; panics unless it succeeds. Returns its stdout.
    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.root, args)
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let mut cmd = std::process::Command::new("git");
        self.isolate(&mut cmd);
        cmd.current_dir(dir)
            .args([
                "-c",
                "user.name=Sam Rivera",
                "-c",
                "user.email=sam@example.com",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args);
        let output = cmd.output().expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Writes a vault-relative file, creating its folders.
    fn write(&self, path: &str, text: &str) -> &Repo {
        self.write_at(&self.vault.join(path), text)
    }

    /// Writes a file relative to the repository's root (possibly outside the vault).
    fn write_in_repo(&self, path: &str, text: &str) -> &Repo {
        self.write_at(&self.root.join(path), text)
    }

    fn write_at(&self, full: &Path, text: &str) -> &Repo {
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
        self
    }

    /// Deletes a vault-relative file from the working tree only.
    fn remove(&self, path: &str) -> &Repo {
        std::fs::remove_file(self.vault.join(path)).expect("rm");
        self
    }

    /// `git mv` of vault-relative paths (staged, not committed).
    fn mv(&self, from: &str, to: &str) -> &Repo {
        self.git_in(&self.vault, &["mv", from, to]);
        self
    }

    /// Stages everything and commits it on `date` (`YYYY-MM-DD`, noon UTC, or a full
    /// `YYYY-MM-DDTHH:MM:SS`) as both author and committer date. Returns the commit id.
    fn commit(&self, date: &str, message: &str) -> String {
        let when = if date.contains('T') {
            format!("{date} +0000")
        } else {
            format!("{date}T12:00:00 +0000")
        };
        self.git(&["add", "-A"]);
        let mut cmd = std::process::Command::new("git");
        self.isolate(&mut cmd);
        let output = cmd
            .current_dir(&self.root)
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .args([
                "-c",
                "user.name=Sam Rivera",
                "-c",
                "user.email=sam@example.com",
                "-c",
                "commit.gpgsign=false",
                "commit",
                "-q",
                "-m",
                message,
            ])
            .output()
            .expect("git commit runs");
        assert!(
            output.status.success(),
            "git commit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// `dealbook --vault <vault> --as-of <as_of> ARGS...`, isolated like our git.
    fn dealbook_at(&self, as_of: &str, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("dealbook").expect("the dealbook binary is built");
        cmd.env_remove("DEALBOOK_VAULT")
            .env_remove("DEALBOOK_TODAY");
        self.isolate(&mut cmd);
        cmd.current_dir(self.dir.path())
            .arg("--vault")
            .arg(&self.vault)
            .args(["--as-of", as_of])
            .args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Assert {
        self.dealbook_at(AS_OF, args).assert()
    }

    fn run_at(&self, as_of: &str, args: &[&str]) -> Assert {
        self.dealbook_at(as_of, args).assert()
    }

    /// The stdout of a command that must succeed.
    fn stdout(&self, args: &[&str]) -> String {
        stdout(&self.run(args).reported())
    }

    /// The JSON stdout of a command that must succeed.
    fn json_at(&self, as_of: &str, args: &[&str]) -> Value {
        let assert = self.run_at(as_of, args).reported();
        let out = stdout(&assert);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
    }

    fn json(&self, args: &[&str]) -> Value {
        self.json_at(AS_OF, args)
    }

    /// `history --format json ARGS...` as a list of events.
    fn events(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["history"];
        all.extend_from_slice(args);
        all.extend(["--format", "json"]);
        self.json(&all).as_array().expect("an array").clone()
    }

    /// The review tags, sorted.
    fn tags(&self) -> Vec<String> {
        self.git(&["tag", "--list", "review/*"])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

/// What both `std::process::Command` and `assert_cmd::Command` can do to their environment.
trait GitEnv {
    fn set(&mut self, name: &str, value: &std::ffi::OsStr);
    fn remove(&mut self, name: &str);
}

impl GitEnv for std::process::Command {
    fn set(&mut self, name: &str, value: &std::ffi::OsStr) {
        self.env(name, value);
    }
    fn remove(&mut self, name: &str) {
        self.env_remove(name);
    }
}

impl GitEnv for Command {
    fn set(&mut self, name: &str, value: &std::ffi::OsStr) {
        self.env(name, value);
    }
    fn remove(&mut self, name: &str) {
        self.env_remove(name);
    }
}

fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Stdout and stderr together: what the user sees.
fn everything(assert: &Assert) -> String {
    stdout(assert) + &stderr(assert)
}

/// One deal's events, in the order given.
fn of<'a>(events: &'a [Value], id: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["deal"] == id).collect()
}

/// `(kind, from, to)` of each event, for comparing whole sequences.
fn changes(events: &[&Value]) -> Vec<(String, Option<String>, Option<String>)> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    events
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                text(&e["from"]),
                text(&e["to"]),
            )
        })
        .collect()
}

fn change(
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> (String, Option<String>, Option<String>) {
    (
        kind.to_string(),
        from.map(str::to_string),
        to.map(str::to_string),
    )
}

fn kinds(events: &[&Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

/// The deal with this id in a pipeline (or prep) JSON's `deals`.
fn deal_in<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["deals"]
        .as_array()
        .expect("deals")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no deal {id} in {report:#}"))
}

fn has_deal(report: &Value, id: &str) -> bool {
    report["deals"]
        .as_array()
        .expect("deals")
        .iter()
        .any(|d| d["id"] == id)
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

fn short(commit: &str) -> &str {
    &commit[..7]
}

/// The line of a Markdown table whose cells include `| cell |`.
fn row<'a>(text: &'a str, cell: &str) -> &'a str {
    let wanted = format!("| {cell} |");
    text.lines()
        .find(|line| line.contains(&wanted))
        .unwrap_or_else(|| panic!("no row with {wanted:?} in:\n{text}"))
}

// ---------------------------------------------------------------------------------------------
// Trends in the pipeline report

/// Acme's close date: pushed, pulled in, pushed, pushed (three pushes, one pull-in).
/// Globex stays put.
fn pushed_three_times() -> Repo {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-10-15"),
    )
    .write(
        "deals/globex.md",
        &basic("Globex", "proposal", "2000", "2026-12-10"),
    );
    repo.commit("2026-09-01", "two deals");
    for (date, close) in [
        ("2026-09-08", "2026-11-15"),
        ("2026-09-15", "2026-11-01"),
        ("2026-09-22", "2026-12-01"),
        ("2026-09-29", "2026-12-20"),
    ] {
        repo.write("deals/acme.md", &basic("Acme", "proposal", "1000", close));
        repo.commit(date, &format!("acme closes {close}"));
    }
    repo
}

#[test]
fn a_deal_pushed_three_times_has_push_count_3() {
    let repo = pushed_three_times();

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    let acme = deal_in(&pipeline, "acme");
    assert_eq!(acme["push_count"], 3, "{acme:#}");
    assert_eq!(acme["stage_regressions"], 0);
    // In proposal since it was created on 2026-09-01.
    assert_eq!(acme["days_in_stage"], 83);
    assert!(acme["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "pushed"));
    let globex = deal_in(&pipeline, "globex");
    assert_eq!(globex["push_count"], 0);
    assert!(!globex["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "pushed"));

    let md = repo.stdout(&["pipeline"]);
    assert_eq!(md.matches("pushed 3×").count(), 1, "{md}");
    let acme_row = row(&md, "Acme");
    assert!(acme_row.contains("pushed 3×"), "{acme_row}");
    assert!(acme_row.contains("| 83 d |"), "{acme_row}");
    assert!(!row(&md, "Globex").contains("pushed"), "{md}");

    // The events behind it: three pushes and the pull-in, newest first.
    let events = repo.events(&["acme"]);
    assert_eq!(
        changes(&events.iter().collect::<Vec<_>>()),
        [
            change("close_date_pushed", Some("2026-12-01"), Some("2026-12-20")),
            change("close_date_pushed", Some("2026-11-01"), Some("2026-12-01")),
            change(
                "close_date_pulled_in",
                Some("2026-11-15"),
                Some("2026-11-01")
            ),
            change("close_date_pushed", Some("2026-10-15"), Some("2026-11-15")),
            change("created", None, None),
        ]
    );
}

#[test]
fn a_stage_regression_is_reported() {
    let repo = Repo::new();
    repo.write(
        "deals/initech.md",
        &basic("Initech", "discovery", "5000", "2026-12-15"),
    )
    .write(
        "deals/hooli.md",
        &basic("Hooli", "discovery", "3000", "2026-12-20"),
    );
    repo.commit("2026-09-01", "new deals");
    repo.write(
        "deals/initech.md",
        &basic("Initech", "proposal", "5000", "2026-12-15"),
    )
    .write(
        "deals/hooli.md",
        &basic("Hooli", "demo", "3000", "2026-12-20"),
    );
    repo.commit("2026-09-10", "both move forward");
    repo.write(
        "deals/initech.md",
        &basic("Initech", "demo", "5000", "2026-12-15"),
    );
    repo.commit("2026-09-20", "initech back to demo");

    let events = repo.events(&[]);
    let initech = of(&events, "initech");
    let back: Vec<_> = initech
        .iter()
        .filter(|e| e["kind"] == "stage_back")
        .collect();
    assert_eq!(back.len(), 1, "{initech:#?}");
    assert_eq!(back[0]["from"], "proposal");
    assert_eq!(back[0]["to"], "demo");
    assert_eq!(back[0]["date"], "2026-09-20");
    let forward: Vec<_> = initech
        .iter()
        .filter(|e| e["kind"] == "stage_forward")
        .collect();
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0]["from"], "discovery");
    assert_eq!(forward[0]["to"], "proposal");
    assert!(!of(&events, "hooli")
        .iter()
        .any(|e| e["kind"] == "stage_back"));

    let text = repo.stdout(&["history", "initech"]);
    assert!(
        text.contains("Initech (initech): moved back: proposal → demo"),
        "{text}"
    );

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    let initech = deal_in(&pipeline, "initech");
    assert_eq!(initech["stage_regressions"], 1, "{initech:#}");
    assert_eq!(initech["days_in_stage"], 64, "in demo since 2026-09-20");
    let hooli = deal_in(&pipeline, "hooli");
    assert_eq!(hooli["stage_regressions"], 0);
    assert_eq!(hooli["days_in_stage"], 74, "in demo since 2026-09-10");
}

// ---------------------------------------------------------------------------------------------
// Renames, deletions and the working tree

#[test]
fn a_renamed_deal_keeps_its_history() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-11-15"),
    )
    .write(
        "deals/globex.md",
        &basic("Globex", "proposal", "2000", "2026-12-10"),
    );
    let created = repo.commit("2026-09-01", "two deals");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "2000", "2026-11-15"),
    );
    repo.commit("2026-09-05", "acme grows");
    repo.mv("deals/acme.md", "deals/acme-renewal.md");
    let renamed = repo.commit("2026-09-10", "rename acme");
    repo.write(
        "deals/acme-renewal.md",
        &basic("Acme", "proposal", "2000", "2026-12-15"),
    );
    repo.commit("2026-09-15", "acme slips");
    // Renamed and edited in the same commit.
    repo.mv("deals/globex.md", "deals/globex-expansion.md");
    repo.write(
        "deals/globex-expansion.md",
        &basic("Globex", "negotiation", "2000", "2026-12-10"),
    );
    repo.commit("2026-09-20", "globex: rename and move to negotiation");

    let all = repo.events(&[]);
    let ids: BTreeSet<&str> = all.iter().map(|e| e["deal"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        BTreeSet::from(["acme-renewal", "globex-expansion"]),
        "{all:#?}"
    );

    let acme = repo.events(&["acme-renewal"]);
    assert!(acme.iter().all(|e| e["deal"] == "acme-renewal"));
    assert_eq!(
        changes(&acme.iter().collect::<Vec<_>>()),
        [
            change("close_date_pushed", Some("2026-11-15"), Some("2026-12-15")),
            change("renamed", Some("acme"), Some("acme-renewal")),
            change("amount_changed", Some("1000"), Some("2000")),
            change("created", None, None),
        ]
    );
    assert_eq!(acme[1]["commit"], short(&renamed));
    assert_eq!(acme[3]["commit"], short(&created));
    assert_eq!(acme[3]["date"], "2026-09-01");

    let globex = of(&all, "globex-expansion");
    let kinds = kinds(&globex);
    assert!(kinds.contains(&"renamed".to_string()), "{globex:#?}");
    assert!(kinds.contains(&"stage_forward".to_string()), "{globex:#?}");
    assert_eq!(kinds.last().unwrap(), "created");
    assert_eq!(globex.last().unwrap()["date"], "2026-09-01");

    let text = repo.stdout(&["history", "acme-renewal"]);
    assert!(text.contains("renamed: acme → acme-renewal"), "{text}");

    // The push before the rename still counts, and the stage clock started at creation.
    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme-renewal")["push_count"], 1);
    assert_eq!(deal_in(&pipeline, "acme-renewal")["days_in_stage"], 83);
    assert_eq!(deal_in(&pipeline, "globex-expansion")["days_in_stage"], 64);
}

#[test]
fn an_uncommitted_rename_keeps_its_history() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-11-15"),
    );
    repo.commit("2026-09-01", "acme");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    repo.commit("2026-09-08", "acme slips");
    repo.mv("deals/acme.md", "deals/acme-renewal.md");

    let events = repo.events(&[]);
    assert!(of(&events, "acme").is_empty(), "{events:#?}");
    let acme = of(&events, "acme-renewal");
    assert_eq!(
        kinds(&acme),
        ["renamed", "close_date_pushed", "created"],
        "{acme:#?}"
    );
    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme-renewal")["push_count"], 1);
}

#[test]
fn a_deleted_deal_shows_as_deleted() {
    let repo = Repo::new();
    repo.write(
        "deals/gone.md",
        &basic("Gone deal", "demo", "700", "2026-12-15"),
    )
    .write(
        "deals/dropped.md",
        &basic("Dropped deal", "demo", "900", "2026-12-15"),
    )
    .write(
        "deals/kept.md",
        &basic("Kept deal", "demo", "800", "2026-12-15"),
    );
    repo.commit("2026-09-01", "three deals");
    repo.write(
        "deals/gone.md",
        &basic("Gone deal", "demo", "750", "2026-12-15"),
    );
    repo.commit("2026-09-05", "gone grows");
    repo.git(&["rm", "-q", "deals/gone.md"]);
    let deleted = repo.commit("2026-09-10", "gone is gone");
    // Deleted in the working tree only.
    repo.remove("deals/dropped.md");

    let events = repo.events(&[]);
    let gone = of(&events, "gone");
    assert_eq!(
        kinds(&gone),
        ["deleted", "amount_changed", "created"],
        "{gone:#?}"
    );
    assert_eq!(gone[0]["date"], "2026-09-10");
    assert_eq!(gone[0]["commit"], short(&deleted));
    assert_eq!(gone[0]["title"], "Gone deal");

    let dropped = of(&events, "dropped");
    assert_eq!(kinds(&dropped), ["deleted", "created"], "{dropped:#?}");
    assert_eq!(dropped[0]["date"], AS_OF);
    assert_eq!(dropped[0]["commit"], Value::Null);
    assert_eq!(kinds(&of(&events, "kept")), ["created"]);

    let text = repo.stdout(&["history"]);
    assert!(
        text.lines()
            .any(|l| l.contains(" Gone deal (gone): ") && l.ends_with("deleted")),
        "{text}"
    );

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert!(!has_deal(&pipeline, "gone"));
    assert!(!has_deal(&pipeline, "dropped"));
}

#[test]
fn a_deleted_deals_history_can_be_asked_for_by_id() {
    let repo = Repo::new();
    repo.write(
        "deals/gone.md",
        &basic("Gone deal", "demo", "700", "2026-12-15"),
    );
    repo.commit("2026-09-01", "gone");
    repo.git(&["rm", "-q", "deals/gone.md"]);
    repo.commit("2026-09-10", "gone is gone");

    let events = repo.events(&["gone"]);
    assert_eq!(
        kinds(&events.iter().collect::<Vec<_>>()),
        ["deleted", "created"]
    );
}

#[test]
fn uncommitted_edits_show_as_the_newest_state() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "demo", "1000", "2026-12-10"),
    )
    .write(
        "deals/globex.md",
        &basic("Globex", "demo", "2000", "2026-12-10"),
    );
    repo.commit("2026-09-01", "two deals");
    // Edited, not committed; and a new file never added.
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1500", "2026-12-20"),
    )
    .write(
        "deals/initech.md",
        &basic("Initech", "discovery", "300", "2026-12-01"),
    );

    let events = repo.events(&[]);
    let newest = &events[0];
    assert_eq!(newest["date"], AS_OF, "{events:#?}");
    assert_eq!(newest["commit"], Value::Null);

    let acme = of(&events, "acme");
    let uncommitted: Vec<&Value> = acme
        .iter()
        .copied()
        .filter(|e| e["commit"].is_null())
        .collect();
    assert!(uncommitted.iter().all(|e| e["date"] == AS_OF));
    let found = changes(&uncommitted);
    for expected in [
        change("stage_forward", Some("demo"), Some("proposal")),
        change("amount_changed", Some("1000"), Some("1500")),
        change("close_date_pushed", Some("2026-12-10"), Some("2026-12-20")),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert_eq!(kinds(&acme).last().unwrap(), "created");
    assert!(!acme.last().unwrap()["commit"].is_null());

    let initech = of(&events, "initech");
    assert_eq!(kinds(&initech), ["created"]);
    assert_eq!(initech[0]["commit"], Value::Null);
    assert_eq!(initech[0]["date"], AS_OF);

    // Globex is unchanged: nothing uncommitted about it.
    assert!(of(&events, "globex").iter().all(|e| !e["commit"].is_null()));

    let text = repo.stdout(&["history", "acme"]);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("{AS_OF} (uncommitted)")),
        "{text}"
    );

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme")["push_count"], 1);
    assert_eq!(deal_in(&pipeline, "acme")["days_in_stage"], 0);
    assert_eq!(deal_in(&pipeline, "initech")["push_count"], 0);
}

// ---------------------------------------------------------------------------------------------
// Where the vault is, and when there is no (full) history

#[test]
fn a_vault_in_a_subfolder_of_the_repository_works() {
    let repo = Repo::with_vault_in("team/sam");
    repo.write_in_repo("README.md", "The team's books.\n")
        .write_in_repo(
            "deals/outside.md",
            &basic("Outside", "demo", "100", "2026-12-01"),
        )
        .write("dealbook.yaml", "owner: Sam Rivera\n")
        .write(
            "deals/acme.md",
            &basic("Acme", "proposal", "1000", "2026-11-15"),
        );
    repo.commit("2026-09-01", "books");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write_in_repo(
        "deals/outside.md",
        &basic("Outside", "demo", "100", "2027-03-01"),
    );
    repo.commit("2026-09-08", "acme slips; so does a deal outside the vault");
    repo.mv("deals/acme.md", "deals/acme-renewal.md");
    repo.commit("2026-09-15", "rename acme");
    repo.write(
        "deals/acme-renewal.md",
        &basic("Acme", "proposal", "1200", "2026-12-15"),
    );

    let events = repo.events(&[]);
    let ids: BTreeSet<&str> = events.iter().map(|e| e["deal"].as_str().unwrap()).collect();
    assert_eq!(ids, BTreeSet::from(["acme-renewal"]), "{events:#?}");
    assert_eq!(
        changes(&events.iter().collect::<Vec<_>>()),
        [
            change("amount_changed", Some("1000"), Some("1200")),
            change("renamed", Some("acme"), Some("acme-renewal")),
            change("close_date_pushed", Some("2026-11-15"), Some("2026-12-15")),
            change("created", None, None),
        ]
    );
    assert_eq!(events[0]["commit"], Value::Null);

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme-renewal")["push_count"], 1);
    assert!(!has_deal(&pipeline, "outside"));

    // Found from inside the vault, without --vault.
    let mut inside = Command::cargo_bin("dealbook").expect("the dealbook binary is built");
    inside
        .env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY");
    repo.isolate(&mut inside);
    let assert = inside
        .current_dir(repo.vault.join("deals"))
        .args(["--as-of", AS_OF, "history", "--format", "json"])
        .assert()
        .success();
    let found: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    assert_eq!(found.as_array().unwrap().len(), 4, "{found:#}");

    // `review mark` from a subfolder vault tags the repository.
    repo.commit("2026-11-20", "acme grows");
    repo.run_at("2026-11-20", &["review", "mark"]).success();
    assert_eq!(repo.tags(), ["review/2026-11-20"]);
    let prep = repo.json(&["prep", "--format", "json"]);
    assert_eq!(prep["since"], "2026-11-20");
}

#[test]
fn a_folder_that_is_not_a_repository_degrades_plainly() {
    let repo = Repo::plain();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write(
        "deals/globex.md",
        &basic("Globex", "demo", "2000", "2026-12-20"),
    );

    let prep = repo.run(&["prep"]).success();
    let seen = everything(&prep);
    assert_eq!(seen.matches("no history").count(), 1, "{seen}");
    assert!(seen.contains("not in a git repository"), "{seen}");
    // Everything else is still there.
    assert!(stdout(&prep).contains("## Every open deal"), "{seen}");
    assert!(stdout(&prep).contains("Acme"), "{seen}");

    let json = repo.json(&["prep", "--format", "json"]);
    assert_eq!(json["history"], Value::Null);
    assert!(json["history_note"]
        .as_str()
        .is_some_and(|n| n.contains("not in a git repository")));
    assert_eq!(json["since"], "2026-11-16", "7 days before --as-of");
    assert_eq!(json["open"]["count"], 2);

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    let acme = deal_in(&pipeline, "acme");
    assert_eq!(acme["push_count"], Value::Null);
    assert_eq!(acme["days_in_stage"], Value::Null);
    assert_eq!(pipeline["best_case"], 1000);
    repo.run(&["pipeline"]).success();

    let history = repo.run(&["history"]).success();
    assert_eq!(stdout(&history), "");
    assert_eq!(stderr(&history).matches("no history").count(), 1);

    let mark = repo.run(&["review", "mark"]).code(2);
    assert!(
        stderr(&mark).contains("not in a git repository"),
        "{}",
        stderr(&mark)
    );
}

#[test]
fn the_pipeline_report_says_once_that_there_is_no_history() {
    let repo = Repo::plain();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    let seen = everything(&repo.run(&["pipeline"]).success());
    assert_eq!(seen.matches("no history").count(), 1, "{seen}");
}

#[test]
fn missing_git_degrades_plainly() {
    let repo = pushed_three_times();
    let empty = repo.dir.path().join("empty-path");
    std::fs::create_dir_all(&empty).expect("mkdir");

    let prep = repo
        .dealbook_at(AS_OF, &["prep"])
        .env("PATH", &empty)
        .assert()
        .success();
    let seen = everything(&prep);
    assert_eq!(seen.matches("no history").count(), 1, "{seen}");
    assert!(seen.contains("git is not installed"), "{seen}");

    let history = repo
        .dealbook_at(AS_OF, &["history"])
        .env("PATH", &empty)
        .assert()
        .success();
    assert_eq!(stdout(&history), "");
    assert!(stderr(&history).contains("git is not installed"));

    let pipeline = repo
        .dealbook_at(AS_OF, &["pipeline", "--format", "json"])
        .env("PATH", &empty)
        .assert()
        .success();
    let pipeline: Value = serde_json::from_str(&stdout(&pipeline)).expect("JSON");
    assert_eq!(deal_in(&pipeline, "acme")["push_count"], Value::Null);
}

#[test]
fn history_false_turns_history_off_with_a_plain_note() {
    let repo = pushed_three_times();
    repo.write("dealbook.yaml", "history: false\n");
    repo.commit("2026-10-01", "no history, please");

    let history = repo.run(&["history"]).success();
    assert_eq!(stdout(&history), "");
    assert!(
        stderr(&history).contains("history is turned off"),
        "{}",
        stderr(&history)
    );

    let prep = repo.run(&["prep"]).success();
    let seen = everything(&prep);
    assert_eq!(seen.matches("no history").count(), 0, "{seen}");
    assert_eq!(seen.matches("history is turned off").count(), 1, "{seen}");
    assert!(!seen.contains("At the last review"), "no waterfall: {seen}");

    let json = repo.json(&["prep", "--format", "json"]);
    assert_eq!(json["history"], Value::Null);
    assert!(json["history_note"]
        .as_str()
        .unwrap()
        .contains("history: false"));
    let acme = deal_in(&json, "acme");
    assert_eq!(acme["push_count"], Value::Null);
    assert!(!acme["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "pushed"));
}

#[test]
fn an_empty_repository_is_handled() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write(
        "deals/globex.md",
        &basic("Globex", "demo", "2000", "2026-12-20"),
    );

    let events = repo.events(&[]);
    assert_eq!(events.len(), 2, "{events:#?}");
    for event in &events {
        assert_eq!(event["kind"], "created");
        assert_eq!(event["commit"], Value::Null);
        assert_eq!(event["date"], AS_OF);
    }

    let prep = repo.json(&["prep", "--format", "json"]);
    let waterfall = &prep["history"]["waterfall"];
    assert_eq!(waterfall["start"], 0, "{waterfall:#}");
    assert_eq!(waterfall["new"]["total"], 3000);
    assert_eq!(waterfall["end"], 3000);
    repo.run(&["prep"]).success();

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme")["push_count"], 0);

    let mark = repo.run(&["review", "mark"]).code(2);
    assert!(stderr(&mark).contains("no commit"), "{}", stderr(&mark));
    assert!(repo.tags().is_empty());
}

#[test]
fn a_shallow_clone_is_handled() {
    let origin = Repo::new();
    origin
        .write(
            "deals/acme.md",
            &basic("Acme", "proposal", "1000", "2026-10-15"),
        )
        .write(
            "deals/globex.md",
            &basic("Globex", "demo", "2000", "2026-12-10"),
        );
    origin.commit("2026-09-01", "two deals");
    origin.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-11-15"),
    );
    origin.commit("2026-09-08", "acme slips");
    origin.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    origin.commit("2026-09-15", "acme slips again");
    let full = origin.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&full, "acme")["push_count"], 2);

    // One commit: every deal starts there.
    let clone = origin.shallow_clone(1);
    let history = clone.run(&["history", "--format", "json"]).success();
    assert!(
        stderr(&history).contains("shallow clone"),
        "{}",
        stderr(&history)
    );
    let events: Value = serde_json::from_str(&stdout(&history)).expect("JSON");
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 2, "{events:#?}");
    assert!(events
        .iter()
        .all(|e| e["kind"] == "created" && e["date"] == "2026-09-15"));

    let prep = clone.json(&["prep", "--format", "json"]);
    assert_eq!(prep["history"]["shallow"], true);
    assert_eq!(deal_in(&prep, "acme")["push_count"], 0);
    let md = clone.stdout(&["prep"]);
    assert_eq!(md.matches("shallow clone").count(), 1, "{md}");
    assert_eq!(
        origin.json(&["prep", "--format", "json"])["history"]["shallow"],
        false
    );

    // Two commits: the last push is inside the window.
    let clone = origin.shallow_clone(2);
    let acme = clone.events(&["acme"]);
    assert_eq!(
        changes(&acme.iter().collect::<Vec<_>>()),
        [
            change("close_date_pushed", Some("2026-11-15"), Some("2026-12-15")),
            change("created", None, None),
        ]
    );
    assert_eq!(acme[1]["date"], "2026-09-08");
}

// ---------------------------------------------------------------------------------------------
// `history`: filters, fields, order, and every kind of event

/// Events on several days for several deals, each kind at least once.
fn busy() -> (Repo, Vec<(String, String)>) {
    let repo = Repo::new();
    let mut commits = Vec::new();
    let mut commit = |repo: &Repo, date: &str, message: &str| {
        let id = repo.commit(date, message);
        commits.push((date.to_string(), id));
    };
    repo.write(
        "deals/acme.md",
        &basic("Acme", "discovery", "1000", "2026-12-20"),
    )
    .write(
        "deals/globex.md",
        &basic("Globex", "proposal", "2000", "2026-12-20"),
    )
    .write(
        "deals/initech.md",
        &basic("Initech", "negotiation", "3000", "2026-11-30"),
    )
    .write(
        "deals/hooli.md",
        &basic("Hooli", "demo", "4000", "2026-12-15"),
    );
    commit(&repo, "2026-09-01", "four deals");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "discovery", "1250.5", "2026-12-20"),
    )
    .write(
        "deals/globex.md",
        &deal(&[
            ("title", "Globex"),
            ("stage", "proposal"),
            ("amount", "2000"),
            ("close_date", "2026-12-20"),
            ("forecast", "commit"),
        ]),
    );
    commit(&repo, "2026-09-15", "acme grows; globex to commit");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "discovery", "1250.5", "2026-12-05"),
    );
    commit(&repo, "2026-10-01", "acme pulled in");
    repo.write(
        "deals/initech.md",
        &basic("Initech", "closed_won", "3000", "2026-11-30"),
    )
    .write(
        "deals/hooli.md",
        &basic("Hooli", "closed_lost", "4000", "2026-12-15"),
    );
    commit(&repo, "2026-10-20", "initech won, hooli lost");
    (repo, commits)
}

#[test]
fn every_kind_of_change_is_an_event_with_old_and_new_values() {
    let (repo, _) = busy();
    let events = repo.events(&[]);
    let find = |id: &str, kind: &str| -> Vec<(String, Option<String>, Option<String>)> {
        changes(&of(&events, id))
            .into_iter()
            .filter(|c| c.0 == kind)
            .collect()
    };
    assert_eq!(
        find("acme", "amount_changed"),
        [change("amount_changed", Some("1000"), Some("1250.5"))]
    );
    assert_eq!(
        find("acme", "close_date_pulled_in"),
        [change(
            "close_date_pulled_in",
            Some("2026-12-20"),
            Some("2026-12-05")
        )]
    );
    // Only the forecast field changed on globex that day.
    let globex: Vec<&Value> = of(&events, "globex")
        .into_iter()
        .filter(|e| e["date"] == "2026-09-15")
        .collect();
    assert_eq!(
        changes(&globex),
        [change(
            "forecast_changed",
            Some("best_case"),
            Some("commit")
        )]
    );
    assert_eq!(
        find("initech", "won"),
        [change("won", Some("negotiation"), Some("closed_won"))]
    );
    assert_eq!(
        find("hooli", "lost"),
        [change("lost", Some("demo"), Some("closed_lost"))]
    );
    assert!(
        find("initech", "stage_forward").is_empty(),
        "a win is not a stage move"
    );

    let text = repo.stdout(&["history"]);
    for line in [
        "Acme (acme): amount changed: $1,000 → $1,250.50",
        "Acme (acme): close date pulled in: 2026-12-20 → 2026-12-05",
        "Globex (globex): forecast category changed: best case → commit",
        "Initech (initech): won (from negotiation)",
        "Hooli (hooli): lost (from demo)",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
}

#[test]
fn history_json_has_the_documented_fields_newest_first() {
    let (repo, commits) = busy();
    let events = repo.events(&[]);
    assert!(events.len() >= 8, "{events:#?}");
    for event in &events {
        let keys: BTreeSet<&str> = event
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(EVENT_KEYS), "{event:#}");
        let date = event["date"].as_str().unwrap();
        let (_, id) = commits
            .iter()
            .find(|(d, _)| d == date)
            .unwrap_or_else(|| panic!("no commit on {date}"));
        assert_eq!(event["commit"], short(id), "{event:#}");
        assert!(event["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(event["deal"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let dates: Vec<&str> = events.iter().map(|e| e["date"].as_str().unwrap()).collect();
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, newest_first);
    assert_eq!(dates[0], "2026-10-20");
    assert_eq!(*dates.last().unwrap(), "2026-09-01");
    assert_eq!(events[0]["title"], "Hooli");

    // The text format lists the same events in the same order.
    let text = repo.stdout(&["history"]);
    assert_eq!(text.lines().count(), events.len(), "{text}");
    for (line, event) in text.lines().zip(&events) {
        let expected = format!(
            "{} {}",
            event["date"].as_str().unwrap(),
            event["commit"].as_str().unwrap()
        );
        assert!(line.starts_with(&expected), "{line:?} vs {event}");
        assert!(line.contains(event["deal"].as_str().unwrap()));
    }
}

#[test]
fn events_on_the_same_day_are_newest_first_too() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-01"),
    );
    repo.commit("2026-11-20T09:00:00", "acme");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    repo.commit("2026-11-20T12:00:00", "acme slips");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-31"),
    );
    repo.commit("2026-11-20T15:00:00", "acme slips again");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "2000", "2026-12-31"),
    );

    let events = repo.json_at("2026-11-20", &["history", "--format", "json"]);
    let events: Vec<&Value> = events.as_array().unwrap().iter().collect();
    assert_eq!(
        changes(&events),
        [
            change("amount_changed", Some("1000"), Some("2000")),
            change("close_date_pushed", Some("2026-12-15"), Some("2026-12-31")),
            change("close_date_pushed", Some("2026-12-01"), Some("2026-12-15")),
            change("created", None, None),
        ]
    );
}

#[test]
fn history_id_shows_only_that_deal() {
    let (repo, _) = busy();
    let all = repo.events(&[]);

    let acme = repo.events(&["acme"]);
    assert!(!acme.is_empty());
    assert!(acme.iter().all(|e| e["deal"] == "acme"), "{acme:#?}");
    assert_eq!(acme.len(), of(&all, "acme").len());

    // By path and by title too.
    assert_eq!(repo.events(&["deals/globex.md"]), repo.events(&["globex"]));
    let by_title = repo.events(&["Initech"]);
    assert!(!by_title.is_empty());
    assert!(by_title.iter().all(|e| e["deal"] == "initech"));

    let text = repo.stdout(&["history", "hooli"]);
    assert!(!text.is_empty());
    assert!(text.lines().all(|l| l.contains(" (hooli): ")), "{text}");

    let unknown = repo.run(&["history", "no-such-deal"]).code(2);
    assert!(stderr(&unknown).contains("no-such-deal"));
}

#[test]
fn history_since_keeps_events_on_or_after_the_day() {
    let (repo, _) = busy();
    let dates = |args: &[&str]| -> BTreeSet<String> {
        repo.events(args)
            .iter()
            .map(|e| e["date"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        dates(&["--since", "2026-10-01"]),
        BTreeSet::from(["2026-10-01".to_string(), "2026-10-20".to_string()])
    );
    assert_eq!(
        dates(&["--since", "2026-10-02"]),
        BTreeSet::from(["2026-10-20".to_string()])
    );
    assert_eq!(dates(&["--since", "2026-10-21"]), BTreeSet::new());
    assert_eq!(dates(&["--since", "2026-01-01"]).len(), 4);
    // With an id too.
    let acme = repo.events(&["acme", "--since", "2026-09-02"]);
    assert_eq!(
        kinds(&acme.iter().collect::<Vec<_>>()),
        ["close_date_pulled_in", "amount_changed"]
    );
    let text = repo.stdout(&["history", "--since", "2026-10-20"]);
    assert!(text.lines().all(|l| l.starts_with("2026-10-20 ")), "{text}");
    assert_eq!(
        text.lines().count(),
        2,
        "won and lost, their forecast changes folded in:\n{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// `review mark` and prep's default --since

#[test]
fn review_mark_tags_the_current_commit() {
    let repo = pushed_three_times();
    let head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();

    let mark = repo.run_at("2026-11-20", &["review", "mark"]).success();
    assert!(
        stdout(&mark).contains("review/2026-11-20"),
        "{}",
        stdout(&mark)
    );
    assert_eq!(repo.tags(), ["review/2026-11-20"]);
    let tagged = repo.git(&["rev-parse", "review/2026-11-20^{commit}"]);
    assert_eq!(tagged.trim(), head);
}

#[test]
fn review_mark_refuses_uncommitted_changes_and_lists_them() {
    let repo = pushed_three_times();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "negotiation", "1000", "2026-12-20"),
    )
    .write(
        "deals/initech.md",
        &basic("Initech", "demo", "10", "2026-12-01"),
    );

    let mark = repo.run(&["review", "mark"]).code(2);
    let said = stderr(&mark);
    assert!(said.contains("deals/acme.md"), "{said}");
    assert!(said.contains("deals/initech.md"), "{said}");
    assert!(
        !said.contains("deals/globex.md"),
        "globex is unchanged: {said}"
    );
    assert!(repo.tags().is_empty());

    repo.commit("2026-11-23", "acme to negotiation; initech");
    repo.run(&["review", "mark"]).success();
    assert_eq!(repo.tags(), [format!("review/{AS_OF}")]);
}

#[test]
fn prep_since_defaults_to_the_newest_review_tag() {
    let repo = pushed_three_times();

    // No review yet: a week before --as-of.
    let prep = repo.json(&["prep", "--format", "json"]);
    assert_eq!(prep["since"], "2026-11-16");
    assert_eq!(prep["history"]["last_review"], Value::Null);
    // Not a review: the sheet says so, and how long ago.
    let md = repo.stdout(&["prep"]);
    assert!(md.contains("since 2026-11-16 (7 days)"), "{md}");
    assert!(!md.contains("since the last review"), "{md}");

    repo.run_at("2026-11-02", &["review", "mark"]).success();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "negotiation", "1000", "2026-12-20"),
    );
    repo.commit("2026-11-05", "acme to negotiation");
    repo.run_at("2026-11-09", &["review", "mark"]).success();
    // A review dated after --as-of does not count.
    repo.git(&["tag", "review/2026-12-01"]);
    // Nor does a tag that is not a review.
    repo.git(&["tag", "v2026-11-20"]);

    let prep = repo.json(&["prep", "--format", "json"]);
    assert_eq!(prep["since"], "2026-11-09");
    assert_eq!(prep["history"]["last_review"], "2026-11-09");
    let md = repo.stdout(&["prep"]);
    assert!(md.contains("since the last review on 2026-11-09"), "{md}");
    assert!(md.contains("## What changed since 2026-11-09"), "{md}");

    // As of an earlier day, the review before it.
    let prep = repo.json_at("2026-11-06", &["prep", "--format", "json"]);
    assert_eq!(prep["since"], "2026-11-02");
    let events = prep["history"]["events"].as_array().unwrap();
    assert_eq!(
        changes(&events.iter().collect::<Vec<_>>()),
        [
            change("stage_forward", Some("proposal"), Some("negotiation")),
            change("forecast_changed", Some("best_case"), Some("commit")),
        ]
    );
    // A review on --as-of itself counts.
    let prep = repo.json_at("2026-11-09", &["prep", "--format", "json"]);
    assert_eq!(prep["since"], "2026-11-09");
    assert_eq!(prep["history"]["events"], Value::Array(vec![]));

    // --since wins over the tags.
    let prep = repo.json(&["prep", "--format", "json", "--since", "2026-09-20"]);
    assert_eq!(prep["since"], "2026-09-20");
    let kinds: Vec<&str> = prep["history"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "stage_forward",
            "forecast_changed",
            "close_date_pushed",
            "close_date_pushed"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The waterfall

/// A quarter (2026-Q4) where every waterfall term has a deal, the last review on 2026-11-09.
/// Returns the repository and the last commit before the review.
fn quarter() -> (Repo, String) {
    let repo = Repo::new();
    repo.write("dealbook.yaml", "currency: USD\nfx: { EUR: 1.25 }\n")
        .write(
            "deals/steady.md",
            &basic("Steady Co", "proposal", "9000", "2026-12-10"),
        )
        .write(
            "deals/grow.md",
            &basic("Grow Inc", "demo", "20000", "2026-12-05"),
        )
        .write(
            "deals/shrink.md",
            &basic("Shrink Ltd", "negotiation", "30000", "2026-12-01"),
        )
        .write(
            "deals/slip.md",
            &basic("Slip AG", "proposal", "15000", "2026-12-20"),
        )
        .write(
            "deals/pullin.md",
            &basic("Pull In SA", "demo", "12000", "2027-02-15"),
        )
        .write(
            "deals/winner.md",
            &basic("Winner plc", "negotiation", "40000", "2026-11-30"),
        )
        .write(
            "deals/loser.md",
            &basic("Loser GmbH", "discovery", "8000", "2026-12-12"),
        )
        .write(
            "deals/dropped.md",
            &basic("Dropped BV", "demo", "7000", "2026-12-18"),
        )
        .write(
            "deals/parked.md",
            &deal(&[
                ("title", "Parked Oy"),
                ("stage", "proposal"),
                ("amount", "9000"),
                ("close_date", "2026-12-10"),
                ("forecast", "omitted"),
            ]),
        )
        .write(
            "deals/euro.md",
            &deal(&[
                ("title", "Euro SARL"),
                ("stage", "demo"),
                ("amount", "10000"),
                ("currency", "EUR"),
                ("close_date", "2026-12-03"),
            ]),
        );
    repo.commit("2026-10-01", "the quarter's deals");
    // Before the review: part of the starting point, not a change in the period.
    repo.write(
        "deals/steady.md",
        &basic("Steady Co", "proposal", "10000", "2026-12-10"),
    )
    .write(
        "deals/later.md",
        &basic("Later KK", "demo", "6000", "2027-03-01"),
    );
    let before = repo.commit("2026-10-20", "steady grows; a deal for next quarter");
    repo.run_at("2026-11-09", &["review", "mark"]).success();

    // In the period, on the review's day itself.
    repo.write(
        "deals/fresh.md",
        &basic("Fresh LLC", "prospecting", "5000", "2026-12-28"),
    );
    repo.commit("2026-11-09", "a new deal");
    repo.write(
        "deals/slip.md",
        &basic("Slip AG", "proposal", "15000", "2027-01-20"),
    )
    .write(
        "deals/pullin.md",
        &basic("Pull In SA", "demo", "12000", "2026-12-15"),
    )
    .write(
        "deals/shrink.md",
        &basic("Shrink Ltd", "negotiation", "24000", "2026-12-01"),
    );
    repo.commit("2026-11-12", "slip out, pull in, shrink");
    repo.write(
        "deals/winner.md",
        &basic("Winner plc", "closed_won", "40000", "2026-11-30"),
    )
    .write(
        "deals/loser.md",
        &basic("Loser GmbH", "closed_lost", "8000", "2026-12-12"),
    );
    repo.git(&["rm", "-q", "deals/dropped.md"]);
    repo.commit("2026-11-16", "won one, lost one, dropped one");
    // Uncommitted: the newest state.
    repo.write(
        "deals/grow.md",
        &basic("Grow Inc", "demo", "25000", "2026-12-05"),
    );
    (repo, before)
}

fn term_ids(waterfall: &Value, term: &str) -> Vec<String> {
    waterfall[term]["deals"]
        .as_array()
        .unwrap_or_else(|| panic!("no term {term}"))
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_waterfall_adds_up_and_agrees_with_the_pipeline() {
    let (repo, _) = quarter();
    let prep = repo.json(&["prep", "--format", "json"]);
    assert_eq!(prep["since"], "2026-11-09", "the review tag");
    let w = &prep["history"]["waterfall"];

    let total = |term: &str| number(&w[term]["total"]);
    let sum = number(&w["start"]) + total("new") + total("pulled_in") + total("amount_up")
        - total("amount_down")
        - total("pushed_out")
        - total("won")
        - total("lost");
    assert!(
        (sum - number(&w["end"])).abs() < 0.005,
        "{sum} ≠ end in {w:#}"
    );

    // Each term's deals, and its total from their amounts.
    for (term, ids, amount) in [
        ("new", vec!["fresh"], 5000.0),
        ("pulled_in", vec!["pullin"], 12000.0),
        ("amount_up", vec!["grow"], 5000.0),
        ("amount_down", vec!["shrink"], 6000.0),
        ("pushed_out", vec!["slip"], 15000.0),
        ("won", vec!["winner"], 40000.0),
        // A deleted deal leaves the pipeline like a lost one.
        ("lost", vec!["dropped", "loser"], 15000.0),
    ] {
        let mut found = term_ids(w, term);
        found.sort();
        assert_eq!(found, ids, "{term} in {w:#}");
        assert_eq!(total(term), amount, "{term} in {w:#}");
        let listed: f64 = w[term]["deals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| number(&d["amount"]))
            .sum();
        assert_eq!(listed, amount, "{term}");
    }
    // steady (10,000 since before the review) + grow + shrink + slip + winner + loser
    // + dropped + euro (10,000 EUR at 1.25).
    assert_eq!(number(&w["start"]), 142500.0, "{w:#}");
    assert_eq!(number(&w["end"]), 88500.0, "{w:#}");

    // The end agrees with the pipeline computed directly from the files.
    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    let open = number(&pipeline["commit"])
        + number(&pipeline["best_case"])
        + number(&pipeline["pipeline"]);
    assert_eq!(number(&w["end"]), open, "{pipeline:#}");
    assert_eq!(number(&prep["commit"]), number(&pipeline["commit"]));

    // Only the period's events, newest first.
    let events = prep["history"]["events"].as_array().unwrap();
    assert!(
        events
            .iter()
            .all(|e| e["date"].as_str().unwrap() >= "2026-11-09"),
        "{events:#?}"
    );
    assert!(!events
        .iter()
        .any(|e| e["deal"] == "steady" || e["deal"] == "later"));
    assert_eq!(events[0]["deal"], "grow");
    assert_eq!(events[0]["commit"], Value::Null);
}

#[test]
fn the_waterfall_starts_at_the_pipeline_as_it_was_at_the_review() {
    let (repo, before) = quarter();
    let prep = repo.json(&["prep", "--format", "json"]);
    let start = number(&prep["history"]["waterfall"]["start"]);

    // The vault as it was when the review began, checked out next to the repository.
    let past = repo.dir.path().join("past");
    let past_text = past.to_string_lossy().into_owned();
    repo.git(&["worktree", "add", "-q", "--detach", &past_text, &before]);
    let mut cmd = Command::cargo_bin("dealbook").expect("the dealbook binary is built");
    cmd.env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY");
    repo.isolate(&mut cmd);
    let assert = cmd
        .arg("--vault")
        .arg(&past)
        .args(["--as-of", "2026-11-08", "pipeline", "--period", "2026-Q4"])
        .args(["--format", "json"])
        .assert()
        .success();
    let then: Value = serde_json::from_str(&stdout(&assert)).expect("JSON");
    let open = number(&then["commit"]) + number(&then["best_case"]) + number(&then["pipeline"]);
    assert_eq!(start, open, "{then:#}");
}

#[test]
fn the_prep_sheet_lists_what_changed_since_the_last_review() {
    let (repo, _) = quarter();
    let md = repo.stdout(&["prep"]);
    assert!(md.contains("since the last review on 2026-11-09"), "{md}");
    assert!(md.contains("## What changed since 2026-11-09"), "{md}");

    // The waterfall table, each term with its deals.
    for (label, titles) in [
        ("+ New", vec!["Fresh LLC"]),
        ("+ Pulled in", vec!["Pull In SA"]),
        ("+ Amount up", vec!["Grow Inc"]),
        ("− Amount down", vec!["Shrink Ltd"]),
        ("− Pushed out", vec!["Slip AG"]),
        ("− Won", vec!["Winner plc"]),
        ("− Lost", vec!["Loser GmbH", "Dropped BV"]),
    ] {
        let line = row(&md, label);
        for title in titles {
            assert!(line.contains(title), "{title} not in {line:?}");
        }
    }
    assert!(row(&md, "At the last review").contains("142,500"), "{md}");
    assert!(row(&md, "**Now**").contains("88,500"), "{md}");

    // The events: new deals, stage moves, pushes, amount changes, won and lost.
    for line in [
        "2026-11-09 · Fresh LLC: created",
        "2026-11-12 · Slip AG: close date pushed out: 2026-12-20 → 2027-01-20",
        "2026-11-12 · Pull In SA: close date pulled in: 2027-02-15 → 2026-12-15",
        "2026-11-12 · Shrink Ltd: amount changed: $30,000 → $24,000",
        "2026-11-16 · Winner plc: won (from negotiation)",
        "2026-11-16 · Loser GmbH: lost (from discovery)",
        "2026-11-16 · Dropped BV: deleted",
        "2026-11-23 · Grow Inc: amount changed: $20,000 → $25,000",
    ] {
        assert!(md.contains(line), "{line:?} not in:\n{md}");
    }
    assert!(!md.contains("Steady Co: amount changed"), "{md}");
    assert!(!md.contains("no history"), "{md}");
}

#[test]
fn the_manager_never_sees_a_private_deals_history() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write(
        "deals/secret.md",
        &deal(&[
            ("title", "Secret Project"),
            ("stage", "proposal"),
            ("amount", "5000"),
            ("close_date", "2026-12-15"),
            ("private", "true"),
        ]),
    );
    repo.commit("2026-11-01", "two deals");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-20"),
    )
    .write(
        "deals/secret.md",
        &deal(&[
            ("title", "Secret Project"),
            ("stage", "proposal"),
            ("amount", "5000"),
            ("close_date", "2026-12-31"),
            ("private", "true"),
        ]),
    );
    repo.commit("2026-11-20", "both slip");

    let mine = repo.json(&["prep", "--format", "json"]);
    assert!(of(mine["history"]["events"].as_array().unwrap(), "secret").len() == 1);

    let theirs = repo.json(&["prep", "--format", "json", "--audience", "manager"]);
    let text = theirs.to_string();
    assert!(
        !text.contains("secret") && !text.contains("Secret"),
        "{theirs:#}"
    );
    let w = &theirs["history"]["waterfall"];
    let open =
        number(&theirs["commit"]) + number(&theirs["best_case"]) + number(&theirs["pipeline"]);
    assert_eq!(number(&w["end"]), open, "{w:#}");
    let md = repo.stdout(&["prep", "--audience", "manager"]);
    assert!(!md.contains("Secret"), "{md}");
}

#[test]
fn the_manager_never_sees_a_private_fields_history() {
    let repo = Repo::new();
    repo.write("dealbook.yaml", "private_fields: [amount]\n")
        .write(
            "deals/acme.md",
            &basic("Acme", "proposal", "13579", "2026-12-15"),
        );
    repo.commit("2026-11-01", "acme");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "24680", "2026-12-15"),
    );
    repo.commit("2026-11-20", "acme grows");

    let theirs = repo.json(&["prep", "--format", "json", "--audience", "manager"]);
    let text = theirs.to_string();
    assert!(
        !text.contains("13579") && !text.contains("24680"),
        "{theirs:#}"
    );
    let w = &theirs["history"]["waterfall"];
    let open =
        number(&theirs["commit"]) + number(&theirs["best_case"]) + number(&theirs["pipeline"]);
    assert_eq!(number(&w["end"]), open, "{w:#}");
}

#[test]
fn the_waterfall_agrees_with_the_pipeline_when_a_deal_has_errors() {
    let repo = Repo::new();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write(
        "deals/broken.md",
        &basic("Broken", "proposal", "3000", "2026-12-15"),
    );
    repo.commit("2026-11-01", "two deals");
    repo.write(
        "deals/broken.md",
        &basic("Broken", "bogus", "3000", "2026-12-15"),
    );
    repo.commit("2026-11-20", "a typo in a stage");

    let prep = repo.json(&["prep", "--format", "json"]);
    let w = &prep["history"]["waterfall"];
    let open = number(&prep["commit"]) + number(&prep["best_case"]) + number(&prep["pipeline"]);
    assert_eq!(open, 1000.0);
    assert_eq!(number(&w["end"]), open, "{w:#}");
}

/// `watch` keeps what the commits say between saves and reads them again once the repository
/// moved: a commit made while it runs shows at the next save.
#[test]
fn watch_sees_a_commit_made_while_it_runs() {
    let repo = Repo::new();
    repo.write(
        "dealbook.yaml",
        "outputs: [{ template: stages.md, to: reports/stages.md }]\n",
    )
    .write(
        "templates/stages.md",
        "{% for d in deals %}{{ d.id }} {{ d.stage }} {{ d.days_in_stage }}\n{% endfor %}",
    )
    .write(
        "deals/acme.md",
        &basic("Acme", "demo", "1000", "2026-12-15"),
    );
    repo.commit("2026-10-01", "Acme");

    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"));
    repo.isolate(&mut cmd);
    let mut watch = cmd
        .env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY")
        .arg("--vault")
        .arg(&repo.vault)
        .args(["--as-of", AS_OF, "watch"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start dealbook watch");
    let output = repo.vault.join("reports/stages.md");
    let shows = |expected: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let now = std::fs::read_to_string(&output).unwrap_or_default();
            if now == expected || std::time::Instant::now() > deadline {
                return now;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    // In demo since the first commit, 53 days before AS_OF.
    let first = shows("acme demo 53\n");

    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    repo.commit("2026-11-01", "Acme: proposal");
    // A save after the commit: the stage move now has the commit's date, not today's.
    repo.write(
        "deals/other.md",
        &basic("Other", "demo", "500", "2026-12-20"),
    );
    let after = shows("acme proposal 22\nother demo 0\n");

    let _ = watch.kill();
    let _ = watch.wait();
    assert_eq!(first, "acme demo 53\n");
    assert_eq!(after, "acme proposal 22\nother demo 0\n");
}

// Closing a deal

/// A quarter's pipeline, reviewed on 2026-11-09, then three deals closed on 2026-11-23: one with
/// `close … won`, one with `close … lost --date`, and one with `set stage=closed_lost` whose
/// close date was still in the quarter's future.
fn closed_this_week() -> Repo {
    let repo = Repo::new();
    repo.write(
        "dealbook.yaml",
        "currency: USD\nquota: { 2026-Q4: 100000 }\n",
    )
    .write(
        "deals/winner.md",
        &basic("Winner plc", "negotiation", "40000", "2026-12-20"),
    )
    .write(
        "deals/loser.md",
        &basic("Loser GmbH", "proposal", "8000", "2026-12-12"),
    )
    .write(
        "deals/dropped.md",
        &basic("Dropped BV", "demo", "7000", "2026-12-18"),
    )
    .write(
        "deals/steady.md",
        &basic("Steady Co", "proposal", "10000", "2026-12-10"),
    );
    repo.commit("2026-11-01", "the quarter's deals");
    repo.run_at("2026-11-09", &["review", "mark"]).success();
    repo.run(&[
        "close",
        "winner",
        "won",
        "--reason",
        "Best integration story",
    ])
    .success();
    repo.run(&[
        "close",
        "Loser GmbH",
        "lost",
        "--date",
        "2026-11-20",
        "--reason",
        "Went with the incumbent",
    ])
    .success();
    let said = stdout(&repo.run(&["set", "dropped", "stage=closed_lost"]).success());
    assert!(
        said.contains("close_date set to 2026-11-23 (it was 2026-12-18)"),
        "set says it stamped the close date: {said}"
    );
    repo
}

#[test]
fn close_sets_the_stage_the_close_date_the_reason_and_a_log_entry() {
    let repo = closed_this_week();
    let winner = std::fs::read_to_string(repo.vault.join("deals/winner.md")).unwrap();
    // The stage and close date change in place; the reason is a new key at the end of the
    // front matter; the log keeps its oldest-first order.
    let expected = basic("Winner plc", "closed_won", "40000", "2026-11-23").replacen(
        "---\nContext",
        "win_reason: Best integration story\n---\nContext",
        1,
    ) + "- 2026-11-23: Closed won: Best integration story\n";
    assert_eq!(winner, expected, "only the changed lines differ");

    let loser = std::fs::read_to_string(repo.vault.join("deals/loser.md")).unwrap();
    assert!(loser.contains("stage: closed_lost\n"), "{loser}");
    assert!(
        loser.contains("close_date: 2026-11-20\n"),
        "--date: {loser}"
    );
    assert!(
        loser.contains("loss_reason: Went with the incumbent\n"),
        "{loser}"
    );
    assert!(
        loser.contains("- 2026-11-20: Closed lost: Went with the incumbent\n"),
        "{loser}"
    );
    let dropped = std::fs::read_to_string(repo.vault.join("deals/dropped.md")).unwrap();
    assert!(dropped.contains("close_date: 2026-11-23\n"), "{dropped}");
    repo.run(&["check"]).success();
}

#[test]
fn after_closing_the_win_rate_the_won_and_lost_lists_and_the_waterfall_agree() {
    let repo = closed_this_week();
    let prep = repo.json(&["prep", "--format", "json"]);
    let ids = |list: &Value| -> Vec<String> {
        let mut ids: Vec<String> = list
            .as_array()
            .unwrap_or_else(|| panic!("a list: {list:#}"))
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&prep["changes"]["won"]), ["winner"]);
    assert_eq!(ids(&prep["changes"]["lost"]), ["dropped", "loser"]);
    let w = &prep["history"]["waterfall"];
    assert_eq!(term_ids(w, "won"), ["winner"], "{w:#}");
    let mut lost = term_ids(w, "lost");
    lost.sort();
    assert_eq!(lost, ["dropped", "loser"], "{w:#}");
    assert_eq!(number(&w["lost"]["total"]), 15000.0);

    let conversion = &prep["conversion"];
    assert_eq!(conversion["won_count"], 1, "{conversion:#}");
    assert_eq!(conversion["lost_count"], 2, "{conversion:#}");
    assert_eq!(conversion["win_rate_count"], 0.3333, "{conversion:#}");
    // 40,000 won of 55,000 closed.
    assert_eq!(conversion["win_rate_value"], 0.7273, "{conversion:#}");
    assert_eq!(number(&prep["closed_won"]), 40000.0);

    // The sheet the rep reads says the same, with the reasons.
    let sheet = repo.stdout(&["prep"]);
    assert!(
        sheet.contains("win rate 33% by count, 73% by value"),
        "{sheet}"
    );
    assert!(
        sheet.contains("- Lost: Loser GmbH — closed_lost · $8,000 · closed 2026-11-20 — Went with the incumbent\n"),
        "{sheet}"
    );
    assert!(
        sheet.contains("- Won: Winner plc — closed_won · $40,000 · closed 2026-11-23 — Best integration story\n"),
        "{sheet}"
    );
}

#[test]
fn set_to_a_closed_stage_keeps_a_close_date_given_or_already_past() {
    let repo = Repo::new();
    repo.write("dealbook.yaml", "currency: USD\n")
        .write(
            "deals/given.md",
            &basic("Given", "proposal", "1000", "2027-01-10"),
        )
        .write(
            "deals/past.md",
            &basic("Past", "proposal", "1000", "2026-11-02"),
        )
        .write("deals/undated.md", &deal(&[("stage", "demo")]));
    let quiet = |args: &[&str]| stdout(&repo.run(args).success());
    let said = quiet(&["set", "given", "stage=closed_won", "close_date=2026-11-18"]);
    assert!(!said.contains("close_date set"), "{said}");
    let said = quiet(&["set", "past", "stage=Closed Lost"]);
    assert!(
        !said.contains("close_date set"),
        "already closed before today: {said}"
    );
    let said = quiet(&["set", "undated", "stage=closed_lost"]);
    assert!(
        said.contains("close_date set to 2026-11-23 (it had none)"),
        "{said}"
    );
    let read = |path: &str| std::fs::read_to_string(repo.vault.join(path)).unwrap();
    assert!(read("deals/given.md").contains("close_date: 2026-11-18\n"));
    let past = read("deals/past.md");
    assert!(past.contains("stage: closed_lost\n") && past.contains("close_date: 2026-11-02\n"));
    assert!(read("deals/undated.md").contains("close_date: 2026-11-23\n"));
    // Reopening a deal leaves its close date alone.
    let said = quiet(&["set", "past", "stage=proposal"]);
    assert!(!said.contains("close_date set"), "{said}");
}

#[test]
fn close_refuses_what_is_not_a_deal_and_a_config_without_a_lost_stage() {
    let repo = Repo::new();
    repo.write(
        "dealbook.yaml",
        "stages:\n  - { id: open, probability: 50 }\n  - { id: won, probability: 100, won: true }\n",
    )
    .write("deals/d.md", &deal(&[("stage", "open")]))
    .write("contacts/jane.md", "---\nname: Jane\n---\n");
    let before = std::fs::read_to_string(repo.vault.join("deals/d.md")).unwrap();
    let said = stderr(&repo.run(&["close", "d", "lost"]).code(2));
    assert!(said.contains("no lost stage"), "{said}");
    let said = stderr(&repo.run(&["close", "jane", "won"]).code(2));
    assert!(said.contains("only a deal can be closed"), "{said}");
    assert_eq!(
        std::fs::read_to_string(repo.vault.join("deals/d.md")).unwrap(),
        before
    );
    repo.run(&["close", "d", "won"]).success();
    assert!(std::fs::read_to_string(repo.vault.join("deals/d.md"))
        .unwrap()
        .contains("stage: won\nclose_date: 2026-11-23\n---"));
}

// ---------------------------------------------------------------------------------------------
// Folder moves

/// Acme and Globex in `crm/deals/` (the default `deals`, a folder name found at any depth).
/// Acme moves forward and is pushed; then one commit moves the folder to `crm/opportunities/`,
/// switches the config to that name and renames Globex; after it Acme grows and is pushed again.
/// The commits' ids: the first, the push before the move, the move.
fn moved_folder() -> (Repo, [String; 3]) {
    let repo = Repo::new();
    repo.write("dealbook.yaml", "owner: Sam Rivera\n")
        .write(
            "crm/deals/acme.md",
            &basic("Acme", "discovery", "1000", "2026-11-15"),
        )
        .write(
            "crm/deals/globex.md",
            &basic("Globex", "demo", "2000", "2026-12-10"),
        );
    let created = repo.commit("2026-09-01", "two deals");
    repo.write(
        "crm/deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-11-15"),
    );
    repo.commit("2026-09-10", "acme to proposal");
    repo.write(
        "crm/deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    let pushed = repo.commit("2026-09-20", "acme slips");
    repo.mv("crm/deals", "crm/opportunities").mv(
        "crm/opportunities/globex.md",
        "crm/opportunities/globex-expansion.md",
    );
    repo.write(
        "dealbook.yaml",
        "owner: Sam Rivera\nfolders: { deals: [opportunities] }\n",
    );
    let moved = repo.commit("2026-10-01", "the CRM calls them opportunities");
    repo.write(
        "crm/opportunities/acme.md",
        &basic("Acme", "proposal", "1500", "2027-01-15"),
    );
    repo.commit("2026-10-15", "acme grows and slips again");
    (repo, [created, pushed, moved])
}

#[test]
fn a_moved_folder_keeps_each_deals_history() {
    let (repo, [created, pushed, moved]) = moved_folder();

    let all = repo.events(&[]);
    let ids: BTreeSet<&str> = all.iter().map(|e| e["deal"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        BTreeSet::from(["acme", "globex-expansion"]),
        "{all:#?}"
    );

    let acme = of(&all, "acme");
    assert_eq!(
        changes(&acme),
        [
            change("amount_changed", Some("1000"), Some("1500")),
            change("close_date_pushed", Some("2026-12-15"), Some("2027-01-15")),
            change("close_date_pushed", Some("2026-11-15"), Some("2026-12-15")),
            change("stage_forward", Some("discovery"), Some("proposal")),
            change("forecast_changed", Some("pipeline"), Some("best_case")),
            change("created", None, None),
        ]
    );
    assert_eq!(acme[2]["commit"], short(&pushed));
    assert_eq!(acme[5]["commit"], short(&created));
    assert_eq!(acme[5]["date"], "2026-09-01");
    assert!(
        acme.iter().all(|e| e["commit"] != short(&moved)),
        "the move is no event of acme's: {acme:#?}"
    );

    // Moved and renamed in one commit: the new name is a rename, the history stays.
    let globex = of(&all, "globex-expansion");
    assert_eq!(
        changes(&globex),
        [
            change("renamed", Some("globex"), Some("globex-expansion")),
            change("created", None, None),
        ]
    );
    assert_eq!(globex[0]["commit"], short(&moved));
    assert_eq!(globex[1]["commit"], short(&created));

    let text = repo.stdout(&["history", "acme"]);
    assert!(!text.contains("renamed"), "{text}");
    assert_eq!(text.matches("created").count(), 1, "{text}");

    // The push and the stage move before the move still count.
    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    let acme = deal_in(&pipeline, "acme");
    assert_eq!(acme["push_count"], 2, "{acme:#}");
    assert_eq!(acme["days_in_stage"], 74, "in proposal since 2026-09-10");
    let globex = deal_in(&pipeline, "globex-expansion");
    assert_eq!(globex["push_count"], 0, "{globex:#}");
    assert_eq!(globex["days_in_stage"], 83, "in demo since 2026-09-01");
    let prep = repo.json(&["prep", "--format", "json"]);
    assert_eq!(deal_in(&prep, "acme")["push_count"], 2);
}

#[test]
fn a_move_between_configured_folders_is_no_rename_and_a_move_out_is_a_deletion() {
    let repo = Repo::new();
    repo.write(
        "dealbook.yaml",
        "folders: { deals: [deals, opportunities] }\n",
    )
    .write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-11-15"),
    )
    .write(
        "deals/initech.md",
        &basic("Initech", "demo", "3000", "2026-12-15"),
    );
    repo.commit("2026-09-01", "two deals");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    repo.commit("2026-09-08", "acme slips");

    // Moved, not yet committed.
    for folder in ["opportunities", "archive"] {
        std::fs::create_dir_all(repo.vault.join(folder)).expect("mkdir");
    }
    repo.mv("deals/acme.md", "opportunities/acme.md");
    let acme = repo.events(&["acme"]);
    assert_eq!(
        kinds(&acme.iter().collect::<Vec<_>>()),
        ["close_date_pushed", "created"],
        "{acme:#?}"
    );

    // Committed, with initech moved out of the deals folders.
    repo.mv("deals/initech.md", "archive/initech.md");
    let archived = repo.commit("2026-09-15", "acme to opportunities, initech archived");
    let all = repo.events(&[]);
    assert_eq!(
        kinds(&of(&all, "acme")),
        ["close_date_pushed", "created"],
        "{all:#?}"
    );
    let initech = of(&all, "initech");
    assert_eq!(kinds(&initech), ["deleted", "created"], "{initech:#?}");
    assert_eq!(initech[0]["commit"], short(&archived));

    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme")["push_count"], 1);
    assert!(!has_deal(&pipeline, "initech"));
}

#[test]
fn a_folder_name_configured_at_depth_has_history() {
    let repo = Repo::with_vault_in("team/sam");
    repo.write("dealbook.yaml", "folders: { deals: [opportunities] }\n")
        .write(
            "crm/opportunities/acme.md",
            &basic("Acme", "proposal", "1000", "2026-11-15"),
        )
        // Neither is a deal the vault reads: a hidden folder, and a folder outside the vault.
        .write(
            ".trash/opportunities/old.md",
            &basic("Old", "demo", "500", "2026-10-01"),
        )
        .write_in_repo(
            "crm/opportunities/outside.md",
            &basic("Outside", "demo", "100", "2026-12-01"),
        );
    repo.commit("2026-09-01", "books");
    repo.write(
        "crm/opportunities/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write(
        ".trash/opportunities/old.md",
        &basic("Old", "demo", "500", "2026-11-01"),
    )
    .write_in_repo(
        "crm/opportunities/outside.md",
        &basic("Outside", "demo", "100", "2027-03-01"),
    );
    repo.commit("2026-09-08", "everything slips");

    let events = repo.events(&[]);
    assert_eq!(
        changes(&events.iter().collect::<Vec<_>>()),
        [
            change("close_date_pushed", Some("2026-11-15"), Some("2026-12-15")),
            change("created", None, None),
        ]
    );
    assert!(events.iter().all(|e| e["deal"] == "acme"), "{events:#?}");
    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    assert_eq!(deal_in(&pipeline, "acme")["push_count"], 1);
}

// `review mark` in the weekly flow

#[test]
fn review_mark_fits_the_weekly_flow() {
    let repo = Repo::new();
    repo.write(
        "dealbook.yaml",
        "outputs:\n  - { template: pipeline.md, to: reports/pipeline.md }\n",
    )
    .write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    );
    repo.commit("2026-11-16", "the book");
    repo.run(&["build"]).success();
    repo.commit("2026-11-17", "reports");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "negotiation", "1000", "2026-12-15"),
    );
    repo.commit("2026-11-20", "acme moves to negotiation");
    // The weekly flow: prep written next to the records, the reports rebuilt.
    repo.run(&[
        "prep",
        "-o",
        repo.vault.join("one-on-one.md").to_str().unwrap(),
    ])
    .success();
    repo.run(&["build"]).success();
    assert!(
        !repo.git(&["status", "--porcelain"]).is_empty(),
        "untracked prep, changed reports"
    );
    let said = stdout(&repo.run_at("2026-11-23", &["review", "mark"]).success());
    assert_eq!(said, "tagged review/2026-11-23\n");
    let again = stdout(&repo.run_at("2026-11-23", &["review", "mark"]).success());
    assert!(again.contains("already marked"), "{again}");
    // A record changed and not committed blocks it, and is named.
    repo.write(
        "deals/acme.md",
        &basic("Acme", "negotiation", "2000", "2026-12-15"),
    )
    .write("deals/new.md", &basic("New", "demo", "10", "2026-12-15"));
    let said = stderr(&repo.run_at("2026-11-30", &["review", "mark"]).code(2));
    assert!(
        said.contains("M  deals/acme.md")
            || said.contains(" M deals/acme.md")
            || said.contains("M deals/acme.md"),
        "{said}"
    );
    assert!(said.contains("?? deals/new.md"), "{said}");
    assert!(said.contains("git add -A && git commit"), "{said}");
    assert!(
        !said.contains("one-on-one.md") && !said.contains("reports/"),
        "{said}"
    );
    assert_eq!(repo.tags(), ["review/2026-11-23"]);
}

#[test]
fn review_mark_in_a_vault_that_is_a_subfolder() {
    let repo = Repo::with_vault_in("work/book");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "proposal", "1000", "2026-12-15"),
    )
    .write_in_repo("notes/todo.md", "not the vault\n");
    repo.commit("2026-11-16", "the book");
    repo.write_in_repo("notes/todo.md", "changed, outside the vault\n");
    repo.run(&["review", "mark"]).success();
    repo.write(
        "deals/acme.md",
        &basic("Acme", "demo", "1000", "2026-12-15"),
    );
    let said = stderr(&repo.run_at("2026-11-24", &["review", "mark"]).code(2));
    assert!(
        said.contains("deals/acme.md") && !said.contains("work/book"),
        "vault paths: {said}"
    );
}

// ---------------------------------------------------------------------------------------------
// History at scale: git processes, long histories, watch's incremental reads, any git config

impl Repo {
    /// Commits written with `git fast-import` into this empty repository's `main`, then checked
    /// out: each commit is its day (`YYYY-MM-DD`, noon UTC) and the vault-relative files it
    /// writes. Far quicker than `git commit` for hundreds of commits.
    fn fast_import(&self, commits: &[(String, Vec<(String, String)>)]) {
        let mut stream = Vec::new();
        for (n, (day, files)) in commits.iter().enumerate() {
            let time = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .expect("a day")
                .and_hms_opt(12, 0, 0)
                .expect("noon")
                .and_utc()
                .timestamp();
            let message = format!("commit {n}");
            stream.extend(
                format!(
                    "commit refs/heads/main\ncommitter Sam Rivera <sam@example.com> {time} +0000\ndata {}\n{message}\n",
                    message.len()
                )
                .bytes(),
            );
            for (path, text) in files {
                let in_repo = self
                    .vault
                    .strip_prefix(&self.root)
                    .expect("inside")
                    .join(path);
                stream.extend(
                    format!(
                        "M 100644 inline {}\ndata {}\n{text}\n",
                        in_repo.display(),
                        text.len()
                    )
                    .bytes(),
                );
            }
        }
        let mut cmd = std::process::Command::new("git");
        self.isolate(&mut cmd);
        let mut child = cmd
            .current_dir(&self.root)
            .args(["fast-import", "--quiet"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git fast-import runs");
        std::io::Write::write_all(&mut child.stdin.take().expect("piped"), &stream)
            .expect("feed fast-import");
        assert!(child.wait().expect("fast-import ends").success());
        self.git(&["reset", "-q", "--hard", "main"]);
    }
}

/// A `git` first on `PATH` that writes each of its invocations, one a line, to a file, then runs
/// the real git.
struct GitCalls {
    dir: TempDir,
}

impl GitCalls {
    fn new() -> GitCalls {
        let real = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .map(|dir| dir.join("git"))
            .find(|git| git.is_file())
            .expect("git is on PATH");
        let dir = tempfile::tempdir().expect("a temp folder");
        std::fs::create_dir(dir.path().join("bin")).expect("mkdir bin");
        let script = dir.path().join("bin/git");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\nexec '{}' \"$@\"\n",
                dir.path().join("calls").display(),
                real.display()
            ),
        )
        .expect("write the wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("chmod the wrapper");
        GitCalls { dir }
    }

    /// `PATH` with the wrapper first.
    fn path(&self) -> std::ffi::OsString {
        let mut dirs = vec![self.dir.path().join("bin")];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(dirs).expect("a PATH")
    }

    /// The invocations so far (each git's arguments, space-separated), and forgets them.
    fn take(&self) -> Vec<String> {
        let file = self.dir.path().join("calls");
        let calls = std::fs::read_to_string(&file).unwrap_or_default();
        let _ = std::fs::remove_file(&file);
        calls.lines().map(str::to_string).collect()
    }
}

/// The git subcommand of one logged invocation, after the options before it (`-C DIR`,
/// `-c KEY=VALUE`, `--no-pager`).
fn subcommand(call: &str) -> &str {
    let mut words = call.split(' ');
    while let Some(word) = words.next() {
        match word {
            "-C" | "-c" => {
                words.next();
            }
            "--no-pager" => {}
            other => return other,
        }
    }
    ""
}

fn subcommands(calls: &[String]) -> Vec<&str> {
    calls.iter().map(|call| subcommand(call)).collect()
}

type Change = (String, Option<String>, Option<String>);

/// A commit of `long_history`: its day and the files it writes.
type Scripted = (String, Vec<(String, String)>);

/// One commit adding acme and globex, then `count` commits of acme, each changing its amount
/// (every tenth its stage, every seventh its close date), one a day; with the events expected
/// of acme on each day, oldest first.
fn long_history(count: usize) -> (Vec<Scripted>, Vec<(String, BTreeSet<Change>)>) {
    let stages = ["discovery", "demo", "proposal", "negotiation"];
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a day");
    let day = |n: usize| (start + chrono::Duration::days(n as i64)).to_string();
    let close = |n: usize| (start + chrono::Duration::days(400 + (n / 7) as i64 * 3)).to_string();
    let stage = |n: usize| stages[(n / 10) % stages.len()];
    let amount = |n: usize| (1000 + n).to_string();
    // An explicit forecast, so that a stage move is one event.
    let acme = |n: usize| {
        deal(&[
            ("title", "Acme"),
            ("stage", stage(n)),
            ("amount", &amount(n)),
            ("close_date", &close(n)),
            ("forecast", "pipeline"),
        ])
    };
    let mut commits = vec![(
        day(0),
        vec![
            ("deals/acme.md".to_string(), acme(0)),
            (
                "deals/globex.md".to_string(),
                basic("Globex", "demo", "500", "2026-12-20"),
            ),
        ],
    )];
    let mut expected = vec![(day(0), BTreeSet::from([change("created", None, None)]))];
    for n in 1..=count {
        commits.push((day(n), vec![("deals/acme.md".to_string(), acme(n))]));
        let mut today = BTreeSet::from([change(
            "amount_changed",
            Some(&amount(n - 1)),
            Some(&amount(n)),
        )]);
        if stage(n - 1) != stage(n) {
            let kind = if stage(n) == "discovery" {
                "stage_back"
            } else {
                "stage_forward"
            };
            today.insert(change(kind, Some(stage(n - 1)), Some(stage(n))));
        }
        if close(n - 1) != close(n) {
            today.insert(change(
                "close_date_pushed",
                Some(&close(n - 1)),
                Some(&close(n)),
            ));
        }
        expected.push((day(n), today));
    }
    (commits, expected)
}

/// Events grouped by day, oldest day first (the events come newest first).
fn by_day(events: &[&Value]) -> Vec<(String, BTreeSet<Change>)> {
    let mut days: Vec<(String, BTreeSet<Change>)> = Vec::new();
    for (event, change) in events.iter().zip(changes(events)) {
        let day = event["date"].as_str().expect("a date").to_string();
        match days.last_mut() {
            Some((last, set)) if *last == day => {
                set.insert(change);
            }
            _ => days.push((day, BTreeSet::from([change]))),
        }
    }
    days.reverse();
    days
}

#[test]
fn a_file_with_more_than_500_versions_has_every_one_in_its_history() {
    let repo = Repo::new();
    let (commits, expected) = long_history(620);
    repo.fast_import(&commits);

    let events = repo.events(&[]);
    let acme = of(&events, "acme");
    assert_eq!(by_day(&acme), expected);
    let head = repo.git(&["rev-parse", "HEAD"]);
    assert_eq!(acme[0]["commit"], short(head.trim()));
    assert_eq!(
        changes(&of(&events, "globex")),
        [change("created", None, None)]
    );
    let pipeline = repo.json(&["pipeline", "--format", "json"]);
    let acme = deal_in(&pipeline, "acme");
    assert_eq!(acme["push_count"], 620 / 7, "{acme:#}");
    assert_eq!(number(&acme["amount"]), 1620.0);
}

/// The git processes `dealbook ARGS` starts in `repo`, by subcommand.
fn git_processes(repo: &Repo, calls: &GitCalls, args: &[&str]) -> Vec<String> {
    calls.take();
    repo.dealbook_at(AS_OF, args)
        .env("PATH", calls.path())
        .assert()
        .success();
    subcommands(&calls.take())
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_git_processes_history_starts_do_not_grow_with_the_commits() {
    let calls = GitCalls::new();
    let short = Repo::new();
    short.fast_import(&long_history(3).0);
    let long = Repo::new();
    long.fast_import(&long_history(700).0);

    for args in [&["history"][..], &["prep"], &["pipeline"]] {
        let few = git_processes(&short, &calls, args);
        let many = git_processes(&long, &calls, args);
        assert_eq!(few, many, "{args:?}");
        // One log and one cat-file, however long the history.
        assert_eq!(many.iter().filter(|c| *c == "log").count(), 1, "{many:?}");
        assert_eq!(
            many.iter().filter(|c| *c == "cat-file").count(),
            1,
            "{many:?}"
        );
    }
}

/// A `dealbook watch` in `repo` with its git processes logged by `calls`; ended when dropped.
struct Watching(std::process::Child);

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn watch(repo: &Repo, calls: &GitCalls) -> Watching {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"));
    repo.isolate(&mut cmd);
    let child = cmd
        .env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY")
        .env("PATH", calls.path())
        .arg("--vault")
        .arg(&repo.vault)
        .args(["--as-of", AS_OF, "watch"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start dealbook watch");
    Watching(child)
}

/// Waits (up to 20 s) for `path` to hold `expected`; what it holds then.
fn shows(path: &Path, expected: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let now = std::fs::read_to_string(path).unwrap_or_default();
        if now == expected || std::time::Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The `git log` invocations among `calls`: the range each one read.
fn logged_ranges(calls: &[String]) -> Vec<String> {
    calls
        .iter()
        .filter(|call| subcommand(call) == "log")
        .map(|call| {
            let words: Vec<&str> = call.split(' ').collect();
            let dashes = words.iter().rposition(|w| *w == "--").expect("a --");
            words[dashes - 1].to_string()
        })
        .collect()
}

#[test]
fn watch_reads_only_the_commits_made_since_it_last_read() {
    let calls = GitCalls::new();
    let repo = Repo::new();
    let (mut commits, _) = long_history(300);
    commits[0].1.push((
        "dealbook.yaml".to_string(),
        "outputs: [{ template: stages.md, to: reports/stages.md }]\n".to_string(),
    ));
    commits[0].1.push((
        "templates/stages.md".to_string(),
        "{% for d in deals %}{{ d.id }} {{ d.stage }} {{ d.amount }} {{ d.push_count }}\n{% endfor %}"
            .to_string(),
    ));
    repo.fast_import(&commits);
    let first_head = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let output = repo.vault.join("reports/stages.md");
    let _watch = watch(&repo, &calls);
    // 300 commits in: acme in stage (300 / 10) % 4, pushed 300 / 7 times.
    let at_first = "acme proposal 1300 42\nglobex demo 500 0\n";
    assert_eq!(shows(&output, at_first), at_first);
    assert_eq!(
        logged_ranges(&calls.take()),
        std::slice::from_ref(&first_head)
    );

    // A commit, then a save: only the commit after the one read is logged.
    repo.write(
        "deals/acme.md",
        &basic("Acme", "negotiation", "2000", "2026-12-20"),
    );
    let second_head = repo.commit("2026-11-01", "acme to negotiation");
    calls.take();
    repo.write(
        "deals/initech.md",
        &basic("Initech", "demo", "700", "2027-01-15"),
    );
    let after_commit = "acme negotiation 2000 43\nglobex demo 500 0\ninitech demo 700 0\n";
    assert_eq!(shows(&output, after_commit), after_commit);
    let read = calls.take();
    assert_eq!(
        logged_ranges(&read),
        [format!("{first_head}..{second_head}")],
        "{read:#?}"
    );
    // Each version once: the new one of acme is the one blob asked for.
    assert_eq!(
        subcommands(&read)
            .iter()
            .filter(|c| **c == "cat-file")
            .count(),
        1
    );

    // History rewritten: the amended commit is not on top of the one read, so all is read
    // again, and it says what the amended commit says.
    repo.write(
        "deals/acme.md",
        &basic("Acme", "demo", "2000", "2026-12-20"),
    );
    repo.git(&["add", "deals/acme.md"]);
    repo.git(&["commit", "-q", "--amend", "-m", "acme back in demo"]);
    let amended = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    calls.take();
    repo.write(
        "deals/initech.md",
        &basic("Initech", "demo", "800", "2027-01-15"),
    );
    let after_amend = "acme demo 2000 43\nglobex demo 500 0\ninitech demo 800 0\n";
    assert_eq!(shows(&output, after_amend), after_amend);
    assert_eq!(logged_ranges(&calls.take()), [amended]);
}

#[test]
fn a_hostile_git_config_changes_nothing() {
    let (repo, _) = busy();
    repo.mv("deals/globex.md", "deals/globex-corp.md");
    repo.write(
        "deals/acme.md",
        &basic("Acme", "demo", "1250.5", "2026-12-05"),
    );
    repo.commit("2026-11-02", "globex renamed, acme to demo");
    repo.git(&["tag", "review/2026-10-05"]);
    repo.git(&["tag", "review/2026-11-09"]);
    repo.write(
        "deals/hooli.md",
        &basic("Hooli", "demo", "4500", "2026-12-15"),
    )
    .write(
        "deals/newco.md",
        &basic("Newco", "discovery", "900", "2027-02-01"),
    );
    // What each command printed and how it ended; `review mark` refuses the uncommitted records.
    let outputs = |repo: &Repo| -> Vec<String> {
        [
            &["history"][..],
            &["history", "--format", "json"],
            &["prep"],
            &["pipeline", "--format", "json"],
            &["review", "mark"],
        ]
        .iter()
        .map(|args| {
            let mut cmd = repo.dealbook_at(AS_OF, args);
            cmd.env("LANG", "de_DE.UTF-8").env("LC_ALL", "de_DE.UTF-8");
            let done = cmd.assert();
            format!(
                "{:?}\n{}",
                done.get_output().status.code(),
                everything(&done)
            )
        })
        .collect()
    };
    let plain = outputs(&repo);
    assert!(plain[0].contains("renamed"), "{}", plain[0]);
    assert!(plain[4].contains("hooli.md"), "{}", plain[4]);

    // Everything a user's global config could say that changes what git prints.
    let home = repo.dir.path().join("home");
    std::fs::write(home.join("order"), "deals/h*\ndeals/a*\n").expect("an order file");
    std::fs::write(home.join("attributes"), "*.md diff=shout\n").expect("attributes");
    std::fs::write(
        home.join(".gitconfig"),
        format!(
            "[log]\n\tshowSignature = true\n\tdecorate = full\n\tabbrevCommit = true\n\tfollow = true\n\tdate = relative\n\tshowRoot = false\n\
             [diff]\n\trenames = copies\n\trenameLimit = 1\n\texternal = false\n\tnoprefix = true\n\trelative = true\n\torderFile = {}\n\tmnemonicPrefix = true\n\
             [diff \"shout\"]\n\ttextconv = tr a-z A-Z\n\
             [core]\n\tquotePath = true\n\tabbrev = 12\n\tpager = false\n\tattributesFile = {}\n\
             [color]\n\tui = always\n\
             [pager]\n\tlog = false\n\ttag = false\n\
             [column]\n\tui = always\n\
             [status]\n\tshowUntrackedFiles = no\n\trenames = false\n\
             [format]\n\tpretty = oneline\n\
             [tag]\n\tsort = -refname\n",
            home.join("order").display(),
            home.join("attributes").display()
        ),
    )
    .expect("a global config");
    // The config is read: git itself now prints what the history must not.
    let raw = repo.git(&["log", "-1", "--raw"]);
    assert!(raw.contains("\u{1b}["), "{raw}");
    for (hostile, plain) in outputs(&repo).iter().zip(&plain) {
        assert_eq!(hostile, plain);
    }
    // No mark was made (asked of git in a way no column setting reaches).
    assert_eq!(
        repo.git(&["for-each-ref", "--format=%(refname:short)", "refs/tags/"]),
        "review/2026-10-05\nreview/2026-11-09\n"
    );
}
