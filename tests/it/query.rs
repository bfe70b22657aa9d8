//! Queries you can trust (`--where`), `list` that answers (sort, columns, totals), reports
//! scoped by a query, and one way to name a record everywhere.

use serde_json::Value;

use crate::common::{json, stderr, stdout, TestVault};

/// Six deals of two reps, in two currencies, one linked by wikilink to the account `acme`.
fn team() -> TestVault {
    let deal = |title: &str, owner: &str, stage: &str, amount: u32, close: &str, extra: &str| {
        format!(
            "---\ntitle: {title}\nowner: {owner}\nstage: {stage}\namount: {amount}\nclose_date: {close}\nnext_step: Call\nnext_step_date: 2026-11-25\n{extra}---\n## Log\n- 2026-11-20: Call.\n"
        )
    };
    TestVault::new()
        .config("history: false\nfx: { EUR: 1.5 }\nquota: { 2026-Q4: 200000 }\n")
        .file("accounts/acme.md", "---\nname: Acme Corp\n---\n")
        .file("deals/a.md", deal("Acme renewal", "Sarah Chen", "proposal", 60000, "2026-12-10", "account: \"[[Acme Corp]]\"\ntags: [renewal]\n"))
        .file("deals/b.md", deal("Beta", "Sarah Chen", "demo", 40000, "2026-12-20", "account: acme\n"))
        .file("deals/c.md", deal("Gamma", "Sam Rivera", "demo", 80000, "2026-12-05", "currency: EUR\n"))
        .file("deals/d.md", deal("Delta", "Sam Rivera", "negotiation", 20000, "2027-01-15", "tags: [renewal, q1]\n"))
        .file("deals/e.md", deal("Epsilon", "Sarah Chen", "closed_won", 30000, "2026-11-02", ""))
        .file(
            "deals/f.md",
            "---\ntitle: Phi\nowner: Sam Rivera\nstage: discovery\namount: 5000\nclose_date: 2026-12-01\n---\n",
        )
}

fn ids(v: &TestVault, expression: &str) -> Vec<String> {
    let mut ids = v.deal_ids(Some(expression));
    ids.sort();
    ids
}

#[test]
fn the_query_language_answers_or_says_why_not() {
    let v = team();
    for (expression, expected) in [
        (
            "(stage=proposal or stage=demo) and amount>50000",
            vec!["a", "c"],
        ),
        (
            "stage=proposal or stage=demo and amount>50000",
            vec!["a", "c"],
        ),
        (
            "(stage=proposal or stage=demo) and not amount>50000",
            vec!["b"],
        ),
        (
            "close_date<2027-01-01 and open=true",
            vec!["a", "b", "c", "f"],
        ),
        ("close_date>=2027-01-01", vec!["d"]),
        ("flags~no_next_step", vec!["f"]),
        ("weighted>20000", vec!["a", "c", "e"]),
        ("base_amount>100000", vec!["c"]),
        ("account=acme", vec!["a", "b"]),
        ("account=\"Acme Corp\"", vec!["a", "b"]),
        ("account_name~acme", vec!["a", "b"]),
        ("owner=\"Sarah Chen\"", vec!["a", "b", "e"]),
        ("owner!=\"Sarah Chen\"", vec!["c", "d", "f"]),
        ("stage in (demo, negotiation)", vec!["b", "c", "d"]),
        ("tags=renewal", vec!["a", "d"]),
        ("tags~q", vec!["d"]),
        ("exists tags", vec!["a", "d"]),
        ("missing account", vec!["c", "d", "e", "f"]),
        ("in_period=true and open=true", vec!["a", "b", "c", "f"]),
        ("currency=EUR", vec!["c"]),
        ("probability>=60", vec!["a", "d", "e"]),
        ("forecast=commit", vec!["d"]),
        ("title~'acme'", vec!["a"]),
        ("amount<=20000", vec!["d", "f"]),
    ] {
        assert_eq!(ids(&v, expression), expected, "{expression}");
    }
    for (expression, says) in [
        (
            "stge=proposal",
            "column 1: unknown field `stge`: did you mean `stage`?",
        ),
        ("amount>", "column 8: a value is missing"),
        ("amount>=100k", "column 9: \"100k\" is not a number"),
        (
            "close_date<2027-1-1",
            "column 12: \"2027-1-1\" is not a date written YYYY-MM-DD",
        ),
        ("stage=demo and", "column 15: a condition is missing"),
        ("(stage=demo", "column 12: `(` is not closed"),
        ("stage=demo)", "column 11: this `)` closes nothing"),
        (
            "stage==demo",
            "column 7: a value is needed here, not an operator",
        ),
        ("open>true", "has no order"),
        ("stage in demo", "`in` needs a list"),
    ] {
        let said = stderr(&v.cmd(&["list", "deals", "--where", expression]).code(2));
        assert!(said.contains(says), "{expression}: {said}");
        assert!(
            said.contains(&format!("  {expression}\n")),
            "the expression is shown: {said}"
        );
    }
}

#[test]
fn list_sorts_picks_columns_and_totals_by_hand() {
    let v = team();
    let out = stdout(
        &v.cmd(&[
            "list",
            "deals",
            "--open",
            "--sort",
            "-weighted,id",
            "--columns",
            "id,stage,weighted",
        ])
        .success(),
    );
    let expected = "\
ID  STAGE        WEIGHTED
c   demo         48000
a   proposal     36000
b   demo         16000
d   negotiation  16000
f   discovery    1000
5 deals: $295,000 · weighted $117,000 (USD)
";
    // 60,000 + 40,000 + 80,000 × 1.5 + 20,000 + 5,000 = 245,000 … plus nothing closed (--open).
    assert_eq!(out, expected.replace("$295,000", "$245,000"));
    let all = stdout(&v.cmd(&["list", "deals"]).success());
    assert!(
        all.contains("CURRENCY  BASE_AMOUNT"),
        "two currencies: {all}"
    );
    assert!(
        all.ends_with("6 deals: $275,000 · weighted $147,000 (USD)\n"),
        "{all}"
    );
    let said = stderr(&v.cmd(&["list", "deals", "--sort", "amout"]).code(2));
    assert!(said.contains("did you mean `amount`"), "{said}");
}

/// The report's JSON without the keys that name the scope.
fn numbers(mut report: Value) -> Value {
    let object = report.as_object_mut().unwrap();
    object.remove("scope");
    report
}

#[test]
fn a_scoped_report_equals_the_report_of_a_vault_holding_only_those_deals() {
    let v = team();
    let only = team();
    for removed in ["c", "d", "f"] {
        std::fs::remove_file(only.join(&format!("deals/{removed}.md"))).unwrap();
    }
    for report in ["pipeline", "prep"] {
        let scoped = json(
            &v.cmd(&[
                report,
                "--format",
                "json",
                "--where",
                "owner=\"Sarah Chen\"",
            ])
            .success(),
        );
        assert_eq!(scoped["scope"], "owner=\"Sarah Chen\"");
        let alone = json(&only.cmd(&[report, "--format", "json"]).success());
        assert_eq!(numbers(scoped), numbers(alone), "{report}");
    }
    let text = stdout(
        &v.cmd(&[
            "prep",
            "--where",
            "owner=\"Sarah Chen\"",
            "--quota",
            "50000",
        ])
        .success(),
    );
    assert!(
        text.contains("only deals where owner=\"Sarah Chen\""),
        "{text}"
    );
    assert!(
        text.contains("| $50,000 | $30,000 | $20,000 |"),
        "the quota, won and the gap: {text}"
    );
    let said = stderr(&v.cmd(&["pipeline", "--where", "ownr=x"]).code(2));
    assert!(said.contains("did you mean `owner`"), "{said}");
}

#[test]
fn build_outputs_can_be_scoped() {
    let v = team().config(
        "history: false\nfx: { EUR: 1.5 }\noutputs:\n  - { template: pipeline.md, to: out/sarah.md, where: 'owner=\"Sarah Chen\"' }\n",
    );
    v.cmd(&["build"]).success();
    let text = std::fs::read_to_string(v.join("out/sarah.md")).unwrap();
    assert!(text.contains("2 open deals · $100,000"), "{text}");
    let v = v.config("outputs:\n  - { template: pipeline.md, to: out/x.md, where: 'stge=demo' }\n");
    let said = stderr(&v.cmd(&["build"]).code(1));
    assert!(said.contains("did you mean `stage`"), "{said}");
}

#[test]
fn records_are_named_alike_everywhere() {
    let v = team().file("deals/g.md", "---\ntitle: Gamma\nstage: demo\n---\n");
    // whatif by title; an ambiguous title lists the candidates; a change that does nothing says so.
    let out = stdout(
        &v.cmd(&["whatif", "--win", "Acme renewal", "--win", "Epsilon"])
            .success(),
    );
    assert!(
        out.contains("win a; win e (no change: it is already won)")
            || out.contains("win e (no change: it is already won); win a"),
        "{out}"
    );
    let said = stderr(&v.cmd(&["whatif", "--win", "Gamma"]).code(2));
    assert!(
        said.contains("deals/c.md") && said.contains("deals/g.md"),
        "both candidates: {said}"
    );
    let said = stderr(&v.cmd(&["whatif", "--win", "acme"]).code(2));
    assert!(said.contains("accounts/acme.md is not a deal"), "{said}");
    let said = stderr(&v.cmd(&["whatif", "--slip", "a=2027-1-5"]).code(2));
    assert!(said.contains("is not a date written YYYY-MM-DD"), "{said}");
    // set says what it changed.
    let out = stdout(
        &v.cmd(&["set", "Beta", "stage=proposal", "amount=45000"])
            .success(),
    );
    assert!(
        out.contains("stage: demo → proposal\namount: 40000 → 45000\n"),
        "{out}"
    );
    // done prefers the task whose whole text it is.
    let v = v.file(
        "deals/h.md",
        "---\ntitle: Eta\nstage: demo\n---\n## Tasks\n- [ ] Call Jane\n- [ ] Call Jane about pricing\n",
    );
    v.cmd(&["done", "h", "call jane"]).success();
    let text = std::fs::read_to_string(v.join("deals/h.md")).unwrap();
    assert!(
        text.contains("- [x] Call Jane ✅ 2026-11-23\n- [ ] Call Jane about pricing\n"),
        "{text}"
    );
}
