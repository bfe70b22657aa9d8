//! The privacy canary suite: a vault with a unique "canary" string in every private place, and
//! every command in every format run with `--audience manager`, none of which may print, write
//! or hint at a canary. The same commands with `--audience me` must show them, so a canary that
//! silently stopped being reachable (a renamed field, an escaped character) fails the suite
//! instead of making it pass for nothing.
//!
//! The vault is a git repository with fixed commit dates, so every report also reads history:
//! a deal that was private in earlier commits must leave no trace in the manager's history,
//! events, trends or waterfall.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::common::Reported;
use std::time::{Duration, Instant};

use assert_cmd::assert::Assert;
use serde_json::Value;
use tempfile::TempDir;

use crate::common::{self, TestVault, AS_OF};

// ---------------------------------------------------------------------------------------------
// The canaries

/// Every string the manager must never see, each planted in one private place of [`book`] (or
/// worked out from private amounts). Compared ignoring case.
const CANARIES: &[&str] = &[
    // The private deal (`private: true`): file name, title, amount, account link, body, log,
    // tasks.
    "canary-privdeal-id",
    "CANARY-PRIVDEAL-TITLE",
    "7777771",
    "7,777,771",
    "CANARY-PRIVDEAL-ACCOUNTLINK",
    "CANARY-PRIVDEAL-NEXTSTEP",
    "CANARY-PRIVDEAL-BODY",
    "CANARY-PRIVDEAL-LOG",
    "CANARY-PRIVDEAL-TASK",
    "CANARY-PRIVDEAL-ASK",
    // The private contact and account. Their names are linked to by public records, one
    // link with an alias.
    "CANARY-LINK-ALIAS",
    "canary-privcontact-id",
    "Canary Privcontact Name",
    "canary-privcontact-email@example.com",
    "CANARY-PRIVCONTACT-BODY",
    "CANARY-PRIVCONTACT-TASK",
    "canary-privaccount-id",
    "Canary Privaccount Name",
    "canary-privaccount-website.example",
    "CANARY-PRIVACCOUNT-BODY",
    "CANARY-PRIVACCOUNT-TASK",
    // `## Private` in a public deal (and `### Private` under `## Notes`).
    "CANARY-DEAL-NESTED-TEXT",
    "CANARY-DEAL-NESTED-TASK",
    "CANARY-DEAL-SECTION-TEXT",
    "CANARY-DEAL-SECTION-DATED",
    "CANARY-DEAL-SECTION-LOG",
    "CANARY-DEAL-SECTION-TASK",
    "CANARY-DEAL-SECTION-ASK",
    // `## Private` in a public contact and a public account.
    "CANARY-CONTACT-SECTION-TEXT",
    "CANARY-CONTACT-SECTION-DATED",
    "CANARY-CONTACT-SECTION-LOG",
    "CANARY-CONTACT-SECTION-TASK",
    "CANARY-CONTACT-SECTION-ASK",
    "CANARY-ACCOUNT-SECTION-TEXT",
    "CANARY-ACCOUNT-SECTION-DATED",
    "CANARY-ACCOUNT-SECTION-LOG",
    "CANARY-ACCOUNT-SECTION-TASK",
    "CANARY-ACCOUNT-SECTION-ASK",
    // Oddly written Private headings.
    "CANARY-HEADING-LOWER-TEXT",
    "CANARY-HEADING-LOWER-TASK",
    "CANARY-HEADING-COLON-TEXT",
    "CANARY-HEADING-COLON-ASK",
    "CANARY-HEADING-SETEXT-TEXT",
    "CANARY-HEADING-SETEXT-TASK",
    "CANARY-HEADING-H1-TEXT",
    "CANARY-HEADING-H1-LOG",
    "CANARY-HEADING-H1-TASK",
    // Private fields: the rep's own, dealbook's by its own name (a deal's and a contact's),
    // and one listed by the vault's own name for a field `fields:` maps.
    "CANARY-FIELD-PERSONALNOTES",
    "CANARY-FIELD-NEXTSTEP",
    "canary-field-email@example.com",
    "CANARY-FIELD-SIGNALS",
    // Doubtful `private:` values: each hides its deal.
    "CANARY-DOUBT-LOWERON",
    "CANARY-DOUBT-UPPER",
    "CANARY-DOUBT-ONE",
    "CANARY-DOUBT-LIST",
    "CANARY-DOUBT-YES",
    "CANARY-DOUBT-EMPTY",
    "CANARY-DOUBT-KEYCASE",
    // History: a deal private in its first two commits and public since (its old file name,
    // title and amount), one public at first and private now, one private and then deleted.
    "canary-flip-oldname",
    "CANARY-FLIP-OLDTITLE",
    "3333331",
    "3,333,331",
    "CANARY-NOWPRIV-OLDTITLE",
    "CANARY-NOWPRIV-TITLE",
    "900001",
    "900,001",
    "canary-gone-id",
    "CANARY-GONE-TITLE",
    "4444441",
    "4,444,441",
    // A deal public, then private for one commit (new title and amount), then public again.
    "CANARY-MIDPRIV-TITLE",
    "6666661",
    "6,666,661",
    // A private deal in a currency without a rate: left out of totals, listed as excluded.
    "canary-privfx-id",
    "CANARY-PRIVFX-TITLE",
    "1234567",
    // The rep's totals (see `the_rep_totals_count_every_deal`): a manager's number that
    // matches one of these has a private amount in it.
    "9027773",
    "9,027,773",
    "840002",
    "840,002",
    "837002",
    "837,002",
    "430001",
    "430,001",
    "11276778",
    "11,276,778",
];

/// Canaries no output shows even to the rep (every body, private sections included, is in the
/// rep's JSON export). Kept, so that an output that starts showing them is checked at once.
const UNREACHABLE_FOR_ME: &[&str] = &[];

/// A canary inside another would be "seen" whenever the longer one is, and could pass the
/// rep's check without ever being reachable itself.
#[test]
fn no_canary_is_part_of_another() {
    for a in CANARIES.iter().chain(UNREACHABLE_FOR_ME) {
        assert!(CANARIES.contains(a), "{a} is not in CANARIES");
        for b in CANARIES {
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            assert!(a == b || !b.contains(&a), "{a} is part of {b}");
        }
    }
}

/// The canaries found in `text`, ignoring case.
fn canaries_in(text: &str) -> Vec<&'static str> {
    found_in(text, CANARIES)
}

/// Which of `canaries` are in `text`, ignoring case. vCard folds long lines (CRLF, space),
/// which could split a canary: they are unfolded first.
fn found_in(text: &str, canaries: &[&'static str]) -> Vec<&'static str> {
    let text = text.replace("\r\n ", "").to_lowercase();
    canaries
        .iter()
        .copied()
        .filter(|c| text.contains(&c.to_lowercase()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Every command, in every format

/// Where a row writes its output when it takes `-o`.
const OUT: &str = "{out}";
/// The public deals the rows name (`whatif --win linked`, `history flip`): every vault the
/// rows run on has both.
const PUBLIC: &str = "linked";
const CHANGED: &str = "flip";

/// One command line (words split on spaces; `{out}` stands for a file to write) and the
/// canaries the rep's own run of it must show.
struct Row {
    command: &'static str,
    mine: &'static [&'static str],
}

const fn row(command: &'static str, mine: &'static [&'static str]) -> Row {
    Row { command, mine }
}

/// Seen by the rep in every report of deals: the private deal's title and amount.
const REPORT: &[&str] = &["CANARY-PRIVDEAL-TITLE", "7,777,771"];
/// The prep sheet also lists the rep's commitments and asks, private ones included.
const PREP: &[&str] = &[
    "CANARY-PRIVDEAL-TITLE",
    "7,777,771",
    "CANARY-PRIVDEAL-ASK",
    "CANARY-PRIVCONTACT-TASK",
    "CANARY-PRIVACCOUNT-TASK",
    "CANARY-DEAL-SECTION-TASK",
    "CANARY-CONTACT-SECTION-TASK",
    "CANARY-ACCOUNT-SECTION-TASK",
    "CANARY-FIELD-NEXTSTEP",
    "CANARY-FIELD-SIGNALS",
    "Canary Privcontact Name",
    "Canary Privaccount Name",
    "canary-flip-oldname",
];
/// JSON carries every front-matter field and the body of each deal.
const REPORT_JSON: &[&str] = &[
    "canary-privdeal-id",
    "CANARY-PRIVDEAL-TITLE",
    "7777771",
    "CANARY-PRIVDEAL-BODY",
    "CANARY-PRIVDEAL-LOG",
    "CANARY-DEAL-SECTION-TEXT",
    "CANARY-DEAL-NESTED-TEXT",
    "CANARY-HEADING-H1-LOG",
    "CANARY-FIELD-PERSONALNOTES",
];
/// The prep sheet as JSON: both of the above.
const PREP_JSON: &[&str] = &[
    "canary-privdeal-id",
    "CANARY-PRIVDEAL-TITLE",
    "7777771",
    "CANARY-PRIVDEAL-BODY",
    "CANARY-PRIVDEAL-LOG",
    "CANARY-PRIVDEAL-ASK",
    "CANARY-PRIVCONTACT-TASK",
    "CANARY-PRIVACCOUNT-TASK",
    "CANARY-DEAL-SECTION-TEXT",
    "CANARY-DEAL-SECTION-TASK",
    "CANARY-DEAL-NESTED-TEXT",
    "CANARY-HEADING-H1-LOG",
    "CANARY-FIELD-PERSONALNOTES",
    "canary-flip-oldname",
];
/// Since 2026-10-15, the prep sheet's events hold the private commit of 2026-11-02.
const PREP_SINCE: &[&str] = &[
    "CANARY-PRIVDEAL-TITLE",
    "CANARY-MIDPRIV-TITLE",
    "CANARY-FLIP-OLDTITLE",
    "6666661",
    "canary-gone-id",
];
const PREP_SINCE_MD: &[&str] = &["CANARY-MIDPRIV-TITLE", "CANARY-FLIP-OLDTITLE"];
const LIST_DEALS: &[&str] = &[
    "canary-privdeal-id",
    "CANARY-PRIVDEAL-TITLE",
    "CANARY-DOUBT-KEYCASE",
];
const LIST_DEALS_ALL: &[&str] = &[
    "canary-privdeal-id",
    "CANARY-PRIVDEAL-TITLE",
    "7777771",
    "CANARY-FIELD-PERSONALNOTES",
    "CANARY-FIELD-SIGNALS",
    "CANARY-PRIVDEAL-ACCOUNTLINK",
];
const LIST_CONTACTS: &[&str] = &[
    "Canary Privcontact Name",
    "canary-privcontact-email@example.com",
    "canary-field-email@example.com",
];
const LIST_ACCOUNTS: &[&str] = &[
    "Canary Privaccount Name",
    "canary-privaccount-website.example",
];
const LIST_TASKS: &[&str] = &[
    "CANARY-PRIVDEAL-TASK",
    "CANARY-PRIVCONTACT-TASK",
    "CANARY-PRIVACCOUNT-TASK",
    "CANARY-DEAL-SECTION-ASK",
    "CANARY-CONTACT-SECTION-ASK",
    "CANARY-ACCOUNT-SECTION-ASK",
    "CANARY-HEADING-SETEXT-TASK",
];
/// History as text has titles, ids and amounts as the reports write them; as JSON, the raw values.
const HISTORY_TEXT: &[&str] = &[
    "canary-privdeal-id",
    "CANARY-FLIP-OLDTITLE",
    "canary-flip-oldname",
    "CANARY-NOWPRIV-OLDTITLE",
    "canary-gone-id",
    "3,333,331",
];
const HISTORY_JSON: &[&str] = &[
    "canary-privdeal-id",
    "CANARY-FLIP-OLDTITLE",
    "canary-flip-oldname",
    "CANARY-NOWPRIV-OLDTITLE",
    "canary-gone-id",
    "3333331",
];
/// `--where` on what only private records have.
const WHERE_DEALS: &[&str] = &["CANARY-PRIVDEAL-TITLE", "CANARY-DOUBT-LOWERON"];
const WHERE_TASKS: &[&str] = &["CANARY-DEAL-SECTION-TASK", "CANARY-CONTACT-SECTION-TASK"];
/// A vCard's note is the contact's body; its ORG the name of its account.
const VCARD: &[&str] = &[
    "Canary Privcontact Name",
    "CANARY-PRIVCONTACT-BODY",
    "Canary Privaccount Name",
];
const HISTORY_SINCE: &[&str] = &["CANARY-MIDPRIV-TITLE", "6666661", "canary-gone-id"];
/// flip's history names its old file.
const HISTORY_FLIP: &[&str] = &["canary-flip-oldname"];
/// What-if in Markdown is numbers only: the rep's baseline commit has the private amounts in it.
const WHATIF_MD: &[&str] = &["9,027,773"];
const WHATIF_JSON: &[&str] = &["CANARY-PRIVDEAL-TITLE", "7777771", "9027773"];
/// `show` on a public deal: its open tasks and last log entries, private sections' included.
const SHOW_SECTIONED: &[&str] = &[
    "CANARY-DEAL-NESTED-TASK",
    "CANARY-DEAL-SECTION-TASK",
    "CANARY-DEAL-SECTION-ASK",
    "CANARY-DEAL-SECTION-LOG",
];
/// The private account and contact a public deal links, by name and by file.
const SHOW_LINKED: &[&str] = &[
    "Canary Privaccount Name",
    "canary-privaccount-id",
    "Canary Privcontact Name",
    "canary-privcontact-id",
];
/// The rep's own private field and dealbook's, and one by the vault's own name.
const SHOW_FIELDS: &[&str] = &[
    "CANARY-FIELD-PERSONALNOTES",
    "CANARY-FIELD-NEXTSTEP",
    "CANARY-FIELD-SIGNALS",
];
/// Everything after a top-level `# Private`, its log and tasks included.
const SHOW_HEADING: &[&str] = &["CANARY-HEADING-H1-LOG", "CANARY-HEADING-H1-TASK"];
/// flip's history: its old file name, and as JSON its old title and amount.
const SHOW_FLIP_JSON: &[&str] = &["canary-flip-oldname", "CANARY-FLIP-OLDTITLE", "3333331"];
/// A public contact: the private account they work at, a private field, a private section.
const SHOW_CONTACT: &[&str] = &[
    "Canary Privaccount Name",
    "canary-field-email@example.com",
    "CANARY-CONTACT-SECTION-TASK",
    "CANARY-CONTACT-SECTION-ASK",
    "CANARY-CONTACT-SECTION-LOG",
];
/// A public account: its private contact, and its private section.
const SHOW_ACCOUNT: &[&str] = &[
    "Canary Privcontact Name",
    "canary-privcontact-id",
    "CANARY-ACCOUNT-SECTION-TASK",
    "CANARY-ACCOUNT-SECTION-ASK",
    "CANARY-ACCOUNT-SECTION-LOG",
];

/// Every `--audience` command and format, as typed after `dealbook --vault … --as-of …` and
/// before `--audience`, with what the rep must see in it. A new output is one more line here.
const ROWS: &[Row] = &[
    row("pipeline --format md", REPORT),
    row("pipeline --format html", REPORT),
    row("pipeline --format json", REPORT_JSON),
    row("pipeline --format md -o {out}", REPORT),
    row("pipeline --format html -o {out}", REPORT),
    row("pipeline --format json -o {out}", REPORT_JSON),
    row("prep --format md", PREP),
    row("prep --format html", PREP),
    row("prep --format json", PREP_JSON),
    row("prep --format md -o {out}", PREP),
    row("prep --format html -o {out}", PREP),
    row("prep --format json -o {out}", PREP_JSON),
    row("render pipeline.md", REPORT),
    row("render prep.md", PREP),
    row("render pipeline.html", REPORT),
    row("render prep.html", PREP),
    row("render prep.md -o {out}", PREP),
    row("render pipeline.html -o {out}", REPORT),
    // The vault's own template, reading everything a template can reach.
    row("render dump.md", PREP_JSON),
    row("pipeline --period 2027-Q1 --format json", REPORT_JSON),
    row("pipeline --period 2027 --format md", REPORT),
    // A last review before the private commit of 2026-11-02.
    row("prep --since 2026-10-15 --format json", PREP_SINCE),
    row("prep --since 2026-10-15 --format md", PREP_SINCE_MD),
    row("list deals --format table", LIST_DEALS),
    row(
        "list deals --where amount>=100000 --format json",
        WHERE_DEALS,
    ),
    row("list tasks --where private=true --format csv", WHERE_TASKS),
    row("list deals --format json", LIST_DEALS_ALL),
    row("list deals --format csv", LIST_DEALS_ALL),
    row("list contacts --format table", LIST_CONTACTS),
    row("list contacts --format json", LIST_CONTACTS),
    row("list contacts --format csv", LIST_CONTACTS),
    row("list accounts --format table", LIST_ACCOUNTS),
    row("list accounts --format json", LIST_ACCOUNTS),
    row("list accounts --format csv", LIST_ACCOUNTS),
    row("list tasks --format table", LIST_TASKS),
    row("list tasks --format json", LIST_TASKS),
    row("list tasks --format csv", LIST_TASKS),
    row("export deals --format csv", LIST_DEALS_ALL),
    row("export deals --format json", LIST_DEALS_ALL),
    row("export deals --format json -o {out}", LIST_DEALS_ALL),
    row("export contacts --format csv", LIST_CONTACTS),
    row("export contacts --format json", LIST_CONTACTS),
    row("export contacts --format vcard", VCARD),
    row("export contacts --format vcard -o {out}", VCARD),
    row("export accounts --format csv", LIST_ACCOUNTS),
    row("export accounts --format json", LIST_ACCOUNTS),
    row("history --format text", HISTORY_TEXT),
    row("history --format json", HISTORY_JSON),
    row("history --since 2026-11-01 --format json", HISTORY_SINCE),
    row("history flip --format text", HISTORY_FLIP),
    row("whatif --win linked --format md", WHATIF_MD),
    row("whatif --win linked --format json", WHATIF_JSON),
    row("whatif --lose linked --format md", WHATIF_MD),
    row("whatif --lose linked --format json", WHATIF_JSON),
    row("whatif --slip linked=2027-01-15 --format md", WHATIF_MD),
    row("whatif --slip linked=2027-01-15 --format json", WHATIF_JSON),
    row("whatif --win linked --format html", WHATIF_MD),
    row(
        "whatif --amount linked=1 --where amount>0 --format json",
        WHATIF_JSON,
    ),
    row(
        "pipeline --where amount>0 --quota 100000 --format json",
        REPORT_JSON,
    ),
    row("prep --where amount>0 --format md", PREP),
    row("render prep.html --where amount>0", PREP),
    row(
        "list deals --columns id,title,amount --sort -amount --format table",
        LIST_DEALS,
    ),
    row("list deals --open --period 2027 --format json", LIST_DEALS),
    row("show linked --format text", SHOW_LINKED),
    row("show linked --format json", SHOW_LINKED),
    row("show flip --format text", HISTORY_FLIP),
    row("show flip --format json", SHOW_FLIP_JSON),
];

/// `show` on the canary vault's other public records: [`ROWS`] names only the deals every
/// vault the rows run on has.
const SHOW_ROWS: &[Row] = &[
    row("show sectioned --format text", SHOW_SECTIONED),
    row("show sectioned --format json", SHOW_SECTIONED),
    row("show fields-deal --format text", SHOW_FIELDS),
    row("show fields-deal --format json", SHOW_FIELDS),
    row("show heading-h1 --format text", SHOW_HEADING),
    row("show heading-h1 --format json", SHOW_HEADING),
    row("show pat-public --format text", SHOW_CONTACT),
    row("show pat-public --format json", SHOW_CONTACT),
    row("show globex --format text", SHOW_ACCOUNT),
    row("show globex --format json", SHOW_ACCOUNT),
];

// ---------------------------------------------------------------------------------------------
// The vault

const CONFIG: &str = "\
owner: Sam Rivera
manager: Pat Lee
quota: { 2026-Q4: 500000 }
# personal_notes is the rep's own field; next_step and email are dealbook's, by their own
# names; signals is the vault's own name for buying_signals.
private_fields: [personal_notes, next_step, email, signals]
fields: { buying_signals: signals }
outputs:
  - { template: prep.md, to: reports/mine.md }
  - { template: prep.md, to: reports/manager-prep.md, audience: manager }
  - { template: prep.html, to: reports/manager-prep.html, audience: manager }
  - { template: pipeline.md, to: reports/manager-pipeline.md, audience: manager }
  - { template: pipeline.html, to: reports/manager-pipeline.html, audience: manager }
  - { template: dump.md, to: reports/manager-dump.md, audience: manager }
";

/// The manager's outputs in [`CONFIG`].
const MANAGER_OUTPUTS: &[&str] = &[
    "reports/manager-prep.md",
    "reports/manager-prep.html",
    "reports/manager-pipeline.md",
    "reports/manager-pipeline.html",
    "reports/manager-dump.md",
];

/// Everything a template can reach, as JSON: what a careless vault template could print.
const DUMP: &str = "\
{{ deals | tojson }}
{{ by_stage | tojson }}
{{ changes | tojson }}
{{ needs_help | tojson }}
{{ reviews | tojson }}
{{ asks | tojson }}
{{ commitments | tojson }}
{{ added | tojson }}
{{ history | tojson }}
{{ not_counted | tojson }}
{{ conversion | tojson }}
";

/// A record's text from its front-matter lines and its body.
fn record(front: &[&str], body: &str) -> String {
    let mut text = String::from("---\n");
    for line in front {
        text.push_str(line);
        text.push('\n');
    }
    text.push_str("---\n");
    text.push_str(body);
    text
}

/// The same neutral body in every version of the deal that changes in history, so git sees
/// its rename as one file.
const FLIP_BODY: &str = "\
Context for the deal: they run three plants and want one dashboard across all of them.
The buying committee is the plant managers, finance and the operations director.
They compared two other vendors last year and bought neither; budget is set for next year.

## Log
- 2026-09-01: First call; three plants, one dashboard.
- 2026-09-02: Sent the overview deck and a reference customer.
";

/// The deal that is private in the first two commits and public in the third.
fn flip(version: u8) -> String {
    match version {
        1 => record(
            &[
                "title: CANARY-FLIP-OLDTITLE",
                "amount: 3333331",
                "stage: discovery",
                "close_date: 2026-12-01",
                "private: true",
            ],
            FLIP_BODY,
        ),
        // Pushed out while private: the manager must not count that push.
        2 => record(
            &[
                "title: CANARY-FLIP-OLDTITLE",
                "amount: 3333331",
                "stage: demo",
                "close_date: 2026-12-18",
                "private: true",
            ],
            FLIP_BODY,
        ),
        _ => record(
            &[
                "title: Flip public deal",
                "amount: 12000",
                "stage: demo",
                "close_date: 2026-12-18",
            ],
            FLIP_BODY,
        ),
    }
}

/// The deal that is public in the first commit and private since.
fn now_private(version: u8) -> String {
    if version == 1 {
        record(
            &[
                "title: CANARY-NOWPRIV-OLDTITLE",
                "amount: 90000",
                "stage: negotiation",
                "close_date: 2026-12-12",
            ],
            "## Log\n- 2026-09-10: Kickoff.\n",
        )
    } else {
        record(
            &[
                "title: CANARY-NOWPRIV-TITLE",
                "amount: 900001",
                "stage: negotiation",
                "close_date: 2026-12-12",
                "private: true",
            ],
            "## Log\n- 2026-09-10: Kickoff.\n",
        )
    }
}

/// The deal that is public, private for the second commit only, and public again.
fn mid_private(version: u8) -> String {
    if version == 2 {
        record(
            &[
                "title: CANARY-MIDPRIV-TITLE",
                "amount: 6666661",
                "stage: negotiation",
                "close_date: 2026-12-14",
                "private: true",
            ],
            FLIP_BODY,
        )
    } else {
        record(
            &[
                "title: Mid public deal",
                "amount: 22000",
                "stage: demo",
                "close_date: 2027-01-10",
            ],
            FLIP_BODY,
        )
    }
}

/// A deal made private by a doubtful `private:` line (the key as written, and its value).
fn doubtful(title: &str, private: &str, amount: &str, stage: &str, close: &str) -> String {
    record(
        &[
            &format!("title: {title}"),
            &format!("amount: {amount}"),
            &format!("stage: {stage}"),
            &format!("close_date: {close}"),
            private,
        ],
        "## Log\n- 2026-11-20: A call.\n",
    )
}

/// The records that stay the same through the whole history, by path.
///
/// The manager's deals (amount, stage → category, close date; Q4 2026 is the period):
///
/// | deal           | amount | stage       | counts as           | weighted |
/// |----------------|-------:|-------------|---------------------|---------:|
/// | won-public     | 30000  | closed_won  | closed won (Nov 10) |          |
/// | lost-public    | 8000   | closed_lost | nothing             |          |
/// | linked         | 50000  | negotiation | commit (Dec 15)     | 40000    |
/// | sectioned      | 40000  | proposal    | best case (Dec 20)  | 24000    |
/// | heading-lower  | 20000  | demo        | pipeline (Dec 5)    | 8000     |
/// | heading-colon  | 10000  | discovery   | open, 2027-02-01    | 2000     |
/// | heading-setext | 5000   | prospecting | pipeline (Dec 30)   | 500      |
/// | heading-h1     | 15000  | demo        | open, no close date | 6000     |
/// | fields-deal    | 25000  | proposal    | open, 2027-01-20    | 15000    |
/// | flip           | 12000  | demo        | pipeline (Dec 18)   | 4800     |
/// | midpriv        | 22000  | demo        | open, 2027-01-10    | 8800     |
///
/// The rep's private deals on top:
///
/// | deal               | amount  | stage       | counts as           | weighted  |
/// |--------------------|--------:|-------------|---------------------|----------:|
/// | canary-privdeal-id | 7777771 | negotiation | commit (Dec 10)     | 6222216.8 |
/// | doubt-on           | 100001  | proposal    | best case (Dec 1)   | 60000.6   |
/// | doubt-upper        | 200001  | demo        | pipeline (Dec 2)    | 80000.4   |
/// | doubt-one          | 300001  | negotiation | commit (Dec 3)      | 240000.8  |
/// | doubt-list         | 400001  | closed_won  | closed won (Nov 15) |           |
/// | doubt-yes          | 500001  | demo        | open, 2027-03-01    | 200000.4  |
/// | doubt-empty        | 600001  | discovery   | pipeline (Dec 4)    | 120000.2  |
/// | doubt-keycase      | 700001  | proposal    | best case (Dec 5)   | 420000.6  |
/// | nowpriv            | 900001  | negotiation | commit (Dec 12)     | 720000.8  |
/// | canary-privfx-id   | CHF, no rate: in no total, listed as excluded      |
fn stable_records() -> Vec<(&'static str, String)> {
    vec![
        (
            "deals/canary-privdeal-id.md",
            record(
                &[
                    "title: CANARY-PRIVDEAL-TITLE",
                    "account: \"[[CANARY-PRIVDEAL-ACCOUNTLINK]]\"",
                    "amount: 7777771",
                    "stage: negotiation",
                    "close_date: 2026-12-10",
                    "next_step: CANARY-PRIVDEAL-NEXTSTEP",
                    "next_step_date: 2026-11-26",
                    "created: 2026-11-18",
                    "private: true",
                ],
                "CANARY-PRIVDEAL-BODY\n\n\
                 ## Log\n\
                 - 2026-11-20: CANARY-PRIVDEAL-LOG\n\n\
                 ## Tasks\n\
                 - [ ] CANARY-PRIVDEAL-TASK due:2026-11-25\n\
                 - [ ] @manager CANARY-PRIVDEAL-ASK due:2026-11-26\n",
            ),
        ),
        (
            "deals/canary-privfx-id.md",
            record(
                &[
                    "title: CANARY-PRIVFX-TITLE",
                    "amount: 1234567",
                    "currency: CHF",
                    "stage: negotiation",
                    "close_date: 2026-12-11",
                    "private: true",
                ],
                "",
            ),
        ),
        (
            "contacts/canary-privcontact-id.md",
            record(
                &[
                    "name: Canary Privcontact Name",
                    "account: globex",
                    "role: CFO",
                    "email: canary-privcontact-email@example.com",
                    "private: true",
                ],
                "CANARY-PRIVCONTACT-BODY\n\n\
                 ## Tasks\n\
                 - [ ] CANARY-PRIVCONTACT-TASK due:2026-11-25\n",
            ),
        ),
        (
            "accounts/canary-privaccount-id.md",
            record(
                &[
                    "name: Canary Privaccount Name",
                    "industry: Retail",
                    "website: https://canary-privaccount-website.example",
                    "private: true",
                ],
                "CANARY-PRIVACCOUNT-BODY\n\n\
                 - [ ] CANARY-PRIVACCOUNT-TASK due:2026-11-24\n",
            ),
        ),
        (
            "accounts/globex.md",
            record(
                &[
                    "name: Globex",
                    "industry: Manufacturing",
                    "website: https://globex.example",
                ],
                "Public account notes.\n\n\
                 ## Private\n\
                 CANARY-ACCOUNT-SECTION-TEXT\n\n\
                 - 2026-11-19: CANARY-ACCOUNT-SECTION-DATED\n\
                 - [ ] CANARY-ACCOUNT-SECTION-TASK due:2026-11-24\n\
                 - [ ] @manager CANARY-ACCOUNT-SECTION-ASK due:2026-11-24\n\n\
                 ### Log\n\
                 - 2026-11-19: CANARY-ACCOUNT-SECTION-LOG\n\n\
                 ## Tasks\n\
                 - [ ] Public account task due:2026-11-26\n",
            ),
        ),
        (
            "contacts/pat-public.md",
            record(
                &[
                    "name: Pat Public",
                    "account: \"[[Canary Privaccount Name]]\"",
                    "role: VP Finance",
                    "email: canary-field-email@example.com",
                    "phone: +1 555 0100",
                ],
                "Public contact notes.\n\n\
                 ## Private\n\
                 CANARY-CONTACT-SECTION-TEXT\n\n\
                 - 2026-11-19: CANARY-CONTACT-SECTION-DATED\n\
                 - [ ] CANARY-CONTACT-SECTION-TASK due:2026-11-25\n\
                 - [ ] @manager CANARY-CONTACT-SECTION-ASK due:2026-11-25\n\n\
                 ### Log\n\
                 - 2026-11-19: CANARY-CONTACT-SECTION-LOG\n\n\
                 ## Tasks\n\
                 - [ ] Public contact task due:2026-11-26\n",
            ),
        ),
        (
            "contacts/jane-visible.md",
            record(&["name: Jane Visible", "account: globex"], "Public.\n"),
        ),
        (
            "deals/won-public.md",
            record(
                &[
                    "title: Won public deal",
                    "account: globex",
                    "amount: 30000",
                    "stage: closed_won",
                    "close_date: 2026-11-10",
                    "created: 2026-08-01",
                ],
                "",
            ),
        ),
        (
            "deals/lost-public.md",
            record(
                &[
                    "title: Lost public deal",
                    "amount: 8000",
                    "stage: closed_lost",
                    "close_date: 2026-11-05",
                    "created: 2026-08-15",
                ],
                "",
            ),
        ),
        (
            // Links to the private account and contact, by name (with an alias) and by id.
            "deals/linked.md",
            record(
                &[
                    "title: Linked public deal",
                    "account: \"[[Canary Privaccount Name|CANARY-LINK-ALIAS]]\"",
                    "amount: 50000",
                    "stage: negotiation",
                    "close_date: 2026-12-15",
                    "next_step_date: 2026-11-27",
                    // Unquoted, YAML reads a nested list: still the wikilink.
                    "decision_maker: [[Canary Privcontact Name]]",
                    "dm_engaged: true",
                    "champion: canary-privcontact-id",
                ],
                "## Log\n- 2026-11-21: Met the buyer.\n",
            ),
        ),
        (
            "deals/sectioned.md",
            record(
                &[
                    "title: Sectioned public deal",
                    "account: globex",
                    "amount: 40000",
                    "stage: proposal",
                    "close_date: 2026-12-20",
                    "decision_maker: jane-visible",
                ],
                "Public intro for the sectioned deal.\n\n\
                 ## Notes\n\
                 A public note.\n\n\
                 ### Private\n\
                 CANARY-DEAL-NESTED-TEXT\n\n\
                 - [ ] CANARY-DEAL-NESTED-TASK due:2026-11-25\n\n\
                 ## Log\n\
                 - 2026-11-21: Public call about the sectioned deal.\n\n\
                 ## Private\n\
                 CANARY-DEAL-SECTION-TEXT\n\n\
                 - 2026-11-19: CANARY-DEAL-SECTION-DATED\n\
                 - [ ] CANARY-DEAL-SECTION-TASK due:2026-11-25\n\
                 - [ ] @manager CANARY-DEAL-SECTION-ASK due:2026-11-26\n\n\
                 ### Log\n\
                 - 2026-11-22: CANARY-DEAL-SECTION-LOG\n\n\
                 ## Tasks\n\
                 - [ ] Public task for the sectioned deal due:2026-11-27\n\
                 - [ ] @manager Public ask for the sectioned deal due:2026-11-28\n",
            ),
        ),
        (
            "deals/heading-lower.md",
            record(
                &[
                    "title: Lowercase heading deal",
                    "amount: 20000",
                    "stage: demo",
                    "close_date: 2026-12-05",
                ],
                "Public text.\n\n\
                 ## private\n\
                 CANARY-HEADING-LOWER-TEXT\n\n\
                 - [ ] CANARY-HEADING-LOWER-TASK due:2026-11-24\n\n\
                 ## Log\n\
                 - 2026-11-18: Public log of the lowercase heading deal.\n",
            ),
        ),
        (
            "deals/heading-colon.md",
            record(
                &[
                    "title: Colon heading deal",
                    "amount: 10000",
                    "stage: discovery",
                    "close_date: 2027-02-01",
                ],
                "Public text.\n\n\
                 ## PRIVATE:\n\
                 CANARY-HEADING-COLON-TEXT\n\n\
                 - [ ] @manager CANARY-HEADING-COLON-ASK due:2026-11-28\n\n\
                 ## Log\n\
                 - 2026-11-18: Public log of the colon heading deal.\n",
            ),
        ),
        (
            "deals/heading-setext.md",
            record(
                &[
                    "title: Setext heading deal",
                    "amount: 5000",
                    "stage: prospecting",
                    "close_date: 2026-12-30",
                ],
                "Public text.\n\n\
                 Private\n\
                 -------\n\
                 CANARY-HEADING-SETEXT-TEXT\n\n\
                 - [ ] CANARY-HEADING-SETEXT-TASK due:2026-11-24\n\n\
                 ## Log\n\
                 - 2026-11-18: Public log of the setext heading deal.\n",
            ),
        ),
        (
            // `# Private` at the top level hides everything after it, its `## Log` included.
            "deals/heading-h1.md",
            record(
                &[
                    "title: Top level heading deal",
                    "amount: 15000",
                    "stage: demo",
                ],
                "# Overview\n\
                 Public overview.\n\n\
                 ## Log\n\
                 - 2026-11-17: Public log of the top level heading deal.\n\n\
                 # Private\n\
                 CANARY-HEADING-H1-TEXT\n\n\
                 ## Log\n\
                 - 2026-11-22: CANARY-HEADING-H1-LOG\n\n\
                 ## Tasks\n\
                 - [ ] CANARY-HEADING-H1-TASK due:2026-11-24\n",
            ),
        ),
        (
            "deals/fields-deal.md",
            record(
                &[
                    "title: Fields public deal",
                    "amount: 25000",
                    "stage: proposal",
                    "close_date: 2027-01-20",
                    "personal_notes: CANARY-FIELD-PERSONALNOTES",
                    "next_step: CANARY-FIELD-NEXTSTEP",
                    "next_step_date: 2026-11-30",
                    "signals: CANARY-FIELD-SIGNALS",
                ],
                "## Log\n- 2026-11-20: Public log of the fields deal.\n",
            ),
        ),
        (
            "deals/doubt-on.md",
            doubtful(
                "CANARY-DOUBT-LOWERON",
                "private: on",
                "100001",
                "proposal",
                "2026-12-01",
            ),
        ),
        (
            "deals/doubt-upper.md",
            doubtful(
                "CANARY-DOUBT-UPPER",
                "private: ON",
                "200001",
                "demo",
                "2026-12-02",
            ),
        ),
        (
            "deals/doubt-one.md",
            doubtful(
                "CANARY-DOUBT-ONE",
                "private: 1",
                "300001",
                "negotiation",
                "2026-12-03",
            ),
        ),
        (
            "deals/doubt-list.md",
            doubtful(
                "CANARY-DOUBT-LIST",
                "private: [true]",
                "400001",
                "closed_won",
                "2026-11-15",
            ),
        ),
        (
            "deals/doubt-yes.md",
            doubtful(
                "CANARY-DOUBT-YES",
                "private: yes",
                "500001",
                "demo",
                "2027-03-01",
            ),
        ),
        (
            "deals/doubt-empty.md",
            doubtful(
                "CANARY-DOUBT-EMPTY",
                "private:",
                "600001",
                "discovery",
                "2026-12-04",
            ),
        ),
        (
            "deals/doubt-keycase.md",
            doubtful(
                "CANARY-DOUBT-KEYCASE",
                "Private: true",
                "700001",
                "proposal",
                "2026-12-05",
            ),
        ),
    ]
}

/// The vault and the home folder its git (and dealbook's) runs with.
struct Book {
    vault: TestVault,
    home: TempDir,
}

impl Book {
    /// A vault not in git, with `config` and the [`DUMP`] template the rows render.
    fn new(config: &str) -> Book {
        Book {
            vault: TestVault::new()
                .config(config)
                .file("templates/dump.md", DUMP),
            home: tempfile::tempdir().expect("a temp folder"),
        }
    }

    fn write(&self, path: &str, text: &str) {
        let full = self.vault.join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        std::fs::write(full, text).expect("write a vault file");
    }

    /// Git isolated from the machine: no system or user config, no repository above the
    /// vault.
    fn isolate(&self, cmd: &mut Command) {
        for name in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_CONFIG",
            "GIT_CONFIG_GLOBAL",
            "GIT_CONFIG_COUNT",
            "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_DATE",
            "XDG_CONFIG_HOME",
            "DEALBOOK_VAULT",
            "DEALBOOK_TODAY",
        ] {
            cmd.env_remove(name);
        }
        let above = self
            .vault
            .path()
            .parent()
            .expect("the temp folder's parent");
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.home.path())
            .env("GIT_CEILING_DIRECTORIES", above);
    }

    fn git(&self, args: &[&str]) {
        let mut cmd = Command::new("git");
        self.isolate(&mut cmd);
        let output = cmd
            .current_dir(self.vault.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Commits everything at noon UTC on `date`, as author and committer.
    fn commit(&self, date: &str) {
        self.git(&["add", "-A"]);
        let when = format!("{date}T12:00:00 +0000");
        let mut cmd = Command::new("git");
        self.isolate(&mut cmd);
        let output = cmd
            .current_dir(self.vault.path())
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .args(["-c", "user.name=t", "-c", "user.email=t@t"])
            .args(["-c", "commit.gpgsign=false", "commit", "-q", "-m", date])
            .output()
            .expect("git commit runs");
        assert!(
            output.status.success(),
            "git commit: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `dealbook --vault <vault> --as-of 2026-11-23 ARGS...`, git isolated as above (which
    /// `TestVault::cmd` does not do: it needs no git).
    fn run(&self, args: &[&str]) -> Assert {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dealbook"));
        self.isolate(&mut cmd);
        cmd.current_dir(self.home.path())
            .arg("--vault")
            .arg(self.vault.path())
            .args(["--as-of", AS_OF])
            .args(args);
        assert_cmd::Command::from_std(cmd).assert()
    }

    /// A command's JSON output; it must succeed.
    fn json(&self, args: &[&str]) -> Value {
        common::json(&self.run(args).reported())
    }

    /// A file the command wrote (`-o`, or an output of `build`), "" if there is none.
    fn read(&self, path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }
}

/// The canary vault, in a git repository of three commits:
///
/// - 2026-10-01: every record; `flip` private (as `deals/canary-flip-oldname.md`), `nowpriv`
///   and `midpriv` public, `canary-gone-id` private;
/// - 2026-11-02 (only private changes): `flip` still private, pushed from Dec 1 to Dec 18;
///   `midpriv` private; `canary-gone-id` deleted;
/// - 2026-11-20: `flip` public (renamed to `deals/flip.md`, new title and amount), `midpriv`
///   public again, `nowpriv` private.
///
/// As of 2026-11-23 with no review tag, "since the last review" is 2026-11-16: `flip` was
/// private then and is public now.
fn book() -> Book {
    let book = Book::new(CONFIG);
    book.git(&["init", "-q", "."]);
    for (path, text) in stable_records() {
        book.write(path, &text);
    }
    book.write("deals/canary-flip-oldname.md", &flip(1));
    book.write("deals/nowpriv.md", &now_private(1));
    book.write("deals/midpriv.md", &mid_private(1));
    book.write(
        "deals/canary-gone-id.md",
        &record(
            &[
                "title: CANARY-GONE-TITLE",
                "amount: 4444441",
                "stage: demo",
                "close_date: 2026-12-09",
                "private: true",
            ],
            "",
        ),
    );
    book.commit("2026-10-01");
    book.write("deals/canary-flip-oldname.md", &flip(2));
    book.write("deals/midpriv.md", &mid_private(2));
    std::fs::remove_file(book.vault.join("deals/canary-gone-id.md")).expect("rm");
    book.commit("2026-11-02");
    std::fs::remove_file(book.vault.join("deals/canary-flip-oldname.md")).expect("rm");
    book.write("deals/flip.md", &flip(3));
    book.write("deals/nowpriv.md", &now_private(3));
    book.write("deals/midpriv.md", &mid_private(3));
    book.commit("2026-11-20");
    book
}

/// What a run showed: stdout, stderr and the file it wrote, with a label for messages.
struct Seen {
    label: String,
    text: String,
}

/// Runs one row for one audience; `-o` writes into the book's home folder.
fn run_row(book: &Book, row: &Row, audience: &str, n: usize) -> Seen {
    let out: PathBuf = book.home.path().join(format!("out-{n}-{audience}"));
    let out_text = out.to_string_lossy().into_owned();
    let mut args: Vec<&str> = row
        .command
        .split_whitespace()
        .map(|a| if a == OUT { out_text.as_str() } else { a })
        .collect();
    args.extend(["--audience", audience]);
    let label = format!("dealbook {}", args.join(" ").replace(&out_text, "FILE"));
    let assert = book.run(&args);
    let output = assert.get_output();
    // 1 says the output left something out (a file that could not be read, a deal not
    // counted); it is still written.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{label} failed: {}",
        common::stderr(&assert)
    );
    let stdout = common::stdout(&assert);
    let written = book.read(&out);
    if row.command.contains(OUT) {
        assert!(out.is_file(), "{label} wrote no -o file");
        assert!(stdout.is_empty(), "{label} wrote to a file and to stdout");
    }
    Seen {
        label,
        text: format!("{stdout}\n{}\n{written}", common::stderr(&assert)),
    }
}

/// Each row's label with the canaries its output held, for rows that held any.
fn leaks(seen: &[Seen]) -> Vec<(String, Vec<&'static str>)> {
    leaks_of(seen, CANARIES)
}

fn leaks_of(seen: &[Seen], canaries: &[&'static str]) -> Vec<(String, Vec<&'static str>)> {
    seen.iter()
        .map(|s| (s.label.clone(), found_in(&s.text, canaries)))
        .filter(|(_, found)| !found.is_empty())
        .collect()
}

/// What of `canaries` every row shows the manager, on any vault that has the rows' deals.
fn manager_leaks(book: &Book, canaries: &[&'static str]) -> Vec<(String, Vec<&'static str>)> {
    leaks_of(&run_all(book, "manager"), canaries)
}

fn run_all(book: &Book, audience: &str) -> Vec<Seen> {
    ROWS.iter()
        .enumerate()
        .map(|(n, row)| run_row(book, row, audience, n))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The manager sees no canary; the rep sees them all

#[test]
fn no_command_shows_the_manager_a_canary() {
    let book = book();
    let found = leaks(&run_all(&book, "manager"));
    assert!(found.is_empty(), "leaked to the manager: {found:#?}");
}

#[test]
fn the_reps_own_outputs_show_the_canaries() {
    let book = book();
    let seen = run_all(&book, "me");
    let mut missing = Vec::new();
    for (row, seen) in ROWS.iter().zip(&seen) {
        let found = canaries_in(&seen.text);
        for wanted in row.mine {
            assert!(CANARIES.contains(wanted), "{wanted} is not a canary");
            if !seen.text.to_lowercase().contains(&wanted.to_lowercase()) {
                missing.push((seen.label.clone(), *wanted));
            }
        }
        assert!(!found.is_empty(), "{} shows the rep no canary", seen.label);
    }
    assert!(missing.is_empty(), "the rep does not see: {missing:#?}");
    // Every canary is somewhere the rep can see it, so that its absence for the manager means
    // something.
    let all: String = seen.iter().map(|s| s.text.as_str()).collect();
    let found = canaries_in(&all);
    let unseen: Vec<&str> = CANARIES
        .iter()
        .copied()
        .filter(|c| !found.contains(c) && !UNREACHABLE_FOR_ME.contains(c))
        .collect();
    assert!(unseen.is_empty(), "no output shows the rep {unseen:?}");
    let seen_anyway: Vec<&str> = UNREACHABLE_FOR_ME
        .iter()
        .copied()
        .filter(|c| found.contains(c))
        .collect();
    assert!(
        seen_anyway.is_empty(),
        "{seen_anyway:?} are reachable now: take them off UNREACHABLE_FOR_ME"
    );
}

/// `show` on a public deal, contact and account with private parts: the manager sees none of
/// them, the rep all.
#[test]
fn show_shows_the_manager_no_private_part_of_a_public_record() {
    let book = book();
    let seen: Vec<Seen> = SHOW_ROWS
        .iter()
        .enumerate()
        .map(|(n, row)| run_row(&book, row, "manager", n))
        .collect();
    let found = leaks(&seen);
    assert!(found.is_empty(), "leaked to the manager: {found:#?}");
    let mut missing = Vec::new();
    for (n, row) in SHOW_ROWS.iter().enumerate() {
        let mine = run_row(&book, row, "me", n).text.to_lowercase();
        for wanted in row.mine {
            assert!(CANARIES.contains(wanted), "{wanted} is not a canary");
            if !mine.contains(&wanted.to_lowercase()) {
                missing.push((row.command, *wanted));
            }
        }
    }
    assert!(missing.is_empty(), "the rep does not see: {missing:#?}");
}

/// `show` names a private record to the manager only as the name they typed: not found, with
/// nothing of the record in what it says. The rep finds each.
#[test]
fn show_finds_no_private_record_for_the_manager() {
    let book = book();
    for name in [
        "canary-privdeal-id",
        "deals/canary-privdeal-id.md",
        "CANARY-PRIVDEAL-TITLE",
        "canary-privcontact-id",
        "Canary Privcontact Name",
        "canary-privaccount-id",
        "Canary Privaccount Name",
    ] {
        for format in ["text", "json"] {
            let args = ["show", name, "--format", format, "--audience", "manager"];
            let assert = book.run(&args).code(2);
            assert!(common::stdout(&assert).is_empty(), "{args:?}");
            assert_eq!(
                common::stderr(&assert),
                format!("error: no record has the id, path or title \"{name}\"\n"),
                "{args:?}"
            );
        }
        book.run(&["show", name]).success();
    }
}

// ---------------------------------------------------------------------------------------------
// The numbers

/// A pipeline report's numbers, worked out by hand from the table on [`stable_records`].
struct Numbers {
    closed_won: f64,
    commit: f64,
    best_case: f64,
    pipeline: f64,
    gap_to_quota: f64,
    coverage: f64,
    open_count: u64,
    open_amount: f64,
    open_weighted: f64,
    won_count: u64,
    lost_count: u64,
    average_won: f64,
    excluded: &'static [&'static str],
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

fn assert_near(what: &str, found: &Value, wanted: f64) {
    let found = number(found);
    assert!(
        (found - wanted).abs() < 0.005,
        "{what}: {found}, by hand {wanted}"
    );
}

fn assert_numbers(label: &str, report: &Value, n: &Numbers) {
    let near = |key: &str, value: &Value, wanted: f64| {
        assert_near(&format!("{label} {key}"), value, wanted)
    };
    near("closed_won", &report["closed_won"], n.closed_won);
    near("commit", &report["commit"], n.commit);
    near("best_case", &report["best_case"], n.best_case);
    near("pipeline", &report["pipeline"], n.pipeline);
    near("quota", &report["quota"], 500_000.0);
    near("gap_to_quota", &report["gap_to_quota"], n.gap_to_quota);
    near("coverage", &report["coverage"], n.coverage);
    assert_eq!(report["open"]["count"], n.open_count, "{label} open.count");
    near("open.amount", &report["open"]["amount"], n.open_amount);
    near(
        "open.weighted",
        &report["open"]["weighted"],
        n.open_weighted,
    );
    let conversion = &report["conversion"];
    assert_eq!(conversion["won_count"], n.won_count, "{label} won_count");
    assert_eq!(conversion["lost_count"], n.lost_count, "{label} lost_count");
    near("average_won", &conversion["average_won"], n.average_won);
    let without_rate: Vec<&str> = report["not_counted"]["items"]
        .as_array()
        .expect("not_counted.items")
        .iter()
        .filter(|item| item["reason"] == "no_rate")
        .map(|item| item["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(without_rate, n.excluded, "{label}");
}

/// What the manager's numbers are: the private deals are in none of them.
const MANAGERS: Numbers = Numbers {
    // won-public.
    closed_won: 30_000.0,
    // linked.
    commit: 50_000.0,
    // sectioned (fields-deal closes next quarter).
    best_case: 40_000.0,
    // heading-lower 20000 + heading-setext 5000 + flip 12000.
    pipeline: 37_000.0,
    // 500000 - 30000.
    gap_to_quota: 470_000.0,
    // (50000 + 40000 + 37000) / 470000 = 0.2702…
    coverage: 0.27,
    // linked, sectioned, the four heading deals, fields-deal, flip, midpriv.
    open_count: 9,
    // 50000 + 40000 + 20000 + 10000 + 5000 + 15000 + 25000 + 12000 + 22000.
    open_amount: 199_000.0,
    // 40000 + 24000 + 8000 + 2000 + 500 + 6000 + 15000 + 4800 + 8800.
    open_weighted: 109_100.0,
    // won-public; lost-public.
    won_count: 1,
    lost_count: 1,
    average_won: 30_000.0,
    excluded: &[],
};

/// What the rep's numbers are: the manager's plus every private deal.
const REPS: Numbers = Numbers {
    // 30000 + doubt-list 400001.
    closed_won: 430_001.0,
    // 50000 + canary-privdeal-id 7777771 + doubt-one 300001 + nowpriv 900001.
    commit: 9_027_773.0,
    // 40000 + doubt-on 100001 + doubt-keycase 700001.
    best_case: 840_002.0,
    // 37000 + doubt-upper 200001 + doubt-empty 600001.
    pipeline: 837_002.0,
    // 500000 - 430001.
    gap_to_quota: 69_999.0,
    // (9027773 + 840002 + 837002) / 69999 = 152.9275…
    coverage: 152.93,
    // 9 + canary-privdeal-id, the six open doubt-* deals, nowpriv (not canary-privfx-id,
    // which has no exchange rate).
    open_count: 17,
    // 199000 + 7777771 + 100001 + 200001 + 300001 + 500001 + 600001 + 700001 + 900001.
    open_amount: 11_276_778.0,
    // 109100 + 6222216.8 + 60000.6 + 80000.4 + 240000.8 + 200000.4 + 120000.2 + 420000.6
    // + 720000.8.
    open_weighted: 8_171_320.6,
    won_count: 2,
    lost_count: 1,
    // (30000 + 400001) / 2.
    average_won: 215_000.5,
    excluded: &["canary-privfx-id"],
};

#[test]
fn the_managers_totals_count_no_private_deal() {
    let book = book();
    for format in [
        ["pipeline", "--format", "json"],
        ["prep", "--format", "json"],
    ] {
        let args = [&format[..], &["--audience", "manager"]].concat();
        assert_numbers(&args.join(" "), &book.json(&args), &MANAGERS);
    }
    let whatif = book.json(&[
        "whatif",
        "--win",
        PUBLIC,
        "--format",
        "json",
        "--audience",
        "manager",
    ]);
    assert_numbers("whatif baseline", &whatif["baseline"], &MANAGERS);
}

#[test]
fn the_rep_totals_count_every_deal() {
    let book = book();
    for format in [
        ["pipeline", "--format", "json"],
        ["prep", "--format", "json"],
    ] {
        let args = [&format[..], &["--audience", "me"]].concat();
        assert_numbers(&args.join(" "), &book.json(&args), &REPS);
    }
    // And without the flag: `me` is the default.
    assert_numbers(
        "pipeline",
        &book.json(&["pipeline", "--format", "json"]),
        &REPS,
    );
}

/// The waterfall's `end` is what the scoreboard counts (commit + best case + pipeline of the
/// deals closing in the period), for the manager even though `flip` was private at the last
/// review, and its terms add up from `start` to `end`.
#[test]
fn the_waterfall_ends_where_the_scoreboard_is() {
    let book = book();
    // Since the default (a week ago: 2026-11-16) and since before the private commit.
    let cases = [
        ("manager", &MANAGERS, "2026-11-16"),
        ("me", &REPS, "2026-11-16"),
        ("manager", &MANAGERS, "2026-10-15"),
        ("me", &REPS, "2026-10-15"),
    ];
    for (audience, numbers, since) in cases {
        let args = ["prep", "--format", "json", "--since", since];
        let prep = book.json(&[&args[..], &["--audience", audience]].concat());
        let w = &prep["history"]["waterfall"];
        let scoreboard = numbers.commit + numbers.best_case + numbers.pipeline;
        assert_near(&format!("{audience} {since} end"), &w["end"], scoreboard);
        let term = |name: &str| number(&w[name]["total"]);
        let walked = number(&w["start"]) + term("new") + term("pulled_in") + term("amount_up")
            - term("amount_down")
            - term("pushed_out")
            - term("won")
            - term("lost");
        assert!(
            (walked - scoreboard).abs() < 0.005,
            "{audience} since {since}: the terms walk to {walked}, not {scoreboard}: {w:#}"
        );
    }
    // For the manager, `flip` did not exist at the last review: it is new, at its public
    // amount, and the start holds nothing of its private past.
    let prep = book.json(&["prep", "--format", "json", "--audience", "manager"]);
    let w = &prep["history"]["waterfall"];
    assert_eq!(
        w["new"]["deals"],
        serde_json::json!([{ "id": "flip", "title": "Flip public deal", "amount": 12000 }])
    );
    // linked, sectioned, heading-lower and heading-setext, unchanged since the first commit.
    assert_near("manager waterfall start", &w["start"], 115_000.0);
    // For the rep, `flip` went down from its private amount.
    let prep = book.json(&["prep", "--format", "json", "--audience", "me"]);
    let down = &prep["history"]["waterfall"]["amount_down"]["deals"];
    assert_eq!(down[0]["id"], "flip", "{down:#}");
    assert_near(
        "rep's flip amount down",
        &down[0]["amount"],
        3_333_331.0 - 12_000.0,
    );
}

/// The other numbers and lists the reports work out, each from the manager's copy only: the
/// stage table, pipeline added, last activity (a private log entry is newer), the asks and
/// who does what by when.
#[test]
fn what_the_reports_work_out_uses_no_private_part() {
    let book = book();
    let theirs = book.json(&["prep", "--format", "json", "--audience", "manager"]);
    let mine = book.json(&["prep", "--format", "json", "--audience", "me"]);
    let stage = |report: &Value, id: &str| -> Value {
        let stages = report["by_stage"].as_array().expect("by_stage");
        stages
            .iter()
            .find(|s| s["stage"] == id)
            .expect("a stage")
            .clone()
    };
    // linked; for the rep also canary-privdeal-id, doubt-one and nowpriv.
    let negotiation = stage(&theirs, "negotiation");
    assert_eq!(negotiation["count"], 1);
    assert_near("manager negotiation", &negotiation["amount"], 50_000.0);
    let negotiation = stage(&mine, "negotiation");
    assert_eq!(negotiation["count"], 4);
    assert_near("rep negotiation", &negotiation["amount"], 9_027_773.0);
    // Only canary-privdeal-id was created since the last review.
    assert_eq!(theirs["added"]["totals"]["count"], 0);
    assert_near("manager added", &theirs["added"]["totals"]["amount"], 0.0);
    assert_near("rep added", &mine["added"]["totals"]["amount"], 7_777_771.0);
    for (id, public, private) in [
        ("sectioned", "2026-11-21", "2026-11-22"),
        ("heading-h1", "2026-11-17", "2026-11-22"),
    ] {
        assert_eq!(deal_in(&theirs, id)["last_activity"], public, "{id}");
        assert_eq!(deal_in(&mine, id)["last_activity"], private, "{id}");
    }
    let asks = |report: &Value| -> Vec<String> {
        let asks = report["asks"].as_array().expect("asks");
        asks.iter()
            .map(|a| a["deal"]["id"].as_str().expect("an id").to_string())
            .collect()
    };
    assert_eq!(asks(&theirs), ["sectioned"]);
    assert_eq!(
        asks(&mine),
        ["canary-privdeal-id", "sectioned", "heading-colon"]
    );
    let scheduled = |report: &Value| {
        let reviews = report["reviews"].as_array().expect("reviews");
        let review = reviews.iter().find(|r| r["deal"]["id"] == "sectioned");
        review.expect("a review")["who_what_when"]
            .as_array()
            .expect("who_what_when")
            .len()
    };
    // The public task and ask; for the rep also the nested task and the section's two.
    assert_eq!(scheduled(&theirs), 2);
    assert_eq!(scheduled(&mine), 5);
}

// ---------------------------------------------------------------------------------------------
// History

/// The deal with this id in a report's `deals`.
fn deal_in<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["deals"]
        .as_array()
        .expect("deals")
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no deal {id}"))
}

/// The `(deal, date, kind)` of each event of `history --format json`.
fn events(book: &Book, audience: &str) -> Vec<(String, String, String)> {
    let events = book.json(&["history", "--format", "json", "--audience", audience]);
    let text = |v: &Value| v.as_str().expect("text").to_string();
    events
        .as_array()
        .expect("an array of events")
        .iter()
        .map(|e| (text(&e["deal"]), text(&e["date"]), text(&e["kind"])))
        .collect()
}

/// What happened to a deal while it was private does not count in the manager's trends: the
/// push and the stage moves of `flip` and `midpriv` are the rep's alone.
#[test]
fn trends_leave_out_what_happened_while_private() {
    let book = book();
    let manager = book.json(&["pipeline", "--format", "json", "--audience", "manager"]);
    let mine = book.json(&["pipeline", "--format", "json", "--audience", "me"]);
    for (id, pushes, regressions) in [("flip", 1, 0), ("midpriv", 1, 1)] {
        let (theirs, ours) = (deal_in(&manager, id), deal_in(&mine, id));
        assert_eq!(theirs["push_count"], 0, "{id}: {theirs:#}");
        assert_eq!(theirs["stage_regressions"], 0, "{id}");
        assert!(
            !theirs["flags"]
                .as_array()
                .expect("flags")
                .contains(&"pushed".into()),
            "{id}: {theirs:#}"
        );
        assert_eq!(ours["push_count"], pushes, "{id}: {ours:#}");
        assert_eq!(ours["stage_regressions"], regressions, "{id}");
        assert!(ours["flags"]
            .as_array()
            .expect("flags")
            .contains(&"pushed".into()));
    }
    // The amount at the last review was a private one: the manager gets no change since.
    assert_eq!(
        deal_in(&manager, "flip")["amount_change_since"],
        Value::Null
    );
    assert_near(
        "rep's flip amount change",
        &deal_in(&mine, "flip")["amount_change_since"],
        12_000.0 - 3_333_331.0,
    );
    // The manager's flip entered its stage when it became public.
    assert_eq!(deal_in(&manager, "flip")["days_in_stage"], 3);
}

/// The manager's history has the public deals only, and nothing from the commit of
/// 2026-11-02, which changed private versions only.
#[test]
fn the_managers_history_has_no_event_of_a_private_version() {
    let book = book();
    let theirs = events(&book, "manager");
    let mut deals: Vec<&str> = theirs.iter().map(|(deal, ..)| deal.as_str()).collect();
    deals.sort_unstable();
    deals.dedup();
    assert_eq!(
        deals,
        [
            "fields-deal",
            "flip",
            "heading-colon",
            "heading-h1",
            "heading-lower",
            "heading-setext",
            "linked",
            "lost-public",
            "midpriv",
            "sectioned",
            "won-public"
        ]
    );
    assert!(
        theirs.iter().all(|(_, date, _)| date != "2026-11-02"),
        "{theirs:#?}"
    );
    // flip: one event, when it became public.
    let flip: Vec<_> = theirs.iter().filter(|(d, ..)| d == "flip").collect();
    assert_eq!(
        flip,
        [&("flip".into(), "2026-11-20".into(), "created".into())]
    );
    // The rep's has it all, the private commit included.
    let ours = events(&book, "me");
    assert!(ours
        .iter()
        .any(|(d, date, kind)| d == "flip" && date == "2026-11-02" && kind == "close_date_pushed"));
    assert!(ours.iter().any(|(d, ..)| d == "canary-gone-id"));
    assert!(ours.iter().any(|(d, ..)| d == "nowpriv"));
}

/// A deal public, private for a while, and public again: to the manager it was there all
/// along (`History` documents a hidden version as one where "no event says it went or came
/// back"), not created a second time on the day it came back.
#[test]
fn a_deal_private_for_a_while_is_created_once() {
    let book = book();
    let midpriv: Vec<_> = events(&book, "manager")
        .into_iter()
        .filter(|(d, ..)| d == "midpriv")
        .collect();
    assert_eq!(
        midpriv,
        [("midpriv".into(), "2026-10-01".into(), "created".into())]
    );
}

/// An edit not yet committed that makes a deal private hides it, and its whole history, at
/// once.
#[test]
fn an_uncommitted_private_edit_hides_the_deal_and_its_history() {
    let book = book();
    book.write(
        "deals/heading-lower.md",
        &record(
            &[
                "title: CANARY-UNCOMMITTED-TITLE",
                "amount: 20000",
                "stage: demo",
                "close_date: 2026-12-05",
                "private: true",
            ],
            "",
        ),
    );
    for command in [
        "history --format json",
        "history --format text",
        "prep --format json",
        "prep --format md",
        "pipeline --format html",
    ] {
        let seen = run_row(&book, &row(command, &[]), "manager", 0);
        for hidden in [
            "canary-uncommitted-title",
            "heading-lower",
            "lowercase heading deal",
        ] {
            assert!(
                !seen.text.to_lowercase().contains(hidden),
                "{} shows {hidden}:\n{}",
                seen.label,
                seen.text
            );
        }
        // The rep's text and JSON show the id, the Markdown and HTML the title.
        let mine = run_row(&book, &row(command, &[]), "me", 0)
            .text
            .to_lowercase();
        assert!(mine.contains("heading-lower") || mine.contains("canary-uncommitted-title"));
    }
    // Its 20000 left the manager's pipeline, and the waterfall still ends at the scoreboard.
    let prep = book.json(&["prep", "--format", "json", "--audience", "manager"]);
    assert_near("pipeline", &prep["pipeline"], 17_000.0);
    assert_near(
        "waterfall end",
        &prep["history"]["waterfall"]["end"],
        50_000.0 + 40_000.0 + 17_000.0,
    );
}

// ---------------------------------------------------------------------------------------------
// build and watch: the manager's outputs

/// The manager's outputs in the vault, each of which must exist and hold no canary.
fn assert_manager_outputs_clean(book: &Book, extra: &[&str]) {
    for output in MANAGER_OUTPUTS {
        let text = book.read(&book.vault.join(output));
        assert!(!text.is_empty(), "{output} was not written");
        let found = canaries_in(&text);
        assert!(found.is_empty(), "{output} holds {found:?}");
        for canary in extra {
            assert!(!text.contains(canary), "{output} holds {canary}");
        }
    }
}

#[test]
fn build_writes_nothing_private_into_the_managers_outputs() {
    let book = book();
    book.run(&["build"]).reported();
    assert_manager_outputs_clean(&book, &[]);
    // The rep's own output, built by the same run, does show them.
    let mine = book.read(&book.vault.join("reports/mine.md"));
    assert!(mine.contains("CANARY-PRIVDEAL-TITLE"), "{mine}");
}

/// A running `dealbook watch`, killed (by its own id) when dropped, its stderr collected.
struct Watching {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watching {
    fn start(book: &Book) -> Watching {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dealbook"));
        book.isolate(&mut cmd);
        let mut child = cmd
            .current_dir(book.vault.path())
            .arg("--vault")
            .arg(book.vault.path())
            .args(["--as-of", AS_OF, "watch"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dealbook watch");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().expect("the log").push(line);
            }
        });
        let watching = Watching { child, log };
        watching.until("the first build", || {
            let log = watching.log.lock().expect("the log");
            log.iter().any(|l| l.starts_with("watching ")).then_some(())
        });
        watching
    }

    /// Polls every 20 ms for 10 s at most.
    fn until<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(found) = probe() {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; stderr:\n{}",
                self.log.lock().expect("the log").join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn watch_keeps_the_managers_outputs_free_of_private_things() {
    let book = book();
    let watching = Watching::start(&book);
    assert_manager_outputs_clean(&book, &[]);

    // A private deal edited, and a public one given a new private section (and a new amount,
    // so we can tell when the manager's outputs have been rebuilt).
    let privdeal = book.vault.join("deals/canary-privdeal-id.md");
    let text = std::fs::read_to_string(&privdeal).expect("read");
    book.write(
        "deals/canary-privdeal-id.md",
        &text.replace("CANARY-PRIVDEAL-TITLE", "CANARY-WATCH-PRIVEDIT"),
    );
    let linked = std::fs::read_to_string(book.vault.join("deals/linked.md")).expect("read");
    book.write(
        "deals/linked.md",
        &(linked.replace("amount: 50000", "amount: 51000")
            + "\n## Private\nCANARY-WATCH-SECTION\n- [ ] @manager CANARY-WATCH-ASK due:2026-11-25\n"),
    );
    // Every output of the rebuild, the last one written included, has the new amount.
    watching.until("the rebuilt outputs", || {
        let rebuilt = MANAGER_OUTPUTS.iter().all(|output| {
            let text = book.read(&book.vault.join(output));
            text.contains("51,000") || text.contains("51000")
        });
        let mine = book.read(&book.vault.join("reports/mine.md"));
        (rebuilt && mine.contains("CANARY-WATCH-PRIVEDIT")).then_some(())
    });
    assert_manager_outputs_clean(
        &book,
        &[
            "CANARY-WATCH-PRIVEDIT",
            "CANARY-WATCH-SECTION",
            "CANARY-WATCH-ASK",
        ],
    );
    let mine = book.read(&book.vault.join("reports/mine.md"));
    assert!(mine.contains("CANARY-WATCH-ASK"), "{mine}");
}

// ---------------------------------------------------------------------------------------------
// Other vaults

/// `private_fields` may name a field by the vault's own name for it: with `close_date` mapped
/// to `expected_close_date` and the latter private, the manager knows no deal's close date
/// (the field is one field under either name, so a deal writing `close_date` loses it too),
/// and so counts none of them in the period.
#[test]
fn a_private_field_named_as_the_vault_names_it_is_hidden() {
    let book = Book::new(
        "quota: { 2026-Q4: 100000 }\n\
         fields: { close_date: expected_close_date }\n\
         private_fields: [expected_close_date]\n",
    );
    book.write(
        &format!("deals/{PUBLIC}.md"),
        &record(
            &[
                "title: Mapped deal",
                "amount: 40000",
                "stage: negotiation",
                "expected_close_date: 2026-12-29",
            ],
            "## Log\n- 2026-11-20: A call.\n",
        ),
    );
    book.write(
        &format!("deals/{CHANGED}.md"),
        &record(
            &[
                "title: Direct deal",
                "amount: 10000",
                "stage: demo",
                "close_date: 2026-12-28",
            ],
            "## Log\n- 2026-11-20: A call.\n",
        ),
    );
    let found = manager_leaks(&book, &["2026-12-29", "2026-12-28", "expected_close_date"]);
    assert!(found.is_empty(), "the manager sees close dates: {found:#?}");
    let theirs = book.json(&["pipeline", "--format", "json", "--audience", "manager"]);
    let mine = book.json(&["pipeline", "--format", "json", "--audience", "me"]);
    for (key, manager, me) in [
        ("commit", 0.0, 40_000.0),
        ("pipeline", 0.0, 10_000.0),
        ("gap_to_quota", 100_000.0, 100_000.0),
    ] {
        assert_near(&format!("manager {key}"), &theirs[key], manager);
        assert_near(&format!("rep {key}"), &mine[key], me);
    }
    assert_eq!(theirs["open"]["count"], 2);
    assert_eq!(deal_in(&theirs, PUBLIC)["close_date"], Value::Null);
    assert_eq!(deal_in(&mine, PUBLIC)["close_date"], "2026-12-29");
    assert_eq!(deal_in(&mine, CHANGED)["close_date"], "2026-12-28");
}

/// A private file's problems are the rep's to fix: printed on stderr, they would name the
/// private deal (its path) and quote its content to whoever reads the manager's report run.
/// `Index::build(.., Audience::Manager)` leaves them out of the manager's index; the report
/// commands print the rep's index's errors whatever the audience (`load_reporting` in
/// src/cli/report.rs).
#[test]
fn a_private_files_problems_are_not_printed_for_the_manager() {
    let found = manager_leaks(&private_problems(), PROBLEM_CANARIES);
    assert!(found.is_empty(), "leaked to the manager: {found:#?}");
}

/// What [`private_problems`] plants: the private deals' file names and a bad value.
const PROBLEM_CANARIES: &[&str] = &[
    "canary-errdeal-id",
    "CANARY-ERR-VALUE",
    "canary-broken-id",
    "CANARY-BROKEN-TITLE",
];

/// A vault with a private deal that has a wrong-typed value, and one whose YAML is broken
/// (so it is not known to be private, and not read at all).
fn private_problems() -> Book {
    let book = Book::new("");
    book.write(
        &format!("deals/{PUBLIC}.md"),
        &record(
            &[
                "title: Public deal",
                "amount: 1000",
                "stage: demo",
                "close_date: 2026-12-01",
            ],
            "",
        ),
    );
    book.write(
        &format!("deals/{CHANGED}.md"),
        &record(&["title: Another public deal", "stage: demo"], ""),
    );
    book.write(
        "deals/canary-errdeal-id.md",
        &record(
            &[
                "title: Private deal with a bad value",
                "amount: 2000",
                "stage: demo",
                "close_date: 2026-12-01",
                "probability: CANARY-ERR-VALUE",
                "private: true",
            ],
            "",
        ),
    );
    book.write(
        "deals/canary-broken-id.md",
        &record(
            &[
                "title: \"CANARY-BROKEN-TITLE",
                "stage: demo",
                "private: true",
            ],
            "",
        ),
    );
    book
}

/// The rep still sees both problems, where they look for them.
#[test]
fn a_private_files_problems_are_the_reps_to_see() {
    let book = private_problems();
    let check = book.run(&["check"]);
    let text = common::stdout(&check) + &common::stderr(&check);
    assert_eq!(found_in(&text, PROBLEM_CANARIES).len(), 3, "{text}");
    let prep = book.run(&["prep"]).reported();
    assert!(common::stderr(&prep).contains("CANARY-ERR-VALUE"));
}

/// Asking about a private deal by id is, for the manager, asking about no deal at all: the
/// answer must not tell the two apart. `whatif` does not; `history ID` looks the id up among
/// the rep's records (`Vault::find`), so a private deal's id or title gives an empty history
/// (exit 0) where an unknown one gives an error (exit 2).
#[test]
fn whatif_on_a_private_deal_is_whatif_on_no_deal() {
    let book = book();
    let answer = |id: &str| {
        let run = book.run(&["whatif", "--win", id, "--audience", "manager"]);
        let code = run.get_output().status.code();
        (code, common::stderr(&run).replace(id, "ID"))
    };
    let (code, message) = answer("canary-privdeal-id");
    assert_eq!(code, Some(2));
    assert_eq!((code, message), answer("no-such-deal"));
}

#[test]
fn history_of_a_private_deal_is_history_of_no_deal() {
    let book = book();
    let answer = |id: &str| {
        let run = book.run(&["history", id, "--audience", "manager"]);
        let code = run.get_output().status.code();
        (
            code,
            common::stdout(&run).replace(id, "ID"),
            common::stderr(&run).replace(id, "ID"),
        )
    };
    let unknown = answer("no-such-deal");
    assert_eq!(unknown.0, Some(2), "{unknown:?}");
    assert_eq!(answer("canary-privdeal-id"), unknown);
    assert_eq!(answer("CANARY-PRIVDEAL-TITLE"), unknown);
}

/// A vault of the two deals the rows name, `linked` with `front` lines added and `body`.
fn two_deals(config: &str, front: &[&str], body: &str) -> Book {
    let book = Book::new(config);
    let mut lines = vec!["title: Public deal", "amount: 1000", "stage: demo"];
    lines.extend_from_slice(front);
    book.write(&format!("deals/{PUBLIC}.md"), &record(&lines, body));
    book.write(
        &format!("deals/{CHANGED}.md"),
        &record(&["title: Another public deal", "stage: demo"], ""),
    );
    book
}

/// `## PRIVATE:` hides its section; so should `## Private :`, as French typography and some
/// keyboards write a colon (`is_heading` in src/parse/body.rs trims spaces, then colons, but
/// not the space before the colon).
#[test]
fn a_private_heading_with_a_spaced_colon_hides_its_section() {
    let body =
        "Public.\n\n## Private :\nCANARY-SPACED-COLON\n- [ ] CANARY-SPACED-TASK due:2026-11-25\n";
    let book = two_deals("", &[], body);
    let found = manager_leaks(&book, &["CANARY-SPACED-COLON", "CANARY-SPACED-TASK"]);
    assert!(found.is_empty(), "leaked to the manager: {found:#?}");
}

/// Privacy fails closed for the `private` key, whatever its case (`Private: true` hides the
/// record); a private field written in another case than `private_fields` lists it is shown
/// to the manager (`Config::is_private_field` compares names exactly). `Next_Step` at least
/// gets an unknown_key warning from `check`; the rep's own `Personal_Notes` gets nothing.
#[test]
fn a_private_field_in_another_case_is_hidden() {
    let book = two_deals(
        "private_fields: [personal_notes, next_step]\n",
        &[
            "Personal_Notes: CANARY-CASE-OWN",
            "Next_Step: CANARY-CASE-NATIVE",
        ],
        "",
    );
    let found = manager_leaks(&book, &["CANARY-CASE-OWN", "CANARY-CASE-NATIVE"]);
    assert!(found.is_empty(), "leaked to the manager: {found:#?}");
}

/// Activity notes (meeting and call notes, daily notes) reach the prep sheet: a private note,
/// a note's `## Private` section and a note on a private deal never reach the manager's copy.
#[test]
fn activity_notes_keep_their_privacy() {
    let v = TestVault::new()
        .config("history: false\n")
        .file(
            "deals/acme.md",
            "---\ntitle: Acme\namount: 1000\nstage: demo\nclose_date: 2026-12-15\n---\n",
        )
        .file(
            "deals/secret.md",
            "---\ntitle: Hush\nprivate: true\namount: 1000\nstage: demo\nclose_date: 2026-12-15\n---\n",
        )
        .file(
            "meetings/2026-11-20 call.md",
            "---\nprivate: yes please\n---\nACTIVITY-CANARY-PRIVATE-NOTE about [[acme]]\n",
        )
        .file(
            "meetings/2026-11-21 call.md",
            "## Private\nACTIVITY-CANARY-PRIVATE-SECTION about [[acme]]\n",
        )
        .file("meetings/2026-11-22 call.md", "ACTIVITY-CANARY-HIDDEN-DEAL about [[secret]]\n")
        .file("meetings/2026-11-19 call.md", "ACTIVITY-SHOWN about [[acme]]\n");
    for format in ["md", "html", "json"] {
        let manager = common::stdout(
            &v.cmd(&[
                "prep",
                "--since",
                "2026-11-16",
                "--format",
                format,
                "--audience",
                "manager",
            ])
            .success(),
        );
        assert!(!manager.contains("ACTIVITY-CANARY"), "{format}: {manager}");
        assert!(manager.contains("ACTIVITY-SHOWN"), "{format}: {manager}");
        let mine = common::stdout(
            &v.cmd(&["prep", "--since", "2026-11-16", "--format", format])
                .success(),
        );
        assert!(
            mine.contains("ACTIVITY-CANARY-PRIVATE-NOTE"),
            "the rep's own: {format}"
        );
        assert!(
            mine.contains("ACTIVITY-CANARY-HIDDEN-DEAL"),
            "the rep's own: {format}"
        );
        assert!(
            !mine.contains("ACTIVITY-CANARY-PRIVATE-SECTION"),
            "a private section is never quoted"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// serve: the manager's pages, fragments, JSON and events

/// The pages `dealbook serve` has, besides one per record.
const SERVED_PAGES: &[&str] = &[
    "/",
    "/prep",
    "/board",
    "/deals",
    "/deals?where=amount%3E0&sort=-amount",
    "/deals?where=title~CANARY",
    "/check",
    "/asks",
    "/side-by-side",
];

impl Book {
    /// `dealbook serve` on this book, git isolated as `run` does.
    fn serve(&self) -> common::Served {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dealbook"));
        self.isolate(&mut cmd);
        cmd.current_dir(self.home.path())
            .arg("--vault")
            .arg(self.vault.path())
            .args(["--as-of", AS_OF, "serve", "--port", "0"]);
        common::Served::start(cmd)
    }
}

/// Every page `audience` can ask for, as HTML, as a live fragment and as JSON, and one per
/// record the rep has (a private one must be no page for the manager, named only by the id
/// in its URL); with what each showed.
fn served_pages(book: &Book, served: &common::Served, audience: &str) -> Vec<Seen> {
    let mut paths: Vec<String> = SERVED_PAGES.iter().map(|p| p.to_string()).collect();
    for kind in ["deals", "contacts", "accounts"] {
        let rows = book.json(&["list", kind, "--format", "json", "--audience", "me"]);
        for row in rows.as_array().expect("rows") {
            let id = row["id"].as_str().expect("an id");
            paths.push(format!("/{}/{id}", kind.trim_end_matches('s')));
        }
    }
    let mut seen = Vec::new();
    for path in paths {
        for view in ["", "fragment=1", "format=json"] {
            let mut query = vec![format!("audience={audience}")];
            if !view.is_empty() {
                query.push(view.to_string());
            }
            let joiner = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{joiner}{}", query.join("&"));
            let answer = served.get(&url);
            let mut text = answer.text();
            if answer.status == 404 {
                let (kind, id) = path[1..].split_once('/').expect("a record page");
                assert_eq!(
                    answer.body,
                    format!("no {kind} has the id \"{id}\"\n"),
                    "{url}"
                );
                text = String::new();
            } else {
                assert_eq!(answer.status, 200, "{url}: {}", answer.body);
            }
            seen.push(Seen {
                label: format!("GET {url}"),
                text,
            });
        }
    }
    seen
}

#[test]
fn serve_shows_the_manager_no_canary_in_any_page_fragment_json_or_event() {
    let book = book();
    let served = book.serve();
    let mut events = served.events("?audience=manager");
    let first = events
        .past(None, Duration::from_secs(10))
        .expect("the current version");
    let seen = served_pages(&book, &served, "manager");
    let found = leaks(&seen);
    assert!(found.is_empty(), "served to the manager: {found:#?}");
    // A private deal broken on disk: the manager's banner counts it, names nothing.
    book.write(
        "deals/canary-privdeal-id.md",
        "---\ntitle: [CANARY-PRIVDEAL-TITLE\n---\n",
    );
    events
        .past(Some(first), Duration::from_secs(10))
        .expect("an event after the write");
    let board = served.get("/board?audience=manager");
    assert!(
        board.text().contains("1 file cannot be read"),
        "{}",
        board.body
    );
    let found = leaks(&served_pages(&book, &served, "manager"));
    assert!(found.is_empty(), "served to the manager: {found:#?}");
    let found = canaries_in(&events.text);
    assert!(found.is_empty(), "in the event stream: {found:?}");
    // The rep's own view does show it.
    assert!(served
        .get("/check")
        .text()
        .contains("canary-privdeal-id.md"));
}

/// The rep's served pages show the canaries, so their absence for the manager means something.
#[test]
fn serve_shows_the_rep_the_canaries() {
    let book = book();
    let served = book.serve();
    let seen = served_pages(&book, &served, "me");
    let all: String = seen.iter().map(|s| s.text.as_str()).collect();
    let found = canaries_in(&all);
    let wanted: Vec<&str> = [REPORT, PREP, SHOW_SECTIONED, SHOW_LINKED, SHOW_FIELDS]
        .concat()
        .into_iter()
        .chain(SHOW_CONTACT.iter().copied())
        .chain(SHOW_ACCOUNT.iter().copied())
        .collect();
    let missing: Vec<&str> = wanted.into_iter().filter(|c| !found.contains(c)).collect();
    assert!(
        missing.is_empty(),
        "the rep's pages do not show {missing:?}"
    );
    // The side-by-side view marks what the manager's copy leaves out.
    let side = served.get("/side-by-side").text();
    assert!(side.contains("class=\"left-out\""), "{side}");
}

/// The language server is the rep's own view, for the rep's editor: it takes no `--audience`,
/// so no setup can take its view for the manager's.
#[test]
fn the_language_server_has_no_managers_view() {
    let v = TestVault::new().file("deals/acme.md", common::CLEAN_DEAL);
    let refused = v.cmd(&["lsp", "--audience", "manager"]).code(2);
    assert!(common::stderr(&refused).contains("--audience"));
}
