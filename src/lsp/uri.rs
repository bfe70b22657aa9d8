//! `file://` URIs and paths: what the client names a file by, and what the vault does.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The path a `file://` URI names; `None` for any other scheme or a relative path.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text
        .strip_prefix("file://")
        .or_else(|| text.strip_prefix("FILE://"))?;
    // `file://host/path`: only the local host (empty or `localhost`) is this machine.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(at) if rest[..at].eq_ignore_ascii_case("localhost") => &rest[at..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    Some(PathBuf::from(OsString::from_vec(decode(path))))
}

/// The `file://` URI of an absolute path.
pub fn uri_of(path: &Path) -> Uri {
    let mut text = String::from("file://");
    for &byte in path.as_os_str().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=@".contains(&byte) {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&text).expect("a percent-encoded file URI is a URI")
}

/// `%20` → a space; a `%` not followed by two hex digits is kept as it is.
fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_uris_round_trip() {
        for path in ["/v/deals/acme.md", "/v/my deals/café #1.md", "/v/100%.md"] {
            let uri = uri_of(Path::new(path));
            assert_eq!(path_of(&uri).as_deref(), Some(Path::new(path)), "{uri:?}");
        }
        let vscode = Uri::from_str("file:///v/c%3A/x%20y.md").unwrap();
        assert_eq!(path_of(&vscode), Some(PathBuf::from("/v/c:/x y.md")));
        let host = Uri::from_str("file://localhost/v/a.md").unwrap();
        assert_eq!(path_of(&host), Some(PathBuf::from("/v/a.md")));
        for other in [
            "untitled:Untitled-1",
            "https://x/a.md",
            "file://elsewhere/a.md",
        ] {
            assert_eq!(path_of(&Uri::from_str(other).unwrap()), None, "{other}");
        }
    }
}
