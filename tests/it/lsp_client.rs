//! A small LSP client for the tests: it starts `dealbook lsp` as a process and talks JSON-RPC
//! over its stdin and stdout, as an editor does.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::AS_OF;

/// How long the client waits for an answer before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another: notifications and the server's requests.
    seen: Vec<Value>,
    next_id: i64,
}

/// The `file://` URI of a path (the test vaults' paths need no escaping).
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    /// `dealbook lsp` started, not yet initialized.
    pub fn spawn() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dealbook"))
            .args(["--as-of", AS_OF, "lsp"])
            .env_remove("DEALBOOK_VAULT")
            .env_remove("DEALBOOK_TODAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("dealbook lsp starts");
        let stdout = child.stdout.take().expect("a stdout");
        let (sender, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            seen: Vec::new(),
            next_id: 0,
        }
    }

    /// `dealbook lsp` started and initialized with `folder` as the workspace.
    pub fn start(folder: &Path) -> Client {
        Client::start_with(folder, json!({}))
    }

    /// Started and initialized, offering the client `capabilities`.
    pub fn start_with(folder: &Path, capabilities: Value) -> Client {
        let mut client = Client::spawn();
        let answer = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(folder),
                "workspaceFolders": [{"uri": uri(folder), "name": "book"}],
                "capabilities": capabilities,
            }),
        );
        assert!(
            answer["result"]["capabilities"].is_object(),
            "initialize answered {answer}"
        );
        client.notify("initialized", json!({}));
        client
    }

    /// Writes raw bytes to the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).expect("the server reads");
        stdin.flush().expect("the server reads");
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.send_raw(frame.as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (with its `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    /// The response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// A request's result, failing on an error.
    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let answer = self.request(method, params);
        assert!(answer.get("error").is_none(), "{method} failed: {answer}");
        answer["result"].clone()
    }

    /// The first message, seen or coming, that `wanted` accepts; it is taken out of the seen.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.seen.iter().position(&wanted) {
            return self.seen.remove(at);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such message in {PATIENCE:?}; seen: {:#?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output; seen: {:#?}", self.seen)
                }
            }
        }
    }

    /// The diagnostics next published for `uri` that `wanted` accepts (earlier ones are
    /// dropped).
    pub fn diagnostics_where(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        loop {
            let published = self.wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            });
            let list = published["params"]["diagnostics"]
                .as_array()
                .expect("a list of diagnostics")
                .clone();
            if wanted(&list) {
                return list;
            }
        }
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        self.diagnostics_where(uri, |_| true)
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
        uri
    }

    /// Replaces a document's whole text.
    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown`, then `exit`: the server answers and ends with status 0.
    pub fn shutdown(mut self) -> ExitStatus {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.get("error").is_none(), "shutdown answered {answer}");
        self.notify("exit", Value::Null);
        self.wait()
    }

    /// Closes the server's stdin and waits for it to end.
    pub fn wait(mut self) -> ExitStatus {
        drop(self.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("the server's status") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the server is still running.
    pub fn running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("the server's status")
            .is_none()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One framed message; `None` at the end of the output.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

/// A position, as LSP writes one (line and character from 0).
pub fn position(line: u64, character: u64) -> Value {
    json!({"line": line, "character": character})
}

/// The text `edits` (LSP `TextEdit`s, all on `text`) make of `text`.
pub fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let (line, character) = (
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        );
        let start: usize = text
            .split_inclusive('\n')
            .take(line as usize)
            .map(str::len)
            .sum();
        let rest = &text[start..];
        let mut units = 0;
        let within = rest
            .char_indices()
            .find(|(_, c)| {
                let past = units >= character as usize || *c == '\n';
                units += c.len_utf16();
                past
            })
            .map_or(rest.len(), |(i, _)| i);
        start + within
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}
