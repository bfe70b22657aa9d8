//! `check`: every error and warning on its own small vault, with its place and its wording,
//! and the exit status that goes with it.

use crate::common;

use common::{at, md, stderr, stdout, TestVault, CLEAN_DEAL};

/// A deal with nothing wrong but the lines given in place of its front matter.
fn deal(front_matter: &[&str]) -> String {
    let mut lines = vec!["---"];
    lines.extend_from_slice(front_matter);
    lines.extend(["---", "## Log", "- 2026-11-20: Call with Jane."]);
    md(&lines)
}

fn message(v: &TestVault, file: &str, code: &str) -> String {
    v.diagnostic(file, code)["message"]
        .as_str()
        .expect("a message")
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Output format and exit status

#[test]
fn a_clean_vault_has_no_diagnostics_and_exits_0() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file("contacts/jane.md", md(&["---", "name: Jane", "---"]));
    assert!(v.diagnostics().is_empty());
    let out = stdout(&v.cmd(&["check"]).code(0));
    assert_eq!(out, "2 records checked: 0 errors and 0 warnings\n");
}

#[test]
fn one_record_is_singular() {
    let v = TestVault::new().file("deals/acme.md", CLEAN_DEAL);
    let out = stdout(&v.cmd(&["check"]).code(0));
    assert_eq!(out, "1 record checked: 0 errors and 0 warnings\n");
}

#[test]
fn text_lines_read_path_line_column_severity_message_code() {
    let v = TestVault::new()
        .file("deals/acme.md", md(&["---", "stage: qualified", "---"]))
        .file("deals/globex.md", deal(&["stage: demo", "amount: 1"]))
        .file("deals/initech.md", CLEAN_DEAL);
    let out = stdout(&v.cmd(&["check"]).code(1));
    let acme = out
        .lines()
        .find(|l| l.contains("acme.md"))
        .expect("a line for acme.md");
    assert!(
        acme.ends_with("deals/acme.md:2:8: error: unknown stage \"qualified\"; the known stages are: prospecting, discovery, demo, proposal, negotiation, closed_won, closed_lost [unknown_stage]"),
        "{acme}"
    );
    let globex = out
        .lines()
        .find(|l| l.contains("globex.md") && l.contains("[no_close_date]"))
        .expect("a warning for globex.md");
    assert!(
        globex.ends_with(
            "deals/globex.md:1:1: warning: this open deal has no `close_date` [no_close_date]"
        ),
        "{globex}"
    );
    assert!(
        out.ends_with("3 records checked: 1 error and 2 warnings\n"),
        "{out}"
    );
}

#[test]
fn json_diagnostics_have_path_line_column_severity_code_and_message() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&["stage: demo", "amount: 1", "next_step: x"]),
    );
    let diagnostics = v.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = diagnostics[0].as_object().expect("an object");
    let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "column", "line", "message", "path", "severity"]
    );
    assert!(d["path"].as_str().unwrap().ends_with("deals/acme.md"));
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["code"], "no_close_date");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(1))
    );

    let v = TestVault::new().file("deals/acme.md", md(&["---", "title: x", "---"]));
    assert_eq!(
        v.diagnostic("deals/acme.md", "missing_stage")["severity"],
        "error"
    );
    // JSON output has the same exit status as text.
    v.cmd(&["check", "--format", "json"]).code(1);
}

#[test]
fn warnings_alone_exit_0() {
    let v = TestVault::new().file("deals/acme.md", md(&["---", "stage: demo", "---"]));
    assert!(!v.diagnostics().is_empty());
    v.cmd(&["check"]).code(0);
}

#[test]
fn any_error_exits_1() {
    let v = TestVault::new().file("deals/good.md", CLEAN_DEAL).file(
        "deals/bad.md",
        md(&["---", "stage: demo", "amount: lots", "---"]),
    );
    let out = stdout(&v.cmd(&["check"]).code(1));
    assert!(out.contains("1 error"), "{out}");
}

#[test]
fn a_missing_vault_folder_exits_2_and_says_so() {
    let v = TestVault::new();
    let missing = v.join("no-such-folder");
    let assert = common::dealbook()
        .arg("check")
        .arg("--vault")
        .arg(&missing)
        .assert()
        .code(2);
    let err = stderr(&assert);
    assert!(err.contains("no-such-folder"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn bad_flags_exit_2() {
    let v = TestVault::new().file("deals/acme.md", CLEAN_DEAL);
    v.cmd(&["check", "--bogus"]).code(2);
    v.cmd(&["check", "--format", "xml"]).code(2);
    let err = stderr(&v.cmd(&["check", "--as-of", "23/11/2026"]).code(2));
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn yaml_syntax_error_on_line_4_says_line_4() {
    let v = TestVault::new().file(
        "deals/acme.md",
        md(&[
            "---",
            "title: Acme",
            "stage: demo",
            "next_step: Call: Jane",
            "---",
        ]),
    );
    assert_eq!(v.codes("deals/acme.md"), [at("yaml_syntax", 4, 16)]);
    let msg = message(&v, "deals/acme.md", "yaml_syntax");
    assert!(msg.contains("invalid YAML"), "{msg}");
    assert!(msg.contains("quotes"), "should say what to do: {msg}");
    let out = stdout(&v.cmd(&["check"]).code(1));
    assert!(out.contains("acme.md:4:16: error:"), "{out}");
}

#[test]
fn yaml_errors_point_at_the_offending_line() {
    let v = TestVault::new()
        .file(
            "deals/at.md",
            md(&[
                "---",
                "title: A",
                "stage: demo",
                "next_step: @jane call",
                "---",
            ]),
        )
        .file(
            "deals/tab.md",
            md(&["---", "title: A", "stage: demo", "\tamount: 5", "---"]),
        )
        .file(
            "deals/crlf.md",
            "---\r\ntitle: A\r\nstage: demo\r\nnext_step: Call: Jane\r\n---\r\n",
        )
        .file(
            "deals/bom.md",
            "\u{feff}---\ntitle: A\nstage: demo\nnext_step: Call: Jane\n---\n",
        );
    assert_eq!(v.codes("deals/at.md"), [at("yaml_syntax", 4, 12)]);
    assert!(message(&v, "deals/at.md", "yaml_syntax").contains("`@`"));
    assert_eq!(v.codes("deals/tab.md"), [at("yaml_syntax", 4, 1)]);
    assert!(message(&v, "deals/tab.md", "yaml_syntax").contains("tab"));
    assert_eq!(v.codes("deals/crlf.md"), [at("yaml_syntax", 4, 16)]);
    assert_eq!(v.codes("deals/bom.md"), [at("yaml_syntax", 4, 16)]);
}

#[test]
fn yaml_unclosed_quote_says_the_line_it_opens_on() {
    let v = TestVault::new().file(
        "deals/acme.md",
        md(&[
            "---",
            "title: A",
            "stage: demo",
            "next_step: \"Send pricing",
            "amount: 5",
            "---",
        ]),
    );
    let d = v.diagnostic("deals/acme.md", "yaml_syntax");
    assert_eq!(d["line"], 4, "{d:#?}");
    assert!(d["message"].as_str().unwrap().contains("quote"), "{d:#?}");
}

#[test]
fn yaml_unclosed_bracket_says_the_line_it_opens_on() {
    let v = TestVault::new().file(
        "deals/acme.md",
        md(&[
            "---",
            "title: A",
            "stage: demo",
            "tags: [renewal, q4",
            "---",
        ]),
    );
    let d = v.diagnostic("deals/acme.md", "yaml_syntax");
    assert_eq!(d["line"], 4, "{d:#?}");
}

#[test]
fn yaml_duplicate_key_says_the_line_of_the_duplicate() {
    let v = TestVault::new().file(
        "deals/acme.md",
        md(&["---", "title: A", "stage: demo", "title: B", "---"]),
    );
    let d = v.diagnostic("deals/acme.md", "yaml_syntax");
    assert!(d["message"].as_str().unwrap().contains("title"), "{d:#?}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(1))
    );
}

#[test]
fn a_yaml_error_drops_only_that_file() {
    let v = TestVault::new()
        .file("deals/good.md", CLEAN_DEAL)
        .file("deals/bad.md", md(&["---", "stage: [demo", "---"]));
    assert_eq!(v.deal_ids(None), ["good"]);
}

#[test]
fn front_matter_that_is_not_key_value_lines_is_a_yaml_error() {
    let v = TestVault::new().file("deals/acme.md", md(&["---", "just some text", "---"]));
    assert_eq!(v.codes("deals/acme.md"), [at("yaml_syntax", 2, 1)]);
    assert!(message(&v, "deals/acme.md", "yaml_syntax").contains("`key: value`"));
}

#[test]
fn wrong_type_amount_says_amounts_are_plain_numbers() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&[
            "title: Acme",
            "amount: \"$48,000\"",
            "stage: proposal",
            "close_date: 2026-12-15",
            "next_step: Send pricing",
        ]),
    );
    // The bad amount is reported where it is, once: no extra "no amount" warning.
    assert_eq!(v.codes("deals/acme.md"), [at("wrong_type", 3, 9)]);
    let msg = message(&v, "deals/acme.md", "wrong_type");
    assert!(msg.contains("`amount`"), "{msg}");
    assert!(msg.contains("plain number"), "{msg}");
    assert!(msg.contains("48000"), "shows an example: {msg}");
    assert!(msg.contains("$48,000"), "shows what was written: {msg}");
    v.cmd(&["check"]).code(1);
}

#[test]
fn wrong_type_other_fields() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&[
            "amount: 1",
            "stage: proposal",
            "close_date: 2026-12-15",
            "next_step: Send pricing",
            "probability: 120",
            "dm_engaged: maybe",
            "forecast: likely",
            "title: [a, b]",
        ]),
    );
    assert_eq!(
        v.codes("deals/acme.md"),
        [
            at("out_of_range", 6, 14),
            at("wrong_type", 7, 13),
            at("wrong_type", 8, 11),
            at("wrong_type", 9, 8),
        ]
    );
    let messages: Vec<String> = v
        .diagnostics_for("deals/acme.md")
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert!(messages[0].contains("from 0 to 100"), "{messages:?}");
    assert!(messages[1].contains("true or false"), "{messages:?}");
    assert!(
        messages[2].contains("pipeline, best_case, commit, omitted"),
        "{messages:?}"
    );
    assert!(messages[3].contains("should be text"), "{messages:?}");
}

#[test]
fn invalid_date_mentions_yyyy_mm_dd() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&[
            "amount: 1",
            "stage: proposal",
            "close_date: 12/15/2026",
            "next_step: Send pricing",
            "next_step_date: 2026-02-30",
        ]),
    );
    let codes = v.codes("deals/acme.md");
    assert!(codes.contains(&at("invalid_date", 4, 13)), "{codes:?}");
    assert!(codes.contains(&at("invalid_date", 6, 17)), "{codes:?}");
    let d = v
        .diagnostics_for("deals/acme.md")
        .into_iter()
        .find(|d| d["line"] == 4)
        .unwrap();
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("`close_date`"), "{msg}");
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
    assert!(msg.contains("12/15/2026"), "{msg}");
    v.cmd(&["check"]).code(1);
}

#[test]
fn messages_name_the_key_as_the_vault_writes_it() {
    let v = TestVault::new()
        .config("fields: { close_date: expected_close_date }\n")
        .file(
            "deals/acme.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "next_step: Call",
                "expected_close_date: 12/15/2026",
            ]),
        );
    let d = v.diagnostic("deals/acme.md", "invalid_date");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(22))
    );
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("`expected_close_date`"), "{msg}");
}

#[test]
fn unknown_stage_lists_the_known_stages_and_the_deal_is_still_listed() {
    let v = TestVault::new()
        .file("deals/acme.md", deal(&["amount: 1", "stage: qualified"]))
        .file("deals/good.md", CLEAN_DEAL);
    assert_eq!(v.codes("deals/acme.md"), [at("unknown_stage", 3, 8)]);
    let msg = message(&v, "deals/acme.md", "unknown_stage");
    assert!(msg.contains("\"qualified\""), "{msg}");
    assert!(
        msg.contains(
            "prospecting, discovery, demo, proposal, negotiation, closed_won, closed_lost"
        ),
        "{msg}"
    );
    // The deal keeps its place: listed with the stage as written, and not counted by reports.
    assert_eq!(v.deal_ids(None), ["good", "acme"]);
    assert_eq!(v.list("deals", None)[1]["stage"], "qualified");
    v.cmd(&["check"]).code(1);
}

#[test]
fn unknown_stage_lists_the_configured_stages() {
    let v = TestVault::new()
        .config("stages:\n  - { id: qualify, probability: 10 }\n  - { id: won, probability: 100, won: true }\n")
        .file("deals/acme.md", deal(&["stage: proposal"]));
    let msg = message(&v, "deals/acme.md", "unknown_stage");
    assert!(msg.ends_with("the known stages are: qualify, won"), "{msg}");
}

#[test]
fn stage_names_are_forgiving_about_case_spaces_and_dashes() {
    let v = TestVault::new()
        .file("deals/a.md", md(&["---", "stage: Closed Won", "---"]))
        .file("deals/b.md", md(&["---", "stage: closed-lost", "---"]))
        .file("deals/c.md", md(&["---", "stage: NEGOTIATION", "---"]));
    v.cmd(&["check"]).code(0);
    let stages: Vec<String> = v
        .list("deals", None)
        .iter()
        .map(|row| row["stage"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stages, ["closed_won", "closed_lost", "negotiation"]);
}

#[test]
fn missing_stage_lists_the_stages_to_choose_from() {
    let v = TestVault::new().file("deals/acme.md", deal(&["title: Acme", "amount: 1"]));
    assert_eq!(v.codes("deals/acme.md"), [at("missing_stage", 1, 1)]);
    let msg = message(&v, "deals/acme.md", "missing_stage");
    assert!(msg.contains("no `stage`"), "{msg}");
    assert!(msg.contains("prospecting, discovery, demo"), "{msg}");
    assert_eq!(v.deal_ids(None), ["acme"]);
    v.cmd(&["check"]).code(1);
}

#[test]
fn empty_front_matter_in_a_deal_is_a_missing_stage() {
    let v = TestVault::new().file("deals/acme.md", "---\n---\n");
    assert_eq!(v.codes("deals/acme.md"), [at("missing_stage", 1, 1)]);
}

#[test]
fn duplicate_id_names_the_first_file() {
    let v = TestVault::new()
        .file("deals/a/x.md", CLEAN_DEAL)
        .file("deals/b/x.md", CLEAN_DEAL);
    assert_eq!(v.codes("deals/a/x.md"), [at("duplicate_id", 1, 1)]);
    assert_eq!(v.codes("deals/b/x.md"), [at("duplicate_id", 1, 1)]);
    let first = message(&v, "deals/a/x.md", "duplicate_id");
    assert!(first.contains("also used by deals/b/x.md"), "{first}");
    let msg = message(&v, "deals/b/x.md", "duplicate_id");
    assert!(msg.contains("`x`"), "{msg}");
    assert!(msg.contains("deals/a/x.md"), "{msg}");
    assert!(msg.contains("rename"), "{msg}");
    let rows = v.list("deals", None);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["path"], "deals/a/x.md");
    v.cmd(&["check"]).code(1);
}

#[test]
fn the_same_id_in_different_kinds_is_fine() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file("accounts/acme.md", md(&["---", "name: Acme Corp", "---"]))
        .file("contacts/acme.md", md(&["---", "name: Acme Desk", "---"]));
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
}

#[test]
fn unclosed_front_matter_says_to_add_a_fence() {
    let v = TestVault::new()
        .file(
            "deals/acme.md",
            md(&["---", "title: Acme", "stage: demo", "", "Notes"]),
        )
        .file("deals/good.md", CLEAN_DEAL);
    assert_eq!(
        v.codes("deals/acme.md"),
        [at("unclosed_front_matter", 1, 1)]
    );
    let msg = message(&v, "deals/acme.md", "unclosed_front_matter");
    assert!(msg.contains("never closed"), "{msg}");
    assert!(msg.contains("`---`"), "{msg}");
    unreadable_is_named_by_list(&v, "deals/acme.md");
    v.cmd(&["check"]).code(1);
}

/// A file that cannot be read is not listed, but `list` names it and exits 1: the listing is
/// incomplete.
fn unreadable_is_named_by_list(v: &TestVault, path: &str) {
    let assert = v.cmd(&["list", "deals", "--format", "json"]).code(1);
    let ids: Vec<String> = common::json(&assert)
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["good"]);
    let said = stderr(&assert);
    assert!(
        said.contains(path) && said.contains("could not be read"),
        "{said}"
    );
}

#[test]
fn not_utf8_gives_the_place_of_the_first_bad_byte() {
    let v = TestVault::new()
        .file("deals/cafe.md", b"---\ntitle: caf\xe9\nstage: demo\n---\n")
        .file("deals/good.md", CLEAN_DEAL);
    assert_eq!(v.codes("deals/cafe.md"), [at("not_utf8", 2, 11)]);
    let msg = message(&v, "deals/cafe.md", "not_utf8");
    assert!(msg.contains("UTF-8"), "{msg}");
    unreadable_is_named_by_list(&v, "deals/cafe.md");
    v.cmd(&["check"]).code(1);
}

// ---------------------------------------------------------------------------------------------
// Warnings (hygiene on open deals, links, typos)

#[test]
fn no_close_date() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&["amount: 1", "stage: demo", "next_step: Call"]),
    );
    assert_eq!(v.codes("deals/acme.md"), [at("no_close_date", 1, 1)]);
    assert!(message(&v, "deals/acme.md", "no_close_date").contains("no `close_date`"));
    v.cmd(&["check"]).code(0);
}

#[test]
fn close_date_past_points_at_the_date_and_today_is_not_past() {
    let v = TestVault::new()
        .file(
            "deals/past.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "next_step: Call",
                "close_date: 2026-11-22",
            ]),
        )
        .file(
            "deals/today.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "next_step: Call",
                "close_date: 2026-11-23",
            ]),
        );
    assert_eq!(v.codes("deals/past.md"), [at("close_date_past", 5, 13)]);
    let msg = message(&v, "deals/past.md", "close_date_past");
    assert!(msg.contains("2026-11-22"), "{msg}");
    assert!(msg.contains("has passed"), "{msg}");
    assert!(v.codes("deals/today.md").is_empty());
    v.cmd(&["check"]).code(0);
}

#[test]
fn no_next_step() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&[
            "amount: 1",
            "stage: demo",
            "close_date: 2026-12-01",
            "next_step_date: 2026-11-30",
        ]),
    );
    assert_eq!(v.codes("deals/acme.md"), [at("no_next_step", 1, 1)]);
    assert!(message(&v, "deals/acme.md", "no_next_step").contains("no `next_step`"));
}

#[test]
fn next_step_overdue_points_at_its_date_and_today_is_not_overdue() {
    let v = TestVault::new()
        .file(
            "deals/late.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "close_date: 2026-12-01",
                "next_step: Call Jane",
                "next_step_date: 2026-11-22",
            ]),
        )
        .file(
            "deals/today.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "close_date: 2026-12-01",
                "next_step: Call Jane",
                "next_step_date: 2026-11-23",
            ]),
        );
    assert_eq!(v.codes("deals/late.md"), [at("next_step_overdue", 6, 17)]);
    assert!(message(&v, "deals/late.md", "next_step_overdue").contains("was due 2026-11-22"));
    assert!(v.codes("deals/today.md").is_empty());
}

#[test]
fn stale_after_14_days_points_at_the_newest_log_entry() {
    let stale = md(&[
        "---",
        "amount: 1",
        "stage: demo",
        "close_date: 2026-12-01",
        "next_step: Call",
        "---",
        "## Log",
        "- 2026-11-01: Intro",
        "- 2026-11-08: Demo", // 15 days before 2026-11-23
    ]);
    let fresh = stale.replace("2026-11-08", "2026-11-09"); // 14 days: not yet stale
    let v = TestVault::new()
        .file("deals/stale.md", stale)
        .file("deals/fresh.md", fresh);
    assert_eq!(v.codes("deals/stale.md"), [at("stale", 9, 1)]);
    let msg = message(&v, "deals/stale.md", "stale");
    assert!(msg.contains("15 days"), "{msg}");
    assert!(msg.contains("since 2026-11-08"), "{msg}");
    assert!(v.codes("deals/fresh.md").is_empty());
    v.cmd(&["check"]).code(0);
}

#[test]
fn stale_follows_the_configured_days() {
    let v = TestVault::new().config("stale_after_days: 2\n").file(
        "deals/acme.md",
        deal(&[
            "amount: 1",
            "stage: demo",
            "close_date: 2026-12-01",
            "next_step: Call",
        ]),
    );
    // The log entry is 2026-11-20: 3 days before 2026-11-23.
    assert_eq!(v.codes("deals/acme.md"), [at("stale", 8, 1)]);
}

#[test]
fn stale_without_a_log_uses_created_else_asks_for_a_log() {
    let front = [
        "---",
        "amount: 1",
        "stage: demo",
        "close_date: 2026-12-01",
        "next_step: Call",
    ];
    let with = |extra: &[&str]| {
        let mut lines = front.to_vec();
        lines.extend_from_slice(extra);
        lines.push("---");
        md(&lines)
    };
    let v = TestVault::new()
        .file("deals/new.md", with(&["created: 2026-11-20"]))
        .file("deals/old.md", with(&["created: 2026-10-01"]))
        .file("deals/none.md", with(&[]));
    assert!(v.codes("deals/new.md").is_empty());
    assert_eq!(v.codes("deals/old.md"), [at("stale", 1, 1)]);
    assert!(message(&v, "deals/old.md", "stale").contains("53 days"));
    assert_eq!(v.codes("deals/none.md"), [at("stale", 1, 1)]);
    let msg = message(&v, "deals/none.md", "stale");
    assert!(msg.contains("## Log"), "{msg}");
}

#[test]
fn no_amount() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&["stage: demo", "close_date: 2026-12-01", "next_step: Call"]),
    );
    assert_eq!(v.codes("deals/acme.md"), [at("no_amount", 1, 1)]);
    assert!(message(&v, "deals/acme.md", "no_amount").contains("no `amount`"));
}

#[test]
fn closed_deals_get_no_open_deal_warnings() {
    let v = TestVault::new()
        .file(
            "deals/won.md",
            md(&["---", "stage: closed_won", "close_date: 2026-11-02", "---"]),
        )
        .file(
            "deals/lost.md",
            md(&["---", "stage: Closed Lost", "close_date: 2026-10-01", "---"]),
        );
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
}

#[test]
fn a_closed_deal_needs_a_close_date_that_has_come() {
    let v = TestVault::new()
        .file(
            "deals/undated.md",
            md(&["---", "stage: closed_won", "close_date:", "---"]),
        )
        .file(
            "deals/ahead.md",
            md(&["---", "stage: closed_lost", "close_date: 2026-12-24", "---"]),
        );
    // An empty `close_date:` is pointed at where it is written.
    assert_eq!(
        v.codes("deals/undated.md"),
        [at("closed_without_date", 3, 1)]
    );
    assert_eq!(v.codes("deals/ahead.md"), [at("closed_in_future", 3, 13)]);
    assert!(message(&v, "deals/ahead.md", "closed_in_future").contains("2026-12-24"));
}

#[test]
fn values_out_of_their_range_are_warnings_with_their_own_codes() {
    let v = TestVault::new().file(
        "deals/odd.md",
        deal(&[
            "stage: demo",
            "amount: -500",
            "created: 2026-11-10",
            "close_date: 2026-11-01",
            "next_step: Call",
        ]),
    );
    let codes: Vec<String> = v
        .codes("deals/odd.md")
        .into_iter()
        .map(|(c, ..)| c)
        .collect();
    assert!(codes.contains(&"negative_amount".into()), "{codes:?}");
    assert!(codes.contains(&"close_before_created".into()), "{codes:?}");
    let msg = message(&v, "deals/odd.md", "close_before_created");
    assert!(
        msg.contains("2026-11-01") && msg.contains("2026-11-10"),
        "{msg}"
    );
}

#[test]
fn broken_link_names_the_field_and_the_target() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&[
            "amount: 1",
            "stage: demo",
            "close_date: 2026-12-01",
            "next_step: Call",
            "account: nobody",
            "champion: \"[[Bob Lee]]\"",
        ]),
    );
    assert_eq!(
        v.codes("deals/acme.md"),
        [at("broken_link", 6, 10), at("broken_link", 7, 11)]
    );
    let messages: Vec<String> = v
        .diagnostics_for("deals/acme.md")
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        messages[0],
        "`account` points to \"nobody\", but no account has that id or name"
    );
    assert_eq!(
        messages[1],
        "`champion` points to \"Bob Lee\", but no contact has that id or name"
    );
    v.cmd(&["check"]).code(0);
}

#[test]
fn links_resolve_by_id_name_or_wikilink_with_a_folder() {
    let v = TestVault::new()
        .file("accounts/acme.md", md(&["---", "name: Acme Corp", "---"]))
        .file(
            "contacts/jane-doe.md",
            md(&["---", "name: Jane Doe", "account: \"[[Acme Corp]]\"", "---"]),
        )
        .file(
            "contacts/bob.md",
            md(&["---", "name: Bob Lee", "account: acme", "---"]),
        )
        .file(
            "deals/acme.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "close_date: 2026-12-01",
                "next_step: Call",
                "account: \"[[accounts/acme|Acme]]\"",
                "decision_maker: \"[[Jane Doe]]\"",
                "champion: [[bob]]",
            ]),
        );
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
}

#[test]
fn broken_link_on_a_contact() {
    let v = TestVault::new().file(
        "contacts/jane.md",
        md(&["---", "name: Jane", "account: globex", "---"]),
    );
    assert_eq!(v.codes("contacts/jane.md"), [at("broken_link", 3, 10)]);
}

#[test]
fn unknown_key_suggests_the_near_miss() {
    let v = TestVault::new().file(
        "deals/acme.md",
        deal(&[
            "amount: 1",
            "stage: demo",
            "close_dat: 2026-12-01",
            "next_step: Call",
            "region: EMEA",
        ]),
    );
    // `close_dat` is a typo (so the deal also has no close date); `region` is the rep's own field.
    assert_eq!(
        v.codes("deals/acme.md"),
        [at("no_close_date", 1, 1), at("unknown_key", 4, 12)]
    );
    assert_eq!(
        message(&v, "deals/acme.md", "unknown_key"),
        "unknown field `close_dat`: did you mean `close_date`?"
    );
    v.cmd(&["check"]).code(0);
}

#[test]
fn unknown_key_on_contacts_and_accounts_but_not_private_fields() {
    let v = TestVault::new()
        .config("private_fields: [stag]\n")
        .file(
            "contacts/jane.md",
            md(&["---", "name: Jane", "emial: jane@example.com", "---"]),
        )
        .file(
            "accounts/acme.md",
            md(&["---", "name: Acme", "websit: https://example.com", "---"]),
        )
        .file(
            "deals/acme.md",
            deal(&[
                "amount: 1",
                "stage: demo",
                "close_date: 2026-12-01",
                "next_step: Call",
                "stag: secret",
            ]),
        );
    assert_eq!(v.codes("contacts/jane.md"), [at("unknown_key", 3, 8)]);
    assert!(message(&v, "contacts/jane.md", "unknown_key").contains("`email`"));
    assert_eq!(v.codes("accounts/acme.md"), [at("unknown_key", 3, 9)]);
    assert!(message(&v, "accounts/acme.md", "unknown_key").contains("`website`"));
    assert!(v.codes("deals/acme.md").is_empty());
}

#[test]
fn no_fx_rate_for_a_foreign_currency() {
    let deal_in = |currency: &str| {
        deal(&[
            "amount: 1",
            "stage: demo",
            "close_date: 2026-12-01",
            "next_step: Call",
            currency,
        ])
    };
    let v = TestVault::new()
        .config("fx: { GBP: 1.27 }\n")
        .file("deals/eur.md", deal_in("currency: eur"))
        .file("deals/gbp.md", deal_in("currency: GBP"));
    assert_eq!(v.codes("deals/eur.md"), [at("no_fx_rate", 6, 11)]);
    assert!(message(&v, "deals/eur.md", "no_fx_rate").contains("EUR"));
    assert!(v.codes("deals/gbp.md").is_empty());
}

// ---------------------------------------------------------------------------------------------
// The config

#[test]
fn fiscal_year_start_13_is_an_error_naming_the_key() {
    let v = TestVault::new()
        .config("owner: Sam\nfiscal_year_start: 13\n")
        .file("deals/acme.md", CLEAN_DEAL);
    let err = stdout(&v.cmd(&["check"]).code(1));
    assert!(err.contains("dealbook.yaml:2:20: error:"), "{err}");
    assert!(err.contains("`fiscal_year_start`"), "{err}");
    assert!(err.contains("from 1 to 12"), "{err}");
    assert!(err.contains("[bad_config]"), "{err}");
}

#[test]
fn an_unknown_config_key_is_an_error_naming_the_key() {
    let v = TestVault::new()
        .config("owner: Sam\nquotaa:\n  2026-Q4: 300000\n")
        .file("deals/acme.md", CLEAN_DEAL);
    let err = stdout(&v.cmd(&["check"]).code(1));
    assert!(err.contains("dealbook.yaml:2:1: error:"), "{err}");
    assert!(err.contains("unknown field `quotaa`"), "{err}");
    assert!(err.contains("`quota`"), "lists the keys it knows: {err}");
}

#[test]
fn other_bad_config_values_name_their_key() {
    let cases = [
        ("quota:\n  2026-Q5: 1\n", "quota.2026-Q5"),
        ("stale_after_days: soon\n", "stale_after_days"),
        (
            "stages:\n  - { id: a, probability: 10, forcast: commit }\n",
            "forcast",
        ),
        ("stages: []\n", "stages"),
        ("fx: { EUR: 0 }\n", "fx.EUR"),
        ("folders: { deal: [x] }\n", "deal"),
    ];
    for (yaml, key) in cases {
        let v = TestVault::new().config(yaml);
        let err = stdout(&v.cmd(&["check"]).code(1));
        assert!(err.contains(key), "{yaml:?} should name {key}: {err}");
        assert!(err.contains("dealbook.yaml:"), "{err}");
    }
}

#[test]
fn a_bad_config_is_reported_in_json_too() {
    let v = TestVault::new().config("fiscal_year_start: 13\n");
    let assert = v.cmd(&["check", "--format", "json"]).code(1);
    let diagnostics = common::json(&assert);
    let d = &diagnostics[0];
    assert_eq!(d["code"], "bad_config");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(20))
    );
}

#[test]
fn an_empty_config_means_the_defaults() {
    let v = TestVault::new()
        .config("")
        .file("deals/acme.md", CLEAN_DEAL);
    v.cmd(&["check"]).code(0);
}

#[test]
fn a_config_problem_inside_a_list_points_at_its_entry_and_all_are_reported() {
    let v = TestVault::new()
        .config(&md(&[
            "currency: USD",
            "stages:",
            "  - { id: lead, probability: 10 }",
            "  - { id: demo, probability: 40 }",
            "  - id: proposal",
            "    probability: 160",
            "  - { id: closed_won, probability: 100, won: true, aliases: [Lead] }",
            "outputs:",
            "  - { template: pipeline.md, to: ../outside.md }",
        ]))
        .file("deals/a.md", CLEAN_DEAL);
    let out = stdout(&v.cmd_inside(&["check"]).code(1));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (line, starts) in lines.iter().zip([
        "dealbook.yaml:6:18: error: `stages[2].probability` must be a number from 0 to 100",
        "dealbook.yaml:7:62: error: `stages[3].aliases[0]` `Lead` is also the name of stage `lead`",
        "dealbook.yaml:9:34: error: `outputs[0].to` `../outside.md` leaves the vault",
    ]) {
        assert!(line.starts_with(starts), "{out}");
    }
}
