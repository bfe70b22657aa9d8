//! Integration tests for the edit commands: `new`, `set`, `unset`, `log` and `done`.
//!
//! The fixture tests copy `tests/fixtures/edit/<case>/before.md` into a throwaway vault as
//! `deals/x.md`, run the real binary, and compare the file byte for byte with `after.md`. Every
//! fixture is stored with LF endings and no BOM; the CRLF and BOM variants are made here, so no
//! editor or git setting can change the bytes under test.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The day every command runs "as of".
const AS_OF: &str = "2026-11-23";

/// Where a test vault keeps the record under test.
const RECORD: &str = "deals/x.md";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `dealbook` with no vault or date leaking in from the environment.
fn dealbook() -> Command {
    let mut cmd = Command::cargo_bin("dealbook").expect("the dealbook binary is built");
    cmd.env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY");
    cmd
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/edit")
}

/// A fixture file's bytes; fixtures are LF-only so the CRLF variants can be made from them.
fn fixture(case: &str, file: &str) -> Vec<u8> {
    let path = fixtures().join(case).join(file);
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert!(
        !bytes.contains(&b'\r'),
        "{case}/{file} must be stored with LF endings"
    );
    bytes
}

/// What a command did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().expect("dealbook exited normally"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    #[track_caller]
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn usage_error(self) -> Run {
        assert_eq!(
            self.code, 2,
            "expected exit status 2\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A vault in a temporary folder (deleted when dropped) with an empty `dealbook.yaml`.
struct Vault {
    dir: TempDir,
}

impl Vault {
    fn new() -> Vault {
        let vault = Vault {
            dir: tempfile::tempdir().expect("a temp folder"),
        };
        vault.write("dealbook.yaml", "");
        vault
    }

    /// A vault holding just `deals/x.md`.
    fn with_record(contents: impl AsRef<[u8]>) -> Vault {
        let vault = Vault::new();
        vault.write(RECORD, contents);
        vault
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("mkdir");
        std::fs::write(path, contents).expect("write a vault file");
    }

    fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.root().join(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    fn text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative)).expect("UTF-8")
    }

    /// `dealbook --vault <this vault> --as-of 2026-11-23 ARGS...`
    fn run(&self, args: &[&str]) -> Run {
        let output = dealbook()
            .arg("--vault")
            .arg(self.root())
            .args(["--as-of", AS_OF])
            .args(args)
            .output()
            .expect("dealbook runs");
        Run::from(output)
    }

    /// The rows of `list deals --format json`.
    fn deals(&self) -> Vec<Value> {
        let run = self.run(&["list", "deals", "--format", "json"]).ok();
        let rows: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout));
        rows.as_array().expect("an array of rows").clone()
    }

    /// The one deal `list deals` shows.
    fn only_deal(&self) -> Value {
        let deals = self.deals();
        assert_eq!(deals.len(), 1, "one deal expected: {deals:#?}");
        deals[0].clone()
    }

    /// Every file under the vault's folder, relative to it, sorted.
    fn files(&self) -> Vec<String> {
        let mut found = Vec::new();
        collect_files(self.root(), self.root(), &mut found);
        found.sort();
        found
    }
}

fn collect_files(root: &Path, dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read a folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_files(root, &path, found);
        } else {
            let relative = path.strip_prefix(root).expect("inside the root");
            found.push(relative.to_string_lossy().into_owned());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

/// The line endings and BOM a fixture is run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Lf,
    Crlf,
    Bom,
    CrlfBom,
}

const STYLES: [Style; 4] = [Style::Lf, Style::Crlf, Style::Bom, Style::CrlfBom];

impl Style {
    /// An LF fixture turned into this style.
    fn apply(self, lf: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(lf).expect("fixtures are UTF-8");
        let text = match self {
            Style::Crlf | Style::CrlfBom => text.replace('\n', "\r\n"),
            Style::Lf | Style::Bom => text.to_string(),
        };
        let bom = matches!(self, Style::Bom | Style::CrlfBom);
        let mut bytes = if bom {
            "\u{feff}".as_bytes().to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(text.as_bytes());
        bytes
    }
}

/// A file's lines, each with its own line ending (so a changed ending counts as a change).
fn raw_lines(bytes: &[u8]) -> Vec<String> {
    std::str::from_utf8(bytes)
        .expect("UTF-8")
        .split_inclusive('\n')
        .map(String::from)
        .collect()
}

/// A line diff by longest common subsequence: the 1-based numbers of the `before` lines that
/// were removed, and the `after` lines (without their endings) that were added, in order.
fn line_diff(before: &[u8], after: &[u8]) -> (Vec<usize>, Vec<String>) {
    let (a, b) = (raw_lines(before), raw_lines(after));
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(b[j].trim_end_matches(['\n', '\r']).to_string());
            j += 1;
        } else {
            removed.push(i + 1);
            i += 1;
        }
    }
    (removed, added)
}

/// Shows bytes so that a CR, a BOM or a missing final newline is visible in a failure.
fn shown(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('\u{feff}', "<BOM>")
        .replace('\r', "\\r")
}

#[track_caller]
fn assert_same_bytes(actual: &[u8], expected: &[u8], what: &str) {
    assert!(
        actual == expected,
        "{what}: the file differs\n--- expected ---\n{}\n--- actual ---\n{}\n",
        shown(expected),
        shown(actual)
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Byte-exact fixture tests
// ---------------------------------------------------------------------------------------------

/// One fixture case: `tests/fixtures/edit/<dir>/before.md` → `after.md` by `dealbook ARGS`.
struct Case {
    dir: &'static str,
    /// After `dealbook --vault V --as-of 2026-11-23`.
    args: &'static [&'static str],
    /// The 1-based numbers of the `before` lines the edit may remove or rewrite.
    removed: &'static [usize],
    /// The lines it adds or rewrites, in order.
    added: &'static [&'static str],
}

/// Runs a case in every line-ending/BOM style and checks the bytes and the line diff.
fn check_case(case: &Case) {
    let before_lf = fixture(case.dir, "before.md");
    let after_lf = fixture(case.dir, "after.md");
    for style in STYLES {
        let what = format!("{} ({style:?})", case.dir);
        let before = style.apply(&before_lf);
        let expected = style.apply(&after_lf);
        let vault = Vault::with_record(&before);
        let run = vault.run(case.args).ok();
        assert!(
            run.stdout
                .lines()
                .next()
                .unwrap_or_default()
                .ends_with(RECORD),
            "{what}: prints the edited file's path, got {:?}",
            run.stdout
        );
        let actual = vault.read(RECORD);
        assert_same_bytes(&actual, &expected, &what);

        let (removed, added) = line_diff(&before, &actual);
        assert_eq!(removed, case.removed, "{what}: lines removed or rewritten");
        assert_eq!(added, case.added, "{what}: lines added or rewritten");

        assert_eq!(
            vault.files(),
            ["dealbook.yaml", RECORD],
            "{what}: no temp file or other file is left behind"
        );
    }
}

/// A file with comments (own-line and trailing), double and single quotes, trailing spaces,
/// blank lines inside the front matter, a block list and a nested mapping. Set by path.
const SET_MESSY: Case = Case {
    dir: "set-messy",
    args: &[
        "set",
        "deals/x.md",
        "title=Acme — platform renewal (3 yr)",
        "account=globex",
        "amount=52000",
        "stage=Negotiation",
        "next_step=Call: Jane #2",
        "tags=renewal, expansion",
        "meta.region=apac",
        "meta.owner=sam",
        "forecast=commit",
    ],
    removed: &[3, 4, 5, 9, 12, 18, 21],
    added: &[
        "title: \"Acme — platform renewal (3 yr)\"   # the name on the PO",
        "account: 'globex'",
        "amount: 52000  ",
        "stage: negotiation",
        "next_step: 'Call: Jane #2'",
        "  - expansion",
        "  region: \"apac\"",
        "  owner: sam",
        "forecast: commit",
    ],
};

/// Removes a key with a trailing comment, a whole block list and a nested key.
const UNSET_MESSY: Case = Case {
    dir: "unset-messy",
    args: &["unset", "x", "probability", "tags", "meta.source"],
    removed: &[10, 16, 17, 18, 20],
    added: &[],
};

/// A newest-first log whose middle entry runs on to a second line; the date is --as-of.
const LOG_MESSY: Case = Case {
    dir: "log-messy",
    args: &["log", "x", "Agreed a 4% uplift with Jane"],
    removed: &[],
    added: &["- 2026-11-23: Agreed a 4% uplift with Jane"],
};

/// Ticks the one open task containing "roi" (any case), found by id.
const DONE_MESSY: Case = Case {
    dir: "done-messy",
    args: &["done", "x", "roi"],
    removed: &[34],
    added: &["- [x] Send ROI one-pager to Bob ✅ 2026-11-23"],
};

/// An oldest-first log with a blank line after the heading and an indented continuation;
/// the record is found by its title.
const LOG_OLDEST_FIRST: Case = Case {
    dir: "log-oldest-first",
    args: &[
        "log",
        "Globex seat expansion",
        "Security questionnaire: two open items",
        "--date",
        "2026-11-10",
    ],
    removed: &[],
    added: &["- 2026-11-10: Security questionnaire: two open items"],
};

/// No `## Log` section: it is created before the `# Private` heading.
const LOG_MISSING_SECTION: Case = Case {
    dir: "log-missing-section",
    args: &["log", "x", "Demo went well"],
    removed: &[],
    added: &["## Log", "- 2026-11-23: Demo went well", ""],
};

/// No `## Log` section and no newline at the end of the file: the section is appended.
const LOG_MISSING_AT_END: Case = Case {
    dir: "log-missing-at-end",
    args: &["log", "x", "Partner intro call", "--date", "2026-11-21"],
    removed: &[5],
    added: &[
        "First contact through the partner.",
        "",
        "## Log",
        "- 2026-11-21: Partner intro call",
    ],
};

#[test]
fn set_keeps_comments_quoting_blank_lines_and_endings() {
    check_case(&SET_MESSY);
}

#[test]
fn unset_removes_only_the_keys_lines() {
    check_case(&UNSET_MESSY);
}

#[test]
fn log_into_a_newest_first_section() {
    check_case(&LOG_MESSY);
}

#[test]
fn done_ticks_only_the_matching_task() {
    check_case(&DONE_MESSY);
}

#[test]
fn log_into_an_oldest_first_section() {
    check_case(&LOG_OLDEST_FIRST);
}

#[test]
fn log_creates_the_section_before_private() {
    check_case(&LOG_MISSING_SECTION);
}

#[test]
fn log_creates_the_section_at_the_end() {
    check_case(&LOG_MISSING_AT_END);
}

#[test]
fn set_reads_back_what_was_set() {
    let vault = Vault::with_record(fixture("set-messy", "before.md"));
    vault.run(SET_MESSY.args).ok();
    let deal = vault.only_deal();
    assert_eq!(deal["title"], "Acme — platform renewal (3 yr)");
    assert_eq!(deal["account"], "globex");
    assert_eq!(deal["amount"], 52000);
    assert_eq!(deal["stage"], "negotiation");
    assert_eq!(deal["forecast"], "commit");
    assert_eq!(deal["next_step"], "Call: Jane #2");
    assert_eq!(deal["tags"], serde_json::json!(["renewal", "expansion"]));
    assert_eq!(
        deal["meta"],
        serde_json::json!({"source": "web", "region": "apac", "owner": "sam"})
    );
}

#[test]
fn new_deal_from_the_built_in_template() {
    let vault = Vault::new();
    // The global flags may come after the command.
    let output = dealbook()
        .args([
            "new",
            "deal",
            "Acme — EMEA rollout",
            "amount=120000",
            "close_date=2026-12-31",
            "next_step=Call: Jane",
            "--vault",
        ])
        .arg(vault.root())
        .args(["--as-of", AS_OF])
        .output()
        .expect("dealbook runs");
    let run = Run::from(output).ok();
    let created = "deals/acme-emea-rollout.md";
    assert!(
        run.stdout.trim_end().ends_with(created),
        "prints the new file's path, got {:?}",
        run.stdout
    );
    assert_same_bytes(
        &vault.read(created),
        &fixture("new-deal", "after.md"),
        "new-deal",
    );
    assert_eq!(vault.files(), ["dealbook.yaml", created]);
    let deal = vault.only_deal();
    assert_eq!(deal["title"], "Acme — EMEA rollout");
    assert_eq!(deal["next_step"], "Call: Jane");
    assert_eq!(deal["stage"], "prospecting");
}

#[test]
fn new_deal_from_the_vaults_template() {
    let vault = Vault::new();
    vault.write("dealbook.yaml", "currency: EUR\n");
    vault.write(
        "templates/new-deal.md",
        fixture("new-deal-vault-template", "template.md"),
    );
    let run = vault
        .run(&[
            "new",
            "deal",
            "Stark: driver app #2",
            "stage=demo",
            "amount=30000",
        ])
        .ok();
    let created = "deals/stark-driver-app-2.md";
    assert!(run.stdout.trim_end().ends_with(created), "{}", run.stdout);
    assert_same_bytes(
        &vault.read(created),
        &fixture("new-deal-vault-template", "after.md"),
        "new-deal-vault-template",
    );
    assert_eq!(vault.only_deal()["title"], "Stark: driver app #2");
}

#[test]
fn new_refuses_to_overwrite() {
    let vault = Vault::new();
    vault.run(&["new", "deal", "Acme renewal"]).ok();
    let path = "deals/acme-renewal.md";
    // The rep edits the file; a second `new` with the same name must not clobber it.
    vault.write(
        path,
        "---\ntitle: Acme renewal\nstage: demo\n---\nmy notes\n",
    );
    let run = vault
        .run(&["new", "deal", "ACME  Renewal!", "amount=1"])
        .usage_error();
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(
        vault.text(path),
        "---\ntitle: Acme renewal\nstage: demo\n---\nmy notes\n"
    );
    assert_eq!(vault.files(), ["dealbook.yaml", path]);
}

#[test]
fn set_writes_numbers_and_booleans_plain_whatever_quotes_the_old_value_had() {
    let vault = Vault::new();
    vault.write(
        "deals/t.md",
        "---\ntitle: T\nstage: demo\namount: \"$48,000\"\ndm_engaged: 'no'\nnext_step: 'Call'\n---\n",
    );
    vault
        .run(&[
            "set",
            "t",
            "amount=48000",
            "dm_engaged=yes",
            "next_step=Send it",
        ])
        .ok();
    // Quoted, a number or a boolean is text to other YAML readers; a text keeps its quotes.
    assert_eq!(
        vault.text("deals/t.md"),
        "---\ntitle: T\nstage: demo\namount: 48000\ndm_engaged: true\nnext_step: 'Send it'\n---\n"
    );
}

#[test]
fn new_refuses_an_id_another_record_has_in_another_case() {
    let vault = Vault::new();
    // Links find ids in any case: `acme-renewal` would be one id with `Acme-Renewal`.
    vault.write(
        "deals/Acme-Renewal.md",
        "---\ntitle: Acme renewal\nstage: demo\n---\n",
    );
    let run = vault.run(&["new", "deal", "Acme renewal"]).usage_error();
    assert!(
        run.stderr.contains("deals/Acme-Renewal.md"),
        "{}",
        run.stderr
    );
    assert_eq!(vault.files(), ["dealbook.yaml", "deals/Acme-Renewal.md"]);
}

#[test]
fn new_contact_and_account_go_in_their_folders() {
    let vault = Vault::new();
    let run = vault
        .run(&["new", "contact", "Zoë O'Brien", "role=CFO: EMEA"])
        .ok();
    assert!(run.stdout.trim_end().ends_with("contacts/zoë-o-brien.md"));
    let run = vault
        .run(&["new", "account", "Wayne Enterprises", "industry=Defense"])
        .ok();
    assert!(run
        .stdout
        .trim_end()
        .ends_with("accounts/wayne-enterprises.md"));
    let contact = vault.text("contacts/zoë-o-brien.md");
    assert!(contact.contains("name: Zoë O'Brien\n"), "{contact}");
    assert!(contact.contains("role: 'CFO: EMEA'\n"), "{contact}");
    assert!(contact.contains("last_contact: 2026-11-23\n"), "{contact}");
    let account = vault.text("accounts/wayne-enterprises.md");
    assert!(account.contains("industry: Defense\n"), "{account}");
    vault.run(&["check"]).ok();
}

#[test]
fn set_keeps_the_files_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let vault = Vault::with_record(fixture("set-messy", "before.md"));
    let path = vault.root().join(RECORD);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    vault.run(&["set", "x", "amount=1"]).ok();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
}

// ---------------------------------------------------------------------------------------------
// 2. Values YAML would misread are quoted and read back the same
// ---------------------------------------------------------------------------------------------

/// Text that YAML would read as something else if written bare.
const TRICKY: [&str; 14] = [
    "Call: Jane",
    "Send pricing #2",
    "#1 priority",
    "@manager can you join?",
    "true",
    "123",
    "no",
    "null",
    "2026-12-01",
    "- not a list",
    "it's \"fine\"",
    "[draft",
    "50% off: today only",
    "a: b # c",
];

#[test]
fn tricky_text_values_are_quoted_and_read_back_the_same() {
    // However the old value was written (or if there was none), the new one reads back as is.
    let previous = [
        ("absent", ""),
        ("empty", "next_step:\n"),
        ("plain", "next_step: Send pricing\n"),
        ("single", "next_step: 'Send pricing'   # was\n"),
        ("double", "next_step: \"Send pricing\"\n"),
    ];
    for (style, line) in previous {
        let before = format!("---\ntitle: Acme\nstage: demo\n{line}amount: 1\n---\nBody\n");
        for value in TRICKY {
            let vault = Vault::with_record(&before);
            vault.run(&["set", "x", &format!("next_step={value}")]).ok();
            let deal = vault.only_deal();
            assert_eq!(
                deal["next_step"],
                Value::String(value.to_string()),
                "{style}: next_step={value:?} was written as {:?}",
                vault.text(RECORD)
            );
            let after = vault.text(RECORD);
            let written = after
                .lines()
                .find(|l| l.starts_with("next_step:"))
                .expect("a next_step line");
            match style {
                "single" => assert!(written.starts_with("next_step: '"), "{written}"),
                "double" => assert!(written.starts_with("next_step: \""), "{written}"),
                _ => {}
            }
            if style == "single" {
                assert!(
                    written.ends_with("   # was"),
                    "keeps the comment: {written}"
                );
            }
            // Only the next_step line changed (or was added).
            let (removed, added) = line_diff(before.as_bytes(), after.as_bytes());
            assert_eq!(added, [written], "{style}: {value:?}");
            assert_eq!(removed.len(), usize::from(style != "absent"), "{style}");
        }
    }
}

#[test]
fn tricky_values_in_the_reps_own_fields_and_tags_read_back_the_same() {
    for value in [
        "Call: Jane",
        "Send pricing #2",
        "#1",
        "@manager",
        "a: b # c",
    ] {
        let vault = Vault::with_record("---\ntitle: Acme\nstage: demo\n---\n");
        vault
            .run(&["set", "x", &format!("competitor={value}")])
            .ok();
        assert_eq!(
            vault.only_deal()["competitor"],
            Value::String(value.to_string()),
            "{}",
            vault.text(RECORD)
        );
    }
    let vault = Vault::with_record("---\ntitle: Acme\nstage: demo\ntags: []\n---\n");
    vault
        .run(&["set", "x", "tags=renewal, @manager, tier #1, a: b"])
        .ok();
    assert_eq!(
        vault.only_deal()["tags"],
        serde_json::json!(["renewal", "@manager", "tier #1", "a: b"]),
        "{}",
        vault.text(RECORD)
    );
    vault.run(&["set", "x", "tags=[x, \"y z\"]"]).ok();
    assert_eq!(vault.only_deal()["tags"], serde_json::json!(["x", "y z"]));
}

// ---------------------------------------------------------------------------------------------
// 3. Rejected values leave the file alone
// ---------------------------------------------------------------------------------------------

#[test]
fn rejected_values_leave_the_file_byte_identical() {
    let rejected: [&[&str]; 9] = [
        &["stage=qualified"],
        &["close_date=12/15/2026"],
        &["amount=$48,000"],
        &["close_date=2026-02-30"],
        &["probability=120"],
        &["amount=lots"],
        &["forecast=maybe"],
        &["dm_engaged=perhaps"],
        // A good value before a bad one is not written either.
        &["amount=50000", "next_step=Call Jane", "stage=qualified"],
    ];
    for style in STYLES {
        let before = style.apply(&fixture("set-messy", "before.md"));
        for assignments in rejected {
            let vault = Vault::with_record(&before);
            let mut args = vec!["set", "x"];
            args.extend_from_slice(assignments);
            let run = vault.run(&args).usage_error();
            assert!(
                run.stderr.contains("nothing was written"),
                "{assignments:?}: {}",
                run.stderr
            );
            assert_same_bytes(
                &vault.read(RECORD),
                &before,
                &format!("{assignments:?} ({style:?})"),
            );
            assert_eq!(vault.files(), ["dealbook.yaml", RECORD]);
        }
    }
}

#[test]
fn rejected_values_name_the_problem() {
    let vault = Vault::with_record(fixture("set-messy", "before.md"));
    let run = vault.run(&["set", "x", "stage=qualified"]).usage_error();
    assert!(run.stderr.contains("unknown stage"), "{}", run.stderr);
    assert!(run.stderr.contains("prospecting"), "{}", run.stderr);
    let run = vault
        .run(&["set", "x", "close_date=12/15/2026"])
        .usage_error();
    assert!(run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
    let run = vault.run(&["set", "x", "amount=$48,000"]).usage_error();
    assert!(run.stderr.contains("plain number"), "{}", run.stderr);
}

#[test]
fn new_with_a_rejected_value_creates_nothing() {
    let vault = Vault::new();
    vault
        .run(&["new", "deal", "Acme renewal", "stage=qualified"])
        .usage_error();
    vault
        .run(&["new", "deal", "Acme renewal", "close_date=12/15/2026"])
        .usage_error();
    assert_eq!(vault.files(), ["dealbook.yaml"]);
}

#[test]
fn other_refused_edits_leave_the_file_byte_identical() {
    let before = Style::CrlfBom.apply(&fixture("set-messy", "before.md"));
    let vault = Vault::with_record(&before);
    vault.run(&["set", "nobody", "amount=1"]).usage_error();
    vault.run(&["set", "x", "no-equals-sign"]).usage_error();
    vault
        .run(&["log", "x", "Called", "--date", "2026-13-01"])
        .usage_error();
    vault
        .run(&["log", "x", "Called", "--date", "11/23/2026"])
        .usage_error();
    vault.run(&["done", "x", "no such task"]).usage_error();
    assert_same_bytes(&vault.read(RECORD), &before, "refused edits");
}

// ---------------------------------------------------------------------------------------------
// 4. An edit applies to the file's newest text; a file deleted meanwhile is not recreated
// ---------------------------------------------------------------------------------------------

#[test]
fn an_edit_applies_to_what_is_on_disk_when_it_is_written() {
    use dealbook::write::atomic::update;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.md");
    std::fs::write(&path, b"---\nstage: demo\n---\n").unwrap();
    // The rep saves from their editor after dealbook loaded the vault, before it writes.
    let saved = b"---\nstage: proposal\n---\nsaved in the editor\n".to_vec();
    std::fs::write(&path, &saved).unwrap();
    let mut seen = Vec::new();
    update(&path, |text: &[u8]| -> Result<Vec<u8>, String> {
        seen.push(text.to_vec());
        Ok([text, b"- 2026-11-23: Called\n"].concat())
    })
    .unwrap();
    assert_eq!(
        seen,
        std::slice::from_ref(&saved),
        "the edit saw the saved text"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        [&saved[..], b"- 2026-11-23: Called\n"].concat()
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["deal.md"], "no temp file left behind");

    // A file deleted in between is not recreated.
    std::fs::remove_file(&path).unwrap();
    assert!(update(&path, |t: &[u8]| Ok::<_, String>(t.to_vec())).is_err());
    assert!(!path.exists());
}

// ---------------------------------------------------------------------------------------------
// 5. Names cannot escape the deals folder
// ---------------------------------------------------------------------------------------------

#[test]
fn new_names_cannot_escape_the_folder() {
    let names = [
        "../../etc/evil",
        "../evil",
        "a/b",
        "..",
        "/abs/evil",
        "..\\..\\evil",
        "evil\u{7}name",
        "evil\u{1b}[31mred",
        "line\nbreak",
        "tab\there",
        "deals/../../outside",
        ".hidden",
        "~/evil",
    ];
    for name in names {
        // The vault sits one folder down, so an escape would land in `outer`.
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("vault");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("dealbook.yaml"), "").unwrap();
        let output = dealbook()
            .arg("--vault")
            .arg(&root)
            .args(["--as-of", AS_OF, "new", "deal", name])
            .output()
            .unwrap();
        let run = Run::from(output);
        assert!(
            run.code == 0 || run.code == 2,
            "{name:?}: created or refused, got {}: {}",
            run.code,
            run.stderr
        );
        let mut files = Vec::new();
        collect_files(outer.path(), outer.path(), &mut files);
        files.sort();
        let created: Vec<_> = files
            .iter()
            .filter(|f| *f != "vault/dealbook.yaml")
            .collect();
        if run.code == 2 {
            assert!(
                created.is_empty(),
                "{name:?}: refused but wrote {created:?}"
            );
            continue;
        }
        assert_eq!(created.len(), 1, "{name:?}: one file, got {files:?}");
        let file = created[0]
            .strip_prefix("vault/deals/")
            .unwrap_or_else(|| panic!("{name:?} made {} outside deals/", created[0]));
        let stem = file
            .strip_suffix(".md")
            .unwrap_or_else(|| panic!("{name:?}: {file} is not a .md file"));
        assert!(
            !stem.is_empty()
                && !stem.starts_with(['.', '-'])
                && stem.chars().all(|c| c.is_alphanumeric() || c == '-'),
            "{name:?}: unsafe file name {file:?}"
        );
        // The name went into the title only: the template's own fields are intact.
        let text = std::fs::read_to_string(root.join("deals").join(file)).unwrap();
        assert!(text.contains("stage: prospecting\n"), "{text}");
    }
}

#[test]
fn a_name_cannot_inject_front_matter() {
    let vault = Vault::new();
    vault
        .run(&["new", "deal", "Acme\nstage: closed_won\namount: 999999"])
        .ok();
    let deal = vault.only_deal();
    assert_eq!(deal["title"], "Acme\nstage: closed_won\namount: 999999");
    assert_eq!(deal["stage"], "prospecting");
    assert_eq!(deal["amount"], Value::Null);
}

#[test]
fn nameless_names_are_refused() {
    let vault = Vault::new();
    for name in ["..", "...", "///", "\u{7}", " ", "—"] {
        let run = vault.run(&["new", "deal", name]).usage_error();
        assert!(
            run.stderr.contains("no letters or digits"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(vault.files(), ["dealbook.yaml"]);
}

// ---------------------------------------------------------------------------------------------
// 6. done, log and finding records
// ---------------------------------------------------------------------------------------------

#[test]
fn done_with_no_match_lists_the_open_tasks() {
    let before = fixture("done-messy", "before.md");
    let vault = Vault::with_record(&before);
    let run = vault.run(&["done", "x", "security review"]).usage_error();
    // The only task about the security review is already done; the open ones are listed.
    assert!(run.stderr.contains("no open task"), "{}", run.stderr);
    for open in [
        "line 32: Send revised pricing",
        "line 33: Call their VP Finance",
        "line 34: Send ROI one-pager to Bob",
    ] {
        assert!(run.stderr.contains(open), "{open}: {}", run.stderr);
    }
    assert!(
        !run.stderr.contains("Book the security review"),
        "{}",
        run.stderr
    );
    assert_same_bytes(&vault.read(RECORD), &before, "done with no match");
}

#[test]
fn done_with_several_matches_lists_them() {
    let before = Style::CrlfBom.apply(&fixture("done-messy", "before.md"));
    let vault = Vault::with_record(&before);
    let run = vault.run(&["done", "x", "SEND"]).usage_error();
    assert!(
        run.stderr.contains("matches 2 open tasks"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("line 32: Send revised pricing"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("line 34: Send ROI one-pager to Bob"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("VP Finance"), "{}", run.stderr);
    assert_same_bytes(&vault.read(RECORD), &before, "done with several matches");

    // Narrowed down, it ticks exactly one line.
    vault.run(&["done", "x", "send revised"]).ok();
    let (removed, added) = line_diff(&before, &vault.read(RECORD));
    assert_eq!(removed, [32]);
    assert_eq!(
        added,
        ["- [x] Send revised pricing due:2026-11-25 ✅ 2026-11-23"]
    );
    // Once ticked, it no longer matches.
    vault.run(&["done", "x", "send revised"]).usage_error();
}

#[test]
fn log_puts_an_old_date_in_its_place() {
    // Newest first: a date between two entries goes between them, after any continuation.
    let before = fixture("log-messy", "before.md");
    let vault = Vault::with_record(&before);
    vault
        .run(&["log", "x", "Pricing call", "--date", "2026-11-08"])
        .ok();
    let (removed, added) = line_diff(&before, &vault.read(RECORD));
    assert!(removed.is_empty());
    assert_eq!(added, ["- 2026-11-08: Pricing call"]);
    let text = vault.text(RECORD);
    assert!(
        text.contains(
            "- 2026-11-12: Sent proposal v1.\n  Bob forwarded it to finance.\n\
             - 2026-11-08: Pricing call\n- 2026-11-05: Security review; no findings.\n"
        ),
        "{text}"
    );
    // Older than every entry: last.
    vault
        .run(&["log", "x", "First contact", "--date", "2026-10-01"])
        .ok();
    let text = vault.text(RECORD);
    assert!(
        text.contains("no findings.\n- 2026-10-01: First contact\n\n## Tasks"),
        "{text}"
    );
}

#[test]
fn log_text_stays_on_one_line() {
    let vault = Vault::with_record(fixture("log-missing-at-end", "before.md"));
    vault
        .run(&[
            "log",
            "x",
            "Called\nstage: closed_won",
            "--date",
            "2026-11-21",
        ])
        .ok();
    let text = vault.text(RECORD);
    assert!(
        text.ends_with("## Log\n- 2026-11-21: Called stage: closed_won\n"),
        "{text}"
    );
    assert_eq!(vault.only_deal()["stage"], "prospecting");
}

/// Two deals whose titles share "Acme", plus one titled exactly "Acme".
fn acme_vault() -> Vault {
    let vault = Vault::new();
    vault.write(
        "deals/acme-renewal.md",
        "---\ntitle: Acme renewal\nstage: demo\n---\n",
    );
    vault.write(
        "deals/acme-expansion.md",
        "---\ntitle: Acme expansion\nstage: demo\n---\n",
    );
    vault
}

#[test]
fn set_finds_records_by_id_path_and_title() {
    let vault = acme_vault();
    let cases = [
        ("acme-renewal", "deals/acme-renewal.md", "1"),
        ("deals/acme-expansion.md", "deals/acme-expansion.md", "2"),
        ("Acme renewal", "deals/acme-renewal.md", "3"),
        ("ACME EXPAN", "deals/acme-expansion.md", "4"),
    ];
    for (wanted, path, amount) in cases {
        let run = vault
            .run(&["set", wanted, &format!("amount={amount}")])
            .ok();
        assert!(
            run.stdout
                .lines()
                .next()
                .unwrap_or_default()
                .ends_with(path),
            "{wanted}: {}",
            run.stdout
        );
        assert!(
            vault.text(path).contains(&format!("\namount: {amount}\n")),
            "{wanted}: {}",
            vault.text(path)
        );
    }
    // A path inside the vault given in full.
    let full = vault.root().join("deals/acme-renewal.md");
    vault.run(&["set", full.to_str().unwrap(), "amount=5"]).ok();
    assert!(vault
        .text("deals/acme-renewal.md")
        .contains("\namount: 5\n"));
    // An exact title wins over titles that merely contain it.
    vault.write("deals/zeta.md", "---\ntitle: Acme\nstage: demo\n---\n");
    vault.run(&["set", "acme", "amount=6"]).ok();
    assert!(vault.text("deals/zeta.md").contains("\namount: 6\n"));
}

#[test]
fn an_ambiguous_title_is_refused() {
    let vault = acme_vault();
    let renewal = vault.read("deals/acme-renewal.md");
    let expansion = vault.read("deals/acme-expansion.md");
    for command in [
        vec!["set", "acme", "amount=1"],
        vec!["unset", "acme", "stage"],
        vec!["log", "acme", "Called"],
        vec!["done", "acme", "anything"],
    ] {
        let run = vault.run(&command).usage_error();
        assert!(run.stderr.contains("matches 2 records"), "{}", run.stderr);
        assert!(
            run.stderr.contains("deals/acme-renewal.md"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("deals/acme-expansion.md"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(vault.read("deals/acme-renewal.md"), renewal);
    assert_eq!(vault.read("deals/acme-expansion.md"), expansion);
}

// ---------------------------------------------------------------------------------------------
// 7. A session of edits on the example vault leaves it clean
// ---------------------------------------------------------------------------------------------

#[test]
fn edits_on_the_example_vault_pass_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("vault");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-vault"),
        &root,
    );
    let run = |args: &[&str]| {
        let output = dealbook()
            .arg("--vault")
            .arg(&root)
            .args(["--as-of", AS_OF])
            .args(args)
            .output()
            .unwrap();
        Run::from(output)
    };
    let renewal = "deals/acme-platform-renewal.md";
    let before = std::fs::read(root.join(renewal)).unwrap();

    let created = run(&[
        "new",
        "deal",
        "Acme — data residency add-on",
        "account=acme",
        "amount=15000",
        "close_date=2026-12-20",
        "next_step=Send DPA: legal review",
        "next_step_date=2026-11-30",
        "decision_maker=jane-doe",
        "tags=expansion, @legal",
    ])
    .ok();
    assert!(created
        .stdout
        .trim_end()
        .ends_with("deals/acme-data-residency-add-on.md"));
    run(&[
        "set",
        "acme-platform-renewal",
        "stage=Negotiation",
        "probability=70",
        "next_step=Call: Jane #2 re the uplift",
        "next_step_date=2026-11-26",
        "tags=renewal, q4",
    ])
    .ok();
    run(&["unset", renewal, "forecast"]).ok();
    run(&["log", "Acme — platform renewal", "Jane agreed to 4%"]).ok();
    run(&["done", "acme-platform-renewal", "revised pricing"]).ok();
    run(&[
        "log",
        "data residency",
        "Sent the DPA",
        "--date",
        "2026-11-23",
    ])
    .ok();
    run(&["new", "contact", "Zoë O'Brien", "account=acme", "role=CFO"]).ok();
    run(&["set", "Jane Doe", "role=VP Operations: economic buyer"]).ok();
    run(&["log", "jane-doe", "Agreed on pricing"]).ok();
    run(&["new", "account", "Wayne Enterprises", "industry=Defense"]).ok();
    run(&["set", "wayne-enterprises", "website=https://wayne.example"]).ok();
    run(&["unset", "Wayne Enterprises", "tags"]).ok();

    // `run` passes `--as-of 2026-11-23`.
    let check = run(&["check"]);
    assert_eq!(
        check.code, 0,
        "check after the edits:\n{}{}",
        check.stdout, check.stderr
    );
    let json = run(&["check", "--format", "json"]).ok();
    let diagnostics: Value = serde_json::from_str(&json.stdout).unwrap();
    let errors: Vec<_> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The edits read back, and the renewal's diff is just the edited lines.
    let deals = run(&["list", "deals", "--format", "json"]).ok();
    let rows: Value = serde_json::from_str(&deals.stdout).unwrap();
    let row = |id: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no deal {id}"))
            .clone()
    };
    let renewal_row = row("acme-platform-renewal");
    assert_eq!(renewal_row["stage"], "negotiation");
    assert_eq!(renewal_row["next_step"], "Call: Jane #2 re the uplift");
    assert_eq!(renewal_row["last_activity"], "2026-11-23");
    let added_row = row("acme-data-residency-add-on");
    assert_eq!(added_row["next_step"], "Send DPA: legal review");
    assert_eq!(
        added_row["tags"],
        serde_json::json!(["expansion", "@legal"])
    );

    let after = std::fs::read(root.join(renewal)).unwrap();
    let (removed, added) = line_diff(&before, &after);
    assert_eq!(removed, [6, 7, 8, 10, 11, 17, 30]);
    assert_eq!(
        added,
        [
            "stage: negotiation",
            "probability: 70",
            "next_step: 'Call: Jane #2 re the uplift'",
            "next_step_date: 2026-11-26",
            "tags: [renewal, q4]",
            "- 2026-11-23: Jane agreed to 4%",
            "- [x] Send revised pricing due:2026-11-25 ✅ 2026-11-23",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Bugs found by these tests
// ---------------------------------------------------------------------------------------------

#[test]
fn set_replaces_a_quoted_value_containing_escaped_quotes() {
    for (old, new) in [
        ("title: 'it''s # 1'", "title: 'Acme'"),
        ("title: \"Acme \\\"Q4 # 1\\\" deal\"", "title: \"Acme\""),
    ] {
        let before = format!("---\n{old}\nstage: demo\n---\n");
        let vault = Vault::with_record(&before);
        vault.run(&["set", "x", "title=Acme"]).ok();
        assert_eq!(
            vault.text(RECORD),
            format!("---\n{new}\nstage: demo\n---\n"),
            "from {old}"
        );
    }
}

#[test]
fn a_block_list_stays_a_block_list_when_an_item_needs_quotes() {
    let vault = Vault::with_record("---\ntitle: A\nstage: demo\ntags:\n  - a\n  - b\n---\n");
    vault.run(&["set", "x", "tags=renewal, @legal"]).ok();
    assert_eq!(
        vault.text(RECORD),
        "---\ntitle: A\nstage: demo\ntags:\n  - renewal\n  - \"@legal\"\n---\n"
    );
}

#[test]
fn log_order_is_detected_past_same_day_entries() {
    let before = "---\ntitle: A\nstage: demo\n---\n## Log\n\
                  - 2026-11-01: Intro call\n- 2026-11-01: Sent deck\n- 2026-11-10: Demo\n";
    let vault = Vault::with_record(before);
    vault
        .run(&["log", "x", "Proposal", "--date", "2026-11-20"])
        .ok();
    assert_eq!(
        vault.text(RECORD),
        format!("{before}- 2026-11-20: Proposal\n")
    );
}

#[test]
fn a_path_with_a_leading_dot_slash_is_found() {
    let vault = Vault::with_record("---\ntitle: A\nstage: demo\n---\n");
    vault.run(&["set", "./deals/x.md", "amount=1"]).ok();
    assert_eq!(
        vault.text(RECORD),
        "---\ntitle: A\nstage: demo\namount: 1\n---\n"
    );
}

#[test]
fn quoted_stage_and_date_values_stay_quoted() {
    let vault =
        Vault::with_record("---\ntitle: A\nstage: \"demo\"\nclose_date: '2026-12-15'\n---\n");
    vault
        .run(&["set", "x", "stage=proposal", "close_date=2026-12-20"])
        .ok();
    assert_eq!(
        vault.text(RECORD),
        "---\ntitle: A\nstage: \"proposal\"\nclose_date: '2026-12-20'\n---\n"
    );
}

#[test]
fn set_quotes_what_a_yaml_11_reader_would_misread() {
    let vault = crate::common::TestVault::new().file("deals/x.md", "---\nstage: demo\n---\n");
    vault
        .cmd(&["set", "x", "next_step=no", "competitor=on", "meeting=12:30"])
        .success();
    let text = std::fs::read_to_string(vault.join("deals/x.md")).unwrap();
    assert_eq!(
        text,
        "---\nstage: demo\nnext_step: 'no'\ncompetitor: 'on'\nmeeting: '12:30'\n---\n"
    );
}

#[test]
fn log_adds_to_a_setext_log_section_instead_of_a_second_one() {
    let vault = crate::common::TestVault::new().file(
        "deals/x.md",
        "---\nstage: demo\n---\nLog\n---\n- 2026-11-20: Call\n",
    );
    vault.cmd(&["log", "x", "Sent the deck"]).success();
    let text = std::fs::read_to_string(vault.join("deals/x.md")).unwrap();
    assert_eq!(
        text,
        "---\nstage: demo\n---\nLog\n---\n- 2026-11-23: Sent the deck\n- 2026-11-20: Call\n"
    );
}
