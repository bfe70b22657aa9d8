//! `key=value` from the command line → checked YAML text for the front matter.

use crate::model::schema::{self, FieldType};
use crate::model::{is_currency_code, normalize, Config, ForecastCategory, MAX_MONEY};
use crate::parse::{body::parse_date, yaml};

/// Why a `key=value` from the command line cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("`{0}` is not key=value")]
    NotAnAssignment(String),
    #[error("`{0}` is not a field name")]
    NotAFieldName(String),
    /// The value does not fit the field; the message says why, in plain words.
    #[error("{0}")]
    Refused(String),
}

/// How the old value was quoted, so an edit keeps the rep's style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quoting {
    #[default]
    Plain,
    Double,
    Single,
}

impl Quoting {
    pub fn of(written: &str) -> Quoting {
        match written.trim_start().chars().next() {
            Some('"') => Quoting::Double,
            Some('\'') => Quoting::Single,
            _ => Quoting::Plain,
        }
    }
}

/// Splits `key=value`.
pub fn split_assignment(assignment: &str) -> Result<(&str, &str), ValueError> {
    let (key, value) = assignment
        .split_once('=')
        .ok_or_else(|| ValueError::NotAnAssignment(assignment.to_string()))?;
    let key = key.trim();
    if key.is_empty() || key.contains([':', '#', ' ']) || key.starts_with(['.', '-']) {
        return Err(ValueError::NotAFieldName(key.to_string()));
    }
    Ok((key, value.trim()))
}

/// Checks `value` for `key` and returns it as YAML. An error says what is wrong, in plain words.
pub fn to_yaml(
    key: &str,
    value: &str,
    config: &Config,
    quoting: Quoting,
) -> Result<String, ValueError> {
    checked(key, value, config, quoting).map_err(ValueError::Refused)
}

fn checked(key: &str, value: &str, config: &Config, quoting: Quoting) -> Result<String, String> {
    let field = key.rsplit('.').next().unwrap_or(key);
    if value.is_empty() {
        return Ok(String::new());
    }
    let Some(spec) = schema::spec(field) else {
        return own_field(field, value, quoting);
    };
    match spec.ty {
        FieldType::Stage => {
            let stage = config.stage(value).ok_or_else(|| {
                format!(
                    "unknown stage \"{value}\"; the known stages are: {}",
                    config.stage_ids().join(", ")
                )
            })?;
            Ok(requote(&stage.id, quoting))
        }
        FieldType::Forecast => ForecastCategory::parse(value)
            .map(|c| requote(c.as_str(), quoting))
            .ok_or_else(|| {
                format!(
                    "forecast must be one of pipeline, best_case, commit, omitted, not \"{value}\""
                )
            }),
        FieldType::Date => parse_date(value)
            .map(|d| requote(&d.to_string(), quoting))
            .ok_or_else(|| {
                format!(
                    "{field} must be a date written YYYY-MM-DD, like 2026-12-15, not \"{value}\""
                )
            }),
        FieldType::Money | FieldType::Percent => {
            let number: f64 = value
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| {
                    if spec.ty == FieldType::Percent {
                        format!("{field} must be a number from 0 to 100, not \"{value}\"")
                    } else {
                        format!("{field} must be a plain number, like 48000, not \"{value}\"")
                    }
                })?;
            if spec.ty == FieldType::Percent && !(0.0..=100.0).contains(&number) {
                return Err(format!(
                    "{field} must be a number from 0 to 100, not {value}"
                ));
            }
            if spec.ty == FieldType::Money && number.abs() > MAX_MONEY {
                return Err(format!(
                    "{field} must be at most {MAX_MONEY:e}, not {value}"
                ));
            }
            // Always plain, whatever quotes the old value had (`amount: "$48,000"`): quoted,
            // a number or a boolean is text to every other YAML reader.
            Ok(value.to_string())
        }
        FieldType::Bool => match normalize(value).as_str() {
            "true" | "yes" | "y" => Ok("true".to_string()),
            "false" | "no" | "n" => Ok("false".to_string()),
            _ => Err(format!("{field} must be true or false, not \"{value}\"")),
        },
        FieldType::List => list(value),
        FieldType::Currency => {
            let code = value.to_ascii_uppercase();
            if !is_currency_code(&code) {
                return Err(format!(
                    "currency must be a three-letter code like USD or EUR, not \"{value}\""
                ));
            }
            Ok(requote(&code, quoting))
        }
        FieldType::Text | FieldType::Link | FieldType::RecordKind => Ok(quoted(value, quoting)),
    }
}

/// The rep's own fields: numbers and booleans as typed, lists and mappings as written (once
/// they parse), everything else as text.
fn own_field(field: &str, value: &str, quoting: Quoting) -> Result<String, String> {
    if value.starts_with('[') || value.starts_with('{') {
        yaml::parse_value(value).map_err(|e| format!("{field}: {}", e.message))?;
        return Ok(value.to_string());
    }
    match yaml::parse_value(value) {
        Ok(serde_json::Value::Number(_) | serde_json::Value::Bool(_))
            if quoting == Quoting::Plain =>
        {
            Ok(value.to_string())
        }
        _ => Ok(quoted(value, quoting)),
    }
}

/// A checked value (a stage id, a date, a number: nothing that needs escaping) in the quotes
/// the rep used before, if any.
fn requote(value: &str, quoting: Quoting) -> String {
    match quoting {
        Quoting::Plain => value.to_string(),
        Quoting::Double => format!("\"{value}\""),
        Quoting::Single => format!("'{value}'"),
    }
}

/// `a, b` or `[a, b]` → a flow list with each item quoted only if it must be.
fn list(value: &str) -> Result<String, String> {
    let items: Vec<String> = if value.starts_with('[') {
        match yaml::parse_value(value).map_err(|e| format!("tags: {}", e.message))? {
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            _ => return Err("tags must be a list like [renewal, expansion]".into()),
        }
    } else {
        value.split(',').map(str::to_string).collect()
    };
    let items: Vec<String> = items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .map(|item| {
            let plain = yaml::scalar(item);
            if plain == item && !item.contains([',', '[', ']', '{', '}']) {
                plain
            } else {
                double_quoted(item)
            }
        })
        .collect();
    Ok(format!("[{}]", items.join(", ")))
}

/// Text as YAML: in the quotes the rep used before, else quoted only when YAML needs it.
fn quoted(value: &str, quoting: Quoting) -> String {
    if value.contains(['\n', '\r']) {
        return double_quoted(value);
    }
    match quoting {
        Quoting::Double => double_quoted(value),
        Quoting::Single => format!("'{}'", value.replace('\'', "''")),
        Quoting::Plain => yaml::scalar(value),
    }
}

fn double_quoted(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(key: &str, value: &str) -> Result<String, String> {
        let to_yaml =
            |k: &str, v: &str, c: &Config, q| to_yaml(k, v, c, q).map_err(|e| e.to_string());
        to_yaml(key, value, &Config::default(), Quoting::Plain)
    }

    #[test]
    fn checks_known_fields() {
        assert_eq!(yaml("stage", "Closed Won").unwrap(), "closed_won");
        assert!(yaml("stage", "qualified")
            .unwrap_err()
            .contains("prospecting"));
        assert!(yaml("close_date", "12/15/2026")
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(yaml("amount", "$48,000")
            .unwrap_err()
            .contains("plain number"));
        assert!(yaml("probability", "120").is_err());
        assert_eq!(yaml("dm_engaged", "Yes").unwrap(), "true");
        assert_eq!(yaml("tags", "expansion, q4").unwrap(), "[expansion, q4]");
        assert_eq!(yaml("tags", "[a, \"b c\"]").unwrap(), "[a, b c]");
        assert_eq!(yaml("tags", "x, @y").unwrap(), "[x, \"@y\"]");
    }

    #[test]
    fn quotes_what_yaml_would_misread() {
        for value in [
            "Call: Jane",
            "# not a comment",
            "@manager help",
            "true",
            "48000",
            "[x",
        ] {
            let written = yaml("next_step", value).unwrap();
            assert_eq!(
                yaml::parse_value(&written).unwrap(),
                serde_json::json!(value),
                "{written}"
            );
        }
        assert_eq!(yaml("next_step", "Send pricing").unwrap(), "Send pricing");
    }

    #[test]
    fn keeps_the_old_quoting_style() {
        let config = Config::default();
        assert_eq!(
            to_yaml("title", "Acme", &config, Quoting::Double).unwrap(),
            "\"Acme\""
        );
        assert_eq!(
            to_yaml("title", "it's", &config, Quoting::Single).unwrap(),
            "'it''s'"
        );
    }

    #[test]
    fn own_fields_keep_their_type() {
        assert_eq!(yaml("budget", "5000").unwrap(), "5000");
        assert_eq!(yaml("competitor", "Initrode").unwrap(), "Initrode");
        assert_eq!(yaml("competitor", "a: b").unwrap(), "'a: b'");
    }
}
