//! One record at a glance, for `show`: its fields as dealbook reads them, the numbers the
//! reports compute for its deals (each deal's `DealView`), its open tasks, its recent log, the
//! records it links and, for a deal, its history.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::history::{events, Event, History, Unavailable};
use crate::metrics::money::Num;
use crate::metrics::report::{deal_not_counted, views_of, DealView, ReportOptions, Totals};
use crate::metrics::rules::Flag;
use crate::model::{
    schema, Account, Audience, Config, Contact, Deal, ForecastCategory, Index, Kind, Link,
    LogEntry, Record, Task, Value,
};

/// How many log entries a record shows: the newest.
pub const RECENT_LOG: usize = 5;

/// One record as `show` prints it, built from the index of the audience it is for.
#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    pub kind: Kind,
    pub id: String,
    /// Relative to the vault root, with `/` separators.
    pub path: String,
    pub as_of: NaiveDate,
    pub audience: Audience,
    /// The config's currency, which every amount but a deal's own is in.
    pub base_currency: String,
    #[serde(flatten)]
    pub details: Details,
    pub tags: Vec<String>,
    /// The front-matter fields dealbook has no name for, as written.
    pub own_fields: BTreeMap<String, Value>,
    /// Tasks still to do, in the order written; an `@manager` one is an ask.
    pub tasks: Vec<Task>,
    /// The newest entries of its log (for a deal, activity notes included), newest first.
    pub log: Vec<LogEntry>,
}

/// What one kind of record shows beyond what every record does.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Details {
    Deal(Box<DealDetails>),
    Contact(Box<ContactDetails>),
    Account(Box<AccountDetails>),
}

#[derive(Debug, Clone, Serialize)]
pub struct DealDetails {
    pub title: String,
    /// The account's name (or the link as written, when it names no account).
    pub account: Option<String>,
    /// A stage the config knows; `None` when the deal names none (see `not_counted`).
    pub stage: Option<String>,
    pub open: bool,
    pub won: bool,
    pub lost: bool,
    /// As written, in the deal's own currency.
    pub amount: Option<Num>,
    pub currency: String,
    /// In the base currency, as the reports count it; `None` without an amount or a rate.
    pub base_amount: Option<Num>,
    /// The deal's own probability, else its stage's.
    pub probability: Option<Num>,
    pub forecast: Option<ForecastCategory>,
    pub weighted: Option<Num>,
    pub close_date: Option<NaiveDate>,
    pub next_step: Option<String>,
    pub next_step_date: Option<NaiveDate>,
    pub decision_maker: Option<String>,
    pub dm_engaged: Option<bool>,
    pub roi_accepted: Option<bool>,
    pub champion: Option<String>,
    pub contact: Option<String>,
    pub buying_signals: Option<String>,
    /// Why it was won or lost, for a closed deal.
    pub reason: Option<String>,
    pub created: Option<NaiveDate>,
    pub last_activity: Option<NaiveDate>,
    pub days_since_activity: Option<i64>,
    pub flags: Vec<FlagView>,
    /// Why the reports leave it out of some of their numbers, as they say it.
    pub not_counted: Vec<String>,
    /// The account and the contacts it links.
    pub linked: Vec<Linked>,
    /// Its history events, newest first; empty without history (see `history_note`).
    pub history: Vec<Event>,
    /// Why there is no history, said once, plainly; `None` when there is.
    pub history_note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactDetails {
    pub name: String,
    /// The account's name (or the link as written, when it names no account).
    pub account: Option<String>,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub last_contact: Option<NaiveDate>,
    /// Its account.
    pub linked: Vec<Linked>,
    /// The deals whose decision maker, champion or contact it is.
    pub deals: Vec<DealLine>,
    pub totals: DealTotals,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountDetails {
    pub name: String,
    pub industry: Option<String>,
    pub website: Option<String>,
    pub contacts: Vec<Linked>,
    /// Its deals, open and closed.
    pub deals: Vec<DealLine>,
    pub totals: DealTotals,
}

/// A flag on an open deal: its code and its words.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FlagView {
    pub code: Flag,
    pub label: &'static str,
}

impl FlagView {
    fn of(flags: &[Flag]) -> Vec<FlagView> {
        flags
            .iter()
            .map(|&code| FlagView {
                code,
                label: code.label(),
            })
            .collect()
    }
}

/// A record another one links.
#[derive(Debug, Clone, Serialize)]
pub struct Linked {
    /// The link field between the two: `account`, `decision_maker`, `champion` or `contact`.
    pub field: &'static str,
    pub kind: Kind,
    pub id: String,
    pub name: String,
    pub path: String,
    /// A contact's role, as their record says.
    pub role: Option<String>,
}

impl Linked {
    fn contact(field: &'static str, contact: &Contact) -> Linked {
        Linked {
            field,
            kind: Kind::Contact,
            id: contact.record.id.clone(),
            name: contact.name.clone(),
            path: contact.record.path_text(),
            role: contact.role.clone(),
        }
    }

    fn account(account: &Account) -> Linked {
        Linked {
            field: "account",
            kind: Kind::Account,
            id: account.record.id.clone(),
            name: account.name.clone(),
            path: account.record.path_text(),
            role: None,
        }
    }
}

/// A deal of a contact or an account, with the numbers the reports compute for it.
#[derive(Debug, Clone, Serialize)]
pub struct DealLine {
    pub id: String,
    pub title: String,
    pub path: String,
    /// `None` for a deal with no stage the config knows: no number counts it.
    pub stage: Option<String>,
    pub open: bool,
    pub won: bool,
    pub lost: bool,
    /// In the base currency.
    pub amount: Option<Num>,
    pub weighted: Option<Num>,
    pub close_date: Option<NaiveDate>,
    pub flags: Vec<FlagView>,
    /// For a contact: the fields of the deal that name them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<&'static str>,
}

/// The totals of a contact's or an account's deals, counted as the pipeline report counts
/// them: open deals and won ones.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct DealTotals {
    pub open: Totals,
    pub won: Totals,
    /// The open or won deals in neither total: no stage dealbook knows, no amount, or a
    /// currency without a rate (the deal's own page says which).
    pub not_counted: usize,
}

/// The record at `path` as `audience` may see it, from that audience's own index
/// (`Vault::index_for`) and history; `None` when the index has no record there.
pub fn record_view(
    path: &Path,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    audience: Audience,
    history: &Result<History, Unavailable>,
) -> Option<RecordView> {
    let history = match history {
        Ok(history) => Ok(history.for_audience(audience)),
        Err(e) => Err(e.to_string()),
    };
    let history = history.as_deref().map_err(String::as_str);
    let known = history.ok();
    let at = |record: &Record| record.path == path;
    let (record, details, mut log) = if let Some(deal) = index.deals.iter().find(|d| at(&d.record))
    {
        let details = deal_details(deal, index, config, options, history);
        let log = super::activity_log(deal);
        (&deal.record, Details::Deal(Box::new(details)), log)
    } else if let Some(contact) = index.contacts.iter().find(|c| at(&c.record)) {
        let details = contact_details(contact, index, config, options, known);
        let log = newest_first(&contact.record.body.log);
        (&contact.record, Details::Contact(Box::new(details)), log)
    } else {
        let account = index.accounts.iter().find(|a| at(&a.record))?;
        let details = account_details(account, index, config, options, known);
        let log = newest_first(&account.record.body.log);
        (&account.record, Details::Account(Box::new(details)), log)
    };
    log.truncate(RECENT_LOG);
    Some(RecordView {
        kind: record.kind,
        id: record.id.clone(),
        path: record.path_text(),
        as_of: options.as_of,
        audience,
        base_currency: config.currency.clone(),
        details,
        tags: record.tags.clone(),
        own_fields: own_fields(record),
        tasks: record
            .body
            .tasks
            .iter()
            .filter(|t| !t.done)
            .cloned()
            .collect(),
        log,
    })
}

fn newest_first(log: &[LogEntry]) -> Vec<LogEntry> {
    let mut log = log.to_vec();
    log.sort_by(|a, b| b.date.cmp(&a.date).then(a.line.cmp(&b.line)));
    log
}

/// The fields no entry of dealbook's schema names for this kind of record.
fn own_fields(record: &Record) -> BTreeMap<String, Value> {
    record
        .fields
        .entries()
        .filter(|(name, ..)| schema::spec_for(record.kind, name).is_none())
        .map(|(name, value, _)| (name.to_string(), value))
        .collect()
}

/// A link's record's name, else the link as written.
fn named(link: &Option<Link>, found: Option<&str>) -> Option<String> {
    found
        .map(str::to_string)
        .or_else(|| link.as_ref().map(|l| l.target.clone()))
}

fn deal_details(
    deal: &Arc<Deal>,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Result<&History, &str>,
) -> DealDetails {
    let view = views_of(&[deal], index, config, options, history.ok()).pop();
    let account = index.account_for(&deal.account);
    let contact = |link: &Option<Link>| index.contact_for(link);
    let linked: Vec<Linked> = account
        .map(Linked::account)
        .into_iter()
        .chain(
            [
                ("decision_maker", &deal.decision_maker),
                ("champion", &deal.champion),
                ("contact", &deal.contact),
            ]
            .into_iter()
            .filter_map(|(field, link)| Some(Linked::contact(field, contact(link)?))),
        )
        .collect();
    let contact_name = |link: &Option<Link>| named(link, contact(link).map(|c| c.name.as_str()));
    DealDetails {
        title: deal.title.clone(),
        account: named(&deal.account, account.map(|a| a.name.as_str())),
        stage: view.as_ref().map(|v| v.stage.clone()),
        open: view.as_ref().is_some_and(|v| v.open),
        won: view.as_ref().is_some_and(|v| v.won),
        lost: view.as_ref().is_some_and(|v| v.lost),
        amount: deal.amount.map(Num),
        currency: deal.currency.clone(),
        base_amount: view.as_ref().and_then(|v| v.amount),
        probability: view
            .as_ref()
            .map(|v| v.probability)
            .or_else(|| deal.probability_in(config).map(Num)),
        forecast: view
            .as_ref()
            .map(|v| v.forecast)
            .or_else(|| deal.forecast_in(config)),
        weighted: view.as_ref().and_then(|v| v.weighted),
        close_date: deal.close_date,
        next_step: deal.next_step.clone(),
        next_step_date: deal.next_step_date,
        decision_maker: contact_name(&deal.decision_maker),
        dm_engaged: deal.dm_engaged,
        roi_accepted: deal.roi_accepted,
        champion: contact_name(&deal.champion),
        contact: contact_name(&deal.contact),
        buying_signals: deal.record.text("buying_signals").map(str::to_string),
        reason: view.as_ref().and_then(|v| v.reason.clone()),
        created: deal.created,
        last_activity: super::last_activity(deal),
        days_since_activity: view.as_ref().and_then(|v| v.days_since_activity),
        flags: view
            .as_ref()
            .map_or_else(Vec::new, |v| FlagView::of(&v.flags)),
        not_counted: deal_not_counted(deal, index, config, options)
            .into_iter()
            .map(|item| item.detail)
            .collect(),
        linked,
        history: history
            .ok()
            .and_then(|h| h.deal(&deal.record.id))
            .map_or_else(Vec::new, |h| events::deal_newest_first(h, config)),
        history_note: history.err().map(str::to_string),
    }
}

fn contact_details(
    contact: &Contact,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> ContactDetails {
    let account = index.account_for(&contact.account);
    let is_this = |link: &Option<Link>| {
        index
            .contact_for(link)
            .is_some_and(|c| c.record.id == contact.record.id)
    };
    let links = |deal: &Deal| -> Vec<&'static str> {
        [
            ("decision_maker", &deal.decision_maker),
            ("champion", &deal.champion),
            ("contact", &deal.contact),
        ]
        .into_iter()
        .filter(|(_, link)| is_this(link))
        .map(|(field, _)| field)
        .collect()
    };
    let deals: Vec<&Arc<Deal>> = index
        .deals
        .iter()
        .filter(|d| !links(d).is_empty())
        .collect();
    let (deals, totals) = deal_lines(&deals, index, config, options, history, links);
    ContactDetails {
        name: contact.name.clone(),
        account: named(&contact.account, account.map(|a| a.name.as_str())),
        role: contact.role.clone(),
        email: contact.email.clone(),
        phone: contact.phone.clone(),
        last_contact: contact.last_contact,
        linked: account.map(Linked::account).into_iter().collect(),
        deals,
        totals,
    }
}

fn account_details(
    account: &Account,
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
) -> AccountDetails {
    let is_this = |link: &Option<Link>| {
        index
            .account_for(link)
            .is_some_and(|a| a.record.id == account.record.id)
    };
    let contacts = index
        .contacts
        .iter()
        .filter(|c| is_this(&c.account))
        .map(|c| Linked::contact("account", c))
        .collect();
    let deals: Vec<&Arc<Deal>> = index.deals.iter().filter(|d| is_this(&d.account)).collect();
    let (deals, totals) = deal_lines(&deals, index, config, options, history, |_| Vec::new());
    AccountDetails {
        name: account.name.clone(),
        industry: account.industry.clone(),
        website: account.website.clone(),
        contacts,
        deals,
        totals,
    }
}

/// The deals as lines, by close date (undated last) then id as the reports list them, and
/// their totals; `links` says which of a deal's fields name the record shown.
fn deal_lines(
    deals: &[&Arc<Deal>],
    index: &Index,
    config: &Config,
    options: &ReportOptions,
    history: Option<&History>,
    links: impl Fn(&Deal) -> Vec<&'static str>,
) -> (Vec<DealLine>, DealTotals) {
    let mut deals = deals.to_vec();
    deals.sort_by_key(|d| (d.close_date.is_none(), d.close_date, &d.record.id));
    let views = views_of(&deals, index, config, options, history);
    let mut totals = DealTotals {
        not_counted: deals.len() - views.len(),
        ..DealTotals::default()
    };
    for view in &views {
        if (view.open || view.won) && view.amount.is_none() {
            totals.not_counted += 1;
        } else if view.open {
            totals.open.add(view);
        } else if view.won {
            totals.won.add(view);
        }
    }
    let view_of = |deal: &Deal| views.iter().find(|v| v.id == deal.record.id);
    let lines = deals
        .iter()
        .map(|deal| deal_line(deal, view_of(deal), links(deal)))
        .collect();
    (lines, totals)
}

fn deal_line(deal: &Deal, view: Option<&DealView>, links: Vec<&'static str>) -> DealLine {
    DealLine {
        id: deal.record.id.clone(),
        title: deal.title.clone(),
        path: deal.record.path_text(),
        stage: view.map(|v| v.stage.clone()),
        open: view.is_some_and(|v| v.open),
        won: view.is_some_and(|v| v.won),
        lost: view.is_some_and(|v| v.lost),
        amount: view.and_then(|v| v.amount),
        weighted: view.and_then(|v| v.weighted),
        close_date: deal.close_date,
        flags: view.map_or_else(Vec::new, |v| FlagView::of(&v.flags)),
        links,
    }
}
