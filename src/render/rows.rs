//! Records as flat rows, for `list` and `export`: every front-matter field under dealbook's
//! names, plus what dealbook works out (id, path, resolved probability, forecast, last activity).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::metrics;
use crate::metrics::report::{DealView, SharedDeal};
use crate::model::schema::{self, FieldType};
use crate::model::{Config, ForecastCategory, Index, Record};
use crate::parse::body::parse_date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Deals,
    Contacts,
    Accounts,
    Tasks,
}

pub type Row = Map<String, Value>;

/// A record's fields as a row: each of dealbook's own fields as dealbook reads it (by its type
/// in the field registry: `"9000"` is the number 9000, `Closed Won` the stage `closed_won`), a
/// value it cannot read as written, so no listing or export loses it; then id, path and tags.
fn base(record: &Record, config: &Config) -> Row {
    let mut row: Row = record
        .fields
        .entries()
        .map(|(name, value, _)| {
            let read = schema::spec_for(record.kind, name)
                .and_then(|spec| as_read(spec.ty, &value, config));
            (name.to_string(), read.unwrap_or(value))
        })
        .collect();
    row.insert("id".into(), json!(record.id));
    row.insert("path".into(), json!(record.path_text()));
    row.insert("tags".into(), json!(record.tags));
    row
}

/// A value of one of dealbook's field types as dealbook reads it; `None` when it cannot.
fn as_read(ty: FieldType, value: &Value, config: &Config) -> Option<Value> {
    let text = match value {
        Value::String(s) => Some(s.trim()),
        _ => None,
    };
    match ty {
        FieldType::Date => text.and_then(parse_date).map(|d| json!(d)),
        FieldType::Money | FieldType::Percent => match value {
            Value::Number(n) => n.as_f64().map(number),
            _ => text
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|n| n.is_finite())
                .map(number),
        },
        FieldType::Bool => match value {
            Value::Bool(b) => Some(json!(b)),
            _ => match text?.to_ascii_lowercase().as_str() {
                "true" | "yes" | "y" => Some(json!(true)),
                "false" | "no" | "n" => Some(json!(false)),
                _ => None,
            },
        },
        FieldType::Stage => config.stage(text?).map(|s| json!(s.id)),
        FieldType::Forecast => ForecastCategory::parse(text?).map(|f| json!(f.as_str())),
        FieldType::Currency => text.map(|t| json!(t.to_ascii_uppercase())),
        FieldType::Text => text.filter(|t| !t.is_empty()).map(|t| json!(t)),
        FieldType::Link | FieldType::List | FieldType::RecordKind => None,
    }
}

/// 48000.0 → 48000, as the rep wrote it.
fn number(n: f64) -> Value {
    serde_json::to_value(metrics::money::Num(n)).unwrap_or(Value::Null)
}

/// The rows of one listing, in a stable order: deals by close date then id, tasks by due
/// date then record, everything else by id. Deals carry what the reports work out for them
/// (`query::COMPUTED`) from `views`, the reports' views of them.
pub fn rows(index: &Index, config: &Config, listing: Listing, views: &[SharedDeal]) -> Vec<Row> {
    match listing {
        Listing::Deals => {
            let views: std::collections::HashMap<&str, &DealView> =
                views.iter().map(|v| (v.id.as_str(), &**v)).collect();
            let mut deals: Vec<_> = index.deals.iter().collect();
            deals.sort_by(|a, b| {
                (a.close_date.is_none(), a.close_date, &a.record.id).cmp(&(
                    b.close_date.is_none(),
                    b.close_date,
                    &b.record.id,
                ))
            });
            deals
                .into_iter()
                .map(|deal| {
                    let mut row = base(&deal.record, config);
                    row.insert("title".into(), json!(deal.title));
                    row.insert("currency".into(), json!(deal.currency));
                    row.insert("probability".into(), json!(deal.probability_in(config)));
                    row.insert(
                        "forecast".into(),
                        json!(deal.forecast_in(config).map(|f| f.as_str())),
                    );
                    row.insert("open".into(), json!(deal.is_open(config)));
                    row.insert(
                        "last_activity".into(),
                        json!(metrics::last_activity(deal).map(|d| d.to_string())),
                    );
                    let view = views.get(deal.record.id.as_str());
                    let computed = |f: fn(&DealView) -> Value| view.map_or(Value::Null, |v| f(v));
                    row.insert("base_amount".into(), computed(|v| json!(v.amount)));
                    row.insert("weighted".into(), computed(|v| json!(v.weighted)));
                    row.insert("flags".into(), computed(|v| json!(v.flags)));
                    row.insert("days_in_stage".into(), computed(|v| json!(v.days_in_stage)));
                    row.insert("push_count".into(), computed(|v| json!(v.push_count)));
                    row.insert("in_period".into(), computed(|v| json!(v.in_period)));
                    row.insert("account_name".into(), computed(|v| json!(v.account)));
                    row
                })
                .collect()
        }
        Listing::Contacts => index
            .contacts
            .iter()
            .map(|contact| {
                let mut row = base(&contact.record, config);
                row.insert("name".into(), json!(contact.name));
                if let Some(account) = index.account_for(&contact.account).map(|a| &a.record.id) {
                    row.insert("account".into(), json!(account));
                }
                row
            })
            .collect(),
        Listing::Accounts => index
            .accounts
            .iter()
            .map(|account| {
                let mut row = base(&account.record, config);
                row.insert("name".into(), json!(account.name));
                row
            })
            .collect(),
        Listing::Tasks => {
            let records = index
                .deals
                .iter()
                .map(|d| &d.record)
                .chain(index.contacts.iter().map(|c| &c.record))
                .chain(index.accounts.iter().map(|a| &a.record));
            let mut rows: Vec<Row> = records
                .flat_map(|record| {
                    record.body.tasks.iter().map(move |task| {
                        let row = json!({
                            "record": record.id,
                            "kind": record.kind.as_str(),
                            "path": record.path_text(),
                            "line": task.line,
                            "done": task.done,
                            "due": task.due.map(|d| d.to_string()),
                            "manager": task.manager,
                            "private": task.private,
                            "text": task.text,
                        });
                        row.as_object().cloned().unwrap_or_default()
                    })
                })
                .collect();
            let key = |row: &Row| {
                let due = row["due"].as_str().map(str::to_string);
                (
                    due.is_none(),
                    due,
                    row["record"].as_str().unwrap_or_default().to_string(),
                    row["line"].as_u64(),
                )
            };
            rows.sort_by_key(key);
            rows
        }
    }
}

/// Every record of a kind as `export` writes it: the front-matter fields as dealbook reads
/// them (nothing worked out, so an import gives the same records back), `id`, `path`, and with
/// `bodies`, the body: its text, log entries, tasks and section headings.
pub fn records(index: &Index, config: &Config, listing: Listing, bodies: bool) -> Vec<Row> {
    let records: Vec<&Record> = match listing {
        Listing::Deals => index.deals.iter().map(|d| &d.record).collect(),
        Listing::Contacts => index.contacts.iter().map(|c| &c.record).collect(),
        Listing::Accounts => index.accounts.iter().map(|a| &a.record).collect(),
        Listing::Tasks => Vec::new(),
    };
    let mut rows: Vec<Row> = records
        .into_iter()
        .map(|record| {
            let mut row = base(record, config);
            // The manager's copy of a record has no private section to export.
            if bodies {
                let body = &record.body;
                let sections: Vec<String> = crate::parse::body::headings(&body.text)
                    .into_iter()
                    .map(|h| h.title)
                    .collect();
                row.insert(
                    "body".into(),
                    json!({
                        "text": body.text,
                        "log": body.log,
                        "tasks": body.tasks,
                        "sections": sections,
                    }),
                );
            }
            row
        })
        .collect();
    rows.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    rows
}

/// The columns `list` shows as a table.
fn table_columns(listing: Listing) -> &'static [&'static str] {
    match listing {
        Listing::Deals => &[
            "id",
            "stage",
            "amount",
            "close_date",
            "next_step_date",
            "title",
        ],
        Listing::Contacts => &["id", "name", "account", "role", "email"],
        Listing::Accounts => &["id", "name", "industry", "website"],
        Listing::Tasks => &["due", "done", "record", "text"],
    }
}

/// Every column for CSV: the table's first, then all other fields, alphabetically.
pub fn columns(listing: Listing, rows: &[Row]) -> Vec<String> {
    let first = table_columns(listing);
    let rest: BTreeSet<&String> = rows
        .iter()
        .flat_map(|row| row.keys())
        .filter(|key| !first.contains(&key.as_str()))
        .collect();
    first
        .iter()
        .map(|s| s.to_string())
        .chain(rest.into_iter().cloned())
        .collect()
}

/// How many deal rows, and their amount and weighted amount in the base currency (a deal
/// without an amount or a rate counts in neither): the last line of `list deals` and of the
/// browser's deals table.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Totals {
    pub count: usize,
    pub amount: f64,
    pub weighted: f64,
    /// The deals in `count` that are in neither amount, so that the line can say so.
    pub without_amount: usize,
}

pub fn totals(rows: &[Row]) -> Totals {
    let sum = |field: &str| -> f64 { rows.iter().filter_map(|r| r[field].as_f64()).sum() };
    Totals {
        count: rows.len(),
        amount: sum("base_amount"),
        weighted: sum("weighted"),
        without_amount: rows.iter().filter(|r| r["base_amount"].is_null()).count(),
    }
}

/// `--sort a,-b`: by each field in turn, `-` descending; the listing's own order breaks ties.
pub fn sort(rows: &mut [Row], keys: &[String]) {
    rows.sort_by(|a, b| {
        keys.iter().fold(std::cmp::Ordering::Equal, |order, key| {
            order.then_with(|| {
                let (field, descending) = match key.strip_prefix('-') {
                    Some(field) => (field, true),
                    None => (key.as_str(), false),
                };
                let (x, y) = (a.get(field), b.get(field));
                let order = crate::query::sort_order(x, y);
                // A missing value is last either way.
                let both = x.is_some_and(|v| !v.is_null()) && y.is_some_and(|v| !v.is_null());
                if descending && both {
                    order.reverse()
                } else {
                    order
                }
            })
        })
    });
}

/// `--columns`, else the listing's; a deals table shows each deal's currency when there is
/// more than one, and then the amount in the base currency too.
pub fn shown_columns(listing: Listing, asked: &[String], rows: &[Row], base: &str) -> Vec<String> {
    if !asked.is_empty() {
        return asked.to_vec();
    }
    let mut columns: Vec<String> = table_columns(listing)
        .iter()
        .map(|c| c.to_string())
        .collect();
    if matches!(listing, Listing::Deals) {
        let currencies: std::collections::BTreeSet<&str> = rows
            .iter()
            .filter_map(|r| r["currency"].as_str())
            .chain([base])
            .collect();
        if currencies.len() > 1 {
            let at = columns
                .iter()
                .position(|c| c == "amount")
                .map_or(columns.len(), |i| i + 1);
            columns.insert(at, "currency".into());
            columns.insert(at + 1, "base_amount".into());
        }
    }
    columns
}
