//! Files as editors and file systems really leave them: BOMs, CRLF, empty files, huge files,
//! symlink loops, other encodings. None of them may stop the rest of the vault being read.

use crate::common;

use std::time::Duration;

use common::{at, md, TestVault, CLEAN_DEAL};

#[test]
fn bom_and_crlf_parse_like_any_other_file() {
    let text = md(&[
        "\u{feff}---",
        "title: Windows deal",
        "amount: 5000",
        "stage: demo",
        "close_date: 2026-11-20",
        "next_step: Call",
        "---",
        "## Log",
        "- 2026-11-21: Notes from Notepad",
        "",
        "- [ ] Send deck due:2026-11-30",
    ])
    .replace('\n', "\r\n");
    let v = TestVault::new().file("deals/windows.md", text);
    let rows = v.list("deals", None);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], "windows");
    assert_eq!(rows[0]["title"], "Windows deal");
    assert_eq!(rows[0]["amount"], 5000);
    assert_eq!(rows[0]["close_date"], "2026-11-20");
    assert_eq!(rows[0]["last_activity"], "2026-11-21");
    // Positions are the same as without the BOM and the carriage returns.
    assert_eq!(v.codes("deals/windows.md"), [at("close_date_past", 5, 13)]);
    let tasks = v.list("tasks", None);
    assert_eq!(tasks[0]["text"], "Send deck");
    assert_eq!(tasks[0]["due"], "2026-11-30");
    assert_eq!(tasks[0]["line"], 11);
}

#[test]
fn empty_and_plain_markdown_files_in_deals_are_not_errors() {
    let v = TestVault::new()
        .file("deals/empty.md", "")
        .file("deals/blank.md", "\n\n   \n")
        .file(
            "deals/notes.md",
            "# Ideas\n\nJust notes, no front matter.\n---\n",
        )
        .file("deals/acme.md", CLEAN_DEAL);
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
    v.cmd(&["check"]).code(0);
    assert_eq!(v.deal_ids(None), ["acme"]);
}

#[test]
fn a_deal_with_a_10_mb_body_is_indexed() {
    let paragraph =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod. [[Jane]]\n\n";
    let mut text = md(&[
        "---",
        "title: Huge",
        "stage: demo",
        "amount: 1",
        "---",
        "# Notes",
    ]);
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(paragraph);
    }
    let lines_before_log = text.lines().count();
    text.push_str(
        "## Log\n- 2026-11-22: The entry after ten megabytes\n\n- [ ] Last task due:2026-12-01\n",
    );
    let v = TestVault::new()
        .file("deals/huge.md", text)
        .file("deals/acme.md", CLEAN_DEAL);
    let rows = v.list("deals", None);
    let huge = rows
        .iter()
        .find(|r| r["id"] == "huge")
        .expect("huge is listed");
    assert_eq!(huge["title"], "Huge");
    assert_eq!(huge["last_activity"], "2026-11-22");
    let tasks = v.list("tasks", Some("record=huge"));
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["line"], lines_before_log + 4);
    v.cmd(&["check"]).code(0);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_does_not_hang_and_the_rest_is_listed() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file("deals/globex.md", CLEAN_DEAL);
    std::os::unix::fs::symlink(v.path(), v.join("deals/loop")).expect("symlink");
    let list = common::dealbook()
        .arg("--vault")
        .arg(v.path())
        .args(["list", "deals", "--format", "json"])
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    let ids: Vec<String> = common::json(&list)
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["acme", "globex"]);
    // `check` names the link it skipped.
    let check = common::dealbook()
        .arg("--vault")
        .arg(v.path())
        .args(["check", "--format", "json", "--as-of", common::AS_OF])
        .timeout(Duration::from_secs(30))
        .assert();
    let diagnostics = common::json(&check);
    let looped = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("deals/loop"))
        .unwrap_or_else(|| panic!("no diagnostic for deals/loop: {diagnostics:#?}"));
    assert!(looped["message"]
        .as_str()
        .unwrap()
        .contains("symbolic link"));
}

#[test]
fn a_non_utf8_file_is_reported_and_the_rest_are_indexed() {
    let v = TestVault::new()
        .file(
            "deals/latin1.md",
            b"---\nstage: demo\ntitle: Caf\xe9 au lait\n---\n",
        )
        .file("deals/utf16.md", b"\xff\xfe-\x00-\x00-\x00\n\x00")
        .file("deals/acme.md", CLEAN_DEAL)
        .file("contacts/jane.md", md(&["---", "name: Jane", "---"]));
    assert_eq!(v.codes("deals/latin1.md"), [at("not_utf8", 3, 11)]);
    assert_eq!(v.codes("deals/utf16.md"), [at("not_utf8", 1, 1)]);
    v.cmd(&["check"]).code(1);
    assert_eq!(v.deal_ids(None), ["acme"]);
    assert_eq!(v.list("contacts", None).len(), 1);
}

#[test]
fn a_non_utf8_note_outside_the_record_folders_is_not_an_error() {
    let v = TestVault::new()
        .file(
            "meetings/2026-11-16.md",
            b"---\ndate: 2026-11-16\n---\nCaf\xe9 with Jane\n",
        )
        .file("deals/acme.md", CLEAN_DEAL);
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
    v.cmd(&["check"]).code(0);
}

#[test]
fn hidden_folders_templates_and_other_files_are_not_read() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file(".obsidian/broken.md", "---\nstage: [\n---\n")
        .file(".git/deals/x.md", "---\nstage: nope\n---\n")
        .file("deals/.trash/old.md", "---\nstage: nope\n---\n")
        .file(
            "templates/deal.md",
            "---\nname: {{title}}\nstage: {{stage}}\n---\n",
        )
        .file("deals/logo.png", b"\x89PNG\r\n\x1a\n\xff\xff")
        .file("deals/acme.txt", "---\nstage: nope\n---\n");
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
    assert_eq!(v.deal_ids(None), ["acme"]);
}

#[test]
fn unicode_file_names_and_values() {
    let v = TestVault::new().file(
        "deals/café-müller.md",
        md(&[
            "---",
            "title: Café Müller — 東京",
            "stage: demo",
            "amount: 1",
            "close_date: 2026-11-01",
            "next_step: Call",
            "---",
        ]),
    );
    let rows = v.list("deals", None);
    assert_eq!(rows[0]["id"], "café-müller");
    assert_eq!(rows[0]["title"], "Café Müller — 東京");
    // Columns count characters, not bytes.
    let v = TestVault::new().file(
        "deals/x.md",
        md(&[
            "---",
            "title: Zoë",
            "stage: demo",
            "next_step: Café: x",
            "---",
        ]),
    );
    assert_eq!(v.codes("deals/x.md"), [at("yaml_syntax", 4, 16)]);
}
