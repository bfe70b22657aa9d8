//! Proposing a config for a folder of notes that was not made by dealbook (another Markdown
//! CRM, an Obsidian vault): which folders hold deals, contacts, accounts and activities, told
//! by the fields their notes have; which of their fields are dealbook's under another name;
//! and which stage values are which stage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::{Config, FieldSource, Kind, Value};
use crate::parse::{body::parse_date, front_matter, yaml};

/// What a folder of notes looks like it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holds {
    Records(Kind),
    Activities,
}

/// A folder and what it holds, with the fields that told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// As `folders:` names it: the folder's name, or its path when the name is ambiguous.
    pub entry: String,
    pub holds: Holds,
    pub notes: usize,
    pub because: Vec<String>,
}

/// A proposed config, and what it was worked out from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proposal {
    pub notes: usize,
    pub folders: Vec<Found>,
    /// dealbook's field → the vault's.
    pub fields: Vec<(String, FieldSource)>,
    /// A stage value of the notes → one of the default stages.
    pub stage_aliases: Vec<(String, String)>,
    /// Stage values no default stage fits.
    pub unplaced_stages: Vec<String>,
}

/// Per kind of note: the fields that mark it, and the folder names that do.
const SIGNS: [(Holds, &[&str], &[&str]); 4] = [
    (
        Holds::Records(Kind::Deal),
        &[
            "stage",
            "deal_stage",
            "amount",
            "value",
            "deal_value",
            "close_date",
            "expected_close_date",
            "closed_at",
            "probability",
        ],
        &["deals", "opportunities", "opps", "pipeline"],
    ),
    (
        Holds::Records(Kind::Contact),
        &[
            "email",
            "phone",
            "first_name",
            "last_name",
            "job_title",
            "role",
        ],
        &["contacts", "people", "persons"],
    ),
    (
        Holds::Records(Kind::Account),
        &["industry", "website", "domain", "employees"],
        &[
            "accounts",
            "companies",
            "organizations",
            "orgs",
            "clients",
            "customers",
        ],
    ),
    (
        Holds::Activities,
        &["attendees", "opportunity", "deal", "duration", "with"],
        &[
            "activities",
            "meetings",
            "calls",
            "daily",
            "journal",
            "interactions",
        ],
    ),
];

/// dealbook's field ← the names other schemas give it, per kind (the first found is proposed).
const SYNONYMS: [(Kind, &str, &[&str]); 15] = [
    (
        Kind::Deal,
        "title",
        &["name", "deal_name", "opportunity_name"],
    ),
    (
        Kind::Deal,
        "account",
        &[
            "company",
            "organization",
            "account_name",
            "client",
            "customer",
        ],
    ),
    (
        Kind::Deal,
        "amount",
        &["value", "deal_value", "deal_size", "arr", "acv"],
    ),
    (
        Kind::Deal,
        "stage",
        &["deal_stage", "pipeline_stage", "status"],
    ),
    (
        Kind::Deal,
        "close_date",
        &[
            "closed_at",
            "expected_close_date",
            "closing_date",
            "expected_close",
        ],
    ),
    (
        Kind::Deal,
        "created",
        &["created_at", "created_on", "date_created"],
    ),
    (Kind::Deal, "next_step", &["next_action", "next_steps"]),
    (
        Kind::Deal,
        "next_step_date",
        &["next_action_date", "next_step_due"],
    ),
    (Kind::Deal, "contact", &["primary_contact", "main_contact"]),
    (
        Kind::Deal,
        "probability",
        &["win_probability", "likelihood"],
    ),
    (
        Kind::Contact,
        "account",
        &["company", "organization", "account_name"],
    ),
    (Kind::Contact, "role", &["job_title", "position"]),
    (
        Kind::Contact,
        "last_contact",
        &["last_contacted", "last_contact_date"],
    ),
    (Kind::Account, "name", &["company_name", "organization"]),
    (Kind::Account, "website", &["url", "site"]),
];

/// The notes of one folder: how many, and the fields they have (with the stage values seen).
#[derive(Default)]
struct Folder {
    notes: usize,
    dated: usize,
    fields: BTreeMap<String, usize>,
    types: BTreeMap<String, usize>,
    values: BTreeMap<String, BTreeSet<String>>,
}

/// Looks at the Markdown notes under `root` (as `paths` lists them) and proposes a config.
pub fn propose(root: &Path, paths: &[PathBuf]) -> Proposal {
    let mut folders: BTreeMap<PathBuf, Folder> = BTreeMap::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(root.join(path)) else {
            continue;
        };
        let folder = folders
            .entry(path.parent().unwrap_or(Path::new("")).to_path_buf())
            .or_default();
        folder.notes += 1;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let entries = match front_matter::split(&text) {
            front_matter::FrontMatter::Found(split) => {
                yaml::parse_mapping(split.yaml, split.yaml_line).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let has_date = entries
            .iter()
            .any(|(k, v)| k == "date" && v.as_str().and_then(|d| parse_date(d.trim())).is_some());
        if has_date || stem.get(..10).and_then(parse_date).is_some() {
            folder.dated += 1;
        }
        for (key, value) in entries {
            *folder.fields.entry(key.clone()).or_default() += 1;
            if let Value::String(text) = &value {
                if key == "type" {
                    *folder.types.entry(text.trim().to_lowercase()).or_default() += 1;
                }
                folder
                    .values
                    .entry(key)
                    .or_default()
                    .insert(text.trim().to_string());
            }
        }
    }
    let mut proposal = Proposal {
        notes: paths.len(),
        ..Proposal::default()
    };
    let classified: Vec<(PathBuf, Holds, Vec<String>, usize)> = folders
        .iter()
        .filter_map(|(path, folder)| {
            let (holds, because) = classify(path, folder)?;
            Some((path.clone(), holds, because, folder.notes))
        })
        .collect();
    for (path, holds, because, notes) in &classified {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ambiguous = classified.iter().any(|(other, h, ..)| {
            other != path && other.file_name() == path.file_name() && h != holds
        });
        let entry = if ambiguous || name.is_empty() {
            path.to_string_lossy().replace('\\', "/")
        } else {
            name
        };
        proposal.folders.push(Found {
            entry,
            holds: *holds,
            notes: *notes,
            because: because.clone(),
        });
    }
    proposal
        .folders
        .sort_by(|a, b| (a.holds, &a.entry).cmp(&(b.holds, &b.entry)));
    proposal
        .folders
        .dedup_by(|a, b| a.holds == b.holds && a.entry == b.entry);
    let of_kind = |kind: Kind| -> Vec<&Folder> {
        classified
            .iter()
            .filter(|(_, holds, ..)| *holds == Holds::Records(kind))
            .filter_map(|(path, ..)| folders.get(path))
            .collect()
    };
    let has =
        |folders: &[&Folder], field: &str| folders.iter().any(|f| f.fields.contains_key(field));
    for (kind, ours, theirs) in SYNONYMS {
        let notes = of_kind(kind);
        if has(&notes, ours) || proposal.fields.iter().any(|(f, _)| f == ours) {
            continue;
        }
        let found: Vec<String> = theirs
            .iter()
            .filter(|t| has(&notes, t))
            .map(|t| t.to_string())
            .collect();
        let source = match found.len() {
            0 => continue,
            1 => FieldSource::One(found[0].clone()),
            _ if ours == "close_date" => FieldSource::FirstOf(found),
            _ => FieldSource::One(found[0].clone()),
        };
        proposal.fields.push((ours.to_string(), source));
    }
    let contacts = of_kind(Kind::Contact);
    if !has(&contacts, "name") && has(&contacts, "first_name") && has(&contacts, "last_name") {
        proposal.fields.push((
            "name".into(),
            FieldSource::One("{first_name} {last_name}".into()),
        ));
    }
    proposal.fields.sort_by(|a, b| a.0.cmp(&b.0));
    let stage_key = proposal
        .fields
        .iter()
        .find(|(f, _)| f == "stage")
        .and_then(|(_, s)| s.names().first().map(|n| n.to_string()))
        .unwrap_or_else(|| "stage".into());
    let config = Config::default();
    let values: BTreeSet<&String> = of_kind(Kind::Deal)
        .iter()
        .flat_map(|f| f.values.get(&stage_key).into_iter().flatten())
        .collect();
    for value in values {
        if config.stage(value).is_some() {
            continue;
        }
        match guess_stage(value) {
            Some(stage) => proposal.stage_aliases.push((value.clone(), stage.into())),
            None => proposal.unplaced_stages.push(value.clone()),
        }
    }
    proposal
}

/// What a folder holds, by its notes' fields and `type:` values and by its name.
fn classify(path: &Path, folder: &Folder) -> Option<(Holds, Vec<String>)> {
    let name = path.file_name()?.to_string_lossy().to_lowercase();
    let scored = SIGNS.iter().map(|(holds, fields, names)| {
        let mut because: Vec<String> = fields
            .iter()
            .filter(|f| {
                folder
                    .fields
                    .get(**f)
                    .is_some_and(|n| *n * 2 >= folder.notes)
            })
            .map(|f| f.to_string())
            .collect();
        let typed = folder.types.iter().any(|(t, n)| {
            *n * 2 >= folder.notes
                && match holds {
                    Holds::Records(kind) => Kind::parse(t) == Some(*kind),
                    Holds::Activities => {
                        ["meeting", "call", "email", "activity", "note"].contains(&t.as_str())
                    }
                }
        });
        if typed {
            because.push("type:".into());
        }
        let named = names.contains(&name.as_str());
        let mut score = because.len() * 2 + usize::from(named);
        // An activity is a dated note: without dates, a folder holds no activities.
        if *holds == Holds::Activities && folder.dated * 2 < folder.notes {
            score = 0;
        }
        (score, *holds, because)
    });
    let (score, holds, because) =
        scored.max_by_key(|(score, holds, _)| (*score, std::cmp::Reverse(*holds)))?;
    (score >= 2).then_some((holds, because))
}

/// The default stage a stage value most likely means, by its words.
fn guess_stage(value: &str) -> Option<&'static str> {
    let v = value.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| v.contains(w));
    Some(if any(&["lost", "dead", "churn"]) {
        "closed_lost"
    } else if any(&["won", "signed"]) {
        "closed_won"
    } else if any(&["negotiat", "contract", "commit", "verbal"]) {
        "negotiation"
    } else if any(&["proposal", "quote", "pricing"]) {
        "proposal"
    } else if any(&["demo", "present", "evaluat", "trial", "pilot"]) {
        "demo"
    } else if any(&["qualif", "discover", "analysis"]) {
        "discovery"
    } else if any(&["lead", "prospect", "new", "contacted", "open"]) {
        "prospecting"
    } else {
        return None;
    })
}

impl Proposal {
    /// The proposal as a commented `dealbook.yaml`.
    pub fn yaml(&self) -> String {
        let mut out = format!(
            "# dealbook configuration, proposed by `dealbook init --adopt` from the {} Markdown notes\n# found here. Check it, then run `dealbook check`. Every key is optional (see the README).\nowner: Your Name\nmanager: Your Manager\ncurrency: USD\nstale_after_days: 14\n",
            self.notes
        );
        let entries = |holds: Holds| -> Vec<&Found> {
            self.folders.iter().filter(|f| f.holds == holds).collect()
        };
        let list = |found: &[&Found]| -> String {
            found
                .iter()
                .map(|f| yaml::scalar(&f.entry))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let why = |found: &[&Found]| -> String {
            found
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} notes with {}",
                        f.entry,
                        f.notes,
                        f.because.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        out.push_str("folders:\n");
        for kind in Kind::ALL {
            let found = entries(Holds::Records(kind));
            if found.is_empty() {
                let default = Config::default().folders.of(kind).join(", ");
                out.push_str(&format!(
                    "  {}s: [{default}]   # no notes looked like these\n",
                    kind.as_str()
                ));
            } else {
                out.push_str(&format!(
                    "  {}s: [{}]   # {}\n",
                    kind.as_str(),
                    list(&found),
                    why(&found)
                ));
            }
        }
        let activities = entries(Holds::Activities);
        if !activities.is_empty() {
            out.push_str(&format!(
                "activities:                      # dated notes that link deals count as activity on them\n  folders: [{}]   # {}\n",
                list(&activities),
                why(&activities)
            ));
        }
        if !self.fields.is_empty() {
            out.push_str("fields:                          # dealbook's name: yours (a list: the first present)\n");
            for (ours, source) in &self.fields {
                let theirs = match source {
                    FieldSource::One(name) => yaml::scalar(name),
                    FieldSource::FirstOf(names) => format!(
                        "[{}]",
                        names
                            .iter()
                            .map(|n| yaml::scalar(n))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push_str(&format!("  {ours}: {theirs}\n"));
            }
        }
        if !self.stage_aliases.is_empty() {
            out.push_str("stage_aliases:                   # the stage values your notes use\n");
            for (alias, stage) in &self.stage_aliases {
                out.push_str(&format!("  {}: {stage}\n", yaml::scalar(alias)));
            }
        }
        if !self.unplaced_stages.is_empty() {
            out.push_str(
                "# Stage values no stage fits; add each to stage_aliases: (or to stages:):\n",
            );
            for value in &self.unplaced_stages {
                out.push_str(&format!("#   {}: ???\n", yaml::scalar(value)));
            }
        }
        out.push_str("outputs:                         # what `dealbook build` and `watch` render\n  - { template: pipeline.md, to: reports/pipeline.md }\n  - { template: prep.md, to: reports/one-on-one.md, audience: manager }\n");
        out
    }

    /// What was guessed, a line each, for people.
    pub fn summary(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .folders
            .iter()
            .map(|f| {
                let what = match f.holds {
                    Holds::Records(kind) => format!("{}s", kind.as_str()),
                    Holds::Activities => "activities".into(),
                };
                format!(
                    "{what} in {} ({} notes with {})",
                    f.entry,
                    f.notes,
                    f.because.join(", ")
                )
            })
            .collect();
        for (ours, source) in &self.fields {
            let from = match source.template() {
                Some(template) => format!("\"{template}\""),
                None => source.names().join(" or "),
            };
            lines.push(format!("`{ours}` from {from}"));
        }
        for (alias, stage) in &self.stage_aliases {
            lines.push(format!("stage \"{alias}\" as {stage}"));
        }
        for value in &self.unplaced_stages {
            lines.push(format!(
                "stage \"{value}\" fits no stage: add it to stage_aliases:"
            ));
        }
        lines
    }
}
