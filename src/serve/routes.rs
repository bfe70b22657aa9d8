//! One connection: its request read within limits, passed through the guard, answered by its
//! route, and the answer written with the security headers.

use std::net::TcpStream;

use super::frame::{self, Chrome, View};
use super::http::{self, ReadError, Request, Response};
use super::pages::{self, Output};
use super::{edits, events, security, Shared};
use crate::model::{Audience, Kind};
use crate::render::Sections;

const SCRIPT: &str = include_str!("app.js");
const STYLE: &str = include_str!("app.css");

/// Answers the one request on `stream`.
pub fn handle(mut stream: TcpStream, shared: &Shared) {
    if stream.set_write_timeout(Some(http::TIMEOUT)).is_err() {
        return;
    }
    let request = match http::read_request(&mut stream) {
        Ok(request) => request,
        Err(ReadError::Gone) => return,
        Err(ReadError::Bad(status, why)) => {
            send(&mut stream, Response::text(status, why), false);
            http::linger(&mut stream);
            return;
        }
    };
    let head_only = request.method == "HEAD";
    let admitted = match shared.guard.admit(&request) {
        Ok(admitted) => admitted,
        Err(refused) => {
            send(&mut stream, refused, head_only);
            return;
        }
    };
    if request.method == "GET" && request.segments == ["events"] {
        // The stream ends when the client goes away; there is no one to tell.
        let _ = events::stream(&mut stream, &shared.versions, security::headers());
        return;
    }
    let mut response = answer(&request, shared);
    if let Some(cookie) = admitted.set_cookie {
        response = response.with("Set-Cookie", cookie);
    }
    send(&mut stream, response, head_only);
}

fn send(stream: &mut TcpStream, mut response: Response, head_only: bool) {
    response.headers.extend(security::headers());
    // A client that went away or stopped reading is no one to tell either.
    let _ = http::write_response(stream, &response, head_only);
}

fn answer(request: &Request, shared: &Shared) -> Response {
    let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["deal", id, "stage"]) => {
            if let Err(refused) = shared.guard.allow_write(request) {
                return refused;
            }
            let json = request
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json"));
            if !json {
                return Response::text(415, "send the move as application/json");
            }
            let book = shared.book.read().unwrap_or_else(|e| e.into_inner());
            edits::move_stage(&book, id, &request.body)
        }
        ("GET" | "HEAD", ["app.js"]) => {
            Response::new(200, "text/javascript; charset=utf-8", SCRIPT)
        }
        ("GET" | "HEAD", ["app.css"]) => Response::new(200, "text/css; charset=utf-8", STYLE),
        ("GET" | "HEAD", _) => page(request, shared, &segments),
        _ => Response::text(
            405,
            "this server only shows pages and moves deals on the board",
        )
        .with("Allow", "GET, HEAD, POST"),
    }
}

fn page(request: &Request, shared: &Shared, segments: &[&str]) -> Response {
    let audience = match request.param("audience") {
        None | Some("me") => Audience::Me,
        Some("manager") => Audience::Manager,
        Some(_) => return Response::text(400, "audience is me or manager"),
    };
    let path = format!(
        "/{}",
        segments
            .iter()
            .map(|s| http::encode(s))
            .collect::<Vec<_>>()
            .join("/")
    );
    let query = request
        .query
        .iter()
        .filter(|(name, _)| !["audience", "fragment", "format", "token"].contains(&name.as_str()))
        .map(|(name, value)| format!("{}={}", http::encode(name), http::encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let view = View {
        audience,
        fragment: request.param("fragment") == Some("1"),
        json: request.param("format") == Some("json"),
        path,
        query,
    };
    let version = shared.versions.current();
    let book = shared.book.read().unwrap_or_else(|e| e.into_inner());
    let templates = crate::build::templates(&book.vault);
    let page = match segments {
        [] => pages::report(&book, &templates, &view, Sections::Pipeline),
        ["prep"] => pages::report(&book, &templates, &view, Sections::All),
        ["board"] => pages::board(&book, &templates, &view),
        ["deals"] => pages::deals(&book, &templates, &view, request),
        ["deal", id] => pages::record(&book, &templates, &view, Kind::Deal, id),
        ["contact", id] => pages::record(&book, &templates, &view, Kind::Contact, id),
        ["account", id] => pages::record(&book, &templates, &view, Kind::Account, id),
        ["check"] => pages::check(&book, &templates, &view, &shared.editor_url),
        ["asks"] => pages::asks(&book, &templates, &view),
        ["side-by-side"] => pages::side_by_side(&book, &templates, &view),
        _ => Err(Response::text(404, "no such page")),
    };
    let html = match page {
        Ok(Output::Html(html)) => html,
        Ok(Output::Json(response)) | Err(response) => return response,
    };
    let chrome = Chrome {
        token: &shared.guard.session,
        version,
        broken: pages::broken(&book, audience),
    };
    match frame::frame(&templates, &html, &view, &chrome) {
        Ok(framed) => Response::html(framed),
        Err(e) => Response::text(500, &e.to_string()),
    }
}
