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

/// Runs git in `dir` away from the machine's config (no system or global config, a fixed
/// identity, no signing), dated noon UTC on `date` when given; panics when git fails.
pub fn git(dir: &Path, date: Option<&str>, args: &[&str]) {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .args([
            "-c",
            "user.name=Sam Rivera",
            "-c",
            "user.email=sam@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ]);
    if let Some(date) = date {
        let when = format!("{date}T12:00:00 +0000");
        cmd.env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when);
    }
    let output = cmd.args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
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

/// A running `dealbook serve`, killed (by its own id) when dropped, talked to over plain HTTP
/// as a browser would.
pub struct Served {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub origin: String,
    /// `127.0.0.1:PORT`, the `Host` a browser sends.
    pub host: String,
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

/// An answer: status, headers (names in lowercase) and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// The body with the entities an HTML template writes decoded, to look for text in.
    pub fn text(&self) -> String {
        self.body
            .replace("&#x2f;", "/")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Starts `cmd` (a `dealbook … serve` with `--port 0`) and reads the address it prints.
    pub fn start(mut cmd: std::process::Command) -> Served {
        use std::io::{BufRead, BufReader, Read};
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dealbook serve");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&stderr);
        let mut err = child.stderr.take().expect("piped stderr");
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                sink.lock().expect("the log").push_str(&text);
            }
        });
        let mut first = String::new();
        let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
        out.read_line(&mut first).expect("serve prints its address");
        std::thread::spawn(move || for _ in out.lines() {});
        let address = first.trim().trim_start_matches("http://");
        let origin = format!("http://{}", address.split('/').next().unwrap_or_default());
        assert!(
            origin.starts_with("http://127.0.0.1:"),
            "serve printed {first:?}; stderr: {}",
            stderr.lock().expect("the log")
        );
        let host = origin.trim_start_matches("http://").to_string();
        Served {
            child,
            origin,
            host,
            stderr,
        }
    }

    /// `dealbook --vault VAULT --as-of AS_OF serve --port 0 ARGS…`
    pub fn vault(vault: &Path, args: &[&str]) -> Served {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"));
        cmd.env_remove("DEALBOOK_VAULT")
            .env_remove("DEALBOOK_TODAY")
            .arg("--vault")
            .arg(vault)
            .args(["--as-of", AS_OF, "serve", "--port", "0"])
            .args(args);
        Served::start(cmd)
    }

    /// Sends `request` (a whole request but for the Host line, which is added) and reads the
    /// answer to its end.
    pub fn raw(&self, request: &str) -> Answer {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.host).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .expect("a timeout");
        stream.write_all(request.as_bytes()).expect("send");
        // Read until the server closes; a reset after its answer keeps what came.
        let mut bytes = Vec::new();
        let mut chunk = [0u8; 8192];
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
        }
        parse_answer(&String::from_utf8_lossy(&bytes))
    }

    /// `GET path` with the `Host` a browser sends, and `headers` (`Name: value` lines).
    pub fn get_with(&self, path: &str, headers: &[&str]) -> Answer {
        let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
        self.raw(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\n{extra}\r\n",
            self.host
        ))
    }

    pub fn get(&self, path: &str) -> Answer {
        self.get_with(path, &[])
    }

    /// `POST path` with a JSON body and `headers`.
    pub fn post(&self, path: &str, headers: &[&str], body: &str) -> Answer {
        let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
        self.raw(&format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}",
            self.host,
            body.len()
        ))
    }

    /// `POST path` as the server's own pages send it: its Origin and the session token.
    pub fn post_from_page(&self, path: &str, body: &str) -> Answer {
        let token = self.session_token();
        self.post(
            path,
            &[
                &format!("Origin: {}", self.origin),
                &format!("X-Dealbook-Token: {token}"),
            ],
            body,
        )
    }

    /// The session token the pages carry.
    pub fn session_token(&self) -> String {
        let page = self.get("/board").body;
        page.split_once("<meta name=\"dealbook-token\" content=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(token, _)| token.to_string())
            .unwrap_or_else(|| panic!("no token in the page: {page}"))
    }

    /// The event stream, opened: its lines are read as they come.
    pub fn events(&self, query: &str) -> Events {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(&self.host).expect("connect");
        stream
            .write_all(
                format!(
                    "GET /events{query} HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
                    self.host
                )
                .as_bytes(),
            )
            .expect("send");
        stream
            .set_read_timeout(Some(std::time::Duration::from_millis(50)))
            .expect("a timeout");
        Events {
            stream,
            text: String::new(),
        }
    }

    /// Sends Ctrl-C (SIGINT) and waits for the server to end: its exit status.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "serve did not stop on Ctrl-C"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// An open event stream.
pub struct Events {
    stream: std::net::TcpStream,
    /// Everything read so far.
    pub text: String,
}

impl Events {
    /// Reads until `probe` finds what it wants in everything read so far, for `within` at most.
    pub fn until<T>(
        &mut self,
        within: std::time::Duration,
        mut probe: impl FnMut(&str) -> Option<T>,
    ) -> Option<T> {
        use std::io::Read;
        let deadline = std::time::Instant::now() + within;
        let mut buffer = [0u8; 4096];
        loop {
            if let Some(found) = probe(&self.text) {
                return Some(found);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => return probe(&self.text),
                Ok(n) => self.text.push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(_) => {}
            }
        }
    }

    /// Reads until a `change` event names a version past `seen` (any, for `None`): that
    /// version, or `None` after `within`.
    pub fn past(&mut self, seen: Option<u64>, within: std::time::Duration) -> Option<u64> {
        self.until(within, |text| {
            version_in(text).filter(|v| seen.is_none_or(|seen| *v > seen))
        })
    }
}

/// The newest version a `change` event in `text` named.
pub fn version_in(text: &str) -> Option<u64> {
    text.split("event: change\ndata: ")
        .skip(1)
        .filter_map(|rest| rest.split('\n').next()?.trim().parse().ok())
        .last()
}

fn parse_answer(text: &str) -> Answer {
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text, ""));
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}
