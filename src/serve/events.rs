//! Telling open pages that the book changed: a version number, bumped on every change the
//! server applies, streamed to each page as Server-Sent Events. An event carries the number
//! only, so no audience learns anything from it but that something changed.

use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use super::http;

/// How often a quiet stream says it is still there, so a client that went away is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// The book's version, and a way to wait for the next.
#[derive(Debug, Default)]
pub struct Versions {
    version: Mutex<u64>,
    changed: Condvar,
}

impl Versions {
    pub fn current(&self) -> u64 {
        *self.version.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks a change and wakes every stream.
    pub fn bump(&self) {
        let mut version = self.version.lock().unwrap_or_else(|e| e.into_inner());
        *version += 1;
        self.changed.notify_all();
    }

    /// The version once it is past `seen`, or after `timeout` whatever it is.
    fn wait_past(&self, seen: u64, timeout: Duration) -> u64 {
        let version = self.version.lock().unwrap_or_else(|e| e.into_inner());
        let (version, _) = self
            .changed
            .wait_timeout_while(version, timeout, |v| *v <= seen)
            .unwrap_or_else(|e| e.into_inner());
        *version
    }
}

/// Streams `change` events to one client until it goes away: the current version at once,
/// then each new one.
pub fn stream(
    stream: &mut TcpStream,
    versions: &Versions,
    mut headers: Vec<(&'static str, String)>,
) -> io::Result<()> {
    headers.push(("Content-Type", "text/event-stream".to_string()));
    http::write_head(stream, 200, &headers, None)?;
    let mut seen = versions.current();
    write!(stream, "retry: 1000\nevent: change\ndata: {seen}\n\n")?;
    stream.flush()?;
    loop {
        let version = versions.wait_past(seen, KEEPALIVE);
        if version > seen {
            seen = version;
            write!(stream, "event: change\ndata: {seen}\n\n")?;
        } else {
            stream.write_all(b": still here\n\n")?;
        }
        stream.flush()?;
    }
}
