//! Shell completion: `dealbook __complete`, which the scripts of `completions` run on each TAB,
//! completes commands and the vault's ids, fields, stages and templates; and the bash script
//! itself, sourced into bash, fills COMPREPLY from it.

use std::path::Path;

use crate::common::{dealbook, example, have, stdout, TestVault};

const STAGES: [&str; 7] = [
    "prospecting",
    "discovery",
    "demo",
    "proposal",
    "negotiation",
    "closed_won",
    "closed_lost",
];

/// The candidates for the last of `words` (the words after `dealbook`), asked from a folder
/// that is no vault, so only `--vault` (or `DEALBOOK_VAULT`) can name one.
fn complete(words: &[&str]) -> Vec<String> {
    complete_with(&[], words)
}

fn complete_with(env: &[(&str, &Path)], words: &[&str]) -> Vec<String> {
    let elsewhere = TestVault::new();
    let mut cmd = dealbook();
    cmd.current_dir(elsewhere.path());
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = stdout(
        &cmd.arg("__complete")
            .arg("--")
            .args(words)
            .assert()
            .success(),
    );
    out.lines().map(String::from).collect()
}

fn vault_flag(v: &TestVault) -> String {
    v.path().to_str().expect("a UTF-8 temp path").to_string()
}

#[test]
fn commands_and_flags() {
    let commands = complete(&[""]);
    for command in ["init", "check", "list", "set", "completions"] {
        assert!(commands.contains(&command.to_string()), "{commands:?}");
    }
    assert!(
        !commands.iter().any(|c| c.starts_with("__")),
        "{commands:?}"
    );
    assert_eq!(complete(&["se"]), ["serve", "set"]);
    assert_eq!(
        complete(&["list", ""]),
        ["deals", "contacts", "accounts", "tasks"]
    );
    assert_eq!(complete(&["export", ""]), ["deals", "contacts", "accounts"]);
    assert_eq!(complete(&["list", "deals", "--fo"]), ["--format"]);
}

#[test]
fn ids_after_set_from_the_vault_named_by_vault() {
    let v = example();
    let ids = complete(&["--vault", &vault_flag(&v), "set", ""]);
    for id in ["acme-platform-renewal", "jane-doe", "acme"] {
        assert!(ids.contains(&id.to_string()), "{id} in {ids:?}");
    }
    assert_eq!(
        complete(&["set", "--vault", &vault_flag(&v), "acme-pl"]),
        ["acme-platform-renewal"],
        "--vault after the command"
    );
    assert_eq!(
        complete_with(&[("DEALBOOK_VAULT", v.path())], &["set", "acme-pl"]),
        ["acme-platform-renewal"],
        "DEALBOOK_VAULT"
    );
    assert!(
        complete(&["set", ""]).is_empty(),
        "no vault here, so no ids"
    );
}

#[test]
fn only_deals_where_only_a_deal_will_do() {
    let v = example();
    let vault = vault_flag(&v);
    let deals = complete(&["--vault", &vault, "close", ""]);
    assert!(
        deals.contains(&"acme-platform-renewal".to_string()),
        "{deals:?}"
    );
    assert!(!deals.contains(&"jane-doe".to_string()), "{deals:?}");
    assert_eq!(
        complete(&["--vault", &vault, "whatif", "--slip", "acme-pl"]),
        ["acme-platform-renewal="]
    );
    assert_eq!(
        complete(&["--vault", &vault, "whatif", "--win", "acme-pl"]),
        ["acme-platform-renewal"]
    );
}

#[test]
fn field_names_after_set_id() {
    let v = example();
    let vault = vault_flag(&v);
    let fields = complete(&["--vault", &vault, "set", "acme-platform-renewal", ""]);
    for field in ["stage=", "close_date=", "amount=", "forecast="] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }
    assert!(
        !fields.contains(&"email=".to_string()),
        "a contact's field: {fields:?}"
    );
    let contact = complete(&["--vault", &vault, "set", "jane-doe", "em"]);
    assert_eq!(contact, ["email="]);
    let unset = complete(&["--vault", &vault, "unset", "acme-platform-renewal", "next"]);
    assert_eq!(unset, ["next_step", "next_step_date"]);
}

#[test]
fn values_after_set_id_field() {
    let v = example();
    let vault = vault_flag(&v);
    let set = |typed: &str| complete(&["--vault", &vault, "set", "acme-platform-renewal", typed]);
    let stages: Vec<String> = STAGES.iter().map(|s| format!("stage={s}")).collect();
    assert_eq!(set("stage="), stages);
    assert_eq!(set("stage=neg"), ["stage=negotiation"]);
    assert_eq!(
        set("forecast="),
        [
            "forecast=pipeline",
            "forecast=best_case",
            "forecast=commit",
            "forecast=omitted"
        ]
    );
    assert_eq!(set("dm_engaged="), ["dm_engaged=true", "dm_engaged=false"]);
    assert!(set("account=").contains(&"account=acme".to_string()));
    assert!(set("champion=").contains(&"champion=jane-doe".to_string()));
    assert!(!set("champion=").contains(&"champion=acme".to_string()));
}

#[test]
fn stage_aliases_from_the_config() {
    let v = TestVault::new()
        .config("stage_aliases:\n  Verbal: negotiation\n")
        .file("deals/acme.md", "---\ntitle: Acme\nstage: demo\n---\n");
    let found = complete(&["--vault", &vault_flag(&v), "set", "acme", "stage=ne"]);
    assert_eq!(found, ["stage=negotiation"]);
    let found = complete(&["--vault", &vault_flag(&v), "set", "acme", "stage=V"]);
    assert_eq!(found, ["stage=Verbal"]);
}

#[test]
fn template_names_after_render() {
    let v = example();
    let templates = complete(&["--vault", &vault_flag(&v), "render", ""]);
    for name in ["closing.md", "pipeline.md", "prep.html", "whatif.md"] {
        assert!(
            templates.contains(&name.to_string()),
            "{name} in {templates:?}"
        );
    }
    assert_eq!(
        complete(&["--vault", &vault_flag(&v), "render", "clo"]),
        ["closing.md"]
    );
}

#[test]
fn field_names_after_where() {
    let v = example();
    let vault = vault_flag(&v);
    let fields = complete(&["--vault", &vault, "list", "deals", "--where", ""]);
    for field in [
        "stage",
        "amount",
        "close_date",
        "weighted",
        "days_in_stage",
        "flags",
    ] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }
    assert_eq!(
        complete(&[
            "--vault",
            &vault,
            "list",
            "deals",
            "--where",
            "stage=demo and am"
        ]),
        ["stage=demo and amount"]
    );
    let contacts = complete(&["--vault", &vault, "list", "contacts", "--where", "em"]);
    assert_eq!(contacts, ["email"]);
}

#[test]
fn titles_in_a_small_vault_once_something_is_typed() {
    let v = example();
    let found = complete(&["--vault", &vault_flag(&v), "log", "Jane D"]);
    assert_eq!(found, ["Jane Doe"]);
}

/// `_dealbook` run in bash with COMP_WORDS as bash splits the line (at `=` too), from a folder
/// inside the example vault: COMPREPLY, one entry a line.
fn bash_completes(vault: &TestVault, words: &[&str]) -> Vec<String> {
    let script = vault.join("dealbook.bash");
    std::fs::write(
        &script,
        stdout(&dealbook().args(["completions", "bash"]).assert().success()),
    )
    .expect("write the script");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source {}\nCOMP_WORDS=({})\nCOMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n_dealbook\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" ")
    );
    let binary = assert_cmd::cargo::cargo_bin("dealbook");
    let path = std::env::join_paths(
        std::iter::once(binary.parent().expect("a folder").to_path_buf()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ),
    )
    .expect("a PATH");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(program)
        .current_dir(vault.join("deals"))
        .env("PATH", path)
        .env_remove("DEALBOOK_VAULT")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn the_bash_script_completes_ids_and_stages() {
    if !have("bash") {
        return;
    }
    let v = example();
    let ids = bash_completes(&v, &["dealbook", "set", ""]);
    assert!(
        ids.contains(&"acme-platform-renewal".to_string()),
        "{ids:?}"
    );
    assert_eq!(
        bash_completes(&v, &["dealbook", "set", "acme-pl"]),
        ["acme-platform-renewal"]
    );
    let stages = bash_completes(
        &v,
        &["dealbook", "set", "acme-platform-renewal", "stage", "="],
    );
    assert_eq!(stages, STAGES);
    let stages = bash_completes(
        &v,
        &[
            "dealbook",
            "set",
            "acme-platform-renewal",
            "stage",
            "=",
            "neg",
        ],
    );
    assert_eq!(stages, ["negotiation"]);
    let elsewhere = TestVault::new();
    let vault = vault_flag(&v);
    assert_eq!(
        bash_completes(
            &elsewhere.file("deals/x.md", "---\ntitle: X\n---\n"),
            &["dealbook", "--vault", "=", &vault, "close", "acme-pl"]
        ),
        ["acme-platform-renewal"],
        "--vault=DIR, split by bash"
    );
    assert_eq!(
        bash_completes(&v, &["dealbook", "log", "Jane\\ D"]),
        ["Jane\\ Doe"],
        "a title, backslashed as bash inserts it"
    );
}
