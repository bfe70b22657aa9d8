//! The HTML reports in a real headless browser (Chromium): amounts fit their cards, charts stay
//! legible on a 400 px phone, and the manager's prep prints without a near-empty page. Each
//! test skips with a printed reason when Chromium (or, for printing, `pdftoppm`) is missing,
//! except under `CI=true`.

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
