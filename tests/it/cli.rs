//! The command line itself: where global flags may go, the environment, finding the vault,
//! `init`, `completions`, and the bundled example vault.

use crate::common;

use std::fs;

use common::{dealbook, json, md, stderr, stdout, TestVault, AS_OF, CLEAN_DEAL};

/// A vault whose one deal closes on 2026-12-15: fine on 2026-11-23, past on 2027-01-01.
fn vault() -> TestVault {
    TestVault::new()
        .config("owner: Sam\n")
        .file("deals/acme.md", CLEAN_DEAL)
        .file("contacts/jane.md", md(&["---", "name: Jane", "---"]))
}

fn codes(assert: &assert_cmd::assert::Assert) -> Vec<String> {
    json(assert)
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn global_flags_go_before_or_after_the_command() {
    let v = vault();
    let runs = [
        vec!["--vault", "VAULT", "check", "--as-of", AS_OF],
        vec!["check", "--vault", "VAULT", "--as-of", AS_OF],
        vec!["--as-of", AS_OF, "--vault", "VAULT", "check"],
        vec![
            "check", "--format", "text", "--as-of", AS_OF, "--vault", "VAULT",
        ],
    ];
    for args in runs {
        let args: Vec<&str> = args
            .iter()
            .map(|a| {
                if *a == "VAULT" {
                    v.path().to_str().unwrap()
                } else {
                    a
                }
            })
            .collect();
        let out = stdout(&dealbook().args(&args).assert().code(0));
        assert_eq!(
            out, "2 records checked: 0 errors and 0 warnings\n",
            "{args:?}"
        );
    }
}

#[test]
fn as_of_decides_what_is_overdue() {
    let v = vault();
    let run = |day: &str| {
        codes(
            &dealbook()
                .arg("--vault")
                .arg(v.path())
                .args(["check", "--format", "json", "--as-of", day])
                .assert(),
        )
    };
    assert!(run(AS_OF).is_empty());
    assert_eq!(
        run("2027-01-01"),
        ["close_date_past", "next_step_overdue", "stale"]
    );
}

#[test]
fn dealbook_vault_and_dealbook_today_come_from_the_environment() {
    let v = vault();
    let elsewhere = TestVault::new();
    let assert = dealbook()
        .current_dir(elsewhere.path())
        .env("DEALBOOK_VAULT", v.path())
        .env("DEALBOOK_TODAY", "2027-01-01")
        .args(["check", "--format", "json"])
        .assert()
        .code(0);
    assert_eq!(
        codes(&assert),
        ["close_date_past", "next_step_overdue", "stale"]
    );
}

#[test]
fn flags_win_over_the_environment() {
    let v = vault();
    let decoy = TestVault::new().file("deals/broken.md", "---\nstage: nope\n---\n");
    let assert = dealbook()
        .env("DEALBOOK_VAULT", decoy.path())
        .env("DEALBOOK_TODAY", "2027-01-01")
        .arg("--vault")
        .arg(v.path())
        .args(["check", "--as-of", AS_OF])
        .assert()
        .code(0);
    assert_eq!(
        stdout(&assert),
        "2 records checked: 0 errors and 0 warnings\n"
    );
}

#[test]
fn bad_environment_values_are_usage_errors() {
    let v = vault();
    let err = stderr(
        &dealbook()
            .env("DEALBOOK_TODAY", "next tuesday")
            .arg("--vault")
            .arg(v.path())
            .arg("check")
            .assert()
            .code(2),
    );
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let err = stderr(
        &dealbook()
            .env("DEALBOOK_VAULT", v.join("missing"))
            .args(["check", "--as-of", AS_OF])
            .assert()
            .code(2),
    );
    assert!(err.contains("missing"), "{err}");
}

#[test]
fn the_vault_is_found_upward_from_a_subfolder() {
    let v = vault().file(
        "deals/2026/q4/globex.md",
        md(&["---", "stage: nope", "---"]),
    );
    let assert = dealbook()
        .current_dir(v.join("deals/2026/q4"))
        .args(["check", "--as-of", AS_OF])
        .assert()
        .code(1);
    let out = stdout(&assert);
    assert!(out.contains("globex.md:2:8: error: unknown stage"), "{out}");
    assert!(
        out.ends_with("3 records checked: 1 error and 0 warnings\n"),
        "{out}"
    );

    let assert = dealbook()
        .current_dir(v.join("contacts"))
        .args(["list", "deals", "--format", "json"])
        .assert()
        .success();
    assert_eq!(json(&assert)[0]["id"], "acme");
}

#[test]
fn without_a_config_the_current_folder_is_the_vault() {
    let v = TestVault::new()
        .file("deals/acme.md", CLEAN_DEAL)
        .file("deals/globex.md", CLEAN_DEAL);
    let out = stdout(&v.cmd_inside(&["check"]).code(0));
    assert_eq!(out, "2 records checked: 0 errors and 0 warnings\n");
}

#[test]
fn paths_are_shown_relative_to_the_current_folder() {
    let v = vault().file("deals/bad.md", "---\nstage: nope\n---\n");
    let out = stdout(&v.cmd_inside(&["check"]).code(1));
    assert!(out.starts_with("deals/bad.md:2:8: error:"), "{out}");
    let out = stdout(
        &dealbook()
            .current_dir(v.path())
            .args(["--vault", ".", "check", "--as-of", AS_OF])
            .assert()
            .code(1),
    );
    assert!(out.starts_with("deals/bad.md:2:8: error:"), "{out}");
}

#[test]
fn init_creates_a_vault_that_checks_clean() {
    let root = TestVault::new();
    let dir = root.join("my-book");
    let out = stdout(
        &dealbook()
            .arg("init")
            .arg(&dir)
            .args(["--as-of", AS_OF])
            .assert()
            .code(0),
    );
    assert!(out.contains("Created a vault"), "{out}");
    for file in [
        "dealbook.yaml",
        ".gitignore",
        "deals/acme-pilot.md",
        "contacts/jane-doe.md",
    ] {
        assert!(dir.join(file).is_file(), "{file} is created");
    }
    let deal = fs::read_to_string(dir.join("deals/acme-pilot.md")).unwrap();
    assert!(deal.contains(&format!("created: {AS_OF}")), "{deal}");

    let check = dealbook()
        .arg("--vault")
        .arg(&dir)
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .assert()
        .code(0);
    let diagnostics = json(&check);
    assert!(
        diagnostics
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] == "warning"),
        "{diagnostics:#?}"
    );
    let list = dealbook()
        .arg("--vault")
        .arg(&dir)
        .args(["list", "contacts", "--format", "json"])
        .assert()
        .success();
    assert_eq!(json(&list)[0]["id"], "jane-doe");
}

#[test]
fn init_refuses_an_existing_vault_and_changes_nothing() {
    let v = TestVault::new().config("owner: Sam\n# my settings\n");
    let err = stderr(&dealbook().arg("init").arg(v.path()).assert().code(2));
    assert!(err.contains("already a vault"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(
        fs::read_to_string(v.join("dealbook.yaml")).unwrap(),
        "owner: Sam\n# my settings\n"
    );
    let entries: Vec<_> = fs::read_dir(v.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "only dealbook.yaml: {entries:?}");
}

#[test]
fn init_in_a_folder_with_notes_adopts_them_and_touches_none() {
    let v = TestVault::new()
        .file("deals/acme-pilot.md", "mine\n")
        .file(".gitignore", "node_modules\n*.swp\n");
    let out = stdout(&dealbook().arg("init").arg(v.path()).assert().success());
    assert!(out.contains("Adopted 1 Markdown notes"), "{out}");
    assert_eq!(
        fs::read_to_string(v.join("deals/acme-pilot.md")).unwrap(),
        "mine\n"
    );
    assert!(v.join("dealbook.yaml").is_file());
    assert!(
        !v.join("contacts/jane-doe.md").exists(),
        "no sample records"
    );
    let gitignore = fs::read_to_string(v.join(".gitignore")).unwrap();
    assert!(
        gitignore.starts_with("node_modules\n*.swp\n# dealbook\n"),
        "{gitignore}"
    );
    assert_eq!(gitignore.matches("*.swp").count(), 1, "{gitignore}");
    assert!(gitignore.contains(".dealbook-*.tmp\n"), "{gitignore}");
    // A second init finds the config and changes nothing.
    dealbook().arg("init").arg(v.path()).assert().code(2);
}

#[test]
fn completions_print_a_script() {
    let out = stdout(&dealbook().args(["completions", "bash"]).assert().success());
    assert!(
        out.contains("_dealbook()"),
        "{}",
        &out[..out.len().min(300)]
    );
    assert!(
        out.contains("complete -F _dealbook"),
        "registers the function"
    );
    assert!(
        out.contains("dealbook __complete --shell bash"),
        "asks dealbook on each TAB"
    );
    let zsh = stdout(&dealbook().args(["completions", "zsh"]).assert().success());
    assert!(
        zsh.starts_with("#compdef dealbook"),
        "{}",
        &zsh[..zsh.len().min(100)]
    );
    let fish = stdout(&dealbook().args(["completions", "fish"]).assert().success());
    assert!(fish.contains("complete -c dealbook"), "{fish}");
    let powershell = stdout(
        &dealbook()
            .args(["completions", "powershell"])
            .assert()
            .success(),
    );
    assert!(
        powershell.contains("'check'"),
        "clap's script names the commands"
    );
    dealbook().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn help_and_version() {
    let out = stdout(&dealbook().arg("--help").assert().success());
    assert!(out.contains("check"), "{out}");
    let out = stdout(&dealbook().arg("--version").assert().success());
    assert!(out.starts_with("dealbook "), "{out}");
    dealbook().assert().code(2);
}

#[test]
fn the_example_vault_checks_without_errors() {
    let assert = dealbook()
        .args(["--vault", "example-vault", "check", "--as-of", AS_OF])
        .assert()
        .code(0);
    let out = stdout(&assert);
    assert!(!out.contains(": error:"), "{out}");
    assert!(out.contains("records checked: 0 errors"), "{out}");
    assert!(
        out.contains("example-vault/deals/"),
        "paths as typed: {out}"
    );

    let assert = dealbook()
        .args([
            "--vault",
            "example-vault",
            "list",
            "deals",
            "--format",
            "json",
        ])
        .args(["--as-of", AS_OF])
        .assert()
        .success();
    assert!(json(&assert).as_array().unwrap().len() >= 10);
}
