//! The language server's latency on the 10,000-deal + 20,000-contact vault (targets: under
//! 20 ms each): from a keystroke in an open deal to its diagnostics published, and from a
//! completion request to its answer.
//!
//! ```text
//! cargo bench --bench lsp
//! ```
//!
//! The server runs as `dealbook lsp` does (`dealbook::lsp::serve`), on a thread of its own,
//! talking framed JSON-RPC through in-memory pipes instead of stdio. It is initialized on the
//! vault and one open deal (its first publishing of every file's problems is waited out);
//! each keystroke iteration deletes or puts back one letter of the deal's stage, so the
//! `unknown_stage` diagnostic appears and clears in turn and each change is published. The
//! contact benches edit an open contact instead: its notes (its place in the index is patched)
//! and its name (the index is rebuilt).

// `options` is for the other benches.
#[allow(dead_code)]
mod common;

use std::cell::Cell;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use serde_json::{json, Value};

fn main() {
    divan::main();
}

/// The server's stdin: bytes sent from the bench.
struct Pipe {
    bytes: Receiver<Vec<u8>>,
    pending: Vec<u8>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            match self.bytes.recv() {
                Ok(bytes) => self.pending = bytes,
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// The server's stdout: each whole message goes to the bench, parsed.
struct Frames {
    buffer: Vec<u8>,
    messages: Sender<Value>,
}

impl Write for Frames {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        while let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&self.buffer[..end]).to_string();
            let length: usize = header
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|v| v.trim().parse().ok())
                .expect("a Content-Length");
            let start = end + 4;
            if self.buffer.len() < start + length {
                break;
            }
            let message = serde_json::from_slice(&self.buffer[start..start + length])
                .expect("the server writes JSON");
            self.buffer.drain(..start + length);
            let _ = self.messages.send(message);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Client {
    input: Sender<Vec<u8>>,
    output: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(root: &Path) -> Client {
        let (input, bytes) = mpsc::channel();
        let (messages, output) = mpsc::channel();
        std::thread::spawn(move || {
            let stdin = BufReader::new(Pipe {
                bytes,
                pending: Vec::new(),
            });
            let stdout = Frames {
                buffer: Vec::new(),
                messages,
            };
            dealbook::lsp::serve(stdin, stdout, Box::new(common::anchor)).expect("the server");
        });
        let mut client = Client {
            input,
            output,
            next_id: 0,
        };
        let folder = format!("file://{}", root.display());
        client.request(
            "initialize",
            json!({"processId": null, "rootUri": folder, "capabilities": {}}),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.input
            .send(frame.into_bytes())
            .expect("the server runs");
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    fn wait(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .output
                .recv_timeout(Duration::from_secs(120))
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// Waits out everything the server has to say now: a request answered after it.
    fn settle(&mut self) {
        self.request("workspace/symbol", json!({"query": "\u{1}"}));
    }
}

/// An open deal with a `stage:` line and a `champion:` line: its path, text, and the stage
/// line's number.
fn target_deal(root: &Path) -> (PathBuf, String, usize) {
    let mut names: Vec<_> = std::fs::read_dir(root.join("deals"))
        .expect("the deals folder")
        .map(|entry| entry.expect("an entry").file_name())
        .filter(|name| name.to_string_lossy().ends_with(".md"))
        .collect();
    names.sort();
    for name in names {
        let path = root.join("deals").join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let stage = text.lines().position(|l| l == "stage: proposal");
        if let Some(stage) = stage.filter(|_| text.contains("\nchampion: ")) {
            return (path, text, stage);
        }
    }
    panic!("no deal in proposal with a champion in {}", root.display());
}

/// The server on the 10k vault with one deal open.
fn opened() -> (Client, String, String, usize) {
    let root = common::vault("10k", "lsp");
    let (path, text, stage) = target_deal(&root);
    let mut client = Client::start(&root);
    let uri = format!("file://{}", path.display());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    client.settle();
    (client, uri, text, stage)
}

#[divan::bench(sample_count = 50, sample_size = 1)]
fn keystroke_to_diagnostics_10k(bencher: divan::Bencher) {
    let (client, uri, _, stage) = opened();
    let version = Cell::new(1);
    // `stage: proposal`: the `a` after `propos` is at character 13.
    let at = |c| json!({"line": stage, "character": c});
    bencher.bench_local(|| {
        let v = version.get() + 1;
        version.set(v);
        let (range, text) = if v % 2 == 0 {
            (json!({"start": at(13), "end": at(14)}), "")
        } else {
            (json!({"start": at(13), "end": at(13)}), "a")
        };
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"range": range, "text": text}]}),
        );
        let published = client.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        let unknown = published["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["code"] == "unknown_stage");
        assert_eq!(unknown, v % 2 == 0, "the misspelled stage is reported");
    });
}

/// Completion at a place in the open deal: `line` of the text with `edit` made to it.
fn complete(bencher: divan::Bencher, what: &str) {
    let (mut client, uri, text, stage) = opened();
    let (line, character, changed) = match what {
        "stage" => (stage, 7, text.replace("stage: proposal", "stage: ")),
        "contact" => {
            let line = text
                .lines()
                .position(|l| l.starts_with("champion: "))
                .unwrap();
            let changed = text
                .lines()
                .map(|l| {
                    if l.starts_with("champion: ") {
                        "champion: a\n".to_string()
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect();
            (line, 11, changed)
        }
        _ => unreachable!(),
    };
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": changed}]}),
    );
    client.settle();
    let params =
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    bencher.bench_local(|| {
        let answer = client.request("textDocument/completion", params.clone());
        let items = answer["result"]["items"].as_array().expect("items");
        assert!(!items.is_empty(), "{what} completion offers something");
    });
}

#[divan::bench(sample_count = 50, sample_size = 1)]
fn completion_stage_10k(bencher: divan::Bencher) {
    complete(bencher, "stage");
}

/// `champion: a`: the contacts (of 20,000) whose id or name has an `a`, the first 100.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn completion_contact_10k(bencher: divan::Bencher) {
    complete(bencher, "contact");
}

/// A keystroke in a contact instead, to the answer of the hover that follows it (which waits
/// for the change to be read); `edit` makes the contact's text for keystroke `n`.
fn contact_keystroke(bencher: divan::Bencher, edit: impl Fn(&str, u64) -> String) {
    let root = common::vault("10k", "lsp");
    let mut client = Client::start(&root);
    let mut names: Vec<_> = std::fs::read_dir(root.join("contacts"))
        .expect("the contacts folder")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    names.sort();
    let path = &names[0];
    let text = std::fs::read_to_string(path).expect("a contact");
    let uri = format!("file://{}", path.display());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    client.settle();
    let version = Cell::new(1);
    let hover = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}});
    bencher.bench_local(|| {
        let v = version.get() + 1;
        version.set(v);
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": edit(&text, v)}]}),
        );
        client.request("textDocument/hover", hover.clone());
    });
}

/// Its notes edited: it keeps its id and name, so only its place in the index changes.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn keystroke_in_a_contact_10k(bencher: divan::Bencher) {
    contact_keystroke(bencher, |text, n| format!("{text}\nnotes {n}\n"));
}

/// Its name edited: a link by name may now find another record, so the index is rebuilt, as
/// `watch` rebuilds it when any record is saved.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn keystroke_renaming_a_contact_10k(bencher: divan::Bencher) {
    contact_keystroke(bencher, |text, n| {
        text.replacen("name: ", &format!("name: {n} "), 1)
    });
}
