//! What a request must pass before it is answered, and the headers every answer carries.
//!
//! - The `Host` header must name this server as it was asked for (`127.0.0.1:PORT` or
//!   `localhost:PORT`), so a web page whose own name was re-pointed at 127.0.0.1 (DNS
//!   rebinding) is refused.
//! - Listening beyond this computer needs an access token: every request carries it, in a
//!   cookie set when the URL with `?token=` is first opened.
//! - A write (POST) needs the session token put in the pages and an `Origin` of this server:
//!   another site's page can neither read the token nor pass as this origin.

use super::http::{Request, Response};

/// The Content-Security-Policy of every answer: scripts only from this server (`/app.js`), no
/// plugin, frame or base change, requests only to this server. Styles may be inline: the
/// reports' charts size their bars in `style` attributes, and no vault value reaches a style.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The cookie that carries the access token.
const COOKIE: &str = "dealbook_token";

/// The headers every answer carries.
pub fn headers() -> Vec<(&'static str, String)> {
    vec![
        ("Content-Security-Policy", POLICY.to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("Referrer-Policy", "no-referrer".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
        ("Cross-Origin-Opener-Policy", "same-origin".to_string()),
        ("Cross-Origin-Resource-Policy", "same-origin".to_string()),
        ("Cache-Control", "no-store".to_string()),
    ]
}

/// 32 hex digits from the system's random source.
pub fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether two secrets are equal, taking as long whichever byte differs.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The checks, for one server.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The `Host` values a request may carry, in lowercase; empty: any (the server listens on
    /// every address, and the access token guards it).
    hosts: Vec<String>,
    /// The token the pages carry and every write must send back.
    pub session: String,
    /// The token every request needs, when the server listens beyond this computer.
    access: Option<String>,
}

/// A request that passed; `set_cookie` when it brought the access token in its URL, so the
/// answer should set the cookie.
pub struct Admitted {
    pub set_cookie: Option<String>,
}

impl Guard {
    /// For a server listening on `host` (as given, `127.0.0.1` by default) at `port`.
    pub fn new(host: &str, port: u16, session: String, access: Option<String>) -> Guard {
        let mut names = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let any = matches!(host, "0.0.0.0" | "::" | "[::]");
        let host = host.to_ascii_lowercase();
        if host.contains(':') && !host.starts_with('[') {
            names.push(format!("[{host}]:{port}"));
        } else {
            names.push(format!("{host}:{port}"));
        }
        Guard {
            hosts: if any { Vec::new() } else { names },
            session,
            access,
        }
    }

    /// Whether `request` may be answered at all.
    pub fn admit(&self, request: &Request) -> Result<Admitted, Response> {
        let host = request
            .header("host")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !self.hosts.is_empty() && !self.hosts.contains(&host) {
            return Err(Response::text(
                400,
                "this server answers only to its own address (the Host header names another)",
            ));
        }
        let Some(access) = &self.access else {
            return Ok(Admitted { set_cookie: None });
        };
        if request.param("token").is_some_and(|t| same(t, access)) {
            return Ok(Admitted {
                set_cookie: Some(format!(
                    "{COOKIE}={access}; HttpOnly; SameSite=Strict; Path=/"
                )),
            });
        }
        let cookie = request.header("cookie").unwrap_or_default();
        let carried = cookie
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .any(|(name, value)| name == COOKIE && same(value, access));
        if carried {
            Ok(Admitted { set_cookie: None })
        } else {
            Err(Response::text(
                401,
                "open the address dealbook serve printed, with its ?token=",
            ))
        }
    }

    /// Whether `request` may change the vault: it comes from one of this server's pages.
    pub fn allow_write(&self, request: &Request) -> Result<(), Response> {
        let host = request.header("host").unwrap_or_default();
        let origin = request.header("origin").unwrap_or_default();
        if !origin.eq_ignore_ascii_case(&format!("http://{host}")) {
            return Err(Response::text(
                403,
                "refused: a change must come from this server's own pages (Origin)",
            ));
        }
        let token = request.header("x-dealbook-token").unwrap_or_default();
        if !same(token, &self.session) {
            return Err(Response::text(
                403,
                "refused: this page's session has ended; reload it",
            ));
        }
        Ok(())
    }
}
