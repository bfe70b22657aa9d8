//! A record's front-matter fields: each value as written, under dealbook's name, with where it
//! starts in the file. Stored compactly, because a vault of tens of thousands of records keeps
//! them all in memory: the text of every string value sits end to end in one buffer per record,
//! dealbook's own field names are a number, and a field is 40 bytes. Values are rebuilt when
//! asked for.

use std::sync::OnceLock;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::record::{Kind, Value};
use super::schema::known_fields;
use crate::diagnostic::Pos;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// String values and the names dealbook does not know, end to end.
    text: Box<str>,
    /// Sorted by name.
    fields: Box<[Field]>,
}

#[derive(Debug, Clone, PartialEq)]
struct Field {
    name: Name,
    value: Slot,
    line: u32,
    column: u32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Name {
    /// An index into `known_names()`.
    Known(u8),
    Own(Span),
}

#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Null,
    Bool(bool),
    // A JSON number's three shapes, kept apart so 48000 stays 48000 and 0.5 stays 0.5.
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(Span),
    /// Lists and mappings, rare enough to keep as they are.
    Other(Box<Value>),
}

/// A range of `Fields::text`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start: u32,
    len: u32,
}

/// Every kind's own field names, each once.
fn known_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&str> = Vec::new();
        for name in Kind::ALL.iter().flat_map(|kind| known_fields(*kind)) {
            if !names.contains(name) {
                names.push(name);
            }
        }
        names
    })
}

impl Fields {
    /// Fields from `(name, value, where)` entries; the first of a repeated name wins.
    pub fn new(entries: impl IntoIterator<Item = (String, Value, Pos)>) -> Fields {
        let mut entries: Vec<(String, Value, Pos)> = entries.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        let mut text = String::new();
        let mut keep = |s: &str| {
            let span = Span {
                start: u32::try_from(text.len()).unwrap_or(u32::MAX),
                len: u32::try_from(s.len()).unwrap_or(u32::MAX),
            };
            text.push_str(s);
            span
        };
        let fields = entries
            .into_iter()
            .map(|(name, value, pos)| Field {
                name: match known_names().iter().position(|known| *known == name) {
                    Some(i) => Name::Known(i as u8),
                    None => Name::Own(keep(&name)),
                },
                value: match value {
                    Value::Null => Slot::Null,
                    Value::Bool(b) => Slot::Bool(b),
                    Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                        (Some(u), _, _) => Slot::Unsigned(u),
                        (_, Some(i), _) => Slot::Signed(i),
                        (_, _, Some(f)) => Slot::Float(f),
                        _ => Slot::Other(Box::new(Value::Number(n))),
                    },
                    Value::String(s) => Slot::Str(keep(&s)),
                    other => Slot::Other(Box::new(other)),
                },
                line: u32::try_from(pos.line).unwrap_or(u32::MAX),
                column: u32::try_from(pos.column).unwrap_or(u32::MAX),
            })
            .collect();
        Fields {
            text: text.into_boxed_str(),
            fields,
        }
    }

    fn text(&self, span: Span) -> &str {
        let start = span.start as usize;
        &self.text[start..start + span.len as usize]
    }

    fn name(&self, field: &Field) -> &str {
        match field.name {
            Name::Known(i) => known_names()[usize::from(i)],
            Name::Own(span) => self.text(span),
        }
    }

    fn value(&self, field: &Field) -> Value {
        match &field.value {
            Slot::Null => Value::Null,
            Slot::Bool(b) => Value::Bool(*b),
            Slot::Unsigned(u) => Value::from(*u),
            Slot::Signed(i) => Value::from(*i),
            Slot::Float(f) => Value::from(*f),
            Slot::Str(span) => Value::String(self.text(*span).to_string()),
            Slot::Other(value) => (**value).clone(),
        }
    }

    fn find(&self, name: &str) -> Option<&Field> {
        self.fields
            .binary_search_by(|f| self.name(f).cmp(name))
            .ok()
            .map(|i| &self.fields[i])
    }

    pub fn get(&self, name: &str) -> Option<Value> {
        self.find(name).map(|f| self.value(f))
    }

    /// A string value, without copying it.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.find(name)?.value {
            Slot::Str(span) => Some(self.text(span)),
            _ => None,
        }
    }

    pub fn pos(&self, name: &str) -> Option<Pos> {
        self.find(name)
            .map(|f| Pos::new(f.line as usize, f.column as usize))
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// Every field as `(name, value, where)`, by name.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Value, Pos)> {
        self.fields.iter().map(|f| {
            (
                self.name(f),
                self.value(f),
                Pos::new(f.line as usize, f.column as usize),
            )
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| self.name(f))
    }

    /// Sets a field, replacing one of the same name.
    pub fn insert(&mut self, name: String, value: Value, pos: Pos) {
        let others: Vec<_> = self
            .owned_entries()
            .filter(|(n, _, _)| *n != name)
            .collect();
        *self = Fields::new(std::iter::once((name, value, pos)).chain(others));
    }

    /// Takes a field out, returning its value and where it was.
    pub fn remove(&mut self, name: &str) -> Option<(Value, Pos)> {
        let taken = self.get(name).zip(self.pos(name))?;
        let others: Vec<_> = self.owned_entries().filter(|(n, _, _)| n != name).collect();
        *self = Fields::new(others);
        Some(taken)
    }

    /// Keeps only the fields whose name `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        let kept: Vec<_> = self.owned_entries().filter(|(n, _, _)| keep(n)).collect();
        *self = Fields::new(kept);
    }

    fn owned_entries(&self) -> impl Iterator<Item = (String, Value, Pos)> + '_ {
        self.entries()
            .map(|(name, value, pos)| (name.to_string(), value, pos))
    }
}

/// As a map of name to value, like the front matter it came from.
impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.fields.len()))?;
        for field in self.fields.iter() {
            let name = self.name(field);
            match &field.value {
                Slot::Null => map.serialize_entry(name, &())?,
                Slot::Bool(b) => map.serialize_entry(name, b)?,
                Slot::Unsigned(u) => map.serialize_entry(name, u)?,
                Slot::Signed(i) => map.serialize_entry(name, i)?,
                Slot::Float(f) => map.serialize_entry(name, f)?,
                Slot::Str(span) => map.serialize_entry(name, self.text(*span))?,
                Slot::Other(value) => map.serialize_entry(name, value)?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_40_bytes() {
        assert_eq!(std::mem::size_of::<Field>(), 40);
    }

    fn at(line: usize) -> Pos {
        Pos::new(line, 1)
    }

    fn names(fields: &Fields) -> Vec<&str> {
        fields.names().collect()
    }

    #[test]
    fn sorted_by_name_first_of_a_repeated_name_wins() {
        let fields = Fields::new([
            ("stage".to_string(), Value::from("demo"), at(2)),
            ("amount".to_string(), Value::from(5), at(3)),
            ("stage".to_string(), Value::from("won"), at(4)),
        ]);
        assert_eq!(names(&fields), ["amount", "stage"]);
        assert_eq!(fields.get("stage"), Some(Value::from("demo")));
        assert_eq!(fields.str("stage"), Some("demo"));
        assert_eq!(fields.str("amount"), None);
        assert_eq!(fields.pos("stage"), Some(at(2)));
        assert_eq!(fields.get("title"), None);
    }

    #[test]
    fn every_kind_of_value_comes_back_as_written() {
        let values = [
            Value::Null,
            Value::from(true),
            Value::from(-3),
            Value::from(48000),
            Value::from(u64::MAX),
            Value::from(48000.0),
            Value::from(48000.5),
            Value::from(""),
            Value::from("Acme — renewal ✓"),
            serde_json::json!(["a", ["b"]]),
            serde_json::json!({"nested": {"x": 1}}),
        ];
        let fields = Fields::new(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("own_{i}"), v.clone(), Pos::new(i + 1, i + 2))),
        );
        for (i, value) in values.iter().enumerate() {
            let name = format!("own_{i}");
            assert_eq!(fields.get(&name).as_ref(), Some(value));
            assert_eq!(fields.pos(&name), Some(Pos::new(i + 1, i + 2)));
        }
        assert_eq!(
            serde_json::to_value(&fields).unwrap(),
            serde_json::Value::Object(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("own_{i}"), v.clone()))
                    .collect()
            )
        );
    }

    #[test]
    fn insert_replaces_and_keeps_the_order_remove_takes_out() {
        let mut fields = Fields::new([("stage".to_string(), Value::from("demo"), at(2))]);
        fields.insert("amount".into(), Value::from(1), at(3));
        fields.insert("stage".into(), Value::from("proposal"), at(5));
        fields.insert("zeta".into(), Value::Null, at(6));
        assert_eq!(names(&fields), ["amount", "stage", "zeta"]);
        assert_eq!(fields.str("stage"), Some("proposal"));
        assert_eq!(fields.pos("stage"), Some(at(5)));
        assert_eq!(fields.remove("amount"), Some((Value::from(1), at(3))));
        assert!(!fields.contains_key("amount"));
        assert_eq!(fields.remove("amount"), None);
        assert_eq!(names(&fields), ["stage", "zeta"]);
        fields.retain(|name| name != "stage");
        assert_eq!(names(&fields), ["zeta"]);
    }

    #[test]
    fn known_and_own_names_both_sort_and_serialize_as_a_map() {
        let fields = Fields::new([
            ("title".to_string(), Value::from("Acme"), at(2)),
            ("my_own".to_string(), Value::from(true), at(3)),
            ("account".to_string(), Value::from("acme"), at(4)),
        ]);
        assert_eq!(names(&fields), ["account", "my_own", "title"]);
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"account":"acme","my_own":true,"title":"Acme"}"#
        );
    }
}
