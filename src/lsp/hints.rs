//! Inlay hints on a deal: its weighted amount after `amount:`, and its stage's probability
//! after `stage:` when the deal has none of its own, as the reports count them.

use std::path::Path;

use chrono::NaiveDate;
use lsp_types::{InlayHint, InlayHintLabel};

use super::text::Document;
use super::{links, navigation};
use crate::metrics::report::{views_of, ReportOptions};
use crate::parse::front_matter::top_level_key;
use crate::render::filters::format_money;
use crate::vault::Vault;
use crate::write::edit;

pub fn hints(vault: &Vault, doc: &Document, path: &Path, today: NaiveDate) -> Vec<InlayHint> {
    let config = &vault.config;
    let Some(deal) = navigation::own_deal(vault, path) else {
        return Vec::new();
    };
    let options = ReportOptions::current(config, today, None);
    let Some(view) = views_of(&[deal], &vault.index, config, &options, None).pop() else {
        return Vec::new();
    };
    let Some((first, last)) = links::front_matter_lines(doc) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for n in first..last {
        let line = doc.line(n);
        let Some((key, rest)) = top_level_key(line) else {
            continue;
        };
        let label = match config.field_for(key) {
            "amount" => view
                .weighted
                .map(|w| format!("weighted {}", format_money(w.0, &config.currency))),
            "stage" if deal.probability.is_none() => Some(format!("{}%", view.probability.0)),
            _ => None,
        };
        let Some(label) = label else {
            continue;
        };
        let start = line.len() - rest.trim_start().len();
        let end = doc.line_start(n) + edit::value_end(line, start);
        found.push(InlayHint {
            position: doc.position(end),
            label: InlayHintLabel::String(label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    found
}
