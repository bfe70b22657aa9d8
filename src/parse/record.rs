//! Front-matter entries → a typed Deal, Contact or Account, with a diagnostic for every bad value.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic, Pos};
use crate::model::schema;
use crate::model::{
    known_fields, Account, AnyRecord, Body, Config, Contact, Deal, Fields, ForecastCategory, Kind,
    Link, Record, Value, MAX_MONEY,
};
use crate::parse::body::parse_date;

/// Reads typed fields off a record's front matter, collecting a diagnostic for each bad value.
/// A bad value is reported once and then treated as absent.
struct Reader<'a> {
    fields: &'a Fields,
    /// dealbook's name → the name this file uses, for fields the config's `fields:` renamed.
    renamed: &'a BTreeMap<String, String>,
    path: &'a Path,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    /// Messages name a field the way the file writes it.
    fn report(&mut self, key: &str, code: Code, mut message: String) {
        if let Some(theirs) = self.renamed.get(key) {
            message = message.replace(&format!("`{key}`"), &format!("`{theirs}`"));
        }
        let pos = self.fields.pos(key).unwrap_or(Pos::START);
        let field = self.renamed.get(key).map_or(key, String::as_str);
        self.diagnostics
            .push(Diagnostic::new(self.path, pos, code, message).about(field));
    }

    fn get(&self, key: &str) -> Option<Value> {
        self.fields.get(key).filter(|v| !v.is_null())
    }

    fn text(&mut self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                let found = describe(&other);
                self.report(
                    key,
                    Code::WrongType,
                    format!("`{key}` should be text, but it is {found}"),
                );
                None
            }
        }
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let value = self.get(key)?;
        let written = match &value {
            Value::String(s) => s.trim().to_string(),
            other => other.to_string(),
        };
        if written.is_empty() {
            return None;
        }
        let date = parse_date(&written);
        if date.is_none() {
            self.report(
                key,
                Code::InvalidDate,
                format!(
                    "`{key}` must be a date written YYYY-MM-DD, like 2026-12-15, but it is \"{written}\""
                ),
            );
        }
        date
    }

    /// A number within `range`; `rule` says in words what the field takes.
    /// A number within `range`. `rule` says in words what the field takes, `within` what
    /// the range is.
    fn number(
        &mut self,
        key: &str,
        rule: &str,
        (range, within): (std::ops::RangeInclusive<f64>, &str),
    ) -> Option<f64> {
        let value = self.get(key)?;
        let number = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => read_number(s),
            _ => None,
        };
        let found = describe(&value);
        match number {
            None => {
                self.report(
                    key,
                    Code::WrongType,
                    format!("`{key}` {rule}, but it is {found}"),
                );
                None
            }
            Some(n) if !range.contains(&n) => {
                self.report(
                    key,
                    Code::OutOfRange,
                    format!("`{key}` must be {within}, but it is {found}; it is left out until it is fixed"),
                );
                None
            }
            Some(n) => Some(n),
        }
    }

    /// Whether the record is private. Privacy fails closed: every key spelled like `private`
    /// counts, and anything but a clear false (`false`, `no`, `off`) makes the record private.
    fn private(&mut self) -> bool {
        let keys: Vec<String> = self
            .fields
            .names()
            .filter(|name| name.trim().eq_ignore_ascii_case("private"))
            .map(str::to_string)
            .collect();
        let mut private = false;
        for key in keys {
            let value = self.fields.get(&key).unwrap_or(Value::Null);
            let (is_private, clear) = private_value(&value);
            private |= is_private;
            if !clear {
                let found = describe(&value);
                let treated = if is_private {
                    "until it is, the record is private and hidden from the manager"
                } else {
                    "it is read as false"
                };
                self.report(
                    &key,
                    Code::WrongType,
                    format!("`{key}` must be true or false, but it is {found}; {treated}"),
                );
            } else if key != "private" {
                self.report(
                    &key,
                    Code::UnknownKey,
                    format!("`{key}` is read as `private`; write it in lower case"),
                );
            }
        }
        private
    }

    fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        let flag = match &value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" => Some(true),
                "false" | "no" | "n" => Some(false),
                "" => return None,
                _ => None,
            },
            _ => None,
        };
        if flag.is_none() {
            let found = describe(&value);
            self.report(
                key,
                Code::WrongType,
                format!("`{key}` must be true or false, but it is {found}"),
            );
        }
        flag
    }

    /// A plain id or a `[[wikilink]]`. An unquoted `[[x]]` reaches us as a nested list; it is
    /// read as the wikilink the rep meant.
    fn link(&mut self, key: &str) -> Option<Link> {
        if let Some(Value::Array(outer)) = self.get(key) {
            if let [Value::Array(inner)] = outer.as_slice() {
                if let [Value::String(target)] = inner.as_slice() {
                    return Some(Link::parse(&format!("[[{target}]]")));
                }
            }
        }
        self.text(key).map(|raw| Link::parse(&raw))
    }

    fn tags(&mut self) -> Vec<String> {
        match self.get("tags") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::String(s) => Some(s.trim().trim_start_matches('#').to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
                .collect(),
            Some(Value::String(s)) => s
                .split([',', ' '])
                .map(|t| t.trim().trim_start_matches('#').to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            Some(other) => {
                let found = describe(&other);
                self.report(
                    "tags",
                    Code::WrongType,
                    format!("`tags` should be a list like [renewal, expansion], but it is {found}"),
                );
                Vec::new()
            }
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("\"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a nested mapping".into(),
    }
}

/// Whether a `private:` value hides the note, and whether it says so clearly. Privacy fails
/// closed: anything but a clear no (`false`, `no`) hides it.
pub fn private_value(value: &Value) -> (bool, bool) {
    match value {
        Value::Bool(b) => (*b, true),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" => (true, true),
            "false" | "no" | "n" => (false, true),
            "off" => (false, false),
            _ => (true, false),
        },
        _ => (true, false),
    }
}

/// Names each entry's position (from the front matter, or `inline` for Dataview fields), and
/// renames the vault's own field names to dealbook's, per the config's `fields:`. A name that
/// is also one of this kind's own fields is copied rather than moved (`title: name` must not
/// take a contact's name away).
pub fn map_fields(
    entries: Vec<(String, Value)>,
    (positions, inline): (&BTreeMap<&str, Pos>, &[(String, Pos)]),
    kind: Kind,
    config: &Config,
) -> (Fields, BTreeMap<String, String>) {
    let mut fields = Fields::new(entries.into_iter().map(|(name, value)| {
        let pos = positions
            .get(name.as_str())
            .or_else(|| inline.iter().find(|(k, _)| *k == name).map(|(_, p)| p))
            .copied()
            .unwrap_or(Pos::START);
        (name, value, pos)
    }));
    let mut renamed = BTreeMap::new();
    for (ours, source) in &config.fields {
        if fields.contains_key(ours) {
            continue;
        }
        if let Some(template) = source.template() {
            if let Some((text, from)) = fill(template, &fields) {
                let pos = fields.pos(&from).unwrap_or(Pos::START);
                fields.insert(ours.clone(), Value::String(text), pos);
                renamed.insert(ours.clone(), from);
            }
            continue;
        }
        let Some(theirs) = source.names().into_iter().find(|n| fields.contains_key(n)) else {
            continue;
        };
        let native = known_fields(kind).contains(&theirs);
        let field = if native {
            fields.get(theirs).zip(fields.pos(theirs))
        } else {
            fields.remove(theirs)
        };
        if let Some((value, pos)) = field {
            fields.insert(ours.clone(), value, pos);
            renamed.insert(ours.clone(), theirs.to_string());
        }
    }
    (fields, renamed)
}

/// A template of fields filled from a note (`"{first_name} {last_name}"` → `Jane Doe`), and the
/// first field it used; `None` when the note has none of them.
fn fill(template: &str, fields: &Fields) -> Option<(String, String)> {
    let mut text = String::new();
    let mut first = None;
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        text.push_str(before);
        let Some((name, after)) = after.split_once('}') else {
            text.push('{');
            rest = after;
            continue;
        };
        let name = name.trim();
        let value = match fields.get(name) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        if let Some(value) = value {
            first.get_or_insert_with(|| name.to_string());
            text.push_str(value.trim());
        }
        rest = after;
    }
    text.push_str(rest);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some((text, first?))
}

pub struct Parts {
    pub kind: Kind,
    pub id: String,
    pub path: std::path::PathBuf,
    pub fields: Fields,
    pub renamed: BTreeMap<String, String>,
    pub body: Body,
}

/// Builds the typed record. A bad value is reported in `diagnostics` and treated as missing;
/// the record keeps its place (a deal without a usable stage is listed, and reported as not
/// counted by the reports).
pub fn build(
    parts: Parts,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<AnyRecord> {
    let Parts {
        kind,
        id,
        path,
        fields,
        renamed,
        body,
    } = parts;
    let mut read = Reader {
        fields: &fields,
        renamed: &renamed,
        path: &path,
        diagnostics,
    };
    warn_near_misses(&mut read, kind, config);
    let private = read.private();
    let tags = read.tags();
    let record = |fields: Fields, body| Record {
        kind,
        id: id.clone(),
        path: path.clone(),
        fields,
        body,
        private,
        tags: tags.clone(),
    };
    match kind {
        Kind::Deal => {
            let deal = Deal {
                stage: deal_stage(&mut read, config),
                title: read.text("title").unwrap_or_else(|| id.clone()),
                account: read.link("account"),
                amount: read.number(
                    "amount",
                    "must be a plain number, like 48000",
                    (
                        -MAX_MONEY..=MAX_MONEY,
                        "a finite amount of at most 1,000,000,000,000 either way",
                    ),
                ),
                currency: deal_currency(&mut read, config),
                probability: read.number(
                    "probability",
                    "must be a number from 0 to 100",
                    (0.0..=100.0, "a number from 0 to 100"),
                ),
                forecast: deal_forecast(&mut read),
                close_date: read.date("close_date"),
                next_step: read.text("next_step"),
                next_step_date: read.date("next_step_date"),
                decision_maker: read.link("decision_maker"),
                dm_engaged: read.boolean("dm_engaged"),
                roi_accepted: read.boolean("roi_accepted"),
                champion: read.link("champion"),
                contact: read.link("contact"),
                last_activity: read.date("last_activity"),
                activities: Vec::new(),
                win_reason: read.text("win_reason"),
                loss_reason: read.text("loss_reason"),
                created: read.date("created"),
                // The reader's last use is above, so the fields move rather than copy.
                record: record(fields, body),
            };
            Some(AnyRecord::Deal(Arc::new(deal)))
        }
        Kind::Contact => {
            let name = read.text("name").unwrap_or_else(|| id.clone());
            let account = read.link("account");
            let role = read.text("role");
            let email = read.text("email");
            let phone = read.text("phone");
            let last_contact = read.date("last_contact");
            read.date("created");
            Some(AnyRecord::Contact(Arc::new(Contact {
                name,
                account,
                role,
                email,
                phone,
                last_contact,
                record: record(fields, body),
            })))
        }
        Kind::Account => {
            let name = read.text("name").unwrap_or_else(|| id.clone());
            let industry = read.text("industry");
            let website = read.text("website");
            read.date("created");
            Some(AnyRecord::Account(Arc::new(Account {
                name,
                industry,
                website,
                record: record(fields, body),
            })))
        }
    }
}

/// A number as text: `48000`, `"0.5"`, and YAML's spellings of infinity and not-a-number
/// (`.inf`, `.nan`), which are numbers, just not usable ones.
fn read_number(text: &str) -> Option<f64> {
    let text = text.trim();
    match text.to_ascii_lowercase().as_str() {
        ".inf" | "+.inf" => Some(f64::INFINITY),
        "-.inf" => Some(f64::NEG_INFINITY),
        ".nan" => Some(f64::NAN),
        _ => text.parse::<f64>().ok(),
    }
}

fn deal_stage(read: &mut Reader<'_>, config: &Config) -> Option<String> {
    let Some(written) = read.text("stage") else {
        let known = config.stage_ids().join(", ");
        read.report(
            "stage",
            Code::MissingStage,
            format!("this deal has no `stage`; add one of: {known}"),
        );
        return None;
    };
    match config.stage(&written) {
        Some(stage) => Some(stage.id.clone()),
        None => {
            let known = config.stage_ids().join(", ");
            read.report(
                "stage",
                Code::UnknownStage,
                format!("unknown stage \"{written}\"; the known stages are: {known}"),
            );
            None
        }
    }
}

/// The deal's currency, else the config's. One that is not a three-letter code is reported and
/// kept as written: no exchange rate has it, so the amount is left out of totals rather than
/// counted in the wrong currency.
fn deal_currency(read: &mut Reader<'_>, config: &Config) -> String {
    let Some(written) = read.text("currency") else {
        return config.currency.clone();
    };
    let code = written.to_ascii_uppercase();
    if !crate::model::is_currency_code(&code) {
        read.report(
            "currency",
            Code::WrongType,
            format!(
                "`currency` must be a three-letter code like USD or EUR, but it is \"{written}\""
            ),
        );
    }
    code
}

fn deal_forecast(read: &mut Reader<'_>) -> Option<ForecastCategory> {
    let written = read.text("forecast")?;
    let category = ForecastCategory::parse(&written);
    if category.is_none() {
        read.report(
            "forecast",
            Code::WrongType,
            format!(
                "`forecast` must be one of pipeline, best_case, commit, omitted, but it is \"{written}\""
            ),
        );
    }
    category
}

/// Unknown keys are welcome (reps add their own), but a near miss of a known one is a typo.
fn warn_near_misses(read: &mut Reader<'_>, kind: Kind, config: &Config) {
    let known = known_fields(kind);
    let unknown: Vec<String> = read
        .fields
        .names()
        .filter(|key| {
            !known.contains(key)
                && !config.is_mapped_field(key)
                && !config.is_private_field(key)
                && !key.trim().eq_ignore_ascii_case("private")
        })
        .map(str::to_string)
        .collect();
    for key in unknown {
        if let Some(suggestion) = schema::near_miss(kind, &key) {
            read.report(
                &key,
                Code::UnknownKey,
                format!("unknown field `{key}`: did you mean `{suggestion}`?"),
            );
        }
    }
}
