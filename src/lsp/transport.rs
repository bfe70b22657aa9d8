//! JSON-RPC messages framed by `Content-Length` headers (the base protocol of LSP), read on a
//! thread of their own so the server can tell when no message is waiting. A frame that cannot
//! be read — a broken header, a body that is not a JSON-RPC message, one larger than
//! [`MAX_MESSAGE`] — is skipped and said so, never the end of the connection: only the end of
//! the input is.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};

use lsp_server::Message;

/// The largest message read: far more than any document, so a bogus length cannot make the
/// server allocate without end.
pub const MAX_MESSAGE: usize = 64 << 20;

/// The longest header line read.
const MAX_HEADER: u64 = 4096;

/// What arrives from the client (and from dealbook's own file watcher).
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that was skipped, and why.
    Malformed(String),
    /// Files changed on the disk (absolute paths), seen by dealbook's own watcher.
    FilesChanged(Vec<PathBuf>),
    /// dealbook's own watcher failed (events lost when the system's queue overflows, as in a
    /// big checkout): any file may have changed, so the vault is read again, as `serve` does.
    EventsLost,
    /// The input ended.
    Closed,
}

/// Reads frames from `input` on a new thread until it ends, then says so (the watcher may
/// still hold a sender, so the channel alone would not tell).
pub fn spawn_reader(
    mut input: impl BufRead + Send + 'static,
) -> (Sender<Incoming>, Receiver<Incoming>) {
    let (sender, receiver) = mpsc::channel();
    let reader = sender.clone();
    std::thread::spawn(move || {
        let sender = reader;
        while let Ok(Some(frame)) = read_frame(&mut input) {
            let incoming = match frame {
                Ok(body) => match serde_json::from_slice::<Message>(&body) {
                    Ok(message) => Incoming::Message(message),
                    Err(e) => Incoming::Malformed(format!("not a JSON-RPC message: {e}")),
                },
                Err(why) => Incoming::Malformed(why),
            };
            if sender.send(incoming).is_err() {
                return;
            }
        }
        let _ = sender.send(Incoming::Closed);
    });
    (sender, receiver)
}

/// Writes one message, framed.
pub fn write(output: &mut impl Write, message: Message) -> io::Result<()> {
    message.write(output)
}

/// The next frame's body, or why it was skipped; `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    // Header lines up to the blank line after a Content-Length; anything else is skipped.
    let length =
        loop {
            line.clear();
            if input
                .by_ref()
                .take(MAX_HEADER)
                .read_until(b'\n', &mut line)?
                == 0
            {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                match length.take() {
                    Some(length) => break length,
                    None => continue,
                }
            }
            if let Some((name, value)) = text.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    length =
                        Some(value.trim().parse().map_err(|_| {
                            format!("a Content-Length that is not a number: {value:?}")
                        }));
                }
            }
        };
    let length = match length {
        Ok(length) => length,
        Err(why) => return Ok(Some(Err(why))),
    };
    if length > MAX_MESSAGE {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Some(Err(format!(
            "a message of {length} bytes, more than the {MAX_MESSAGE} read"
        ))));
    }
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Some(Ok(body))),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Result<Vec<u8>, String>> {
        let mut input = io::Cursor::new(input.to_vec());
        std::iter::from_fn(|| read_frame(&mut input).unwrap()).collect()
    }

    #[test]
    fn reads_frames_and_skips_what_it_cannot() {
        let found = frames(
            b"Content-Length: 2\r\n\r\n{}\
              Garbage\r\n\r\n\
              Content-Length: x\r\n\r\n\
              content-length: 99999999999\r\n\r\nshort\
              ",
        );
        assert_eq!(found[0], Ok(b"{}".to_vec()));
        assert!(found[1].as_ref().is_err_and(|e| e.contains("not a number")));
        assert!(found[2].as_ref().is_err_and(|e| e.contains("more than")));
        assert_eq!(found.len(), 3, "the input ends inside the last body");
    }
}
