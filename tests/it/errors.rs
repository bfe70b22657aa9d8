//! The error catalogue: for every diagnostic code, the smallest vault that shows it and what
//! `check` prints for it, as a reviewed snapshot. `check` runs inside the vault with no
//! `--vault`, so every path in the snapshots is relative.
//!
//! To accept changed output: `INSTA_UPDATE=always cargo test --test errors`, then read the
//! `.snap` files under `tests/it/snapshots/` before committing them.

use crate::common;

use common::{md, TestVault, CLEAN_DEAL};

/// `check`'s exit status, stdout and stderr, run from the vault's root.
fn check(v: &TestVault) -> String {
    let assert = v.cmd_inside(&["check"]);
    let output = assert.get_output();
    let mut text = format!(
        "exit status: {}\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout)
    );
    if !output.stderr.is_empty() {
        text.push_str("stderr:\n");
        text.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    text
}

/// A vault with an empty `dealbook.yaml` (so it is found from its root) and these files.
fn vault(files: &[(&str, &[u8])]) -> TestVault {
    files
        .iter()
        .fold(TestVault::new().config(""), |v, (path, text)| {
            v.file(path, text)
        })
}

/// The clean deal with one line changed.
fn deal_with(from: &str, to: &str) -> String {
    let changed = CLEAN_DEAL.replacen(from, to, 1);
    assert_ne!(changed, CLEAN_DEAL, "`{from}` is in the clean deal");
    changed
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn yaml_syntax() {
    let text = md(&[
        "---",
        "title: Acme",
        "stage: demo",
        "next_step: Call: Jane",
        "---",
    ]);
    insta::assert_snapshot!(
        "yaml_syntax",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn wrong_type() {
    let text = deal_with("amount: 48000", "amount: \"$48,000\"");
    insta::assert_snapshot!(
        "wrong_type",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn invalid_date() {
    let text = deal_with("close_date: 2026-12-15", "close_date: 12/15/2026");
    insta::assert_snapshot!(
        "invalid_date",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn unknown_stage() {
    let text = deal_with("stage: proposal", "stage: qualified");
    insta::assert_snapshot!(
        "unknown_stage",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn missing_stage() {
    let text = deal_with("stage: proposal\n", "");
    insta::assert_snapshot!(
        "missing_stage",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn duplicate_id() {
    let v = vault(&[
        ("deals/a/x.md", CLEAN_DEAL.as_bytes()),
        ("deals/b/x.md", CLEAN_DEAL.as_bytes()),
    ]);
    insta::assert_snapshot!("duplicate_id", check(&v));
}

#[test]
fn unclosed_front_matter() {
    let text = md(&["---", "title: Acme", "stage: demo", "", "Notes about Acme."]);
    insta::assert_snapshot!(
        "unclosed_front_matter",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn not_utf8() {
    let text = b"---\ntitle: Caf\xe9 Nero\nstage: demo\n---\n";
    insta::assert_snapshot!(
        "not_utf8",
        check(&vault(&[("deals/cafe.md", text.as_slice())]))
    );
}

/// A file too large to read: a body with more Markdown markup than dealbook reads.
#[test]
fn unreadable() {
    let mut text = CLEAN_DEAL.to_string();
    text.push_str(&"[[x]] ".repeat(dealbook::parse::MAX_BODY_MARKUP / 4 + 1));
    insta::assert_snapshot!(
        "unreadable",
        check(&vault(&[("deals/huge.md", text.as_bytes())]))
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let v = vault(&[("deals/acme.md", CLEAN_DEAL.as_bytes())]);
    std::os::unix::fs::symlink(v.path(), v.join("deals/loop")).expect("symlink");
    insta::assert_snapshot!("symlink_loop", check(&v));
}

#[cfg(unix)]
#[test]
fn symlink_outside() {
    let v = vault(&[("deals/acme.md", CLEAN_DEAL.as_bytes())]);
    let outside = tempfile::tempdir().expect("a folder outside the vault");
    std::fs::write(outside.path().join("x.md"), "---\nstage: demo\n---\n").expect("write");
    std::os::unix::fs::symlink(outside.path(), v.join("deals/elsewhere")).expect("symlink");
    let text = check(&v).replace(
        &outside.path().canonicalize().unwrap().display().to_string(),
        "OUTSIDE",
    );
    insta::assert_snapshot!("symlink_outside", text);
}

#[test]
fn out_of_range() {
    let text = deal_with("amount: 48000", "amount: 1e308");
    insta::assert_snapshot!(
        "out_of_range",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn bad_config() {
    let v = TestVault::new()
        .config("owner: Sam\nfiscal_year_start: 13\n")
        .file("deals/acme.md", CLEAN_DEAL);
    insta::assert_snapshot!("bad_config", check(&v));
}

#[test]
fn bad_config_unknown_key() {
    let v = TestVault::new()
        .config("owner: Sam\nquotaa:\n  2026-Q4: 300000\n")
        .file("deals/acme.md", CLEAN_DEAL);
    insta::assert_snapshot!("bad_config_unknown_key", check(&v));
}

// ---------------------------------------------------------------------------------------------
// Warnings

#[test]
fn no_close_date() {
    let text = deal_with("close_date: 2026-12-15\n", "");
    insta::assert_snapshot!(
        "no_close_date",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn close_date_past() {
    let text = deal_with("close_date: 2026-12-15", "close_date: 2026-11-14");
    insta::assert_snapshot!(
        "close_date_past",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn no_next_step() {
    let text = deal_with("next_step: Send revised pricing\n", "");
    insta::assert_snapshot!(
        "no_next_step",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn next_step_overdue() {
    let text = deal_with("next_step_date: 2026-11-25", "next_step_date: 2026-11-19");
    insta::assert_snapshot!(
        "next_step_overdue",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn stale() {
    let text = deal_with("- 2026-11-20:", "- 2026-10-30:");
    insta::assert_snapshot!(
        "stale",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn stale_with_no_log() {
    let text = deal_with(
        "## Log\n- 2026-11-20: Call with Jane; pricing is the blocker.\n",
        "",
    );
    insta::assert_snapshot!(
        "stale_with_no_log",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn no_amount() {
    let text = deal_with("amount: 48000\n", "");
    insta::assert_snapshot!(
        "no_amount",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn broken_link() {
    let text = deal_with(
        "title: Acme renewal\n",
        "title: Acme renewal\naccount: nobody\n",
    );
    insta::assert_snapshot!(
        "broken_link",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn unknown_key() {
    let text = deal_with("next_step_date:", "next_step_dat:");
    insta::assert_snapshot!(
        "unknown_key",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn no_fx_rate() {
    let text = deal_with("amount: 48000\n", "amount: 48000\ncurrency: CHF\n");
    insta::assert_snapshot!(
        "no_fx_rate",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn negative_amount() {
    let text = deal_with("amount: 48000", "amount: -48000");
    insta::assert_snapshot!(
        "negative_amount",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn close_before_created() {
    let text = deal_with(
        "close_date: 2026-12-15\n",
        "close_date: 2026-12-15\ncreated: 2027-01-04\n",
    );
    insta::assert_snapshot!(
        "close_before_created",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn closed_without_date() {
    let text = deal_with("stage: proposal", "stage: closed_won").replacen(
        "close_date: 2026-12-15\n",
        "close_date:\n",
        1,
    );
    insta::assert_snapshot!(
        "closed_without_date",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

#[test]
fn closed_in_future() {
    let text = deal_with("stage: proposal", "stage: closed_lost");
    insta::assert_snapshot!(
        "closed_in_future",
        check(&vault(&[("deals/acme.md", text.as_bytes())]))
    );
}

/// Every code dealbook can report has its reproducer here and its row in the README's table.
#[test]
fn every_code_is_in_the_catalogue_and_the_readme() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(root.join("src/diagnostic.rs")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let codes: Vec<&str> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Code::"))
        .filter_map(|rest| rest.split_once(" => \"")?.1.strip_suffix("\","))
        // `as_str`'s codes, not `explain`'s sentences.
        .filter(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    assert!(
        codes.len() > 20,
        "read the codes from src/diagnostic.rs: {codes:?}"
    );
    for code in codes {
        let snapshot = root.join(format!("tests/it/snapshots/it__errors__{code}.snap"));
        assert!(
            snapshot.exists(),
            "no reproducer for `{code}`: {}",
            snapshot.display()
        );
        assert!(
            readme.contains(&format!("`{code}`")),
            "`{code}` is not in the README"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Everything at once, in check's order, as text and as JSON

fn mixed_vault() -> TestVault {
    vault(&[
        ("deals/acme.md", CLEAN_DEAL.as_bytes()),
        (
            "deals/globex.md",
            deal_with("stage: proposal", "stage: qualified").as_bytes(),
        ),
        (
            "deals/initech.md",
            deal_with("close_date: 2026-12-15", "close_date: 2026-11-14").as_bytes(),
        ),
        (
            "contacts/jane.md",
            md(&[
                "---",
                "name: Jane Doe",
                "account: acme",
                "emial: jane@acme.example",
                "---",
            ])
            .as_bytes(),
        ),
    ])
}

#[test]
fn mixed_text() {
    insta::assert_snapshot!("mixed_text", check(&mixed_vault()));
}

#[test]
fn mixed_json() {
    let v = mixed_vault();
    let diagnostics = common::json(&v.cmd_inside(&["check", "--format", "json"]).code(1));
    insta::assert_json_snapshot!("mixed_json", diagnostics);
}
