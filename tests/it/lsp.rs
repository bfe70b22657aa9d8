//! `dealbook lsp` driven over its stdio as an editor drives it: diagnostics as `check` reports
//! them, from the unsaved text and across files; completion, hover, navigation, quick fixes,
//! inlay hints and rename; a stream of bad input that never stops it.

use serde_json::{json, Value};

use crate::common::{self, have, md, TestVault};
use crate::lsp_client::{apply, position, uri, Client};

/// A deal with four problems (an amount with a currency sign, a misspelled stage, a US date, a
/// broken link), an account, and a contact linked by id and by a wikilink.
const DEAL: &str = "\
---
title: Acme renewal
account: acme
amount: \"$48,000\"
stage: proposl
close_date: 12/15/2026
champion: jane-doe
decision_maker: bob-lee
next_step: Send revised pricing
next_step_date: 2026-11-25
---
## Log
- 2026-11-20: Call with [[Jane Doe]]; pricing is the blocker.

## Tasks
- [ ] Send pricing due:2026-11-30
";

/// The same deal with nothing wrong but the broken link.
const FIXED: &str = "\
---
title: Acme renewal
account: acme
amount: 48000
stage: proposal
close_date: 2026-12-15
champion: jane-doe
decision_maker: bob-lee
next_step: Send revised pricing
next_step_date: 2026-11-25
---
## Log
- 2026-11-20: Call with [[Jane Doe]]; pricing is the blocker.

## Tasks
- [ ] Send pricing due:2026-11-30
";

fn book(deal: &str) -> TestVault {
    TestVault::new()
        .config("currency: USD\n")
        .file("deals/acme.md", deal)
        .file(
            "deals/globex.md",
            md(&[
                "---",
                "title: Globex upgrade",
                "account: \"[[Acme Corp]]\"",
                "amount: 20000",
                "stage: demo",
                "close_date: 2026-12-20",
                "champion: \"[[Jane Doe]]\"",
                "next_step: Demo",
                "next_step_date: 2026-11-26",
                "---",
                "## Log",
                "- 2026-11-21: Intro.",
            ]),
        )
        .file(
            "contacts/jane-doe.md",
            md(&[
                "---",
                "name: Jane Doe",
                "role: VP Sales",
                "account: acme",
                "---",
            ]),
        )
        .file("accounts/acme.md", md(&["---", "name: Acme Corp", "---"]))
}

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion["items"]
        .as_array()
        .or(completion.as_array())
        .expect("completion items");
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// The text of `text` a range covers (on one line).
fn covered<'a>(text: &'a str, range: &Value) -> &'a str {
    let line = text
        .lines()
        .nth(range["start"]["line"].as_u64().unwrap() as usize)
        .unwrap();
    let (from, to) = (
        range["start"]["character"].as_u64().unwrap() as usize,
        range["end"]["character"].as_u64().unwrap() as usize,
    );
    &line[from..to]
}

#[test]
fn diagnostics_are_checks_as_you_type_and_clear_when_fixed() {
    let vault = book(FIXED);
    let checked = book(DEAL);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    // Workspace-wide, from the disk: only the broken link.
    let first = client.diagnostics(&acme);
    assert_eq!(codes(&first), ["broken_link"]);

    // The unsaved buffer with four mistakes: `check`'s codes, messages and positions.
    client.open(&vault.join("deals/acme.md"), DEAL);
    let published = client.diagnostics_where(&acme, |l| l.len() > 1);
    let expected = checked.diagnostics_for("deals/acme.md");
    assert_eq!(published.len(), expected.len(), "{published:#?}");
    for (lsp, check) in published.iter().zip(&expected) {
        assert_eq!(lsp["code"], check["code"]);
        assert_eq!(lsp["message"], check["message"]);
        assert_eq!(lsp["source"], "dealbook");
        let start = &lsp["range"]["start"];
        assert_eq!(
            start["line"].as_u64().unwrap() + 1,
            check["line"].as_u64().unwrap()
        );
        assert_eq!(
            start["character"].as_u64().unwrap() + 1,
            check["column"].as_u64().unwrap()
        );
        let severity = if check["severity"] == "error" { 1 } else { 2 };
        assert_eq!(lsp["severity"], severity);
    }
    let ranges: Vec<&str> = published
        .iter()
        .map(|d| covered(DEAL, &d["range"]))
        .collect();
    assert_eq!(ranges, ["\"$48,000\"", "proposl", "12/15/2026", "bob-lee"]);

    // Fixing the stage in the buffer clears its diagnostic.
    let fixed_stage = DEAL.replace("stage: proposl", "stage: proposal");
    client.change(&acme, 2, &fixed_stage);
    let after = client.diagnostics(&acme);
    assert_eq!(codes(&after), ["wrong_type", "invalid_date", "broken_link"]);
    client.change(&acme, 3, FIXED);
    assert_eq!(codes(&client.diagnostics(&acme)), ["broken_link"]);
    assert!(client.shutdown().success());
}

#[test]
fn changes_arrive_as_ranges_too() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = client.open(&vault.join("deals/acme.md"), FIXED);
    client.diagnostics(&acme);
    // `stage: proposal` → `stage: proposl`, as a keystroke deleting the `a`.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": acme, "version": 2},
            "contentChanges": [{"range": {"start": position(4, 13), "end": position(4, 14)}, "text": ""}],
        }),
    );
    let list = client.diagnostics_where(&acme, |l| codes(l).contains(&"unknown_stage"));
    assert_eq!(codes(&list), ["unknown_stage", "broken_link"]);
}

#[test]
fn cross_file_problems_follow_the_other_file() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    assert_eq!(codes(&client.diagnostics(&acme)), ["broken_link"]);

    // Creating the linked contact (an unsaved buffer) clears the broken link.
    let bob = vault.join("contacts/bob-lee.md");
    let bob_uri = client.open(&bob, &md(&["---", "name: Bob Lee", "---"]));
    assert_eq!(client.diagnostics(&acme), Vec::<Value>::new());

    // A second deal with acme's id: both files get the duplicate.
    let copy = vault.join("deals/2026/acme.md");
    let copy_uri = client.open(&copy, FIXED);
    let on_copy = client.diagnostics_where(&copy_uri, |l| codes(l).contains(&"duplicate_id"));
    let on_acme = client.diagnostics_where(&acme, |l| codes(l).contains(&"duplicate_id"));
    assert!(codes(&on_copy).contains(&"duplicate_id"));
    assert!(codes(&on_acme).contains(&"duplicate_id"));

    // Closing the unsaved copy clears the duplicate; closing the unsaved contact brings the
    // broken link back.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": copy_uri}}),
    );
    assert_eq!(client.diagnostics(&acme), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&copy_uri), Vec::<Value>::new());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": bob_uri}}),
    );
    assert_eq!(codes(&client.diagnostics(&acme)), ["broken_link"]);
}

#[test]
fn files_changed_on_disk_are_read_again() {
    let vault = book(FIXED);
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut client = Client::start_with(vault.path(), capabilities);
    let acme = uri(&vault.join("deals/acme.md"));
    assert_eq!(codes(&client.diagnostics(&acme)), ["broken_link"]);
    // The server asks the client to watch the files.
    let register = client.wait_for(|m| m["method"] == "client/registerCapability");
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    client.send(&json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));

    let bob = vault.join("contacts/bob-lee.md");
    std::fs::write(&bob, md(&["---", "name: Bob Lee", "---"])).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&bob), "type": 1}]}),
    );
    assert_eq!(client.diagnostics(&acme), Vec::<Value>::new());
}

#[test]
fn without_the_clients_watcher_the_server_watches() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    assert_eq!(codes(&client.diagnostics(&acme)), ["broken_link"]);
    let bob = vault.join("contacts/bob-lee.md");
    std::fs::write(&bob, md(&["---", "name: Bob Lee", "---"])).unwrap();
    assert_eq!(client.diagnostics(&acme), Vec::<Value>::new());
    // A deal saved by another program with a misspelled stage.
    std::fs::write(
        vault.join("deals/acme.md"),
        FIXED.replace("stage: proposal", "stage: x"),
    )
    .unwrap();
    client.diagnostics_where(&acme, |l| codes(l) == ["unknown_stage"]);
}

#[test]
fn completes_stages_fields_links_and_dates() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let text = FIXED.replace("stage: proposal", "stage: ");
    let acme = client.open(&vault.join("deals/acme.md"), &text);
    let at = |line, character| json!({"textDocument": {"uri": acme}, "position": position(line, character)});

    let stages = client.result("textDocument/completion", at(4, 7));
    assert_eq!(
        labels(&stages)[..7],
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
    let proposal = &stages["items"][3];
    assert_eq!(proposal["textEdit"]["newText"], "proposal");
    assert_eq!(apply(&text, &[proposal["textEdit"].clone()]), FIXED);

    // Inside `[[` in the body: contacts, accounts and deals by name, closing the brackets.
    let body = text.replace("Call with [[Jane Doe]];", "Call with [[Ja");
    client.change(&acme, 2, &body);
    let line = 12;
    let character = "- 2026-11-20: Call with [[Ja".len() as u64;
    let linked = client.result("textDocument/completion", at(line, character));
    assert_eq!(labels(&linked), ["Jane Doe"]);
    let edit = linked["items"][0]["textEdit"].clone();
    assert!(apply(&body, &[edit]).contains("Call with [[Jane Doe]]"));

    // A note whose wikilinks name records by id gets the id.
    let note = vault.join("meetings/2026-11-20.md");
    let note_text = "Met [[jane-doe]] of [[acme]], then [[j\n";
    let note_uri = client.open(&note, note_text);
    let by_id = client.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": note_uri}, "position": position(0, 38)}),
    );
    assert_eq!(labels(&by_id), ["Jane Doe"]);
    assert_eq!(by_id["items"][0]["textEdit"]["newText"], "jane-doe]]");

    // After `champion: ` the contacts, by id as this file writes its links.
    let champion = body.replace("champion: jane-doe", "champion: ");
    client.change(&acme, 3, &champion);
    let contacts = client.result("textDocument/completion", at(6, 10));
    assert_eq!(labels(&contacts), ["Jane Doe"]);
    assert_eq!(contacts["items"][0]["textEdit"]["newText"], "jane-doe");

    // A file that writes its links as wikilinks by name gets one, quoted as YAML needs.
    let globex = std::fs::read_to_string(vault.join("deals/globex.md")).unwrap();
    let globex = globex.replace("account: \"[[Acme Corp]]\"", "account: ");
    let globex_uri = client.open(&vault.join("deals/globex.md"), &globex);
    let accounts = client.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": globex_uri}, "position": position(2, 9)}),
    );
    assert_eq!(labels(&accounts), ["Acme Corp"]);
    assert_eq!(
        accounts["items"][0]["textEdit"]["newText"],
        "\"[[Acme Corp]]\""
    );

    // A field name at the start of a line: dealbook's, with their type, not those written.
    let fields = champion.replace("next_step: Send revised pricing\n", "pro\n");
    client.change(&acme, 4, &fields);
    let names = client.result("textDocument/completion", at(8, 3));
    let names = labels(&names);
    assert!(names.contains(&"probability".to_string()), "{names:?}");
    assert!(!names.contains(&"stage".to_string()), "{names:?}");

    // Dates in a date field and after `due:`.
    let dates = fields.replace("close_date: 2026-12-15", "close_date: ");
    client.change(&acme, 5, &dates);
    let offered = client.result("textDocument/completion", at(5, 12));
    let tomorrow = offered["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "tomorrow")
        .expect("tomorrow")
        .clone();
    assert_eq!(tomorrow["textEdit"]["newText"], "2026-11-24");
    let task = dates.replace("due:2026-11-30", "due:");
    client.change(&acme, 6, &task);
    let due = client.result("textDocument/completion", at(15, 23));
    assert!(labels(&due).contains(&"next week".to_string()));
    let manager = task.replace("due:", "@");
    client.change(&acme, 7, &manager);
    let ask = client.result("textDocument/completion", at(15, 20));
    assert_eq!(labels(&ask), ["@manager"]);
}

#[test]
fn hover_shows_the_numbers_the_links_and_the_codes() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    let hover = |client: &mut Client, line, character| {
        let answer = client.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": acme}, "position": position(line, character)}),
        );
        answer["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let amount = hover(&mut client, 3, 2);
    assert!(amount.contains("probability 60% (the stage's)"), "{amount}");
    assert!(
        amount.contains("weighted **$28,800** of $48,000"),
        "{amount}"
    );
    assert!(amount.contains("forecast `best_case`"), "{amount}");
    let contact = hover(&mut client, 6, 12);
    assert!(
        contact.contains("**Jane Doe** · contact · VP Sales at Acme Corp"),
        "{contact}"
    );
    let account = hover(&mut client, 2, 10);
    assert!(
        account.contains("**Acme Corp** · account · 2 open deals · $68,000"),
        "{account}"
    );
    let broken = hover(&mut client, 7, 17);
    assert!(broken.contains("`broken_link`"), "{broken}");
    assert_eq!(hover(&mut client, 13, 0), "", "nothing on an empty line");
}

#[test]
fn definition_and_references_follow_links() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    let jane = uri(&vault.join("contacts/jane-doe.md"));
    let at = |uri: &str, line, character| json!({"textDocument": {"uri": uri}, "position": position(line, character)});
    let front = client.result("textDocument/definition", at(&acme, 6, 12));
    assert_eq!(front["uri"], jane);
    let wikilink = client.result("textDocument/definition", at(&acme, 12, 28));
    assert_eq!(wikilink["uri"], jane);
    let account = client.result("textDocument/definition", at(&acme, 2, 10));
    assert_eq!(account["uri"], uri(&vault.join("accounts/acme.md")));
    assert_eq!(
        client.result("textDocument/definition", at(&acme, 1, 3)),
        Value::Null
    );

    let mut params = at(&jane, 1, 3);
    params["context"] = json!({"includeDeclaration": false});
    let references = client.result("textDocument/references", params);
    let mut found: Vec<(String, u64)> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let path = l["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (path, l["range"]["start"]["line"].as_u64().unwrap())
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("acme.md".into(), 6),
            ("acme.md".into(), 12),
            ("globex.md".into(), 6)
        ]
    );
}

#[test]
fn symbols_and_inlay_hints() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    let symbols = client.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": acme}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[..2], ["title", "account"]);
    assert_eq!(names[names.len() - 2..], ["Log", "Tasks"]);

    let found = client.result("workspace/symbol", json!({"query": "acme"}));
    let mut names: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["Acme Corp", "Acme renewal"]);

    let range = json!({"start": position(0, 0), "end": position(16, 0)});
    let hints = client.result(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": acme}, "range": range}),
    );
    let shown: Vec<(u64, &str)> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["position"]["line"].as_u64().unwrap(),
                h["label"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(shown, [(3, "weighted $28,800"), (4, "60%")]);
}

/// The quick fixes offered on `line` of the deal, by title.
fn actions(client: &mut Client, uri: &str, line: u64) -> Vec<Value> {
    let range = json!({"start": position(line, 0), "end": position(line, 0)});
    let answer = client.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    answer.as_array().unwrap().clone()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {actions:#?}"))
}

/// The text a quick fix makes of `text`, the file at `uri`.
fn applied(action: &Value, uri: &str, text: &str) -> String {
    let changes = action["edit"]["documentChanges"]
        .as_array()
        .expect("document changes");
    let edit = changes
        .iter()
        .find(|c| c["textDocument"]["uri"] == uri)
        .expect("edits of the file");
    apply(text, edit["edits"].as_array().expect("edits"))
}

/// A quick fix names the version of the buffer it was made for, so an editor that has had
/// more typing since refuses it rather than apply its positions to other text.
#[test]
fn a_quick_fix_is_for_the_version_it_was_made_from() {
    let vault = book(DEAL);
    let mut client = Client::start(vault.path());
    let acme = client.open(&vault.join("deals/acme.md"), DEAL);
    client.change(&acme, 7, DEAL);
    let amount = actions(&mut client, &acme, 3);
    let fix = titled(&amount, "Write amount as 48000");
    let edit = &fix["edit"]["documentChanges"][0];
    assert_eq!(edit["textDocument"]["uri"], acme, "{fix}");
    assert_eq!(edit["textDocument"]["version"], 7, "{fix}");
}

#[test]
fn quick_fixes_make_the_edits_set_makes() {
    let vault = book(DEAL);
    let mut client = Client::start(vault.path());
    let acme = client.open(&vault.join("deals/acme.md"), DEAL);

    let amount = actions(&mut client, &acme, 3);
    let fixed = applied(titled(&amount, "Write amount as 48000"), &acme, DEAL);
    assert_eq!(fixed, DEAL.replace("\"$48,000\"", "48000"));

    let stage = actions(&mut client, &acme, 4);
    let meant = titled(&stage, "Did you mean `proposal`?");
    assert_eq!(meant["isPreferred"], true);
    assert_eq!(
        applied(meant, &acme, DEAL),
        DEAL.replace("proposl", "proposal")
    );

    let date = actions(&mut client, &acme, 5);
    let fixed = applied(titled(&date, "Write close_date as 2026-12-15"), &acme, DEAL);
    assert_eq!(fixed, DEAL.replace("12/15/2026", "2026-12-15"));

    let log = titled(&date, "Add a log entry for today, 2026-11-23");
    let logged = applied(log, &acme, DEAL);
    assert!(
        logged.contains(
            "- 2026-11-20: Call with [[Jane Doe]]; pricing is the blocker.\n- 2026-11-23: \n"
        ) || logged.contains("- 2026-11-23: \n- 2026-11-20"),
        "{logged}"
    );

    let task = actions(&mut client, &acme, 15);
    let ticked = applied(
        titled(&task, "Tick \"Send pricing\" as done today"),
        &acme,
        DEAL,
    );
    assert!(ticked.contains("- [x] Send pricing"), "{ticked}");

    // The broken link's contact, created from the template as `new` makes it.
    let link = actions(&mut client, &acme, 7);
    let create = titled(&link, "Create the contact contacts/bob-lee.md");
    let ops = create["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops[0]["kind"], "create");
    let bob = uri(&vault.join("contacts/bob-lee.md"));
    assert_eq!(ops[0]["uri"], bob);
    let made = ops[1]["edits"][0]["newText"].as_str().unwrap();
    vault.cmd(&["new", "contact", "bob-lee"]).success();
    let by_new = std::fs::read_to_string(vault.join("contacts/bob-lee.md")).unwrap();
    assert_eq!(made, by_new);
}

#[test]
fn quick_fixes_for_a_near_miss_field_and_a_closed_deal() {
    let deal = md(&[
        "---",
        "title: Acme renewal",
        "amount: 48000",
        "stage: closed_won",
        "close_dat: 2026-11-20",
        "---",
    ]);
    let vault = book(&deal);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    let problems = client.diagnostics(&acme);
    assert!(codes(&problems).contains(&"unknown_key"), "{problems:#?}");
    assert!(
        codes(&problems).contains(&"closed_without_date"),
        "{problems:#?}"
    );

    let key = actions(&mut client, &acme, 4);
    let renamed = applied(
        titled(&key, "Rename `close_dat` to `close_date`"),
        &acme,
        &deal,
    );
    assert_eq!(renamed, deal.replace("close_dat:", "close_date:"));

    let closed = problems
        .iter()
        .find(|d| d["code"] == "closed_without_date")
        .unwrap();
    let line = closed["range"]["start"]["line"].as_u64().unwrap();
    let close = actions(&mut client, &acme, line);
    let dated = applied(
        titled(&close, "Set close_date to today, 2026-11-23"),
        &acme,
        &deal,
    );
    assert!(dated.contains("close_date: 2026-11-23\n"), "{dated}");
    assert!(
        dated.contains("close_dat: 2026-11-20\n"),
        "the near miss is left: {dated}"
    );
}

#[test]
fn rename_moves_the_file_and_rewrites_every_link() {
    let note = "Met [[jane-doe|Jane]] about [[Acme Corp]].\n";
    let vault = book(FIXED).file("meetings/2026-11-20.md", note);
    let mut client = Client::start(vault.path());
    let jane = uri(&vault.join("contacts/jane-doe.md"));
    let acme = uri(&vault.join("deals/acme.md"));
    let meeting = uri(&vault.join("meetings/2026-11-20.md"));
    // On a link, and on the record's own name line.
    let on_link = json!({"textDocument": {"uri": acme}, "position": position(6, 12)});
    let prepared = client.result("textDocument/prepareRename", on_link.clone());
    assert_eq!(prepared["placeholder"], "jane-doe");
    let on_name = json!({"textDocument": {"uri": jane}, "position": position(1, 8)});
    let prepared = client.result("textDocument/prepareRename", on_name.clone());
    assert_eq!(prepared["placeholder"], "jane-doe");

    for at in [on_link, on_name] {
        let mut params = at;
        params["newName"] = json!("jane-smith");
        let edit = client.result("textDocument/rename", params);
        let ops = edit["documentChanges"].as_array().unwrap();
        let renamed = ops.last().expect("operations");
        assert_eq!(
            renamed["kind"], "rename",
            "the file moves after its links change"
        );
        assert_eq!(renamed["oldUri"], jane);
        assert_eq!(
            renamed["newUri"],
            uri(&vault.join("contacts/jane-smith.md"))
        );
        let edited: Vec<(&str, String)> = ops
            .iter()
            .filter(|o| o.get("kind").is_none())
            .map(|o| {
                let uri = o["textDocument"]["uri"].as_str().unwrap();
                let before = if uri == meeting { note } else { FIXED };
                (uri, apply(before, o["edits"].as_array().unwrap()))
            })
            .collect();
        // Links by id are rewritten; by name (`[[Jane Doe]]` in both deals) they still find her.
        assert_eq!(
            edited,
            [
                (
                    acme.as_str(),
                    FIXED.replace("champion: jane-doe", "champion: jane-smith")
                ),
                (
                    meeting.as_str(),
                    note.replace("[[jane-doe|", "[[jane-smith|")
                ),
            ]
        );
    }
    assert!(
        vault.join("contacts/jane-doe.md").is_file(),
        "the editor applies the edit, not the server"
    );

    let mut bad = json!({"textDocument": {"uri": acme}, "position": position(6, 12)});
    bad["newName"] = json!("../x");
    let refused = client.request("textDocument/rename", bad.clone());
    let why = refused["error"]["message"].as_str().unwrap();
    assert!(why.contains("cannot be a file name"), "{why}");
    bad["newName"] = json!("jane-doe");
    let refused = client.request("textDocument/rename", bad);
    let why = refused["error"]["message"].as_str().unwrap();
    assert!(why.contains("already has that id"), "{why}");
}

/// A new id that is a file name but no link: each link to the record is rewritten to it as it
/// is, so `x: y` or `#x` would break the front matter (or turn the link into a comment) and
/// `x]]y` or `a|b` the wikilinks, and `null` or `0x1f` would be read as no link or as `31`;
/// and a name too long for a file cannot be moved to.
#[test]
fn rename_refuses_an_id_that_cannot_be_written_as_a_link() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    let long = "a".repeat(300);
    for name in [
        "null",
        "0x1f",
        "1e3",
        "x: y",
        "#x",
        "x]]y",
        "a|b",
        "[x",
        "\"q\"",
        "a#b",
        long.as_str(),
    ] {
        let mut params = json!({"textDocument": {"uri": acme}, "position": position(6, 12)});
        params["newName"] = json!(name);
        let refused = client.request("textDocument/rename", params);
        let why = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(why.contains("cannot be"), "{name}: {refused}");
    }
    let mut fine = json!({"textDocument": {"uri": acme}, "position": position(6, 12)});
    fine["newName"] = json!("jane_smith-2.0 café");
    client.result("textDocument/rename", fine);
}

/// Ids are file names in any folder: a new id another record of the kind has (in another
/// folder, or written in other case) is taken, though no file of that name is beside it.
/// Renamed to it, every rewritten link would find the other record.
#[test]
fn rename_refuses_an_id_another_record_has_in_another_folder() {
    let bob = md(&["---", "name: Bob Berlin", "---"]);
    let carol = md(&["---", "name: Carol Cologne", "---"]);
    let vault = book(FIXED)
        .file("contacts/eu/bob.md", &bob)
        .file("contacts/eu/Carol.md", &carol);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    // An id taken in any case: links would find either record.
    for (name, other) in [
        ("bob", "contacts/eu/bob.md"),
        ("BOB", "contacts/eu/bob.md"),
        ("carol", "contacts/eu/Carol.md"),
    ] {
        let mut params = json!({"textDocument": {"uri": acme}, "position": position(6, 12)});
        params["newName"] = json!(name);
        let refused = client.request("textDocument/rename", params);
        let why = refused["error"]["message"].as_str().unwrap_or_default();
        assert!(why.contains(other), "{name}: {refused}");
    }
}

#[test]
fn bad_input_gets_errors_and_the_server_keeps_serving() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    // An unknown method, parameters that do not fit, positions past the end, a file outside
    // the vault, half-typed YAML.
    let unknown = client.request("dealbook/nonsense", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let wrong = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(wrong["error"]["code"], -32602);
    let past = json!({"textDocument": {"uri": acme}, "position": position(9999, 9999)});
    client.result("textDocument/hover", past.clone());
    client.result("textDocument/completion", past);
    let outside = std::env::temp_dir().join("not-in-the-vault.md");
    let outside_uri = client.open(&outside, "---\nstage: x\n---\n");
    client.change(&outside_uri, 2, "---\nstage: y\n");
    client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": outside_uri}, "position": position(1, 1)}),
    );
    client.open(
        &vault.join("deals/acme.md"),
        "---\ntitle: [unclosed\nstage: {\n  - :\n",
    );
    let broken = client.diagnostics_where(&acme, |l| !l.is_empty() && codes(l) != ["broken_link"]);
    assert!(
        codes(&broken).contains(&"yaml_syntax")
            || codes(&broken).contains(&"unclosed_front_matter")
    );

    // Frames that are not messages at all.
    for garbage in [
        &b"Content-Length: 5\r\n\r\n{nope"[..],
        b"Content-Length: x\r\n\r\n",
        b"no header at all\r\n\r\n",
        b"Content-Length: 2\r\n\r\n[]",
        b"Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        b"Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"x\"}  ",
        "Content-Length: 4\r\n\r\n\"é\"".as_bytes(),
    ] {
        client.send_raw(garbage);
    }
    let mut seed = 7u64;
    for _ in 0..300 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let method = [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/didChange",
            "textDocument/codeAction",
            "textDocument/rename",
            "textDocument/references",
        ][(seed >> 33) as usize % 6];
        let line = (seed >> 20) % 40;
        let character = (seed >> 8) % 90;
        let params = match seed % 4 {
            0 => {
                json!({"textDocument": {"uri": acme}, "position": position(line, character), "newName": "x y", "context": {"includeDeclaration": true}})
            }
            1 => {
                json!({"textDocument": {"uri": acme, "version": 9}, "contentChanges": [{"range": {"start": position(line, character), "end": position(0, 1)}, "text": "[[\n:"}]})
            }
            2 => {
                json!({"textDocument": {"uri": "untitled:1"}, "range": {"start": position(line, 0), "end": position(0, character)}, "context": {"diagnostics": []}})
            }
            _ => json!([line, character]),
        };
        if method == "textDocument/didChange" {
            client.notify(method, params);
        } else {
            let answer = client.request(method, params);
            assert!(
                answer.get("result").is_some() || answer.get("error").is_some(),
                "{answer}"
            );
        }
    }
    assert!(client.running());
    let symbols = client.result("workspace/symbol", json!({"query": "globex"}));
    assert_eq!(symbols[0]["name"], "Globex upgrade");
    assert!(client.shutdown().success());
}

#[test]
fn requests_before_initialize_are_refused_and_eof_ends_the_server() {
    let mut client = Client::spawn();
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    assert!(
        client.wait().success(),
        "the end of the input ends the server"
    );

    let vault = book(FIXED);
    let client = Client::start(vault.path());
    assert!(client.wait().success());
}

#[test]
fn exit_without_shutdown_is_a_failure() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(1));
}

/// A real editor: Neovim, headless, with the server attached to a deal. It shows `check`'s
/// problems at their values, clears one when the fix is typed, and completes the stage.
#[test]
fn neovim_shows_the_diagnostics_and_completes() {
    if !have("nvim") {
        return;
    }
    let vault = book(DEAL);
    let out = vault.join("neovim.txt");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lsp/neovim.lua");
    let mut nvim = std::process::Command::new("nvim")
        .args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("VAULT", vault.path())
        .env("OUT", &out)
        .env("DEALBOOK", env!("CARGO_BIN_EXE_dealbook"))
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("nvim runs");
    // A script that fails leaves Neovim waiting for a key: give up on it in time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = nvim.try_wait().expect("nvim's status") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = nvim.kill();
            panic!("Neovim did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success());
    let seen = std::fs::read_to_string(&out).expect("Neovim wrote what it saw");
    let seen: Vec<&str> = seen.lines().collect();
    assert_eq!(
        seen,
        [
            "opened 3:8-17 wrong_type 4:7-14 unknown_stage 5:12-22 invalid_date 7:16-23 broken_link",
            "changed 3:8-17 wrong_type 5:12-22 invalid_date 7:16-23 broken_link",
            "completion prospecting discovery demo proposal negotiation closed_won closed_lost",
        ]
    );
    // The lines and columns are `check`'s (Neovim counts from 0).
    let check: Vec<String> = vault
        .diagnostics_for("deals/acme.md")
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                d["line"].as_u64().unwrap() - 1,
                d["column"].as_u64().unwrap() - 1
            )
        })
        .collect();
    assert_eq!(check, ["3:8", "4:7", "5:12", "7:16"]);
}

#[test]
fn hover_tells_days_in_stage_and_pushes_from_git() {
    if !have("git") {
        return;
    }
    let vault = book(&FIXED.replace("stage: proposal", "stage: demo"));
    common::git(vault.path(), Some("2026-10-01"), &["init", "-q", "."]);
    common::git(vault.path(), Some("2026-10-01"), &["add", "-A"]);
    common::git(
        vault.path(),
        Some("2026-10-01"),
        &["commit", "-q", "-m", "book"],
    );
    std::fs::write(
        vault.join("deals/acme.md"),
        FIXED.replace("close_date: 2026-12-15", "close_date: 2026-11-30"),
    )
    .unwrap();
    common::git(
        vault.path(),
        Some("2026-11-03"),
        &["commit", "-qam", "proposal"],
    );
    std::fs::write(vault.join("deals/acme.md"), FIXED).unwrap();
    common::git(
        vault.path(),
        Some("2026-11-13"),
        &["commit", "-qam", "pushed"],
    );

    let mut client = Client::start(vault.path());
    let acme = uri(&vault.join("deals/acme.md"));
    let answer = client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": acme}, "position": position(4, 2)}),
    );
    let text = answer["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("20 days in proposal · close date pushed once"),
        "{text}"
    );
}

#[test]
fn the_config_is_checked_as_you_type_and_reloaded_when_saved() {
    let vault = book(FIXED);
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut client = Client::start_with(vault.path(), capabilities);
    let acme = uri(&vault.join("deals/acme.md"));
    assert_eq!(codes(&client.diagnostics(&acme)), ["broken_link"]);
    let config = vault.join("dealbook.yaml");
    let config_uri = client.open(&config, "currency: USD\nstale_after_days: soon\n");
    let problems = client.diagnostics(&config_uri);
    assert_eq!(codes(&problems), ["bad_config"], "{problems:#?}");
    let checked = TestVault::new().config("currency: USD\nstale_after_days: soon\n");
    let expected = checked.diagnostics();
    assert_eq!(problems[0]["message"], expected[0]["message"]);

    // Saved with a new stage, the vault is read again with it.
    let stages = "currency: USD\nstages:\n  - { id: proposal, probability: 60 }\n  - { id: won, probability: 100, won: true }\n";
    std::fs::write(&config, stages).unwrap();
    client.change(&config_uri, 2, stages);
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    assert_eq!(client.diagnostics(&config_uri), Vec::<Value>::new());
    let text = FIXED.replace("stage: proposal", "stage: demo");
    client.open(&vault.join("deals/acme.md"), &text);
    let list = client.diagnostics_where(&acme, |l| codes(l).contains(&"unknown_stage"));
    assert!(
        list[0]["message"]
            .as_str()
            .unwrap()
            .contains("proposal, won"),
        "{list:#?}"
    );
}

/// A link in the vault to a file outside it is not followed: the server shows nothing of it.
#[test]
fn a_link_out_of_the_vault_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(
        &secret,
        "---\nsecret_key: CANARY-OUTSIDE\n---\n## CANARY-HEADING\n",
    )
    .unwrap();
    let vault = book(FIXED);
    std::os::unix::fs::symlink(&secret, vault.join("deals/linked.md")).unwrap();
    let mut client = Client::start(vault.path());
    let linked = uri(&vault.join("deals/linked.md"));
    let problems = client.diagnostics(&linked);
    assert_eq!(codes(&problems), ["symlink_outside"]);
    let symbols = client.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": linked}}),
    );
    assert_eq!(symbols, Value::Null);
    let hover = client.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": linked}, "position": position(1, 2)}),
    );
    assert!(!hover.to_string().contains("CANARY"), "{hover}");
}

/// Every request at every position of awkward text (CRLF line ends, emoji and accents, links
/// half typed, a field without a value, front matter never closed) gets an answer, never the
/// error a panic turns into.
#[test]
fn every_position_of_awkward_text_gets_an_answer() {
    let vault = book(FIXED);
    let mut client = Client::start(vault.path());
    let texts = [
        "---\r\ntitle: Café 😀 [[Jane\r\nstage: pro\r\namount: \"$4\r\naccount:\r\nchampion: [[\r\n---\r\n## Log\r\n- 2026-11-2: [[]] [[Acme Corp|\r\n- [ ] 📅 due:\r\n",
        "---\ntitle: ü\nstage: demo\ndecision_maker: \"[[Jane Doe]]\" # é\n  - nested: [\n",
        "no front matter, just [[Jane Doe]] and [[ and ]] and @\n\n# Heading\n",
    ];
    for (n, text) in texts.iter().enumerate() {
        let path = vault.join(&format!("deals/awkward-{n}.md"));
        let uri = client.open(&path, text);
        let lines: Vec<&str> = text.split('\n').collect();
        for (line, content) in lines.iter().enumerate() {
            let width = content.encode_utf16().count() + 2;
            for character in 0..width as u64 {
                let at = position(line as u64, character);
                let range = json!({"start": at, "end": at});
                for (method, params) in [
                    (
                        "textDocument/hover",
                        json!({"textDocument": {"uri": uri}, "position": at}),
                    ),
                    (
                        "textDocument/completion",
                        json!({"textDocument": {"uri": uri}, "position": at}),
                    ),
                    (
                        "textDocument/definition",
                        json!({"textDocument": {"uri": uri}, "position": at}),
                    ),
                    (
                        "textDocument/prepareRename",
                        json!({"textDocument": {"uri": uri}, "position": at}),
                    ),
                    (
                        "textDocument/codeAction",
                        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
                    ),
                ] {
                    let answer = client.request(method, params);
                    assert!(
                        answer.get("error").is_none(),
                        "{method} at {line}:{character} of text {n}: {answer}"
                    );
                }
            }
        }
        for method in ["textDocument/documentSymbol", "textDocument/inlayHint"] {
            let range = json!({"start": position(0, 0), "end": position(99, 0)});
            let answer = client.request(
                method,
                json!({"textDocument": {"uri": uri}, "range": range}),
            );
            assert!(
                answer.get("error").is_none(),
                "{method} of text {n}: {answer}"
            );
        }
    }
    assert!(client.shutdown().success());
}
