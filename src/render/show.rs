//! `show`'s text: one record as plain lines for a terminal. Every value from the vault is kept
//! on its own line and cleaned of escape sequences, as `list`'s table does.

use unicode_width::UnicodeWidthStr;

use super::escape;
use super::filters::format_money;
use super::table::cell;
use crate::history::Event;
use crate::metrics::money::Num;
use crate::metrics::show::{
    AccountDetails, ContactDetails, DealDetails, DealLine, DealTotals, Details, FlagView, Linked,
    RecordView,
};
use crate::model::{Audience, LogEntry, Task};

/// Labels are padded to this width, so values line up.
const LABEL_WIDTH: usize = 16;

/// The record as lines: a heading, its fields, then one section per list.
pub fn text(view: &RecordView) -> String {
    let mut out = Lines::default();
    match &view.details {
        Details::Deal(deal) => deal_text(&mut out, view, deal),
        Details::Contact(contact) => contact_text(&mut out, view, contact),
        Details::Account(account) => account_text(&mut out, view, account),
    }
    out.text
}

#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// `  label:  value`, with `—` for a value that is not there.
    fn field(&mut self, label: &str, value: Option<String>) {
        let label = format!("{}:", clean(label));
        let pad = LABEL_WIDTH.saturating_sub(label.width()).max(1);
        let value = value.unwrap_or_else(|| "—".into());
        self.line(&format!("  {label}{}{value}", " ".repeat(pad)));
    }

    /// A blank line, then the section's title and its items, or the title and `none`.
    fn section(&mut self, title: &str, items: impl IntoIterator<Item = String>) {
        let items: Vec<String> = items.into_iter().collect();
        self.line("");
        if items.is_empty() {
            self.line(&format!("{title}: none"));
            return;
        }
        self.line(title);
        for item in items {
            self.line(&format!("  - {item}"));
        }
    }
}

/// A value from the vault on one line, without escape sequences or control characters.
fn clean(text: &str) -> String {
    escape::terminal(text).replace(['\n', '\t'], " ")
}

fn cleaned(text: &Option<String>) -> Option<String> {
    text.as_deref().map(clean)
}

/// `55`, `12.5`: a number as a person writes it.
fn number(n: Num) -> String {
    cell(serde_json::to_value(n).ok().as_ref())
}

fn money(amount: Option<Num>, currency: &str) -> Option<String> {
    amount.map(|a| format_money(a.0, &clean(currency)))
}

fn yes_no(value: Option<bool>) -> Option<String> {
    value.map(|v| if v { "yes" } else { "no" }.to_string())
}

/// `Acme — platform renewal` over `deal · deals/acme.md · as of 2026-11-23`, and whose copy
/// it is when it is the manager's.
fn heading(out: &mut Lines, view: &RecordView, name: &str) {
    out.line(&clean(name));
    let whose = match view.audience {
        Audience::Me => "",
        Audience::Manager => " · the manager's copy",
    };
    out.line(&format!(
        "{} · {} · as of {}{whose}",
        view.kind.as_str(),
        clean(&view.path),
        view.as_of
    ));
    out.line("");
}

/// Tags and the rep's own fields, after a record's own fields.
fn common_fields(out: &mut Lines, view: &RecordView) {
    let tags = (!view.tags.is_empty()).then(|| clean(&view.tags.join(", ")));
    out.field("tags", tags);
    for (name, value) in &view.own_fields {
        out.field(name, Some(clean(&cell(Some(value)))));
    }
}

/// Open tasks and the newest log entries, the sections every record has.
fn tasks_and_log(out: &mut Lines, view: &RecordView) {
    out.section("Open tasks", view.tasks.iter().map(task));
    out.section("Recent log", view.log.iter().map(log_entry));
}

/// `me, due 2026-11-25: Send revised pricing`; an `@manager` task is an ask.
fn task(task: &Task) -> String {
    let who = if task.manager {
        "ask for the manager"
    } else {
        "me"
    };
    let when = task.due.map(|d| format!(", due {d}")).unwrap_or_default();
    format!("{who}{when}: {}", clean(&task.text))
}

/// `2026-11-20: Call with Jane`, and the note it comes from when it is an activity note.
fn log_entry(entry: &LogEntry) -> String {
    let note = entry
        .note
        .as_deref()
        .map(|path| format!(" ({})", clean(path)))
        .unwrap_or_default();
    format!("{}: {}{note}", entry.date, clean(&entry.text))
}

fn flags(flags: &[FlagView]) -> String {
    flags.iter().map(|f| f.label).collect::<Vec<_>>().join("; ")
}

/// `decision maker: Jane Doe, VP Operations (contacts/jane-doe.md)`.
fn linked(record: &Linked) -> String {
    format!(
        "{}: {}",
        record.field.replace('_', " "),
        record_line(record)
    )
}

/// `Jane Doe, VP Operations (contacts/jane-doe.md)`.
fn record_line(record: &Linked) -> String {
    let role = record
        .role
        .as_deref()
        .map(|r| format!(", {}", clean(r)))
        .unwrap_or_default();
    format!("{}{role} ({})", clean(&record.name), clean(&record.path))
}

/// `2026-11-20 abc1234  moved forward: demo → proposal`, in the words `history` uses.
fn event(event: &Event) -> String {
    let commit = event.commit.as_deref().unwrap_or("(uncommitted)");
    let words = super::words::event(
        event.kind,
        event.from.as_deref(),
        event.to.as_deref(),
        &event.currency,
    );
    format!("{} {commit:<13} {}", event.date, clean(&words))
}

fn deal_text(out: &mut Lines, view: &RecordView, deal: &DealDetails) {
    heading(out, view, &deal.title);
    out.field("account", cleaned(&deal.account));
    let state = if deal.open {
        "open"
    } else if deal.won {
        "won"
    } else {
        "lost"
    };
    out.field(
        "stage",
        deal.stage
            .as_deref()
            .map(|s| format!("{} ({state})", clean(s))),
    );
    out.field("amount", amount(deal, &view.base_currency));
    out.field(
        "probability",
        deal.probability.map(|p| format!("{}%", number(p))),
    );
    out.field("forecast", deal.forecast.map(|f| f.as_str().to_string()));
    out.field("weighted", money(deal.weighted, &view.base_currency));
    out.field("close date", deal.close_date.map(|d| d.to_string()));
    let next_step = cleaned(&deal.next_step).map(|step| match deal.next_step_date {
        Some(date) => format!("{step}, by {date}"),
        None => step,
    });
    out.field("next step", next_step);
    let engaged = match deal.dm_engaged {
        Some(true) => " (engaged)",
        Some(false) => " (not engaged)",
        None => "",
    };
    out.field(
        "decision maker",
        cleaned(&deal.decision_maker).map(|dm| format!("{dm}{engaged}")),
    );
    out.field("champion", cleaned(&deal.champion));
    out.field("contact", cleaned(&deal.contact));
    out.field("ROI accepted", yes_no(deal.roi_accepted));
    out.field("buying signals", cleaned(&deal.buying_signals));
    if deal.won || deal.lost {
        out.field("reason", cleaned(&deal.reason));
    }
    out.field("created", deal.created.map(|d| d.to_string()));
    let since = deal
        .days_since_activity
        .map(|days| format!(" ({})", days_ago(days)))
        .unwrap_or_default();
    out.field(
        "last activity",
        deal.last_activity.map(|d| format!("{d}{since}")),
    );
    common_fields(out, view);
    out.section("Flags", deal.flags.iter().map(|f| f.label.to_string()));
    if !deal.not_counted.is_empty() {
        out.section("Not counted", deal.not_counted.iter().map(|why| clean(why)));
    }
    tasks_and_log(out, view);
    out.section("Linked records", deal.linked.iter().map(linked));
    match &deal.history_note {
        Some(note) => {
            out.line("");
            out.line(&format!("History: {}", clean(note)));
        }
        None => out.section("History", deal.history.iter().map(event)),
    }
}

/// `€140,000 ($151,200)`: as written, and in the base currency when that differs.
fn amount(deal: &DealDetails, base_currency: &str) -> Option<String> {
    let written = money(deal.amount, &deal.currency)?;
    if deal.currency == base_currency {
        return Some(written);
    }
    Some(match money(deal.base_amount, base_currency) {
        Some(base) => format!("{written} ({base})"),
        None => format!("{written} (no exchange rate to {})", clean(base_currency)),
    })
}

fn days_ago(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "1 day ago".into(),
        n => format!("{n} days ago"),
    }
}

fn contact_text(out: &mut Lines, view: &RecordView, contact: &ContactDetails) {
    heading(out, view, &contact.name);
    out.field("account", cleaned(&contact.account));
    out.field("role", cleaned(&contact.role));
    out.field("email", cleaned(&contact.email));
    out.field("phone", cleaned(&contact.phone));
    out.field("last contact", contact.last_contact.map(|d| d.to_string()));
    common_fields(out, view);
    deals(out, &contact.deals, &contact.totals, &view.base_currency);
    tasks_and_log(out, view);
    out.section("Linked records", contact.linked.iter().map(linked));
}

fn account_text(out: &mut Lines, view: &RecordView, account: &AccountDetails) {
    heading(out, view, &account.name);
    out.field("industry", cleaned(&account.industry));
    out.field("website", cleaned(&account.website));
    common_fields(out, view);
    out.section("Contacts", account.contacts.iter().map(record_line));
    deals(out, &account.deals, &account.totals, &view.base_currency);
    tasks_and_log(out, view);
}

/// The totals line, then each deal.
fn deals(out: &mut Lines, deals: &[DealLine], totals: &DealTotals, currency: &str) {
    out.line("");
    let sum = |t: &crate::metrics::report::Totals, what: &str| {
        format!(
            "{} {what}, {}, weighted {}",
            t.count,
            format_money(t.amount.0, currency),
            format_money(t.weighted.0, currency)
        )
    };
    let left_out = match totals.not_counted {
        0 => String::new(),
        n => format!("; {n} not counted (no known stage, amount or rate)"),
    };
    out.line(&format!(
        "Deals: {}; {}{left_out}",
        sum(&totals.open, "open"),
        sum(&totals.won, "won")
    ));
    for deal in deals {
        out.line(&format!("  - {}", deal_line(deal, currency)));
    }
}

/// `Acme — platform renewal: proposal, $48,000, weighted $26,400, closes 2026-12-15`, its
/// flags, and for a contact the fields that name them.
fn deal_line(deal: &DealLine, currency: &str) -> String {
    let mut parts = vec![match &deal.stage {
        Some(stage) => clean(stage),
        None => "not counted: no stage dealbook.yaml knows".into(),
    }];
    parts.extend(money(deal.amount, currency));
    parts.extend(money(deal.weighted, currency).map(|w| format!("weighted {w}")));
    let closes = if deal.open { "closes" } else { "closed" };
    parts.extend(deal.close_date.map(|d| format!("{closes} {d}")));
    if !deal.flags.is_empty() {
        parts.push(format!("flags: {}", flags(&deal.flags)));
    }
    if !deal.links.is_empty() {
        let fields: Vec<String> = deal.links.iter().map(|f| f.replace('_', " ")).collect();
        parts.push(format!("as {}", fields.join(", ")));
    }
    format!("{}: {}", clean(&deal.title), parts.join(", "))
}
