//! Hostile and huge inputs: the parser never panics, never hangs, and never blows up.
//!
//! Every case runs in its own thread under a time limit, so a hang fails the test instead of
//! blocking CI, and on a 2 MiB stack, like the worker threads that load a vault.
//! `PROPTEST_CASES=20000 cargo test --release --test hardening` runs the properties longer.

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use dealbook::model::{AnyRecord, Config, Kind};
use dealbook::parse::{parse_file, ParsedFile};
use dealbook::{Code, Vault};
use proptest::prelude::*;

/// Generous for a debug build on a busy two-core machine; every case here takes well under
/// a second in release.
const LIMIT: Duration = Duration::from_secs(20);

/// Runs `work` on a 2 MiB stack and fails if it panics or takes longer than [`LIMIT`].
fn within_limit<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    std::thread::Builder::new()
        .name(what.to_string())
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let _ = done.send(work());
        })
        .expect("spawn a thread");
    match result.recv_timeout(LIMIT) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no result after {LIMIT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: the parser panicked"),
    }
}

fn parse_as(bytes: &[u8], kind: Option<Kind>) -> ParsedFile {
    parse_file(
        Path::new("deals/hostile.md"),
        bytes,
        kind,
        &Config::default(),
    )
}

/// Parses `text` as a deal within the limit.
fn parse_deal(what: &str, text: Vec<u8>) -> ParsedFile {
    within_limit(what, move || parse_as(&text, Some(Kind::Deal)))
}

fn codes(parsed: &ParsedFile) -> Vec<Code> {
    parsed.diagnostics.iter().map(|d| d.code).collect()
}

fn deal(parsed: &ParsedFile) -> &dealbook::model::Deal {
    match &parsed.record {
        Some(AnyRecord::Deal(deal)) => deal,
        other => panic!("not a deal: {other:?} {:?}", parsed.diagnostics),
    }
}

/// Whatever the input, what comes back is consistent: positions are real places and the
/// body's sections can be cut out of its text.
fn assert_consistent(parsed: &ParsedFile) {
    for d in &parsed.diagnostics {
        assert!(
            d.line >= 1 && d.column >= 1,
            "a position before the file: {d:?}"
        );
        assert!(!d.message.is_empty(), "a diagnostic without words: {d:?}");
    }
    if let Some(record) = &parsed.record {
        let body = &record.record().body;
        let mut from = 0;
        for section in &body.private_sections {
            assert!(from <= section.start && section.start <= section.end);
            assert!(body.text.is_char_boundary(section.start));
            assert!(body.text.is_char_boundary(section.end));
            from = section.end;
        }
        assert!(from <= body.text.len());
        let _ = body.public_text();
    }
}

const FRONT: &str = "---\ntitle: Hostile\nstage: demo\namount: 1000\nclose_date: 2026-12-15\n";

// --- the hardening cases ---------------------------------------------------------------------

#[test]
fn deeply_nested_flow_yaml_is_a_clear_error() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let depth = 10_000;
        let text = format!(
            "{FRONT}tags: {}x{}\n---\nBody\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let parsed = parse_deal("nested flow YAML", text.into_bytes());
        assert_eq!(
            codes(&parsed),
            [Code::YamlSyntax],
            "{:?}",
            parsed.diagnostics
        );
        assert!(parsed.record.is_none());
        assert_consistent(&parsed);
    }
}

#[test]
fn deeply_nested_block_yaml_is_a_clear_error() {
    // 2,000 levels of indentation: about 2 MB of front matter.
    let mut text = String::from(FRONT);
    for level in 0..2_000 {
        text.push_str(&" ".repeat(level));
        text.push_str("k:\n");
    }
    text.push_str("---\n");
    let parsed = parse_deal("nested block YAML", text.into_bytes());
    assert_eq!(
        codes(&parsed),
        [Code::YamlSyntax],
        "{:?}",
        parsed.diagnostics
    );
    assert_consistent(&parsed);
}

#[test]
fn a_yaml_alias_bomb_is_a_clear_error() {
    // "Billion laughs": nine levels of ten aliases each would expand to 10^9 strings.
    let mut text = String::from(FRONT);
    text.push_str("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let prev = format!("*a{}", level - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    text.push_str("---\nBody\n");
    let started = Instant::now();
    let parsed = parse_deal("alias bomb", text.into_bytes());
    assert_eq!(
        codes(&parsed),
        [Code::YamlSyntax],
        "{:?}",
        parsed.diagnostics
    );
    assert!(
        parsed.diagnostics[0].message.contains("invalid YAML"),
        "{:?}",
        parsed.diagnostics
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_consistent(&parsed);
}

#[test]
fn a_few_aliases_are_still_fine() {
    let text = format!("{FRONT}base: &base [a, b]\ncopy: *base\n---\n");
    let parsed = parse_deal("aliases", text.into_bytes());
    assert_eq!(codes(&parsed), []);
    assert_eq!(deal(&parsed).record.fields.get("copy").unwrap()[1], "b");
}

#[test]
fn a_100_mb_file_ends_in_a_result_or_a_clear_error() {
    // A deal whose body is a 100 MB pasted email thread, loaded the way the CLI loads it.
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir_all(dir.path().join("deals")).expect("deals/");
    let line = "> On Monday, Jane wrote: the pricing is fine, the timing is not. [[Jane Doe]]\n";
    let mut text = String::with_capacity(100 * 1024 * 1024 + 1024);
    text.push_str(FRONT);
    text.push_str("---\n## Thread\n");
    while text.len() < 100 * 1024 * 1024 {
        text.push_str(line);
    }
    text.push_str("## Log\n- 2026-11-20: Call with Jane\n");
    std::fs::write(dir.path().join("deals/huge.md"), &text).expect("write 100 MB");
    drop(text);
    std::fs::write(dir.path().join("deals/small.md"), format!("{FRONT}---\n")).expect("write");
    let root = dir.path().to_path_buf();
    let vault = within_limit("a 100 MB file", move || Vault::load(&root).expect("loads"));
    // The rest of the vault is read whatever happens to the huge file.
    assert!(vault.index.deals.iter().any(|d| d.record.id == "small"));
    match vault.index.deals.iter().find(|d| d.record.id == "huge") {
        Some(huge) => assert_eq!(huge.record.body.log.len(), 1),
        None => {
            let problems = vault.diagnostics_of(Path::new("deals/huge.md"));
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].code, Code::Unreadable);
            assert_eq!(problems[0].line, 7, "points at the body's first line");
            assert!(problems[0].message.contains("104.9 MB"), "{problems:?}");
        }
    }
}

#[test]
fn a_10_mb_line_in_the_front_matter_is_read() {
    let long = "x".repeat(10 * 1024 * 1024);
    // Plain, and with an escape, which only the full YAML parser reads.
    for (value, expected) in [
        (long.clone(), long.len()),
        (format!("\"\\x41{long}\""), long.len() + 1),
    ] {
        let text = format!("{FRONT}next_step: {value}\n---\nBody\n");
        let parsed = parse_deal("a 10 MB value", text.into_bytes());
        assert_eq!(codes(&parsed), []);
        assert_eq!(
            deal(&parsed).next_step.as_ref().map(String::len),
            Some(expected)
        );
    }
}

/// Either the body was read (one log entry, one task), or the file is reported as too large,
/// in words, and left out; never a crash, a hang, or gigabytes of parser nodes.
fn read_or_too_large(what: &str, parsed: &ParsedFile) -> bool {
    assert_consistent(parsed);
    match &parsed.record {
        Some(_) => {
            let body = &deal(parsed).record.body;
            assert_eq!((body.log.len(), body.tasks.len()), (1, 1), "{what}");
            true
        }
        None => {
            assert_eq!(codes(parsed), [Code::Unreadable], "{what}");
            let message = &parsed.diagnostics[0].message;
            assert!(message.contains("too large"), "{what}: {message}");
            false
        }
    }
}

#[test]
fn a_10_mb_line_in_the_body_is_read_or_reported() {
    // Lines made of the characters Markdown's inline parser works hardest on, and plain text.
    for (unit, readable) in [
        ("[", false),
        ("*a", false),
        ("<", false),
        ("](", false),
        ("|", true),
        ("plain words ", true),
    ] {
        let line = unit.repeat(10 * 1024 * 1024 / unit.len());
        let text = format!("{FRONT}---\n## Log\n- 2026-11-20: {line}\n- [ ] Task {line}\n");
        let what = format!("a 10 MB line of {unit:?}");
        let parsed = parse_deal(&what, text.into_bytes());
        assert_eq!(read_or_too_large(&what, &parsed), readable, "{what}");
    }
}

#[test]
fn a_body_just_under_the_markup_limit_is_read() {
    let entry = "- 2026-11-20: Call with [[Jane Doe]]\n";
    let per_entry = entry.bytes().filter(|b| b"[]\n".contains(b)).count();
    let entries = dealbook::parse::MAX_BODY_MARKUP / per_entry - 1;
    let text = format!("{FRONT}---\n## Log\n{}", entry.repeat(entries));
    let parsed = parse_deal("a body under the limit", text.into_bytes());
    assert_eq!(deal(&parsed).record.body.log.len(), entries);
}

#[test]
fn ten_thousand_tasks_in_one_file_are_all_read() {
    let mut text = String::from(FRONT);
    text.push_str("---\n## Tasks\n");
    for n in 0..10_000 {
        let day = 1 + n % 28;
        let manager = if n % 7 == 0 { "@manager " } else { "" };
        text.push_str(&format!("- [ ] {manager}Task {n} due:2026-12-{day:02}\n"));
    }
    let parsed = parse_deal("10,000 tasks", text.into_bytes());
    let tasks = &deal(&parsed).record.body.tasks;
    assert_eq!(tasks.len(), 10_000);
    assert_eq!(tasks[9_999].text, "Task 9999");
    assert_eq!(tasks[9_999].line, 8 + 9_999);
    assert_eq!(tasks.iter().filter(|t| t.manager).count(), 1_429);
    assert!(tasks.iter().all(|t| t.due.is_some()));
}

#[test]
fn ten_thousand_headings_and_log_entries_are_read_in_linear_time() {
    // Every entry under its own heading: a log-heading lookup per entry must not scan them all.
    let mut text = String::from(FRONT);
    text.push_str("---\n");
    for n in 0..10_000 {
        text.push_str(&format!("## Log\n- 2026-11-{:02}: entry {n}\n", 1 + n % 28));
        text.push_str(&format!("### Private\n- [ ] secret {n}\n"));
    }
    let parsed = parse_deal("10,000 headings", text.into_bytes());
    let body = &deal(&parsed).record.body;
    assert_eq!(body.log.len(), 10_000);
    assert_eq!(body.tasks.len(), 10_000);
    assert!(body.tasks.iter().all(|t| t.private));
    assert!(body.log.iter().all(|e| !e.private));
    assert_consistent(&parsed);
}

#[test]
fn deeply_nested_markdown_is_read() {
    for (what, unit) in [
        ("lists", "- "),
        ("quotes", "> "),
        ("tasks", "- [ ] "),
        ("brackets", "["),
    ] {
        let text = format!("{FRONT}---\n{}x due:2026-12-01\n", unit.repeat(10_000));
        let parsed = parse_deal(&format!("10,000 nested {what}"), text.into_bytes());
        assert!(parsed.record.is_some(), "{what}");
        assert_consistent(&parsed);
    }
}

#[test]
fn an_unclosed_fence_over_many_lines_is_a_clear_error() {
    let text = format!("{FRONT}{}", "title: again\n".repeat(200_000));
    let parsed = parse_deal("an unclosed fence", text.into_bytes());
    assert_eq!(codes(&parsed), [Code::UnclosedFrontMatter]);
}

#[test]
fn invalid_utf8_deep_in_a_big_file_is_located() {
    let mut bytes = format!("{FRONT}---\n").into_bytes();
    bytes.extend("line\n".repeat(100_000).bytes());
    bytes.extend(b"caf\xe9\n");
    let parsed = parse_deal("non-UTF-8", bytes);
    assert_eq!(codes(&parsed), [Code::NotUtf8]);
    assert_eq!(parsed.diagnostics[0].line, 7 + 100_000);
    assert_eq!(parsed.diagnostics[0].column, 4);
}

// --- properties ------------------------------------------------------------------------------

/// Pieces of front matter and Markdown, valid and not, that reps and editors really write.
const FRONT_MATTER_PIECES: &[&str] = &[
    "title: Acme — renewal\n",
    "title: \"Quoted: with colon\"\n",
    "title: Call: Jane\n",
    "stage: proposal\n",
    "stage: Proposal\n",
    "stage: qualified\n",
    "stage: [demo]\n",
    "amount: 48000\n",
    "amount: \"$48,000\"\n",
    "amount: -1e400\n",
    "amount: .nan\n",
    "amount: 0x1F\n",
    "probability: 120\n",
    "close_date: 2026-12-15\n",
    "close_date: 12/15/2026\n",
    "close_date: 2026-02-30\n",
    "close_date: 2026-12-15T10:00:00Z\n",
    "account: [[Acme Corp]]\n",
    "account: \"[[Acme Corp|Acme]]\"\n",
    "account: [[]]\n",
    "decision_maker: {name: Jane}\n",
    "dm_engaged: yes\n",
    "dm_engaged: maybe\n",
    "tags: [a, b, #c]\n",
    "tags: a, b\n",
    "tags:\n  - x\n  - 1\n",
    "private: true\n",
    "type: contact\n",
    "type: account\n",
    "anchor: &x [1, 2]\n",
    "alias: *x\n",
    "alias: *missing\n",
    "tagged: !!binary aGVsbG8=\n",
    "tagged: !custom {a: 1}\n",
    "? complex key\n: value\n",
    "[1, 2]: flow key\n",
    "multi: |\n  line one\n  line two\n",
    "folded: >-\n  a\n  b\n",
    "\ttab: indented\n",
    "  indented: key\n",
    "- a list item\n",
    "key: 'unclosed\n",
    "key: \"unclosed\n",
    "key: [unclosed\n",
    "title: one\ntitle: two\n",
    "%YAML 1.2\n",
    "--- \n",
    "...\n",
    "# a comment\n",
    "emoji: 📅 🚀\n",
    "close_dat: 2026-01-01\n",
    "\r\n",
    "\n",
    "\u{feff}",
    ": empty key\n",
    "k: v: w\n",
    "k: @manager\n",
    "k: `code`\n",
];

const BODY_PIECES: &[&str] = &[
    "## Log\n",
    "# Log:\n",
    "Log\n---\n",
    "## Private\n",
    "### Private\n",
    "# Notes\n",
    "- 2026-11-20: Call with Jane\n",
    "- 2026-11-20 — Sent proposal\n",
    "- 2026-13-45: not a date\n",
    "- [ ] Send pricing due:2026-11-25\n",
    "- [x] Done due:2026-11-10\n",
    "- [ ] @manager Call VP 📅 2026-11-28\n",
    "- [ ] 📅\n",
    "  - [ ] nested task due:2026-12-01\n",
    "1. [ ] ordered task\n",
    "* [X] star task\n",
    "```\n- [ ] in code\n",
    "```\n",
    "    - [ ] indented code\n",
    "> - [ ] quoted task\n",
    "<!-- - [ ] commented -->\n",
    "<div>\n- [ ] html\n</div>\n",
    "See [[Jane Doe]] and [[companies/acme|Acme]].\n",
    "[[unclosed\n",
    "]] [[ ]] [[\n]]\n",
    "| a | b |\n|---|---|\n| - [ ] | x |\n",
    "[link]: http://x\n",
    "*emphasis **strong***\n",
    "\\\n",
    "&amp; &#0; &#x110000;\n",
    "é ü 日本 🎉\n",
    "\r\n",
    "\n",
    "---\n",
];

/// A file made of those pieces: front matter (closed or not), then a body.
fn near_valid_file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop::sample::select(FRONT_MATTER_PIECES), 0..16),
        any::<bool>(),
        prop::collection::vec(prop::sample::select(BODY_PIECES), 0..24),
    )
        .prop_map(|(front, closed, body)| {
            let mut text = String::from("---\n");
            front.iter().for_each(|piece| text.push_str(piece));
            if closed {
                text.push_str("---\n");
            }
            body.iter().for_each(|piece| text.push_str(piece));
            text.into_bytes()
        })
}

/// A valid deal, then a few bytes changed: inserted, removed or overwritten anywhere.
fn mutated_deal() -> impl Strategy<Value = Vec<u8>> {
    let valid = "---\ntitle: Acme — renewal\naccount: \"[[Acme Corp]]\"\namount: 48000\nstage: proposal\nclose_date: 2026-12-15\nnext_step: Send pricing\nnext_step_date: 2026-11-25\ntags: [renewal]\n---\nIntro with [[Jane Doe]].\n\n## Log\n- 2026-11-20: Call with Jane.\n\n## Tasks\n- [ ] Send revised pricing due:2026-11-25\n- [ ] @manager Call their VP 📅 2026-11-28\n\n## Private\nChampion is leaving.\n";
    prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..8).prop_map(
        move |edits| {
            let mut bytes = valid.as_bytes().to_vec();
            for (at, op, byte) in edits {
                let i = at.index(bytes.len() + 1);
                match op {
                    0 => bytes.insert(i, byte),
                    1 if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    _ if i < bytes.len() => bytes[i] = byte,
                    _ => bytes.push(byte),
                }
            }
            bytes
        },
    )
}

fn never_panics(bytes: &[u8]) {
    for kind in [Some(Kind::Deal), Some(Kind::Contact), None] {
        let parsed = parse_as(bytes, kind);
        assert_consistent(&parsed);
    }
}

proptest! {
    // `ProptestConfig::default()` honours PROPTEST_CASES (256 cases when unset).
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        never_panics(&bytes);
    }

    #[test]
    fn parsing_arbitrary_text_after_a_fence_never_panics(text in "---\r?\n\\PC{0,300}(\n---\n\\PC{0,200})?") {
        never_panics(text.as_bytes());
    }

    #[test]
    fn parsing_near_valid_files_never_panics(bytes in near_valid_file()) {
        never_panics(&bytes);
    }

    #[test]
    fn parsing_mutated_deals_never_panics(bytes in mutated_deal()) {
        never_panics(&bytes);
    }
}

/// Inputs the properties and the fuzz target found that once broke the parser. Each stays
/// here so it cannot come back.
#[test]
fn regressions_found_by_fuzzing() {
    let found: &[(&str, &[u8])] = &[];
    for (what, bytes) in found {
        let bytes = bytes.to_vec();
        within_limit(what, move || never_panics(&bytes));
    }
}
