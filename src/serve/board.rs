//! The board: open deals by stage, in the config's order, each column with its totals, and
//! the won and lost stages as columns to drop a deal on. Each card carries its file's content
//! hash, so a move made from what the page shows is refused once the file has changed.

use std::path::Path;

use serde::Serialize;

use super::frame::View;
use super::http;
use crate::metrics::money::Num;
use crate::metrics::report::{Pipeline, Totals};
use crate::metrics::rules::Flag;
use crate::model::{Audience, Config, Period};

#[derive(Debug, Serialize)]
pub struct Board {
    pub as_of: chrono::NaiveDate,
    pub period: Period,
    pub currency: String,
    pub audience: Audience,
    pub open: Totals,
    /// Whether cards can be moved: in the rep's own view only.
    pub editable: bool,
    pub columns: Vec<Column>,
}

#[derive(Debug, Serialize)]
pub struct Column {
    /// The stage's id, which a move names.
    pub stage: String,
    pub label: String,
    /// `won` or `lost` for a closing stage, which shows no cards.
    pub closed: Option<&'static str>,
    pub count: usize,
    pub amount: Num,
    pub weighted: Num,
    pub deals: Vec<Card>,
}

#[derive(Debug, Serialize)]
pub struct Card {
    pub id: String,
    pub title: String,
    pub account: Option<String>,
    /// In the base currency.
    pub amount: Option<Num>,
    pub close_date: Option<chrono::NaiveDate>,
    pub flags: Vec<Flag>,
    pub push_count: Option<usize>,
    pub href: String,
    /// The file's content hash when the page was made.
    pub hash: String,
}

/// `closed_won` → `Closed won`.
fn label(id: &str) -> String {
    let words = id.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The board of `pipeline`'s open deals; `hash` gives a deal file's content hash.
pub fn board(
    pipeline: &Pipeline,
    config: &Config,
    hash: impl Fn(&Path) -> String,
    view: &View,
) -> Board {
    let columns = config
        .stages
        .iter()
        .map(|stage| {
            let closed = if stage.won {
                Some("won")
            } else if stage.lost {
                Some("lost")
            } else {
                None
            };
            let totals = pipeline.by_stage.iter().find(|s| s.stage == stage.id);
            let deals = if closed.is_some() {
                Vec::new()
            } else {
                pipeline
                    .deals
                    .iter()
                    .filter(|d| d.stage == stage.id)
                    .map(|d| Card {
                        id: d.id.clone(),
                        title: d.title.clone(),
                        account: d.account.clone(),
                        amount: d.amount,
                        close_date: d.close_date,
                        flags: d.flags.clone(),
                        push_count: d.push_count,
                        href: view.link(&format!("/deal/{}", http::encode(&d.id))),
                        hash: hash(Path::new(&d.path)),
                    })
                    .collect()
            };
            Column {
                stage: stage.id.clone(),
                label: label(&stage.id),
                closed,
                count: deals.len(),
                amount: totals.map_or(Num(0.0), |t| t.amount),
                weighted: totals.map_or(Num(0.0), |t| t.weighted),
                deals,
            }
        })
        .collect();
    Board {
        as_of: pipeline.as_of,
        period: pipeline.period.clone(),
        currency: pipeline.currency.clone(),
        audience: view.audience,
        open: pipeline.open,
        editable: view.audience == Audience::Me,
        columns,
    }
}
