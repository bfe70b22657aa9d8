//! Bytes → model values plus diagnostics. Pure: nothing here touches the disk.

mod activity;
pub mod body;
pub mod csv;
pub mod front_matter;
pub mod locate;
mod record;
pub mod redact;
pub mod yaml;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::{AnyRecord, Body, Config, Fields, Kind};
use front_matter::FrontMatter;

/// What one file yields: a record if it is one and it could be read, what of it the manager
/// may see, and every problem found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFile {
    pub record: Option<AnyRecord>,
    pub manager: Shown,
    pub diagnostics: Vec<Diagnostic>,
    /// A note that is no record but activity on the deals it links.
    pub activity: Option<std::sync::Arc<crate::model::Activity>>,
}

pub use redact::Shown;

/// The most Markdown markup (brackets, emphasis marks, line breaks …) a record's body may
/// have. The Markdown parser keeps a node of about 64 bytes for each one, so a 100 MB paste
/// or a 10 MB line of `[[[[` would take gigabytes; past this the file is reported instead.
/// Ten megabytes of ordinary notes stay well under it.
pub const MAX_BODY_MARKUP: usize = 2_000_000;

/// How much of each record to keep. The reports and `check` read deals whole, but of a
/// contact or an account only its typed fields (name, account, role …) and its tasks (the prep
/// sheet's commitments): `Reports` leaves out the rest of their body and their fields as
/// written, which only `list`, `export` and the editing commands read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    #[default]
    All,
    Reports,
}

/// Parses one file. `path` is relative to the vault root; `folder_kind` is the kind its folder
/// implies, if any (a `type:` field decides otherwise).
pub fn parse_file(
    path: &Path,
    bytes: &[u8],
    folder_kind: Option<Kind>,
    config: &Config,
) -> ParsedFile {
    parse_file_with(path, bytes, folder_kind, config, Detail::All)
}

/// `parse_file`, keeping only what `detail` asks for. The warnings `checks:` silences are
/// dropped here, once.
pub fn parse_file_with(
    path: &Path,
    bytes: &[u8],
    folder_kind: Option<Kind>,
    config: &Config,
    detail: Detail,
) -> ParsedFile {
    let mut parsed = read_file(path, bytes, folder_kind, config, detail);
    if !config.checks.is_empty() {
        parsed.diagnostics.retain(|d| !config.silences(d));
    }
    parsed
}

fn read_file(
    path: &Path,
    bytes: &[u8],
    folder_kind: Option<Kind>,
    config: &Config,
    detail: Detail,
) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) if folder_kind.is_none() => return parsed, // some other note, not ours to judge
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            parsed.diagnostics.push(Diagnostic::new(
                path,
                Pos::new(line, column),
                Code::NotUtf8,
                "this file is not UTF-8 text; save it as UTF-8 in your editor",
            ));
            return parsed;
        }
    };
    let split = match front_matter::split(text) {
        FrontMatter::None => {
            if folder_kind.is_none() {
                parsed.activity = activity::read(path, &[], text, config).map(Into::into);
            }
            return parsed;
        }
        FrontMatter::Unclosed => {
            if folder_kind.is_some() {
                parsed.diagnostics.push(Diagnostic::new(
                    path,
                    Pos::START,
                    Code::UnclosedFrontMatter,
                    "the front matter opened with `---` on line 1 is never closed; add a `---` line after the last field",
                ));
            }
            return parsed;
        }
        FrontMatter::Found(split) => split,
    };
    let entries = match yaml::parse_mapping(split.yaml, split.yaml_line) {
        Ok(entries) => entries,
        Err(e) => {
            if folder_kind.is_some() || looks_typed(split.yaml) {
                parsed
                    .diagnostics
                    .push(Diagnostic::new(path, e.pos, Code::YamlSyntax, e.message));
            }
            return parsed;
        }
    };
    let type_field = entries
        .iter()
        .find(|(key, _)| key == "type")
        .and_then(|(_, value)| value.as_str())
        .and_then(Kind::parse);
    let Some(kind) = type_field.or(folder_kind) else {
        // A note of another kind: a meeting, a daily note, perhaps activity on a deal.
        parsed.activity = activity::read(path, &entries, split.body, config).map(Into::into);
        return parsed;
    };
    let markup = body::markup(split.body, MAX_BODY_MARKUP);
    if markup > MAX_BODY_MARKUP {
        parsed.diagnostics.push(Diagnostic::new(
            path,
            Pos::new(split.body_line, 1),
            Code::Unreadable,
            format!(
                "this file is too large to read: its body is {:.1} MB with more than {MAX_BODY_MARKUP} Markdown markup characters and line breaks, the most dealbook reads; split it into smaller files",
                split.body.len() as f64 / 1_000_000.0
            ),
        ));
        return parsed;
    }
    let mut entries = entries;
    let positions = front_matter::key_positions(split.yaml, split.yaml_line);
    let mut inline = Vec::new();
    if config.dataview {
        // The front matter wins over an inline field of the same name.
        for (key, value, pos) in body::inline_fields(split.body, split.body_line) {
            if !entries.iter().any(|(k, _)| *k == key) {
                entries.push((key.clone(), crate::model::Value::String(value.to_string())));
                inline.push((key, pos));
            }
        }
    }
    let (fields, renamed) = record::map_fields(entries, (&positions, &inline), kind, config);
    let parts = record::Parts {
        kind,
        id: record_id(path),
        path: path.to_path_buf(),
        fields,
        renamed,
        body: read_body(split.body, split.body_line, kind, detail),
    };
    let Some(mut record) = record::build(parts, config, &mut parsed.diagnostics) else {
        return parsed;
    };
    let mut manager = redact::for_manager(&record, config);
    if detail == Detail::Reports {
        // Only now: reading the typed fields (and redacting them) needed them.
        keep_for_reports(&mut record);
        if let Shown::Redacted(redacted) = &mut manager {
            keep_for_reports(redacted);
        }
    }
    parsed.record = Some(record);
    parsed.manager = manager;
    parsed
}

/// Of a contact, the reports keep its typed fields and the position of its `account` link (for
/// `check`'s broken-link warning); of an account, its typed fields.
fn keep_for_reports(record: &mut AnyRecord) {
    match record {
        AnyRecord::Contact(c) => Arc::make_mut(c)
            .record
            .fields
            .retain(|name| name == "account"),
        AnyRecord::Account(a) => Arc::make_mut(a).record.fields = Fields::default(),
        AnyRecord::Deal(_) => {}
    }
}

/// The body, as much of it as `detail` keeps: whole for a deal; for the reports, only the tasks
/// of a contact or an account.
fn read_body(text: &str, first_line: usize, kind: Kind, detail: Detail) -> Body {
    if detail == Detail::All || kind == Kind::Deal {
        return body::parse(text, first_line);
    }
    // Every task has its box; without one there is nothing to parse.
    if !["[ ]", "[x]", "[X]"].iter().any(|b| text.contains(b)) {
        return Body::default();
    }
    Body {
        tasks: body::parse(text, first_line).tasks,
        ..Body::default()
    }
}

/// A note outside the record folders is only ours if it says so with `type:`; report its YAML
/// errors only then.
fn looks_typed(yaml: &str) -> bool {
    yaml.lines().any(|line| {
        front_matter::top_level_key(line)
            .is_some_and(|(key, value)| key == "type" && Kind::parse(value).is_some())
    })
}

/// The file stem: `deals/acme-renewal.md` → `acme-renewal`.
pub fn record_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads `dealbook.yaml`'s text into a checked config. `path` names the file in messages.
/// Every problem is reported, each at the value it is about.
pub fn parse_config(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut config: Config = yaml::parse_document(text).map_err(|e| {
        vec![Diagnostic::new(
            path,
            e.pos,
            Code::BadConfig,
            e.message.replacen("invalid YAML: ", "", 1),
        )]
    })?;
    config.currency = config.currency.trim().to_ascii_uppercase();
    for output in &mut config.outputs {
        // `./reports/x.md` and `reports/x.md` are the same file.
        while let Some(rest) = output.to.strip_prefix("./") {
            output.to = rest.to_string();
        }
    }
    config.fx = std::mem::take(&mut config.fx)
        .into_iter()
        .map(|(currency, rate)| (currency.trim().to_ascii_uppercase(), rate))
        .collect();
    let mut problems = config.apply_stage_aliases();
    problems.extend(config.validate());
    let problems: Vec<Diagnostic> = problems
        .into_iter()
        .map(|problem| {
            let pos = locate::position(text, 1, &problem.key).unwrap_or(Pos::START);
            Diagnostic::new(
                path,
                pos,
                Code::BadConfig,
                format!("`{}` {}", problem.key, problem.message),
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// A fixed pseudo-random sequence for the tests that hold the fast paths to the real parsers:
/// each call of `next(n)` gives a number below `n`.
#[cfg(test)]
fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(text: &str) -> ParsedFile {
        parse_file(
            &PathBuf::from("deals/acme.md"),
            text.as_bytes(),
            Some(Kind::Deal),
            &Config::default(),
        )
    }

    fn deal(parsed: &ParsedFile) -> &crate::model::Deal {
        match &parsed.record {
            Some(AnyRecord::Deal(deal)) => deal,
            other => panic!("not a deal: {other:?} {:?}", parsed.diagnostics),
        }
    }

    fn codes(parsed: &ParsedFile) -> Vec<(Code, usize, usize)> {
        parsed
            .diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect()
    }

    #[test]
    fn reads_a_full_deal() {
        let parsed = parse("---\ntitle: Acme — renewal\naccount: \"[[Acme Corp]]\"\namount: 48000\nstage: Proposal\nclose_date: \"2026-12-15\"\nnext_step:   Send pricing  \ndm_engaged: yes\ncustom: 7\n---\n## Log\n- 2026-11-20: Call\n");
        let deal = deal(&parsed);
        assert_eq!(codes(&parsed), vec![]);
        assert_eq!(deal.title, "Acme — renewal");
        assert_eq!(deal.account.as_ref().unwrap().target, "Acme Corp");
        assert_eq!(deal.amount, Some(48000.0));
        assert_eq!(deal.stage.as_deref(), Some("proposal"));
        assert_eq!(deal.close_date, "2026-12-15".parse().ok());
        assert_eq!(deal.next_step.as_deref(), Some("Send pricing"));
        assert_eq!(deal.dm_engaged, Some(true));
        assert_eq!(deal.record.fields.get("custom"), Some(7.into()));
        assert_eq!(deal.record.body.log[0].line, 12);
        assert_eq!(deal.currency, "USD");
    }

    #[test]
    fn bad_values_are_reported_where_they_are() {
        let parsed = parse("---\nstage: proposal\namount: \"$48,000\"\nclose_date: 12/15/2026\nprobability: 120\n---\n");
        assert_eq!(
            codes(&parsed),
            vec![
                (Code::WrongType, 3, 9),
                (Code::OutOfRange, 5, 14),
                (Code::InvalidDate, 4, 13)
            ]
        );
        assert!(parsed.diagnostics[0].message.contains("plain number"));
        let deal = deal(&parsed);
        assert_eq!(
            (deal.amount, deal.close_date, deal.probability),
            (None, None, None)
        );
    }

    #[test]
    fn an_unknown_stage_lists_the_known_ones_and_the_deal_keeps_its_place() {
        let parsed = parse("---\nstage: qualified\namount: 5\n---\n");
        assert_eq!(deal(&parsed).stage, None);
        assert_eq!(deal(&parsed).amount, Some(5.0));
        assert_eq!(codes(&parsed), vec![(Code::UnknownStage, 2, 8)]);
        assert!(parsed.diagnostics[0]
            .message
            .contains("prospecting, discovery"));
    }

    #[test]
    fn yaml_errors_use_file_lines() {
        let parsed = parse("---\ntitle: A\nstage: demo\nnext_step: Call: Jane\n---\n");
        assert_eq!(parsed.diagnostics[0].code, Code::YamlSyntax);
        assert_eq!(parsed.diagnostics[0].line, 4);
    }

    #[test]
    fn bom_and_crlf() {
        let parsed =
            parse("\u{feff}---\r\ntitle: A\r\nstage: demo\r\n---\r\n## Log\r\n- 2026-01-02: x\r\n");
        assert_eq!(deal(&parsed).title, "A");
        assert_eq!(deal(&parsed).record.body.log.len(), 1);
    }

    #[test]
    fn reports_detail_keeps_deals_whole_and_contacts_typed_with_their_tasks() {
        let config = Config::default();
        let read = |path: &str, kind, text: &str| {
            parse_file_with(
                Path::new(path),
                text.as_bytes(),
                Some(kind),
                &config,
                Detail::Reports,
            )
        };
        let contact = read(
            "contacts/jane.md",
            Kind::Contact,
            "---\nname: Jane\naccount: acme\nemial: x\n---\nNotes.\n\n## Tasks\n- [ ] Call due:2026-01-02\n",
        );
        let Some(AnyRecord::Contact(jane)) = &contact.record else {
            panic!("a contact");
        };
        assert_eq!(
            (
                jane.name.as_str(),
                jane.account.as_ref().map(|l| l.target.as_str())
            ),
            ("Jane", Some("acme"))
        );
        assert_eq!(jane.record.fields.names().collect::<Vec<_>>(), ["account"]);
        assert!(jane.record.body.text.is_empty() && jane.record.body.log.is_empty());
        assert_eq!(jane.record.body.tasks.len(), 1);
        let no_tasks = read(
            "contacts/joe.md",
            Kind::Contact,
            "---\nname: Joe\n---\n## Log\n- 2026-01-01: Met [[Acme]].\n",
        );
        assert!(no_tasks.record.is_some() && no_tasks.diagnostics.is_empty());
        // What parsing reports is the same either way.
        let unknown = codes(&contact);
        assert_eq!(unknown, [(Code::UnknownKey, 4, 8)]);

        let deal_text =
            "---\nstage: demo\nsource: partner\n---\n## Tasks\n- [ ] Call due:2026-01-02\n";
        let whole = read("deals/acme.md", Kind::Deal, deal_text);
        assert_eq!(
            whole,
            parse_file(
                Path::new("deals/acme.md"),
                deal_text.as_bytes(),
                Some(Kind::Deal),
                &config
            )
        );
        assert_eq!(deal(&whole).record.body.tasks.len(), 1);
    }

    #[test]
    fn unquoted_wikilinks_and_near_miss_keys() {
        let parsed = parse("---\nstage: demo\naccount: [[Acme]]\nclose_dat: 2026-01-01\n---\n");
        assert_eq!(deal(&parsed).account.as_ref().unwrap().target, "Acme");
        assert_eq!(codes(&parsed), vec![(Code::UnknownKey, 4, 12)]);
        assert!(parsed.diagnostics[0].message.contains("`close_date`"));
    }

    #[test]
    fn field_mapping_renames_to_dealbook_names() {
        let mut config = Config::default();
        config.fields.insert(
            "close_date".into(),
            crate::model::FieldSource::One("expected_close_date".into()),
        );
        config.fields.insert(
            "title".into(),
            crate::model::FieldSource::One("name".into()),
        );
        let parsed = parse_file(
            &PathBuf::from("opportunities/x.md"),
            b"---\nname: Big one\nstage: demo\nexpected_close_date: 2026-12-01\n---\n",
            Some(Kind::Deal),
            &config,
        );
        let deal = deal(&parsed);
        assert_eq!(deal.title, "Big one");
        assert_eq!(deal.close_date, "2026-12-01".parse().ok());
        assert!(!deal.record.fields.contains_key("expected_close_date"));
    }

    #[test]
    fn non_utf8_is_reported_with_its_position() {
        let parsed = parse_file(
            &PathBuf::from("deals/x.md"),
            b"---\ntitle: caf\xe9\n---\n",
            Some(Kind::Deal),
            &Config::default(),
        );
        assert_eq!(codes(&parsed), vec![(Code::NotUtf8, 2, 11)]);
    }

    #[test]
    fn notes_without_front_matter_or_type_are_not_records() {
        let config = Config::default();
        let note = |text: &str, kind| parse_file(Path::new("x.md"), text.as_bytes(), kind, &config);
        assert_eq!(note("# Meeting\n", Some(Kind::Deal)), ParsedFile::default());
        assert_eq!(note("---\ndate: x\n---\n", None), ParsedFile::default());
        assert_eq!(note("---\nbad: [\n---\n", None), ParsedFile::default());
        assert!(note("---\ntype: contact\n---\n", None).record.is_some());
    }
}
