//! Importing CRM exports as a sync: the fixtures under `tests/fixtures/import/` are written as
//! Salesforce and HubSpot write their exports (BOM, quoted commas, multi-line notes, UTF-8
//! names, `$` `€` `£` amounts, a `;`-separated file with comma decimals, empty rows, every
//! standard stage). Each lands right, a second import changes nothing, a changed value updates
//! one line, a hand edit is a conflict, and a bad row leaves the vault byte-identical.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{stderr, stdout, TestVault};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(path)
}

/// Every file of the vault and its bytes.
fn files(v: &TestVault) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(v.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(v.path()).unwrap();
            (
                relative.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn import(v: &TestVault, file: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut args = vec!["import", "csv", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    v.cmd_inside(&args)
}

/// The records of a kind with their fields as written (`export`), not as `list` works them out.
fn exported(v: &TestVault, kind: &str) -> Vec<Value> {
    let text = stdout(&v.cmd(&["export", kind, "--format", "json"]).success());
    serde_json::from_str(&text).unwrap()
}

fn record<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {rows:#?}"))
}

fn salesforce_vault() -> TestVault {
    let v = TestVault::new().config("fx: { EUR: 1.08, GBP: 1.27 }\nhistory: false\n");
    for file in ["accounts", "contacts", "opportunities"] {
        import(
            &v,
            &fixture(&format!("salesforce/{file}.csv")),
            &["--map", "salesforce"],
        )
        .success();
    }
    v
}

#[test]
fn a_salesforce_export_lands_with_its_stages_amounts_currencies_dates_and_links() {
    let v = salesforce_vault();
    let deals = exported(&v, "deals");
    let stage = |id: &str| record(&deals, id)["stage"].as_str().unwrap().to_string();
    // Every standard stage, onto the default stages by role and order.
    for (id, expected) in [
        ("müller-werk-2-rollout", "prospecting"),
        ("acme-platform-renewal", "discovery"),
        ("globex-enterprise-upgrade", "discovery"),
        ("initech-reporting-add-on", "demo"),
        ("hooli-emea-platform", "demo"),
        ("northwind-uk-leeds-team", "proposal"),
        ("soylent-west-pilot", "proposal"),
        ("stark-fleet-dashboards", "negotiation"),
        ("acme-analytics-add-on", "closed_won"),
        ("umbrella-telehealth-pilot", "closed_lost"),
    ] {
        assert_eq!(stage(id), expected, "{id}");
    }
    let muller = record(&deals, "müller-werk-2-rollout");
    assert_eq!(muller["amount"], 140000);
    assert_eq!(muller["currency"], "EUR", "€ in the cell");
    assert_eq!(muller["close_date"], "2027-03-31");
    assert_eq!(muller["created"], "2026-11-11");
    assert_eq!(muller["forecast"], "pipeline");
    assert_eq!(muller["account"], "müller-maschinenbau-gmbh");
    assert_eq!(muller["contact"], "jürgen-müller", "the primary contact");
    assert_eq!(muller["crm"], "salesforce");
    assert_eq!(muller["crm_id"], "0065e00000A1");
    assert_eq!(
        muller["crm_type"], "New Business",
        "Type never sets a record's kind"
    );
    assert!(muller.get("age").is_none() && muller.get("crm_age").is_none());
    assert_eq!(
        record(&deals, "hooli-emea-platform")["currency"],
        "EUR",
        "EUR 95,000.00"
    );
    assert_eq!(record(&deals, "northwind-uk-leeds-team")["currency"], "GBP");
    assert_eq!(record(&deals, "stark-fleet-dashboards")["amount"], 64250.5);
    assert_eq!(
        record(&deals, "acme-platform-renewal")["forecast"],
        "best_case"
    );
    assert_eq!(record(&deals, "acme-platform-renewal")["currency"], "USD");
    assert!(record(&deals, "acme-analytics-add-on")
        .get("forecast")
        .is_none());
    assert_eq!(
        record(&deals, "globex-enterprise-upgrade")["title"],
        "Globex, enterprise upgrade"
    );

    // The description is the note's body, under a heading; the deal's account exists.
    let text = std::fs::read_to_string(v.join("deals/müller-werk-2-rollout.md")).unwrap();
    assert!(
        text.ends_with(
            "---\n## Description\n\nFirst plant of three.\nThey want one dashboard, in German.\n"
        ),
        "{text}"
    );
    let accounts = exported(&v, "accounts");
    assert_eq!(record(&accounts, "acme-corp")["industry"], "Manufacturing");
    assert_eq!(
        record(&accounts, "acme-corp")["crm_type"],
        "Customer - Direct"
    );
    // Created for the opportunities that name them.
    assert_eq!(
        record(&accounts, "stark-logistics")["name"],
        "Stark Logistics"
    );
    let contacts = exported(&v, "contacts");
    assert_eq!(record(&contacts, "jane-doe")["account"], "acme-corp");
    assert_eq!(record(&contacts, "jane-doe")["last_contact"], "2026-11-20");
    assert_eq!(record(&contacts, "zoë-o-brien")["name"], "Zoë O'Brien");

    // No errors, and no warning about a field the import wrote.
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
}

#[test]
fn a_hubspot_export_with_semicolons_and_comma_decimals() {
    let v = TestVault::new().config("fx: { EUR: 1.08 }\nhistory: false\n");
    for file in ["companies", "contacts", "deals"] {
        import(
            &v,
            &fixture(&format!("hubspot/{file}.csv")),
            &["--map", "hubspot"],
        )
        .success();
    }
    let deals = exported(&v, "deals");
    for (id, stage, amount) in [
        ("brandt-lager-nord", "prospecting", 12500.0),
        ("café-olé-pos-rollout", "discovery", 48000.0),
        ("nordlicht-analytics", "demo", 1234.56),
        ("brandt-lager-süd", "proposal", 30000.0),
        ("café-olé-support-plan", "negotiation", -2000.0),
        ("nordlicht-pilot", "closed_won", 9900.0),
        ("brandt-lager-west", "closed_lost", 22000.0),
    ] {
        let deal = record(&deals, id);
        assert_eq!(deal["stage"], stage, "{id}");
        assert_eq!(deal["amount"].as_f64(), Some(amount), "{id}");
        assert_eq!(deal["currency"], "EUR", "{id}");
    }
    let nord = record(&deals, "brandt-lager-nord");
    assert_eq!(nord["close_date"], "2027-02-15");
    assert_eq!(nord["created"], "2026-11-02");
    assert_eq!(nord["last_activity"], "2026-11-18", "a date deals read");
    assert_eq!(nord["account"], "brandt-logistik-ag");
    assert_eq!(nord["contact"], "anna-brandt");
    assert_eq!(
        record(&deals, "café-olé-pos-rollout")["forecast"],
        "best_case"
    );
    assert!(
        record(&deals, "nordlicht-pilot").get("forecast").is_none(),
        "Closed won"
    );
    assert_eq!(record(&deals, "brandt-lager-west")["forecast"], "omitted");
    let contacts = exported(&v, "contacts");
    assert_eq!(
        record(&contacts, "élodie-durand")["role"],
        "Directrice, Achats"
    );
    assert_eq!(
        record(&contacts, "anna-brandt")["account"],
        "brandt-logistik-ag"
    );
    let diagnostics = v.diagnostics();
    assert!(
        diagnostics.iter().all(|d| d["severity"] != "error"),
        "{diagnostics:#?}"
    );
    assert!(
        diagnostics.iter().all(|d| d["code"] != "unknown_key"),
        "{diagnostics:#?}"
    );
}

#[test]
fn a_second_import_changes_nothing() {
    let v = salesforce_vault();
    let before = files(&v);
    for file in ["accounts", "contacts", "opportunities"] {
        let assert = import(
            &v,
            &fixture(&format!("salesforce/{file}.csv")),
            &["--map", "salesforce"],
        )
        .success();
        let said = stderr(&assert);
        assert!(said.contains(" 0 created, 0 updated, "), "{said}");
        assert!(said.contains(" unchanged, 0 conflicts"), "{said}");
    }
    assert_eq!(files(&v), before, "byte-identical");
}

/// The Salesforce opportunities with some cells replaced.
fn changed(v: &TestVault, replacements: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(fixture("salesforce/opportunities.csv")).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let path = v.join("changed.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_changed_amount_updates_one_line() {
    let v = salesforce_vault();
    let before = std::fs::read_to_string(v.join("deals/acme-platform-renewal.md")).unwrap();
    let csv = changed(&v, &[("\"$48,000.00\"", "\"$52,000.00\"")]);
    let assert = import(&v, &csv, &["--map", "salesforce"]).success();
    assert_eq!(stdout(&assert), "updated deals/acme-platform-renewal.md\n");
    assert!(stderr(&assert).contains("deals: 0 created, 1 updated, 9 unchanged, 0 conflicts"));
    let after = std::fs::read_to_string(v.join("deals/acme-platform-renewal.md")).unwrap();
    assert_eq!(after, before.replace("amount: 48000\n", "amount: 52000\n"));
}

#[test]
fn a_hand_edit_is_a_conflict_kept_unless_forced() {
    let v = salesforce_vault();
    let path = v.join("deals/acme-platform-renewal.md");
    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("amount: 48000\n", "amount: 50000\n")
        + "\nMy own notes stay.\n";
    std::fs::write(&path, &edited).unwrap();
    let csv = changed(
        &v,
        &[
            ("\"$48,000.00\"", "\"$52,000.00\""),
            ("Send revised pricing to Jane", "Call Jane"),
        ],
    );
    let assert = import(&v, &csv, &["--map", "salesforce"]).code(1);
    let said = stderr(&assert);
    assert!(
        said.contains("conflict: deals/acme-platform-renewal.md (line 4): amount is 50000 here, 52000 in the CRM"),
        "{said}"
    );
    assert!(said.contains("1 conflicts"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "left alone"
    );

    import(&v, &csv, &["--map", "salesforce", "--force"]).success();
    let forced = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        forced,
        edited
            .replace("amount: 50000\n", "amount: 52000\n")
            .replace(
                "next_step: Send revised pricing to Jane\n",
                "next_step: Call Jane\n"
            ),
        "the CRM's values; the body untouched"
    );
    // Fields the CRM does not have are never touched.
    let v2 = salesforce_vault();
    let path = v2.join("deals/acme-platform-renewal.md");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "---\n## Description",
        "competitor: Initrode\n---\n## Description",
    );
    std::fs::write(&path, &text).unwrap();
    import(
        &v2,
        &fixture("salesforce/opportunities.csv"),
        &["--map", "salesforce"],
    )
    .success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_bad_row_in_the_middle_leaves_the_vault_byte_identical() {
    let v = salesforce_vault();
    let csv = changed(
        &v,
        &[
            ("\"$48,000.00\"", "\"$52,000.00\""),
            ("\"Value Proposition\"", "\"Verbal Yes\""),
            ("\"$64,250.50\"", "\"64.250,50\""),
        ],
    );
    let before = files(&v);
    let assert = import(&v, &csv, &["--map", "salesforce"]).code(1);
    let said = stderr(&assert);
    assert!(said.contains("changed.csv:line 7: Stage: no stage for \"Verbal Yes\": add `aliases: [\"Verbal Yes\"]`"), "{said}");
    assert!(
        said.contains("changed.csv:line 11: Amount: cannot read \"64.250,50\""),
        "{said}"
    );
    assert!(said.contains("nothing was written"), "{said}");
    assert_eq!(files(&v), before);
    // The same for a file that cannot be read as CSV.
    let broken = v.join("broken.csv");
    std::fs::write(
        &broken,
        "Opportunity Name,Stage\nAcme,Prospecting\n\"Globex,Prospecting\nInitech,Prospecting\n",
    )
    .unwrap();
    let said = stderr(&import(&v, &broken, &["--map", "salesforce"]).code(1));
    assert!(
        said.contains("broken.csv:line 3: a quote opened on this line is never closed"),
        "{said}"
    );
    let ragged = v.join("ragged.csv");
    std::fs::write(&ragged, "Opportunity Name,Stage\nAcme,Prospecting,extra\n").unwrap();
    let said = stderr(&import(&v, &ragged, &["--map", "salesforce"]).code(1));
    assert!(
        said.contains("ragged.csv:line 2: this row has 3 cells, the header has 2"),
        "{said}"
    );
    let mut expected = before;
    for added in ["changed.csv", "broken.csv", "ragged.csv"] {
        expected.insert(added.into(), std::fs::read(v.join(added)).unwrap());
    }
    assert_eq!(files(&v), expected);
}

#[test]
fn a_dry_run_says_the_same_and_writes_nothing() {
    let v = TestVault::new().config("history: false\n");
    let before = files(&v);
    let assert = import(
        &v,
        &fixture("salesforce/opportunities.csv"),
        &["--map", "salesforce", "--dry-run"],
    )
    .success();
    assert!(stderr(&assert)
        .contains("deals: 10 created, 0 updated, 0 unchanged, 0 conflicts, 0 skipped"));
    assert!(stderr(&assert).contains("dry run: nothing was written"));
    assert!(stdout(&assert).contains("created deals/acme-platform-renewal.md\n"));
    assert_eq!(files(&v), before);
}

#[test]
fn contacts_are_matched_by_email_too() {
    let v = TestVault::new().config("history: false\n").file(
        "contacts/jane.md",
        "---\nname: Jane Doe\nemail: Jane.Doe@acme.example\n---\nMet at the conference.\n",
    );
    import(
        &v,
        &fixture("salesforce/contacts.csv"),
        &["--map", "salesforce"],
    )
    .success();
    let text = std::fs::read_to_string(v.join("contacts/jane.md")).unwrap();
    assert!(text.contains("crm_id: '0035e00000C1'"), "{text}");
    assert!(
        text.ends_with("---\nMet at the conference.\n"),
        "the body untouched: {text}"
    );
    assert!(!v.join("contacts/jane-doe.md").exists(), "no second Jane");
}

#[test]
fn a_map_file_with_every_key() {
    let v = TestVault::new()
        .config("history: false\n")
        .file(
            "map.yaml",
            "extends: salesforce\ncrm: acme-crm\nkind: deal\ndelimiter: \";\"\ndecimal: \",\"\ndates: day_first\ncolumns:\n  Deal: title\n  Internal: ~\nstages:\n  Verbal Yes: negotiation\nforecast:\n  Upside: best_case\n",
        )
        .file(
            "deals.csv",
            "Deal;Stage;Amount;Close Date;Forecast Category;Internal;Opportunity ID\nAcme;Verbal Yes;1.500,50 €;15.12.2026;Upside;secret;X1\n",
        );
    let map = v.join("map.yaml");
    import(&v, &v.join("deals.csv"), &["--map", map.to_str().unwrap()]).success();
    let deals = exported(&v, "deals");
    let acme = record(&deals, "acme");
    assert_eq!(acme["stage"], "negotiation");
    assert_eq!(acme["amount"], 1500.5);
    assert_eq!(acme["currency"], "EUR");
    assert_eq!(acme["close_date"], "2026-12-15");
    assert_eq!(acme["forecast"], "best_case");
    assert_eq!(acme["crm"], "acme-crm");
    assert!(acme.get("internal").is_none(), "dropped");
    assert!(v.join(".dealbook/crm/acme-crm.json").is_file());
}

#[test]
fn export_then_import_gives_the_same_records() {
    let source = crate::common::example();
    for format in ["csv", "json"] {
        let target = TestVault::new().file(
            "dealbook.yaml",
            std::fs::read(source.join("dealbook.yaml")).unwrap(),
        );
        for kind in ["accounts", "contacts", "deals"] {
            let file = target.join(&format!("{kind}.{format}"));
            source
                .cmd(&[
                    "export",
                    kind,
                    "--format",
                    format,
                    "-o",
                    file.to_str().unwrap(),
                ])
                .success();
            target
                .cmd(&["import", format, file.to_str().unwrap()])
                .success();
        }
        for kind in ["accounts", "contacts", "deals"] {
            let mut expected = source.list(kind, None);
            let mut got = target.list(kind, None);
            if format == "csv" {
                // CSV carries no bodies, so no log to work the last activity (and so
                // the stale flag) out from.
                for row in expected.iter_mut().chain(got.iter_mut()) {
                    let row = row.as_object_mut().unwrap();
                    row.remove("last_activity");
                    row.remove("flags");
                }
            }
            assert_eq!(got, expected, "{kind} through {format}");
        }
        if format == "json" {
            for kind in ["deals", "contacts", "accounts"] {
                let bodies = |v: &TestVault| -> Vec<Value> {
                    let rows: Vec<Value> = serde_json::from_str(&stdout(
                        &v.cmd(&["export", kind, "--format", "json"]).success(),
                    ))
                    .unwrap();
                    rows.iter().map(|r| r["body"].clone()).collect()
                };
                assert_eq!(bodies(&target), bodies(&source), "{kind} bodies");
            }
        }
    }
}
