//! `serve`'s live update: from one saved deal file to the open page's new content in hand (the
//! `change` event received, then the page's fragment fetched, as the page's script does), on
//! the example vault and the 10,000-deal + 20,000-contact vault (target: under 200 ms on the
//! example vault).
//!
//! ```text
//! cargo bench --bench serve
//! ```
//!
//! The server runs in this process on a free port, reading the vault whole as `serve` does;
//! each iteration rewrites one deal with a different amount and waits for the event and the
//! board's (or the prep sheet's) fragment showing it.

// Shared with the other benches; this one needs no report options.
#[allow(dead_code)]
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dealbook::serve::{Options, Server};

fn main() {
    divan::main();
}

/// The example vault, copied under `target/` so the bench can write it.
fn example() -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-vault");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("bench-vaults")
        .join("serve-example");
    let _ = std::fs::remove_dir_all(&target);
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.expect("the example vault");
        let to = target.join(entry.path().strip_prefix(&source).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &to).expect("copy");
        }
    }
    target
}

/// A deal on the board in the base currency, its file, and its text with a placeholder for
/// the amount.
fn target_deal(root: &Path, host: &str) -> (PathBuf, String) {
    let board = get(host, "/board?format=json");
    let json = board.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let board: serde_json::Value = serde_json::from_str(json).expect("the board as JSON");
    let cards = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .flat_map(|c| c["deals"].as_array().expect("cards"));
    for card in cards {
        let path = root
            .join("deals")
            .join(format!("{}.md", card["id"].as_str().expect("an id")));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let foreign = text
            .lines()
            .any(|l| l.starts_with("currency: ") && l != "currency: USD");
        if let Some(line) = text.lines().find(|l| l.starts_with("amount: ")) {
            if !foreign {
                return (path.clone(), text.replace(line, "amount: {AMOUNT}"));
            }
        }
    }
    panic!("no deal on the board in {} to change", root.display());
}

/// `GET target` and its body.
fn get(host: &str, target: &str) -> String {
    let mut stream = TcpStream::connect(host).expect("connect");
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n").expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

/// The event stream: reads until a `change` event past `seen` (any, for `None`) has come,
/// and returns its version.
fn next_version(events: &mut TcpStream, text: &mut String, seen: Option<u64>) -> u64 {
    let mut buffer = [0u8; 1024];
    loop {
        let newest = text
            .split("event: change\ndata: ")
            .skip(1)
            .filter_map(|rest| rest.split('\n').next()?.parse::<u64>().ok())
            .last();
        if let Some(version) = newest.filter(|v| seen.is_none_or(|seen| *v > seen)) {
            return version;
        }
        let n = match events.read(&mut buffer) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            read => read.expect("the event stream"),
        };
        assert!(n > 0, "the event stream ended");
        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
}

fn save_to_page(root: PathBuf, page: &str, bencher: divan::Bencher) {
    let today = common::anchor();
    let mut options = Options::loopback(Box::new(move || today));
    options.port = 0;
    let server = Server::start(&root, options).expect("the server starts");
    let url = server.url();
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut events = TcpStream::connect(&host).expect("connect");
    events
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    write!(events, "GET /events HTTP/1.1\r\nHost: {host}\r\n\r\n").expect("send");
    let mut text = String::new();
    let mut seen = next_version(&mut events, &mut text, None);
    let (deal, template) = target_deal(&root, &host);
    let mut saves = 0u64;
    bencher.bench_local(|| {
        saves += 1;
        let amount = 40_000 + saves;
        std::fs::write(&deal, template.replace("{AMOUNT}", &amount.to_string()))
            .expect("save the deal");
        seen = next_version(&mut events, &mut text, Some(seen));
        let fragment = get(&host, &format!("{page}?fragment=1"));
        let shown = format!("{},{:03}", amount / 1000, amount % 1000);
        assert!(fragment.contains(&shown), "{page} shows {shown}");
    });
    server.stopper().stop();
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn save_to_board_example(bencher: divan::Bencher) {
    save_to_page(example(), "/board", bencher);
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn save_to_prep_example(bencher: divan::Bencher) {
    save_to_page(example(), "/prep", bencher);
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn save_to_board_10k(bencher: divan::Bencher) {
    save_to_page(common::vault("10k", "serve"), "/board", bencher);
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn save_to_prep_10k(bencher: divan::Bencher) {
    save_to_page(common::vault("10k", "serve"), "/prep", bencher);
}
