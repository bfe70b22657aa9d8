//! A record's front-matter fields: each value as written, under dealbook's name, with where it
//! starts in the file. A short list sorted by name: a record has a dozen fields, and a map (or
//! two, for values and positions) per record costs several times the file's own size.

use std::borrow::Cow;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::record::{known_fields, Kind, Value};
use crate::diagnostic::Pos;

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// dealbook's own names are shared, not allocated per record.
    pub name: Cow<'static, str>,
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<Field>);

impl Fields {
    /// Fields from `(name, value, where)` entries; the first of a repeated name wins.
    pub fn new(entries: impl IntoIterator<Item = (String, Value, Pos)>) -> Fields {
        let mut fields: Vec<Field> = entries
            .into_iter()
            .map(|(name, value, pos)| Field {
                name: shared_name(name),
                value,
                pos,
            })
            .collect();
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        fields.dedup_by(|later, first| later.name == first.name);
        Fields(fields)
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|f| (*f.name).cmp(name))
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.find(name).ok().map(|i| &self.0[i])
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.field(name).map(|f| &f.value)
    }

    pub fn pos(&self, name: &str) -> Option<Pos> {
        self.field(name).map(|f| f.pos)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets a field, replacing one of the same name.
    pub fn insert(&mut self, name: String, value: Value, pos: Pos) {
        let field = Field {
            name: shared_name(name),
            value,
            pos,
        };
        match self.find(&field.name) {
            Ok(i) => self.0[i] = field,
            Err(i) => self.0.insert(i, field),
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<Field> {
        self.find(name).ok().map(|i| self.0.remove(i))
    }

    /// By name.
    pub fn iter(&self) -> impl Iterator<Item = &Field> {
        self.0.iter()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|f| &*f.name)
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = Value;

    fn index(&self, name: &str) -> &Value {
        self.get(name)
            .unwrap_or_else(|| panic!("no field named {name:?}"))
    }
}

/// As a map of name to value, like the front matter it came from.
impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for field in &self.0 {
            map.serialize_entry(&*field.name, &field.value)?;
        }
        map.end()
    }
}

fn shared_name(name: String) -> Cow<'static, str> {
    Kind::ALL
        .iter()
        .flat_map(|kind| known_fields(*kind))
        .find(|known| **known == name)
        .map_or(Cow::Owned(name), |known| Cow::Borrowed(*known))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize) -> Pos {
        Pos::new(line, 1)
    }

    #[test]
    fn sorted_by_name_first_of_a_repeated_name_wins() {
        let fields = Fields::new([
            ("stage".to_string(), Value::from("demo"), at(2)),
            ("amount".to_string(), Value::from(5), at(3)),
            ("stage".to_string(), Value::from("won"), at(4)),
        ]);
        assert_eq!(fields.names().collect::<Vec<_>>(), ["amount", "stage"]);
        assert_eq!(fields["stage"], "demo");
        assert_eq!(fields.pos("stage"), Some(at(2)));
        assert_eq!(fields.get("title"), None);
    }

    #[test]
    fn insert_replaces_and_keeps_the_order_remove_takes_out() {
        let mut fields = Fields::new([("stage".to_string(), Value::from("demo"), at(2))]);
        fields.insert("amount".into(), Value::from(1), at(3));
        fields.insert("stage".into(), Value::from("proposal"), at(5));
        fields.insert("zeta".into(), Value::Null, at(6));
        assert_eq!(
            fields.names().collect::<Vec<_>>(),
            ["amount", "stage", "zeta"]
        );
        assert_eq!(fields["stage"], "proposal");
        assert_eq!(fields.remove("amount").map(|f| f.pos), Some(at(3)));
        assert!(!fields.contains_key("amount"));
        assert_eq!(fields.remove("amount"), None);
    }

    #[test]
    fn known_names_are_shared_and_serialize_as_a_map() {
        let fields = Fields::new([
            ("title".to_string(), Value::from("Acme"), at(2)),
            ("my_own".to_string(), Value::from(true), at(3)),
        ]);
        let names: Vec<bool> = fields
            .iter()
            .map(|f| matches!(f.name, Cow::Borrowed(_)))
            .collect();
        assert_eq!(names, [false, true]);
        assert_eq!(
            serde_json::to_string(&fields).unwrap(),
            r#"{"my_own":true,"title":"Acme"}"#
        );
    }
}
