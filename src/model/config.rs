//! `dealbook.yaml`: every key optional, defaults as in the design.

use std::collections::BTreeMap;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Severity};

use super::record::Kind;
use super::schema;

/// The config file's name; its folder is the vault's root.
pub const CONFIG_FILE: &str = "dealbook.yaml";

/// The largest amount, quota or total dealbook accepts: a number beyond it is a typo (or a
/// hostile file), and would make every total meaningless.
pub const MAX_MONEY: f64 = 1e12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastCategory {
    Pipeline,
    BestCase,
    Commit,
    Omitted,
}

impl ForecastCategory {
    pub const ALL: [ForecastCategory; 4] = [
        ForecastCategory::Pipeline,
        ForecastCategory::BestCase,
        ForecastCategory::Commit,
        ForecastCategory::Omitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ForecastCategory::Pipeline => "pipeline",
            ForecastCategory::BestCase => "best_case",
            ForecastCategory::Commit => "commit",
            ForecastCategory::Omitted => "omitted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match normalize(text).as_str() {
            "pipeline" => Some(ForecastCategory::Pipeline),
            "best_case" | "bestcase" => Some(ForecastCategory::BestCase),
            "commit" => Some(ForecastCategory::Commit),
            "omitted" | "omit" => Some(ForecastCategory::Omitted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Everything: the rep's own view.
    #[default]
    Me,
    /// Private deals, `## Private` sections and private fields removed.
    Manager,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub probability: f64,
    #[serde(default = "default_forecast")]
    pub forecast: ForecastCategory,
    #[serde(default)]
    pub won: bool,
    #[serde(default)]
    pub lost: bool,
    /// Other names reps use for this stage in their files ("Proposal Sent").
    #[serde(default)]
    pub aliases: Vec<String>,
}

fn default_forecast() -> ForecastCategory {
    ForecastCategory::Pipeline
}

impl Stage {
    pub fn is_open(&self) -> bool {
        !self.won && !self.lost
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Folders {
    pub deals: Vec<String>,
    pub contacts: Vec<String>,
    pub accounts: Vec<String>,
}

impl Folders {
    pub fn of(&self, kind: Kind) -> &[String] {
        match kind {
            Kind::Deal => &self.deals,
            Kind::Contact => &self.contacts,
            Kind::Account => &self.accounts,
        }
    }
}

impl Default for Folders {
    fn default() -> Self {
        Folders {
            deals: vec!["deals".into()],
            contacts: vec!["contacts".into()],
            accounts: vec!["accounts".into()],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    pub template: String,
    pub to: String,
    #[serde(default)]
    pub audience: Audience,
    /// Only the deals this `--where` expression matches are counted.
    #[serde(default, rename = "where")]
    pub scope: Option<String>,
}

/// Where a dealbook field comes from in this vault's notes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum FieldSource {
    /// One field of the vault's (`company`), or a template of fields
    /// (`"{first_name} {last_name}"`).
    One(String),
    /// The first of these that a note has (`[closed_at, expected_close_date]`).
    FirstOf(Vec<String>),
}

impl FieldSource {
    /// The template, if this is one.
    pub fn template(&self) -> Option<&str> {
        match self {
            FieldSource::One(text) if text.contains('{') => Some(text),
            _ => None,
        }
    }

    /// The vault's fields this reads: the names, or a template's placeholders.
    pub fn names(&self) -> Vec<&str> {
        match (self, self.template()) {
            (_, Some(template)) => template
                .split('{')
                .skip(1)
                .filter_map(|part| part.split_once('}').map(|(name, _)| name.trim()))
                .collect(),
            (FieldSource::One(name), None) => vec![name.as_str()],
            (FieldSource::FirstOf(names), None) => names.iter().map(String::as_str).collect(),
        }
    }
}

/// One rule of `checks:`: the warnings matching every key it gives are not reported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Silence {
    /// A warning's code (`stale`, `unknown_key`, …).
    pub code: Option<String>,
    /// The field a warning is about.
    pub field: Option<String>,
    /// A folder (a name at any depth, or a path from the root), as in `folders:`.
    pub folder: Option<String>,
}

/// Which notes are activity on the deals they link.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Activities {
    /// Where to look (names at any depth or paths); empty: every note outside the record folders.
    pub folders: Vec<String>,
    /// The front-matter fields that date a note, first present wins; else a date in its file
    /// name (`2026-11-20.md`, `2026-11-20 Call with Jane.md`).
    pub date_fields: Vec<String>,
    /// The front-matter fields that link a deal; empty: any field. Wikilinks in the body count too.
    pub link_fields: Vec<String>,
}

impl Default for Activities {
    fn default() -> Self {
        Activities {
            folders: Vec::new(),
            date_fields: vec!["date".into()],
            link_fields: Vec::new(),
        }
    }
}

/// From which stage on seed 002's questions are asked of a deal: before it, nobody expects a
/// decision maker or an accepted ROI, so a missing answer is neither asked nor flagged.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AskFrom {
    /// Who the decision maker is, and whether they are engaged (default: `demo`).
    pub decision_maker: Option<String>,
    /// Whether the customer accepts the ROI (default: `proposal`).
    pub roi: Option<String>,
}

/// What a template may spend, so that a runaway one (an endless loop, text that doubles) stops
/// with an error naming it instead of hanging or exhausting memory.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Steps a template may take (minijinja's fuel). The built-in prep sheet takes about 300
    /// a deal: the default is enough for some 300,000.
    pub template_steps: u64,
    /// The most text one template may write, in megabytes.
    pub output_mb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            template_steps: 100_000_000,
            output_mb: 256,
        }
    }
}

impl Limits {
    pub fn output_bytes(&self) -> usize {
        usize::try_from(self.output_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX)
    }
}

/// A value in the config that cannot stand, at its key path (`stages[4].id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: String,
    pub message: String,
}

fn problem(key: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        key: key.into(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub owner: Option<String>,
    pub manager: Option<String>,
    pub currency: String,
    /// Rates into `currency`: 1 unit of the key currency is worth this much.
    pub fx: BTreeMap<String, f64>,
    pub fiscal_year_start: u32,
    /// Quota per period: `YYYY-Qn`, `YYYY-MM` or `YYYY`.
    pub quota: BTreeMap<String, f64>,
    pub stale_after_days: i64,
    pub private_fields: Vec<String>,
    pub stages: Vec<Stage>,
    pub folders: Folders,
    /// dealbook's field name → the field (or fields, first present wins, or a template of
    /// fields) this vault uses.
    pub fields: BTreeMap<String, FieldSource>,
    /// More names for stages, without restating them: alias → stage id.
    pub stage_aliases: BTreeMap<String, String>,
    /// Warnings the rep has decided to live with.
    pub checks: Vec<Silence>,
    /// Meeting and call notes outside the record folders that count as activity on a deal.
    pub activities: Activities,
    /// Read Dataview inline fields (`key:: value` lines) in a record's body as fields.
    pub dataview: bool,
    pub outputs: Vec<Output>,
    /// Read the git history of the repository holding the vault (`false` turns it off).
    pub history: bool,
    pub limits: Limits,
    pub ask_from: AskFrom,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            owner: None,
            manager: None,
            currency: "USD".into(),
            fx: BTreeMap::new(),
            fiscal_year_start: 1,
            quota: BTreeMap::new(),
            stale_after_days: 14,
            private_fields: Vec::new(),
            stages: default_stages(),
            folders: Folders::default(),
            fields: BTreeMap::new(),
            stage_aliases: BTreeMap::new(),
            checks: Vec::new(),
            activities: Activities::default(),
            dataview: false,
            outputs: Vec::new(),
            history: true,
            limits: Limits::default(),
            ask_from: AskFrom::default(),
        }
    }
}

fn default_stages() -> Vec<Stage> {
    let stage = |id: &str, probability: f64, forecast, won, lost| Stage {
        id: id.into(),
        probability,
        forecast,
        won,
        lost,
        aliases: Vec::new(),
    };
    use ForecastCategory::*;
    vec![
        stage("prospecting", 10.0, Pipeline, false, false),
        stage("discovery", 20.0, Pipeline, false, false),
        stage("demo", 40.0, Pipeline, false, false),
        stage("proposal", 60.0, BestCase, false, false),
        stage("negotiation", 80.0, Commit, false, false),
        stage("closed_won", 100.0, Omitted, true, false),
        stage("closed_lost", 0.0, Omitted, false, true),
    ]
}

impl Config {
    /// Finds a stage by id or alias, forgiving case, spaces and dashes ("Closed Won" → `closed_won`).
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        let wanted = normalize(name);
        self.stages.iter().find(|stage| {
            normalize(&stage.id) == wanted || stage.aliases.iter().any(|a| normalize(a) == wanted)
        })
    }

    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.stages.iter().position(|stage| stage.id == id)
    }

    pub fn stage_ids(&self) -> Vec<&str> {
        self.stages.iter().map(|stage| stage.id.as_str()).collect()
    }

    /// Whether a deal in stage `stage` is asked about the decision maker (`roi` false) or the
    /// ROI (`roi` true): from the configured stage on, else from `demo` and `proposal` (or the
    /// first stage, when the config has no such stage).
    pub fn asks(&self, stage: &str, roi: bool) -> bool {
        let (configured, default) = if roi {
            (&self.ask_from.roi, "proposal")
        } else {
            (&self.ask_from.decision_maker, "demo")
        };
        let from = configured
            .as_deref()
            .and_then(|id| self.stage(id))
            .or_else(|| self.stage(default))
            .and_then(|s| self.stage_index(&s.id))
            .unwrap_or(0);
        self.stage_index(stage).is_some_and(|at| at >= from)
    }

    /// The kind a file's folder gives it: it sits below one of the configured folders. The
    /// deepest folder that names a kind wins (`deals/acme/contacts/x.md` is a contact).
    pub fn folder_kind(&self, path: &Path) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .filter_map(|kind| {
                let depth = self
                    .folders
                    .of(kind)
                    .iter()
                    .filter_map(|folder| folder_depth(folder, path))
                    .max()?;
                Some((depth, kind))
            })
            .max_by_key(|(depth, _)| *depth)
            .map(|(_, kind)| kind)
    }

    /// Whether the manager must not see field `name` (dealbook's name or the vault's own):
    /// `private_fields` may list either, and the `fields:` mapping joins the two. Privacy fails
    /// closed, so the case a field is written in does not matter (`Personal_Notes`).
    pub fn is_private_field(&self, name: &str) -> bool {
        let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        self.private_fields.iter().any(|listed| {
            same(listed, name)
                || self.fields.iter().any(|(ours, source)| {
                    source.names().into_iter().any(|theirs| {
                        (same(ours, name) && same(theirs, listed))
                            || (same(ours, listed) && same(theirs, name))
                    })
                })
        })
    }

    /// Whether the vault's fields `name` is read into one of dealbook's (by `fields:`), so it
    /// is no unknown field.
    pub fn is_mapped_field(&self, name: &str) -> bool {
        self.fields
            .values()
            .any(|source| source.names().contains(&name))
    }

    /// The field of dealbook's that a note's key is read as: the one `fields:` maps it to (not
    /// by a template), else the key itself.
    pub fn field_for<'a>(&'a self, key: &'a str) -> &'a str {
        self.fields
            .iter()
            .find(|(_, source)| source.template().is_none() && source.names().contains(&key))
            .map_or(key, |(ours, _)| ours.as_str())
    }

    /// Whether `checks:` silences this diagnostic. Errors are never silenced: they mean a
    /// value is not read.
    pub fn silences(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.severity == Severity::Warning
            && self.checks.iter().any(|rule| {
                rule.code
                    .as_deref()
                    .is_none_or(|c| c == diagnostic.code.as_str())
                    && rule
                        .field
                        .as_deref()
                        .is_none_or(|f| diagnostic.field.as_deref() == Some(f))
                    && rule
                        .folder
                        .as_deref()
                        .is_none_or(|f| folder_depth(f, &diagnostic.path).is_some())
            })
    }

    /// Adds `stage_aliases:` to the stages; the aliases naming no stage come back.
    pub fn apply_stage_aliases(&mut self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (alias, id) in std::mem::take(&mut self.stage_aliases) {
            match self
                .stages
                .iter_mut()
                .find(|s| normalize(&s.id) == normalize(&id))
            {
                Some(stage) => stage.aliases.push(alias.clone()),
                None => problems.push(problem(
                    format!("stage_aliases.{alias}"),
                    format!(
                        "names the stage \"{id}\", which is not one of: {}",
                        self.stage_ids().join(", ")
                    ),
                )),
            }
            self.stage_aliases.insert(alias, id);
        }
        problems
    }

    /// Checks what serde cannot: ranges, uniqueness, names, paths. Every problem, in key order.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (i, rule) in self.checks.iter().enumerate() {
            let code = rule.code.as_deref();
            match code.map(|c| Code::ALL.iter().find(|k| k.as_str() == c)) {
                Some(None) => problems.push(problem(
                    format!("checks[{i}].code"),
                    format!("is not a warning's code: {}", code.unwrap_or_default()),
                )),
                Some(Some(k)) if k.severity() == Severity::Error => problems.push(problem(
                    format!("checks[{i}].code"),
                    format!("`{}` is an error, and errors cannot be silenced: a value is not read until it is fixed", k.as_str()),
                )),
                _ => {}
            }
            if *rule == Silence::default() {
                problems.push(problem(
                    format!("checks[{i}]"),
                    "silences nothing: give a code, a field or a folder",
                ));
            }
        }
        if !(1..=12).contains(&self.fiscal_year_start) {
            problems.push(problem(
                "fiscal_year_start",
                format!(
                    "must be a month from 1 to 12, not {}",
                    self.fiscal_year_start
                ),
            ));
        }
        if !is_currency_code(&self.currency) {
            problems.push(problem(
                "currency",
                format!(
                    "must be a three-letter currency code like USD or EUR, not \"{}\"",
                    self.currency
                ),
            ));
        }
        if !(0..=3650).contains(&self.stale_after_days) {
            problems.push(problem(
                "stale_after_days",
                "must be a whole number of days from 0 to 3650",
            ));
        }
        self.validate_stages(&mut problems);
        for (key, amount) in &self.quota {
            if crate::model::Period::parse(key, self.fiscal_year_start).is_none() {
                problems.push(problem(
                    format!("quota.{key}"),
                    "is not a period: write YYYY-Qn, YYYY-MM or YYYY",
                ));
            } else if !(amount.is_finite() && (0.0..=MAX_MONEY).contains(amount)) {
                problems.push(problem(
                    format!("quota.{key}"),
                    format!("must be an amount from 0 to {MAX_MONEY:e}, not {amount}"),
                ));
            }
        }
        for (currency, rate) in &self.fx {
            if !is_currency_code(currency) {
                problems.push(problem(
                    format!("fx.{currency}"),
                    "is not a three-letter currency code like EUR",
                ));
            } else if !(rate.is_finite() && (1e-6..=1e6).contains(rate)) {
                problems.push(problem(
                    format!("fx.{currency}"),
                    format!("must be a rate between 0.000001 and 1000000, not {rate}"),
                ));
            }
        }
        for (i, listed) in self.private_fields.iter().enumerate() {
            let hidden = std::iter::once(listed.as_str()).chain(
                self.fields
                    .iter()
                    .filter(|(_, source)| source.names().contains(&listed.as_str()))
                    .map(|(ours, _)| ours.as_str()),
            );
            let refused = hidden
                .filter_map(|name| Some((name, schema::spec(name)?.never_private?)))
                .next();
            if listed.trim().is_empty() {
                problems.push(problem(format!("private_fields[{i}]"), "is empty"));
            } else if let Some((name, why)) = refused {
                problems.push(problem(
                    format!("private_fields[{i}]"),
                    format!("lists `{name}`, which cannot be hidden from the manager: {why}; make the record private (`private: true`) instead"),
                ));
            }
        }
        for (i, output) in self.outputs.iter().enumerate() {
            if output.template.trim().is_empty() {
                problems.push(problem(format!("outputs[{i}].template"), "is empty"));
            }
            if let Some(message) = self.output_problem(&output.to) {
                problems.push(problem(format!("outputs[{i}].to"), message));
            } else if self.outputs[..i].iter().any(|o| o.to == output.to) {
                problems.push(problem(
                    format!("outputs[{i}].to"),
                    format!("`{}` is written by an output above already", output.to),
                ));
            }
        }
        for (key, stage) in [
            ("ask_from.decision_maker", &self.ask_from.decision_maker),
            ("ask_from.roi", &self.ask_from.roi),
        ] {
            if let Some(stage) = stage.as_deref().filter(|s| self.stage(s).is_none()) {
                problems.push(problem(
                    key,
                    format!(
                        "`{stage}` is not a stage; the stages are: {}",
                        self.stage_ids().join(", ")
                    ),
                ));
            }
        }
        if self.limits.template_steps == 0 {
            problems.push(problem("limits.template_steps", "must be more than 0"));
        }
        if self.limits.output_mb == 0 {
            problems.push(problem("limits.output_mb", "must be more than 0"));
        }
        problems
    }

    fn validate_stages(&self, problems: &mut Vec<Problem>) {
        if self.stages.is_empty() {
            problems.push(problem("stages", "needs at least one stage"));
        }
        // Every name a deal's `stage:` can use, normalized, with the stage it leads to.
        let mut names: Vec<(String, usize)> = Vec::new();
        for (i, stage) in self.stages.iter().enumerate() {
            if !(0.0..=100.0).contains(&stage.probability) {
                problems.push(problem(
                    format!("stages[{i}].probability"),
                    format!("must be a number from 0 to 100, not {}", stage.probability),
                ));
            }
            if stage.won && stage.lost {
                problems.push(problem(
                    format!("stages[{i}]"),
                    "cannot be both won and lost",
                ));
            }
            let written = std::iter::once((format!("stages[{i}].id"), &stage.id)).chain(
                stage
                    .aliases
                    .iter()
                    .enumerate()
                    .map(|(j, alias)| (format!("stages[{i}].aliases[{j}]"), alias)),
            );
            for (key, name) in written {
                let normalized = normalize(name);
                if normalized.is_empty() {
                    problems.push(problem(key, "is empty"));
                    continue;
                }
                match names.iter().find(|(n, _)| *n == normalized) {
                    Some((_, other)) if *other != i => problems.push(problem(
                        key,
                        format!(
                            "`{name}` is also the name of stage `{}`; a deal could not say which it means",
                            self.stages[*other].id
                        ),
                    )),
                    Some(_) => {}
                    None => names.push((normalized, i)),
                }
            }
        }
    }

    /// Why an output's `to:` cannot be written, if it cannot: it must be a new file of its own
    /// inside the vault, never a record, the config, a template, a dotfile or `.git`.
    pub fn output_problem(&self, to: &str) -> Option<String> {
        let path = Path::new(to);
        if to.trim().is_empty() {
            return Some("is empty".into());
        }
        if path.is_absolute() || to.starts_with('~') {
            return Some(format!(
                "`{to}` is outside the vault; write a path inside it, like reports/pipeline.md"
            ));
        }
        for component in path.components() {
            match component {
                Component::Normal(name) if name.to_string_lossy().starts_with('.') => {
                    return Some(format!(
                        "`{to}` is a hidden file or inside a hidden folder (like .git); write a path like reports/pipeline.md"
                    ))
                }
                Component::Normal(_) | Component::CurDir => {}
                _ => {
                    return Some(format!(
                        "`{to}` leaves the vault; write a path inside it, like reports/pipeline.md"
                    ))
                }
            }
        }
        if path == Path::new(CONFIG_FILE) {
            return Some(format!("`{to}` would overwrite the config itself"));
        }
        if path.starts_with("templates") {
            return Some(format!("`{to}` would overwrite the vault's templates"));
        }
        if let Some(kind) = self.folder_kind(path) {
            return Some(format!(
                "`{to}` is in a folder of {}s, where a report would be read as a record; write it elsewhere, like reports/",
                kind.as_str()
            ));
        }
        None
    }
}

/// How deep below the root the folder `entry` (of `folders:`) holds `path`, if it does: a
/// name (`opportunities`) is a folder of that name at any depth, a path (`crm/deals`) a folder
/// from the vault root.
pub fn folder_depth(entry: &str, path: &Path) -> Option<usize> {
    let entry = Path::new(entry.trim_matches('/'));
    let parent = path.parent()?;
    if entry.as_os_str().is_empty() {
        return None;
    }
    if entry.components().count() > 1 {
        return parent
            .starts_with(entry)
            .then(|| entry.components().count());
    }
    parent
        .components()
        .enumerate()
        .filter(|(_, c)| c.as_os_str() == entry.as_os_str())
        .map(|(depth, _)| depth + 1)
        .last()
}

/// Three ASCII capitals: USD, EUR, JPY.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Lowercase, trimmed, with spaces and dashes as underscores.
pub fn normalize(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_name_matches_at_any_depth_and_a_path_from_the_root() {
        let config: Config = Config {
            folders: Folders {
                deals: vec!["opportunities".into(), "work/deals".into()],
                contacts: vec!["contacts".into()],
                accounts: vec!["companies".into()],
            },
            ..Config::default()
        };
        let kind = |path: &str| config.folder_kind(Path::new(path));
        assert_eq!(kind("crm/opportunities/acme.md"), Some(Kind::Deal));
        assert_eq!(kind("opportunities/2026/acme.md"), Some(Kind::Deal));
        assert_eq!(kind("work/deals/acme.md"), Some(Kind::Deal));
        assert_eq!(
            kind("old/work/deals/acme.md"),
            None,
            "a path is from the root"
        );
        assert_eq!(
            kind("crm/opportunities/acme/contacts/jane.md"),
            Some(Kind::Contact)
        );
        assert_eq!(kind("crm/companies/acme.md"), Some(Kind::Account));
        assert_eq!(kind("opportunities.md"), None);
        assert_eq!(kind("notes/opportunities-old.md"), None);
    }
}
