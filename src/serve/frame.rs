//! The frame around every page: a page's own template (a whole HTML document, like the
//! reports `dealbook pipeline --format html` writes) is cut into its head and body, and
//! `serve-frame.html` puts them back with the navigation, the banner for files that cannot be
//! read and the live script; `?fragment=1` gets only what goes inside `<main>`.

use minijinja::Value;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::model::Audience;
use crate::render::Templates;

/// How one request wants its page.
#[derive(Debug, Clone)]
pub struct View {
    pub audience: Audience,
    /// Only the content of `<main>`, for a live refresh.
    pub fragment: bool,
    /// The page's data as JSON instead of HTML.
    pub json: bool,
    /// The request's path, its segments encoded again, as links name it.
    pub path: String,
    /// The request's query but for the audience and the view, encoded again (`where=…`), so
    /// the audience switch keeps a filtered table filtered.
    pub query: String,
}

impl View {
    /// What a link to another page adds to keep this audience: `?audience=manager` or nothing.
    pub fn query(&self) -> &'static str {
        match self.audience {
            Audience::Me => "",
            Audience::Manager => "?audience=manager",
        }
    }

    /// A link to `path` (already encoded) for this audience.
    pub fn link(&self, path: &str) -> String {
        format!("{path}{}", self.query())
    }
}

/// The files the banner names: the config's problems and the files that cannot be read. The
/// manager's copy only counts them (one may be private).
#[derive(Debug, Default, Serialize)]
pub struct Broken<'a> {
    pub config: Vec<&'a Diagnostic>,
    pub files: Vec<&'a Diagnostic>,
    pub count: usize,
}

/// What the frame needs besides the page.
pub struct Chrome<'a> {
    pub token: &'a str,
    pub version: u64,
    pub broken: Broken<'a>,
}

const NAV: [(&str, &str); 7] = [
    ("/", "Pipeline"),
    ("/prep", "Prep"),
    ("/board", "Board"),
    ("/deals", "Deals"),
    ("/asks", "Asks"),
    ("/check", "Check"),
    ("/side-by-side", "Side by side"),
];

#[derive(Serialize)]
struct NavLink {
    href: String,
    label: &'static str,
    current: bool,
}

/// The inside of a document's `<head>` and `<body>`. The text comes from a template whose
/// vault values are escaped, so a tag found here is the template's own. A text that is not
/// a whole document is all body.
pub fn split(html: &str) -> (&str, &str) {
    let head = match (html.find("<head>"), html.find("</head>")) {
        (Some(start), Some(end)) if start + 6 <= end => &html[start + 6..end],
        _ => "",
    };
    let body = html
        .find("<body")
        .and_then(|start| html[start..].find('>').map(|end| start + end + 1))
        .map(|start| {
            let end = html
                .rfind("</body>")
                .filter(|&end| end >= start)
                .unwrap_or(html.len());
            &html[start..end]
        })
        .unwrap_or(html);
    (head, body)
}

/// The page `html` (a whole document, or its error) in the frame.
pub fn frame(
    templates: &Templates,
    html: &str,
    view: &View,
    chrome: &Chrome,
) -> Result<String, crate::render::TemplateError> {
    let (head, body) = split(html);
    let nav: Vec<NavLink> = NAV
        .iter()
        .filter(|(path, _)| view.audience == Audience::Me || *path != "/side-by-side")
        .map(|&(path, label)| NavLink {
            href: view.link(path),
            label,
            current: view.path == path,
        })
        .collect();
    let mut other: Vec<&str> = Vec::new();
    if !view.query.is_empty() {
        other.push(&view.query);
    }
    if view.audience == Audience::Me {
        other.push("audience=manager");
    }
    let other = if other.is_empty() {
        view.path.clone()
    } else {
        format!("{}?{}", view.path, other.join("&"))
    };
    let context = minijinja::context! {
        fragment => view.fragment,
        head => Value::from_safe_string(head.to_string()),
        body => Value::from_safe_string(body.to_string()),
        token => chrome.token,
        version => chrome.version,
        broken => Value::from_serialize(&chrome.broken),
        nav => Value::from_serialize(&nav),
        audience => view.audience,
        other_audience => other,
    };
    templates.render("serve-frame.html", &context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_document_into_head_and_body() {
        let (head, body) = split(
            "<!doctype html><html><head><title>t</title></head><body class=\"x\">b</body></html>",
        );
        assert_eq!(head, "<title>t</title>");
        assert_eq!(body, "b");
        assert_eq!(split("just text"), ("", "just text"));
    }
}
