//! Filters a template author needs: money, percent, dates and days between dates.

use chrono::NaiveDate;
use minijinja::value::Value;
use minijinja::{Error, ErrorKind, State};

use crate::metrics::report::Question;
use crate::metrics::rules::Flag;

/// Adds dealbook's filters and functions to a template environment.
pub fn register(env: &mut minijinja::Environment<'_>) {
    env.add_filter("money", money);
    env.add_filter("percent", percent);
    env.add_filter("fixed", fixed);
    env.add_filter("plural", plural);
    env.add_filter("date", date);
    env.add_filter("days_between", days_between);
    env.add_filter("flag_label", flag_label);
    env.add_filter("event_words", event_words);
    env.add_filter("question_label", question_label);
    env.add_function("days_between", days_between);
    env.add_filter("yaml", |text: String| crate::parse::yaml::scalar(&text));
}

/// `{{ 48000 | money }}` → `$48,000`; `{{ x | money("EUR") }}` → `€48,000`. Without a
/// currency it uses the report's. Cents only when there are some.
pub fn money(state: &State, value: Value, currency: Option<String>) -> Result<String, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok("—".into());
    }
    let amount = number(&value)?;
    let currency = currency
        .or_else(|| {
            state
                .lookup("currency")
                .and_then(|c| c.as_str().map(String::from))
        })
        .unwrap_or_default();
    Ok(format_money(amount, &currency))
}

/// `48000, "USD"` → `$48,000`; `1234.5, "CHF"` → `1,234.50 CHF`.
pub fn format_money(amount: f64, currency: &str) -> String {
    let digits = if amount.fract().abs() < 0.005 { 0 } else { 2 };
    let text = grouped(amount.abs(), digits);
    let sign = if amount < 0.0 { "-" } else { "" };
    match symbol(currency) {
        Some(symbol) => format!("{sign}{symbol}{text}"),
        None if currency.is_empty() => format!("{sign}{text}"),
        None => format!("{sign}{text} {currency}"),
    }
}

/// `{{ 0.5282 | fixed(2) }}` → `0.53`; `{{ -0.1 | fixed(2, true) }}` → `-0.10`, with a sign
/// always when `signed` (`+0.25`).
pub fn fixed(value: Value, digits: usize, signed: Option<bool>) -> Result<String, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok("—".into());
    }
    let n = number(&value)?;
    Ok(if signed.unwrap_or(false) {
        format!("{n:+.digits$}")
    } else {
        format!("{n:.digits$}")
    })
}

/// `{{ 1 | plural("deal") }}` → `1 deal`; `{{ 3 | plural("deal") }}` → `3 deals`;
/// `{{ 2 | plural("opportunity", "opportunities") }}` for the words `s` does not make.
pub fn plural(n: Value, one: String, many: Option<String>) -> Result<String, Error> {
    let n = number(&n)?;
    let word = if n == 1.0 {
        one
    } else {
        many.unwrap_or_else(|| format!("{one}s"))
    };
    Ok(format!("{n} {word}"))
}

/// `{{ 0.425 | percent }}` → `43%`; `{{ 0.425 | percent(1) }}` → `42.5%`.
pub fn percent(value: Value, digits: Option<usize>) -> Result<String, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok("—".into());
    }
    let digits = digits.unwrap_or(0);
    Ok(format!("{:.*}%", digits, number(&value)? * 100.0))
}

/// `{{ deal.close_date | date("%b %-d") }}` → `Dec 15`; the default format is `%Y-%m-%d`.
pub fn date(value: Value, format: Option<String>) -> Result<String, Error> {
    if value.is_none() || value.is_undefined() {
        return Ok("—".into());
    }
    let date = to_date(&value)?;
    let Some(format) = format else {
        return Ok(date.to_string()); // %Y-%m-%d, without parsing a format on every call
    };
    let items: Vec<chrono::format::Item> = chrono::format::StrftimeItems::new(&format).collect();
    if items.contains(&chrono::format::Item::Error) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{format}` is not a date format (see chrono's strftime)"),
        ));
    }
    Ok(date.format_with_items(items.into_iter()).to_string())
}

/// `{{ as_of | days_between(deal.close_date) }}` → the days from the first date to the second.
pub fn days_between(from: Value, to: Value) -> Result<Value, Error> {
    if from.is_none() || to.is_none() || from.is_undefined() || to.is_undefined() {
        return Ok(Value::from(()));
    }
    Ok(Value::from((to_date(&to)? - to_date(&from)?).num_days()))
}

/// `{{ "dm_not_engaged" | flag_label }}` → `decision maker not engaged`.
pub fn flag_label(flag: String) -> Result<String, Error> {
    Flag::parse(&flag)
        .map(|f| f.label().to_string())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("`{flag}` is not a flag"),
            )
        })
}

/// `{{ e | event_words }}` → `amount changed: $48,000 → $52,000`, for a history event.
pub fn event_words(event: Value) -> Result<String, Error> {
    let field = |name: &str| {
        event
            .get_attr(name)
            .ok()
            .filter(|v| !v.is_none() && !v.is_undefined())
    };
    let text = |name: &str| field(name).map(|v| v.to_string());
    let kind: crate::history::events::EventKind = text("kind")
        .and_then(|k| serde_json::from_value(serde_json::Value::String(k)).ok())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "event_words takes a history event",
            )
        })?;
    let currency = text("currency").unwrap_or_default();
    Ok(super::words::event(
        kind,
        text("from").as_deref(),
        text("to").as_deref(),
        &currency,
    ))
}

/// `{{ "roi_accepted" | question_label }}` → `Does the customer accept the ROI?`.
pub fn question_label(question: String) -> Result<String, Error> {
    Question::parse(&question)
        .map(|q| q.text().to_string())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("`{question}` is not one of the one-on-one questions"),
            )
        })
}

fn number(value: &Value) -> Result<f64, Error> {
    f64::try_from(value.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("expected a number, got {value}"),
        )
    })
}

fn to_date(value: &Value) -> Result<NaiveDate, Error> {
    value
        .as_str()
        .and_then(crate::parse::body::parse_date)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("expected a date written YYYY-MM-DD, got {value}"),
            )
        })
}

fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        "INR" => Some("₹"),
        _ => None,
    }
}

/// `1234567.5` with 2 digits → `1,234,567.50`.
fn grouped(amount: f64, digits: usize) -> String {
    let text = match digits {
        // Whole amounts print as integers: much faster than rounding a float to 0 places.
        0 if amount < 1e15 => (amount.round() as u64).to_string(),
        _ => format!("{amount:.digits$}"),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(1234567.5, 2), "1,234,567.50");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 0), "1,000");
        assert_eq!(grouped(0.0, 0), "0");
        assert_eq!(grouped(1000.004, 0), "1,000");
        assert_eq!(grouped(2e16, 0), "20,000,000,000,000,000");
    }

    #[test]
    fn percent_and_dates() {
        assert_eq!(percent(Value::from(0.425), Some(1)).unwrap(), "42.5%");
        assert_eq!(percent(Value::from(()), None).unwrap(), "—");
        assert_eq!(
            date(Value::from("2026-12-15"), Some("%b %-d".into())).unwrap(),
            "Dec 15"
        );
        assert!(date(Value::from("12/15/2026"), None).is_err());
        assert_eq!(
            days_between(Value::from("2026-11-23"), Value::from("2026-12-15")).unwrap(),
            Value::from(22)
        );
    }
}
