//! The README's examples run as written: every `dealbook …` example in its command table, on a
//! fresh copy of the example vault, and its template example renders one line per deal.

use std::path::Path;

use crate::common::{example, stdout, AS_OF};

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// A command line split into words, honouring double quotes; a `> FILE` redirect ends it.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '>' if !quoted && !in_word => break,
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The `dealbook …` examples in the second column of the Commands table.
fn command_examples(readme: &str) -> Vec<Vec<String>> {
    let table = readme
        .split_once("| command | example |")
        .expect("the Commands table")
        .1;
    table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .filter_map(|row| {
            let example = row.rsplit(" | ").next()?;
            let start = example.find("`dealbook ")? + 1;
            let end = start + example[start..].find('`')?;
            Some(words(&example[start..end])[1..].to_vec())
        })
        .collect()
}

#[test]
fn every_command_example_runs_on_the_example_vault() {
    let readme = readme();
    let examples = command_examples(&readme);
    assert!(examples.len() >= 19, "{examples:?}");
    for args in examples {
        let v = example();
        match args.first().map(String::as_str) {
            // They run until stopped: tests/it/watch.rs and tests/it/serve.rs drive them.
            Some("watch" | "serve") => continue,
            // They read the vault's git history, which the bundled example turns off.
            Some("history" | "review") => with_history(&v),
            _ => {}
        }
        if args.first().map(String::as_str) == Some("import") {
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/import/salesforce/opportunities.csv"),
                v.join("opportunities.csv"),
            )
            .unwrap();
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let assert = v.cmd_inside(&args);
        let output = assert.get_output();
        assert!(
            output.status.success(),
            "`dealbook {}` exited {:?}: {}",
            args.join(" "),
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The vault as a git repository with one commit, and history on.
fn with_history(v: &crate::common::TestVault) {
    let config = std::fs::read_to_string(v.join("dealbook.yaml")).unwrap();
    std::fs::write(
        v.join("dealbook.yaml"),
        config.replace("history: false", ""),
    )
    .unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(v.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", v.path())
            .args(["-c", "user.name=Sam", "-c", "user.email=sam@example.com"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "My book"]);
}

#[test]
fn the_quick_start_runs_the_prep_sheet_the_tests_see() {
    let readme = readme();
    assert!(readme.contains(&format!(
        "cargo run --release -- --vault example-vault --as-of {AS_OF} prep"
    )));
    assert!(readme.contains("cargo install --locked --path ."));
    let prep = stdout(&example().cmd(&["prep"]).success());
    assert!(
        prep.starts_with("# One-on-one prep — Sam Rivera with Pat Lee"),
        "{prep}"
    );
}

#[test]
fn the_template_example_renders_one_line_per_deal() {
    let readme = readme();
    let after = readme.split_once("`templates/closing.md`:").unwrap().1;
    let template = after
        .split_once("```jinja\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .unwrap()
        .0;
    let v = example();
    let shipped = std::fs::read_to_string(v.join("templates/closing.md")).unwrap();
    assert_eq!(
        shipped, template,
        "the example vault ships the README's template"
    );
    let text = stdout(&v.cmd(&["render", "closing.md"]).success());
    let closing: usize = crate::common::json(&v.cmd(&["pipeline", "--format", "json"]).success())
        ["deals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["in_period"] == true)
        .count();
    assert!(closing > 3);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), closing, "one line per deal: {text}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("- ") && l.contains(" days")),
        "{text}"
    );
}

/// "Errors explained" has one row per code, with its severity and the words the editor's
/// hover shows (`Code::explain`): the two are one text.
#[test]
fn the_errors_table_is_what_each_code_explains() {
    let readme = readme();
    let table = readme
        .split_once("| code | severity | meaning |")
        .expect("the Errors explained table")
        .1;
    let rows: Vec<String> = table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = dealbook::Code::ALL
        .iter()
        .map(|code| {
            format!(
                "| `{}` | {} | {} |",
                code.as_str(),
                code.severity(),
                code.explain()
            )
        })
        .collect();
    assert_eq!(rows, expected);
}
