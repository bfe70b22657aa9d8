//! Taking the book along (seed 000): `export` to CSV, vCard and JSON; `import` from a CRM's CSV.

use crate::common;

use common::TestVault;

fn out(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn deals_exported_as_csv_import_into_a_new_vault_unchanged() {
    let csv = out(common::example()
        .cmd(&["export", "deals", "--format", "csv"])
        .code(0));
    let new = TestVault::new().config("").file("export.csv", &csv);
    let file = new.join("export.csv");
    new.cmd(&["import", "csv", file.to_str().unwrap()]).code(0);
    let before = common::example().list("deals", None);
    let after = new.list("deals", None);
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        for field in [
            "id",
            "title",
            "stage",
            "amount",
            "currency",
            "close_date",
            "account",
            "next_step",
            "probability",
        ] {
            assert_eq!(a.get(field), b.get(field), "{field} of {}", a["id"]);
        }
    }
    // Importing again never overwrites: every deal comes in under a new name.
    let again = out(new.cmd(&["import", "csv", file.to_str().unwrap()]).code(0));
    assert!(again.lines().all(|l| l.ends_with("-2.md")), "{again}");
}

#[test]
fn contacts_export_as_vcards() {
    let cards = out(common::example()
        .cmd(&["export", "contacts", "--format", "vcard"])
        .code(0));
    let contacts = common::example().list("contacts", None);
    assert_eq!(cards.matches("BEGIN:VCARD\r\n").count(), contacts.len());
    assert!(cards.contains("FN:Jane Doe\r\n"));
    assert!(cards.lines().all(|l| l.len() <= 76), "folded at 75 octets");
    assert!(
        !cards.contains("personal_notes"),
        "private fields stay home"
    );
    TestVault::new()
        .cmd(&["export", "deals", "--format", "vcard"])
        .code(2);
}

#[test]
fn salesforce_and_hubspot_exports_import_with_their_maps() {
    let v = TestVault::new()
        .config("stages:\n  - { id: qualification, probability: 10, aliases: [Qualification] }\n  - { id: negotiation, probability: 80, forecast: commit, aliases: [\"Negotiation/Review\"] }\n  - { id: closed_won, probability: 100, won: true, aliases: [closedwon] }\n  - { id: closed_lost, probability: 0, lost: true }\n")
        .file(
            "sf.csv",
            "Opportunity Name,Account Name,Amount,Stage,Close Date,Probability (%),Lead Source\n\"Acme: renewal\",acme,\"$48,000.00\",Negotiation/Review,12/15/2026,80%,Web\n",
        )
        .file(
            "hs.csv",
            "Deal Name,Amount,Deal Stage,Close Date,Create Date\nGlobex pilot,12000,closedwon,2026-11-20 10:00,2026-09-01\n",
        );
    let sf = v.join("sf.csv");
    let hs = v.join("hs.csv");
    v.cmd(&["import", "csv", sf.to_str().unwrap(), "--map", "salesforce"])
        .code(0);
    v.cmd(&["import", "csv", hs.to_str().unwrap(), "--map", "hubspot"])
        .code(0);
    let deals = v.list("deals", None);
    let acme = deals.iter().find(|d| d["id"] == "acme-renewal").unwrap();
    assert_eq!(acme["title"], "Acme: renewal");
    assert_eq!(acme["amount"], 48000);
    assert_eq!(acme["stage"], "negotiation");
    assert_eq!(acme["close_date"], "2026-12-15");
    assert_eq!(acme["lead_source"], "Web");
    let globex = deals.iter().find(|d| d["id"] == "globex-pilot").unwrap();
    assert_eq!(globex["stage"], "closed_won");
    assert_eq!(globex["created"], "2026-09-01");
    v.cmd(&["check"]).code(0);
}

#[test]
fn a_custom_map_and_a_dry_run() {
    let v = TestVault::new()
        .config("")
        .file(
            "people.csv",
            "Full name;Mail;Firm\nJane Doe;jane@x.example;Acme\n",
        )
        .file(
            "map.yaml",
            "kind: contact\ncolumns: { Full name: name, Mail: email, Firm: account }\n",
        );
    let (csv, map) = (v.join("people.csv"), v.join("map.yaml"));
    let args = [
        "import",
        "csv",
        csv.to_str().unwrap(),
        "--map",
        map.to_str().unwrap(),
    ];
    let dry: Vec<&str> = args.iter().copied().chain(["--dry-run"]).collect();
    assert!(out(v.cmd(&dry).code(0)).ends_with("contacts/jane-doe.md\n"));
    assert!(!v.join("contacts/jane-doe.md").exists());
    v.cmd(&args).code(0);
    let contacts = v.list("contacts", None);
    assert_eq!(contacts[0]["email"], "jane@x.example");
    let v = v.file("map.yaml", "colums: {}\n");
    v.cmd(&args).code(2);
}
