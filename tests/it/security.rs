//! Hostile input and safe writes: a vault someone hands over, or a config that names the wrong
//! file, must never make dealbook write outside the vault or over a record, read outside it,
//! hang on a FIFO or a device, run away on a template, print escape sequences, or lose what
//! another program wrote to a record at the same moment.
//!
//! Every command that could hang runs under a time limit ([`run_within`]); tests that need a
//! program the machine may lack (`git`, `mkfifo`) skip with a printed reason, except
//! under `CI=true`, where they fail.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{symlink, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tempfile::TempDir;

use common::{have, json, md, stderr, stdout, TestVault, AS_OF, CLEAN_DEAL};

/// The longest a command that must "end promptly" may take: generous for a debug build on a
/// busy two-core machine, where each of these takes well under a second.
const PROMPTLY: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------------------------
// Helpers

/// A deal with a title, an amount and a stage, closing this quarter.
fn deal(title: &str, amount: &str) -> String {
    md(&[
        "---",
        &format!("title: {title}"),
        &format!("amount: {amount}"),
        "stage: demo",
        "close_date: 2026-12-15",
        "next_step: Call back",
        "next_step_date: 2026-11-25",
        "---",
        "## Log",
        "- 2026-11-20: First call.",
    ])
}

/// `dealbook --vault VAULT --as-of AS_OF`, run in the vault (so paths print as the rep types
/// them), for commands that are spawned and timed.
fn bin(vault: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dealbook"));
    cmd.current_dir(vault)
        .env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY")
        .arg("--vault")
        .arg(vault)
        .args(["--as-of", AS_OF]);
    cmd
}

/// How a timed command ended.
struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

/// Runs `cmd` and fails the test if it has not exited within `limit` (it is killed first, so
/// a hang leaves nothing behind).
fn run_within(limit: Duration, mut cmd: Command) -> Ran {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start the command");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped")));
    let err = drain(Box::new(child.stderr.take().expect("piped")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the command") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} had not ended after {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    Ran {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Every dealbook temp file (`.dealbook-*.tmp`) anywhere under `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            name.starts_with(".dealbook-") && name.ends_with(".tmp")
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

// ---------------------------------------------------------------------------------------------
// 1. Outputs refused when the config is read

/// A vault with two deals, a template, and `outputs:` whose second entry (line 5) writes
/// `to`. The first output is fine.
fn vault_with_output(to: &str) -> TestVault {
    TestVault::new()
        .config(&md(&[
            "outputs:",
            "  - template: pipeline.md",
            "    to: reports/pipeline.md",
            "  - template: pipeline.md",
            &format!("    to: {to}"),
        ]))
        .file("deals/a.md", deal("Alpha", "1000"))
        .file("deals/b.md", deal("Beta", "2000"))
        .file("templates/x.md", "a template of the rep's own\n")
}

/// `check` and `build` both stop at the config with exactly one problem, at line 5, column 9
/// (the bad `to:` value), saying `why`; nothing is built; the deals are intact and, once the
/// output is taken out, read as before.
fn assert_output_refused(v: &TestVault, to: &str, why: &str) {
    let config = read(v.join("dealbook.yaml"));
    let deals = (read(v.join("deals/a.md")), read(v.join("deals/b.md")));
    let template = read(v.join("templates/x.md"));
    let expected = format!("dealbook.yaml:5:9: error: `outputs[1].to` `{to}` {why} [bad_config]\n");

    let check = v.cmd_inside(&["check"]).code(1);
    assert_eq!(stdout(&check), expected);
    let build = v.cmd_inside(&["build"]).code(1);
    assert_eq!(stderr(&build), expected);
    assert_eq!(stdout(&build), "");

    assert!(!v.join("reports").exists(), "nothing is built");
    assert_eq!(read(v.join("dealbook.yaml")), config);
    assert_eq!(
        (read(v.join("deals/a.md")), read(v.join("deals/b.md"))),
        deals
    );
    assert_eq!(read(v.join("templates/x.md")), template);

    // The records were never in danger: without the bad output they are read as before.
    std::fs::write(
        v.join("dealbook.yaml"),
        "outputs: [{ template: pipeline.md, to: reports/pipeline.md }]\n",
    )
    .expect("fix the config");
    assert_eq!(v.deal_ids(None), ["a", "b"]);
}

#[test]
fn an_output_that_climbs_out_of_the_vault_is_refused() {
    let v = TestVault::new();
    // A name of its own beside the vault, so the test can tell it was never created.
    let name = format!(
        "{}-escaped.md",
        v.path().file_name().unwrap().to_string_lossy()
    );
    let to = format!("../{name}");
    let v = vault_with_output(&to);
    let escaped = v.path().parent().unwrap().join(&name);
    assert_output_refused(
        &v,
        &to,
        "leaves the vault; write a path inside it, like reports/pipeline.md",
    );
    assert!(!escaped.exists());
}

#[test]
fn an_absolute_output_is_refused() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let target = outside.path().join("pipeline.md");
    let to = target.to_string_lossy().into_owned();
    let v = vault_with_output(&to);
    assert_output_refused(
        &v,
        &to,
        "is outside the vault; write a path inside it, like reports/pipeline.md",
    );
    assert!(names(outside.path()).is_empty());
}

#[test]
fn an_output_in_a_records_folder_is_refused() {
    let v = vault_with_output("deals/b.md");
    assert_output_refused(
        &v,
        "deals/b.md",
        "is in a folder of deals, where a report would be read as a record; write it elsewhere, like reports/",
    );
}

#[test]
fn an_output_onto_the_config_is_refused() {
    let v = vault_with_output("dealbook.yaml");
    assert_output_refused(&v, "dealbook.yaml", "would overwrite the config itself");
}

#[test]
fn an_output_onto_a_template_is_refused() {
    let v = vault_with_output("templates/x.md");
    assert_output_refused(
        &v,
        "templates/x.md",
        "would overwrite the vault's templates",
    );
}

#[test]
fn an_output_into_dot_git_is_refused() {
    let v = vault_with_output(".git/x").file(".git/HEAD", "ref: refs/heads/main\n");
    assert_output_refused(
        &v,
        ".git/x",
        "is a hidden file or inside a hidden folder (like .git); write a path like reports/pipeline.md",
    );
    assert_eq!(names(&v.join(".git")), ["HEAD"]);
}

#[test]
fn a_hidden_output_is_refused() {
    let v = vault_with_output(".hidden.md");
    assert_output_refused(
        &v,
        ".hidden.md",
        "is a hidden file or inside a hidden folder (like .git); write a path like reports/pipeline.md",
    );
    assert!(!v.join(".hidden.md").exists());
}

#[test]
fn two_outputs_writing_the_same_file_are_refused() {
    let v = vault_with_output("reports/pipeline.md");
    assert_output_refused(
        &v,
        "reports/pipeline.md",
        "is written by an output above already",
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Outputs that would escape through links, checked when they are written

const ONE_OUTPUT: &str = "outputs: [{ template: pipeline.md, to: reports/x.md }]\n";

#[test]
fn build_refuses_a_reports_folder_that_links_out_of_the_vault() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let v = TestVault::new()
        .config(ONE_OUTPUT)
        .file("deals/a.md", deal("Alpha", "1000"));
    symlink(outside.path(), v.join("reports")).expect("symlink");

    let build = v.cmd(&["build"]).code(1);
    let said = stderr(&build);
    assert!(
        said.starts_with(
            "error: cannot write reports/x.md: reports/x.md leads outside the vault (to "
        ),
        "{said}"
    );
    assert!(said.contains("nothing was written"), "{said}");
    assert!(names(outside.path()).is_empty(), "nothing written outside");
}

#[test]
fn builds_refusal_gives_its_reason_once() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let v = TestVault::new()
        .config(ONE_OUTPUT)
        .file("deals/a.md", deal("Alpha", "1000"));
    symlink(outside.path(), v.join("reports")).expect("symlink");
    let said = stderr(&v.cmd(&["build"]).code(1));
    assert_eq!(said.matches("leads outside the vault").count(), 1, "{said}");
}

#[test]
fn build_refuses_an_output_that_links_to_a_record() {
    let v = TestVault::new()
        .config(ONE_OUTPUT)
        .file("deals/a.md", deal("Alpha", "1000"));
    std::fs::create_dir(v.join("reports")).expect("mkdir");
    symlink("../deals/a.md", v.join("reports/x.md")).expect("symlink");

    let said = stderr(&v.cmd(&["build"]).code(1));
    assert!(
        said.starts_with("error: cannot write reports/x.md: `deals/a.md` is in a folder of deals"),
        "{said}"
    );
    assert!(said.contains("nothing was written"), "{said}");
    assert_eq!(read(v.join("deals/a.md")), deal("Alpha", "1000"));
    assert!(std::fs::symlink_metadata(v.join("reports/x.md"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn build_refuses_an_output_file_that_holds_a_record() {
    let record = md(&["---", "type: deal", "title: Kept", "stage: demo", "---"]);
    let v = TestVault::new()
        .config(ONE_OUTPUT)
        .file("deals/a.md", deal("Alpha", "1000"))
        .file("reports/x.md", &record);

    let said = stderr(&v.cmd(&["build"]).code(1));
    assert!(
        said.starts_with(
            "error: cannot write reports/x.md: reports/x.md holds a record, which a report must not overwrite; nothing was written"
        ),
        "{said}"
    );
    assert_eq!(read(v.join("reports/x.md")), record);
}

/// `pipeline -o PATH`, run inside the vault, is refused with `why` and the file is unchanged.
fn assert_chosen_output_refused(v: &TestVault, path: &str, why: &str) {
    let before = read(v.join(path));
    let refused = v.cmd_inside(&["pipeline", "-o", path]).code(1);
    assert_eq!(
        stderr(&refused),
        format!(
            "error: cannot write {path}: dealbook will not write over {path}: {why}; nothing was written\n"
        )
    );
    assert_eq!(stdout(&refused), "");
    assert_eq!(read(v.join(path)), before);
    assert!(temp_files(v.path()).is_empty());
}

fn vault_for_chosen_output() -> TestVault {
    TestVault::new()
        .config("currency: USD\n")
        .file("deals/a.md", deal("Alpha", "1000"))
        .file("templates/prep.md", "the rep's own prep sheet\n")
}

#[test]
fn pipeline_output_onto_a_record_is_refused() {
    let v = vault_for_chosen_output();
    assert_chosen_output_refused(&v, "deals/a.md", "it is one of the vault's records");
}

#[test]
fn pipeline_output_onto_the_config_is_refused() {
    let v = vault_for_chosen_output();
    assert_chosen_output_refused(&v, "dealbook.yaml", "it is the vault's config");
}

#[test]
fn pipeline_output_onto_a_template_is_refused() {
    let v = vault_for_chosen_output();
    assert_chosen_output_refused(
        &v,
        "templates/prep.md",
        "it is one of the vault's templates",
    );
}

#[test]
fn pipeline_output_through_a_link_to_a_record_is_refused() {
    let v = vault_for_chosen_output();
    std::fs::create_dir(v.join("notes")).expect("mkdir");
    symlink("../deals/a.md", v.join("notes/link.md")).expect("symlink");
    let refused = v.cmd_inside(&["pipeline", "-o", "notes/link.md"]).code(1);
    assert!(
        stderr(&refused)
            .contains("dealbook will not write over deals/a.md: it is one of the vault's records"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(read(v.join("deals/a.md")), deal("Alpha", "1000"));
}

#[test]
fn pipeline_output_to_a_new_file_outside_the_vault_works() {
    let v = vault_for_chosen_output();
    let outside = tempfile::tempdir().expect("a temp folder");
    let target = outside.path().join("pipeline.md");
    let done = v
        .cmd(&["pipeline", "-o", target.to_str().unwrap()])
        .success();
    assert_eq!(stdout(&done), "");
    let text = read(&target);
    assert!(text.starts_with("# Pipeline — 2026-Q4\n"), "{text}");
    assert!(text.contains("Alpha"), "{text}");
    assert_eq!(names(outside.path()), ["pipeline.md"], "no temp file left");
}

// ---------------------------------------------------------------------------------------------
// 3. A vault someone hands over

#[test]
fn a_template_linking_out_of_the_vault_is_not_read() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:TOP-SECRET-LINE:0:0\n").expect("write");
    let v = TestVault::new().file("deals/a.md", deal("Alpha", "1000"));
    std::fs::create_dir(v.join("templates")).expect("mkdir");
    symlink(&secret, v.join("templates/passwd.md")).expect("symlink");

    let ran = run_within(PROMPTLY, {
        let mut cmd = bin(v.path());
        cmd.args(["render", "passwd.md"]);
        cmd
    });
    assert_eq!(ran.code(), Some(1));
    assert_eq!(ran.stdout, "");
    assert_eq!(
        ran.stderr,
        "error: template passwd.md: invalid operation: cannot read templates/passwd.md: it leads outside the vault's templates folder\n"
    );
    assert!(!(ran.stdout + &ran.stderr).contains("TOP-SECRET"));
}

#[test]
fn a_template_name_that_climbs_out_finds_nothing() {
    let v = TestVault::new()
        .file("deals/a.md", deal("Alpha", "1000"))
        .file("secret.md", "TOP-SECRET-LINE\n")
        .file("templates/ok.md", "fine\n");
    for name in ["../secret.md", "/etc/passwd", ".hidden.md"] {
        let failed = v.cmd(&["render", name]).code(1);
        let said = stderr(&failed);
        assert!(
            said.starts_with(&format!(
                "error: template {name}: no such template in the vault's templates/ folder"
            )),
            "{name}: {said}"
        );
        assert!(!stdout(&failed).contains("TOP-SECRET"), "{name}");
    }
}

#[test]
fn links_to_root_and_etc_are_skipped_quickly_and_the_rest_is_read() {
    let v = TestVault::new().file("deals/acme.md", CLEAN_DEAL);
    symlink("/", v.join("deals/root")).expect("symlink");
    symlink("/etc", v.join("deals/etc")).expect("symlink");

    let ran = run_within(PROMPTLY, {
        let mut cmd = bin(v.path());
        cmd.args(["check", "--format", "json"]);
        cmd
    });
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    let found: Vec<Value> = serde_json::from_str(&ran.stdout).expect("JSON");
    let outside: Vec<(&str, &str)> = found
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outside,
        [
            ("deals/etc", "symlink_outside"),
            ("deals/root", "symlink_outside")
        ]
    );
    assert!(found[0]["message"]
        .as_str()
        .unwrap()
        .contains("points outside the vault (to /etc)"));
    assert_eq!(v.deal_ids(None), ["acme"]);
}

#[test]
fn links_inside_the_vault_are_followed() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file("shared/globex.md", deal("Globex", "2000"))
        .file("archive/initech.md", deal("Initech", "3000"))
        .file(".git/HEAD", "ref: refs/heads/main\n");
    symlink("../shared/globex.md", v.join("deals/globex.md")).expect("symlink");
    symlink("../archive", v.join("deals/archive")).expect("symlink");
    // A link into a hidden folder (.git) counts as outside.
    symlink("../.git", v.join("deals/git")).expect("symlink");

    assert_eq!(v.deal_ids(None), ["acme", "globex", "initech"]);
    assert_eq!(
        v.codes("deals/git"),
        [common::at("symlink_outside", 1, 1)],
        "a link into .git is not followed"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. FIFOs and devices

/// `check` ends within the limit with exit 1 and one problem: dealbook.yaml cannot be read.
fn assert_config_unreadable(v: &TestVault) {
    let ran = run_within(PROMPTLY, {
        let mut cmd = bin(v.path());
        cmd.arg("check");
        cmd
    });
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        "dealbook.yaml:1:1: error: cannot be read: it is not a regular file [unreadable]\n"
    );
}

#[test]
fn a_fifo_config_is_refused_at_once() {
    if !have("mkfifo") {
        return;
    }
    let v = TestVault::new().file("deals/a.md", deal("Alpha", "1000"));
    mkfifo(&v.join("dealbook.yaml"));
    assert_config_unreadable(&v);
}

#[test]
fn a_config_linked_to_dev_zero_is_refused_at_once() {
    let v = TestVault::new().file("deals/a.md", deal("Alpha", "1000"));
    symlink("/dev/zero", v.join("dealbook.yaml")).expect("symlink");
    assert_config_unreadable(&v);
}

#[test]
fn a_fifo_among_the_deals_is_skipped() {
    if !have("mkfifo") {
        return;
    }
    let v = TestVault::new().file("deals/a.md", deal("Alpha", "1000"));
    mkfifo(&v.join("deals/pipe.md"));
    let ran = run_within(PROMPTLY, {
        let mut cmd = bin(v.path());
        cmd.args(["list", "deals", "--format", "json"]);
        cmd
    });
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    let rows: Vec<Value> = serde_json::from_str(&ran.stdout).expect("JSON");
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a"]);
}

#[test]
fn a_fifo_template_is_refused_at_once() {
    if !have("mkfifo") {
        return;
    }
    let v = TestVault::new().file("deals/a.md", deal("Alpha", "1000"));
    std::fs::create_dir(v.join("templates")).expect("mkdir");
    mkfifo(&v.join("templates/x.md"));
    let ran = run_within(PROMPTLY, {
        let mut cmd = bin(v.path());
        cmd.args(["render", "x.md"]);
        cmd
    });
    assert_eq!(ran.code(), Some(1));
    assert_eq!(ran.stdout, "");
    assert_eq!(
        ran.stderr,
        "error: template x.md: invalid operation: cannot read templates/x.md: it is not a regular file\n"
    );
}

/// Lines a child prints on stderr, collected by a thread.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<String>>>);

impl Lines {
    fn collect(&self, pipe: impl Read + Send + 'static) -> thread::JoinHandle<()> {
        let sink = self.clone();
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                sink.0.lock().unwrap().push(line);
            }
        })
    }

    fn text(&self) -> String {
        self.0.lock().unwrap().join("\n")
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) {
        let started = Instant::now();
        while !self.0.lock().unwrap().iter().any(|l| pred(l)) {
            assert!(
                started.elapsed() < PROMPTLY,
                "no {what} after {PROMPTLY:?}; stderr so far:\n{}",
                self.text()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn watch_with_a_fifo_template_keeps_running_and_stops_on_sigterm() {
    if !have("mkfifo") {
        return;
    }
    let v = TestVault::new()
        .config("outputs: [{ template: x.md, to: reports/x.md }]\n")
        .file("deals/a.md", deal("Alpha", "1000"));
    std::fs::create_dir(v.join("templates")).expect("mkdir");
    mkfifo(&v.join("templates/x.md"));

    let mut child = bin(v.path())
        .arg("watch")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start watch");
    let lines = Lines::default();
    let reader = lines.collect(child.stderr.take().expect("piped"));
    // Killed if the test fails before it stops on its own.
    struct Reap(std::process::Child);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Reap(child);

    lines.wait_for("`watching` line", |l| l.starts_with("watching "));
    assert!(
        lines.text().contains(
            "start: error: template x.md: invalid operation: cannot read templates/x.md: it is not a regular file; keeping the last good outputs"
        ),
        "{}",
        lines.text()
    );
    thread::sleep(Duration::from_millis(300));
    assert!(
        child.0.try_wait().expect("try_wait").is_none(),
        "watch keeps running: {}",
        lines.text()
    );

    // The shell's own `kill`, which every system has.
    let killed = Command::new("sh")
        .args(["-c", "kill -TERM \"$0\"", &child.0.id().to_string()])
        .status()
        .expect("run sh");
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("try_wait") {
            break status;
        }
        assert!(
            started.elapsed() < PROMPTLY,
            "watch did not stop on SIGTERM"
        );
        thread::sleep(Duration::from_millis(20));
    };
    reader.join().expect("the reader");
    assert_eq!(status.code(), Some(0), "{status:?}: {}", lines.text());
    assert!(
        lines.text().ends_with("stopped watching"),
        "{}",
        lines.text()
    );
    assert!(!v.join("reports").exists());
}

// ---------------------------------------------------------------------------------------------
// 5. Runaway templates

/// `render NAME` in a vault with these templates and config, under a time limit.
fn render_within(
    limit: Duration,
    config: &str,
    template: &str,
    extra: &[&str],
) -> (TestVault, Ran) {
    let v = TestVault::new()
        .config(config)
        .file("deals/a.md", deal("Alpha", "1000"))
        .file("templates/t.md", template);
    let ran = run_within(limit, {
        let mut cmd = bin(v.path());
        cmd.args(["render", "t.md"]).args(extra);
        cmd
    });
    (v, ran)
}

const STEPS_MESSAGE: &str = "error: template t.md, line 1: it took more steps than a template may take (an endless or enormous loop?); it was stopped (raise `limits: { template_steps: … }` in dealbook.yaml if the report really needs them)\n";

#[test]
fn nested_huge_loops_stop_with_an_error_naming_the_template() {
    let (_v, ran) = render_within(
        Duration::from_secs(60),
        "currency: USD\n",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        &[],
    );
    assert_eq!(ran.code(), Some(1));
    assert_eq!(ran.stderr, STEPS_MESSAGE);
}

#[test]
fn a_string_that_doubles_stops_with_an_error_not_a_crash() {
    let (_v, ran) = render_within(
        Duration::from_secs(60),
        "currency: USD\n",
        "{% set ns = namespace(s=\"xxxxxxxxxx\") %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}\n",
        &[],
    );
    assert_eq!(
        ran.status.signal(),
        None,
        "no abort or kill: {:?}",
        ran.status
    );
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with("error: template t.md asked for ")
            && ran
                .stderr
                .ends_with(" MB of memory at once, more than a template may use (text that grows on every loop?); it was stopped and nothing was written\n"),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
}

/// Writes 10 MB: ten bytes, a million times.
const TEN_MB: &str =
    "{% for i in range(1000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}";

const OUTPUT_MESSAGE: &str = "error: template t.md: it wrote more than 1 MB, the most a template may write; it was stopped (raise `limits: { output_mb: … }` in dealbook.yaml if the report really is that big)\n";

#[test]
fn a_template_writing_more_than_the_output_limit_stops() {
    let (_v, ran) = render_within(PROMPTLY, "limits: { output_mb: 1 }\n", TEN_MB, &[]);
    assert_eq!(ran.code(), Some(1));
    assert_eq!(ran.stderr, OUTPUT_MESSAGE);
    assert!(ran.stdout.len() <= 1 << 20, "{} bytes", ran.stdout.len());
}

#[test]
fn a_template_over_the_output_limit_writes_no_file() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let target = outside.path().join("big.md");
    let (_v, ran) = render_within(
        PROMPTLY,
        "limits: { output_mb: 1 }\n",
        TEN_MB,
        &["-o", target.to_str().unwrap()],
    );
    assert_eq!(ran.code(), Some(1));
    assert_eq!(ran.stderr, OUTPUT_MESSAGE);
    assert!(names(outside.path()).is_empty());

    // And `build` keeps the last good output.
    let v = TestVault::new()
        .config("limits: { output_mb: 1 }\noutputs: [{ template: t.md, to: reports/t.md }]\n")
        .file("templates/t.md", TEN_MB)
        .file("reports/t.md", "last good\n");
    let failed = v.cmd(&["build"]).code(1);
    assert_eq!(stderr(&failed), OUTPUT_MESSAGE);
    assert_eq!(read(v.join("reports/t.md")), "last good\n");
}

#[test]
fn the_template_step_limit_is_honoured() {
    let template = "{% for i in range(2000) %}{{ i }}{% endfor %}\n";
    let (_v, ran) = render_within(
        PROMPTLY,
        "limits: { template_steps: 1000 }\n",
        template,
        &[],
    );
    assert_eq!(ran.code(), Some(1));
    assert_eq!(ran.stderr, STEPS_MESSAGE);

    let (_v, ran) = render_within(
        PROMPTLY,
        "limits: { template_steps: 100000 }\n",
        template,
        &[],
    );
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    // (The newline after the closing tag goes with it.)
    let expected: String = (0..2000).map(|i| i.to_string()).collect();
    assert_eq!(ran.stdout, expected);
}

#[test]
fn a_zero_limit_is_reported_at_its_value() {
    let v = TestVault::new().config("currency: USD\nlimits:\n  template_steps: 0\n");
    let said = stdout(&v.cmd_inside(&["check"]).code(1));
    assert!(
        said.starts_with("dealbook.yaml:3:19: error: `limits.template_steps` ")
            && said.ends_with(" [bad_config]\n")
            && said.lines().count() == 1,
        "{said}"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Numbers

/// A deal whose `amount:` (line 3, column 9) is `amount`, beside a good one of 1000: the bad
/// amount is `out_of_range` there, the deal is still listed, and every total is finite and
/// counts the good deal only.
fn assert_amount_out_of_range(amount: &str) {
    let v = TestVault::new()
        .file("deals/good.md", deal("Good", "1000"))
        .file("deals/bad.md", deal("Bad", amount));
    assert_eq!(
        v.codes("deals/bad.md"),
        [common::at("out_of_range", 3, 9)],
        "{amount}"
    );
    assert_eq!(v.deal_ids(None), ["bad", "good"]);

    let report = v.cmd(&["pipeline", "--format", "json"]).code(1);
    let text = stdout(&report);
    let pipeline = json(&report);
    fn all_finite(value: &Value) -> bool {
        match value {
            Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
            Value::Array(items) => items.iter().all(all_finite),
            Value::Object(map) => map.values().all(all_finite),
            _ => true,
        }
    }
    assert!(all_finite(&pipeline), "{text}");
    for total in [
        &pipeline["pipeline"],
        &pipeline["open"]["amount"],
        &pipeline["by_stage"][2]["amount"],
    ] {
        assert_eq!(total.as_f64(), Some(1000.0), "{amount}: {text}");
    }
    let bad = pipeline["deals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "bad")
        .expect("the bad deal is in the report");
    assert_eq!(bad["amount"], Value::Null);
    assert_eq!(bad["weighted"], Value::Null);
    assert_eq!(pipeline["open"]["weighted"].as_f64(), Some(400.0));
}

#[test]
fn an_infinite_amount_is_out_of_range() {
    assert_amount_out_of_range(".inf");
}

#[test]
fn a_nan_amount_is_out_of_range() {
    assert_amount_out_of_range(".nan");
}

#[test]
fn a_huge_amount_is_out_of_range() {
    assert_amount_out_of_range("1e308");
}

#[test]
fn a_huge_negative_amount_is_out_of_range() {
    assert_amount_out_of_range("-1e308");
}

#[test]
fn a_probability_over_100_is_out_of_range() {
    let v = TestVault::new().file(
        "deals/bad.md",
        md(&[
            "---",
            "title: Bad",
            "amount: 1000",
            "stage: demo",
            "probability: 120",
            "close_date: 2026-12-15",
            "next_step: Call back",
            "next_step_date: 2026-11-25",
            "---",
            "## Log",
            "- 2026-11-20: First call.",
        ]),
    );
    assert_eq!(v.codes("deals/bad.md"), [common::at("out_of_range", 5, 14)]);
    let rows = v.list("deals", None);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["probability"].as_f64(), Some(40.0), "the stage's");
}

/// `check` stops at the config with exactly this one problem.
fn assert_config_problem(config: &str, expected: &str) {
    let v = TestVault::new()
        .config(config)
        .file("deals/a.md", deal("Alpha", "1000"));
    let check = v.cmd_inside(&["check"]).code(1);
    assert_eq!(stdout(&check), format!("{expected}\n"));
    let build = v.cmd_inside(&["pipeline"]).code(1);
    assert_eq!(stderr(&build), format!("{expected}\n"));
}

#[test]
fn a_nan_quota_is_a_config_error_at_its_value() {
    assert_config_problem(
        "currency: USD\nquota:\n  2026-Q3: 100000\n  2026-Q4: .nan\n",
        "dealbook.yaml:4:12: error: `quota.2026-Q4` must be an amount from 0 to 1e12, not NaN [bad_config]",
    );
}

#[test]
fn a_zero_fx_rate_is_a_config_error_at_its_value() {
    assert_config_problem(
        "currency: USD\nfx: { GBP: 1.25, EUR: 0 }\n",
        "dealbook.yaml:2:23: error: `fx.EUR` must be a rate between 0.000001 and 1000000, not 0 [bad_config]",
    );
}

#[test]
fn an_infinite_fx_rate_is_a_config_error_at_its_value() {
    assert_config_problem(
        "currency: USD\nfx:\n  EUR: .inf\n",
        "dealbook.yaml:3:8: error: `fx.EUR` must be a rate between 0.000001 and 1000000, not inf [bad_config]",
    );
}

#[test]
fn a_bad_fx_rate_under_a_lower_case_key_is_reported_at_its_value() {
    assert_config_problem(
        "currency: USD\nfx: { eur: 0 }\n",
        "dealbook.yaml:2:12: error: `fx.EUR` must be a rate between 0.000001 and 1000000, not 0 [bad_config]",
    );
}

#[test]
fn a_currency_that_is_not_a_code_is_a_config_error() {
    assert_config_problem(
        "owner: Sam\ncurrency: dollars\n",
        "dealbook.yaml:2:11: error: `currency` must be a three-letter currency code like USD or EUR, not \"DOLLARS\" [bad_config]",
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Stages a deal could not tell apart

#[test]
fn stages_differing_only_in_case_are_a_config_error() {
    assert_config_problem(
        "stages:\n  - id: a\n    probability: 10\n  - id: A\n    probability: 20\n",
        "dealbook.yaml:4:9: error: `stages[1].id` `A` is also the name of stage `a`; a deal could not say which it means [bad_config]",
    );
}

#[test]
fn stages_differing_only_in_space_or_underscore_are_a_config_error() {
    assert_config_problem(
        "stages:\n  - id: closed won\n    probability: 100\n    won: true\n  - id: closed_won\n    probability: 100\n    won: true\n",
        "dealbook.yaml:5:9: error: `stages[1].id` `closed_won` is also the name of stage `closed won`; a deal could not say which it means [bad_config]",
    );
}

#[test]
fn an_alias_equal_to_another_stages_id_is_a_config_error() {
    assert_config_problem(
        "stages:\n  - id: demo\n    probability: 40\n  - id: proposal\n    probability: 60\n    aliases:\n      - Offer\n      - Demo\n",
        "dealbook.yaml:8:9: error: `stages[1].aliases[1]` `Demo` is also the name of stage `demo`; a deal could not say which it means [bad_config]",
    );
}

#[test]
fn an_empty_stage_id_is_a_config_error() {
    assert_config_problem(
        "stages:\n  - id: demo\n    probability: 40\n  - id: \"  \"\n    probability: 60\n",
        "dealbook.yaml:4:9: error: `stages[1].id` is empty [bad_config]",
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Git

/// A git repository in a temp folder whose root is the vault, with a fake HOME; every git
/// process (ours and dealbook's) is kept from the machine's config and from any repository
/// around the temp folder.
struct Git {
    dir: TempDir,
}

impl Git {
    /// `None` (the test skips) when git is not installed.
    fn new() -> Option<Git> {
        if !have("git") {
            return None;
        }
        let git = Git {
            dir: tempfile::tempdir().expect("a temp folder"),
        };
        std::fs::create_dir_all(git.root()).expect("mkdir repo");
        std::fs::create_dir_all(git.dir.path().join("home")).expect("mkdir home");
        git.git(&git.root(), &["init", "-q", "."]);
        Some(git)
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    fn isolate(&self, cmd: &mut Command) {
        for name in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_CONFIG",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_COUNT",
            "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_DATE",
            "XDG_CONFIG_HOME",
            "LANG",
            "LC_ALL",
            "LANGUAGE",
        ] {
            cmd.env_remove(name);
        }
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir.path().join("home"))
            .env("GIT_CEILING_DIRECTORIES", self.dir.path());
    }

    /// Runs git in `dir`; panics unless it succeeds.
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        self.git_dated(dir, None, args)
    }

    fn git_dated(&self, dir: &Path, date: Option<&str>, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        self.isolate(&mut cmd);
        if let Some(date) = date {
            let when = format!("{date}T12:00:00 +0000");
            cmd.env("GIT_AUTHOR_DATE", &when)
                .env("GIT_COMMITTER_DATE", &when);
        }
        cmd.current_dir(dir)
            .args([
                "-c",
                "user.name=Sam Rivera",
                "-c",
                "user.email=sam@example.com",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
                "-c",
                "protocol.file.allow=always",
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

    /// Writes a vault-relative file.
    fn write(&self, path: &str, text: &str) -> &Git {
        write_file(&self.root().join(path), text);
        self
    }

    /// Commits everything in `dir` on `date` (noon UTC, author and committer); the commit id.
    fn commit_in(&self, dir: &Path, date: &str, message: &str) -> String {
        self.git(dir, &["add", "-A"]);
        self.git_dated(dir, Some(date), &["commit", "-q", "-m", message]);
        self.git(dir, &["rev-parse", "HEAD"]).trim().to_string()
    }

    fn commit(&self, date: &str, message: &str) -> String {
        self.commit_in(&self.root(), date, message)
    }

    /// `dealbook --vault REPO --as-of AS_OF ARGS...`, isolated like our git.
    fn dealbook(&self, args: &[&str]) -> Command {
        let mut cmd = bin(&self.root());
        self.isolate(&mut cmd);
        cmd.current_dir(self.dir.path()).args(args);
        cmd
    }

    /// `history --format json` of a run that must succeed, as text.
    fn history_json(&self, mut cmd: Command) -> String {
        cmd.args(["history", "--format", "json"]);
        let ran = run_within(Duration::from_secs(30), cmd);
        assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
        ran.stdout
    }

    fn events(&self) -> Vec<Value> {
        let text = self.history_json(self.dealbook(&[]));
        serde_json::from_str(&text).expect("JSON")
    }
}

fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A deal's file in the shape git's rename detection likes (a body that stays the same).
fn git_deal(title: &str, stage: &str, amount: &str, close: &str) -> String {
    md(&[
        "---",
        &format!("title: {title}"),
        &format!("stage: {stage}"),
        &format!("amount: {amount}"),
        &format!("close_date: {close}"),
        "---",
        "Context for the deal, long enough for git to see a renamed file as the same file.",
        "",
        "## Log",
        "- 2026-09-01: First call; they run three plants and want one dashboard.",
    ])
}

/// One event as `(deal, date, commit, kind, from, to)`, for comparing whole histories.
type Seen = (String, String, String, String, String, String);

fn seen(events: &[Value]) -> Vec<Seen> {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
    let mut all: Vec<Seen> = events
        .iter()
        .map(|e| {
            (
                text(&e["deal"]),
                text(&e["date"]),
                text(&e["commit"]),
                text(&e["kind"]),
                text(&e["from"]),
                text(&e["to"]),
            )
        })
        .collect();
    all.sort();
    all
}

fn ev(deal: &str, date: &str, commit: &str, kind: &str, from: &str, to: &str) -> Seen {
    (
        deal.into(),
        date.into(),
        commit[..7].into(),
        kind.into(),
        from.into(),
        to.into(),
    )
}

/// The name of a deal file with a newline in it, whose first line names another deal's file:
/// a reader that split git's output on newlines would give its changes to `initech`.
const NEWLINE_NAME: &str = "deals/initech.md\nq.md";
const NEWLINE_ID: &str = "initech.md\nq";

/// Three deals (one with a newline in its name) over four commits, and the commits' ids.
fn newline_repo(git: &Git) -> [String; 4] {
    git.write(
        "deals/initech.md",
        &git_deal("Initech", "demo", "100", "2026-12-15"),
    )
    .write(NEWLINE_NAME, &git_deal("Evil", "demo", "500", "2026-12-15"))
    .write(
        "deals/globex.md",
        &git_deal("Globex", "discovery", "300", "2026-12-15"),
    );
    let c1 = git.commit("2026-09-01", "three deals");
    git.write(
        "deals/initech.md",
        &git_deal("Initech", "proposal", "100", "2026-12-15"),
    )
    .write(NEWLINE_NAME, &git_deal("Evil", "demo", "900", "2026-12-15"));
    let c2 = git.commit("2026-09-15", "initech to proposal, evil bigger");
    git.write(
        NEWLINE_NAME,
        &git_deal("Evil", "negotiation", "900", "2026-12-15"),
    )
    .write(
        "deals/globex.md",
        &git_deal("Globex", "discovery", "350", "2026-12-15"),
    );
    let c3 = git.commit("2026-10-01", "evil to negotiation, globex bigger");
    git.write(
        "deals/initech.md",
        &git_deal("Initech", "proposal", "100", "2027-01-31"),
    );
    let c4 = git.commit("2026-10-20", "initech slips");
    [c1, c2, c3, c4]
}

#[test]
fn a_newline_in_a_file_name_does_not_mix_histories() {
    let Some(git) = Git::new() else { return };
    let [c1, c2, c3, c4] = newline_repo(&git);
    let mut expected = vec![
        ev("globex", "2026-09-01", &c1, "created", "-", "-"),
        ev("globex", "2026-10-01", &c3, "amount_changed", "300", "350"),
        ev("initech", "2026-09-01", &c1, "created", "-", "-"),
        ev(
            "initech",
            "2026-09-15",
            &c2,
            "stage_forward",
            "demo",
            "proposal",
        ),
        ev(
            "initech",
            "2026-09-15",
            &c2,
            "forecast_changed",
            "pipeline",
            "best_case",
        ),
        ev(
            "initech",
            "2026-10-20",
            &c4,
            "close_date_pushed",
            "2026-12-15",
            "2027-01-31",
        ),
        ev(NEWLINE_ID, "2026-09-01", &c1, "created", "-", "-"),
        ev(
            NEWLINE_ID,
            "2026-09-15",
            &c2,
            "amount_changed",
            "500",
            "900",
        ),
        ev(
            NEWLINE_ID,
            "2026-10-01",
            &c3,
            "stage_forward",
            "demo",
            "negotiation",
        ),
        ev(
            NEWLINE_ID,
            "2026-10-01",
            &c3,
            "forecast_changed",
            "pipeline",
            "commit",
        ),
    ];
    expected.sort();
    assert_eq!(seen(&git.events()), expected);
}

#[test]
fn git_config_and_locale_do_not_change_the_history() {
    let Some(git) = Git::new() else { return };
    newline_repo(&git);
    git.git(
        &git.root(),
        &["mv", "deals/globex.md", "deals/globex-corp.md"],
    );
    git.commit("2026-11-01", "rename globex");
    let plain = git.history_json(git.dealbook(&[]));
    assert!(plain.contains("\"kind\": \"renamed\""), "{plain}");

    for (key, value) in [
        ("log.showSignature", "true"),
        ("color.ui", "always"),
        ("diff.renames", "false"),
        ("log.showRoot", "false"),
        ("core.quotePath", "true"),
        ("log.decorate", "full"),
        ("log.abbrevCommit", "true"),
        ("log.follow", "true"),
        ("log.date", "relative"),
        ("format.pretty", "oneline"),
        ("diff.noprefix", "true"),
        ("diff.relative", "true"),
    ] {
        git.git(&git.root(), &["config", key, value]);
    }
    let mut localized = git.dealbook(&[]);
    localized
        .env("LANG", "de_DE.UTF-8")
        .env("LC_ALL", "de_DE.UTF-8");
    assert_eq!(git.history_json(localized), plain);
}

#[test]
fn a_records_folder_that_is_a_submodule_has_its_own_history() {
    let Some(git) = Git::new() else { return };
    let deals = git.dir.path().join("deals-repo");
    std::fs::create_dir_all(&deals).expect("mkdir");
    git.git(&deals, &["init", "-q", "."]);
    write_file(
        &deals.join("acme.md"),
        &git_deal("Acme", "demo", "1000", "2026-12-15"),
    );
    let d1 = git.commit_in(&deals, "2026-09-01", "acme");
    write_file(
        &deals.join("acme.md"),
        &git_deal("Acme", "proposal", "1000", "2026-12-15"),
    );
    let d2 = git.commit_in(&deals, "2026-10-01", "acme to proposal");

    git.write("dealbook.yaml", "currency: USD\n");
    git.commit("2026-08-01", "config");
    let url = deals.to_string_lossy().into_owned();
    git.git(&git.root(), &["submodule", "add", "-q", &url, "deals"]);
    git.commit("2026-11-01", "deals as a submodule");

    let mut expected = vec![
        ev("acme", "2026-09-01", &d1, "created", "-", "-"),
        ev(
            "acme",
            "2026-10-01",
            &d2,
            "stage_forward",
            "demo",
            "proposal",
        ),
        ev(
            "acme",
            "2026-10-01",
            &d2,
            "forecast_changed",
            "pipeline",
            "best_case",
        ),
    ];
    expected.sort();
    assert_eq!(seen(&git.events()), expected);
}

// ---------------------------------------------------------------------------------------------
// 9. Edits

#[test]
fn set_through_a_link_inside_the_vault_changes_the_target_and_keeps_the_link() {
    let v = TestVault::new().file("shared/acme.md", CLEAN_DEAL);
    std::fs::create_dir(v.join("deals")).expect("mkdir");
    symlink("../shared/acme.md", v.join("deals/acme.md")).expect("symlink");

    let done = v.cmd_inside(&["set", "acme", "amount=5"]).success();
    assert_eq!(stdout(&done), "deals/acme.md\namount: 48000 → 5\n");
    let link = v.join("deals/acme.md");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("../shared/acme.md")
    );
    assert_eq!(
        read(v.join("shared/acme.md")),
        CLEAN_DEAL.replace("amount: 48000", "amount: 5")
    );
    assert!(temp_files(v.path()).is_empty());
}

#[test]
fn a_record_linked_outside_the_vault_is_not_editable() {
    let outside = tempfile::tempdir().expect("a temp folder");
    let target = outside.path().join("acme.md");
    std::fs::write(&target, CLEAN_DEAL).expect("write");
    let v = TestVault::new().file("deals/globex.md", deal("Globex", "1000"));
    symlink(&target, v.join("deals/acme.md")).expect("symlink");

    for wanted in ["acme", "deals/acme.md"] {
        let refused = v.cmd(&["set", wanted, "amount=5"]).code(2);
        assert_eq!(
            stderr(&refused),
            format!("error: no record has the id, path or title \"{wanted}\"\n")
        );
        let refused = v.cmd(&["log", wanted, "sneaky"]).code(2);
        assert!(stderr(&refused).starts_with("error: no record"));
    }
    assert_eq!(read(&target), CLEAN_DEAL);
    assert_eq!(names(outside.path()), ["acme.md"]);
    assert_eq!(
        v.codes("deals/acme.md"),
        [common::at("symlink_outside", 1, 1)]
    );
}

#[test]
fn a_new_record_takes_the_umask() {
    let v = TestVault::new().config("currency: USD\n");
    let status = Command::new("sh")
        .arg("-c")
        .arg("umask 027; exec \"$0\" --vault \"$1\" --as-of \"$2\" new deal 'Big Co'")
        .arg(env!("CARGO_BIN_EXE_dealbook"))
        .arg(v.path())
        .arg(AS_OF)
        .env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY")
        .stdout(Stdio::null())
        .status()
        .expect("run sh");
    assert!(status.success());
    let mode = std::fs::metadata(v.join("deals/big-co.md"))
        .expect("the new deal")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    assert!(temp_files(v.path()).is_empty());
}

#[test]
fn an_edited_record_keeps_its_mode() {
    let v = TestVault::new().file("deals/acme.md", CLEAN_DEAL);
    let path = v.join("deals/acme.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    v.cmd(&["set", "acme", "amount=5"]).success();
    v.cmd(&["log", "acme", "Called again"]).success();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn no_command_leaves_a_temp_file() {
    let v = TestVault::new()
        .config("outputs: [{ template: pipeline.md, to: reports/pipeline.md }]\n")
        .file(
            "deals/acme.md",
            format!("{CLEAN_DEAL}\n## Tasks\n- [ ] Send the contract\n"),
        );
    let outside = tempfile::tempdir().expect("a temp folder");
    let export = outside.path().join("deals.csv");
    for args in [
        vec!["new", "deal", "Globex"],
        vec!["set", "acme", "amount=5", "next_step=Call"],
        vec!["unset", "acme", "next_step"],
        vec!["log", "acme", "Called"],
        vec!["done", "acme", "contract"],
        vec!["build"],
        vec!["pipeline", "-o", "reports/copy.md"],
        vec![
            "export",
            "deals",
            "--format",
            "csv",
            "-o",
            export.to_str().unwrap(),
        ],
    ] {
        v.cmd_inside(&args).success();
        assert!(temp_files(v.path()).is_empty(), "after {args:?}");
    }
    assert_eq!(names(outside.path()), ["deals.csv"]);
    // A refused edit leaves nothing either.
    v.cmd(&["set", "acme", "amount=lots"]).failure();
    assert!(temp_files(v.path()).is_empty());
}

#[test]
fn a_stale_temp_file_is_swept_by_the_next_set() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file("deals/.dealbook-old.tmp", "left by a killed run")
        .file("deals/.dealbook-new.tmp", "another run's, in flight");
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(v.join("deals/.dealbook-old.tmp"))
        .unwrap()
        .set_modified(hour_ago)
        .expect("set the mtime");

    v.cmd(&["set", "acme", "amount=5"]).success();
    assert_eq!(
        names(&v.join("deals")),
        [".dealbook-new.tmp", "acme.md"],
        "the stale one is gone, the fresh one kept"
    );
}

#[test]
fn inits_gitignore_ignores_temp_files() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let vault = dir.path().join("vault");
    common::dealbook()
        .args(["--as-of", AS_OF, "init"])
        .arg(&vault)
        .assert()
        .success();
    let ignore = read(vault.join(".gitignore"));
    assert!(
        ignore
            .lines()
            .any(|l| l.trim() == ".dealbook-*" || l.trim() == ".dealbook-*.tmp"),
        "{ignore}"
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Another program writing the record at the same moment

/// How many writes the other program makes per dealbook edit, spread over about as long as
/// one edit takes, so that they land while dealbook reads, edits and swaps the file.
const WRITES_PER_EDIT: usize = 4;
const BETWEEN_WRITES: Duration = Duration::from_millis(2);

/// What one dealbook edit did.
struct Edit {
    /// Its number in the loop.
    k: usize,
    /// The value it set or the entry it logged: unique text to look for.
    wrote: String,
    is_set: bool,
    ok: bool,
    stderr: String,
    started: Instant,
    ended: Instant,
}

/// Runs `runs` edits of deals/x.md one after another: `log x "dealbook entry N."`, and every
/// other one `set x amount=N` instead when `with_sets`. `begun` counts the edits started.
fn edit_in_a_loop(vault: &Path, runs: usize, with_sets: bool, begun: &AtomicUsize) -> Vec<Edit> {
    (0..runs)
        .map(|k| {
            let is_set = with_sets && k % 2 == 0;
            let (wrote, args) = if is_set {
                let amount = 100_000 + k;
                (
                    format!("amount: {amount}"),
                    vec!["set".to_string(), "x".into(), format!("amount={amount}")],
                )
            } else {
                let entry = format!("dealbook entry {k:05}.");
                (entry.clone(), vec!["log".to_string(), "x".into(), entry])
            };
            begun.fetch_add(1, Ordering::SeqCst);
            let started = Instant::now();
            let output = bin(vault).args(&args).output().expect("run dealbook");
            Edit {
                k,
                wrote,
                is_set,
                ok: output.status.success(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
                started,
                ended: Instant::now(),
            }
        })
        .collect()
}

/// Runs `write(n)` for n = 0, 1, … on a thread, [`WRITES_PER_EDIT`] times per edit begun,
/// until `stop`; returns what each call returned.
fn other_program<T: Send + 'static>(
    begun: &Arc<AtomicUsize>,
    stop: &Arc<AtomicBool>,
    mut write: impl FnMut(usize) -> T + Send + 'static,
) -> thread::JoinHandle<Vec<T>> {
    let (begun, stop) = (begun.clone(), stop.clone());
    thread::spawn(move || {
        let mut done = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            if done.len() >= WRITES_PER_EDIT * begun.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_micros(200));
                continue;
            }
            done.push(write(done.len()));
            thread::sleep(BETWEEN_WRITES);
        }
        done
    })
}

/// The record's text and every conflict copy dealbook kept of it.
fn record_and_copies(v: &TestVault) -> (String, Vec<String>) {
    let record = read(v.join("deals/x.md"));
    let copies = names(&v.join("deals"))
        .into_iter()
        .filter(|n| n.starts_with("x.md.conflict"))
        .map(|n| read(v.join("deals").join(n)))
        .collect();
    (record, copies)
}

/// Every failed edit said why on stderr.
fn assert_failures_said_so(edits: &[Edit]) {
    for edit in edits.iter().filter(|e| !e.ok) {
        assert!(
            edit.stderr.starts_with("error: "),
            "a failed edit says so: {:?}",
            edit.stderr
        );
    }
}

/// How many edits ran and failed, and the distinct reasons, for messages.
fn summary(edits: &[Edit]) -> String {
    let mut reasons: Vec<String> = edits
        .iter()
        .filter(|e| !e.ok)
        .map(|e| {
            // The reason without the paths and numbers that differ from run to run.
            let line = e.stderr.lines().next().unwrap_or_default();
            line.chars()
                .filter(|c| !c.is_ascii_digit())
                .take(90)
                .collect()
        })
        .collect();
    reasons.sort();
    reasons.dedup();
    format!(
        "{} edits, {} failed: {reasons:?}",
        edits.len(),
        edits.iter().filter(|e| !e.ok).count()
    )
}

/// A race of an appender with `set` and `log`, and what it left.
struct Appended {
    v: TestVault,
    edits: Vec<Edit>,
    /// Every line the other program appended.
    appended: Vec<String>,
    record: String,
    copies: Vec<String>,
}

/// Another program appends lines to deals/x.md (open, write one line, close: a logger, a
/// sync tool, `echo >>`) while dealbook runs `set` and `log` on it, 300 times in all.
fn race_appends() -> Appended {
    let v = TestVault::new().file("deals/x.md", CLEAN_DEAL);
    let (begun, stop) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let path = v.join("deals/x.md");
    let appender = other_program(&begun, &stop, move |n| {
        let line = format!("appended line {n:05} by another program");
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open to append");
        file.write_all(format!("{line}\n").as_bytes())
            .expect("append");
        line
    });
    let edits = edit_in_a_loop(v.path(), 300, true, &begun);
    stop.store(true, Ordering::SeqCst);
    let appended = appender.join().expect("the appender");
    let (record, copies) = record_and_copies(&v);
    eprintln!(
        "{} appends, {}, {} conflict copies",
        appended.len(),
        summary(&edits),
        copies.len()
    );
    Appended {
        v,
        edits,
        appended,
        record,
        copies,
    }
}

#[test]
fn appends_racing_with_set_and_log_keep_every_successful_edit() {
    let race = race_appends();
    assert_failures_said_so(&race.edits);
    let last_set = race
        .edits
        .iter()
        .rev()
        .find(|e| e.is_set && e.ok)
        .expect("some set succeeded");
    let amount = race.record.lines().find(|l| l.starts_with("amount: "));
    assert_eq!(amount, Some(last_set.wrote.as_str()), "the last set stands");
    for edit in race.edits.iter().filter(|e| e.ok && !e.is_set) {
        assert_eq!(
            race.record.matches(&edit.wrote).count(),
            1,
            "{} is in the record once",
            edit.wrote
        );
    }
    assert!(temp_files(race.v.path()).is_empty());
}

#[test]
fn appends_racing_with_set_and_log_lose_no_appended_line() {
    let race = race_appends();
    let kept =
        |line: &str| race.record.contains(line) || race.copies.iter().any(|c| c.contains(line));
    let lost: Vec<&String> = race.appended.iter().filter(|l| !kept(l)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} appended lines are neither in the record nor in a conflict copy ({}; {} conflict copies): {lost:?}",
        lost.len(),
        race.appended.len(),
        summary(&race.edits),
        race.copies.len()
    );
}

#[test]
fn a_write_through_a_file_opened_before_an_edit_is_not_lost() {
    let v = TestVault::new().file("deals/x.md", CLEAN_DEAL);
    let mut held = std::fs::OpenOptions::new()
        .append(true)
        .open(v.join("deals/x.md"))
        .expect("open to append");
    // The old file is still open when the edit is done: it is kept as a conflict copy, and
    // the command says so.
    let said = common::stderr(&v.cmd(&["log", "x", "Called again"]).success());
    assert!(said.contains("x.md.conflict"), "{said}");
    held.write_all(b"a line from a program that had the file open\n")
        .expect("append");
    drop(held);
    let (record, copies) = record_and_copies(&v);
    assert!(record.contains("Called again"), "{record}");
    assert!(
        record.contains("a line from a program that had the file open")
            || copies
                .iter()
                .any(|c| c.contains("a program that had the file open")),
        "{record}"
    );
}

/// One save of the editor: its line, which dealbook entries the text it read held, when it
/// read it and when it had saved.
struct Save {
    line: String,
    entries: Vec<u64>,
    read_at: Instant,
    saved_at: Instant,
}

/// The numbers of the `dealbook entry NNNNN.` lines in `text`, as a bit set.
fn entries_in(text: &str) -> Vec<u64> {
    let mut bits = vec![0u64; 64];
    for line in text.lines() {
        let Some(at) = line.find("dealbook entry ") else {
            continue;
        };
        let digits = &line[at + "dealbook entry ".len()..];
        if let Some(k) = digits.get(..5).and_then(|d| d.parse::<usize>().ok()) {
            bits[k / 64] |= 1 << (k % 64);
        }
    }
    bits
}

fn has_entry(bits: &[u64], k: usize) -> bool {
    bits[k / 64] & (1 << (k % 64)) != 0
}

/// A race of an editor saving by rename with `log`, and what it left.
struct Edited {
    v: TestVault,
    edits: Vec<Edit>,
    saves: Vec<Save>,
    record: String,
    copies: Vec<String>,
}

/// An editor saves deals/x.md again and again while dealbook runs `log` on it, 300 times.
fn race_editor() -> Edited {
    let v = TestVault::new().file("deals/x.md", CLEAN_DEAL);
    let (begun, stop) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let dir = v.join("deals");
    let editor = other_program(&begun, &stop, move |n| {
        // Like an editor: the whole new text to a file of its own, renamed over the record.
        // It re-reads the record right before saving, so it overwrites what dealbook wrote
        // only when dealbook wrote between its read and its rename.
        let (path, temp) = (dir.join("x.md"), dir.join(".x.md.editor-swap"));
        let line = format!("editor line {n:05}");
        let read_at = Instant::now();
        let base = std::fs::read_to_string(&path).expect("the editor reads");
        std::fs::write(&temp, format!("{base}{line}\n")).expect("the editor writes");
        std::fs::rename(&temp, &path).expect("the editor renames");
        Save {
            line,
            entries: entries_in(&base),
            read_at,
            saved_at: Instant::now(),
        }
    });
    let edits = edit_in_a_loop(v.path(), 300, false, &begun);
    stop.store(true, Ordering::SeqCst);
    let saves = editor.join().expect("the editor");
    let (record, copies) = record_and_copies(&v);
    eprintln!(
        "{} saves, {}, {} conflict copies",
        saves.len(),
        summary(&edits),
        copies.len()
    );
    Edited {
        v,
        edits,
        saves,
        record,
        copies,
    }
}

#[test]
fn an_editor_racing_with_log_overwrites_only_what_it_had_not_read() {
    let race = race_editor();
    assert_failures_said_so(&race.edits);
    // An entry may be missing only where the editor itself saved over it: a save that read
    // the record before dealbook's run ended, without the entry, and saved after it began.
    for edit in race.edits.iter().filter(|e| e.ok) {
        let overwritten = || {
            race.saves.iter().any(|s| {
                s.read_at < edit.ended
                    && s.saved_at > edit.started
                    && !has_entry(&s.entries, edit.k)
            })
        };
        assert!(
            race.record.contains(&edit.wrote) || overwritten(),
            "{} was reported saved but is gone, and no editor save can have overwritten it",
            edit.wrote
        );
    }
    assert!(temp_files(race.v.path()).is_empty());
}

#[test]
fn an_editor_racing_with_log_loses_no_save_and_gets_no_entry_twice() {
    let race = race_editor();
    let kept =
        |line: &str| race.record.contains(line) || race.copies.iter().any(|c| c.contains(line));
    let lost: Vec<&String> = race
        .saves
        .iter()
        .map(|s| &s.line)
        .filter(|l| !kept(l))
        .collect();
    let twice: Vec<&String> = race
        .edits
        .iter()
        .map(|e| &e.wrote)
        .filter(|w| race.record.matches(w.as_str()).count() > 1)
        .collect();
    assert!(
        lost.is_empty() && twice.is_empty(),
        "{} of {} editor saves are neither in the record nor in a conflict copy: {lost:?}; entries applied twice: {twice:?} ({}; {} conflict copies)",
        lost.len(),
        race.saves.len(),
        summary(&race.edits),
        race.copies.len()
    );
}

// ---------------------------------------------------------------------------------------------
// 11. Escaping for where the text goes

/// The cells of a Markdown table row: `|` not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut count = 0;
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => count += 1,
            _ => {}
        }
    }
    count
}

#[test]
fn titles_cannot_split_a_markdown_table_or_start_a_heading() {
    let v = TestVault::new()
        .file("deals/pipe.md", deal("A | B", "1000"))
        .file(
            "deals/newline.md",
            deal("\"Line one\\n# Injected\"", "2000"),
        )
        .file("deals/slash.md", deal("'ends in \\ | '", "3000"));
    let text = stdout(&v.cmd(&["pipeline"]).success());
    assert!(!text.lines().any(|l| l.starts_with("# Injected")), "{text}");
    // Every table keeps the cell count of its header.
    let mut header: Option<usize> = None;
    let mut rows = 0;
    for line in text.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        match header {
            None => header = Some(cells(line)),
            Some(n) => {
                assert_eq!(cells(line), n, "row {line:?} in:\n{text}");
                rows += 1;
            }
        }
    }
    assert!(rows > 0, "{text}");
    for title in ["A \\| B", "Line one # Injected"] {
        assert!(text.contains(&format!("| {title} |")), "{title}: {text}");
    }
}

/// A title with a colour escape and a bell.
const LOUD: &str = "\"Red \\e[31mALERT\\a bell\"";

fn assert_quiet(what: &str, text: &str) {
    assert!(
        !text.contains(['\u{1b}', '\u{7}']),
        "{what} has an ESC or BEL: {text:?}"
    );
}

#[test]
fn escape_sequences_in_a_title_never_reach_list_or_check() {
    let v = TestVault::new()
        .file("deals/loud.md", deal(LOUD, "1000"))
        .file("deals/bad.md", deal(LOUD, "lots"));
    let list = v.cmd(&["list", "deals"]).success();
    assert_quiet("list deals", &(stdout(&list) + &stderr(&list)));
    assert!(
        stdout(&list).contains("Red ALERT bell"),
        "{}",
        stdout(&list)
    );
    let check = v.cmd(&["check"]).code(1);
    assert_quiet("check", &(stdout(&check) + &stderr(&check)));
    // The bad amount is not counted, so the exit status is 1; the text is still clean.
    let pipeline = v.cmd(&["pipeline"]).code(1);
    assert_quiet("pipeline", &(stdout(&pipeline) + &stderr(&pipeline)));
}

#[test]
fn escape_sequences_in_a_title_never_reach_history() {
    let Some(git) = Git::new() else { return };
    git.write(
        "deals/loud.md",
        &git_deal(LOUD, "demo", "100", "2026-12-15"),
    );
    git.commit("2026-09-01", "loud");
    git.write(
        "deals/loud.md",
        &git_deal(LOUD, "proposal", "200", "2026-12-15"),
    );
    git.commit("2026-10-01", "louder");
    let ran = run_within(Duration::from_secs(30), git.dealbook(&["history"]));
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    assert_eq!(ran.stdout.lines().count(), 4, "{}", ran.stdout);
    assert_quiet("history", &(ran.stdout + &ran.stderr));
}

#[test]
fn escape_sequences_in_names_and_values_never_reach_text_output() {
    let Some(git) = Git::new() else { return };
    let name = "deals/loud\u{1b}[2Jname\u{7}.md";
    let loud_stage = md(&[
        "---",
        "title: Loud",
        "stage: \"dem\\e[31mo\\a\"",
        "amount: 100",
        "close_date: 2026-12-15",
        "---",
    ]);
    git.write(name, &git_deal("Loud", "demo", "100", "2026-12-15"));
    git.commit("2026-09-01", "loud");
    git.write(name, &git_deal("Loud", "proposal", "100", "2026-12-15"))
        .write("deals/stage.md", &loud_stage);
    git.commit("2026-10-01", "louder");
    let check = run_within(PROMPTLY, git.dealbook(&["check"]));
    let history = run_within(Duration::from_secs(30), git.dealbook(&["history"]));
    assert_eq!(history.code(), Some(0), "{}", history.stderr);
    let loud: Vec<&str> = [("check", &check), ("history", &history)]
        .into_iter()
        .filter(|(_, ran)| (ran.stdout.clone() + &ran.stderr).contains(['\u{1b}', '\u{7}']))
        .map(|(what, _)| what)
        .collect();
    assert!(
        loud.is_empty(),
        "ESC or BEL in the output of {loud:?}:\n{:?}\n{:?}",
        check.stdout,
        history.stdout
    );
}

/// A minimal CSV reader: quoted cells with doubled quotes, newlines inside quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// The cells of the row whose `id` is `id`, by column name.
fn csv_row(text: &str, id: &str) -> std::collections::BTreeMap<String, String> {
    let rows = parse_csv(text);
    let header = &rows[0];
    let at = header.iter().position(|h| h == "id").expect("an id column");
    let row = rows
        .iter()
        .find(|r| r.get(at).is_some_and(|c| c == id))
        .unwrap_or_else(|| panic!("no row {id} in {text}"));
    header.iter().cloned().zip(row.iter().cloned()).collect()
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let v = TestVault::new().file(
        "deals/formula.md",
        md(&[
            "---",
            "title: '=HYPERLINK(\"http://x\")'",
            "amount: 1000",
            "stage: demo",
            "close_date: 2026-12-15",
            "source: +cmd",
            "discount: -5",
            "---",
        ]),
    );
    for args in [
        ["export", "deals", "--format", "csv"],
        ["list", "deals", "--format", "csv"],
    ] {
        let text = stdout(&v.cmd(&args).success());
        let row = csv_row(&text, "formula");
        assert_eq!(
            row["title"], "'=HYPERLINK(\"http://x\")",
            "{args:?}: {text}"
        );
        assert_eq!(row["source"], "'+cmd", "{args:?}: {text}");
        assert_eq!(row["discount"], "-5", "{args:?}: {text}");
        assert_eq!(row["amount"], "1000", "{args:?}: {text}");
    }
}
