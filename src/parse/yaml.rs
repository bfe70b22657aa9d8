//! The only module that knows about yaml_serde: swap the YAML library here and nowhere else.

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
    match simple::mapping(yaml) {
        Some(entries) => Ok(entries),
        None => serde_mapping(yaml, first_line),
    }
}

fn serde_mapping(yaml: &str, first_line: usize) -> Result<Vec<(String, Value)>, YamlError> {
    let value: yaml_serde::Value =
        yaml_serde::from_str(yaml).map_err(|e| error(&e, first_line, yaml))?;
    match value {
        yaml_serde::Value::Null => Ok(Vec::new()),
        yaml_serde::Value::Mapping(map) => Ok(map
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
    yaml_serde::from_str(text).map_err(|e| error(&e, 1, text))
}

/// Reads one YAML value as written after `key: ` (a scalar, `[a, b]` or `{k: v}`).
pub fn parse_value(text: &str) -> Result<Value, YamlError> {
    yaml_serde::from_str::<yaml_serde::Value>(text)
        .map(to_json)
        .map_err(|e| error(&e, 1, text))
}

/// Writes a scalar the way a rep would type it, quoting only when YAML needs it to read it back.
/// Text is quoted too when a YAML 1.1 reader (PyYAML, many Obsidian plugins) would read it as
/// something else: `no` as false, `on` as true, `12:30` as 750, `2026-12-15` as a date.
pub fn scalar(text: &str) -> String {
    let written = yaml_serde::to_string(text).unwrap_or_default();
    let written = written.trim_end_matches('\n');
    if written == text && is_yaml11_non_string(text) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        written.to_string()
    }
}

/// Whether a plain scalar means something other than text to a YAML 1.1 reader: a boolean, a
/// null, a number in any base (sexagesimal `12:30` included), infinity, not-a-number, or a
/// date or time. Erring towards yes only adds quotes.
fn is_yaml11_non_string(text: &str) -> bool {
    const WORDS: [&str; 27] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "~", "null", "Null", "NULL", "",
    ];
    if WORDS.contains(&text) {
        return true;
    }
    let special = text.trim_start_matches(['-', '+']).to_ascii_lowercase();
    if [".inf", ".nan"].contains(&special.as_str()) {
        return true;
    }
    let numberish = text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c))
        && text
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoO_:.+-".contains(c));
    let timestamp = text.len() >= 8
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && text.as_bytes()[4] == b'-';
    numberish || timestamp
}

fn error(e: &yaml_serde::Error, first_line: usize, text: &str) -> YamlError {
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
    // libyaml says where a control character is as a byte offset; point at it.
    if raw.starts_with("control characters are not allowed") {
        if let Some((at, c)) = text
            .char_indices()
            .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            let before = &text[..at];
            let line = before.matches('\n').count();
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            return YamlError {
                pos: Pos::new(first_line + line, column),
                message: format!(
                    "invalid YAML: a control character (U+{:04X}) is not allowed here; delete it",
                    u32::from(c)
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
        message: explain(&in_plain_words(&message)),
    }
}

/// serde's words for a value of the wrong type, in the rep's: `invalid type: string "abc",
/// expected i64` → `must be a whole number, not the text "abc"`. No Rust type name reaches
/// a message.
fn in_plain_words(message: &str) -> String {
    let Some((at, prefix)) = ["invalid type: ", "invalid value: "]
        .iter()
        .find_map(|p| message.find(p).map(|at| (at, *p)))
    else {
        return message.to_string();
    };
    let rest = &message[at + prefix.len()..];
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_string();
    };
    let key = message[..at].trim_end_matches([':', ' ']);
    let field = key.rsplit(['.', '[']).next().unwrap_or(key);
    let expected = match (field, expected) {
        ("stale_after_days", _) => "a whole number of days from 0 to 3650",
        ("fiscal_year_start", _) => "a month from 1 to 12",
        ("output_mb", _) => "a whole number of megabytes",
        (_, "i8" | "i16" | "i32" | "i64" | "i128" | "isize") => "a whole number",
        (_, "u8" | "u16" | "u32" | "u64" | "u128" | "usize") => "a whole number, 0 or more",
        (_, "f32" | "f64") => "a number",
        (_, "a boolean") => "true or false",
        (_, "a sequence") => "a list, like [a, b]",
        (_, "a map") => "`key: value` entries",
        (_, "a string" | "a borrowed string") => "text",
        (_, other) => other,
    };
    let found = match found.split_once(' ') {
        Some(("string", text)) => format!("the text {text}"),
        Some(("integer" | "floating", value)) => {
            let value = value.trim_start_matches("point ").trim_matches('`');
            format!("the number {value}")
        }
        Some(("boolean", value)) => value.trim_matches('`').to_string(),
        _ => match found {
            "sequence" => "a list".to_string(),
            "map" => "`key: value` entries".to_string(),
            "unit value" | "null" => "empty".to_string(),
            other => other.to_string(),
        },
    };
    let key = if key.is_empty() {
        String::new()
    } else {
        format!("{key}: ")
    };
    format!("{key}must be {expected}, not {found}")
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

/// A fast path for the front matter nearly every file has: `key: value` lines of plain or
/// quoted scalars and flow lists of plain scalars. It reads them the way yaml_serde does and
/// gives up (`None`) on anything else, which then goes to yaml_serde: nested blocks, anchors,
/// tags, escapes, comments after values, duplicate keys, errors. Reading front matter this
/// way is several times faster than building yaml_serde's event stream and values.
mod simple {
    use rustc_hash::FxHashSet;

    use crate::model::Value;

    pub fn mapping(yaml: &str) -> Option<Vec<(String, Value)>> {
        let mut entries: Vec<(String, Value)> = Vec::new();
        let mut keys: FxHashSet<&str> = FxHashSet::default();
        let mut lines = yaml
            .split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
            .peekable();
        while let Some(line) = lines.next() {
            if line.trim_matches(' ').is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, rest) = line.split_once(':')?;
            if !is_simple_key(key) || !keys.insert(key) {
                return None; // a duplicate key is an error yaml_serde words best
            }
            let value = match rest.strip_prefix(' ').map(|v| v.trim_matches(' ')) {
                _ if rest.is_empty() || rest.trim_matches(' ').is_empty() => {
                    block_list(&mut lines)?
                }
                Some(text) => value(text)?,
                None => return None,
            };
            entries.push((key.to_string(), value));
        }
        Some(entries)
    }

    /// The `- item` lines that may follow a key with no value on its line (the block lists
    /// Obsidian's properties editor writes), as a list of plain or quoted scalars; null when
    /// there are none. Anything else under the key is left to yaml_serde.
    fn block_list<'a>(
        lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
    ) -> Option<Value> {
        let mut items = Vec::new();
        let mut indent = None;
        while let Some(&line) = lines.peek() {
            if line.trim_matches(' ').is_empty() {
                lines.next();
                continue;
            }
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let Some(item) = line[spaces..].strip_prefix("- ") else {
                // A line at the left margin is the next key; anything else indented is more
                // than a list of scalars.
                return (spaces == 0 && !line.starts_with('-')).then(|| {
                    if items.is_empty() {
                        Value::Null
                    } else {
                        Value::Array(std::mem::take(&mut items))
                    }
                });
            };
            if *indent.get_or_insert(spaces) != spaces {
                return None;
            }
            let item = item.trim_matches(' ');
            if item.is_empty() || item.starts_with(['[', '{', '-', '#']) {
                return None;
            }
            items.push(value(item)?);
            lines.next();
        }
        Some(if items.is_empty() {
            Value::Null
        } else {
            Value::Array(items)
        })
    }

    /// Starts with a letter or `_`, then letters, digits, `_` and `-`; and is not a word YAML
    /// reads as null or a boolean.
    fn is_simple_key(key: &str) -> bool {
        let mut bytes = key.bytes();
        bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && resolve_word(key).is_none()
    }

    fn value(text: &str) -> Option<Value> {
        if !text.chars().all(is_printable) {
            return None;
        }
        if let Some(inner) = text.strip_prefix('"') {
            let inner = inner.strip_suffix('"')?;
            return (!inner.contains(['"', '\\'])).then(|| Value::String(inner.to_string()));
        }
        if let Some(inner) = text.strip_prefix('\'') {
            let inner = inner.strip_suffix('\'')?;
            return (!inner.contains('\'')).then(|| Value::String(inner.to_string()));
        }
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner.strip_suffix(']')?;
            if inner.trim_matches(' ').is_empty() {
                return Some(Value::Array(Vec::new()));
            }
            return inner
                .split(',')
                .map(|item| {
                    let item = item.trim_matches(' ');
                    if item.contains(FLOW_INDICATORS) {
                        None
                    } else {
                        plain(item)
                    }
                })
                .collect::<Option<Vec<Value>>>()
                .map(Value::Array);
        }
        plain(text)
    }

    /// Characters that end or nest a plain scalar inside `[...]`.
    const FLOW_INDICATORS: [char; 5] = ['[', ']', '{', '}', ':'];

    /// A plain (unquoted) scalar, resolved as yaml_serde resolves it: null, a boolean, an
    /// integer, a decimal, or else a string. `None` for anything that needs the real parser.
    fn plain(text: &str) -> Option<Value> {
        let first = *text.as_bytes().first()?;
        if let Some(value) = resolve_word(text) {
            return Some(value);
        }
        if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
            return number_or_date(text);
        }
        let indicator = matches!(
            first,
            b'?' | b':'
                | b','
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'#'
                | b'&'
                | b'*'
                | b'!'
                | b'|'
                | b'>'
                | b'\''
                | b'"'
                | b'%'
                | b'@'
                | b'`'
        );
        if indicator || text.contains(": ") || text.ends_with(':') || text.contains(" #") {
            return None;
        }
        Some(Value::String(text.to_string()))
    }

    fn resolve_word(text: &str) -> Option<Value> {
        match text {
            "~" | "null" | "Null" | "NULL" => Some(Value::Null),
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        }
    }

    /// `48000`, `-5`, `0.5`, `48000.50` and `2026-12-15` (a string: YAML 1.2 has no dates);
    /// every other spelling of a number goes to yaml_serde.
    fn number_or_date(text: &str) -> Option<Value> {
        if crate::parse::body::is_date_shaped(text) {
            return Some(Value::String(text.to_string()));
        }
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let canonical_whole = whole == "0" || (digits(whole) && !whole.starts_with('0'));
        if !canonical_whole || whole.len() > 18 {
            return None;
        }
        match fraction {
            None => text.parse::<i64>().ok().map(Value::from),
            Some(fraction) if digits(fraction) && fraction.len() <= 17 => text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number),
            Some(_) => None,
        }
    }

    /// What YAML allows in a document, less tabs and the line breaks beyond `\n`.
    fn is_printable(c: char) -> bool {
        matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
            && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
    }
}

fn key_string(key: &yaml_serde::Value) -> String {
    match key {
        yaml_serde::Value::String(s) => s.trim().to_string(),
        other => scalar_text(other).unwrap_or_default(),
    }
}

fn scalar_text(value: &yaml_serde::Value) -> Option<String> {
    match value {
        yaml_serde::Value::Bool(b) => Some(b.to_string()),
        yaml_serde::Value::Number(n) => Some(n.to_string()),
        yaml_serde::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn to_json(value: yaml_serde::Value) -> Value {
    match value {
        yaml_serde::Value::Null => Value::Null,
        yaml_serde::Value::Bool(b) => Value::Bool(b),
        yaml_serde::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                // JSON has no infinity or not-a-number: keep what was written, for the
                // reader to refuse in plain words.
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        yaml_serde::Value::String(s) => Value::String(s),
        yaml_serde::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        yaml_serde::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (key_string(&k), to_json(v)))
                .collect(),
        ),
        yaml_serde::Value::Tagged(tagged) => to_json(tagged.value),
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
    fn type_errors_are_in_plain_words_and_a_control_character_is_pointed_at() {
        #[derive(Debug, Default, serde::Deserialize)]
        #[allow(dead_code)]
        struct Settings {
            stale_after_days: i64,
            ratio: f64,
            names: Vec<String>,
        }
        for (yaml, said) in [
            ("stale_after_days: abc\n", "stale_after_days: must be a whole number of days from 0 to 3650, not the text \"abc\""),
            ("ratio: [1]\n", "ratio: must be a number, not a list"),
            ("names: x\n", "names: must be a list, like [a, b], not the text \"x\""),
        ] {
            let err = parse_document::<Settings>(yaml).unwrap_err();
            assert!(err.message.contains(said), "{}", err.message);
            assert!(!err.message.contains("i64") && !err.message.contains("f64"), "{}", err.message);
        }
        let err = parse_mapping("title: ok\nnext: a\u{0}b\n", 2).unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (3, 8));
        assert!(err.message.contains("U+0000"), "{}", err.message);
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

    /// The fast path reads exactly what yaml_serde reads, or leaves the text to it.
    #[test]
    fn the_fast_path_agrees_with_yaml_serde() {
        let values = [
            "",
            " ",
            "~",
            "null",
            "Null",
            "NULL",
            "nul",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "False",
            "yes",
            "no",
            "on",
            "y",
            "48000",
            "-5",
            "-0",
            "0",
            "+5",
            "007",
            "0.5",
            "48000.50",
            "48000.0",
            "1.",
            ".5",
            "1e3",
            "1_000",
            "0x1F",
            "0o17",
            "0b1",
            ".inf",
            "-.inf",
            ".nan",
            "inf",
            "nan",
            "NaN",
            "Infinity",
            "123456789012345678",
            "1234567890123456789",
            "99999999999999999999",
            "1.12345678901234567",
            "2026-12-15",
            "2026-13-45",
            "2026-12-15T10:00:00Z",
            "12/15/2026",
            "2026-1-5",
            "Acme — platform renewal",
            "Send pricing to Jane",
            "http://x.example/a?b=c#d",
            "a:b",
            "a: b",
            "a:",
            "a #b",
            "a#b",
            "C#",
            "Jane's deal",
            "5\" screen",
            "\"quoted\"",
            "\"quoted\" after",
            "\"with \\\" escape\"",
            "\"[[Acme Corp]]\"",
            "'single'",
            "'it''s'",
            "''",
            "\"\"",
            "[a, b]",
            "[]",
            "[ ]",
            "[a,b,]",
            "[a, , b]",
            "[2026, 3.5]",
            "[true, null, ~]",
            "[\"a\", b]",
            "[a, #c]",
            "[a #c]",
            "[a b, c]",
            "[[Acme]]",
            "[a, [b]]",
            "[a: b]",
            "[a, b] x",
            "{a: 1}",
            "&x a",
            "*x",
            "!tag a",
            "|",
            ">",
            "@m",
            "`code`",
            "%x",
            "-",
            "- a",
            "-x",
            "?",
            "? a",
            ":",
            ",a",
            "a,b",
            "<<",
            "=",
            "a\tb",
            "caf\u{e9}",
            "emoji 📅",
            "a\u{2028}b",
            "a\u{85}b",
            "a\u{feff}",
            "a\u{7f}",
            "Acme [EMEA]",
            "Acme {EMEA}",
            "a, b",
            "#",
            "# c",
            "a # c",
        ];
        let keys = [
            "title",
            "close_date",
            "a_b",
            "a-b",
            "_x",
            "x1",
            "null",
            "true",
            "Yes",
            "1a",
            "a b",
            "\"q\"",
            "é",
        ];
        let mut fast = 0;
        let check = |doc: &str| -> bool {
            let slow = serde_mapping(doc, 2);
            match simple::mapping(doc) {
                Some(entries) => {
                    assert_eq!(Ok(entries), slow, "{doc:?}");
                    true
                }
                None => false,
            }
        };
        for value in values {
            for doc in [
                format!("title: {value}\n"),
                format!("title: {value}\r\nstage: demo\r\n"),
                format!("# c\n\ntitle:  {value}  \n  \n"),
                format!("title: {value}\ntitle: again\n"),
                format!("title:\n  - {value}\n"),
                format!("tags:\n- {value}\n- x\nstage: demo\n"),
                format!("tags:\n  - a\n\n  - {value}\n  - b\ntitle: x\n"),
                format!("tags:\n  - a\n    - {value}\n"),
                format!("tags:\n  -  {value}  \n"),
                format!("tags: [{value}, x]\n"),
            ] {
                fast += check(&doc) as usize;
            }
        }
        for key in keys {
            fast += check(&format!("{key}: x\n")) as usize;
        }
        for doc in [
            "",
            "\n",
            "# only\n",
            "title:x\n",
            "title :x\n",
            "- a\n",
            "a: b\n...\n",
        ] {
            check(doc);
        }
        // Documents of several lines mixing all of the above, chosen by a fixed xorshift.
        let mut next = crate::parse::xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..3_000 {
            let mut doc = String::new();
            for _ in 0..1 + next(6) {
                let key = if next(4) == 0 {
                    keys[next(keys.len())]
                } else {
                    "k"
                };
                let key = format!("{key}{}", next(5));
                doc.push_str(&format!("{key}: {}\n", values[next(values.len())]));
            }
            fast += check(&doc) as usize;
        }
        assert!(fast > 400, "the fast path took only {fast} documents");
    }

    #[test]
    fn the_fast_path_takes_block_lists_as_obsidian_writes_them() {
        let yaml = "title: Acme\ntags:\n  - renewal\n  - \"q4 2026\"\naliases:\n- Acme deal\nnext_step:\nstage: demo\n";
        let fast = simple::mapping(yaml).expect("the fast path takes it");
        assert_eq!(Ok(fast), serde_mapping(yaml, 2));
        for slow in [
            "tags:\n  - a\n  b: c\n",
            "tags:\n  - [a]\n",
            "tags:\n  # c\n  - a\n",
        ] {
            assert!(simple::mapping(slow).is_none(), "{slow:?}");
        }
    }

    #[test]
    fn the_fast_path_takes_common_front_matter() {
        let yaml = "title: Acme — renewal\naccount: \"[[Acme Corp]]\"\namount: 48000\nstage: proposal\nclose_date: 2026-12-15\ndm_engaged: true\ntags: [renewal, emea]\nnext_step:\n";
        assert!(simple::mapping(yaml).is_some());
        assert_eq!(simple::mapping(yaml).map(Ok), Some(serde_mapping(yaml, 2)));
    }

    #[test]
    fn scalars_a_yaml_11_reader_would_misread_are_quoted() {
        for word in [
            "no",
            "on",
            "Off",
            "y",
            "12:30",
            "0x1F",
            "1_000",
            "1e3",
            ".inf",
            "2026-12-15",
        ] {
            let written = scalar(word);
            assert!(written.starts_with('\''), "{word} → {written}");
            let back: String = yaml_serde::from_str(&written).unwrap();
            assert_eq!(back, word);
        }
        for plain in [
            "Send pricing",
            "Initrode",
            "no way",
            "on site",
            "Q4 2026",
            "v2",
        ] {
            assert_eq!(scalar(plain), plain);
        }
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("Send pricing"), "Send pricing");
        for tricky in ["a: b", "# x", "@manager", "true", "123", "", "[x]"] {
            let written = scalar(tricky);
            let back: String = yaml_serde::from_str(&written).unwrap();
            assert_eq!(back, tricky, "{written}");
        }
    }
}
