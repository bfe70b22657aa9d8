//! Adopting the vault a rep already has: a Markdown CRM laid out its own way
//! (`tests/fixtures/markdown-crm/`: a `crm/` folder of opportunities, companies, contacts and
//! activities, first and last names, `closed_at`, folder-qualified wikilinks, its own fields),
//! and an Obsidian vault with daily notes, Tasks' `✅` dates and Dataview inline fields.

use std::path::Path;

use serde_json::Value;

use crate::common::{json, stderr, stdout, TestVault};

/// A copy of the fixture Markdown CRM in a temp folder.
fn markdown_crm() -> TestVault {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown-crm");
    let mut v = TestVault::new();
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(&source).unwrap();
        if entry.file_type().is_file() {
            v = v.file(
                relative.to_str().unwrap(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    v
}

fn deal<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["deals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {report:#}"))
}

#[test]
fn without_a_config_the_reports_say_where_they_looked() {
    let v = TestVault::new().file(
        "crm/opps/acme.md",
        "---\ntitle: Acme\ndeal_stage: won\n---\n",
    );
    let said = stderr(&v.cmd(&["check"]).success());
    assert!(
        said.contains("no deal, contact or account found among 1 Markdown notes"),
        "{said}"
    );
    assert!(said.contains("deals in folders named deals"), "{said}");
    assert!(said.contains("dealbook init --adopt"), "{said}");
    let said = stderr(&v.cmd(&["pipeline"]).success());
    assert!(said.contains("no deal, contact or account found"), "{said}");
}

#[test]
fn init_proposes_a_config_under_which_check_is_clean() {
    let v = markdown_crm();
    let before: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(v.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let said = stdout(&v.cmd_inside(&["init"]).success());
    for guess in [
        "deals in opportunities",
        "contacts in contacts",
        "accounts in companies",
        "activities in activities",
        "`close_date` from closed_at or expected_close_date",
        "`name` from \"{first_name} {last_name}\"",
        "stage \"proposal-sent\" as proposal",
        "`dealbook check` now says: 12 records checked: 0 errors and 1 warning",
    ] {
        assert!(said.contains(guess), "{guess} in {said}");
    }
    for (path, bytes) in before {
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{path} untouched");
    }
    let diagnostics = v.diagnostics();
    assert!(
        diagnostics.iter().all(|d| d["severity"] != "error"),
        "{diagnostics:#?}"
    );
    assert!(
        diagnostics
            .iter()
            .all(|d| d["code"] != "unknown_key" && d["code"] != "broken_link"),
        "{diagnostics:#?}"
    );
    let contacts = v.list("contacts", None);
    assert!(
        contacts.iter().any(|c| c["name"] == "Jane Doe"),
        "{contacts:#?}"
    );
}

#[test]
fn activity_notes_move_last_activity_and_appear_in_the_prep() {
    let v = markdown_crm();
    v.cmd_inside(&["init"]).success();
    let pipeline = json(&v.cmd(&["pipeline", "--format", "json"]).success());
    // The call of 2026-11-18 is the renewal's last activity, not its creation in September.
    assert_eq!(
        deal(&pipeline, "acme-renewal")["last_activity"],
        "2026-11-18"
    );
    assert_eq!(
        deal(&pipeline, "globex-expansion")["last_activity"],
        "2026-11-20"
    );
    assert!(deal(&pipeline, "acme-renewal")["flags"]
        .as_array()
        .unwrap()
        .is_empty());
    let prep = stdout(&v.cmd(&["prep", "--since", "2026-11-16"]).success());
    assert!(prep.contains("  - 2026-11-20: Pricing workshop: Hank wants a three-year price lock before he signs.\n- **Open questions:**"), "{prep}");
    assert!(
        prep.contains(
            "2026-11-18: Call with Jane: Jane confirmed the budget; legal review next week."
        ),
        "{prep}"
    );
    assert!(
        !prep.contains("Kickoff for the renewal"),
        "before the review: {prep}"
    );
}

#[test]
fn the_pipeline_totals_match_a_hand_count() {
    let v = markdown_crm();
    v.cmd_inside(&["init"]).success();
    let p = json(&v.cmd(&["pipeline", "--format", "json"]).success());
    // 2026-Q4 as of 2026-11-23: acme-renewal (negotiation, commit) 48,000; globex-expansion
    // (proposal-sent → proposal, best case) 120,000; acme-analytics won on closed_at 2026-10-15,
    // 22,000. Initech's two deals close in 2027. Globex's pilot was lost on 2026-11-05.
    assert_eq!(p["commit"], 48000);
    assert_eq!(p["best_case"], 120000);
    assert_eq!(p["pipeline"], 0);
    assert_eq!(p["closed_won"], 22000);
    assert_eq!(p["open"]["count"], 4);
    assert_eq!(p["open"]["amount"], 48000 + 120000 + 15000 + 8000);
    assert_eq!(p["conversion"]["won_count"], 1);
    assert_eq!(p["conversion"]["lost_count"], 1);
    assert_eq!(p["not_counted"]["items"], serde_json::json!([]));
    assert_eq!(
        deal(&p, "acme-renewal")["account"],
        "Acme Corp",
        "a folder-qualified wikilink"
    );
}

#[test]
fn the_config_maps_lists_templates_aliases_and_silences() {
    let v = TestVault::new()
        .config(
            "fields:\n  close_date: [closed_at, expected_close_date]\n  name: \"{first_name} {last_name}\"\nstage_aliases: { lead: prospecting, signed: closed_won }\nchecks:\n  - { code: no_next_step }\n  - { code: stale, folder: archive }\n  - { code: unknown_key, field: stgae }\nhistory: false\n",
        )
        .file("deals/open.md", "---\nstage: lead\namount: 1000\nexpected_close_date: 2026-12-10\n---\n")
        .file("deals/won.md", "---\nstage: signed\namount: 2000\nexpected_close_date: 2026-12-31\nclosed_at: 2026-11-02\n---\n")
        .file("archive/deals/old.md", "---\nstage: demo\namount: 5\nclose_date: 2026-12-01\ncreated: 2026-01-01\nstgae: demo\n---\n")
        .file("contacts/jane.md", "---\nfirst_name: Jane\nlast_name: Doe\n---\n");
    let deals = v.list("deals", None);
    let by_id = |id: &str| deals.iter().find(|d| d["id"] == id).unwrap().clone();
    assert_eq!(by_id("open")["stage"], "prospecting");
    assert_eq!(by_id("open")["close_date"], "2026-12-10");
    assert_eq!(by_id("won")["stage"], "closed_won");
    assert_eq!(by_id("won")["close_date"], "2026-11-02", "closed_at first");
    assert_eq!(v.list("contacts", None)[0]["name"], "Jane Doe");
    let codes =
        |file: &str| -> Vec<String> { v.codes(file).into_iter().map(|(code, ..)| code).collect() };
    assert_eq!(
        codes("deals/open.md"),
        ["stale"],
        "no_next_step is silenced everywhere"
    );
    assert_eq!(
        codes("archive/deals/old.md"),
        Vec::<String>::new(),
        "stale in archive/, and the stgae typo"
    );
    // Errors are never silenced, and a rule must say what it silences.
    let v =
        v.config("checks:\n  - { code: unknown_stage }\n  - {}\nstage_aliases: { x: nowhere }\n");
    let said = stdout(&v.cmd(&["check"]).code(1));
    assert!(said.contains("errors cannot be silenced"), "{said}");
    assert!(said.contains("silences nothing"), "{said}");
    assert!(
        said.contains("stage_aliases.x` names the stage \"nowhere\""),
        "{said}"
    );
}

#[test]
fn an_obsidian_vault_with_daily_notes_tasks_and_dataview() {
    let v = TestVault::new()
        .config("dataview: true\nhistory: false\n")
        .file(
            "Deals/Acme renewal.md",
            "---\ntags: [deal]\n---\nstage:: proposal\namount:: 48000\nClose Date:: 2026-12-15\n\n## Tasks\n- [ ] Send pricing 📅 2026-11-25\n- [x] Book the demo ✅ 2026-11-10\n- [ ] Ask about the budget\n",
        )
        .file("Daily/2026-11-21.md", "- Lunch with Jane, talked about [[Acme renewal]] pricing\n- gym\n")
        .file("Daily/2026-11-22.md", "Nothing about deals today.\n");
    let v = v.config("dataview: true\nhistory: false\nfolders: { deals: [Deals] }\n");
    let p = json(
        &v.cmd(&["prep", "--format", "json", "--since", "2026-11-16"])
            .success(),
    );
    let acme = deal(&p, "Acme renewal");
    assert_eq!(acme["stage"], "proposal", "a Dataview inline field");
    assert_eq!(acme["amount"], 48000);
    assert_eq!(acme["close_date"], "2026-12-15");
    assert_eq!(acme["last_activity"], "2026-11-21", "the daily note");
    let review = p["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["deal"]["id"] == "Acme renewal")
        .unwrap();
    let log: Vec<&str> = review["log_since"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        log,
        ["2026-11-21: Lunch with Jane, talked about [[Acme renewal]] pricing"]
    );
    let tasks: Vec<(&str, &Value)> = review["who_what_when"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["text"].as_str().unwrap(), &t["due"]))
        .collect();
    assert_eq!(
        tasks,
        [
            ("Send pricing", &Value::from("2026-11-25")),
            ("Ask about the budget", &Value::Null)
        ]
    );
    let sheet = stdout(&v.cmd(&["prep"]).success());
    assert!(sheet.contains("Ask about the budget — no date"), "{sheet}");

    // `done` writes Tasks' completion mark, and the reader keeps it.
    v.cmd(&["done", "Acme renewal", "pricing"]).success();
    let text = std::fs::read_to_string(v.join("Deals/Acme renewal.md")).unwrap();
    assert!(
        text.contains("- [x] Send pricing 📅 2026-11-25 ✅ 2026-11-23\n"),
        "{text}"
    );
    let exported: Vec<Value> = serde_json::from_str(&stdout(
        &v.cmd(&["export", "deals", "--format", "json"]).success(),
    ))
    .unwrap();
    let done: Vec<&Value> = exported[0]["body"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["done_on"])
        .collect();
    assert_eq!(
        done,
        [
            &Value::from("2026-11-23"),
            &Value::from("2026-11-10"),
            &Value::Null
        ]
    );
}
