//! Deals, contacts and accounts: plain typed data, plus every front-matter field as written.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Config, Fields, ForecastCategory, Stage};
use crate::diagnostic::Pos;

/// A front-matter value, as JSON so templates and `--format json` see exactly what the rep wrote.
pub type Value = serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Deal,
    Contact,
    Account,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Deal, Kind::Contact, Kind::Account];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Deal => "deal",
            Kind::Contact => "contact",
            Kind::Account => "account",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "deal" | "deals" | "opportunity" => Some(Kind::Deal),
            "contact" | "contacts" | "person" => Some(Kind::Contact),
            "account" | "accounts" | "company" => Some(Kind::Account),
            _ => None,
        }
    }
}

/// A reference to another record, written as a plain id or a `[[wikilink]]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// What it points at: the wikilink's target without folder, alias or heading.
    pub target: String,
}

impl Link {
    pub fn parse(raw: &str) -> Link {
        Link {
            target: raw[Link::target_range(raw)].to_string(),
        }
    }

    /// Where in `raw` its target is written: inside a wikilink's brackets, after its folder,
    /// before its alias or heading and a `.md`, without spaces around it. Renaming a record
    /// rewrites just this part of each link.
    pub fn target_range(raw: &str) -> std::ops::Range<usize> {
        let mut from = raw.len() - raw.trim_start().len();
        let mut to = raw.trim_end().len().max(from);
        let bracketed = &raw[from..to];
        if bracketed.len() >= 4 && bracketed.starts_with("[[") && bracketed.ends_with("]]") {
            from += 2;
            to -= 2;
        }
        if let Some(cut) = raw[from..to].find(['|', '#']) {
            to = from + cut;
        }
        if let Some(slash) = raw[from..to].rfind('/') {
            from += slash + 1;
        }
        if raw[from..to].ends_with(".md") {
            to -= 3;
        }
        let inner = &raw[from..to];
        let end = from + inner.trim_end().len();
        let start = (from + inner.len() - inner.trim_start().len()).min(end);
        start..end
    }
}

/// A note outside the record folders (a meeting, a call, a daily note) that is activity on
/// the deals it links.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Relative to the vault root.
    pub path: String,
    pub date: NaiveDate,
    pub title: String,
    /// Its first line of text, for a synopsis.
    pub first_line: String,
    /// What it links, as written (ids, titles, wikilink targets).
    #[serde(skip)]
    pub links: Vec<String>,
    #[serde(skip)]
    pub private: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEntry {
    pub date: NaiveDate,
    pub text: String,
    pub line: usize,
    /// The activity note it comes from, when it is not the record's own log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Inside a `## Private` section.
    pub private: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub text: String,
    pub done: bool,
    pub due: Option<NaiveDate>,
    /// When it was done: Obsidian Tasks' `✅ YYYY-MM-DD`.
    pub done_on: Option<NaiveDate>,
    /// Tagged `@manager`: an ask for the manager.
    pub manager: bool,
    pub line: usize,
    pub private: bool,
}

/// A heading's section of the body, as byte offsets into the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    pub start: usize,
    pub end: usize,
}

/// The parts of a Markdown body that dealbook understands.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Body {
    pub text: String,
    pub log: Vec<LogEntry>,
    pub tasks: Vec<Task>,
    /// Sections under a heading named `Private`, hidden from the manager.
    pub private_sections: Vec<Section>,
    /// Whether the log is written newest first (the default when unsure).
    pub log_newest_first: bool,
}

impl Body {
    /// The body without its private sections.
    pub fn public_text(&self) -> String {
        let mut text = String::with_capacity(self.text.len());
        let mut from = 0;
        for section in &self.private_sections {
            text.push_str(&self.text[from..section.start]);
            from = section.end;
        }
        text.push_str(&self.text[from..]);
        text
    }

    pub fn last_activity(&self) -> Option<NaiveDate> {
        self.log.iter().map(|entry| entry.date).max()
    }
}

/// What every record has, whatever its kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub kind: Kind,
    /// The file stem: `deals/acme-renewal.md` → `acme-renewal`.
    pub id: String,
    /// Relative to the vault root, with `/` separators.
    pub path: PathBuf,
    /// Every front-matter field under dealbook's names, including ones dealbook does not know.
    pub fields: Fields,
    pub body: Body,
    pub private: bool,
    pub tags: Vec<String>,
}

impl Record {
    /// The path with `/` separators on every system, as reports and `list` show it.
    pub fn path_text(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    pub fn pos(&self, field: &str) -> Pos {
        self.fields.pos(field).unwrap_or(Pos::START)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.fields
            .str(field)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deal {
    #[serde(flatten)]
    pub record: Record,
    pub title: String,
    pub account: Option<Link>,
    pub amount: Option<f64>,
    pub currency: String,
    /// A stage id from the config; `None` when the file names none the config knows (that is
    /// reported, and the reports list the deal as not counted).
    pub stage: Option<String>,
    /// The deal's own probability, if it overrides the stage's.
    pub probability: Option<f64>,
    pub forecast: Option<ForecastCategory>,
    pub close_date: Option<NaiveDate>,
    pub next_step: Option<String>,
    pub next_step_date: Option<NaiveDate>,
    pub decision_maker: Option<Link>,
    pub dm_engaged: Option<bool>,
    pub roi_accepted: Option<bool>,
    pub champion: Option<Link>,
    /// The primary contact, as a CRM names one.
    pub contact: Option<Link>,
    /// The last activity outside the log (a CRM's "Last Activity" date).
    pub last_activity: Option<NaiveDate>,
    /// The activity notes that link it, newest first (filled in by the index).
    #[serde(skip)]
    pub activities: Vec<Arc<Activity>>,
    pub win_reason: Option<String>,
    pub loss_reason: Option<String>,
    pub created: Option<NaiveDate>,
}

impl Deal {
    /// The deal's stage from the config, if it has a usable one.
    pub fn stage_in<'a>(&self, config: &'a Config) -> Option<&'a Stage> {
        let id = self.stage.as_deref()?;
        config.stages.iter().find(|s| s.id == id)
    }

    /// In a stage neither won nor lost.
    pub fn is_open(&self, config: &Config) -> bool {
        self.stage_in(config).is_some_and(Stage::is_open)
    }

    /// In a won or lost stage.
    pub fn is_closed(&self, config: &Config) -> bool {
        self.stage_in(config).is_some_and(|s| !s.is_open())
    }

    /// The deal's own probability, else its stage's.
    pub fn probability_in(&self, config: &Config) -> Option<f64> {
        self.probability
            .or_else(|| self.stage_in(config).map(|s| s.probability))
    }

    /// The deal's own forecast category, else its stage's.
    pub fn forecast_in(&self, config: &Config) -> Option<ForecastCategory> {
        self.forecast
            .or_else(|| self.stage_in(config).map(|s| s.forecast))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    #[serde(flatten)]
    pub record: Record,
    pub name: String,
    pub account: Option<Link>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub last_contact: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    #[serde(flatten)]
    pub record: Record,
    pub name: String,
    pub industry: Option<String>,
    pub website: Option<String>,
}

/// A parsed file: one record of one kind.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyRecord {
    Deal(std::sync::Arc<Deal>),
    Contact(std::sync::Arc<Contact>),
    Account(std::sync::Arc<Account>),
}

impl AnyRecord {
    /// A copy without its link `field` (to a record its reader may not see): the link is gone,
    /// as written and as read.
    pub fn without_link(&self, field: &str) -> AnyRecord {
        let mut record = self.clone();
        let strip = |record: &mut Record| {
            record.fields.remove(field);
        };
        match &mut record {
            AnyRecord::Deal(deal) => {
                let deal = std::sync::Arc::make_mut(deal);
                strip(&mut deal.record);
                match field {
                    "account" => deal.account = None,
                    "decision_maker" => deal.decision_maker = None,
                    "champion" => deal.champion = None,
                    "contact" => deal.contact = None,
                    _ => {}
                }
            }
            AnyRecord::Contact(contact) => {
                let contact = std::sync::Arc::make_mut(contact);
                strip(&mut contact.record);
                if field == "account" {
                    contact.account = None;
                }
            }
            AnyRecord::Account(_) => {}
        }
        record
    }

    pub fn record(&self) -> &Record {
        match self {
            AnyRecord::Deal(d) => &d.record,
            AnyRecord::Contact(c) => &c.record,
            AnyRecord::Account(a) => &a.record,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Link;

    #[test]
    fn a_links_target_is_where_it_is_written() {
        for (raw, target) in [
            ("acme", "acme"),
            ("  acme  ", "acme"),
            ("[[Acme Corp]]", "Acme Corp"),
            ("[[companies/acme|Acme]]", "acme"),
            ("[[acme.md#Notes]]", "acme"),
            ("[[ a/b/ jane doe .md ]]", "jane doe .md"),
            ("[[]]", ""),
            ("[[]", "[[]"),
            ("   ", ""),
        ] {
            let range = Link::target_range(raw);
            assert_eq!(&raw[range], target, "{raw:?}");
        }
    }
}
