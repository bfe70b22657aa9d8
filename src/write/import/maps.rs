//! What a CRM's export means: which column holds which field, and its stage and forecast names
//! onto the vault's. Built in for Salesforce and HubSpot; a map file names anything else.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{Config, ForecastCategory, Kind};

/// Headers and names compare by their letters and digits only, ignoring case:
/// `Id. Decision Makers` matches `iddecisionmakers`, HubSpot's internal stage ids included.
pub fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where a column goes. Besides dealbook's fields and the rep's own:
pub mod target {
    /// The CRM's record id (kept as `crm_id:`, matched on the next import).
    pub const ID: &str = "id";
    /// Text for the note's body, under a heading.
    pub const BODY: &str = "body";
    /// Joined into `name` (Salesforce and HubSpot export names in two columns).
    pub const FIRST_NAME: &str = "first_name";
    pub const LAST_NAME: &str = "last_name";
}

/// How a CRM writes dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// 12/15/2026, as Salesforce and HubSpot export in the US.
    #[default]
    Us,
    /// 15/12/2026 or 15.12.2026.
    DayFirst,
    /// 2026-12-15 only.
    Iso,
}

/// A map file (`--map MAP.yaml`). Every key is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapFile {
    /// Start from a built-in map: `salesforce` or `hubspot`.
    pub extends: Option<String>,
    /// The name kept as `crm:` with each record's `crm_id:` (default: `extends`, else `csv`).
    pub crm: Option<String>,
    /// deal, contact or account (default: told by the headers, else deal).
    pub kind: Option<String>,
    /// `,`, `;` or `tab` (default: sniffed from the header).
    pub delimiter: Option<String>,
    /// `.` or `,` (default: `,` in a `;`-separated file, else `.`).
    pub decimal: Option<String>,
    pub dates: Option<DateOrder>,
    /// Column → field; `~` (null) drops the column.
    pub columns: BTreeMap<String, Option<String>>,
    /// The CRM's stage name → a stage id or alias of the vault's.
    pub stages: BTreeMap<String, String>,
    /// The CRM's forecast category → pipeline, best_case, commit or omitted.
    pub forecast: BTreeMap<String, String>,
}

/// A CRM whose exports dealbook knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crm {
    Salesforce,
    Hubspot,
}

/// A CRM stage's role: open (in pipeline order), won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Won,
    Lost,
}

use Role::{Lost, Open, Won};

/// Salesforce's standard opportunity stages, in order.
const SALESFORCE_STAGES: &[(&str, Role)] = &[
    ("Prospecting", Open),
    ("Qualification", Open),
    ("Needs Analysis", Open),
    ("Value Proposition", Open),
    ("Id. Decision Makers", Open),
    ("Perception Analysis", Open),
    ("Proposal/Price Quote", Open),
    ("Negotiation/Review", Open),
    ("Closed Won", Won),
    ("Closed Lost", Lost),
];

/// HubSpot's default deal pipeline, in order (its labels; the internal ids compare equal).
const HUBSPOT_STAGES: &[(&str, Role)] = &[
    ("Appointment Scheduled", Open),
    ("Qualified To Buy", Open),
    ("Presentation Scheduled", Open),
    ("Decision Maker Bought-In", Open),
    ("Contract Sent", Open),
    ("Closed Won", Won),
    ("Closed Lost", Lost),
];

const SALESFORCE_DEALS: &[(&str, &str)] = &[
    ("Opportunity ID", target::ID),
    ("Opportunity Name", "title"),
    ("Account Name", "account"),
    ("Amount", "amount"),
    ("Amount Currency", "currency"),
    ("Opportunity Currency", "currency"),
    ("Stage", "stage"),
    ("Probability (%)", "probability"),
    ("Close Date", "close_date"),
    ("Next Step", "next_step"),
    ("Created Date", "created"),
    ("Forecast Category", "forecast"),
    ("Last Activity", "last_activity"),
    ("Primary Contact", "contact"),
    ("Contact Name", "contact"),
    ("Description", target::BODY),
    // Worked out by Salesforce and different every day: a sync would churn on them.
    ("Age", ""),
    ("Fiscal Period", ""),
    ("Fiscal Year", ""),
    ("Fiscal Quarter", ""),
];

const SALESFORCE_CONTACTS: &[(&str, &str)] = &[
    ("Contact ID", target::ID),
    ("First Name", target::FIRST_NAME),
    ("Last Name", target::LAST_NAME),
    ("Title", "role"),
    ("Account Name", "account"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Last Activity", "last_contact"),
    ("Description", target::BODY),
];

const SALESFORCE_ACCOUNTS: &[(&str, &str)] = &[
    ("Account ID", target::ID),
    ("Account Name", "name"),
    ("Industry", "industry"),
    ("Website", "website"),
    ("Description", target::BODY),
];

const HUBSPOT_DEALS: &[(&str, &str)] = &[
    ("Record ID", target::ID),
    ("Deal ID", target::ID),
    ("Deal Name", "title"),
    ("Associated Company", "account"),
    ("Company Name", "account"),
    ("Associated Contact", "contact"),
    ("Amount", "amount"),
    ("Currency", "currency"),
    ("Deal Stage", "stage"),
    ("Deal probability", "probability"),
    ("Close Date", "close_date"),
    ("Next step", "next_step"),
    ("Create Date", "created"),
    ("Forecast category", "forecast"),
    ("Last Activity Date", "last_activity"),
    ("Deal Description", target::BODY),
    ("Description", target::BODY),
];

const HUBSPOT_CONTACTS: &[(&str, &str)] = &[
    ("Record ID", target::ID),
    ("Contact ID", target::ID),
    ("First Name", target::FIRST_NAME),
    ("Last Name", target::LAST_NAME),
    ("Job Title", "role"),
    ("Email", "email"),
    ("Phone Number", "phone"),
    ("Associated Company", "account"),
    ("Company Name", "account"),
    ("Last Activity Date", "last_contact"),
    ("Notes", target::BODY),
];

const HUBSPOT_COMPANIES: &[(&str, &str)] = &[
    ("Record ID", target::ID),
    ("Company ID", target::ID),
    ("Company name", "name"),
    ("Name", "name"),
    ("Industry", "industry"),
    ("Website URL", "website"),
    ("Company Domain Name", "domain"),
    ("Description", target::BODY),
];

impl Crm {
    pub fn parse(name: &str) -> Option<Crm> {
        match name {
            "salesforce" => Some(Crm::Salesforce),
            "hubspot" => Some(Crm::Hubspot),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Crm::Salesforce => "salesforce",
            Crm::Hubspot => "hubspot",
        }
    }

    fn stages(self) -> &'static [(&'static str, Role)] {
        match self {
            Crm::Salesforce => SALESFORCE_STAGES,
            Crm::Hubspot => HUBSPOT_STAGES,
        }
    }

    fn columns(self, kind: Kind) -> &'static [(&'static str, &'static str)] {
        match (self, kind) {
            (Crm::Salesforce, Kind::Deal) => SALESFORCE_DEALS,
            (Crm::Salesforce, Kind::Contact) => SALESFORCE_CONTACTS,
            (Crm::Salesforce, Kind::Account) => SALESFORCE_ACCOUNTS,
            (Crm::Hubspot, Kind::Deal) => HUBSPOT_DEALS,
            (Crm::Hubspot, Kind::Contact) => HUBSPOT_CONTACTS,
            (Crm::Hubspot, Kind::Account) => HUBSPOT_COMPANIES,
        }
    }

    /// What a file of this CRM's holds, told by its headers.
    fn kind_of(self, headers: &[String]) -> Option<Kind> {
        let has = |name: &str| headers.iter().any(|h| key(h) == key(name));
        let (deal, contact, account) = match self {
            Crm::Salesforce => (
                has("Opportunity Name") || has("Opportunity ID"),
                has("Contact ID") || has("First Name") || has("Last Name"),
                has("Account Name") || has("Account ID"),
            ),
            Crm::Hubspot => (
                has("Deal Name") || has("Deal Stage"),
                has("First Name") || has("Last Name") || has("Email"),
                has("Company name") || has("Company Domain Name"),
            ),
        };
        [
            (deal, Kind::Deal),
            (contact, Kind::Contact),
            (account, Kind::Account),
        ]
        .into_iter()
        .find_map(|(found, kind)| found.then_some(kind))
    }
}

/// A map ready to read one file: for a kind, its columns, stages and value formats.
#[derive(Debug, Clone)]
pub struct Map {
    /// Kept as `crm:` beside each `crm_id:`.
    pub crm: String,
    pub kind: Kind,
    pub delimiter: Option<u8>,
    pub decimal: Option<char>,
    pub dates: DateOrder,
    /// No map: columns named like dealbook's fields are those fields, as in dealbook's export.
    pub by_name: bool,
    built_in: Option<Crm>,
    columns: Vec<(String, Option<String>)>,
    stages: Vec<(String, String)>,
    forecast: Vec<(String, String)>,
}

/// Why a map cannot be used.
pub type MapError = String;

impl Map {
    /// The map for `--map NAME` (a built-in's name), a parsed map file, or none, for a file
    /// with these headers. `kind` (from `--kind`) wins over the map's and the headers'.
    pub fn new(
        built_in: Option<Crm>,
        file: Option<MapFile>,
        kind: Option<Kind>,
        headers: &[String],
    ) -> Result<Map, MapError> {
        let file = file.unwrap_or_default();
        let built_in = match (&file.extends, built_in) {
            (Some(name), _) => Some(Crm::parse(name).ok_or_else(|| {
                format!("`extends: {name}` names no built-in map (salesforce or hubspot)")
            })?),
            (None, crm) => crm,
        };
        let file_kind = file
            .kind
            .as_deref()
            .map(|k| {
                Kind::parse(k).ok_or_else(|| format!("`kind: {k}` is not deal, contact or account"))
            })
            .transpose()?;
        let kind = kind
            .or(file_kind)
            .or_else(|| built_in.and_then(|crm| crm.kind_of(headers)))
            .unwrap_or(Kind::Deal);
        let delimiter = match file.delimiter.as_deref() {
            None => None,
            Some("tab" | "\t") => Some(b'\t'),
            Some(d) if d.len() == 1 => Some(d.as_bytes()[0]),
            Some(d) => return Err(format!("`delimiter: {d}` is not one character or `tab`")),
        };
        let decimal = match file.decimal.as_deref() {
            None => None,
            Some(".") => Some('.'),
            Some(",") => Some(','),
            Some(d) => return Err(format!("`decimal: {d}` must be `.` or `,`")),
        };
        let mut columns: Vec<(String, Option<String>)> = file
            .columns
            .iter()
            .map(|(column, field)| (key(column), field.clone()))
            .collect();
        if let Some(crm) = built_in {
            for (column, field) in crm.columns(kind) {
                let field = (!field.is_empty()).then(|| field.to_string());
                columns.push((key(column), field));
            }
        }
        Ok(Map {
            crm: file
                .crm
                .clone()
                .or_else(|| built_in.map(|c| c.name().to_string()))
                .unwrap_or_else(|| "csv".into()),
            kind,
            delimiter,
            decimal,
            dates: file.dates.unwrap_or_default(),
            by_name: built_in.is_none() && file.columns.is_empty(),
            built_in,
            columns,
            stages: file
                .stages
                .iter()
                .map(|(k, v)| (key(k), v.clone()))
                .collect(),
            forecast: file
                .forecast
                .iter()
                .map(|(k, v)| (key(k), v.clone()))
                .collect(),
        })
    }

    /// The field a column goes to: the map's (the map file's before the built-in's), else a
    /// field of its own named after the column. `None` drops the column.
    pub fn target(&self, header: &str) -> Option<String> {
        let wanted = key(header);
        match self.columns.iter().find(|(column, _)| *column == wanted) {
            Some((_, field)) => field.clone(),
            None => Some(own_field(header, self.kind, self.by_name)),
        }
    }

    /// The vault's stage for a CRM's stage name: the config's ids and aliases first, then the
    /// map's `stages:`, then the CRM's standard stages by role and order.
    pub fn stage(&self, name: &str, config: &Config) -> Result<String, String> {
        if let Some(stage) = config.stage(name) {
            return Ok(stage.id.clone());
        }
        let wanted = key(name);
        if let Some((_, to)) = self.stages.iter().find(|(from, _)| *from == wanted) {
            return config.stage(to).map(|s| s.id.clone()).ok_or_else(|| {
                format!("the map's `stages:` sends \"{name}\" to \"{to}\", which is no stage of dealbook.yaml")
            });
        }
        let standard = self.built_in.map(Crm::stages).unwrap_or_default();
        let unknown = || {
            format!(
                "no stage for \"{name}\": add `aliases: [\"{name}\"]` to the stage it means in dealbook.yaml (or map it in the map file's `stages:`)"
            )
        };
        let (position, role) = standard
            .iter()
            .filter(|(_, role)| *role == Open)
            .position(|(n, _)| key(n) == wanted)
            .map(|p| (p, Open))
            .or_else(|| {
                standard
                    .iter()
                    .find(|(n, _)| key(n) == wanted)
                    .map(|(_, role)| (0, *role))
            })
            .ok_or_else(unknown)?;
        let pick = |wanted: fn(&crate::model::Stage) -> bool| {
            config
                .stages
                .iter()
                .find(|s| wanted(s))
                .map(|s| s.id.clone())
        };
        match role {
            Won => pick(|s| s.won).ok_or_else(unknown),
            Lost => pick(|s| s.lost).ok_or_else(unknown),
            Open => {
                let open: Vec<&str> = config
                    .stages
                    .iter()
                    .filter(|s| s.is_open())
                    .map(|s| s.id.as_str())
                    .collect();
                let crm_open = standard.iter().filter(|(_, r)| *r == Open).count();
                // The same place in the pipeline: first to first, last to last.
                let at = if crm_open > 1 && !open.is_empty() {
                    (position * (open.len() - 1) + (crm_open - 1) / 2) / (crm_open - 1)
                } else {
                    0
                };
                open.get(at).map(|s| s.to_string()).ok_or_else(unknown)
            }
        }
    }

    /// The vault's forecast category for a CRM's; `Ok(None)` for "Closed" (the stage says it).
    pub fn forecast(&self, name: &str) -> Result<Option<ForecastCategory>, String> {
        let wanted = key(name);
        let name_of = |text: &str| match key(text).as_str() {
            "pipeline" => Some(Some(ForecastCategory::Pipeline)),
            "bestcase" | "upside" => Some(Some(ForecastCategory::BestCase)),
            "commit" => Some(Some(ForecastCategory::Commit)),
            "omitted" | "omit" | "notforecasted" => Some(Some(ForecastCategory::Omitted)),
            "closed" | "closedwon" | "closedlost" => Some(None),
            _ => None,
        };
        if let Some((_, to)) = self.forecast.iter().find(|(from, _)| *from == wanted) {
            return name_of(to).ok_or_else(|| {
                format!("the map's `forecast:` sends \"{name}\" to \"{to}\", which is not pipeline, best_case, commit or omitted")
            });
        }
        name_of(name).ok_or_else(|| {
            format!("no forecast category for \"{name}\": map it in the map file's `forecast:` (pipeline, best_case, commit or omitted)")
        })
    }
}

/// The field a column no map names becomes: `Lead Source` → `lead_source`. Without a map a
/// column named like one of dealbook's fields is that field; with one, such a column, a name
/// dealbook reserves, or a near miss of a field (which `check` would warn about) is kept under
/// `crm_` (`Type` → `crm_type`), so it never changes what a record is.
fn own_field(header: &str, kind: Kind, by_name: bool) -> String {
    let name = snake_case(header);
    const RESERVED: [&str; 7] = ["id", "path", "type", "kind", "body", "open", "private"];
    let known = crate::model::known_fields(kind).contains(&name.as_str());
    if by_name && (known || ["id", "path", "open"].contains(&name.as_str())) {
        return name;
    }
    let collides = RESERVED.contains(&name.as_str())
        || known
        || crate::model::schema::near_miss(kind, &name).is_some();
    if collides {
        format!("crm_{name}")
    } else {
        name
    }
}

/// `Close Date` → `close_date`.
fn snake_case(header: &str) -> String {
    let mut name = String::new();
    for c in header.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('_') && !name.is_empty() {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn salesforce() -> Map {
        Map::new(Some(Crm::Salesforce), None, Some(Kind::Deal), &[]).unwrap()
    }

    #[test]
    fn standard_stages_land_on_the_vaults_by_role_and_order() {
        let config = Config::default();
        let map = salesforce();
        let landed: Vec<String> = SALESFORCE_STAGES
            .iter()
            .map(|(name, _)| map.stage(name, &config).unwrap())
            .collect();
        assert_eq!(
            landed,
            [
                "prospecting",
                "discovery",
                "discovery",
                "demo",
                "demo",
                "proposal",
                "proposal",
                "negotiation",
                "closed_won",
                "closed_lost"
            ]
        );
        let hubspot = Map::new(Some(Crm::Hubspot), None, Some(Kind::Deal), &[]).unwrap();
        let landed: Vec<String> = [
            "appointmentscheduled",
            "Qualified To Buy",
            "Presentation Scheduled",
            "Decision Maker Bought-In",
            "contractsent",
            "closedwon",
            "Closed Lost",
        ]
        .iter()
        .map(|name| hubspot.stage(name, &config).unwrap())
        .collect();
        assert_eq!(
            landed,
            [
                "prospecting",
                "discovery",
                "demo",
                "proposal",
                "negotiation",
                "closed_won",
                "closed_lost"
            ]
        );
    }

    #[test]
    fn the_configs_aliases_come_first_and_an_unknown_stage_says_what_to_add() {
        let mut config = Config::default();
        config.stages[4].aliases.push("Value Proposition".into());
        let map = salesforce();
        assert_eq!(
            map.stage("Value Proposition", &config).unwrap(),
            "negotiation"
        );
        let e = map.stage("Verbal Yes", &config).unwrap_err();
        assert!(e.contains("aliases: [\"Verbal Yes\"]"), "{e}");
    }

    #[test]
    fn forecast_categories_of_both_crms() {
        let map = salesforce();
        assert_eq!(
            map.forecast("Best Case").unwrap(),
            Some(ForecastCategory::BestCase)
        );
        assert_eq!(
            map.forecast("Omitted").unwrap(),
            Some(ForecastCategory::Omitted)
        );
        assert_eq!(map.forecast("Closed won").unwrap(), None);
        assert_eq!(map.forecast("Closed").unwrap(), None);
        assert!(map.forecast("Maybe").is_err());
    }

    #[test]
    fn columns_that_collide_with_dealbooks_fields_are_kept_under_crm() {
        let map = salesforce();
        assert_eq!(map.target("Type").as_deref(), Some("crm_type"));
        assert_eq!(map.target("Stage Name ").as_deref(), Some("stage_name"));
        assert_eq!(map.target("Lead Source").as_deref(), Some("lead_source"));
        assert_eq!(map.target("Age"), None, "dropped");
        assert_eq!(
            map.target("Amout").as_deref(),
            Some("crm_amout"),
            "a near miss"
        );
        let by_name = Map::new(None, None, Some(Kind::Deal), &[]).unwrap();
        assert_eq!(by_name.target("Close Date").as_deref(), Some("close_date"));
        assert_eq!(by_name.target("type").as_deref(), Some("type"));
    }
}
