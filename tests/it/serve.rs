//! `dealbook serve` over HTTP, as a browser talks to it: the real binary on a free port, its
//! pages, its event stream after a file is written, its refusals, and the board's moves. Every
//! wait is bounded; a failing test still kills its server (see `Served`'s `Drop`).

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{self, example, md, Served, TestVault};

/// Every page, each with the text that says it is the page it claims to be.
const PAGES: &[(&str, &str)] = &[
    ("/", "Pipeline"),
    ("/prep", "Prep"),
    ("/board", "Open deals by stage"),
    ("/deals", "every deal, open and closed"),
    (
        "/deals?where=stage%3Dproposal&sort=-amount",
        "Acme — platform renewal",
    ),
    (
        "/deal/acme-platform-renewal",
        "Send revised pricing to Jane",
    ),
    ("/contact/jane-doe", "Acme — platform renewal"),
    ("/account/acme", "Acme — platform renewal"),
    (
        "/check",
        "checked, as <code>dealbook check</code> checks them",
    ),
    ("/asks", "Call their VP Finance"),
    ("/side-by-side", "My prep sheet and the manager's copy"),
];

/// The longest a change on disk may take to reach an open page here: the 200 ms on the
/// example vault, with room for a loaded test machine (the README has the measured figures).
const LIVE: Duration = Duration::from_secs(2);

#[test]
fn every_page_answers_in_both_audiences_with_the_security_headers() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    for (path, wanted) in PAGES {
        for audience in ["", "audience=manager"] {
            let url = match (path.contains('?'), audience.is_empty()) {
                (_, true) => path.to_string(),
                (true, false) => format!("{path}&{audience}"),
                (false, false) => format!("{path}?{audience}"),
            };
            let answer = served.get(&url);
            assert_eq!(answer.status, 200, "{url}: {}", answer.body);
            assert_eq!(
                answer.header("content-type"),
                Some("text/html; charset=utf-8"),
                "{url}"
            );
            let policy = answer.header("content-security-policy").unwrap_or("");
            assert!(
                policy.contains("default-src 'none'") && policy.contains("script-src 'self'"),
                "{url}: {policy}"
            );
            assert_eq!(answer.header("x-frame-options"), Some("DENY"));
            let body = &answer.text();
            if audience.is_empty() || *path != "/side-by-side" {
                assert!(body.contains(wanted), "{url} lacks {wanted:?}: {body}");
            }
            // Works offline: nothing is loaded from elsewhere, and no script runs inline.
            for loaded in ["src=\"http", "src=\"//", "href=\"//", "@import", "url(http"] {
                assert!(!body.contains(loaded), "{url} loads {loaded}");
            }
            assert!(
                !body.contains("<link rel=\"stylesheet\" href=\"http"),
                "{url}"
            );
            assert_eq!(
                body.matches("<script").count(),
                body.matches("<script src=\"/app.js\"></script>").count(),
                "{url} has an inline script"
            );
            if audience.is_empty() {
                assert!(body.contains("manager's copy</a>"), "{url}: {body}");
            } else {
                assert!(body.contains("<b>Manager's copy</b>"), "{url}: {body}");
            }
        }
    }
    let script = served.get("/app.js");
    assert_eq!(script.status, 200);
    assert!(script.body.contains("EventSource"));
    assert_eq!(served.get("/app.css").status, 200);
    // The live refresh asks for the inside of the page only.
    let fragment = served.get("/board?fragment=1").text();
    assert!(fragment.contains("Open deals by stage"));
    assert!(!fragment.contains("<nav") && !fragment.contains("<html"));
    // JSON: the same data the page shows.
    let json: serde_json::Value =
        serde_json::from_str(&served.get("/board?format=json").body).expect("JSON");
    assert!(json["columns"].as_array().is_some_and(|c| !c.is_empty()));
    assert_eq!(served.get("/nowhere").status, 404);
    assert_eq!(served.get("/deal/no-such-deal").status, 404);
    assert_eq!(served.get("/?audience=boss").status, 400);
    let put = served.raw(&format!(
        "PUT /board HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
        served.host
    ));
    assert_eq!(put.status, 405);
}

/// The pipeline and prep pages are the HTML reports themselves, in the frame.
#[test]
fn the_report_pages_are_the_html_reports() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    for (page, command) in [("/", "pipeline"), ("/prep", "prep")] {
        for audience in ["me", "manager"] {
            let report =
                common::stdout(&v.cmd(&[command, "--format", "html", "--audience", audience]));
            let body = report
                .split_once("<body>")
                .and_then(|(_, rest)| rest.rsplit_once("</body>"))
                .map(|(body, _)| body)
                .expect("a body");
            let served_page = served.get(&format!("{page}?audience={audience}")).body;
            assert!(
                served_page.contains(body),
                "{page} as {audience} is not `{command} --format html`"
            );
        }
    }
}

/// The board's columns follow the config's stages, each with its count and totals, and each
/// card has its title, account, amount, close date and flags.
#[test]
fn the_board_has_a_column_per_stage_with_totals() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let board: serde_json::Value =
        serde_json::from_str(&served.get("/board?format=json").body).expect("JSON");
    let stages: Vec<&str> = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["stage"].as_str().expect("a stage"))
        .collect();
    assert_eq!(
        stages,
        [
            "prospecting",
            "discovery",
            "demo",
            "proposal",
            "negotiation",
            "closed_won",
            "closed_lost"
        ]
    );
    let pipeline = common::json(&v.cmd(&["pipeline", "--format", "json"]));
    for column in board["columns"].as_array().expect("columns") {
        let stage = column["stage"].as_str().expect("a stage");
        let deals = column["deals"].as_array().expect("cards");
        assert_eq!(column["count"], deals.len());
        let sum: f64 = deals.iter().filter_map(|d| d["amount"].as_f64()).sum();
        let amount = column["amount"].as_f64().expect("an amount");
        assert!((sum - amount).abs() < 0.01, "{stage}: {sum} vs {amount}");
        if let Some(row) = pipeline["by_stage"]
            .as_array()
            .expect("by_stage")
            .iter()
            .find(|s| s["stage"] == stage)
        {
            assert_eq!(column["weighted"], row["weighted"], "{stage}");
        }
    }
    let html = served.get("/board").text();
    let card = html
        .split("data-deal=\"acme-platform-renewal\"")
        .nth(1)
        .and_then(|rest| rest.split("</article>").next())
        .expect("the card");
    for wanted in [
        "Acme — platform renewal",
        "Acme Corp",
        "$48,000",
        "2026-12-15",
        "ROI not accepted",
    ] {
        assert!(card.contains(wanted), "{wanted}: {card}");
    }
    assert!(html.contains("$180,000 · weighted $94,800"), "{html}");
}

/// A vault whose records try to run script: a title, a body with raw HTML and a
/// `javascript:` link, an account website and a contact's email.
fn hostile() -> TestVault {
    TestVault::new()
        .config("quota: { 2026-Q4: 100000 }\n")
        .file(
            "deals/evil.md",
            md(&[
                "---",
                "title: \"<script>alert('title')</script>\"",
                "account: evil-co",
                "amount: 1000",
                "stage: proposal",
                "close_date: 2026-12-15",
                "next_step: \"<img src=x onerror=alert(1)>\"",
                "next_step_date: 2026-12-01",
                "---",
                "<script>alert('body')</script>",
                "",
                "[click](javascript:alert('link')) and ![i](http://tracker.example/p.png)",
                "",
                "## Tasks",
                "- [ ] <b onclick=alert(2)>task</b> due:2026-11-24",
                "- [ ] @manager <i onmouseover=alert(4)>ask</i> due:2026-11-25",
            ]),
        )
        .file(
            "accounts/evil-co.md",
            md(&[
                "---",
                "name: \"Evil <svg onload=alert(3)>\"",
                "website: \"javascript:alert('website')\"",
                "---",
            ]),
        )
        .file(
            "contacts/eve.md",
            md(&[
                "---",
                "name: Eve",
                "account: evil-co",
                "email: \"javascript:alert('mail')//@x\"",
                "---",
            ]),
        )
}

#[test]
fn nothing_from_the_vault_runs_as_script_or_markup() {
    let v = hostile();
    let served = Served::vault(v.path(), &[]);
    for path in [
        "/",
        "/prep",
        "/board",
        "/deals",
        "/deal/evil",
        "/account/evil-co",
        "/contact/eve",
        "/check",
        "/asks",
        "/side-by-side",
        "/board?fragment=1",
    ] {
        let body = served.get(path).body;
        assert!(
            body.contains("alert(") || path == "/check",
            "{path} shows nothing of the hostile vault: {body}"
        );
        for bad in [
            "<script>alert",
            "<img src=x",
            "<b onclick",
            "<i onmouseover",
            "<svg onload",
            "href=\"javascript:",
            "href=\"mailto:javascript",
            "src=\"http://tracker",
        ] {
            assert!(!body.contains(bad), "{path} has {bad}: {body}");
        }
    }
    let deal = served.get("/deal/evil").body;
    assert!(deal.contains("&lt;script&gt;alert("), "{deal}");
    // The image is a link to itself, never loaded.
    assert!(deal.contains("<a href=\"http://tracker.example/p.png\">i</a>"));
    let account = served.get("/account/evil-co").text();
    assert!(
        account.contains("javascript:alert('website')"),
        "shown as text: {account}"
    );
}

#[test]
fn the_deals_table_filters_sorts_and_shows_where_errors_at_their_column() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let rows = |query: &str| -> Vec<String> {
        let json: serde_json::Value =
            serde_json::from_str(&served.get(&format!("/deals?format=json&{query}")).body)
                .expect("JSON rows");
        json.as_array()
            .expect("rows")
            .iter()
            .map(|r| r["id"].as_str().expect("an id").to_string())
            .collect()
    };
    let listed = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "deals", "--format", "json"];
        all.extend(args);
        common::json(&v.cmd(&all))
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["id"].as_str().expect("an id").to_string())
            .collect()
    };
    let proposals = rows("where=stage%3Dproposal&sort=-amount");
    assert!(proposals.len() > 1, "{proposals:?}");
    assert_eq!(
        proposals,
        listed(&["--where", "stage=proposal", "--sort", "-amount"])
    );
    assert_eq!(rows("sort=-amount"), listed(&["--sort", "-amount"]));
    assert_eq!(
        rows("sort=close_date,-amount"),
        listed(&["--sort", "close_date,-amount"])
    );
    // A sortable header links to the other direction.
    let page = served.get("/deals?sort=amount").text();
    assert!(page.contains("href=\"/deals?sort=-amount\""), "{page}");
    assert!(page.contains("amount ▲"), "{page}");
    // A bad expression: where, and why, with a caret under the column.
    let bad = served.get("/deals?where=amount%20%3E%3D%20%3D5").text();
    assert!(bad.contains("<b>Column 11:</b>"), "{bad}");
    assert!(bad.contains("amount >= =5\n          ^</pre>"), "{bad}");
    assert!(bad.contains("value=\"amount >= =5\""), "{bad}");
    assert_eq!(
        served
            .get("/deals?format=json&where=amount%3E%3D%3D5")
            .status,
        400
    );
    // The audience switch keeps the filter and the sort.
    let filtered = served
        .get("/deals?where=stage%3Dproposal&sort=-amount")
        .text();
    assert!(
        filtered.contains("href=\"/deals?where=stage%3Dproposal&sort=-amount&audience=manager\""),
        "{filtered}"
    );
}

#[test]
fn a_record_page_shows_fields_flags_body_tasks_links_and_history() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let deal = served.get("/deal/acme-platform-renewal").text();
    for wanted in [
        "<dt>Stage</dt><dd>proposal · 55% · best case</dd>",
        "<dt>Amount</dt><dd>$48,000 · weighted $26,400</dd>",
        "ROI not accepted",
        // The body as HTML, its headings and lists made.
        "<p>Annual renewal of the Platform plan (220 seats).",
        "<h2>Log</h2>",
        "<li>2026-11-20: Call with Jane and Bob;",
        // Open tasks, the ask for the manager marked; the done one is not there.
        "<span class=\"tag tag-blue\">ask</span> Call their VP Finance",
        "href=\"/contact/jane-doe\"",
        "href=\"/contact/bob-lee\"",
    ] {
        assert!(deal.contains(wanted), "{wanted}: {deal}");
    }
    assert!(!deal.contains("<span>Book the security review</span>"));
    let account = served.get("/account/acme").text();
    assert!(account.contains("href=\"/deal/acme-platform-renewal\""));
    assert!(account.contains("href=\"/contact/jane-doe\""));
    // The manager's copy keeps the audience in its links.
    let managers = served.get("/account/acme?audience=manager").text();
    assert!(managers.contains("href=\"/deal/acme-platform-renewal?audience=manager\""));
}

#[test]
fn a_deals_history_is_a_timeline_when_the_vault_is_in_git() {
    let v = TestVault::new()
        .config("quota: { 2026-Q4: 100000 }\n")
        .file("deals/acme.md", common::CLEAN_DEAL);
    common::git(v.path(), Some("2026-11-01"), &["init", "-q", "."]);
    common::git(v.path(), Some("2026-11-01"), &["add", "-A"]);
    common::git(v.path(), Some("2026-11-01"), &["commit", "-qm", "one"]);
    let text = common::CLEAN_DEAL.replace("stage: proposal", "stage: negotiation");
    std::fs::write(v.join("deals/acme.md"), text).expect("write");
    common::git(v.path(), Some("2026-11-10"), &["commit", "-qam", "two"]);
    let served = Served::vault(v.path(), &[]);
    let page = served.get("/deal/acme").text();
    let history = page
        .split_once("<h2>History</h2>")
        .map(|(_, rest)| rest)
        .expect("a history section");
    assert!(history.contains("2026-11-10"), "{history}");
    assert!(history.contains("negotiation"), "{history}");
}

#[test]
fn the_check_page_groups_problems_by_file_with_editor_links() {
    let v = TestVault::new()
        .config("quota: { 2026-Q4: 100000 }\n")
        .file("deals/good.md", common::CLEAN_DEAL)
        .file(
            "deals/bad.md",
            md(&["---", "title: Bad", "amount: lots", "stage: demo", "---"]),
        );
    let root = v.path().canonicalize().expect("a real path");
    let served = Served::vault(v.path(), &[]);
    let page = served.get("/check").text();
    assert!(page.contains("<h2>deals/bad.md</h2>"), "{page}");
    let encoded: Vec<String> = root
        .to_string_lossy()
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let link = format!(
        "href=\"vscode://file/{}/deals/bad.md:3:9\"",
        encoded.join("/")
    );
    assert!(page.contains(&link), "{link} in {page}");
    assert!(page.contains("3:9</a>"), "{page}");
    // A pattern of the rep's own.
    drop(served);
    let served = Served::vault(
        v.path(),
        &["--editor-url", "idea://open?file=/{path}&line={line}"],
    );
    let page = served.get("/check").text();
    let link = format!(
        "href=\"idea://open?file=/{}/deals/bad.md&line=3\"",
        encoded.join("/")
    );
    assert!(page.contains(&link), "{link} in {page}");
    // The manager's copy lists the problem without a link into the rep's computer.
    let managers = served.get("/check?audience=manager").text();
    assert!(managers.contains("<h2>deals/bad.md</h2>"), "{managers}");
    assert!(managers.contains("3:9</span>"), "{managers}");
    assert!(!managers.contains("idea://"), "{managers}");
    assert!(!managers.contains(&encoded.join("/")), "{managers}");
}

#[test]
fn a_saved_file_reaches_open_pages_as_an_event() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let mut events = served.events("");
    let first = events
        .past(None, LIVE)
        .expect("the current version at once");
    let path = v.join("deals/acme-platform-renewal.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let start = Instant::now();
    std::fs::write(&path, text.replace("amount: 48000", "amount: 48123")).expect("write");
    let version = events.past(Some(first), LIVE);
    let took = start.elapsed();
    assert!(
        version.is_some(),
        "no event after the write: {}",
        events.text
    );
    eprintln!("save to event: {took:?}");
    let board = served.get("/board?fragment=1").text();
    assert!(board.contains("$48,123"), "{board}");
    // The event names a version only: nothing of the book.
    assert!(!events.text.contains("48"), "{}", events.text);
}

#[test]
fn a_broken_file_shows_in_the_banner_and_on_the_check_page_and_the_rest_keeps_updating() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let mut events = served.events("");
    let first = events.past(None, LIVE).expect("the current version");
    std::fs::write(
        v.join("deals/broken.md"),
        "---\ntitle: [unclosed\nstage: demo\n---\n",
    )
    .expect("write");
    let broken = events.past(Some(first), LIVE).expect("an event");
    let board = served.get("/board").text();
    assert!(board.contains("class=\"serve-banner\""), "{board}");
    assert!(board.contains("deals/broken.md:2"), "{board}");
    assert!(
        board.contains("Acme — platform renewal"),
        "the rest is shown"
    );
    let check = served.get("/check").text();
    assert!(check.contains("<h2>deals/broken.md</h2>"), "{check}");
    // The manager's copy only counts it: its name may be private.
    let managers = served.get("/board?audience=manager").text();
    assert!(managers.contains("1 file cannot be read"), "{managers}");
    assert!(!managers.contains("broken.md"), "{managers}");
    // Another file still updates the pages.
    let path = v.join("deals/acme-platform-renewal.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("amount: 48000", "amount: 48777")).expect("write");
    events.past(Some(broken), LIVE).expect("an event");
    assert!(served.get("/board").body.contains("$48,777"));
    // Mended, the banner goes.
    std::fs::write(
        v.join("deals/broken.md"),
        "---\ntitle: Mended\nstage: demo\n---\n",
    )
    .expect("write");
    let deadline = Instant::now() + LIVE;
    while served.get("/board").body.contains("serve-banner") {
        assert!(Instant::now() < deadline, "the banner stays");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_request_for_another_host_or_out_of_the_vault_is_refused() {
    let v = example();
    std::fs::write(v.path().join("secret.txt"), "SECRET-OUTSIDE").expect("write");
    let served = Served::vault(&v.join("deals").join(".."), &[]);
    // DNS rebinding: a page of another site whose name now points here.
    let rebound = served.get_with("/board", &[]).status;
    assert_eq!(rebound, 200);
    let other = served.raw("GET /board HTTP/1.1\r\nHost: evil.example:80\r\n\r\n");
    assert_eq!(other.status, 400, "{}", other.body);
    assert!(!other.body.contains("Acme"));
    let none = served.raw("GET /board HTTP/1.1\r\n\r\n");
    assert_eq!(none.status, 400);
    let localhost = served.raw(&format!(
        "GET /board HTTP/1.1\r\nHost: {}\r\n\r\n",
        served.host.replace("127.0.0.1", "localhost")
    ));
    assert_eq!(localhost.status, 200);
    // Paths are ids looked up in the index, never joined to the vault's folder.
    for path in [
        "/deal/..%2F..%2Fsecret.txt",
        "/deal/../../secret.txt",
        "/deal/%2e%2e%2fdealbook.yaml",
        "/../secret.txt",
        "/deal/..%2Fdealbook",
        "/app.js/..%2F..%2Fsecret.txt",
    ] {
        let answer = served.get(path);
        assert!(
            matches!(answer.status, 400 | 404),
            "{path}: {}",
            answer.status
        );
        assert!(!answer.body.contains("SECRET-OUTSIDE"), "{path}");
        assert!(!answer.body.contains("quota"), "{path}");
    }
    // Too large a request is refused, not read.
    let huge = format!(
        "GET /board HTTP/1.1\r\nHost: {}\r\nX-Big: {}\r\n\r\n",
        served.host,
        "a".repeat(20_000)
    );
    assert_eq!(served.raw(&huge).status, 431);
}

/// A POST the board did not send: without the token, with another site's Origin, without an
/// Origin, or not JSON. Each is refused and the file is untouched.
#[test]
fn a_write_not_from_the_servers_own_pages_is_refused() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let path = v.join("deals/acme-platform-renewal.md");
    let before = std::fs::read_to_string(&path).expect("read");
    let hash = card_hash(&served, "acme-platform-renewal");
    let body = format!("{{\"stage\": \"negotiation\", \"hash\": \"{hash}\"}}");
    let token = served.session_token();
    let url = "/deal/acme-platform-renewal/stage";
    let origin = format!("Origin: {}", served.origin);
    let with_token = format!("X-Dealbook-Token: {token}");
    for (headers, why) in [
        (vec![origin.as_str()], "no token"),
        (
            vec![
                origin.as_str(),
                "X-Dealbook-Token: 0123456789abcdef0123456789abcdef",
            ],
            "a wrong token",
        ),
        (
            vec!["Origin: http://evil.example", with_token.as_str()],
            "a foreign Origin",
        ),
        (
            vec!["Origin: null", with_token.as_str()],
            "an opaque Origin",
        ),
        (vec![with_token.as_str()], "no Origin"),
    ] {
        let answer = served.post(url, &headers, &body);
        assert_eq!(answer.status, 403, "{why}: {}", answer.body);
    }
    let form = served.raw(&format!(
        "POST {url} HTTP/1.1\r\nHost: {}\r\n{origin}\r\n{with_token}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        served.host,
        body.len()
    ));
    assert_eq!(form.status, 415);
    // GET never writes.
    assert_eq!(served.get(url).status, 404);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), before);
}

/// The content hash the board's card of `deal` carries.
fn card_hash(served: &Served, deal: &str) -> String {
    let board = served.get("/board").text();
    board
        .split_once(&format!("data-deal=\"{deal}\" data-hash=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(hash, _)| hash.to_string())
        .unwrap_or_else(|| panic!("no card for {deal}: {board}"))
}

/// The lines of `before` and `after` that differ, as (old, new).
fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    assert_eq!(before.lines().count(), after.lines().count());
    before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn a_board_move_changes_exactly_the_stage_line() {
    let v = example();
    // CRLF line endings stay CRLF.
    let path = v.join("deals/acme-platform-renewal.md");
    let before = std::fs::read_to_string(&path)
        .expect("read")
        .replace('\n', "\r\n");
    std::fs::write(&path, &before).expect("write");
    let served = Served::vault(v.path(), &[]);
    let mut events = served.events("");
    let first = events.past(None, LIVE).expect("the current version");
    let hash = card_hash(&served, "acme-platform-renewal");
    let answer = served.post_from_page(
        "/deal/acme-platform-renewal/stage",
        &format!("{{\"stage\": \"negotiation\", \"hash\": \"{hash}\"}}"),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let after = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        changed_lines(&before, &after),
        [(
            "stage: proposal".to_string(),
            "stage: negotiation".to_string()
        )]
    );
    assert_eq!(
        after.matches("\r\n").count(),
        before.matches("\r\n").count()
    );
    // The open pages hear of it, and the card is in its new column.
    events.past(Some(first), LIVE).expect("an event");
    let board: serde_json::Value =
        serde_json::from_str(&served.get("/board?format=json").body).expect("JSON");
    let column = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["stage"] == "negotiation")
        .expect("the column");
    assert!(column["deals"]
        .as_array()
        .expect("cards")
        .iter()
        .any(|d| d["id"] == "acme-platform-renewal"));
    // The same move again, from the page as it was: the file changed since; nothing written.
    let stale = served.post_from_page(
        "/deal/acme-platform-renewal/stage",
        &format!("{{\"stage\": \"demo\", \"hash\": \"{hash}\"}}"),
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), after);
    // Unknown stages and deals.
    let fresh = card_hash(&served, "acme-platform-renewal");
    let unknown = served.post_from_page(
        "/deal/acme-platform-renewal/stage",
        &format!("{{\"stage\": \"heaven\", \"hash\": \"{fresh}\"}}"),
    );
    assert_eq!(unknown.status, 400);
    let nobody = served.post_from_page(
        "/deal/nobody/stage",
        &format!("{{\"stage\": \"demo\", \"hash\": \"{fresh}\"}}"),
    );
    assert_eq!(nobody.status, 404);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), after);
}

#[test]
fn a_move_is_refused_when_the_file_changed_on_disk_since_the_page_was_made() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let hash = card_hash(&served, "acme-platform-renewal");
    let path = v.join("deals/acme-platform-renewal.md");
    // The rep saves in the editor; the board has not refreshed yet.
    let edited = std::fs::read_to_string(&path)
        .expect("read")
        .replace("amount: 48000", "amount: 49000");
    std::fs::write(&path, &edited).expect("write");
    let answer = served.post_from_page(
        "/deal/acme-platform-renewal/stage",
        &format!("{{\"stage\": \"negotiation\", \"hash\": \"{hash}\"}}"),
    );
    assert_eq!(answer.status, 409, "{}", answer.body);
    assert!(answer.body.contains("changed on disk"), "{}", answer.body);
    assert_eq!(std::fs::read_to_string(&path).expect("read"), edited);
}

#[test]
fn dropping_a_card_on_won_closes_the_deal_as_close_does() {
    let v = example();
    let twin = example();
    let served = Served::vault(v.path(), &[]);
    let hash = card_hash(&served, "acme-platform-renewal");
    let answer = served.post_from_page(
        "/deal/acme-platform-renewal/stage",
        &format!("{{\"stage\": \"closed_won\", \"hash\": \"{hash}\"}}"),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    twin.cmd(&["close", "acme-platform-renewal", "won"])
        .success();
    let file = "deals/acme-platform-renewal.md";
    let served_text = std::fs::read_to_string(v.join(file)).expect("read");
    let closed_text = std::fs::read_to_string(twin.join(file)).expect("read");
    assert_eq!(served_text, closed_text);
    assert!(served_text.contains("stage: closed_won"));
}

#[test]
fn ctrl_c_stops_the_server_with_exit_0() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let _events = served.events("");
    assert_eq!(served.get("/").status, 200);
    let status = served.interrupt();
    assert_eq!(status.code(), Some(0), "{status:?}");
}

/// Clients that connect and send nothing, or stop halfway, hold only their own connection.
#[test]
fn a_stuck_client_does_not_block_the_others() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let mut stuck: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(&served.host).expect("connect"))
        .collect();
    stuck[0]
        .write_all(b"GET /board HTTP/1.1\r\nHost: ")
        .expect("half a request");
    let streams: Vec<_> = (0..4).map(|_| served.events("")).collect();
    let start = Instant::now();
    assert_eq!(served.get("/board").status, 200);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    drop(streams);
    stuck.clear();
    assert_eq!(served.get("/").status, 200);
}

/// A client that sends its request a byte at a time, each within the read timeout, still has
/// only the request's whole time (10 s) to send it: 64 such clients would otherwise hold every
/// connection for hours.
#[test]
fn a_request_sent_a_byte_at_a_time_is_cut_off_after_the_timeout() {
    use std::io::Read;
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let mut slow = TcpStream::connect(&served.host).expect("connect");
    slow.set_read_timeout(Some(Duration::from_millis(50)))
        .expect("a timeout");
    slow.write_all(b"GET /board HTTP/1.1\r\n")
        .expect("a request line");
    let start = Instant::now();
    let mut buffer = [0u8; 256];
    let closed = loop {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the server still waits for the request's head"
        );
        if slow.write_all(b"X").is_err() {
            break start.elapsed();
        }
        match slow.read(&mut buffer) {
            Ok(_) => break start.elapsed(),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break start.elapsed(),
        }
        std::thread::sleep(Duration::from_millis(450));
    };
    assert!(
        closed >= Duration::from_secs(9),
        "cut off early: {closed:?}"
    );
    assert_eq!(served.get("/board").status, 200);
}

/// After a refused request the server reads a little of what else was sent, so the client
/// gets the answer; a client that keeps trickling bytes is not read for ever.
#[test]
fn a_refused_request_that_keeps_trickling_is_cut_off() {
    use std::io::Read;
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let mut slow = TcpStream::connect(&served.host).expect("connect");
    slow.set_read_timeout(Some(Duration::from_millis(50)))
        .expect("a timeout");
    slow.write_all(b"GET  /board HTTP/1.1\r\n")
        .expect("a bad request line");
    let start = Instant::now();
    let mut buffer = [0u8; 4096];
    let mut answer = Vec::new();
    let closed = loop {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the server still reads the refused request's rest"
        );
        if slow.write_all(b"X").is_err() {
            break start.elapsed();
        }
        // The answer ends with the server's side shut for writing; it may still read.
        match slow.read(&mut buffer) {
            Ok(0) => {}
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break start.elapsed(),
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(answer.starts_with(b"HTTP/1.1 400"), "after {closed:?}");
}

#[test]
fn beyond_this_computer_it_needs_a_token() {
    let v = example();
    let refused = common::dealbook()
        .arg("--vault")
        .arg(v.path())
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .assert()
        .code(2);
    assert!(
        common::stderr(&refused).contains("needs --token"),
        "{}",
        common::stderr(&refused)
    );
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"));
    cmd.env_remove("DEALBOOK_VAULT")
        .arg("--vault")
        .arg(v.path())
        .args(["--as-of", common::AS_OF, "serve", "--port", "0"])
        .args(["--host", "127.0.0.1", "--token", "sesame"]);
    let served = Served::start(cmd);
    assert_eq!(served.get("/board").status, 401);
    let opened = served.get("/board?token=sesame");
    assert_eq!(opened.status, 200);
    let cookie = opened.header("set-cookie").expect("a cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().expect("name=value");
    let again = served.get_with("/board", &[&format!("Cookie: {pair}")]);
    assert_eq!(again.status, 200);
    assert_eq!(served.get("/board?token=wrong").status, 401);
    // A token that would not survive a cookie is refused at the start.
    let refused = common::dealbook()
        .arg("--vault")
        .arg(v.path())
        .args(["serve", "--port", "0", "--token", "a;b c"])
        .assert()
        .code(2);
    assert!(
        common::stderr(&refused).contains("--token is letters"),
        "{}",
        common::stderr(&refused)
    );
}

/// The side-by-side view: the rep's prep sheet with what the manager's copy leaves out marked,
/// the manager's copy beside it without it.
#[test]
fn side_by_side_marks_what_the_managers_copy_leaves_out() {
    let v = example();
    // A private log entry and a private ask in a public deal.
    let path = v.join("deals/acme-platform-renewal.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        format!(
            "{text}\n## Private\n- [ ] @manager Ask about the secret budget due:2026-11-26\n\n### Log\n- 2026-11-21: Jane hinted at budget\n"
        ),
    )
    .expect("write");
    let served = Served::vault(v.path(), &[]);
    let page = served.get("/side-by-side").text();
    let (mine, theirs) = page
        .split_once("<section class=\"side mine\">")
        .and_then(|(_, rest)| rest.split_once("<section class=\"side theirs\">"))
        .expect("both sides");
    let marked: Vec<&str> = mine
        .split("left-out\"")
        .skip(1)
        .map(|rest| rest.split("</").next().unwrap_or_default())
        .collect();
    let marked = marked.join("\n");
    for private in [
        "Massive Dynamic — Project Bluebird",
        "Jane hinted at budget",
        "Ask about the secret budget",
    ] {
        assert!(mine.contains(private), "{private} on my side");
        assert!(!theirs.contains(private), "{private} on the manager's side");
    }
    assert!(
        mine.matches("left-out").count() >= 3,
        "marked on my side: {marked}"
    );
    assert!(!theirs.contains("left-out"), "{theirs}");
    assert!(
        mine.contains("class=\"left-out\"><span class=\"date\">2026-11-21</span><span>Jane hinted"),
        "{mine}"
    );
    // The manager's own switch shows their copy only.
    let managers = served.get("/side-by-side?audience=manager").text();
    assert!(!managers.contains("Massive Dynamic"));
    assert!(!managers.contains("left-out"));
}

/// `--open` asks the desktop to open the printed address.
#[test]
fn open_asks_the_desktop_to_open_the_address() {
    use std::os::unix::fs::PermissionsExt;
    let v = example();
    let bin = tempfile::tempdir().expect("a temp folder");
    let opened = bin.path().join("opened");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .expect("write");
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"));
    cmd.env("PATH", path)
        .env_remove("DEALBOOK_VAULT")
        .arg("--vault")
        .arg(v.path())
        .args(["--as-of", common::AS_OF, "serve", "--port", "0", "--open"]);
    let served = Served::start(cmd);
    let deadline = Instant::now() + LIVE;
    while std::fs::read_to_string(&opened)
        .unwrap_or_default()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "xdg-open was not run");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).expect("read"),
        format!("{}/", served.origin)
    );
}

#[test]
fn a_port_in_use_is_said_and_exits_2() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let port = served.host.rsplit(':').next().expect("a port");
    let refused = common::dealbook()
        .arg("--vault")
        .arg(v.path())
        .args(["serve", "--port", port])
        .assert()
        .code(2);
    let said = common::stderr(&refused);
    assert!(
        said.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{said}"
    );
}

#[test]
fn a_broken_config_keeps_the_last_good_book_and_says_so() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let mut events = served.events("");
    let first = events.past(None, LIVE).expect("the current version");
    let config = std::fs::read_to_string(v.join("dealbook.yaml")).expect("read");
    std::fs::write(
        v.join("dealbook.yaml"),
        format!("{config}\nquota: [unclosed\n"),
    )
    .expect("write");
    let broken = events.past(Some(first), LIVE).expect("an event");
    let board = served.get("/board").text();
    assert!(board.contains("dealbook.yaml cannot be read"), "{board}");
    assert!(
        board.contains("Acme — platform renewal"),
        "the last good book"
    );
    let managers = served.get("/board?audience=manager").text();
    assert!(
        !managers.contains("dealbook.yaml cannot be read"),
        "{managers}"
    );
    std::fs::write(v.join("dealbook.yaml"), &config).expect("write");
    events.past(Some(broken), LIVE).expect("an event");
    let board = served.get("/board").text();
    assert!(!board.contains("serve-banner"), "{board}");
}

/// A config removed while serving (a branch without it checked out, an editor saving by
/// delete and write) is a config that cannot be read: read on with the defaults, the vault
/// would have no private fields, and the manager's pages would show them.
#[test]
fn a_removed_config_keeps_the_last_good_book_and_its_private_fields() {
    let v = example();
    let served = Served::vault(v.path(), &[]);
    let page = "/contact/nancy-davolio?audience=manager";
    let mine = served.get("/contact/nancy-davolio").text();
    assert!(mine.contains("Seahawks"), "the rep sees the private field");
    assert!(!served.get(page).text().contains("Seahawks"));
    let mut events = served.events("");
    let first = events.past(None, LIVE).expect("the current version");
    let config = std::fs::read_to_string(v.join("dealbook.yaml")).expect("read");
    std::fs::remove_file(v.join("dealbook.yaml")).expect("remove");
    let removed = events.past(Some(first), LIVE).expect("an event");
    let managers = served.get(page).text();
    assert!(!managers.contains("Seahawks"), "{managers}");
    let board = served.get("/board").text();
    assert!(board.contains("dealbook.yaml cannot be read"), "{board}");
    std::fs::write(v.join("dealbook.yaml"), &config).expect("write");
    events.past(Some(removed), LIVE).expect("an event");
    assert!(!served.get("/board").text().contains("serve-banner"));
    assert!(!served.get(page).text().contains("Seahawks"));
}
