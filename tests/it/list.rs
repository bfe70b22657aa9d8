//! `list deals|contacts|accounts|tasks [--where …] [--format table|json|csv]`, and an existing
//! Obsidian-style vault read through `folders:`, `fields:` and stage aliases.

use crate::common;

use common::{md, stderr, stdout, TestVault};

/// Three deals, two contacts, an account and a few tasks.
fn book() -> TestVault {
    TestVault::new()
        .file(
            "deals/acme-renewal.md",
            md(&[
                "---",
                "title: Acme — platform renewal",
                "account: acme",
                "amount: 48000",
                "stage: proposal",
                "probability: 55",
                "close_date: 2026-12-15",
                "next_step: Send revised pricing, then call",
                "next_step_date: 2026-11-25",
                "decision_maker: jane-doe",
                "region: EMEA",
                "tags: [renewal, expansion]",
                "---",
                "## Log",
                "- 2026-11-20: Call with Jane.",
                "- 2026-11-12: Sent proposal.",
                "",
                "## Tasks",
                "- [ ] Send revised pricing due:2026-11-25",
                "- [ ] @manager Call their VP Finance due:2026-11-28",
                "- [x] Book the security review",
            ]),
        )
        .file(
            "deals/globex-pilot.md",
            md(&[
                "---",
                "title: Globex pilot",
                "account: acme",
                "amount: 8000",
                "stage: proposal",
                "close_date: 2027-01-20",
                "next_step: Demo",
                "created: 2026-11-01",
                "tags: [pilot]",
                "---",
            ]),
        )
        .file(
            "deals/initech.md",
            md(&[
                "---",
                "title: Initech expansion",
                "amount: 120000",
                "stage: negotiation",
                "close_date: 2026-12-01",
                "next_step: Legal review",
                "tags: [Expansion]",
                "---",
                "- [ ] Chase legal 📅 2026-11-24",
            ]),
        )
        .file(
            "deals/hooli.md",
            md(&["---", "title: Hooli", "stage: discovery", "---"]),
        )
        .file(
            "contacts/jane-doe.md",
            md(&[
                "---",
                "name: Jane Doe",
                "account: \"[[Acme Corp]]\"",
                "role: VP Finance",
                "email: jane@example.com",
                "---",
                "- [ ] Send Jane the case study due:2026-11-26",
            ]),
        )
        .file(
            "contacts/bob-lee.md",
            md(&["---", "name: Bob Lee", "role: Champion", "---"]),
        )
        .file(
            "accounts/acme.md",
            md(&[
                "---",
                "name: Acme Corp",
                "industry: Manufacturing",
                "website: https://acme.example",
                "---",
            ]),
        )
}

fn ids(rows: &[serde_json::Value], key: &str) -> Vec<String> {
    rows.iter()
        .map(|row| row[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn deals_are_listed_by_close_date_then_id_undated_last() {
    let v = book();
    assert_eq!(
        v.deal_ids(None),
        ["initech", "acme-renewal", "globex-pilot", "hooli"]
    );
}

#[test]
fn where_stage_and_amount() {
    let v = book();
    assert_eq!(
        v.deal_ids(Some("stage=proposal and amount>=10000")),
        ["acme-renewal"]
    );
    assert_eq!(
        v.deal_ids(Some("stage=Proposal")),
        ["acme-renewal", "globex-pilot"]
    );
    assert_eq!(v.deal_ids(Some("amount<10000")), ["globex-pilot"]);
    assert_eq!(v.deal_ids(Some("stage!=proposal")), ["initech", "hooli"]);
}

#[test]
fn where_tags_contains_ignores_case() {
    let v = book();
    assert_eq!(
        v.deal_ids(Some("tags~expansion")),
        ["initech", "acme-renewal"]
    );
    assert_eq!(v.deal_ids(Some("tags=pilot")), ["globex-pilot"]);
}

#[test]
fn where_close_date_compares_dates() {
    let v = book();
    assert_eq!(
        v.deal_ids(Some("close_date<2026-12-31")),
        ["initech", "acme-renewal"]
    );
    assert_eq!(
        v.deal_ids(Some("close_date>=2026-12-15")),
        ["acme-renewal", "globex-pilot"]
    );
}

#[test]
fn where_or_and_quoted_values() {
    let v = book();
    assert_eq!(
        v.deal_ids(Some("amount>100000 or stage=discovery")),
        ["initech", "hooli"]
    );
    // `and` binds tighter than `or`.
    assert_eq!(
        v.deal_ids(Some("stage=discovery or stage=proposal and amount<10000")),
        ["globex-pilot", "hooli"]
    );
    assert_eq!(
        v.deal_ids(Some("title~\"platform renewal\"")),
        ["acme-renewal"]
    );
    assert_eq!(v.deal_ids(Some("region=emea")), ["acme-renewal"]);
    let err = stderr(
        &v.cmd(&["list", "deals", "--where", "nosuchfield=x"])
            .code(2),
    );
    assert!(
        err.contains("unknown field `nosuchfield`"),
        "never an empty answer: {err}"
    );
}

#[test]
fn malformed_where_is_a_clear_usage_error() {
    let v = book();
    let err = stderr(&v.cmd(&["list", "deals", "--where", "stage"]).code(2));
    assert!(err.contains("bad --where expression at column 6"), "{err}");
    assert!(err.contains("an operator is needed"), "{err}");
    assert!(err.contains("= != < <= > >= ~"), "{err}");
    for bad in [
        "",
        "stage=proposal and",
        "and stage=x",
        "a=b c=d",
        "title=\"x",
        "=x",
    ] {
        let err = stderr(&v.cmd(&["list", "deals", "--where", bad]).code(2));
        assert!(err.contains("bad --where expression"), "{bad:?}: {err}");
    }
}

#[test]
fn json_deal_rows_carry_every_field_and_what_dealbook_works_out() {
    let v = book();
    let rows = v.list("deals", Some("id=acme-renewal"));
    let row = &rows[0];
    // As written.
    assert_eq!(row["title"], "Acme — platform renewal");
    assert_eq!(row["account"], "acme");
    assert_eq!(row["amount"], 48000);
    assert_eq!(row["stage"], "proposal");
    assert_eq!(row["close_date"], "2026-12-15");
    assert_eq!(row["next_step"], "Send revised pricing, then call");
    assert_eq!(row["next_step_date"], "2026-11-25");
    assert_eq!(row["decision_maker"], "jane-doe");
    assert_eq!(row["region"], "EMEA", "the rep's own fields are kept");
    assert_eq!(row["tags"], serde_json::json!(["renewal", "expansion"]));
    // Worked out.
    assert_eq!(row["id"], "acme-renewal");
    assert_eq!(row["path"], "deals/acme-renewal.md");
    assert_eq!(row["probability"], 55.0, "the deal's own probability wins");
    assert_eq!(row["forecast"], "best_case");
    assert_eq!(row["last_activity"], "2026-11-20");
    assert_eq!(row["currency"], "USD");

    let rows = v.list("deals", Some("id=globex-pilot"));
    assert_eq!(rows[0]["probability"], 60.0, "the stage's probability");
    assert_eq!(
        rows[0]["last_activity"], "2026-11-01",
        "created, with no log"
    );
    let rows = v.list("deals", Some("id=initech"));
    assert_eq!(rows[0]["forecast"], "commit");
    assert_eq!(rows[0]["last_activity"], serde_json::Value::Null);
}

#[test]
fn contacts_and_accounts() {
    let v = book();
    let contacts = v.list("contacts", None);
    assert_eq!(ids(&contacts, "id"), ["bob-lee", "jane-doe"]);
    let jane = &contacts[1];
    assert_eq!(jane["name"], "Jane Doe");
    assert_eq!(
        jane["account"], "acme",
        "the link resolved to the account's id"
    );
    assert_eq!(jane["role"], "VP Finance");
    assert_eq!(jane["path"], "contacts/jane-doe.md");
    assert_eq!(
        ids(&v.list("contacts", Some("role~champ")), "id"),
        ["bob-lee"]
    );

    let accounts = v.list("accounts", None);
    assert_eq!(ids(&accounts, "id"), ["acme"]);
    assert_eq!(accounts[0]["industry"], "Manufacturing");
    assert_eq!(accounts[0]["website"], "https://acme.example");
}

#[test]
fn tasks_from_every_kind_by_due_date() {
    let v = book();
    let tasks = v.list("tasks", None);
    assert_eq!(
        ids(&tasks, "text"),
        [
            "Chase legal",
            "Send revised pricing",
            "Send Jane the case study",
            "Call their VP Finance",
            "Book the security review",
        ]
    );
    assert_eq!(
        ids(&tasks, "due")[..4],
        ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-28"]
    );
    let ask = &tasks[3];
    assert_eq!(ask["record"], "acme-renewal");
    assert_eq!(ask["kind"], "deal");
    assert_eq!(ask["path"], "deals/acme-renewal.md");
    assert_eq!(ask["line"], 20);
    assert_eq!(ask["manager"], true);
    assert_eq!(ask["done"], false);
    assert_eq!(tasks[2]["kind"], "contact");
    assert_eq!(tasks[4]["done"], true);

    let open_asks = v.list("tasks", Some("manager=true and done=false"));
    assert_eq!(ids(&open_asks, "text"), ["Call their VP Finance"]);
    let before = v.list("tasks", Some("due<2026-11-26"));
    assert_eq!(ids(&before, "record"), ["initech", "acme-renewal"]);
}

#[test]
fn table_format() {
    let v = book();
    let out = stdout(
        &v.cmd(&["list", "deals", "--where", "stage=proposal"])
            .success(),
    );
    let expected = "\
ID            STAGE     AMOUNT  CLOSE_DATE  NEXT_STEP_DATE  TITLE
acme-renewal  proposal  48000   2026-12-15  2026-11-25      Acme — platform renewal
globex-pilot  proposal  8000    2027-01-20                  Globex pilot
2 deals: $56,000 · weighted $31,200 (USD)
";
    assert_eq!(out, expected);
    let out = stdout(&v.cmd(&["list", "accounts", "--format", "table"]).success());
    assert_eq!(
        out,
        "ID    NAME       INDUSTRY       WEBSITE\nacme  Acme Corp  Manufacturing  https://acme.example\n"
    );
    let out = stdout(&v.cmd(&["list", "deals", "--where", "id=nobody"]).success());
    assert_eq!(out.lines().count(), 1, "just the header: {out}");
}

#[test]
fn csv_format() {
    let v = book();
    let out = stdout(
        &v.cmd(&[
            "list",
            "deals",
            "--where",
            "id=acme-renewal",
            "--format",
            "csv",
        ])
        .success(),
    );
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..6],
        [
            "id",
            "stage",
            "amount",
            "close_date",
            "next_step_date",
            "title"
        ]
    );
    for column in [
        "path",
        "probability",
        "forecast",
        "last_activity",
        "region",
        "tags",
    ] {
        assert!(header.contains(&column), "{column} in {header:?}");
    }
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(
            "acme-renewal,proposal,48000,2026-12-15,2026-11-25,Acme — platform renewal,"
        ),
        "{row}"
    );
    assert!(
        row.contains("\"Send revised pricing, then call\""),
        "commas are quoted: {row}"
    );
    assert!(
        row.contains("\"renewal, expansion\""),
        "lists are joined: {row}"
    );
    assert_eq!(lines.next(), None);
}

#[test]
fn a_type_field_makes_a_note_elsewhere_a_record() {
    let v = TestVault::new()
        .file(
            "inbox/side-deal.md",
            md(&[
                "---",
                "type: deal",
                "title: Side deal",
                "stage: demo",
                "---",
            ]),
        )
        .file(
            "inbox/person.md",
            md(&["---", "type: person", "name: Ann", "---"]),
        )
        .file("inbox/meeting.md", md(&["---", "date: 2026-11-20", "---"]));
    assert_eq!(v.deal_ids(None), ["side-deal"]);
    assert_eq!(ids(&v.list("contacts", None), "name"), ["Ann"]);
}

#[test]
fn where_compares_quoted_amounts_as_numbers() {
    let v = TestVault::new()
        .file(
            "deals/small.md",
            md(&["---", "stage: demo", "amount: \"9000\"", "---"]),
        )
        .file(
            "deals/big.md",
            md(&["---", "stage: demo", "amount: \"12000\"", "---"]),
        );
    assert!(!v.diagnostics().iter().any(|d| d["code"] == "wrong_type"));
    assert_eq!(v.deal_ids(Some("amount>=10000")), ["big"]);
}

#[test]
fn where_compares_dates_with_stray_spaces_as_dates() {
    let v = TestVault::new().file(
        "deals/acme.md",
        md(&["---", "stage: demo", "close_date: \" 2026-12-15 \"", "---"]),
    );
    assert!(!v.diagnostics().iter().any(|d| d["code"] == "invalid_date"));
    assert_eq!(v.list("deals", None)[0]["close_date"], "2026-12-15");
    assert_eq!(v.deal_ids(Some("close_date<2026-12-31")), ["acme"]);
}

// ---------------------------------------------------------------------------------------------
// An existing vault, laid out like Obsidian

fn obsidian_vault() -> TestVault {
    TestVault::new()
        .config(
            "\
# Sam's Obsidian vault
folders: { deals: [opportunities], accounts: [companies] }
fields: { close_date: expected_close_date, title: name, account: company }
stages:
  - { id: discovery, probability: 20 }
  - { id: proposal, probability: 60, forecast: best_case, aliases: [\"Proposal Sent\"] }
  - { id: won, probability: 100, won: true }
  - { id: lost, probability: 0, lost: true }
",
        )
        .file(
            "opportunities/2026/acme-renewal.md",
            md(&[
                "---",
                "name:   Acme renewal  ",
                "company: \"[[companies/acme]]\"",
                "amount:  48000",
                "stage: Proposal Sent   ",
                "expected_close_date: \"2026-12-15\"",
                "next_step: Send pricing",
                "next_step_date: '2026-11-25'",
                "tags:",
                "  - renewal",
                "---",
                "## Log",
                "- 2026-11-20: Call with [[Jane Doe]].",
            ]),
        )
        .file(
            "opportunities/globex.md",
            md(&[
                "---",
                "name : Globex upgrade",
                "company :  \"[[companies/globex|Globex]]\"",
                "amount :   12000",
                "stage :  \" proposal sent \"",
                "expected_close_date :  2027-01-15  ",
                "next_step: Demo",
                "next_step_date: 2026-11-30",
                "---",
                "## Log",
                "- 2026-11-21 — Intro call",
            ]),
        )
        .file(
            "companies/acme.md",
            md(&["---", "name: Acme Corp", "industry: Manufacturing", "---"]),
        )
        .file("companies/globex.md", md(&["---", "name: Globex", "---"]))
        .file(
            "contacts/jane-doe.md",
            md(&["---", "name: Jane Doe", "company: \"[[Acme Corp]]\"", "---"]),
        )
        .file(
            "meetings/2026-11-16 sync.md",
            md(&[
                "---",
                "date: 2026-11-16",
                "attendees: [[Jane Doe]]",
                "---",
                "# Sync",
                "- [ ] Follow up with [[Jane Doe]]",
            ]),
        )
        .file("meetings/plain.md", "# Notes\n\nNo front matter.\n")
        .file("meetings/draft.md", "---\ntitle: \"unfinished\n---\n")
        .file("meetings/half.md", "---\ntitle: no closing fence\n")
        .file(".obsidian/app.json", "{}")
        .file(".obsidian/snippets.md", "---\nstage: [\n---\n")
        .file(
            "templates/opportunity.md",
            "---\nname: {{title}}\nstage: {{stage}}\n---\n",
        )
}

#[test]
fn an_existing_vault_checks_clean() {
    let v = obsidian_vault();
    assert!(v.diagnostics().is_empty(), "{:#?}", v.diagnostics());
    let out = stdout(&v.cmd(&["check"]).code(0));
    assert_eq!(out, "5 records checked: 0 errors and 0 warnings\n");
}

#[test]
fn an_existing_vault_lists_deals_under_dealbooks_names() {
    let v = obsidian_vault();
    let rows = v.list("deals", None);
    assert_eq!(ids(&rows, "id"), ["acme-renewal", "globex"]);
    let acme = &rows[0];
    assert_eq!(acme["title"], "Acme renewal");
    assert_eq!(acme["close_date"], "2026-12-15");
    assert_eq!(acme["account"], "[[companies/acme]]");
    assert_eq!(acme["stage"], "proposal", "the alias maps to the stage id");
    assert_eq!(acme["probability"], 60.0);
    assert_eq!(acme["forecast"], "best_case");
    assert_eq!(acme["amount"], 48000);
    assert_eq!(acme["next_step_date"], "2026-11-25");
    assert_eq!(acme["path"], "opportunities/2026/acme-renewal.md");
    assert_eq!(acme["last_activity"], "2026-11-20");
    for theirs in ["expected_close_date", "name", "company"] {
        assert!(
            acme.get(theirs).is_none(),
            "{theirs} was renamed: {acme:#?}"
        );
    }
    let globex = &rows[1];
    assert_eq!(globex["title"], "Globex upgrade");
    assert_eq!(globex["close_date"], "2027-01-15");
    assert_eq!(globex["stage"], "proposal");
    assert_eq!(globex["last_activity"], "2026-11-21");

    assert_eq!(
        v.deal_ids(Some("close_date<2026-12-31 and title~acme")),
        ["acme-renewal"]
    );
    let contacts = v.list("contacts", None);
    assert_eq!(contacts[0]["account"], "acme");
    assert_eq!(ids(&v.list("accounts", None), "id"), ["acme", "globex"]);
    assert!(
        v.list("tasks", None).is_empty(),
        "meeting notes are not records"
    );
}

/// A deal without an amount, or in a currency without a rate, is in the count but in neither
/// amount of the table's last line, and the line says so.
#[test]
fn the_totals_line_says_which_deals_are_in_no_amount() {
    let v = TestVault::new()
        .file(
            "deals/a.md",
            "---\ntitle: A\nstage: demo\namount: 1000\n---\n",
        )
        .file(
            "deals/b.md",
            "---\ntitle: B\nstage: demo\namount: 500\ncurrency: CHF\n---\n",
        )
        .file("deals/c.md", "---\ntitle: C\nstage: demo\n---\n");
    let out = stdout(&v.cmd(&["list", "deals"]).success());
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("3 deals: $1,000 · weighted")
            && last.ends_with("; 2 without an amount or a rate, in neither"),
        "{out}"
    );
}
