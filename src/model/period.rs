//! Reporting periods: fiscal quarters, months and fiscal years.
//!
//! A fiscal year is named after the calendar year it starts in: with `fiscal_year_start: 4`,
//! `2026-Q1` is April–June 2026 and `2026-Q4` is January–March 2027.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Quarter,
    Month,
    Year,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub label: String,
    pub kind: PeriodKind,
    pub start: NaiveDate,
    /// Inclusive: the period's last day.
    pub end: NaiveDate,
}

impl Period {
    /// Reads `YYYY-Qn`, `YYYY-MM` or `YYYY`.
    pub fn parse(label: &str, fiscal_year_start: u32) -> Option<Period> {
        let label = label.trim();
        let year: i32 = label.get(..4)?.parse().ok()?;
        if !label.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        match label.get(4..)? {
            "" => Some(Self::fiscal_year(year, fiscal_year_start)),
            rest => {
                let rest = rest.strip_prefix('-')?;
                if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
                    let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                    Some(Self::quarter(year, q, fiscal_year_start))
                } else if rest.len() == 2 {
                    let month: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
                    Some(Self::month(year, month))
                } else {
                    None
                }
            }
        }
    }

    pub fn fiscal_year(year: i32, fiscal_year_start: u32) -> Period {
        let start = first_of(year, fiscal_year_start);
        Period {
            label: format!("{year}"),
            kind: PeriodKind::Year,
            start,
            end: last_day(start, 12),
        }
    }

    pub fn quarter(year: i32, quarter: u32, fiscal_year_start: u32) -> Period {
        let start = first_of(year, fiscal_year_start) + Months::new(3 * (quarter - 1));
        Period {
            label: format!("{year}-Q{quarter}"),
            kind: PeriodKind::Quarter,
            start,
            end: last_day(start, 3),
        }
    }

    pub fn month(year: i32, month: u32) -> Period {
        let start = first_of(year, month);
        Period {
            label: format!("{year}-{month:02}"),
            kind: PeriodKind::Month,
            start,
            end: last_day(start, 1),
        }
    }

    /// The fiscal quarter holding `date`.
    pub fn quarter_of(date: NaiveDate, fiscal_year_start: u32) -> Period {
        let months_in = (date.month() + 12 - fiscal_year_start) % 12;
        let fiscal_year = if date.month() >= fiscal_year_start {
            date.year()
        } else {
            date.year() - 1
        };
        Self::quarter(fiscal_year, months_in / 3 + 1, fiscal_year_start)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The fiscal year and quarter number of a quarter period.
    fn year_and_quarter(&self) -> Option<(i32, u32)> {
        let (year, q) = self.label.split_once("-Q")?;
        Some((year.parse().ok()?, q.parse().ok()?))
    }

    /// The quota for this period: its own entry, else an even share of the year's (or the
    /// quarter's, for a month), else the sum of a year's four quarters.
    pub fn quota(
        &self,
        quotas: &std::collections::BTreeMap<String, f64>,
        fiscal_year_start: u32,
    ) -> Option<f64> {
        let lookup = |label: &str| {
            quotas.iter().find_map(|(key, value)| {
                let period = Period::parse(key, fiscal_year_start)?;
                (period.label == label).then_some(*value)
            })
        };
        if let Some(quota) = lookup(&self.label) {
            return Some(quota);
        }
        let fiscal_year_of = |date: NaiveDate| {
            Period::quarter_of(date, fiscal_year_start)
                .year_and_quarter()
                .map(|(year, _)| year)
        };
        match self.kind {
            PeriodKind::Quarter => {
                let (year, _) = self.year_and_quarter()?;
                lookup(&year.to_string()).map(|q| q / 4.0)
            }
            PeriodKind::Month => {
                let quarter = Period::quarter_of(self.start, fiscal_year_start);
                lookup(&quarter.label).map(|q| q / 3.0).or_else(|| {
                    let year = fiscal_year_of(self.start)?;
                    lookup(&year.to_string()).map(|q| q / 12.0)
                })
            }
            PeriodKind::Year => {
                let year = fiscal_year_of(self.start)?;
                let quarters: Option<Vec<f64>> =
                    (1..=4).map(|q| lookup(&format!("{year}-Q{q}"))).collect();
                quarters.map(|q| q.iter().sum())
            }
        }
    }
}

fn first_of(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("month is 1..=12")
}

fn last_day(start: NaiveDate, months: u32) -> NaiveDate {
    (start + Months::new(months))
        .pred_opt()
        .expect("date in range")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn calendar_quarters() {
        let q4 = Period::parse("2026-Q4", 1).unwrap();
        assert_eq!((q4.start, q4.end), (date("2026-10-01"), date("2026-12-31")));
        assert_eq!(Period::quarter_of(date("2026-12-31"), 1), q4);
        assert_eq!(Period::quarter_of(date("2026-10-01"), 1), q4);
        assert_eq!(Period::quarter_of(date("2026-09-30"), 1).label, "2026-Q3");
    }

    #[test]
    fn fiscal_year_starting_in_april() {
        let q4 = Period::parse("2026-Q4", 4).unwrap();
        assert_eq!((q4.start, q4.end), (date("2027-01-01"), date("2027-03-31")));
        assert_eq!(Period::quarter_of(date("2027-02-10"), 4).label, "2026-Q4");
        assert_eq!(Period::quarter_of(date("2026-04-01"), 4).label, "2026-Q1");
        let year = Period::parse("2026", 4).unwrap();
        assert_eq!(
            (year.start, year.end),
            (date("2026-04-01"), date("2027-03-31"))
        );
    }

    #[test]
    fn months_and_bad_labels() {
        let feb = Period::parse("2028-02", 1).unwrap();
        assert_eq!(feb.end, date("2028-02-29"));
        for bad in [
            "2026-Q5", "2026-13", "26-Q1", "2026Q1", "abcd", "2026-1", "",
        ] {
            assert_eq!(Period::parse(bad, 1), None, "{bad}");
        }
    }

    #[test]
    fn quota_falls_back_to_an_even_share() {
        let quotas = [
            ("2026".to_string(), 400_000.0),
            ("2027-Q1".to_string(), 90_000.0),
        ]
        .into_iter()
        .collect();
        let quota = |label| Period::parse(label, 1).unwrap().quota(&quotas, 1);
        assert_eq!(quota("2026-Q2"), Some(100_000.0));
        assert_eq!(quota("2027-Q1"), Some(90_000.0));
        assert_eq!(quota("2027-02"), Some(30_000.0));
        assert_eq!(quota("2026-05"), Some(400_000.0 / 12.0));
        assert_eq!(quota("2027"), None);
        assert_eq!(quota("2025-Q1"), None);
    }
}
