//! `show ID [--format text|json] [--audience me|manager]`: one record at a glance, on the
//! example vault. Its numbers are the ones `pipeline` and a hand count of `list` give.

use serde_json::Value;

use crate::common::{self, example, json, stderr, stdout, TestVault};

/// `show ARGS… --format json`, which must succeed.
fn show_json(v: &TestVault, args: &[&str]) -> Value {
    let args = [&["show"], args, &["--format", "json"]].concat();
    json(&v.cmd(&args).success())
}

/// `show ARGS…` as text, which must succeed.
fn show_text(v: &TestVault, args: &[&str]) -> String {
    stdout(&v.cmd(&[&["show"], args].concat()).success())
}

/// The value of a `label:` line in `show`'s text.
fn field<'a>(text: &'a str, label: &str) -> &'a str {
    let prefix = format!("{label}:");
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no `{label}:` line in:\n{text}"))
        .trim()
}

/// The items of a section of `show`'s text: the `  - ` lines after its title.
fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|line| *line != title)
        .skip(1)
        .map_while(|line| line.strip_prefix("  - "))
        .collect()
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

/// The deal with this id in a report's `deals`.
fn pipeline_deal(v: &TestVault, id: &str) -> Value {
    let pipeline = json(&v.cmd(&["pipeline", "--format", "json"]).success());
    pipeline["deals"]
        .as_array()
        .expect("deals")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no deal {id} in the pipeline"))
        .clone()
}

fn ids(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item["id"].as_str().expect("an id"))
        .collect()
}

#[test]
fn a_deal_shows_the_numbers_the_pipeline_computes() {
    let v = example();
    let deal = show_json(&v, &["acme-platform-renewal"]);
    let reported = pipeline_deal(&v, "acme-platform-renewal");
    assert_eq!(deal["kind"], "deal");
    assert_eq!(deal["title"], "Acme — platform renewal");
    assert_eq!(deal["account"], "Acme Corp");
    assert_eq!(deal["stage"], "proposal");
    assert_eq!(deal["amount"], 48000);
    assert_eq!(deal["currency"], "USD");
    assert_eq!(deal["base_amount"], reported["amount"]);
    assert_eq!(deal["probability"], 55);
    assert_eq!(deal["forecast"], "best_case");
    // 48000 × 55%.
    assert_eq!(deal["weighted"], 26400);
    assert_eq!(deal["weighted"], reported["weighted"]);
    let codes: Vec<&Value> = deal["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .map(|f| &f["code"])
        .collect();
    let reported_flags: Vec<&Value> = reported["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .collect();
    assert_eq!(codes, reported_flags);
    assert_eq!(deal["flags"][0]["label"], "ROI not accepted");
    assert_eq!(deal["close_date"], "2026-12-15");
    assert_eq!(deal["next_step"], "Send revised pricing to Jane");
    assert_eq!(deal["next_step_date"], "2026-11-25");
    assert_eq!(deal["decision_maker"], "Jane Doe");
    assert_eq!(deal["champion"], "Bob Lee");
    assert_eq!(deal["contact"], Value::Null);
    assert_eq!(deal["created"], "2026-09-01");
    assert_eq!(deal["tags"], serde_json::json!(["renewal"]));
    // Three open tasks, the `@manager` one an ask; the done one is not there.
    let tasks = deal["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 3, "{tasks:#?}");
    assert_eq!(tasks[1]["text"], "Call their VP Finance");
    assert_eq!(tasks[1]["manager"], true);
    assert!(tasks.iter().all(|t| t["done"] == false));
    // The last five log entries, newest first.
    let dates: Vec<&str> = deal["log"]
        .as_array()
        .expect("log")
        .iter()
        .map(|e| e["date"].as_str().expect("a date"))
        .collect();
    assert_eq!(
        dates,
        [
            "2026-11-20",
            "2026-11-12",
            "2026-11-05",
            "2026-10-14",
            "2026-09-01"
        ]
    );
    let linked: Vec<(&str, &str)> = deal["linked"]
        .as_array()
        .expect("linked")
        .iter()
        .map(|l| (l["field"].as_str().unwrap(), l["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        linked,
        [
            ("account", "accounts/acme.md"),
            ("decision_maker", "contacts/jane-doe.md"),
            ("champion", "contacts/bob-lee.md"),
        ]
    );
    // The example vault turns history off, and says so.
    assert_eq!(deal["history"], serde_json::json!([]));
    assert_eq!(
        deal["history_note"],
        "history is turned off in dealbook.yaml (history: false)"
    );
    // One object, the same every time, its keys in a fixed order.
    let run = || {
        stdout(
            &v.cmd(&["show", "acme-platform-renewal", "--format", "json"])
                .success(),
        )
    };
    let first = run();
    assert_eq!(first, run());
    assert!(
        first.starts_with(
            "{\n  \"kind\": \"deal\",\n  \"id\": \"acme-platform-renewal\",\n  \"path\""
        ),
        "{first}"
    );
}

#[test]
fn a_deal_in_another_currency_counts_in_the_base_currency() {
    let v = example();
    let deal = show_json(&v, &["hooli-eu-platform"]);
    let reported = pipeline_deal(&v, "hooli-eu-platform");
    assert_eq!(deal["amount"], 140000);
    assert_eq!(deal["currency"], "EUR");
    // 140000 × 1.08, and 85% of that.
    assert_eq!(deal["base_amount"], 151200);
    assert_eq!(deal["base_amount"], reported["amount"]);
    assert_eq!(deal["weighted"], reported["weighted"]);
    let text = show_text(&v, &["hooli-eu-platform"]);
    assert_eq!(field(&text, "amount"), "€140,000 ($151,200)");
    assert_eq!(field(&text, "weighted"), "$128,520");
}

#[test]
fn a_deal_as_text() {
    let v = example();
    let text = show_text(&v, &["acme-platform-renewal"]);
    assert!(
        text.starts_with(
            "Acme — platform renewal\ndeal · deals/acme-platform-renewal.md · as of 2026-11-23\n"
        ),
        "{text}"
    );
    assert_eq!(field(&text, "account"), "Acme Corp");
    assert_eq!(field(&text, "stage"), "proposal (open)");
    assert_eq!(field(&text, "amount"), "$48,000");
    assert_eq!(field(&text, "probability"), "55%");
    assert_eq!(field(&text, "forecast"), "best_case");
    assert_eq!(field(&text, "weighted"), "$26,400");
    assert_eq!(field(&text, "close date"), "2026-12-15");
    assert_eq!(
        field(&text, "next step"),
        "Send revised pricing to Jane, by 2026-11-25"
    );
    assert_eq!(field(&text, "decision maker"), "Jane Doe (engaged)");
    assert_eq!(field(&text, "champion"), "Bob Lee");
    assert_eq!(field(&text, "contact"), "—");
    assert_eq!(field(&text, "tags"), "renewal");
    assert_eq!(section(&text, "Flags"), ["ROI not accepted"]);
    assert_eq!(
        section(&text, "Open tasks"),
        [
            "me, due 2026-11-25: Send revised pricing",
            "ask for the manager, due 2026-11-28: Call their VP Finance",
            "me, due 2026-12-01: Send ROI one-pager to Bob for review",
        ]
    );
    let log = section(&text, "Recent log");
    assert_eq!(log.len(), 5, "{text}");
    assert!(
        log[0].starts_with("2026-11-20: Call with Jane and Bob"),
        "{text}"
    );
    assert_eq!(
        section(&text, "Linked records"),
        [
            "account: Acme Corp (accounts/acme.md)",
            "decision maker: Jane Doe, VP Operations (economic buyer) (contacts/jane-doe.md)",
            "champion: Bob Lee, Director of Revenue Operations (champion) (contacts/bob-lee.md)",
        ]
    );
    assert!(
        text.ends_with("History: history is turned off in dealbook.yaml (history: false)\n"),
        "{text}"
    );
}

#[test]
fn a_contact_shows_the_deals_that_name_them_with_their_totals() {
    let v = example();
    let contact = show_json(&v, &["jane-doe"]);
    assert_eq!(contact["kind"], "contact");
    assert_eq!(contact["name"], "Jane Doe");
    assert_eq!(contact["account"], "Acme Corp");
    assert_eq!(contact["role"], "VP Operations (economic buyer)");
    assert_eq!(contact["linked"][0]["path"], "accounts/acme.md");
    // Her own field, which the rep sees.
    assert!(contact["own_fields"]["personal_notes"]
        .as_str()
        .is_some_and(|n| n.contains("hockey")));
    // By hand, from `list deals`: the deals whose decision maker, champion or contact is her.
    let names_her =
        |row: &Value, field: &str| row[field] == "jane-doe" || row[field] == "[[Jane Doe]]";
    let hers: Vec<Value> = v
        .list("deals", None)
        .into_iter()
        .filter(|row| {
            ["decision_maker", "champion", "contact"]
                .iter()
                .any(|f| names_her(row, f))
        })
        .collect();
    let mut wanted: Vec<&str> = hers.iter().map(|r| r["id"].as_str().unwrap()).collect();
    wanted.sort_unstable();
    let mut shown = ids(&contact["deals"]);
    shown.sort_unstable();
    assert_eq!(shown, wanted);
    assert_eq!(wanted, ["acme-analytics-addon", "acme-platform-renewal"]);
    assert!(hers.iter().all(|r| r["currency"] == "USD"));
    let sum = |open: bool| -> f64 {
        hers.iter()
            .filter(|r| r["open"] == open)
            .map(|r| number(&r["amount"]))
            .sum()
    };
    let totals = &contact["totals"];
    assert_eq!(totals["open"]["count"], 1);
    assert_eq!(number(&totals["open"]["amount"]), sum(true));
    assert_eq!(
        totals["open"]["weighted"],
        pipeline_deal(&v, "acme-platform-renewal")["weighted"]
    );
    assert_eq!(number(&totals["won"]["amount"]), sum(false));
    assert_eq!(
        contact["deals"][0]["links"],
        serde_json::json!(["decision_maker"])
    );

    let text = show_text(&v, &["jane-doe"]);
    assert!(
        text.starts_with("Jane Doe\ncontact · contacts/jane-doe.md"),
        "{text}"
    );
    assert_eq!(field(&text, "account"), "Acme Corp");
    assert!(field(&text, "personal_notes").contains("hockey"), "{text}");
    assert!(
        text.contains(
            "\nDeals: 1 open, $48,000, weighted $26,400; 1 won, $22,000, weighted $22,000\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  - Acme — platform renewal: proposal, $48,000, weighted $26,400, closes 2026-12-15, flags: ROI not accepted, as decision maker\n"
        ),
        "{text}"
    );
    assert_eq!(section(&text, "Recent log").len(), 2, "{text}");
}

#[test]
fn an_account_totals_its_deals_as_a_hand_count_of_list_does() {
    let v = example();
    let account = show_json(&v, &["acme"]);
    assert_eq!(account["kind"], "account");
    assert_eq!(account["name"], "Acme Corp");
    assert_eq!(account["industry"], "Manufacturing");
    assert_eq!(
        ids(&account["contacts"]),
        ["bob-lee", "carla-mendes", "dev-patel", "jane-doe"]
    );
    // By hand, from `list deals`: the deals whose account is Acme, by id or by name.
    let acme: Vec<Value> = v
        .list("deals", None)
        .into_iter()
        .filter(|row| row["account"] == "acme" || row["account"] == "[[Acme Corp]]")
        .collect();
    let mut wanted: Vec<&str> = acme.iter().map(|r| r["id"].as_str().unwrap()).collect();
    wanted.sort_unstable();
    let mut shown = ids(&account["deals"]);
    shown.sort_unstable();
    assert_eq!(shown, wanted);
    assert_eq!(wanted.len(), 3);
    assert!(acme.iter().all(|r| r["currency"] == "USD"));
    let open: Vec<&Value> = acme.iter().filter(|r| r["open"] == true).collect();
    let amount: f64 = open.iter().map(|r| number(&r["amount"])).sum();
    let weighted: f64 = open
        .iter()
        .map(|r| number(&r["amount"]) * number(&r["probability"]) / 100.0)
        .sum();
    let won: f64 = acme
        .iter()
        .filter(|r| r["stage"] == "closed_won")
        .map(|r| number(&r["amount"]))
        .sum();
    let totals = &account["totals"];
    assert_eq!(totals["open"]["count"], open.len());
    // 48000 + 35000; 26400 + 7000; 22000.
    assert_eq!(number(&totals["open"]["amount"]), amount);
    assert_eq!(amount, 83000.0);
    assert_eq!(number(&totals["open"]["weighted"]), weighted);
    assert_eq!(weighted, 33400.0);
    assert_eq!(number(&totals["won"]["amount"]), won);
    assert_eq!(won, 22000.0);
    // Each open deal's numbers are the pipeline's.
    for deal in account["deals"].as_array().unwrap() {
        if deal["open"] == true {
            let reported = pipeline_deal(&v, deal["id"].as_str().unwrap());
            assert_eq!(deal["weighted"], reported["weighted"], "{deal:#}");
        }
    }

    let text = show_text(&v, &["acme"]);
    assert_eq!(field(&text, "industry"), "Manufacturing");
    assert_eq!(
        section(&text, "Contacts")[3],
        "Jane Doe, VP Operations (economic buyer) (contacts/jane-doe.md)"
    );
    assert!(
        text.contains(
            "\nDeals: 2 open, $83,000, weighted $33,400; 1 won, $22,000, weighted $22,000\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  - Acme — analytics add-on: closed_won, $22,000, weighted $22,000, closed 2026-08-28\n"
        ),
        "{text}"
    );
    assert_eq!(field(&text, "Open tasks"), "none");
    assert_eq!(section(&text, "Recent log").len(), 3, "{text}");
}

#[test]
fn a_record_is_named_by_title_path_or_name() {
    let v = example();
    let absolute = v.join("deals/acme-platform-renewal.md");
    for name in [
        "Acme — platform renewal",
        "acme — PLATFORM renewal",
        "deals/acme-platform-renewal.md",
        "./deals/acme-platform-renewal.md",
        absolute.to_str().unwrap(),
    ] {
        assert_eq!(
            show_json(&v, &[name])["id"],
            "acme-platform-renewal",
            "{name}"
        );
    }
    // Enough of a title to tell it apart, and a contact by name.
    assert_eq!(show_json(&v, &["Rotterdam"])["id"], "acme-emea-rollout");
    assert_eq!(show_json(&v, &["Jane Doe"])["id"], "jane-doe");
    assert_eq!(show_json(&v, &["contacts/jane-doe.md"])["kind"], "contact");
}

#[test]
fn an_ambiguous_or_unknown_name_is_a_usage_error() {
    let v = example();
    let assert = v.cmd(&["show", "platform"]).code(2);
    let said = stderr(&assert);
    assert!(said.contains("\"platform\" matches 3 records"), "{said}");
    for candidate in [
        "deals/acme-platform-renewal.md",
        "deals/hooli-eu-platform.md",
        "deals/initech-platform-renewal.md",
    ] {
        assert!(said.contains(candidate), "{said}");
    }
    assert!(stdout(&assert).is_empty());
    let assert = v
        .cmd(&["show", "nobody-at-all", "--format", "json"])
        .code(2);
    assert!(
        stderr(&assert).contains("no record has the id, path or title \"nobody-at-all\""),
        "{}",
        stderr(&assert)
    );
}

#[test]
fn the_manager_does_not_find_a_private_deal() {
    let v = example();
    let private = "massive-dynamic-displacement";
    assert_eq!(
        show_json(&v, &[private])["title"]
            .as_str()
            .map(|t| t.contains("Bluebird")),
        Some(true)
    );
    for name in [
        private,
        "Project Bluebird",
        "deals/massive-dynamic-displacement.md",
    ] {
        for format in ["text", "json"] {
            let assert = v
                .cmd(&["show", name, "--audience", "manager", "--format", format])
                .code(2);
            assert!(stdout(&assert).is_empty(), "{name}");
            let said = stderr(&assert);
            // Not found, and never named as a candidate.
            assert_eq!(
                said,
                format!("error: no record has the id, path or title \"{name}\"\n")
            );
        }
    }
}

#[test]
fn the_managers_copy_has_no_private_section_or_field() {
    let v = example();
    // A private field on a deal with a `## Private` section, and a log entry and a task in it.
    v.cmd(&[
        "set",
        "globex-enterprise-upgrade",
        "personal_notes=SECRET-FIELD Hank golfs on Fridays",
    ])
    .success();
    let path = v.join("deals/globex-enterprise-upgrade.md");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\n- [ ] @manager SECRET-ASK keep the discount quiet due:2026-11-30\n\n");
    text.push_str("### Log\n- 2026-11-22: SECRET-LOG Maria called from her cell.\n");
    std::fs::write(&path, text).unwrap();
    let secrets = ["SECRET-FIELD", "SECRET-ASK", "SECRET-LOG", "personal_notes"];

    let mine = format!(
        "{}{}",
        show_text(&v, &["globex-enterprise-upgrade"]),
        serde_json::to_string(&show_json(&v, &["globex-enterprise-upgrade"])).unwrap()
    );
    for secret in secrets {
        assert!(
            mine.contains(secret),
            "the rep does not see {secret}: {mine}"
        );
    }
    let args = ["globex-enterprise-upgrade", "--audience", "manager"];
    let theirs_text = show_text(&v, &args);
    let theirs = show_json(&v, &args);
    let theirs_json = serde_json::to_string(&theirs).unwrap();
    for secret in secrets {
        assert!(!theirs_text.contains(secret), "{secret} in:\n{theirs_text}");
        assert!(!theirs_json.contains(secret), "{secret} in: {theirs_json}");
    }
    assert!(!theirs_text.contains("off the record"), "{theirs_text}");
    assert_eq!(theirs["audience"], "manager");
    assert!(theirs_text
        .lines()
        .nth(1)
        .unwrap()
        .ends_with("· the manager's copy"));
    // The rest is there, numbers included.
    assert_eq!(theirs["weighted"], 96000);
    assert_eq!(theirs["log"][0]["date"], "2026-11-21");
    assert_eq!(theirs["tasks"].as_array().unwrap().len(), 3);

    // A contact's private field (`personal_notes`, in the example config) is gone too.
    let contact = show_text(&v, &["jane-doe", "--audience", "manager"]);
    assert!(!contact.contains("personal_notes"), "{contact}");
    assert!(!contact.contains("hockey"), "{contact}");
}

#[test]
fn an_activity_note_that_links_the_deal_is_in_its_log() {
    let v = example().file(
        "meetings/2026-11-22-hank.md",
        "# Call with Hank\nHank confirmed the board date for [[globex-enterprise-upgrade]].\n",
    );
    let deal = show_json(&v, &["globex-enterprise-upgrade"]);
    let newest = &deal["log"][0];
    assert_eq!(newest["date"], "2026-11-22");
    assert_eq!(newest["note"], "meetings/2026-11-22-hank.md");
    assert!(
        newest["text"]
            .as_str()
            .unwrap()
            .starts_with("Call with Hank: Hank confirmed"),
        "{newest:#}"
    );
    assert_eq!(deal["log"].as_array().unwrap().len(), 5);
    assert_eq!(deal["last_activity"], "2026-11-22");
    let text = show_text(&v, &["globex-enterprise-upgrade"]);
    let log = section(&text, "Recent log");
    assert!(log[0].ends_with("(meetings/2026-11-22-hank.md)"), "{text}");
}

#[test]
fn a_deal_in_git_shows_its_history_events() {
    if !common::have("git") {
        return;
    }
    let v = example();
    let config = std::fs::read_to_string(v.join("dealbook.yaml")).unwrap();
    std::fs::write(
        v.join("dealbook.yaml"),
        config.replace("history: false", ""),
    )
    .unwrap();
    common::git(v.path(), None, &["init", "-q"]);
    common::git(v.path(), None, &["add", "-A"]);
    common::git(
        v.path(),
        Some("2026-11-01"),
        &["commit", "-q", "-m", "My book"],
    );
    v.cmd(&["set", "acme-platform-renewal", "close_date=2027-01-15"])
        .success();
    common::git(
        v.path(),
        Some("2026-11-20"),
        &["commit", "-q", "-am", "Acme slips"],
    );

    let deal = show_json(&v, &["acme-platform-renewal"]);
    assert_eq!(deal["history_note"], Value::Null);
    let events: Vec<(&str, &str)> = deal["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| (e["date"].as_str().unwrap(), e["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        events,
        [
            ("2026-11-20", "close_date_pushed"),
            ("2026-11-01", "created")
        ]
    );
    assert_eq!(deal["history"][0]["from"], "2026-12-15");
    assert_eq!(deal["history"][0]["to"], "2027-01-15");
    // The push is a flag, as the pipeline has it.
    let reported = pipeline_deal(&v, "acme-platform-renewal");
    let codes: Vec<&Value> = deal["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["code"])
        .collect();
    assert_eq!(
        codes,
        reported["flags"]
            .as_array()
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
    );
    assert!(codes.contains(&&Value::from("pushed")));

    let text = show_text(&v, &["acme-platform-renewal"]);
    let history = section(&text, "History");
    assert_eq!(history.len(), 2, "{text}");
    assert!(
        history[0].starts_with("2026-11-20 ")
            && history[0].ends_with("close date pushed out: 2026-12-15 → 2027-01-15"),
        "{text}"
    );
    assert!(
        section(&text, "Flags").contains(&"close date pushed"),
        "{text}"
    );
}

#[test]
fn text_from_the_vault_cannot_send_escape_sequences() {
    let v = TestVault::new().file(
        "deals/evil.md",
        "---\ntitle: \"Evil \\e[31mred\\e[0m deal\"\nstage: demo\namount: 1000\nclose_date: 2026-12-15\nnext_step: \"Call\\nforged: line\"\nmood: \"\\e]0;owned\\a\"\n---\n## Log\n- 2026-11-20: Said \u{202e}reversed\n",
    );
    let text = show_text(&v, &["evil"]);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(!text.contains('\u{7}'), "{text:?}");
    assert!(!text.contains('\u{202e}'), "{text:?}");
    assert!(text.starts_with("Evil red deal\n"), "{text:?}");
    assert!(!text.lines().any(|l| l.starts_with("forged")), "{text:?}");
    assert_eq!(field(&text, "next step"), "Call forged: line");
    assert_eq!(field(&text, "mood"), "");
}

#[test]
fn a_deal_no_report_counts_says_why_and_counts_in_no_total() {
    let v = TestVault::new()
        .file("accounts/acme.md", "---\nname: Acme Corp\n---\n")
        .file(
            "deals/odd.md",
            "---\ntitle: Odd stage\naccount: acme\namount: 5000\nstage: haggling\nclose_date: 2026-12-15\n---\n",
        )
        .file(
            "deals/fine.md",
            "---\ntitle: Fine\naccount: acme\namount: 1000\nstage: demo\nclose_date: 2026-12-15\n---\n",
        );
    let deal = show_json(&v, &["odd"]);
    assert_eq!(deal["stage"], Value::Null);
    assert_eq!(deal["weighted"], Value::Null);
    let why = deal["not_counted"][0].as_str().expect("a reason");
    assert!(why.contains("haggling"), "{why}");
    let text = show_text(&v, &["odd"]);
    assert_eq!(section(&text, "Not counted"), [why]);
    // The account counts the deal it can: `fine`, at demo's 40%.
    let account = show_json(&v, &["acme"]);
    assert_eq!(account["totals"]["open"]["count"], 1);
    assert_eq!(account["totals"]["open"]["amount"], 1000);
    assert_eq!(account["totals"]["open"]["weighted"], 400);
    assert_eq!(ids(&account["deals"]), ["fine", "odd"]);
}

#[test]
fn a_file_that_cannot_be_read_is_named_with_its_problem() {
    let v = TestVault::new().file("deals/broken.md", "---\ntitle: [oops\n---\n");
    let assert = v.cmd(&["show", "deals/broken.md"]).code(1);
    assert!(stdout(&assert).is_empty());
    let said = stderr(&assert);
    assert!(said.contains("broken.md:2:"), "{said}");
    assert!(
        said.contains("could not be read as a record; run `dealbook check`"),
        "{said}"
    );
}

/// An account's deal that neither total can count (in a currency without a rate, or with no
/// amount) is counted as left out, not dropped from the line in silence.
#[test]
fn an_accounts_totals_say_which_deals_they_leave_out() {
    let v = TestVault::new()
        .file("accounts/zeta.md", "---\nname: Zeta AG\n---\n")
        .file(
            "deals/a.md",
            "---\ntitle: A\nstage: demo\namount: 1000\naccount: zeta\n---\n",
        )
        .file(
            "deals/b.md",
            "---\ntitle: B\nstage: demo\namount: 500\ncurrency: CHF\naccount: zeta\n---\n",
        )
        .file(
            "deals/c.md",
            "---\ntitle: C\nstage: demo\naccount: zeta\n---\n",
        );
    let account = show_json(&v, &["zeta"]);
    assert_eq!(account["totals"]["open"]["count"], 1);
    assert_eq!(account["totals"]["not_counted"], 2);
    let text = show_text(&v, &["zeta"]);
    assert!(
        text.contains("; 2 not counted (no known stage, amount or rate)"),
        "{text}"
    );
}
