//! The pipeline report and the prep sheet, driven through the real binary.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

const AS_OF: &str = "2026-11-23";

fn dealbook() -> Command {
    let mut cmd = Command::cargo_bin("dealbook").unwrap();
    cmd.env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY");
    cmd
}

fn vault(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

/// `dealbook --vault VAULT --as-of AS_OF ARGS…`, finished.
fn outcome(vault: &Path, args: &[&str]) -> std::process::Output {
    dealbook()
        .arg("--vault")
        .arg(vault)
        .args(["--as-of", AS_OF])
        .args(args)
        .output()
        .unwrap()
}

/// `outcome`, which must run (exit 0, or 1 when it says it left something out): its stdout.
fn run(vault: &Path, args: &[&str]) -> String {
    let output = outcome(vault, args);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn built_in_reports_on_the_example_vault() {
    for report in ["pipeline", "prep"] {
        for format in ["md", "html"] {
            for audience in ["me", "manager"] {
                let args = [report, "--format", format, "--audience", audience];
                let text = run(Path::new("example-vault"), &args);
                insta::assert_snapshot!(format!("{report}_{format}_{audience}"), text);
            }
        }
    }
}

#[test]
fn pipeline_json_on_the_example_vault() {
    let text = run(
        Path::new("example-vault"),
        &["pipeline", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in [
        "as_of",
        "period",
        "currency",
        "quota",
        "closed_won",
        "commit",
        "best_case",
        "pipeline",
        "gap_to_quota",
        "coverage",
        "open",
        "by_stage",
        "deals",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    for key in [
        "id",
        "title",
        "stage",
        "amount",
        "probability",
        "weighted",
        "close_date",
        "forecast",
        "flags",
    ] {
        assert!(
            json["deals"][0].get(key).is_some(),
            "deals[0] missing {key}"
        );
    }
    insta::assert_snapshot!("pipeline_json_me", text);
}

#[test]
fn prep_json_carries_the_pipeline_numbers_and_its_sections() {
    let pipeline: serde_json::Value = serde_json::from_str(&run(
        Path::new("example-vault"),
        &["pipeline", "--format", "json"],
    ))
    .unwrap();
    let prep: serde_json::Value = serde_json::from_str(&run(
        Path::new("example-vault"),
        &["prep", "--format", "json"],
    ))
    .unwrap();
    for key in [
        "quota",
        "closed_won",
        "commit",
        "best_case",
        "pipeline",
        "gap_to_quota",
        "coverage",
        "open",
    ] {
        assert_eq!(pipeline[key], prep[key], "{key}");
    }
    for section in [
        "changes",
        "needs_help",
        "reviews",
        "asks",
        "commitments",
        "added",
        "since",
    ] {
        assert!(prep.get(section).is_some(), "missing {section}");
    }
}

#[test]
fn output_is_byte_identical_run_to_run() {
    // The deal views are computed on every core: one thread and four must give the same bytes.
    let on_threads = |threads: &str, args: &[&str]| {
        let output = dealbook()
            .env("RAYON_NUM_THREADS", threads)
            .arg("--vault")
            .arg("example-vault")
            .args(["--as-of", AS_OF])
            .args(args)
            .output()
            .unwrap();
        assert!(matches!(output.status.code(), Some(0 | 1)));
        output.stdout
    };
    for report in ["pipeline", "prep"] {
        for format in ["md", "html", "json"] {
            for audience in ["me", "manager"] {
                let args = [report, "--format", format, "--audience", audience];
                let one = on_threads("1", &args);
                let four = on_threads("4", &args);
                assert!(!one.is_empty());
                assert_eq!(one, four, "{report} {format} {audience}");
            }
        }
    }
}

const CANARIES: [&str; 6] = [
    "CANARY-PRIVATE-DEAL",
    "CANARY-PRIVATE-SECTION",
    "CANARY-PRIVATE-FIELD",
    "CANARY-PRIVATE-LOG",
    "CANARY-CONTACT-FIELD",
    "777,777",
];

fn privacy_vault() -> TempDir {
    vault(&[
        ("dealbook.yaml", "quota: { 2026-Q4: 100000 }\nprivate_fields: [personal_notes]\n"),
        (
            "deals/secret.md",
            "---\ntitle: CANARY-PRIVATE-DEAL side project\nstage: negotiation\namount: 777777\nclose_date: 2026-12-01\nprivate: true\nnext_step: x\nnext_step_date: 2026-11-30\n---\n## Log\n- 2026-11-22: CANARY-PRIVATE-DEAL call\n\n## Tasks\n- [ ] @manager CANARY-PRIVATE-DEAL ask due:2026-11-25\n",
        ),
        (
            "deals/open.md",
            "---\ntitle: Open deal\nstage: proposal\namount: 10000\nclose_date: 2026-12-10\nnext_step: Call\nnext_step_date: 2026-11-30\npersonal_notes: CANARY-PRIVATE-FIELD\ndecision_maker: jane\n---\nPublic summary.\n\n## Log\n- 2026-11-22: Public call\n\n## Private\nCANARY-PRIVATE-SECTION: champion is leaving.\n\n### Notes\n- [ ] @manager CANARY-PRIVATE-SECTION ask due:2026-11-25\n\n## Log of my doubts\n- 2026-11-21: fine\n",
        ),
        (
            "deals/other.md",
            "---\ntitle: Other deal\nstage: demo\namount: 5000\nclose_date: 2026-12-20\n---\n## Log\n- 2026-11-20: Public note\n\n# Private\n## Log\n- 2026-11-21: CANARY-PRIVATE-LOG\n",
        ),
        (
            "contacts/jane.md",
            "---\nname: Jane Doe\npersonal_notes: CANARY-CONTACT-FIELD\n---\n",
        ),
    ])
}

#[test]
fn nothing_private_reaches_the_manager() {
    let dir = privacy_vault();
    for report in ["pipeline", "prep"] {
        for format in ["md", "html", "json"] {
            let args = [report, "--format", format, "--audience", "manager"];
            let text = run(dir.path(), &args);
            for canary in CANARIES {
                assert!(
                    !text.contains(canary),
                    "{report} {format} leaks {canary}:\n{text}"
                );
            }
            assert!(
                text.contains("Open deal"),
                "{report} {format} lost the public deal"
            );
        }
    }
    // A custom template sees the same redacted context.
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::write(
        dir.path().join("templates/dump.md"),
        "{{ deals | tojson }} {{ reviews | tojson }}",
    )
    .unwrap();
    let text = run(dir.path(), &["render", "dump.md", "--audience", "manager"]);
    for canary in CANARIES {
        assert!(!text.contains(canary), "render leaks {canary}");
    }
}

#[test]
fn the_rep_sees_everything() {
    let dir = privacy_vault();
    let text = run(dir.path(), &["prep", "--format", "json"]);
    for canary in &CANARIES[..5] {
        if *canary != "CANARY-CONTACT-FIELD" {
            assert!(text.contains(canary), "the rep's own view lacks {canary}");
        }
    }
    let pipeline: serde_json::Value =
        serde_json::from_str(&run(dir.path(), &["pipeline", "--format", "json"])).unwrap();
    // open: 777,777 + 10,000 + 5,000
    assert_eq!(pipeline["open"]["amount"], 792777);
    let manager: serde_json::Value = serde_json::from_str(&run(
        dir.path(),
        &["pipeline", "--format", "json", "--audience", "manager"],
    ))
    .unwrap();
    assert_eq!(manager["open"]["amount"], 15000);
    assert_eq!(manager["commit"], 0);
}

#[test]
fn html_escapes_what_the_rep_wrote() {
    let dir = vault(&[(
        "deals/x.md",
        "---\ntitle: <script>alert(1)</script>\nstage: demo\namount: 100\nclose_date: 2026-12-01\n---\n",
    )]);
    for report in ["pipeline", "prep"] {
        let text = run(dir.path(), &[report, "--format", "html"]);
        assert!(
            !text.contains("<script>alert(1)</script>"),
            "{report} does not escape"
        );
        assert!(
            text.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
                || text.contains("&lt;script&gt;")
        );
    }
}

#[test]
fn a_vault_template_overrides_the_built_in_and_render_runs_any_template() {
    let dir = vault(&[
        ("deals/a.md", "---\nstage: demo\namount: 1500\nclose_date: 2026-12-01\n---\n"),
        ("templates/pipeline.md", "Custom: {{ open.count }} open, {{ open.amount | money }}\n"),
        (
            "templates/closing.md",
            "{% for d in deals %}{{ d.id }} closes in {{ as_of | days_between(d.close_date) }} days ({{ d.close_date | date(\"%b %-d\") }}), {{ (d.probability / 100) | percent }}\n{% endfor %}",
        ),
    ]);
    assert_eq!(run(dir.path(), &["pipeline"]), "Custom: 1 open, $1,500\n");
    assert_eq!(
        run(dir.path(), &["render", "closing.md"]),
        "a closes in 8 days (Dec 1), 40%\n"
    );
    assert!(run(dir.path(), &["render", "prep.md"]).contains("# One-on-one prep"));
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let dir = vault(&[
        ("deals/a.md", "---\nstage: demo\n---\n"),
        (
            "templates/bad.md",
            "# Deals\n\n{% for d in deals %}{{ d.stgae }}{% endfor %}\n",
        ),
    ]);
    let output = outcome(dir.path(), &["render", "bad.md"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("template bad.md, line 3: undefined value"),
        "{stderr}"
    );

    let missing = outcome(dir.path(), &["render", "nope.md"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.md"));
}

#[test]
fn a_broken_file_is_reported_and_the_rest_renders() {
    let dir = vault(&[
        (
            "deals/good.md",
            "---\ntitle: Good deal\nstage: demo\namount: 100\nclose_date: 2026-12-01\n---\n",
        ),
        (
            "deals/broken.md",
            "---\ntitle: Broken\nstage: demo\namount: [oops\n---\n",
        ),
    ]);
    // The broken file is named, and the exit status says the report is incomplete.
    let output = outcome(dir.path(), &["pipeline"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("Good deal"));
    assert!(
        stderr.contains("broken.md:4:9: error: invalid YAML"),
        "{stderr}"
    );
}

#[test]
fn output_file_and_build() {
    let dir = vault(&[
        (
            "dealbook.yaml",
            "outputs:\n  - { template: pipeline.md, to: reports/pipeline.md }\n  - { template: prep.html, to: reports/prep.html, audience: manager }\n",
        ),
        ("deals/a.md", "---\nstage: demo\namount: 100\nclose_date: 2026-12-01\n---\n"),
    ]);
    let out = dir.path().join("out/pipeline.md");
    run(dir.path(), &["pipeline", "-o", out.to_str().unwrap()]);
    let written = fs::read_to_string(&out).unwrap();
    assert_eq!(written, run(dir.path(), &["pipeline"]));

    let build = |expected: &str| {
        let output = outcome(dir.path(), &["build"]);
        assert!(output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.matches(expected).count(), 2, "{stderr}");
    };
    build("wrote ");
    assert!(dir.path().join("reports/prep.html").is_file());
    build("unchanged ");
}

#[test]
fn bad_period_is_a_usage_error() {
    let output = dealbook()
        .args([
            "--vault",
            "example-vault",
            "pipeline",
            "--period",
            "2026-Q5",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("YYYY-Qn"));
}

#[test]
fn period_and_since_change_the_numbers() {
    let text = run(
        Path::new("example-vault"),
        &["pipeline", "--format", "json", "--period", "2026-Q3"],
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["period"]["label"], "2026-Q3");
    assert_eq!(json["quota"], 250000);
    let prep = run(
        Path::new("example-vault"),
        &["prep", "--format", "json", "--since", "2026-11-01"],
    );
    let json: serde_json::Value = serde_json::from_str(&prep).unwrap();
    assert_eq!(json["since"], "2026-11-01");
}

/// The reports keep of contacts and accounts only what they show: their names and tasks.
#[test]
fn contacts_tasks_and_names_reach_the_reports() {
    let v = vault(&[
        (
            "deals/acme.md",
            "---\ntitle: Acme\nstage: proposal\namount: 1000\nclose_date: 2026-12-15\ndecision_maker: jane\n---\n",
        ),
        (
            "contacts/jane.md",
            "---\nname: Jane Doe\nemail: jane@acme.example\n---\nLong notes.\n\n## Tasks\n- [ ] Send Jane the case study due:2026-11-25\n",
        ),
    ]);
    let prep = run(v.path(), &["prep"]);
    assert!(prep.contains("Send Jane the case study"), "{prep}");
    assert!(prep.contains("(Jane Doe)"), "{prep}");
    let json = run(v.path(), &["prep", "--format", "json"]);
    assert!(json.contains("\"decision_maker\": \"Jane Doe\""), "{json}");
}

/// A template that fails while rendering to stdout is an error naming its line, exit 1.
#[test]
fn a_template_error_while_printing_is_reported() {
    let v = vault(&[
        ("deals/acme.md", "---\nstage: demo\n---\n"),
        (
            "templates/broken.md",
            "{% for d in deals %}\n{{ d.title }} {{ d.nope.deeper }}\n{% endfor %}\n",
        ),
    ]);
    let output = outcome(v.path(), &["render", "broken.md"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("template broken.md, line 2"), "{stderr}");
}

/// A reader that stops early (`dealbook prep | head`) is no error: exit 0, nothing on stderr,
/// though the report is written while it renders.
#[test]
fn a_reader_that_stops_early_is_no_error() {
    let files: Vec<(String, String)> = (0..800)
        .map(|i| {
            let text = format!(
                "---\ntitle: Deal number {i} with a long enough title\nstage: demo\namount: {}\nclose_date: 2026-12-15\n---\n",
                1000 + i
            );
            (format!("deals/deal-{i}.md"), text)
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let v = vault(&files);
    // Far more than a pipe holds, so the writes after the reader left do fail.
    assert!(run(v.path(), &["prep"]).len() > 256 * 1024);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dealbook"))
        .env_remove("DEALBOOK_VAULT")
        .env_remove("DEALBOOK_TODAY")
        .arg("--vault")
        .arg(v.path())
        .args(["--as-of", AS_OF, "prep"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut child.stdout.take().unwrap(), &mut first).unwrap();
    let finished = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&finished.stderr);
    assert!(finished.status.success(), "{stderr}");
    assert_eq!(stderr, "");
}
