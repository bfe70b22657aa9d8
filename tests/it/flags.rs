//! Flags that mean something (seed 002): unknown is not no. A missing decision-maker or ROI
//! answer is an open question from the stage `ask_from` names on, and nothing before it;
//! only an explicit `false` is a red flag; the prep card's words and its chips agree.

use serde_json::Value;

use crate::common::{json, stdout, TestVault};

fn deal(stage: &str, extra: &str) -> String {
    format!(
        "---\ntitle: {stage} deal\namount: 10000\nstage: {stage}\nclose_date: 2026-12-15\nnext_step: Call\nnext_step_date: 2026-11-25\n{extra}---\n## Log\n- 2026-11-20: Call.\n"
    )
}

fn flags(report: &Value, id: &str) -> Vec<String> {
    let deal = report["deals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {report:#}"));
    deal["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

fn review<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["deal"]["id"] == id)
        .unwrap_or_else(|| panic!("review of {id}"))
}

fn gaps(report: &Value, id: &str) -> Vec<String> {
    review(report, id)["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_new_deal_carries_no_seed_002_flags() {
    let v = TestVault::new().config("history: false\n");
    v.cmd(&[
        "new",
        "deal",
        "Fresh start",
        "stage=proposal",
        "amount=5000",
        "close_date=2026-12-20",
    ])
    .success();
    let text = std::fs::read_to_string(v.join("deals/fresh-start.md")).unwrap();
    for field in ["dm_engaged", "roi_accepted", "decision_maker"] {
        assert!(!text.contains(field), "new writes no {field}: {text}");
    }
    let report = json(&v.cmd(&["prep", "--format", "json"]).success());
    let flags = flags(&report, "fresh-start");
    assert!(
        !flags
            .iter()
            .any(|f| f == "dm_not_engaged" || f == "roi_not_accepted"),
        "{flags:?}"
    );
    // From proposal on, both are questions for the one-on-one.
    assert_eq!(
        gaps(&report, "fresh-start"),
        [
            "decision_maker",
            "decision_maker_engaged",
            "roi_accepted",
            "next_step",
            "buying_signals",
            "who_what_when"
        ]
    );
}

#[test]
fn before_ask_from_a_missing_answer_is_neither_flagged_nor_asked() {
    let v = TestVault::new()
        .config("history: false\n")
        .file("deals/prospect.md", deal("prospecting", ""))
        .file("deals/disco.md", deal("discovery", ""))
        .file("deals/demo.md", deal("demo", ""))
        .file("deals/prop.md", deal("proposal", ""));
    let report = json(&v.cmd(&["prep", "--format", "json"]).success());
    for id in ["prospect", "disco", "demo", "prop"] {
        assert!(
            flags(&report, id).is_empty(),
            "{id}: {:?}",
            flags(&report, id)
        );
    }
    let asks = |id: &str| {
        let gaps = gaps(&report, id);
        (
            gaps.contains(&"decision_maker".to_string()),
            gaps.contains(&"roi_accepted".to_string()),
        )
    };
    assert_eq!(asks("prospect"), (false, false));
    assert_eq!(asks("disco"), (false, false));
    assert_eq!(asks("demo"), (true, false), "decision maker from demo on");
    assert_eq!(asks("prop"), (true, true), "ROI from proposal on");

    // ask_from moves them; an explicit false is a flag at any stage.
    let v = v
        .config("history: false\nask_from: { decision_maker: discovery, roi: demo }\n")
        .file(
            "deals/prospect.md",
            deal("prospecting", "dm_engaged: false\n"),
        );
    let report = json(&v.cmd(&["prep", "--format", "json"]).success());
    assert_eq!(flags(&report, "prospect"), ["dm_not_engaged"]);
    let gaps = gaps(&report, "disco");
    assert!(gaps.contains(&"decision_maker".to_string()), "{gaps:?}");
    let gaps = self::gaps(&report, "demo");
    assert!(gaps.contains(&"roi_accepted".to_string()), "{gaps:?}");
}

#[test]
fn the_cards_words_and_chips_agree_for_true_false_and_missing() {
    let v = TestVault::new()
        .config("history: false\n")
        .file("contacts/alice.md", "---\nname: Alice\n---\n")
        .file(
            "deals/yes.md",
            titled(
                "Yes Co",
                "proposal",
                "decision_maker: alice\ndm_engaged: true\nroi_accepted: true\n",
            ),
        )
        .file(
            "deals/no.md",
            titled(
                "No Co",
                "proposal",
                "decision_maker: alice\ndm_engaged: false\nroi_accepted: false\n",
            ),
        )
        .file(
            "deals/unknown.md",
            titled("Unknown Co", "proposal", "decision_maker: alice\n"),
        )
        .file("deals/early.md", titled("Early Co", "discovery", ""));
    let report = json(&v.cmd(&["prep", "--format", "json"]).success());
    assert!(flags(&report, "yes").is_empty());
    assert_eq!(flags(&report, "no"), ["dm_not_engaged", "roi_not_accepted"]);
    assert!(flags(&report, "unknown").is_empty());
    assert!(flags(&report, "early").is_empty());
    assert!(gaps(&report, "unknown").contains(&"decision_maker_engaged".to_string()));

    let md = stdout(&v.cmd(&["prep"]).success());
    let html = stdout(&v.cmd(&["prep", "--format", "html"]).success());
    for (title, words, tag, chips) in [
        ("Yes Co", "yes", "tag-green\">yes", false),
        ("No Co", "**no**", "tag-red\">no", true),
        ("Unknown Co", "unknown", "tag-grey\">unknown", false),
        (
            "Early Co",
            "not asked yet",
            "tag-grey\">not asked yet",
            false,
        ),
    ] {
        let card = section(&md, &format!("### {title}"), "\n### ");
        assert!(
            card.contains(&format!("- Decision maker engaged: {words}")),
            "{card}"
        );
        assert!(card.contains(&format!("- ROI accepted: {words}")), "{card}");
        let card = section(&html, &format!("<h3>{title}"), "<div class=\"card\">");
        assert!(
            card.contains(&format!(
                "<span class=\"k\">Decision maker engaged</span> <span class=\"tag {tag}</span>"
            )),
            "{title}: {card}"
        );
        assert!(
            card.contains(&format!(
                "<span class=\"k\">ROI accepted</span> <span class=\"tag {tag}</span>"
            )),
            "{title}: {card}"
        );
        assert_eq!(
            card.contains("decision maker not engaged"),
            chips,
            "{title}: {card}"
        );
        assert_eq!(card.contains("ROI not accepted"), chips, "{title}: {card}");
    }
}

fn titled(title: &str, stage: &str, extra: &str) -> String {
    deal(stage, extra).replacen(
        &format!("title: {stage} deal"),
        &format!("title: {title}"),
        1,
    )
}

/// The last part of `text` that starts with `start`, up to `end` (or the end of the text): the
/// "Every open deal" card, which comes after any mention in "Deals needing help".
fn section<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .rfind(start)
        .unwrap_or_else(|| panic!("{start} in {text}"));
    let rest = &text[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |e| e + start.len());
    &rest[..to]
}
