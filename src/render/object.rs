//! Deal views reach templates as objects read field by field, not as copies: a report over
//! ten thousand deals would otherwise convert every field of every deal (its log, tasks and
//! body included) whether the template reads it or not.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};

use crate::metrics::report::DealView;

/// Lists the view's own fields once, for both the key list and the lookup.
macro_rules! deal_fields {
    ($($field:ident),* $(,)?) => {
        /// Every key a template can read, in the order `--format json` writes them.
        const KEYS: &[&str] = &[$(stringify!($field),)* "tags", "log", "tasks", "fields", "body"];

        fn field(deal: &DealView, key: &str) -> Option<Value> {
            let record = &deal.written.deal().record;
            Some(match key {
                $(stringify!($field) => Value::from_serialize(&deal.$field),)*
                "tags" => Value::from_serialize(&record.tags),
                "log" => Value::from_serialize(&record.body.log),
                "tasks" => Value::from_serialize(&record.body.tasks),
                "fields" => Value::from_serialize(&record.fields),
                "body" => Value::from(record.body.text.as_str()),
                _ => return None,
            })
        }
    };
}

deal_fields!(
    id,
    title,
    path,
    stage,
    open,
    won,
    lost,
    amount,
    original_amount,
    currency,
    probability,
    weighted,
    forecast,
    close_date,
    in_period,
    created,
    account,
    next_step,
    next_step_date,
    decision_maker,
    dm_engaged,
    roi_accepted,
    champion,
    last_activity,
    days_since_activity,
    push_count,
    stage_regressions,
    days_in_stage,
    amount_change_since,
    flags,
);

impl Object for DealView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        field(self, key.as_str()?)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(KEYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::report::{self, ReportOptions};
    use crate::model::{Config, Period};
    use crate::parse::parse_file;
    use crate::vault::Index;
    use std::path::Path;

    /// The object and `--format json` must show a template the same deal.
    #[test]
    fn every_json_key_reads_the_same_through_the_object() {
        let config = Config::default();
        let text = "---\ntitle: Acme\namount: 1200\nstage: proposal\nclose_date: 2026-12-01\ncustom: [1, 2]\n---\nNotes.\n\n## Log\n- 2026-11-01: Call.\n\n## Tasks\n- [ ] Send @manager due:2026-11-30\n";
        let parsed = parse_file(
            Path::new("deals/acme.md"),
            text.as_bytes(),
            Some(crate::model::Kind::Deal),
            &config,
        );
        let deals = parsed.record.into_iter().filter_map(|r| match r {
            crate::model::AnyRecord::Deal(d) => Some(d),
            _ => None,
        });
        let index = Index::new(deals.collect(), Vec::new(), Vec::new(), Vec::new());
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let options = ReportOptions {
            as_of,
            period: Period::quarter_of(as_of, 1),
            since: as_of,
        };
        let pipeline = report::pipeline(&index, &config, &options, None);
        let view = &pipeline.deals[0];
        let json = serde_json::to_value(&**view).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = KEYS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);

        let object = Value::from_serialize(view);
        for key in KEYS {
            let through_object = object.get_attr(key).unwrap();
            assert_eq!(
                serde_json::to_value(&through_object).unwrap(),
                json[*key],
                "{key}"
            );
        }
    }
}
