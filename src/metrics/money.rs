//! Amounts in the base currency, and numbers that serialize the way a person writes them.

use serde::{Serialize, Serializer};

use crate::model::{Config, Deal};

/// A number that serializes as an integer when it is whole (48000, not 48000.0) and is
/// rounded to cents otherwise, so JSON and templates stay readable and deterministic.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rounded = (self.0 * 100.0).round() / 100.0;
        if rounded.fract() == 0.0 && rounded.abs() < 9e15 {
            serializer.serialize_i64(rounded as i64)
        } else {
            serializer.serialize_f64(rounded)
        }
    }
}

/// A ratio (coverage, a win rate): 0.5 is half. Serialized with four decimals, so a tool reading
/// the JSON gets the number, not a rounded label; templates round it for people.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Ratio(pub f64);

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64((self.0 * 10_000.0).round() / 10_000.0)
    }
}

impl std::ops::Add for Num {
    type Output = Num;
    fn add(self, other: Num) -> Num {
        Num(self.0 + other.0)
    }
}

impl std::iter::Sum for Num {
    fn sum<I: Iterator<Item = Num>>(iter: I) -> Num {
        Num(iter.map(|n| n.0).sum())
    }
}

/// The deal's amount in the config's currency; `None` without an amount or without a rate.
pub fn base_amount(deal: &Deal, config: &Config) -> Option<f64> {
    let amount = deal.amount?;
    if deal.currency == config.currency {
        Some(amount)
    } else {
        config.fx.get(&deal.currency).map(|rate| amount * rate)
    }
}

/// Whether the deal's currency can be converted (a missing amount is a different problem).
pub fn has_rate(deal: &Deal, config: &Config) -> bool {
    deal.currency == config.currency || config.fx.contains_key(&deal.currency)
}
