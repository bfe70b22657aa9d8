//! Records as flat rows, for `list` and `export`: every front-matter field under dealbook's
//! names, plus what dealbook works out (id, path, resolved probability, forecast, last activity).

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::metrics;
use crate::model::Index;
use crate::model::{Config, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Deals,
    Contacts,
    Accounts,
    Tasks,
}

pub type Row = Map<String, Value>;

fn base(record: &Record) -> Row {
    let mut row: Row = record
        .fields
        .entries()
        .map(|(name, value, _)| (name.to_string(), value))
        .collect();
    row.insert("id".into(), json!(record.id));
    row.insert("path".into(), json!(record.path_text()));
    row.insert("tags".into(), json!(record.tags));
    row
}

/// 48000.0 → 48000, as the rep wrote it.
fn number(n: f64) -> Value {
    serde_json::to_value(metrics::money::Num(n)).unwrap_or(Value::Null)
}

/// Puts a field's value as dealbook read it in place of the text (`"9000"` is the number
/// 9000); a value it could not read stays as written, so no listing or export loses it.
fn set_read(row: &mut Row, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        row.insert(key.to_string(), value);
    }
}

/// The rows of one listing, in a stable order: deals by close date then id, tasks by due
/// date then record, everything else by id.
pub fn rows(index: &Index, config: &Config, listing: Listing) -> Vec<Row> {
    match listing {
        Listing::Deals => {
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
                    let mut row = base(&deal.record);
                    set_read(&mut row, "amount", deal.amount.map(number));
                    set_read(&mut row, "close_date", deal.close_date.map(|d| json!(d)));
                    set_read(
                        &mut row,
                        "next_step_date",
                        deal.next_step_date.map(|d| json!(d)),
                    );
                    set_read(&mut row, "created", deal.created.map(|d| json!(d)));
                    set_read(&mut row, "dm_engaged", deal.dm_engaged.map(|b| json!(b)));
                    set_read(
                        &mut row,
                        "roi_accepted",
                        deal.roi_accepted.map(|b| json!(b)),
                    );
                    set_read(
                        &mut row,
                        "next_step",
                        deal.next_step.as_ref().map(|s| json!(s)),
                    );
                    row.insert("title".into(), json!(deal.title));
                    set_read(&mut row, "stage", deal.stage.as_ref().map(|s| json!(s)));
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
                    row
                })
                .collect()
        }
        Listing::Contacts => index
            .contacts
            .iter()
            .map(|contact| {
                let mut row = base(&contact.record);
                row.insert("name".into(), json!(contact.name));
                set_read(
                    &mut row,
                    "last_contact",
                    contact.last_contact.map(|d| json!(d)),
                );
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
                let mut row = base(&account.record);
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

/// The columns `list` shows as a table.
pub fn table_columns(listing: Listing) -> &'static [&'static str] {
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
