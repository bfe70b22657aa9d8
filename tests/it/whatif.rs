//! `whatif`: a scenario against the baseline, with the numbers worked out by hand.

use crate::common;

use common::TestVault;

fn vault() -> TestVault {
    TestVault::new()
        .config("quota: { 2026-Q4: 100000 }\n")
        // commit 40,000 (negotiation), best case 20,000 (proposal), pipeline 10,000 (demo)
        .file(
            "deals/big.md",
            "---\nstage: negotiation\namount: 40000\nclose_date: 2026-12-10\n---\n",
        )
        .file(
            "deals/mid.md",
            "---\nstage: proposal\namount: 20000\nclose_date: 2026-12-15\n---\n",
        )
        .file(
            "deals/small.md",
            "---\nstage: demo\namount: 10000\nclose_date: 2027-01-15\n---\n",
        )
}

fn json(v: &TestVault, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["whatif", "--format", "json"];
    all.extend_from_slice(args);
    let output = v.cmd(&all).code(0).get_output().stdout.clone();
    serde_json::from_slice(&output).unwrap()
}

fn line<'a>(outcome: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    outcome["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == name)
        .unwrap()
}

#[test]
fn winning_losing_and_slipping_move_the_forecast() {
    let v = vault();
    let outcome = json(
        &v,
        &[
            "--win",
            "big",
            "--lose",
            "mid",
            "--slip",
            "small=2026-12-20",
            "--amount",
            "small=15000",
        ],
    );
    // closed won: 0 → 40,000 (big won in the period)
    assert_eq!(line(&outcome, "closed_won")["scenario"], 40000);
    assert_eq!(line(&outcome, "closed_won")["change"], 40000);
    // commit: 40,000 → 0; best case: 20,000 → 0 (mid lost)
    assert_eq!(line(&outcome, "commit")["scenario"], 0);
    assert_eq!(line(&outcome, "best_case")["scenario"], 0);
    // pipeline: 0 (small closed in January) → 15,000 (slipped into December, resized)
    assert_eq!(line(&outcome, "pipeline")["baseline"], 0);
    assert_eq!(line(&outcome, "pipeline")["scenario"], 15000);
    // gap: 100,000 → 60,000; coverage: 60,000 / 100,000 = 0.6 → 15,000 / 60,000 = 0.25
    assert_eq!(line(&outcome, "gap_to_quota")["scenario"], 60000);
    assert_eq!(line(&outcome, "coverage")["baseline"], 0.6);
    assert_eq!(line(&outcome, "coverage")["scenario"], 0.25);
}

#[test]
fn a_scenario_file_and_flags_combine() {
    let v = vault().file("q4.yaml", "prob: { mid: 90 }\nwin: [big]\n");
    let file = v.join("q4.yaml");
    let outcome = json(&v, &[file.to_str().unwrap()]);
    // open weighted: big 32,000 + mid 12,000 + small 4,000 = 48,000 → mid 18,000 + small 4,000
    assert_eq!(line(&outcome, "open_weighted")["baseline"], 48000);
    assert_eq!(line(&outcome, "open_weighted")["scenario"], 22000);
    let text = v
        .cmd(&["whatif", "--win", "mid"])
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("| closed won | $0 | $20,000 | +$20,000 |"),
        "{text}"
    );
}

#[test]
fn bad_scenarios_are_usage_errors() {
    let v = vault();
    v.cmd(&["whatif"]).code(2);
    v.cmd(&["whatif", "--win", "nope"]).code(2);
    v.cmd(&["whatif", "--slip", "big=12/15/2026"]).code(2);
    v.cmd(&["whatif", "--prob", "big=150"]).code(2);
    let v = v.file("bad.yaml", "wins: [big]\n");
    let file = v.join("bad.yaml");
    v.cmd(&["whatif", file.to_str().unwrap()]).code(2);
}

#[test]
fn the_scenario_renders_through_templates_the_vault_can_override() {
    let v = vault();
    let md = common::stdout(&v.cmd(&["whatif", "--win", "big"]).code(0));
    assert!(md.starts_with("# What if: win big\n"), "{md}");
    assert!(
        md.contains("| closed won | $0 | $40,000 | +$40,000 |"),
        "{md}"
    );
    let html = common::stdout(
        &v.cmd(&["whatif", "--win", "big", "--format", "html"])
            .code(0),
    );
    assert!(
        html.contains("<td class=\"num up\">+$40,000</td>"),
        "{html}"
    );
    let v = v.file(
        "templates/whatif.md",
        "{% for line in lines %}{{ line.name }}={{ line.scenario }}\n{% endfor %}",
    );
    let own = common::stdout(&v.cmd(&["whatif", "--win", "big"]).code(0));
    assert!(own.starts_with("closed_won=40000\n"), "{own}");
}

/// A deal the scenario brings into the numbers but cannot count (won in a currency without a
/// rate) is named, as the reports name theirs, and the exit status says the output is
/// incomplete; the baseline alone left nothing out.
#[test]
fn a_deal_only_the_scenario_leaves_out_is_named() {
    let v = vault().file(
        "deals/zurich.md",
        "---\ntitle: Zurich rollout\nstage: closed_lost\namount: 9000\ncurrency: CHF\n\
         close_date: 2025-03-01\n---\n",
    );
    let text = common::stdout(&v.cmd(&["whatif", "--win", "zurich"]).code(1));
    assert!(text.contains("## Not counted"), "{text}");
    assert!(text.contains("deals/zurich.md"), "{text}");
    let output = v
        .cmd(&["whatif", "--win", "zurich", "--format", "json"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let outcome: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(
        outcome["baseline"]["not_counted"]["items"],
        serde_json::json!([])
    );
    assert_eq!(
        outcome["not_counted"]["items"][0]["path"],
        "deals/zurich.md"
    );
}
