//! Turning a CRM's CSV export into vault records: columns mapped to dealbook's fields, values
//! read the way CRMs write them, and every other column kept as a field of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::model::{known_fields, Config, Kind};
use crate::parse::{body::parse_date, yaml};

/// Which column holds which field. Headers match ignoring case and surrounding spaces.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ColumnMap {
    pub kind: Option<String>,
    pub columns: BTreeMap<String, String>,
}

const SALESFORCE: &[(&str, &str)] = &[
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
    ("First Name", "first_name"),
    ("Last Name", "last_name"),
    ("Title", "role"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("Last Activity", "last_contact"),
    ("Industry", "industry"),
    ("Website", "website"),
];

const HUBSPOT: &[(&str, &str)] = &[
    ("Deal Name", "title"),
    ("Associated Company", "account"),
    ("Company Name", "account"),
    ("Amount", "amount"),
    ("Currency", "currency"),
    ("Deal Stage", "stage"),
    ("Deal probability", "probability"),
    ("Close Date", "close_date"),
    ("Next step", "next_step"),
    ("Create Date", "created"),
    ("Forecast category", "forecast"),
    ("First Name", "first_name"),
    ("Last Name", "last_name"),
    ("Job Title", "role"),
    ("Email", "email"),
    ("Phone Number", "phone"),
    ("Last Activity Date", "last_contact"),
    ("Industry", "industry"),
    ("Website URL", "website"),
    ("Name", "name"),
];

impl ColumnMap {
    /// The built-in maps for Salesforce and HubSpot report exports.
    pub fn built_in(name: &str) -> Option<ColumnMap> {
        let pairs = match name {
            "salesforce" => SALESFORCE,
            "hubspot" => HUBSPOT,
            _ => return None,
        };
        Some(ColumnMap {
            kind: None,
            columns: pairs
                .iter()
                .map(|(column, field)| (column.to_string(), field.to_string()))
                .collect(),
        })
    }

    /// Without a map, columns named like dealbook's fields (`close_date`, `Close Date`) map to them.
    pub fn by_name() -> ColumnMap {
        ColumnMap::default()
    }

    fn field_for(&self, header: &str) -> String {
        let wanted = header.trim().to_lowercase();
        self.columns
            .iter()
            .find(|(column, _)| column.trim().to_lowercase() == wanted)
            .map(|(_, field)| field.clone())
            .unwrap_or_else(|| field_name(header))
    }
}

/// `Close Date` → `close_date`: a column no map names becomes a field of its own.
fn field_name(header: &str) -> String {
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

/// A file to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    /// Relative to the vault root.
    pub path: PathBuf,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub files: Vec<NewFile>,
    /// Rows skipped and values that could not be read, in plain words.
    pub notes: Vec<String>,
}

/// Plans the import of `rows` (the header first) as records of `kind` in `folder`. `exists`
/// says whether a vault path is taken; such records are skipped, never overwritten.
pub fn plan(
    rows: &[Vec<String>],
    map: &ColumnMap,
    kind: Kind,
    folder: &Path,
    config: &Config,
    today: NaiveDate,
    exists: &dyn Fn(&Path) -> bool,
) -> Plan {
    let mut plan = Plan::default();
    let Some((header, records)) = rows.split_first() else {
        plan.notes.push("the file has no header row".into());
        return plan;
    };
    let fields: Vec<String> = header.iter().map(|h| map.field_for(h)).collect();
    let mut taken: BTreeSet<PathBuf> = BTreeSet::new();
    let mut unknown_stages: BTreeSet<String> = BTreeSet::new();
    for (n, row) in records.iter().enumerate() {
        let line = n + 2;
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        for (field, value) in fields.iter().zip(row) {
            let value = value.trim();
            if !value.is_empty() && !field.is_empty() {
                values
                    .entry(field.clone())
                    .or_insert_with(|| value.to_string());
            }
        }
        // dealbook's own export: its id names the file; what it worked out is not front matter.
        let own_id = values.remove("id");
        for computed in ["path", "open", "last_activity"] {
            values.remove(computed);
        }
        if let (Some(first), Some(last)) = (values.remove("first_name"), values.remove("last_name"))
        {
            values
                .entry("name".into())
                .or_insert(format!("{first} {last}"));
        }
        let name_field = if kind == Kind::Deal { "title" } else { "name" };
        let Some(name) = values
            .get(name_field)
            .or_else(|| values.get("name"))
            .cloned()
        else {
            plan.notes
                .push(format!("row {line}: no {name_field}; skipped"));
            continue;
        };
        values.insert(name_field.into(), name.clone());
        let mut front = Vec::new();
        for (field, value) in &values {
            match normalize(field, value, config) {
                Ok(yaml) => front.push((field.clone(), yaml)),
                Err(problem) => {
                    if field == "stage" {
                        unknown_stages.insert(value.clone());
                    } else {
                        plan.notes
                            .push(format!("row {line}: {problem}; kept as text"));
                    }
                    front.push((field.clone(), yaml::scalar(value)));
                }
            }
        }
        if kind == Kind::Deal && !values.contains_key("created") {
            front.push(("created".into(), today.to_string()));
        }
        let known = known_fields(kind);
        front.sort_by_key(|(field, _)| {
            let rank = known.iter().position(|k| k == field).unwrap_or(known.len());
            (rank, field.clone())
        });
        let id = super::slug(own_id.as_deref().unwrap_or(&name));
        if id.is_empty() {
            plan.notes.push(format!(
                "row {line}: \"{name}\" makes no file name; skipped"
            ));
            continue;
        }
        let path = (1..)
            .map(|i| {
                let stem = if i == 1 {
                    id.clone()
                } else {
                    format!("{id}-{i}")
                };
                folder.join(format!("{stem}.md"))
            })
            .find(|p| !taken.contains(p) && !exists(p))
            .expect("a free name");
        if path != folder.join(format!("{id}.md")) && exists(&folder.join(format!("{id}.md"))) {
            plan.notes.push(format!(
                "row {line}: {} already exists; imported as {}",
                folder.join(format!("{id}.md")).display(),
                path.display()
            ));
        }
        taken.insert(path.clone());
        let mut text = String::from("---\n");
        for (field, yaml) in front {
            text.push_str(&format!("{field}: {yaml}\n"));
        }
        text.push_str("---\n");
        plan.files.push(NewFile { path, text });
    }
    if !unknown_stages.is_empty() {
        let stages: Vec<String> = unknown_stages.into_iter().collect();
        plan.notes.push(format!(
            "stages not in your config: {}; add them to `stages:` or as `aliases:` so `check` accepts them",
            stages.join(", ")
        ));
    }
    plan
}

/// A CRM's value as dealbook writes it: `$48,000.00` → 48000, `55%` → 55, `12/15/2026` →
/// 2026-12-15, `Closed Won` → `closed_won`.
fn normalize(field: &str, value: &str, config: &Config) -> Result<String, String> {
    match field {
        "amount" | "probability" => {
            let digits: String = value
                .chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
                .collect();
            digits
                .parse::<f64>()
                .map(crate::metrics::money::Num)
                .map(|n| serde_json::to_string(&n).unwrap_or_default())
                .map_err(|_| format!("{field} \"{value}\" is not a number"))
        }
        "close_date" | "created" | "next_step_date" | "last_contact" => crm_date(value)
            .map(|d| d.to_string())
            .ok_or_else(|| format!("{field} \"{value}\" is not a date")),
        "stage" => config
            .stage(value)
            .map(|s| s.id.clone())
            .ok_or_else(|| format!("unknown stage \"{value}\"")),
        "currency" => Ok(value.to_ascii_uppercase()),
        // CRMs write checkboxes as 1/0, yes/no, true/false or X.
        "private" | "dm_engaged" | "roi_accepted" => {
            match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "y" | "x" => Ok("true".into()),
                "0" | "false" | "no" | "n" => Ok("false".into()),
                _ => Err(format!("{field} \"{value}\" is not yes or no")),
            }
        }
        _ => Ok(yaml::scalar(value)),
    }
}

/// `2026-12-15`, `2026-12-15T10:00:00Z`, `12/15/2026` (US, as Salesforce and HubSpot export).
fn crm_date(value: &str) -> Option<NaiveDate> {
    parse_date(value.get(..10).unwrap_or(value))
        .or_else(|| NaiveDate::parse_from_str(value.split_whitespace().next()?, "%m/%d/%Y").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(csv: &str) -> Vec<Vec<String>> {
        crate::parse::csv::parse(csv)
    }

    #[test]
    fn salesforce_opportunities_become_deals() {
        let csv = "Opportunity Name,Account Name,Amount,Stage,Close Date,Probability (%),Lead Source\nAcme: renewal,Acme,\"$48,000.00\",Closed Won,12/15/2026,100%,Web\nNo name,,,,,,\n";
        let map = ColumnMap::built_in("salesforce").unwrap();
        let today = "2026-11-23".parse().unwrap();
        let plan = plan(
            &rows(csv),
            &map,
            Kind::Deal,
            Path::new("deals"),
            &Config::default(),
            today,
            &|_| false,
        );
        assert_eq!(plan.files.len(), 2);
        assert_eq!(plan.files[0].path, Path::new("deals/acme-renewal.md"));
        assert_eq!(
            plan.files[0].text,
            "---\ntitle: 'Acme: renewal'\naccount: Acme\namount: 48000\nstage: closed_won\nprobability: 100\nclose_date: 2026-12-15\ncreated: 2026-11-23\nlead_source: Web\n---\n"
        );
    }

    #[test]
    fn names_never_overwrite_and_odd_values_are_noted() {
        let csv = "Name,Close Date,Stage\nAcme,someday,Qualification\nAcme,2026-01-01,demo\n";
        let today = "2026-11-23".parse().unwrap();
        let exists = |p: &Path| p == Path::new("deals/acme.md");
        let plan = plan(
            &rows(csv),
            &ColumnMap::by_name(),
            Kind::Deal,
            Path::new("deals"),
            &Config::default(),
            today,
            &exists,
        );
        let paths: Vec<_> = plan.files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("deals/acme-2.md"),
                PathBuf::from("deals/acme-3.md")
            ]
        );
        assert!(plan
            .notes
            .iter()
            .any(|n| n.contains("\"someday\" is not a date")));
        assert!(plan.notes.iter().any(|n| n.contains("Qualification")));
    }
}
