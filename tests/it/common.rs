//! A tiny builder for throwaway vaults, and helpers to run the real `dealbook` binary on them.
//!
//! ```ignore
//! let v = TestVault::new().file("deals/acme.md", "---\nstage: demo\n---\n");
//! v.cmd(&["check"]).code(0);
//! ```

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The day every test runs "as of", so hygiene warnings never depend on the real date.
pub const AS_OF: &str = "2026-11-23";

/// A deal with nothing to warn about as of [`AS_OF`]. Line 10 is its only log entry.
pub const CLEAN_DEAL: &str = "\
---
title: Acme renewal
amount: 48000
stage: proposal
close_date: 2026-12-15
next_step: Send revised pricing
next_step_date: 2026-11-25
---
## Log
- 2026-11-20: Call with Jane; pricing is the blocker.
";

/// A file's text from its lines, so tests can read line numbers off the array index + 1.
pub fn md(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// `(code, line, column)`, to compare with [`TestVault::codes`].
pub fn at(code: &str, line: u64, column: u64) -> (String, u64, u64) {
    (code.to_string(), line, column)
}

/// `dealbook` with no vault or date leaking in from the environment.
pub fn dealbook() -> Command {
    let mut cmd = Command::cargo_bin("dealbook").expect("the dealbook binary is built");
    cmd.env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY");
    cmd
}

/// A vault in a temporary folder, deleted when dropped.
pub struct TestVault {
    dir: TempDir,
}

impl Default for TestVault {
    fn default() -> Self {
        Self::new()
    }
}

impl TestVault {
    pub fn new() -> Self {
        TestVault {
            dir: tempfile::tempdir().expect("a temp folder"),
        }
    }

    /// Writes a file (text or raw bytes) at a vault-relative path, creating its folders.
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Self {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("a parent folder")).expect("mkdir");
        std::fs::write(&full, contents).expect("write a vault file");
        self
    }

    /// Writes `dealbook.yaml`.
    pub fn config(self, yaml: &str) -> Self {
        self.file("dealbook.yaml", yaml)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, path: &str) -> PathBuf {
        self.dir.path().join(path)
    }

    /// `dealbook --vault <this vault> --as-of 2026-11-23 ARGS...`
    pub fn cmd(&self, args: &[&str]) -> Assert {
        dealbook()
            .arg("--vault")
            .arg(self.path())
            .args(["--as-of", AS_OF])
            .args(args)
            .assert()
    }

    /// `dealbook ARGS...` run inside the vault, with no `--vault` (found via dealbook.yaml).
    pub fn cmd_inside(&self, args: &[&str]) -> Assert {
        dealbook()
            .current_dir(self.path())
            .args(["--as-of", AS_OF])
            .args(args)
            .assert()
    }

    /// Every diagnostic from `check --format json`.
    pub fn diagnostics(&self) -> Vec<Value> {
        json(&self.cmd(&["check", "--format", "json"]))
            .as_array()
            .expect("check --format json prints an array")
            .clone()
    }

    /// `(code, line, column)` of each diagnostic for one vault-relative file, in check's order.
    pub fn codes(&self, file: &str) -> Vec<(String, u64, u64)> {
        self.diagnostics_for(file)
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().expect("a code").to_string(),
                    d["line"].as_u64().expect("a line"),
                    d["column"].as_u64().expect("a column"),
                )
            })
            .collect()
    }

    /// The full diagnostics for one vault-relative file.
    pub fn diagnostics_for(&self, file: &str) -> Vec<Value> {
        self.diagnostics()
            .into_iter()
            .filter(|d| Path::new(d["path"].as_str().expect("a path")).ends_with(file))
            .collect()
    }

    /// The one diagnostic with this code for this file; fails if there is not exactly one.
    pub fn diagnostic(&self, file: &str, code: &str) -> Value {
        let found: Vec<Value> = self
            .diagnostics_for(file)
            .into_iter()
            .filter(|d| d["code"] == code)
            .collect();
        assert_eq!(found.len(), 1, "one {code} for {file}, got {found:#?}");
        found[0].clone()
    }

    /// The rows of `list WHAT --format json [--where EXPR]`.
    pub fn list(&self, what: &str, filter: Option<&str>) -> Vec<Value> {
        let mut args = vec!["list", what, "--format", "json"];
        if let Some(filter) = filter {
            args.extend(["--where", filter]);
        }
        // 1 says some file could not be read and is left out; the rows are still printed.
        let assert = self.cmd(&args);
        let code = assert.get_output().status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "list exited {code:?}: {}",
            stderr(&assert)
        );
        let rows = json(&assert);
        rows.as_array().expect("an array of rows").clone()
    }

    /// The ids of the deals `list deals` shows, in its order.
    pub fn deal_ids(&self, filter: Option<&str>) -> Vec<String> {
        self.list("deals", filter)
            .iter()
            .map(|row| row["id"].as_str().expect("an id").to_string())
            .collect()
    }
}

/// A command's stdout as text.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// A command's stderr as text.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// A command's stdout parsed as JSON.
pub fn json(assert: &Assert) -> Value {
    let out = stdout(assert);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

/// A copy of the repository's `example-vault/` in a temp dir, safe to change.
pub fn example() -> TestVault {
    let vault = TestVault::new();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-vault");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("readable example vault");
        let target = vault
            .path()
            .join(entry.path().strip_prefix(&source).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    vault
}

/// A report, listing or export that ran: exit status 0, or 1 when it says it left something
/// out (a deal not counted, a file not read). Anything else fails the test.
pub trait Reported {
    fn reported(self) -> Self;
}

impl Reported for Assert {
    #[track_caller]
    fn reported(self) -> Self {
        let code = self.get_output().status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "exited {code:?}: {}",
            stderr(&self)
        );
        self
    }
}

/// Whether `program` is on the PATH. When it is not, the test skips with a printed reason,
/// unless `CI=true`, where a missing program must not hide a failure.
pub fn have(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let found = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    });
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "`{program}` is needed for this test and CI=true: install it"
        );
        eprintln!("skipped: `{program}` is not installed");
    }
    found
}
