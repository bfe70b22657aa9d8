//! `dealbook serve`: the book as a local web app, live as files change. The pages are the
//! reports' own templates and the commands' own data, each for its audience; the server
//! watches the vault as `watch` does and tells open pages to refresh; the board moves deals
//! with `set`'s and `close`'s edits. It answers only to its own address and its own pages.
//!
//! One thread per connection, each with timeouts and size limits, at most
//! `MAX_CONNECTIONS` at once: a slow client holds only its own thread.

mod board;
mod book;
mod edits;
mod events;
mod frame;
mod http;
mod pages;
mod routes;
mod security;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::Duration;

pub use book::Today;

use crate::diagnostic::Diagnostic;
use crate::vault::watch::{self, Next, Watcher};

/// The port `serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8412;
/// The check page's link into the rep's editor, unless `--editor-url` gives another.
pub const DEFAULT_EDITOR_URL: &str = "vscode://file/{path}:{line}:{col}";

/// How long the vault must be quiet before pages refresh: shorter than `watch`'s, since a
/// refresh is cheap and a page should follow an edit at once.
const SETTLE: Duration = Duration::from_millis(50);

/// The most connections served at once; more are told to come back.
const MAX_CONNECTIONS: usize = 64;

pub struct Options {
    /// The address to listen on: loopback unless an access token is given.
    pub host: IpAddr,
    /// 0 picks a free one.
    pub port: u16,
    /// The token every request needs (required when `host` is not loopback).
    pub access_token: Option<String>,
    /// The "open in editor" link of a problem: `{path}`, `{line}`, `{col}`.
    pub editor_url: String,
    pub today: Today,
}

impl Options {
    pub fn loopback(today: Today) -> Options {
        Options {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            access_token: None,
            editor_url: DEFAULT_EDITOR_URL.to_string(),
            today,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the vault cannot be read")]
    Vault(Vec<Diagnostic>),
    #[error("cannot resolve the vault folder {}: {source}", path.display())]
    Root {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{host} is not this computer: listening there needs --token, which every visitor must then give")]
    NeedsToken { host: IpAddr },
    #[error("a --token is letters, digits, `-`, `_` and `.` only, so that it fits a URL and a cookie as it is")]
    BadToken,
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot watch the vault: {0}")]
    Watch(#[from] notify_debouncer_full::notify::Error),
    #[error("no random numbers for the session token: {0}")]
    Random(getrandom::Error),
}

/// What every connection's thread shares.
struct Shared {
    book: RwLock<book::Book>,
    versions: events::Versions,
    guard: security::Guard,
    editor_url: String,
    connections: AtomicUsize,
}

/// A running server.
pub struct Server {
    address: SocketAddr,
    access_token: Option<String>,
    stop: Stop,
    stopped: Mutex<Receiver<()>>,
}

/// Stops a server, from any thread (a Ctrl-C handler).
#[derive(Clone)]
pub struct Stop {
    watcher: watch::Stopper,
    done: Sender<()>,
}

impl Stop {
    pub fn stop(&self) {
        self.watcher.stop();
        let _ = self.done.send(());
    }
}

impl Server {
    /// Reads the vault at `root`, listens, and starts answering and watching.
    pub fn start(root: &Path, options: Options) -> Result<Server, StartError> {
        if !options.host.is_loopback() && options.access_token.is_none() {
            return Err(StartError::NeedsToken { host: options.host });
        }
        let plain = |t: &String| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        };
        if options.access_token.as_ref().is_some_and(|t| !plain(t)) {
            return Err(StartError::BadToken);
        }
        let root = root.canonicalize().map_err(|source| StartError::Root {
            path: root.to_path_buf(),
            source,
        })?;
        let book = book::Book::load(&root, options.today).map_err(StartError::Vault)?;
        let address = SocketAddr::new(options.host, options.port);
        let listener =
            TcpListener::bind(address).map_err(|source| StartError::Listen { address, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| StartError::Listen { address, source })?;
        let session = security::random_token().map_err(StartError::Random)?;
        let host = match options.host {
            IpAddr::V6(v6) if v6.is_unspecified() => "[::1]".to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        let guard =
            security::Guard::new(&host, address.port(), session, options.access_token.clone());
        let (watcher, watch_stop) = Watcher::start(&root, SETTLE)?;
        let shared = Arc::new(Shared {
            book: RwLock::new(book),
            versions: events::Versions::default(),
            guard,
            editor_url: options.editor_url,
            connections: AtomicUsize::new(0),
        });
        let following = Arc::clone(&shared);
        thread::spawn(move || follow(&watcher, &following));
        thread::spawn(move || accept(&listener, &shared));
        let (done, stopped) = mpsc::channel();
        Ok(Server {
            address,
            access_token: options.access_token,
            stop: Stop {
                watcher: watch_stop,
                done,
            },
            stopped: Mutex::new(stopped),
        })
    }

    /// The address to open: with the access token, when there is one.
    pub fn url(&self) -> String {
        let host = match self.address.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        let token = self
            .access_token
            .as_deref()
            .map(|t| format!("?token={}", http::encode(t)))
            .unwrap_or_default();
        format!("http://{host}:{}/{token}", self.address.port())
    }

    pub fn stopper(&self) -> Stop {
        self.stop.clone()
    }

    /// Waits until the server is stopped.
    pub fn wait(&self) {
        let stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        let _ = stopped.recv();
    }
}

/// Applies each batch of file changes to the book, then tells the pages.
fn follow(watcher: &Watcher, shared: &Shared) {
    loop {
        let config = {
            let book = shared.book.read().unwrap_or_else(|e| e.into_inner());
            book.vault.config.clone()
        };
        let Next::Changes(changes) = watcher.next(&config) else {
            return;
        };
        let changed = {
            let mut book = shared.book.write().unwrap_or_else(|e| e.into_inner());
            book.apply(&changes)
        };
        if changed {
            shared.versions.bump();
        }
    }
}

/// Gives each connection a thread of its own, up to `MAX_CONNECTIONS`.
fn accept(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            let busy = http::Response::text(503, "too many connections; try again");
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = http::write_response(&mut stream, &busy, false);
            continue;
        }
        let mine = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name("dealbook-serve".into())
            .spawn(move || {
                let _leaving = Leaving(&mine.connections);
                routes::handle(stream, &mine);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Counts a connection's thread out, however it ends.
struct Leaving<'a>(&'a AtomicUsize);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
