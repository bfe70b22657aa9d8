//! A CRM's cells as the file means them: money with its currency and the file's decimal
//! separator, percentages, dates in the map's order. A value that cannot be read one way only
//! is an error, never a guess.

use chrono::NaiveDate;

use super::maps::DateOrder;
use crate::model::is_currency_code;

/// An amount, and the currency the cell names, if it names one.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: Option<String>,
}

const SYMBOLS: [(&str, &str); 6] = [
    ("US$", "USD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
];

/// `$48,000.00`, `EUR 140,000.00`, `140.000,00 €` (with `,` as the decimal), `(2,000.00)`.
pub fn money(cell: &str, decimal: char) -> Result<Money, String> {
    let mut text = cell.trim().to_string();
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        (negative, text) = (true, inner.trim().to_string());
    }
    let mut currency = None;
    for (symbol, code) in SYMBOLS {
        if let Some(rest) = text
            .strip_prefix(symbol)
            .or_else(|| text.strip_suffix(symbol))
        {
            (currency, text) = (Some(code.to_string()), rest.trim().to_string());
            break;
        }
    }
    if currency.is_none() {
        let code = |t: &str| is_currency_code(t).then(|| t.to_string());
        if let Some((head, rest)) = text.split_once(' ').filter(|(h, _)| code(h).is_some()) {
            (currency, text) = (Some(head.to_string()), rest.trim().to_string());
        } else if let Some((rest, tail)) = text.rsplit_once(' ').filter(|(_, t)| code(t).is_some())
        {
            (currency, text) = (Some(tail.to_string()), rest.trim().to_string());
        }
    }
    if let Some(rest) = text.strip_prefix(['-', '−']) {
        (negative, text) = (!negative, rest.trim().to_string());
    }
    let amount = number(&text, decimal).ok_or_else(|| {
        format!(
            "cannot read \"{cell}\" as an amount with `{decimal}` as the decimal separator (set the map's `decimal:` if the file writes it otherwise)"
        )
    })?;
    Ok(Money {
        amount: if negative { -amount } else { amount },
        currency,
    })
}

/// A plain number written with `decimal` as its decimal separator and any of the others
/// grouping thousands by three (`1,234,567.89`, `1.234.567,89`, `1 234 567,89`).
fn number(text: &str, decimal: char) -> Option<f64> {
    let (whole, fraction) = match text.split_once(decimal) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let groups: Vec<&str> = whole
        .split(|c: char| c != decimal && [',', '.', ' ', '\u{a0}', '\u{202f}', '\''].contains(&c))
        .collect();
    let digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    let grouped =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped {
        return None;
    }
    let plain = format!("{}.{}", groups.concat(), fraction.unwrap_or("0"));
    plain.parse().ok()
}

/// `55%`, `55` or `55,5 %`.
pub fn percent(cell: &str, decimal: char) -> Result<f64, String> {
    let text = cell.trim().trim_end_matches('%').trim();
    number(text, decimal).ok_or_else(|| format!("cannot read \"{cell}\" as a percentage"))
}

/// A date in the map's order, or ISO; a time after it is ignored (`12/15/2026 10:00 AM`,
/// `2026-12-15T10:00:00Z`).
pub fn date(cell: &str, order: DateOrder) -> Result<NaiveDate, String> {
    let text = cell.trim();
    let day = text.split([' ', 'T']).next().unwrap_or(text);
    let iso = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
    let ordered = match order {
        DateOrder::Iso => None,
        DateOrder::Us => NaiveDate::parse_from_str(day, "%m/%d/%Y").ok(),
        DateOrder::DayFirst => ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(day, f).ok()),
    };
    iso.or(ordered).ok_or_else(|| {
        let written = match order {
            DateOrder::Us => "MM/DD/YYYY or YYYY-MM-DD",
            DateOrder::DayFirst => "DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD",
            DateOrder::Iso => "YYYY-MM-DD",
        };
        format!("cannot read \"{cell}\" as a date written {written} (set the map's `dates:` if the file writes them otherwise)")
    })
}

/// A checkbox as CRMs write it: 1/0, yes/no, true/false, X.
pub fn checkbox(cell: &str) -> Result<bool, String> {
    match cell.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "x" => Ok(true),
        "0" | "false" | "no" | "n" => Ok(false),
        _ => Err(format!("cannot read \"{cell}\" as yes or no")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(cell: &str, decimal: char) -> Result<(f64, Option<String>), String> {
        money(cell, decimal).map(|m| (m.amount, m.currency))
    }

    #[test]
    fn money_with_symbols_codes_and_either_decimal() {
        assert_eq!(read("$48,000.00", '.'), Ok((48000.0, Some("USD".into()))));
        assert_eq!(read("€140,000.00", '.'), Ok((140000.0, Some("EUR".into()))));
        assert_eq!(
            read("EUR 140,000.00", '.'),
            Ok((140000.0, Some("EUR".into())))
        );
        assert_eq!(read("£9,500", '.'), Ok((9500.0, Some("GBP".into()))));
        assert_eq!(read("48.000,00", ','), Ok((48000.0, None)));
        assert_eq!(read("1.234,56 €", ','), Ok((1234.56, Some("EUR".into()))));
        assert_eq!(read("1 234 567,5", ','), Ok((1234567.5, None)));
        assert_eq!(read("(2.000)", ','), Ok((-2000.0, None)));
        assert_eq!(read("(2,000.00)", '.'), Ok((-2000.0, None)));
        assert_eq!(read("-1500", '.'), Ok((-1500.0, None)));
        assert_eq!(read("48000", '.'), Ok((48000.0, None)));
    }

    #[test]
    fn money_that_could_mean_two_things_is_an_error() {
        for (cell, decimal) in [
            ("48.000,00", '.'),
            ("1,234.56", ','),
            ("48,00", '.'),
            ("12,3456", '.'),
            ("about 5k", '.'),
            ("", '.'),
        ] {
            assert!(money(cell, decimal).is_err(), "{cell} with {decimal}");
        }
    }

    #[test]
    fn dates_in_the_maps_order() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(date("12/15/2026", DateOrder::Us), Ok(d(2026, 12, 15)));
        assert_eq!(
            date("12/15/2026 10:00 AM", DateOrder::Us),
            Ok(d(2026, 12, 15))
        );
        assert_eq!(
            date("2026-12-15T10:00:00Z", DateOrder::Us),
            Ok(d(2026, 12, 15))
        );
        assert_eq!(date("15.12.2026", DateOrder::DayFirst), Ok(d(2026, 12, 15)));
        assert_eq!(date("03/04/2026", DateOrder::DayFirst), Ok(d(2026, 4, 3)));
        assert!(date("15/12/2026", DateOrder::Us).is_err());
        assert!(date("12/15/2026", DateOrder::Iso).is_err());
        assert_eq!(percent("55%", '.'), Ok(55.0));
        assert_eq!(percent("12,5 %", ','), Ok(12.5));
    }
}
