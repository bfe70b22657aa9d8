//! One wording for each history event, shared by `history`, the prep sheets and any template
//! (the `event_words` filter): money as the reports write it, stages and dates as they are.

use crate::history::events::EventKind;

use super::filters::format_money;

/// `moved forward: proposal → negotiation`, `amount changed: $48,000 → $52,000`.
pub fn event(kind: EventKind, from: Option<&str>, to: Option<&str>, currency: &str) -> String {
    let money = |v: Option<&str>| match v.and_then(|v| v.parse::<f64>().ok()) {
        Some(n) => format_money(n, currency),
        None => "—".to_string(),
    };
    let words = |v: Option<&str>| v.map_or("—".to_string(), |v| v.replace('_', " "));
    let change = |from: String, to: String| format!("{from} → {to}");
    match kind {
        EventKind::Created => "created".into(),
        EventKind::Deleted => "deleted".into(),
        EventKind::Won => format!("won (from {})", words(from)),
        EventKind::Lost => format!("lost (from {})", words(from)),
        EventKind::StageForward => format!("moved forward: {}", change(words(from), words(to))),
        EventKind::StageBack => format!("moved back: {}", change(words(from), words(to))),
        EventKind::AmountChanged => format!("amount changed: {}", change(money(from), money(to))),
        EventKind::CloseDatePushed => {
            format!("close date pushed out: {}", change(words(from), words(to)))
        }
        EventKind::CloseDatePulledIn => {
            format!("close date pulled in: {}", change(words(from), words(to)))
        }
        EventKind::ForecastChanged => {
            format!(
                "forecast category changed: {}",
                change(words(from), words(to))
            )
        }
        EventKind::Renamed => format!("renamed: {}", change(words(from), words(to))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_in_plain_words() {
        assert_eq!(
            event(
                EventKind::AmountChanged,
                Some("48000"),
                Some("52000.5"),
                "USD"
            ),
            "amount changed: $48,000 → $52,000.50"
        );
        assert_eq!(
            event(
                EventKind::StageForward,
                Some("proposal"),
                Some("closed_won"),
                "USD"
            ),
            "moved forward: proposal → closed won"
        );
        assert_eq!(
            event(EventKind::Lost, Some("demo"), Some("closed_lost"), "EUR"),
            "lost (from demo)"
        );
        assert_eq!(
            event(
                EventKind::CloseDatePushed,
                Some("2026-12-15"),
                Some("2027-01-15"),
                "USD"
            ),
            "close date pushed out: 2026-12-15 → 2027-01-15"
        );
    }
}
