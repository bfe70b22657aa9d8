//! The HTML reports in a real headless browser (Chromium): amounts fit their cards, charts stay
//! legible on a 400 px phone, and the manager's prep prints without a near-empty page; and
//! `dealbook serve`'s board, driven over the DevTools protocol, following a file saved on disk
//! and moving a dragged deal. Each test skips with a printed reason when Chromium (or, for
//! printing, `pdftoppm`) is missing, except under `CI=true`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{example, have, TestVault};

const CHROMIUM: &str = "chromium";
const PROBE: &str = include_str!("../fixtures/browser/layout-probe.js");

/// Chromium, headless, with its own profile in `dir` so parallel tests do not share one.
fn chromium(dir: &Path) -> Command {
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--allow-file-access-from-files",
    ])
    .arg(format!("--user-data-dir={}", dir.join("profile").display()));
    cmd
}

/// The layout probe's findings for `html` shown `width` px wide. The report is framed at that
/// width (headless windows are never narrower than 500 px), and the probe reports back to the
/// frame's holder, whose DOM is then dumped.
fn layout(html: &str, width: u32) -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("report.html"),
        format!("{html}\n<script>{PROBE}</script>\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("frame.html"),
        format!(
            "<!doctype html><body style=\"margin:0\"><pre id=\"found\"></pre>\
             <iframe src=\"report.html\" style=\"width:{width}px;height:900px;border:0\"></iframe>\
             <script>addEventListener('message', e => document.getElementById('found').textContent = e.data);</script>"
        ),
    )
    .unwrap();
    let output = chromium(dir.path())
        .args(["--virtual-time-budget=10000", "--dump-dom"])
        .arg(format!(
            "file://{}",
            dir.path().join("frame.html").display()
        ))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    let found = dom
        .split_once("<pre id=\"found\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(found, _)| {
            found
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .unwrap_or_default();
    serde_json::from_str(&found).unwrap_or_else(|e| {
        panic!(
            "no layout from the probe ({e}): {dom}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The example vault with every amount and quota a hundred times larger: seven-digit amounts.
fn big_example() -> TestVault {
    let v = example();
    for folder in ["deals", "dealbook.yaml"] {
        let path = v.join(folder);
        let files: Vec<_> = if path.is_dir() {
            std::fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect()
        } else {
            vec![path]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let bigger: String = text
                .lines()
                .map(|line| match line.split_once(": ") {
                    Some((key, n))
                        if (key == "amount" || key.trim_start().starts_with("20"))
                            && n.parse::<u64>().is_ok() =>
                    {
                        format!("{key}: {n}00\n")
                    }
                    _ => format!("{line}\n"),
                })
                .collect();
            std::fs::write(&file, bigger).unwrap();
        }
    }
    v
}

fn html(v: &TestVault, args: &[&str]) -> String {
    let assert = v.cmd(args).success();
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn amounts_fit_their_cards_and_charts_stay_legible_from_phone_to_desktop() {
    if !have(CHROMIUM) {
        return;
    }
    let v = big_example();
    for report in ["pipeline", "prep"] {
        let page = html(&v, &[report, "--format", "html"]);
        assert!(page.contains("$32,520,000"), "seven-digit amounts: {page}");
        for width in [400, 1000] {
            let found = layout(&page, width);
            assert_eq!(found["width"], width, "{found}");
            for problem in ["overflow", "small", "clipped"] {
                assert_eq!(
                    found[problem],
                    serde_json::json!([]),
                    "{report} at {width}px: {problem}"
                );
            }
            assert_eq!(
                found["page_scroll"], 0,
                "{report} at {width}px scrolls sideways"
            );
        }
    }
}

/// How much of each printed page is used, top to bottom, from a greyscale rendering.
fn page_fill(pdf: &Path) -> Vec<f64> {
    let dir = pdf.parent().unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "20", "-gray"])
        .arg(pdf)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pages.sort();
    pages
        .iter()
        .map(|page| {
            // A binary PGM: "P5", width, height, maxval, then one byte per pixel.
            let bytes = std::fs::read(page).unwrap();
            let mut fields = bytes.splitn(5, |b| b.is_ascii_whitespace());
            let number = |f: Option<&[u8]>| -> usize {
                std::str::from_utf8(f.unwrap()).unwrap().parse().unwrap()
            };
            fields.next();
            let (width, height) = (number(fields.next()), number(fields.next()));
            fields.next();
            let pixels = fields.next().unwrap();
            let last_inked = (0..height)
                .rev()
                .find(|y| pixels[y * width..(y + 1) * width].iter().any(|&p| p < 200))
                .unwrap_or(0);
            last_inked as f64 / height as f64
        })
        .collect()
}

#[test]
fn the_managers_prep_prints_without_a_near_empty_page() {
    if !have(CHROMIUM) || !have("pdftoppm") {
        return;
    }
    let v = example();
    let page = html(&v, &["prep", "--format", "html", "--audience", "manager"]);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("prep.html");
    std::fs::write(&report, page).unwrap();
    let pdf = dir.path().join("pdf").join("prep.pdf");
    std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
    let output = chromium(dir.path())
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .expect("chromium runs");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&output.stderr));
    let fill = page_fill(&pdf);
    assert!(fill.len() > 1, "{fill:?}");
    let (last, full) = fill.split_last().unwrap();
    for (n, used) in full.iter().enumerate() {
        assert!(
            *used > 0.6,
            "page {} is {:.0}% used: {fill:?}",
            n + 1,
            used * 100.0
        );
    }
    assert!(*last > 0.1, "the last page is near-empty: {fill:?}");
}

// ---------------------------------------------------------------------------------------------
// `dealbook serve` in a real browser, driven over the DevTools protocol

/// Headless Chromium with its DevTools protocol on a free port, killed (by its own id) when
/// dropped, and one page of it attached.
struct Browser {
    child: std::process::Child,
    socket: tungstenite::WebSocket<std::net::TcpStream>,
    session: String,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// Starts Chromium and opens `url` in a page `width` × `height`.
    fn open(url: &str, width: u32, height: u32) -> Browser {
        use std::io::{BufRead, BufReader};
        let profile = tempfile::tempdir().expect("a temp folder");
        let mut child = chromium(profile.path())
            .args(["--remote-debugging-port=0", "--hide-scrollbars"])
            .arg(format!("--window-size={width},{height}"))
            .arg("about:blank")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
        let mut lines = stderr.lines();
        let endpoint = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.split_once("DevTools listening on ")
                    .map(|(_, ws)| ws.trim().to_string())
            })
            .expect("chromium prints its DevTools address");
        std::thread::spawn(move || for _ in lines {});
        let address = endpoint
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .expect("host:port")
            .to_string();
        let stream = std::net::TcpStream::connect(&address).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("a timeout");
        let (socket, _) = tungstenite::client(endpoint.as_str(), stream).expect("the handshake");
        let mut browser = Browser {
            child,
            socket,
            session: String::new(),
            next: 0,
            _profile: profile,
        };
        let target = browser.call(
            "Target.createTarget",
            serde_json::json!({ "url": "about:blank" }),
        );
        let target = target["targetId"].as_str().expect("a target").to_string();
        let attached = browser.call(
            "Target.attachToTarget",
            serde_json::json!({ "targetId": target, "flatten": true }),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser.go(url);
        browser
    }

    /// Sends one command (to the page, once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut message =
            serde_json::json!({ "id": self.next, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = Value::from(self.session.clone());
        }
        self.socket
            .send(tungstenite::Message::text(message.to_string()))
            .expect("send to DevTools");
        loop {
            let answer = self.socket.read().expect("an answer from DevTools");
            let Ok(text) = answer.to_text() else { continue };
            let Ok(answer) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            if answer["id"] == self.next {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// Navigates to `url` and waits until it has loaded.
    fn go(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({ "url": url }));
        self.until(
            &format!("{url} loaded"),
            "document.readyState === 'complete' && location.href !== 'about:blank'",
        );
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            serde_json::json!({ "expression": expression, "returnByValue": true }),
        );
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it is true, for 10 s at most; how long it took.
    fn until(&mut self, what: &str, expression: &str) -> std::time::Duration {
        let start = std::time::Instant::now();
        while self.eval(expression) != Value::Bool(true) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "timed out waiting for {what}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        start.elapsed()
    }

    /// A PNG of what the page shows.
    fn screenshot(&mut self) -> Vec<u8> {
        let shot = self.call(
            "Page.captureScreenshot",
            serde_json::json!({ "format": "png" }),
        );
        base64(shot["data"].as_str().expect("base64 data"))
    }
}

/// Standard base64, as DevTools sends a screenshot.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .fold(0u32, |bits, (i, &d)| bits | u32::from(d) << (18 - 6 * i));
            let bytes = bits.to_be_bytes();
            bytes[1..chunk.len()].to_vec()
        })
        .collect()
}

/// Where a screenshot goes: the README's copies in `docs/` only when asked for with
/// `DEALBOOK_SCREENSHOTS=1`, so that a test run never changes tracked files.
fn screenshot_path(name: &str) -> std::path::PathBuf {
    let folder = if std::env::var_os("DEALBOOK_SCREENSHOTS").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs")
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
    };
    std::fs::create_dir_all(&folder).expect("the screenshots folder");
    folder.join(name)
}

/// The board in Chromium: a deal file saved on disk shows its new amount without a reload,
/// a card dragged onto another stage moves the deal in its file (through the page's own POST,
/// token and Origin), and the README's screenshots of the board and the side-by-side view.
#[test]
fn the_board_in_a_browser_follows_the_files_and_moves_deals() {
    if !have(CHROMIUM) {
        return;
    }
    let v = example();
    // A deal long lost (on no board, in no report) whose every part tries to run script.
    std::fs::write(
        v.join("deals/hostile.md"),
        "---\ntitle: \"<img src=x onerror=window.pwned=1>\"\nstage: closed_lost\n\
         close_date: 2025-01-10\nnext_step: \"<script>window.pwned=2</script>\"\n---\n\
         <svg onload=window.pwned=3></svg>\n\n[x](javascript:window.pwned=4)\n",
    )
    .expect("write");
    let served = crate::common::Served::vault(v.path(), &[]);
    let mut browser = Browser::open(&format!("{}/board", served.origin), 1400, 900);
    let amount =
        "document.querySelector('[data-deal=\"acme-platform-renewal\"] .amount').textContent";
    assert_eq!(browser.eval(amount), "$48,000");
    browser.until("the event stream", "document.body.dataset.live === 'on'");
    // A mark that a reload would lose.
    browser.eval("window.notReloaded = true");
    let path = v.join("deals/acme-platform-renewal.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("amount: 48000", "amount: 52500")).expect("write");
    let took = browser.until("the new amount", &format!("{amount} === '$52,500'"));
    eprintln!("saved file to page updated: {took:?}");
    assert_eq!(
        browser.eval("window.notReloaded === true"),
        true,
        "the page reloaded"
    );
    // A hidden tab lets go of its event stream; shown again, it catches up with what it missed.
    let shown = |shown: bool| {
        format!(
            "(() => {{ Object.defineProperty(document, 'hidden', {{ value: {}, configurable: true }}); \
             document.dispatchEvent(new Event('visibilitychange')); return true; }})()",
            !shown
        )
    };
    browser.eval(&shown(false));
    assert_eq!(browser.eval("document.body.dataset.live"), "off");
    let saved = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, saved.replace("amount: 52500", "amount: 53000")).expect("write");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(browser.eval(amount), "$52,500", "a hidden tab followed");
    browser.eval(&shown(true));
    browser.until(
        "the change missed while hidden",
        &format!("{amount} === '$53,000'"),
    );
    browser.until(
        "the event stream again",
        "document.body.dataset.live === 'on'",
    );
    // Drag the card onto Negotiation, as a mouse would (the page's own handlers run).
    browser.eval(
        "(() => {
            const card = document.querySelector('[data-deal=\"acme-platform-renewal\"]');
            const column = document.querySelector('.column[data-stage=\"negotiation\"]');
            const data = new DataTransfer();
            card.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: data }));
            column.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
            column.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
            card.dispatchEvent(new DragEvent('dragend', { bubbles: true, dataTransfer: data }));
        })()",
    );
    browser.until(
        "the card in its new column",
        "document.querySelector('.column[data-stage=\"negotiation\"] [data-deal=\"acme-platform-renewal\"]') !== null",
    );
    let moved = std::fs::read_to_string(&path).expect("read");
    assert!(moved.contains("\nstage: negotiation\n"), "{moved}");
    assert_eq!(moved.lines().count(), text.lines().count());
    assert_eq!(browser.eval("window.notReloaded === true"), true);
    let board = browser.screenshot();
    assert!(board.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    std::fs::write(screenshot_path("serve-board.png"), board).expect("write the screenshot");
    browser.go(&format!("{}/side-by-side", served.origin));
    assert_eq!(
        browser.eval("document.querySelectorAll('.mine .left-out').length > 0"),
        true,
        "the rep's side marks what the manager's copy leaves out"
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('.theirs .left-out').length"),
        0
    );
    // The picture shows the first thing marked.
    browser.eval("document.querySelector('.mine .left-out').scrollIntoView({ block: 'center' })");
    let side = browser.screenshot();
    std::fs::write(screenshot_path("serve-side-by-side.png"), side).expect("write the screenshot");
    // The hostile deal's page and the table listing it: its title is text, nothing ran.
    for page in ["/deal/hostile", "/deals"] {
        browser.go(&format!("{}{page}", served.origin));
        assert_eq!(
            browser.eval("document.body.innerText.includes('<img src=x onerror=window.pwned=1>')"),
            true,
            "{page} shows the title as text"
        );
        for link in ["a[href^='javascript']", "img", "svg[onload]"] {
            let found = browser.eval(&format!("document.querySelector(\"main {link}\") !== null"));
            assert_eq!(found, false, "{page} has {link}");
        }
        browser.eval("document.querySelectorAll('a').forEach(a => a.dispatchEvent(new MouseEvent('mouseover')))");
        assert_eq!(
            browser.eval("window.pwned === undefined"),
            true,
            "{page} ran script"
        );
    }
}
