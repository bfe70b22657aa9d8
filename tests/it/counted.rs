//! No record silently left out: a deal with a bad value keeps its place, every report says
//! what it could not count (in md, html and json, for both audiences, in files written with
//! `-o` and by `build`), and the exit status tells a script the output is incomplete.

use serde_json::Value;

use crate::common::{json, stderr, stdout, TestVault};

/// Two deals that count, one of each kind of bad value, an unreadable file, and a private deal
/// with a bad amount whose name must never reach the manager.
fn mixed_vault() -> TestVault {
    TestVault::new()
        .config(
            "owner: Sam\nquota: { 2026-Q4: 100000 }\nhistory: false\noutputs:\n  - { template: pipeline.md, to: out/pipeline.md, audience: manager }\n  - { template: prep.html, to: out/prep.html }\n",
        )
        .file(
            "deals/good.md",
            "---\ntitle: Good one\namount: 40000\nstage: proposal\nclose_date: 2026-12-15\n---\n",
        )
        .file(
            "deals/also-good.md",
            "---\ntitle: Also good\namount: 12000\nstage: demo\nclose_date: 2026-12-01\n---\n",
        )
        .file(
            "deals/bad-stage.md",
            "---\ntitle: Bad stage\namount: 10000\nstage: Verbal yes\nclose_date: 2026-12-10\n---\n",
        )
        .file(
            "deals/bad-amount.md",
            "---\ntitle: Bad amount\namount: \"$48,000\"\nstage: demo\nclose_date: 2026-12-10\n---\n",
        )
        .file(
            "deals/bad-date.md",
            "---\ntitle: Bad date\namount: 20000\nstage: demo\nclose_date: 12/15/2026\n---\n",
        )
        .file(
            "deals/no-rate.md",
            "---\ntitle: No rate\namount: 30000\ncurrency: EUR\nstage: demo\nclose_date: 2026-12-10\n---\n",
        )
        .file("deals/broken.md", "---\ntitle: Broken\namount: [1,\n---\n")
        .file(
            "deals/zz-canary.md",
            "---\ntitle: Canary Secret Deal\nprivate: true\namount: \"$99,000\"\nstage: demo\nclose_date: 2026-12-10\n---\n",
        )
}

/// (path, line, reason, amount as written) for each item, in the report's order.
fn items(report: &Value) -> Vec<(String, u64, String, Option<String>)> {
    report["not_counted"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not_counted.items in {report:#}"))
        .iter()
        .map(|u| {
            (
                u["path"].as_str().unwrap().to_string(),
                u["line"].as_u64().unwrap(),
                u["reason"].as_str().unwrap().to_string(),
                u["amount_written"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn item(
    path: &str,
    line: u64,
    reason: &str,
    amount: Option<&str>,
) -> (String, u64, String, Option<String>) {
    (
        path.to_string(),
        line,
        reason.to_string(),
        amount.map(str::to_string),
    )
}

fn expected_items(manager: bool) -> Vec<(String, u64, String, Option<String>)> {
    let mut expected = vec![
        item("deals/bad-amount.md", 3, "no_amount", Some("$48,000")),
        item("deals/bad-date.md", 5, "no_close_date", Some("20000")),
        item("deals/bad-stage.md", 4, "no_stage", Some("10000")),
        item("deals/no-rate.md", 4, "no_rate", Some("30000")),
    ];
    if !manager {
        expected.push(item("deals/zz-canary.md", 4, "no_amount", Some("$99,000")));
        expected.push(item("deals/broken.md", 4, "unreadable", None));
    }
    expected
}

#[test]
fn the_good_deals_are_exact_and_the_json_lists_every_deal_left_out() {
    let v = mixed_vault();
    for (audience, manager) in [("me", false), ("manager", true)] {
        for report in ["pipeline", "prep"] {
            let assert = v.cmd(&[report, "--format", "json", "--audience", audience]);
            let got = json(&assert.code(1));
            assert_eq!(
                items(&got),
                expected_items(manager),
                "{report} for {audience}"
            );
            // Closing in the quarter: good (best case) and also-good and bad-amount (pipeline,
            // the latter with no amount); bad-date is open but in no period.
            assert_eq!(got["best_case"], 40000, "{report} for {audience}");
            assert_eq!(got["pipeline"], 12000, "{report} for {audience}");
            // Open: good, also-good, bad-amount, bad-date (and the private deal); no-rate
            // is in no total.
            assert_eq!(got["open"]["amount"], 72000, "{report} for {audience}");
            assert_eq!(got["open"]["count"], if manager { 4 } else { 5 });
            // Amounts known in dollars among those left out: bad-date and bad-stage.
            assert_eq!(got["not_counted"]["total"], 30000);
            assert_eq!(
                got["not_counted"]["unnamed_files"],
                if manager { 1 } else { 0 },
                "the manager hears that a file could not be read, never which"
            );
            let text = got.to_string();
            assert_eq!(manager, !text.contains("anary"), "{report} for {audience}");
            assert_eq!(manager, !text.contains("99,000"), "{report} for {audience}");
        }
    }
}

#[test]
fn markdown_and_html_reports_carry_the_not_counted_section() {
    let v = mixed_vault();
    for format in ["md", "html"] {
        for (audience, manager) in [("me", false), ("manager", true)] {
            for report in ["pipeline", "prep"] {
                let what = format!("{report} --format {format} --audience {audience}");
                let assert = v.cmd(&[report, "--format", format, "--audience", audience]);
                let text = stdout(&assert.code(1));
                assert!(text.contains("Not counted"), "{what}: {text}");
                assert!(text.contains("at least $30,000"), "{what}: {text}");
                for (path, line, _, _) in expected_items(manager) {
                    let path = if format == "html" {
                        path.replace('/', "&#x2f;")
                    } else {
                        path
                    };
                    assert!(
                        text.contains(&format!("{path}:{line}")),
                        "{what} names {path}: {text}"
                    );
                }
                for reason in [
                    "unknown stage \"Verbal yes\"",
                    "no exchange rate for EUR",
                    "no close date",
                    "must be a plain number",
                ] {
                    let reason = if format == "html" {
                        reason.replace('"', "&quot;")
                    } else {
                        reason.to_string()
                    };
                    assert!(text.contains(&reason), "{what} says {reason}: {text}");
                }
                if manager {
                    assert!(!text.contains("anary"), "{what}: {text}");
                    assert!(!text.contains("zz-canary"), "{what}: {text}");
                    assert!(text.contains("1 file could not be read"), "{what}: {text}");
                } else {
                    assert!(text.contains("broken.md:4"), "{what}: {text}");
                }
            }
        }
    }
}

#[test]
fn files_written_by_dash_o_and_by_build_carry_the_section_and_exit_1() {
    let v = mixed_vault();
    let out = v.join("written.md");
    v.cmd(&["pipeline", "-o", out.to_str().unwrap()]).code(1);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("## Not counted"), "{written}");
    assert!(written.contains("deals/bad-stage.md:4"), "{written}");

    let said = stderr(&v.cmd(&["build"]).code(1));
    assert!(
        said.contains("are not counted"),
        "build says the outputs are incomplete: {said}"
    );
    let manager = std::fs::read_to_string(v.join("out/pipeline.md")).unwrap();
    assert!(manager.contains("## Not counted"), "{manager}");
    assert!(!manager.contains("anary"), "{manager}");
    let mine = std::fs::read_to_string(v.join("out/prep.html")).unwrap();
    assert!(
        mine.contains("Not counted") && mine.contains("zz-canary.md:4"),
        "{mine}"
    );
}

#[test]
fn a_complete_report_exits_0_and_has_no_section() {
    let v = TestVault::new().config("history: false\n").file(
        "deals/good.md",
        "---\ntitle: Good one\namount: 40000\nstage: proposal\nclose_date: 2026-12-15\n---\n",
    );
    for format in ["md", "html", "json"] {
        let text = stdout(&v.cmd(&["pipeline", "--format", format]).success());
        assert!(!text.contains("Not counted"), "{text}");
    }
    let report = json(&v.cmd(&["prep", "--format", "json"]).success());
    assert_eq!(report["not_counted"]["items"], serde_json::json!([]));
}

#[test]
fn whatif_says_what_it_could_not_count() {
    let v = mixed_vault();
    let text = stdout(&v.cmd(&["whatif", "--win", "good"]).code(1));
    assert!(
        text.contains("Not counted") && text.contains("bad-stage.md:4"),
        "{text}"
    );
    let text = stdout(
        &v.cmd(&["whatif", "--win", "good", "--audience", "manager"])
            .code(1),
    );
    assert!(
        text.contains("Not counted") && !text.contains("anary"),
        "{text}"
    );
}

#[test]
fn list_and_export_keep_every_record_whose_front_matter_parses_and_name_the_rest() {
    let v = mixed_vault();
    let assert = v.cmd(&["export", "deals", "--format", "json"]).code(1);
    let said = stderr(&assert);
    assert!(said.contains("broken.md:4:"), "{said}");
    assert!(said.contains("1 file could not be read"), "{said}");
    let rows = json(&assert);
    let row = |id: &str| -> Value {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} exported: {rows:#}"))
            .clone()
    };
    assert_eq!(
        rows.as_array().unwrap().len(),
        7,
        "every deal but the broken file"
    );
    assert_eq!(row("bad-stage")["stage"], "Verbal yes", "as written");
    assert_eq!(row("bad-amount")["amount"], "$48,000", "as written");
    assert_eq!(row("bad-date")["close_date"], "12/15/2026", "as written");
    assert_eq!(row("no-rate")["currency"], "EUR");

    let assert = v.cmd(&["export", "deals", "--format", "csv"]).code(1);
    let csv = stdout(&assert);
    assert_eq!(csv.lines().count(), 8, "a header and 7 rows: {csv}");
    assert!(
        csv.contains("Verbal yes") && csv.contains("12/15/2026"),
        "{csv}"
    );

    let assert = v.cmd(&["list", "deals"]).code(1);
    let table = stdout(&assert);
    for title in ["Bad stage", "Bad amount", "Bad date", "No rate", "Good one"] {
        assert!(table.contains(title), "{title} listed: {table}");
    }
    assert!(stderr(&assert).contains("broken.md"));

    // The manager's export has no private deal, and does not name the unreadable file.
    let assert = v
        .cmd(&[
            "export",
            "deals",
            "--format",
            "json",
            "--audience",
            "manager",
        ])
        .code(1);
    assert_eq!(json(&assert).as_array().unwrap().len(), 6);
    assert!(!stdout(&assert).contains("anary"));
}

#[test]
fn check_counts_every_record_file() {
    let v = mixed_vault();
    let said = stdout(&v.cmd(&["check"]).code(1));
    assert!(said.contains("8 records checked"), "{said}");
}

#[test]
fn json_carries_ratios_to_four_decimals_and_money_to_cents() {
    let v = TestVault::new()
        .config("history: false\nquota: { 2026-Q4: 100000 }\n")
        .file(
            "deals/a.md",
            "---\namount: 52817.456\nstage: proposal\nclose_date: 2026-12-15\n---\n",
        );
    let report = json(&v.cmd(&["pipeline", "--format", "json"]).success());
    assert_eq!(report["coverage"], 0.5282, "{report:#}");
    assert_eq!(report["best_case"], 52817.46, "{report:#}");
    let text = stdout(&v.cmd(&["pipeline"]).success());
    assert!(text.contains("0.53×"), "the template rounds: {text}");
}
