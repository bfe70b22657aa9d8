//! `dealbook.yaml`: every key optional, defaults as in the design.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastCategory {
    Pipeline,
    BestCase,
    Commit,
    Omitted,
}

impl ForecastCategory {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, clap::ValueEnum)]
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
    /// dealbook's field name → the name this vault uses.
    pub fields: BTreeMap<String, String>,
    pub outputs: Vec<Output>,
    /// Read the git history of the repository holding the vault (`false` turns it off).
    pub history: bool,
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
            outputs: Vec::new(),
            history: true,
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

    /// Checks what serde cannot: ranges, uniqueness, period names. Returns (key path, problem).
    pub fn validate(&self) -> Result<(), (String, String)> {
        if !(1..=12).contains(&self.fiscal_year_start) {
            return Err((
                "fiscal_year_start".into(),
                format!(
                    "must be a month from 1 to 12, not {}",
                    self.fiscal_year_start
                ),
            ));
        }
        if self.stale_after_days < 0 {
            return Err(("stale_after_days".into(), "must not be negative".into()));
        }
        if self.stages.is_empty() {
            return Err(("stages".into(), "needs at least one stage".into()));
        }
        for (i, stage) in self.stages.iter().enumerate() {
            if !(0.0..=100.0).contains(&stage.probability) {
                return Err((
                    format!("stages[{i}].probability"),
                    format!("must be between 0 and 100, not {}", stage.probability),
                ));
            }
            if stage.won && stage.lost {
                return Err((format!("stages[{i}]"), "cannot be both won and lost".into()));
            }
            if self.stages[..i].iter().any(|s| s.id == stage.id) {
                return Err((
                    format!("stages[{i}].id"),
                    format!("`{}` appears twice", stage.id),
                ));
            }
        }
        for key in self.quota.keys() {
            if crate::model::Period::parse(key, self.fiscal_year_start).is_none() {
                return Err((
                    format!("quota.{key}"),
                    "is not a period: write YYYY-Qn, YYYY-MM or YYYY".into(),
                ));
            }
        }
        for (currency, rate) in &self.fx {
            if !(rate.is_finite() && *rate > 0.0) {
                return Err((format!("fx.{currency}"), "must be a positive number".into()));
            }
        }
        Ok(())
    }
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
