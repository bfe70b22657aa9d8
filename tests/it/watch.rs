//! `dealbook watch` end to end: the real binary watching a real folder while the test edits it
//! the way reps, editors and git do. Every wait is a poll bounded at 10 s; a test that fails
//! still kills its `dealbook` (see [`Watch`]'s `Drop`).

use crate::common;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{TestVault, AS_OF};

/// The longest any single wait may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(20);
/// How long the vault must stay quiet before we conclude nothing more will be rebuilt
/// (watch's own settle time is 75 ms).
const QUIET: Duration = Duration::from_secs(1);

/// One line per open deal: id, path, stage, amount.
const LIST: &str =
    "{% for d in deals %}{{ d.id }} {{ d.path }} {{ d.stage }} {{ d.amount }}\n{% endfor %}";
const CONFIG: &str = "outputs: [{ template: list.md, to: reports/out.md }]\n";
const OUT: &str = "reports/out.md";

/// An open deal in the demo stage, closing this quarter.
fn deal(title: &str, amount: u32) -> String {
    format!("---\ntitle: {title}\namount: {amount}\nstage: demo\nclose_date: 2026-12-15\n---\n")
}

/// A vault with the `list.md` template writing `reports/out.md`, and these deals.
fn vault(deals: &[(&str, u32)]) -> TestVault {
    let mut v = TestVault::new()
        .config(CONFIG)
        .file("templates/list.md", LIST);
    for (path, amount) in deals {
        v = v.file(path, deal("Deal", *amount));
    }
    v
}

/// Writes a vault file in place (creating its folders), as a plain `echo > file` would.
fn write(v: &TestVault, path: &str, contents: impl AsRef<[u8]>) {
    let full = v.join(path);
    std::fs::create_dir_all(full.parent().expect("a parent folder")).expect("mkdir");
    std::fs::write(full, contents).expect("write a vault file");
}

fn rename(v: &TestVault, from: &str, to: &str) {
    std::fs::rename(v.join(from), v.join(to))
        .unwrap_or_else(|e| panic!("rename {from} -> {to}: {e}"));
}

/// The text of a vault file, or "" while it does not exist.
fn read(v: &TestVault, path: &str) -> String {
    std::fs::read_to_string(v.join(path)).unwrap_or_default()
}

/// The output's lines, sorted, so assertions do not depend on the template's order.
fn lines(text: &str) -> BTreeSet<String> {
    text.lines().map(str::to_string).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Whether a stderr line is watch's one-line summary of a rebuild (`what: wrote … (N ms)`,
/// `what: no output changed (N ms)` or `what: error: …; keeping the last good outputs`).
fn is_rebuild(line: &str) -> bool {
    line.ends_with(" ms)") || line.ends_with("; keeping the last good outputs")
}

/// What the child printed on stderr so far, collected line by line by a thread.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("the log lock").clone()
    }

    fn text(&self) -> String {
        self.lines().join("\n")
    }

    fn rebuilds(&self) -> usize {
        self.lines().iter().filter(|l| is_rebuild(l)).count()
    }
}

/// A running `dealbook … watch`, killed when dropped so a failing test leaves nothing behind.
struct Watch {
    child: Child,
    log: Log,
    reader: Option<JoinHandle<()>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watch {
    /// `dealbook --vault VAULT --as-of AS_OF watch` from `cwd`, stderr collected into the log.
    fn spawn(vault: &Path, cwd: &Path) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dealbook"))
            .env_remove("DEALBOOK_VAULT")
            .env_remove("DEALBOOK_TODAY")
            .arg("--vault")
            .arg(vault)
            .args(["--as-of", AS_OF, "watch"])
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dealbook");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Log::default();
        let sink = log.clone();
        let reader = thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.0.lock().expect("the log lock").push(line);
            }
        });
        Watch {
            child,
            log,
            reader: Some(reader),
        }
    }

    /// Watches the vault from inside it (so paths print relative) and returns once the first
    /// build is done and `watching …` is printed: the watcher is set up before that build.
    fn start(v: &TestVault) -> Watch {
        let mut watch = Watch::spawn(v.path(), v.path());
        let log = watch.log.clone();
        watch.until(
            || "the first build and `watching …`".into(),
            || {
                log.lines()
                    .iter()
                    .any(|l| l.starts_with("watching "))
                    .then_some(())
            },
        );
        assert!(
            v.join(OUT).is_file(),
            "the first build wrote {OUT}\n{}",
            watch.log.text()
        );
        watch
    }

    /// Polls `probe` every 20 ms until it gives a value; fails after 10 s or if dealbook exits,
    /// saying what it waited for (`what` is only asked when it fails).
    fn until<T>(&mut self, what: impl Fn() -> String, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(value) = probe() {
                return value;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                self.drain();
                if let Some(value) = probe() {
                    return value;
                }
                panic!(
                    "dealbook exited ({status}) while waiting for {}\n--- stderr ---\n{}",
                    what(),
                    self.log.text()
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {}\n--- stderr ---\n{}",
                    what(),
                    self.log.text()
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits until a vault file's text passes `check`, and returns it.
    fn output(&mut self, v: &TestVault, path: &str, check: impl Fn(&str) -> bool) -> String {
        let last = RefCell::new(String::new());
        self.until(
            || format!("{path} to change; last seen:\n{}", last.borrow()),
            || {
                let text = read(v, path);
                if check(&text) {
                    Some(text)
                } else {
                    *last.borrow_mut() = text;
                    None
                }
            },
        )
    }

    /// Waits until the output's lines, in any order, are exactly `expected`.
    fn lines(&mut self, v: &TestVault, expected: &[&str]) -> String {
        let wanted = set(expected);
        self.output(v, OUT, |text| lines(text) == wanted)
    }

    /// Waits until a stderr line passes `check`, and returns it.
    fn line(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let log = self.log.clone();
        self.until(
            || what.to_string(),
            || log.lines().into_iter().find(|l| check(l)),
        )
    }

    /// Waits until at least `count` rebuild lines have been printed.
    fn rebuilds_reach(&mut self, count: usize) {
        let log = self.log.clone();
        self.until(
            || format!("{count} rebuild line(s)"),
            || (log.rebuilds() >= count).then_some(()),
        );
    }

    /// Watches for [`QUIET`] that no rebuild line appears, and returns the count. This is the
    /// one bounded wait for an absence; it returns early as soon as a new line does appear.
    fn quiet(&mut self) -> usize {
        let before = self.log.rebuilds();
        let deadline = Instant::now() + QUIET;
        while Instant::now() < deadline {
            if self.log.rebuilds() != before {
                break;
            }
            thread::sleep(POLL);
        }
        self.log.rebuilds()
    }

    /// Ctrl-C.
    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT failed: {status}");
    }

    /// Waits (10 s at most) for dealbook to exit on its own; then the log is complete.
    fn exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                self.drain();
                return status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "dealbook did not exit within {TIMEOUT:?}\n--- stderr ---\n{}",
                    self.log.text()
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Once dealbook has exited: waits for the reader to take in the last of stderr.
    fn drain(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

// 1
#[test]
fn an_edit_in_place_is_rendered() {
    let v = vault(&[("deals/a.md", 100), ("deals/b.md", 200)]);
    let mut w = Watch::start(&v);
    w.lines(&v, &["a deals/a.md demo 100", "b deals/b.md demo 200"]);

    write(&v, "deals/a.md", deal("A", 150));
    w.lines(&v, &["a deals/a.md demo 150", "b deals/b.md demo 200"]);
    w.line("a rebuild line naming deals/a.md", |l| {
        l.starts_with("deals/a.md: wrote ") && l.ends_with(" ms)")
    });
}

// 2
#[test]
fn rename_over_saves_of_editors_are_rendered() {
    let v = vault(&[("deals/a.md", 100), ("deals/b.md", 200)]);
    let mut w = Watch::start(&v);
    // Every version of the output seen along the way, not just the last one.
    let seen = RefCell::new(BTreeSet::new());
    // (where the new text is written first, where the original is moved aside to)
    let saves = [
        ("deals/.a.md.swp", "deals/a.md~"),
        ("deals/a.md.tmp", "deals/a.md~"),
        ("deals/4913", "deals/a.md~"),
        ("deals/a.md___jb_tmp___", "deals/a.md___jb_old___"),
    ];
    for (n, (temp, backup)) in saves.into_iter().enumerate() {
        let amount = 1000 + n as u32;
        write(&v, temp, deal("A", amount));
        rename(&v, "deals/a.md", backup);
        rename(&v, temp, "deals/a.md");
        std::fs::remove_file(v.join(backup)).expect("delete the backup");

        let wanted = set(&[
            &format!("a deals/a.md demo {amount}"),
            "b deals/b.md demo 200",
        ]);
        w.until(
            || {
                format!(
                    "a save via {temp} to show {wanted:?}; seen {:#?}",
                    seen.borrow()
                )
            },
            || {
                let text = read(&v, OUT);
                seen.borrow_mut().insert(text.clone());
                (lines(&text) == wanted).then_some(())
            },
        );
    }
    for text in seen.borrow().iter() {
        for leftover in ["swp", "~", ".tmp", "4913", "jb_"] {
            assert!(
                !text.contains(leftover),
                "an editor's temp file shows up as a deal: {text}"
            );
        }
    }
    // (The `watching …` line names the vault's temp folder, whose name may contain `.tmp`.)
    let lines = w.log.lines();
    for line in lines.iter().filter(|l| !l.starts_with("watching ")) {
        for leftover in ["swp", "~", ".tmp", "4913", "jb_"] {
            assert!(
                !line.contains(leftover),
                "temp files are not reported as changes:\n{}",
                lines.join("\n")
            );
        }
    }
}

// 3
#[test]
fn new_deals_appear_and_deleted_deals_disappear() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);

    write(&v, "deals/b.md", deal("B", 200));
    w.lines(&v, &["a deals/a.md demo 100", "b deals/b.md demo 200"]);

    std::fs::remove_file(v.join("deals/a.md")).expect("delete a deal");
    w.lines(&v, &["b deals/b.md demo 200"]);
}

// 4
#[test]
fn deals_moved_into_subfolders_and_folders_moved_in_are_read() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);

    std::fs::create_dir(v.join("deals/sub")).expect("mkdir");
    rename(&v, "deals/a.md", "deals/sub/a.md");
    w.lines(&v, &["a deals/sub/a.md demo 100"]);

    let outside = tempfile::tempdir().expect("a temp folder outside the vault");
    let folder = outside.path().join("x");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("b.md"), deal("B", 200)).expect("write");
    std::fs::write(folder.join("c.md"), deal("C", 300)).expect("write");
    std::fs::rename(&folder, v.join("deals/x")).expect("move the folder into the vault");
    w.lines(
        &v,
        &[
            "a deals/sub/a.md demo 100",
            "b deals/x/b.md demo 200",
            "c deals/x/c.md demo 300",
        ],
    );

    // A file created in the folder that was moved in is seen too (it is being watched).
    write(&v, "deals/x/d.md", deal("D", 400));
    w.lines(
        &v,
        &[
            "a deals/sub/a.md demo 100",
            "b deals/x/b.md demo 200",
            "c deals/x/c.md demo 300",
            "d deals/x/d.md demo 400",
        ],
    );
}

// 4b
#[test]
fn folders_moved_out_of_the_vault_take_their_deals_along() {
    let v = vault(&[("deals/a.md", 100), ("deals/old/b.md", 200)]);
    let mut w = Watch::start(&v);
    w.lines(&v, &["a deals/a.md demo 100", "b deals/old/b.md demo 200"]);

    let outside = tempfile::tempdir().expect("a temp folder outside the vault");
    std::fs::rename(v.join("deals/old"), outside.path().join("old"))
        .expect("move the folder out of the vault");
    w.lines(&v, &["a deals/a.md demo 100"]);
}

// 4c
#[test]
fn folders_with_a_dot_in_their_name_moved_in_are_read() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);

    let outside = tempfile::tempdir().expect("a temp folder outside the vault");
    let folder = outside.path().join("acme.com");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("b.md"), deal("B", 200)).expect("write");
    std::fs::rename(&folder, v.join("deals/acme.com")).expect("move the folder into the vault");
    w.lines(
        &v,
        &["a deals/a.md demo 100", "b deals/acme.com/b.md demo 200"],
    );
}

// 5
#[test]
fn broken_front_matter_is_reported_and_left_out_until_fixed() {
    let v = vault(&[("deals/a.md", 100), ("deals/b.md", 200)]);
    let mut w = Watch::start(&v);

    write(&v, "deals/a.md", "---\ntitle: A\namount: [\n---\n");
    let diagnostic = w.line("a yaml_syntax diagnostic for deals/a.md", |l| {
        l.starts_with("deals/a.md:") && l.contains("[yaml_syntax]")
    });
    assert!(
        diagnostic.contains(": error: "),
        "the diagnostic is an error in path:line:col form: {diagnostic}"
    );
    let position = diagnostic["deals/a.md:".len()..]
        .split(": error")
        .next()
        .unwrap_or_default();
    assert!(
        position
            .split(':')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && position.split(':').count() == 2,
        "line:col after the path: {diagnostic}"
    );
    w.lines(&v, &["b deals/b.md demo 200"]);
    // The rebuild line says the outputs are incomplete, and watching goes on.
    w.line("the not-counted note", |l| {
        is_rebuild(l) && l.contains("some deals are not counted")
    });

    write(&v, "deals/a.md", deal("A", 175));
    w.lines(&v, &["a deals/a.md demo 175", "b deals/b.md demo 200"]);
}

// 6
#[test]
fn config_changes_reload_everything() {
    let v = vault(&[("deals/a.md", 100)]).file(
        "templates/prob.md",
        "{% for d in deals %}{{ d.id }} {{ d.probability }}\n{% endfor %}",
    );
    let mut w = Watch::start(&v);
    assert!(!v.join("reports/second.md").exists());

    write(
        &v,
        "dealbook.yaml",
        "outputs:\n  - { template: list.md, to: reports/out.md }\n  - { template: prob.md, to: reports/second.md }\n",
    );
    let second = w.output(&v, "reports/second.md", |t| !t.is_empty());
    assert_eq!(second, "a 40\n", "the default demo probability");

    let stages = [
        ("prospecting", "10", ""),
        ("discovery", "20", ""),
        ("demo", "55", ""),
        ("proposal", "60", ""),
        ("negotiation", "80", ""),
        ("closed_won", "100", ", won: true"),
        ("closed_lost", "0", ", lost: true"),
    ]
    .iter()
    .map(|(id, p, extra)| format!("  - {{ id: {id}, probability: {p}{extra} }}\n"))
    .collect::<String>();
    write(
        &v,
        "dealbook.yaml",
        format!(
            "outputs:\n  - {{ template: list.md, to: reports/out.md }}\n  - {{ template: prob.md, to: reports/second.md }}\nstages:\n{stages}"
        ),
    );
    w.output(&v, "reports/second.md", |t| t == "a 55\n");
    assert_eq!(lines(&read(&v, OUT)), set(&["a deals/a.md demo 100"]));
}

// 7
#[test]
fn template_changes_re_render() {
    let v = vault(&[("deals/a.md", 100), ("deals/b.md", 200)]);
    let mut w = Watch::start(&v);

    write(
        &v,
        "templates/list.md",
        "{% for d in deals %}deal={{ d.id }}\n{% endfor %}",
    );
    w.lines(&v, &["deal=a", "deal=b"]);
}

// 8
#[test]
fn writes_to_outputs_and_our_own_writes_trigger_no_rebuild() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);

    // The first build's own writes (reports/, a temp file, the rename) rebuild nothing.
    assert_eq!(w.quiet(), 1, "only the start build:\n{}", w.log.text());

    // Writing to the output by hand, in place and by rename, rebuilds nothing either.
    write(&v, OUT, "edited by hand\n");
    write(&v, "reports/out.md.tmp", "saved by an editor\n");
    rename(&v, "reports/out.md.tmp", OUT);
    assert_eq!(
        w.quiet(),
        1,
        "a write to an output is not a change to the vault:\n{}",
        w.log.text()
    );
    assert_eq!(read(&v, OUT), "saved by an editor\n", "left as written");

    // One change, one rebuild: the rebuild's own write of reports/out.md is not a change.
    write(&v, "deals/a.md", deal("A", 300));
    w.rebuilds_reach(2);
    w.lines(&v, &["a deals/a.md demo 300"]);
    assert_eq!(
        w.quiet(),
        2,
        "exactly one rebuild for one change:\n{}",
        w.log.text()
    );
}

// 8b
#[test]
fn our_own_writes_to_a_nested_output_folder_trigger_no_rebuild() {
    let v = TestVault::new()
        .config("outputs: [{ template: list.md, to: reports/weekly/out.md }]\n")
        .file("templates/list.md", LIST)
        .file("deals/a.md", deal("A", 100));
    let mut w = Watch::spawn(v.path(), v.path());
    w.rebuilds_reach(1);
    w.output(&v, "reports/weekly/out.md", |t| {
        t == "a deals/a.md demo 100\n"
    });
    assert_eq!(
        w.quiet(),
        1,
        "only the start build, no rebuild for our own reports/ folder:\n{}",
        w.log.text()
    );
}

// 8c
#[test]
fn outputs_given_with_a_leading_dot_slash_trigger_no_rebuild() {
    let v = TestVault::new()
        .config("outputs: [{ template: list.md, to: ./reports/out.md }]\n")
        .file("templates/list.md", LIST)
        .file("deals/a.md", deal("A", 100));
    let mut w = Watch::start(&v);
    assert_eq!(
        w.quiet(),
        1,
        "only the start build, no rebuild for our own write:\n{}",
        w.log.text()
    );
    write(&v, OUT, "edited by hand\n");
    assert_eq!(
        w.quiet(),
        1,
        "a write to an output is not a change to the vault:\n{}",
        w.log.text()
    );
    assert_eq!(read(&v, OUT), "edited by hand\n", "left as written");
}

// 9
#[test]
fn a_burst_of_files_settles_into_few_rebuilds() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);
    let before = w.log.rebuilds();

    // Like a `git checkout`: 300 files as fast as we can write them.
    let started = Instant::now();
    for n in 0..300 {
        write(&v, &format!("deals/d{n:03}.md"), deal("D", 1000 + n));
    }
    let writing = started.elapsed();
    let text = w.output(&v, OUT, |t| t.lines().count() == 301);
    for n in 0..300u32 {
        let line = format!("d{n:03} deals/d{n:03}.md demo {}", 1000 + n);
        assert!(lines(&text).contains(&line), "{line} is listed");
    }
    let after = w.quiet();
    let rebuilds = after - before;
    eprintln!("300 files written in {writing:?}: {rebuilds} rebuild(s)");
    assert!(
        (1..20).contains(&rebuilds),
        "{rebuilds} rebuilds for one burst of 300 files (written in {writing:?}):\n{}",
        w.log.text()
    );
}

// 9b
#[test]
fn a_steady_burst_settles_into_few_rebuilds() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);
    let before = w.log.rebuilds();

    // A slower checkout (or a sync tool): a file every 2 ms, so the vault is never quiet for
    // anything near 75 ms until the last one is written.
    let started = Instant::now();
    for n in 0..300 {
        write(&v, &format!("deals/d{n:03}.md"), deal("D", 1000 + n));
        thread::sleep(Duration::from_millis(2));
    }
    let writing = started.elapsed();
    w.output(&v, OUT, |t| t.lines().count() == 301);
    let rebuilds = w.quiet() - before;
    assert!(
        (1..20).contains(&rebuilds),
        "{rebuilds} rebuilds for one burst of 300 files (written in {writing:?}, never 75 ms apart):\n{}",
        w.log.text()
    );
}

// 10
#[test]
fn ctrl_c_stops_watching_with_status_0() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);
    w.interrupt();
    let status = w.exit();
    assert_eq!(status.code(), Some(0), "{}", w.log.text());
    assert!(
        w.log.lines().iter().any(|l| l == "stopped watching"),
        "{}",
        w.log.text()
    );
}

// 10b
#[test]
fn ctrl_c_right_after_a_change_still_exits_with_status_0() {
    let v = vault(&[("deals/a.md", 100)]);
    let mut w = Watch::start(&v);
    write(&v, "deals/a.md", deal("A", 200));
    w.interrupt();
    let status = w.exit();
    assert_eq!(status.code(), Some(0), "{}", w.log.text());
}

// 11
#[test]
fn a_vault_without_outputs_is_a_usage_error() {
    let v = TestVault::new()
        .config("owner: Sam Rivera\n")
        .file("deals/a.md", deal("A", 100));
    let mut w = Watch::spawn(v.path(), v.path());
    let status = w.exit();
    assert_eq!(status.code(), Some(2), "{}", w.log.text());
    let text = w.log.text();
    assert!(
        text.contains("error: ") && text.contains("no `outputs:`"),
        "says what is missing: {text}"
    );
    assert!(!v.join("reports").exists(), "nothing was written");
}

// 11b
#[test]
fn a_missing_vault_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let missing: PathBuf = dir.path().join("no-such-vault");
    let mut w = Watch::spawn(&missing, dir.path());
    let status = w.exit();
    assert_eq!(status.code(), Some(2), "{}", w.log.text());
    let text = w.log.text();
    assert!(
        text.contains("no-such-vault") && text.contains("does not exist"),
        "names the folder: {text}"
    );
}
