//! Each page's data, from the same places the commands take it (`render::vault_context`,
//! `list`'s rows and `--where`, `show`'s record view, `check`'s diagnostics), always from the
//! index of the page's audience; and its template, a built-in a vault can override.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;
use serde_json::Value as Json;

use super::book::Book;
use super::frame::{split, Broken, View};
use super::http::{self, Request, Response};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::metrics::report::deal_views;
use crate::metrics::rules;
use crate::metrics::show::record_view;
use crate::model::{Audience, Index, Kind, Record};
use crate::query::{Fields, Query};
use crate::render::markdown::{self, is_safe_url};
use crate::render::rows::{self, Listing};
use crate::render::{self, table, Context, Sections, Templates};

/// A page: a whole HTML document for the frame, or its data as JSON.
pub enum Output {
    Html(String),
    Json(Response),
}

pub type Page = Result<Output, Response>;

/// `context` rendered with `template`, or as JSON when the view asks for it. A template that
/// fails (a vault's own, say) shows its error in the page, so the rest keeps working.
fn output(templates: &Templates, template: &str, context: &impl Serialize, view: &View) -> Page {
    if view.json {
        return Ok(Output::Json(Response::json(context)));
    }
    Ok(Output::Html(
        templates.render(template, context).unwrap_or_else(|e| {
            format!(
                "<div class=\"page\"><p class=\"note\">{}</p></div>",
                escape(&e.to_string())
            )
        }),
    ))
}

/// Text for HTML, outside a template.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn context(book: &Book, audience: Audience, sections: Sections) -> Result<Context, Response> {
    render::vault_context(
        &book.vault,
        &book.options(),
        audience,
        &book.history,
        sections,
        None,
    )
    .map_err(|e| Response::text(500, &e.to_string()))
}

/// `/` and `/prep`: the pipeline report and the prep sheet, as `--format html` writes them.
pub fn report(book: &Book, templates: &Templates, view: &View, sections: Sections) -> Page {
    let template = match sections {
        Sections::Pipeline => "pipeline.html",
        Sections::All => "prep.html",
    };
    output(
        templates,
        template,
        &context(book, view.audience, sections)?,
        view,
    )
}

/// `/asks`: the prep sheet's asks for the manager and commitments.
pub fn asks(book: &Book, templates: &Templates, view: &View) -> Page {
    let context = context(book, view.audience, Sections::All)?;
    output(templates, "serve-asks.html", &context, view)
}

/// `/board`.
pub fn board(book: &Book, templates: &Templates, view: &View) -> Page {
    let context = context(book, view.audience, Sections::Pipeline)?;
    let board = super::board::board(
        context.report.pipeline(),
        &book.vault.config,
        |path| book.content_hash(path),
        view,
    );
    output(templates, "serve-board.html", &board, view)
}

/// The banner's files for `audience`.
pub fn broken(book: &Book, audience: Audience) -> Broken<'_> {
    let unread = book.vault.unread();
    match audience {
        Audience::Me => Broken {
            config: book.config_problems.iter().collect(),
            files: unread,
            count: 0,
        },
        Audience::Manager => Broken {
            count: unread.len(),
            ..Broken::default()
        },
    }
}

#[derive(Serialize)]
struct DealsPage {
    as_of: chrono::NaiveDate,
    audience: Audience,
    currency: String,
    filter: String,
    sort: String,
    error: Option<crate::query::QueryError>,
    columns: Vec<Column>,
    rows: Vec<Line>,
    totals: rows::Totals,
}

#[derive(Serialize)]
struct Column {
    name: String,
    href: String,
    numeric: bool,
    sorted: Option<&'static str>,
}

#[derive(Serialize)]
struct Line {
    href: String,
    cells: Vec<String>,
}

const NUMERIC: [&str; 7] = [
    "amount",
    "base_amount",
    "weighted",
    "probability",
    "days_in_stage",
    "push_count",
    "days_since_activity",
];

/// `/deals?where=EXPR&sort=F,-F`: `list deals` with the same rows, `--where` and sort.
pub fn deals(book: &Book, templates: &Templates, view: &View, request: &Request) -> Page {
    let vault = &book.vault;
    let config = &vault.config;
    let index = vault.index_for(view.audience);
    let history = book
        .history
        .as_ref()
        .ok()
        .map(|h| h.for_audience(view.audience));
    let views = deal_views(index, config, &book.options(), history.as_deref());
    let mut rows = rows::rows(index, config, Listing::Deals, &views);
    let fields = Fields::of(Kind::Deal, &rows);
    let filter = request
        .param("where")
        .unwrap_or_default()
        .trim()
        .to_string();
    let sort = request.param("sort").unwrap_or_default().trim().to_string();
    let keys: Vec<String> = sort
        .split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty() && fields.check(key.trim_start_matches('-')).is_ok())
        .map(str::to_string)
        .collect();
    let mut error = None;
    if !filter.is_empty() {
        match Query::parse(&filter, &fields) {
            Ok(query) => rows.retain(|row| query.matches(row, index)),
            Err(e) => error = Some(e),
        }
    }
    rows::sort(&mut rows, &keys);
    if view.json {
        return match error {
            Some(e) => Err(Response::text(400, &e.to_string())),
            None => Ok(Output::Json(Response::json(&rows))),
        };
    }
    let names = rows::shown_columns(Listing::Deals, &[], &rows, &config.currency);
    let link = |sort: &str| {
        let mut query = Vec::new();
        if !filter.is_empty() {
            query.push(format!("where={}", http::encode(&filter)));
        }
        if !sort.is_empty() {
            query.push(format!("sort={}", http::encode(sort)));
        }
        if view.audience == Audience::Manager {
            query.push("audience=manager".to_string());
        }
        if query.is_empty() {
            "/deals".to_string()
        } else {
            format!("/deals?{}", query.join("&"))
        }
    };
    let columns = names
        .iter()
        .map(|name| {
            let sorted = match keys.as_slice() {
                [one] if one == name => Some("asc"),
                [one] if one.strip_prefix('-') == Some(name) => Some("desc"),
                _ => None,
            };
            Column {
                href: link(&if sorted == Some("asc") {
                    format!("-{name}")
                } else {
                    name.clone()
                }),
                numeric: NUMERIC.contains(&name.as_str()),
                name: name.clone(),
                sorted,
            }
        })
        .collect();
    let totals = rows::totals(&rows);
    let lines = rows
        .iter()
        .map(|row| Line {
            href: view.link(&format!(
                "/deal/{}",
                http::encode(row["id"].as_str().unwrap_or_default())
            )),
            cells: names.iter().map(|c| table::cell(row.get(c))).collect(),
        })
        .collect();
    let page = DealsPage {
        as_of: book.today(),
        audience: view.audience,
        currency: config.currency.clone(),
        filter: filter.clone(),
        sort,
        error,
        columns,
        rows: lines,
        totals,
    };
    output(templates, "serve-deals.html", &page, view)
}

fn record_of<'a>(index: &'a Index, kind: Kind, id: &str) -> Option<&'a Record> {
    match kind {
        Kind::Deal => index.deal(id).map(|d| &d.record),
        Kind::Contact => index.contact(id).map(|c| &c.record),
        Kind::Account => index.account(id).map(|a| &a.record),
    }
}

/// A website as a link: `http(s)://…` as it is, a bare domain over https; anything else
/// (`javascript:`, `file:`) is no link.
fn website_href(website: &str) -> Option<String> {
    let website = website.trim();
    if is_safe_url(website) && !website.to_ascii_lowercase().starts_with("mailto:") {
        Some(website.to_string())
    } else if !website.is_empty() && website.contains('.') && !website.contains([':', ' ', '\\']) {
        Some(format!("https://{website}"))
    } else {
        None
    }
}

/// `/deal/ID`, `/contact/ID`, `/account/ID`: `show`'s view of the record, with its body.
/// The id is looked up in the audience's index, never joined to a path.
pub fn record(book: &Book, templates: &Templates, view: &View, kind: Kind, id: &str) -> Page {
    let vault = &book.vault;
    let index = vault.index_for(view.audience);
    let not_found = || Response::text(404, &format!("no {} has the id \"{id}\"", kind.as_str()));
    let record = record_of(index, kind, id).ok_or_else(not_found)?;
    let shown = record_view(
        &record.path,
        index,
        &vault.config,
        &book.options(),
        view.audience,
        &book.history,
    )
    .ok_or_else(not_found)?;
    if view.json {
        return Ok(Output::Json(Response::json(&shown)));
    }
    let mut page = serde_json::to_value(&shown).map_err(|e| Response::text(500, &e.to_string()))?;
    for list in ["linked", "contacts", "deals"] {
        if let Some(Json::Array(items)) = page.get_mut(list) {
            for item in items {
                let kind = item["kind"].as_str().unwrap_or("deal").to_string();
                let id = item["id"].as_str().unwrap_or_default().to_string();
                item["href"] = Json::from(view.link(&format!("/{kind}/{}", http::encode(&id))));
            }
        }
    }
    let website = page["website"].as_str().and_then(website_href);
    // An address only: `mailto:javascript:…` runs nothing, but is no address either.
    let email = page["email"]
        .as_str()
        .map(str::trim)
        .filter(|e| e.matches('@').count() == 1 && !e.contains([':', '/', '\\', ' ', '?']))
        .map(|e| format!("mailto:{e}"));
    page["website_href"] = Json::from(website);
    page["email_href"] = Json::from(email);
    page["body_html"] = Json::from(markdown::to_html(&record.body.text));
    output(templates, "serve-record.html", &page, view)
}

#[derive(Serialize)]
struct CheckPage<'a> {
    as_of: chrono::NaiveDate,
    audience: Audience,
    records: usize,
    errors: usize,
    warnings: usize,
    files: Vec<FileProblems<'a>>,
}

#[derive(Serialize)]
struct FileProblems<'a> {
    path: String,
    problems: Vec<Problem<'a>>,
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    /// None in the manager's copy: the manager cannot open the rep's files, and the link
    /// would tell where on the rep's computer the vault lives.
    href: Option<String>,
}

/// The editor link of a problem: `pattern` with `{path}` (the file's absolute path without
/// its leading `/`, each part encoded), `{line}` and `{col}`.
fn editor_link(pattern: &str, root: &Path, diagnostic: &Diagnostic) -> String {
    let full = root.join(&diagnostic.path);
    let path: Vec<String> = full
        .to_string_lossy()
        .split('/')
        .filter(|part| !part.is_empty())
        .map(http::encode)
        .collect();
    pattern
        .replace("{path}", &path.join("/"))
        .replace("{line}", &diagnostic.line.to_string())
        .replace("{col}", &diagnostic.column.to_string())
}

/// `/check`: what `dealbook check` finds, by file, in the audience's index.
pub fn check(book: &Book, templates: &Templates, view: &View, editor_url: &str) -> Page {
    let vault = &book.vault;
    let index = vault.index_for(view.audience);
    let mut found = rules::check(index, &vault.config, book.today());
    if view.audience == Audience::Me {
        found.extend(book.config_problems.iter().cloned());
    }
    diagnostic::sort(&mut found);
    if view.json {
        return Ok(Output::Json(Response::json(&found)));
    }
    let mut files: Vec<FileProblems> = Vec::new();
    for d in &found {
        let path = d.path.to_string_lossy().replace('\\', "/");
        let problem = Problem {
            diagnostic: d,
            href: (view.audience == Audience::Me).then(|| editor_link(editor_url, &vault.root, d)),
        };
        match files.last_mut() {
            Some(file) if file.path == path => file.problems.push(problem),
            _ => files.push(FileProblems {
                path,
                problems: vec![problem],
            }),
        }
    }
    let errors = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let records = match view.audience {
        Audience::Me => vault.record_files(),
        Audience::Manager => index.deals.len() + index.contacts.len() + index.accounts.len(),
    };
    let page = CheckPage {
        as_of: book.today(),
        audience: view.audience,
        records,
        errors,
        warnings: found.len() - errors,
        files,
    };
    output(templates, "serve-check.html", &page, view)
}

/// The rep's prep context with what the manager's copy leaves out, for `prep.html` to mark.
#[derive(Serialize)]
struct Marked<'a> {
    #[serde(flatten)]
    context: &'a Context,
    left_out: &'a [String],
}

/// The ids of the deals the rep sees and the manager does not (the prep sheet marks deals).
fn left_out(mine: &Index, theirs: &Index) -> Vec<String> {
    let ids = |index: &Index| -> HashSet<String> {
        index.deals.iter().map(|d| d.record.id.clone()).collect()
    };
    let shown = ids(theirs);
    let mut out: Vec<String> = ids(mine)
        .into_iter()
        .filter(|id| !shown.contains(id))
        .collect();
    out.sort();
    out
}

/// `/side-by-side`: the rep's prep sheet with what the manager's copy leaves out marked, and
/// the manager's copy beside it. Asked for as the manager, only the manager's copy.
pub fn side_by_side(book: &Book, templates: &Templates, view: &View) -> Page {
    if view.audience == Audience::Manager {
        return report(book, templates, view, Sections::All);
    }
    let vault = &book.vault;
    let mine = context(book, Audience::Me, Sections::All)?;
    let theirs = context(book, Audience::Manager, Sections::All)?;
    let left_out = left_out(&vault.index, vault.index_for(Audience::Manager));
    if view.json {
        let data = serde_json::json!({ "manager_copy": mine.manager_copy, "left_out": left_out });
        return Ok(Output::Json(Response::json(&data)));
    }
    let failed = |e: crate::render::TemplateError| Response::text(500, &e.to_string());
    let marked = Marked {
        context: &mine,
        left_out: &left_out,
    };
    let mine_html = templates.render("prep.html", &marked).map_err(failed)?;
    let theirs_html = templates.render("prep.html", &theirs).map_err(failed)?;
    let (head, mine_body) = split(&mine_html);
    let (_, theirs_body) = split(&theirs_html);
    let style = head
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(style, _)| style);
    let safe = |text: &str| minijinja::Value::from_safe_string(text.to_string());
    let page = minijinja::context! {
        as_of => book.today(),
        currency => &vault.config.currency,
        manager_copy => minijinja::Value::from_serialize(&mine.manager_copy),
        prep_style => safe(style),
        mine => safe(mine_body),
        theirs => safe(theirs_body),
    };
    output(templates, "serve-side-by-side.html", &page, view)
}
