//! Just enough HTTP/1.1 for a local app: one request per connection, its head and body read
//! within size limits and a timeout, and a response written whole (or, for the event stream,
//! as it goes). Parsing is httparse's.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The most a request's line and headers may take.
pub const MAX_HEAD: usize = 16 * 1024;
/// The most headers a request may have.
pub const MAX_HEADERS: usize = 48;
/// The most a request's body may take: a board move is a few dozen bytes.
pub const MAX_BODY: usize = 16 * 1024;
/// How long a client may take to send its whole request, or to take each part of the response.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A request, its path and query split and decoded.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path's segments, each percent-decoded (`/deal/a%2Fb` is `["deal", "a/b"]`).
    pub segments: Vec<String>,
    /// The query's pairs, decoded.
    pub query: Vec<(String, String)>,
    /// Names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read; each is answered with its status, or not at all.
#[derive(Debug)]
pub enum ReadError {
    /// The client went away or was too slow: nothing to answer.
    Gone,
    /// Status and reason.
    Bad(u16, &'static str),
}

/// Reads one request from `stream`.
pub fn read_request(stream: &mut TcpStream) -> Result<Request, ReadError> {
    // One deadline for the whole request: a timeout per read alone lets a client that sends
    // a byte at a time hold its connection for hours.
    let deadline = Instant::now() + TIMEOUT;
    let mut buffer = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buffer) {
            Ok(httparse::Status::Complete(head)) => {
                let request = head_of(&parsed)?;
                return read_body(stream, request, buffer.split_off(head), deadline);
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                return Err(ReadError::Bad(431, "too many headers"))
            }
            Err(_) => return Err(ReadError::Bad(400, "not an HTTP request")),
        }
        if buffer.len() >= MAX_HEAD {
            return Err(ReadError::Bad(431, "the request's headers are too large"));
        }
        let wanted = chunk.len().min(MAX_HEAD - buffer.len());
        match read_by(stream, &mut chunk[..wanted], deadline) {
            Ok(0) | Err(_) => return Err(ReadError::Gone),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn head_of(parsed: &httparse::Request) -> Result<Request, ReadError> {
    let method = parsed.method.unwrap_or_default().to_string();
    let target = parsed.path.unwrap_or_default();
    if !target.starts_with('/') {
        return Err(ReadError::Bad(400, "the request target is not a path"));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| decode(s, false))
        .collect::<Option<Vec<_>>>()
        .ok_or(ReadError::Bad(400, "the path is not UTF-8"))?;
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(name, true)?, decode(value, true)?))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(ReadError::Bad(400, "the query is not UTF-8"))?;
    let headers = parsed
        .headers
        .iter()
        .map(|h| {
            let value = std::str::from_utf8(h.value)
                .map_err(|_| ReadError::Bad(400, "a header is not UTF-8"))?;
            Ok((h.name.to_ascii_lowercase(), value.trim().to_string()))
        })
        .collect::<Result<Vec<_>, ReadError>>()?;
    Ok(Request {
        method,
        segments,
        query,
        headers,
        body: Vec::new(),
    })
}

/// Reads what is there by `deadline`.
fn read_by(stream: &mut TcpStream, into: &mut [u8], deadline: Instant) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    stream.read(into)
}

fn read_body(
    stream: &mut TcpStream,
    mut request: Request,
    mut body: Vec<u8>,
    deadline: Instant,
) -> Result<Request, ReadError> {
    if request.header("transfer-encoding").is_some() {
        return Err(ReadError::Bad(
            411,
            "send a Content-Length, not a chunked body",
        ));
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| ReadError::Bad(400, "the Content-Length is not a number"))?,
    };
    if length > MAX_BODY {
        return Err(ReadError::Bad(413, "the request's body is too large"));
    }
    body.truncate(length);
    let mut read = body.len();
    body.resize(length, 0);
    while read < length {
        match read_by(stream, &mut body[read..], deadline) {
            Ok(0) | Err(_) => return Err(ReadError::Gone),
            Ok(n) => read += n,
        }
    }
    request.body = body;
    Ok(request)
}

/// After answering a request that was not read whole: reads (a little of) the rest before
/// closing, since closing with unread input resets the connection and the client may lose
/// the answer.
pub fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // A second at most, however the rest trickles in.
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 4096];
    let mut left: usize = 1024 * 1024;
    while left > 0 {
        match read_by(
            stream,
            &mut sink,
            deadline.min(Instant::now() + Duration::from_millis(200)),
        ) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// `%XX` decoded (and `+` as a space in a query); `None` when the result is not UTF-8.
pub fn decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `text` made safe as one segment of a URL path or a query value: everything but letters,
/// digits and `-._~` percent-encoded.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A response, written whole.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    pub fn html(body: String) -> Response {
        Response::new(200, "text/html; charset=utf-8", body)
    }

    pub fn json(value: &impl serde::Serialize) -> Response {
        match serde_json::to_vec_pretty(value) {
            Ok(body) => Response::new(200, "application/json", body),
            Err(e) => Response::text(500, &format!("cannot write JSON: {e}")),
        }
    }

    pub fn text(status: u16, message: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{message}\n"))
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes the status line and headers, each connection closed after its response.
pub fn write_head(
    out: &mut impl Write,
    status: u16,
    headers: &[(&'static str, String)],
    length: Option<usize>,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    out.write_all(head.as_bytes())
}

/// Writes `response` whole; a HEAD request gets its head only.
pub fn write_response(
    stream: &mut TcpStream,
    response: &Response,
    head_only: bool,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(stream);
    write_head(
        &mut out,
        response.status,
        &response.headers,
        Some(response.body.len()),
    )?;
    if !head_only {
        out.write_all(&response.body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_encodes() {
        assert_eq!(decode("..%2F..%2Fetc", false).as_deref(), Some("../../etc"));
        assert_eq!(decode("a+b%20c", true).as_deref(), Some("a b c"));
        assert_eq!(decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(decode("100%", false).as_deref(), Some("100%"));
        assert_eq!(decode("%zz%4", false).as_deref(), Some("%zz%4"));
        assert_eq!(decode("%ff", false), None);
        assert_eq!(encode("a b/c<é"), "a%20b%2Fc%3C%C3%A9");
    }
}
