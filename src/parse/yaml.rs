//! The only module that knows about serde_yaml: swap the YAML library here and nowhere else.

use serde::de::DeserializeOwned;

use crate::diagnostic::Pos;
use crate::model::Value;

/// A YAML problem, positioned in the file's coordinates, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses front matter into its top-level entries, in the order written.
/// `first_line` is the file line the YAML starts on.
pub fn parse_mapping(yaml: &str, first_line: usize) -> Result<Vec<(String, Value)>, YamlError> {
    let value: serde_yaml::Value =
        serde_yaml::from_str(yaml).map_err(|e| error(&e, first_line, yaml))?;
    match value {
        serde_yaml::Value::Null => Ok(Vec::new()),
        serde_yaml::Value::Mapping(map) => Ok(map
            .into_iter()
            .map(|(key, value)| (key_string(&key), to_json(value)))
            .collect()),
        _ => Err(YamlError {
            pos: Pos::new(first_line, 1),
            message: "front matter must be a list of `key: value` lines".into(),
        }),
    }
}

/// Deserializes a whole YAML document (the config) into a typed value.
pub fn parse_document<T: DeserializeOwned + Default>(text: &str) -> Result<T, YamlError> {
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_yaml::from_str(text).map_err(|e| error(&e, 1, text))
}

/// Reads one YAML value as written after `key: ` (a scalar, `[a, b]` or `{k: v}`).
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    serde_yaml::from_str::<serde_yaml::Value>(text)
        .map(to_json)
        .map_err(|e| error(&e, 1, text))
}

/// Writes a scalar the way a rep would type it, quoting only when YAML needs it to read it back.
pub fn scalar(text: &str) -> String {
    let plain = serde_yaml::to_string(text).unwrap_or_default();
    plain.trim_end_matches('\n').to_string()
}

fn error(e: &serde_yaml::Error, first_line: usize, text: &str) -> YamlError {
    let in_file = |line: usize, column: usize| Pos::new(first_line + line - 1, column);
    let pos = e
        .location()
        .map(|l| in_file(l.line(), l.column()))
        .unwrap_or(Pos::new(first_line, 1));
    let raw = e.to_string();
    // libyaml notices an unclosed quote or bracket only at the end of the text; its message
    // says where it was opened, which is where the rep should look.
    for (opened, problem) in [
        (
            "while scanning a quoted scalar",
            "a quote opened here is never closed",
        ),
        (
            "while parsing a flow sequence",
            "a `[` opened here is never closed",
        ),
        (
            "while parsing a flow mapping",
            "a `{` opened here is never closed",
        ),
    ] {
        if let Some((line, column)) = location_after(&raw, opened) {
            return YamlError {
                pos: in_file(line, column),
                message: format!("invalid YAML: {problem}"),
            };
        }
    }
    // A duplicate key is reported at the start of its mapping; point at the second one.
    if let Some(key) = raw
        .strip_prefix("duplicate entry with key \"")
        .and_then(|rest| rest.split('"').next())
    {
        let mut seen = text.lines().enumerate().filter(|(_, line)| {
            crate::parse::front_matter::top_level_key(line).is_some_and(|(k, _)| k == key)
        });
        if let Some((n, _)) = seen.nth(1) {
            return YamlError {
                pos: Pos::new(first_line + n, 1),
                message: format!(
                    "invalid YAML: `{key}` appears twice (each key may appear only once)"
                ),
            };
        }
    }
    let message = raw
        .find(" at line ")
        .map_or(raw.as_str(), |i| &raw[..i])
        .to_string();
    YamlError {
        pos,
        message: explain(&message),
    }
}

/// `… while scanning a quoted scalar at line 3 column 12` → (3, 12).
fn location_after(message: &str, phrase: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find(phrase)? + phrase.len()..];
    let rest = rest.strip_prefix(" at line ")?;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Adds what to do next to libyaml's terse messages.
fn explain(message: &str) -> String {
    let hint = if message.contains("mapping values are not allowed") {
        Some("a value that contains `: ` must be put in quotes")
    } else if message.contains("did not find expected key") {
        Some("check the indentation, or quote a value that starts with a special character")
    } else if message.contains("cannot start any token") {
        Some("a value that starts with `@` or a backtick must be put in quotes")
    } else if message.contains("did not find expected") {
        Some("a quote or bracket is not closed")
    } else if message.contains("duplicate entry") {
        Some("each key may appear only once")
    } else {
        None
    };
    match hint {
        Some(hint) => format!("invalid YAML: {message} ({hint})"),
        None => format!("invalid YAML: {message}"),
    }
}

fn key_string(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.trim().to_string(),
        other => scalar_text(other).unwrap_or_default(),
    }
}

fn scalar_text(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_string(&k), to_json(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_json(tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_are_in_file_coordinates() {
        let yaml = "title: A\namount: 1\nnext_step: Call: Jane\n";
        let err = parse_mapping(yaml, 2).unwrap_err();
        assert_eq!(err.pos.line, 4);
        assert!(err.message.contains("put in quotes"), "{}", err.message);
    }

    #[test]
    fn unclosed_quotes_and_brackets_point_where_they_open() {
        let err = parse_mapping("title: A\nnext_step: \"Send\nstage: demo\n", 2).unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (3, 12));
        assert!(err.message.contains("quote"), "{}", err.message);
        let err = parse_mapping("title: A\ntags: [a, b\n", 2).unwrap_err();
        assert_eq!(err.pos.line, 3);
        let err = parse_mapping("title: A\nstage: demo\ntitle: B\n", 2).unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (4, 1));
        assert!(
            err.message.contains("`title` appears twice"),
            "{}",
            err.message
        );
    }

    #[test]
    fn dates_stay_strings_and_numbers_stay_numbers() {
        let entries = parse_mapping("close_date: 2026-12-15\namount: 48000\n", 2).unwrap();
        assert_eq!(entries[0].1, Value::String("2026-12-15".into()));
        assert_eq!(entries[1].1, Value::from(48000));
    }

    #[test]
    fn non_mapping_front_matter_is_an_error() {
        assert!(parse_mapping("- a\n- b\n", 2).is_err());
        assert_eq!(parse_mapping("", 2).unwrap(), vec![]);
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("Send pricing"), "Send pricing");
        for tricky in ["a: b", "# x", "@manager", "true", "123", "", "[x]"] {
            let written = scalar(tricky);
            let back: String = serde_yaml::from_str(&written).unwrap();
            assert_eq!(back, tricky, "{written}");
        }
    }
}
