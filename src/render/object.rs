//! Deal views, reviews, synopses and tasks reach templates as objects read field by field, not as
//! copies: a report over ten thousand deals would otherwise convert every field of every deal
//! (its log, tasks and body included) whether the template reads it or not.

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value};

use crate::metrics::report::{DealSynopsis, DealView, Review, Shared, TaskView};

/// Serialized for a template (minijinja asks while it builds its values), a shared part of a
/// report is handed over as an object read field by field; serialized for JSON, it is the
/// plain struct.
impl<T: serde::Serialize + Object + 'static> serde::Serialize for Shared<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            Value::from_dyn_object(Arc::clone(self.arc())).serialize(serializer)
        } else {
            (**self.arc()).serialize(serializer)
        }
    }
}

/// Lists a type's fields once, for both the key list and the lookup. `rest` answers the
/// `extra` keys, which are not fields of the type.
macro_rules! template_object {
    ($type:ty, [$($field:ident),* $(,)?], [$($extra:literal),*], $rest:expr) => {
        impl Object for $type {
            fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
                let key = key.as_str()?;
                match key {
                    $(stringify!($field) => Some(Value::from_serialize(&self.$field)),)*
                    _ => $rest(&**self, key),
                }
            }

            fn enumerate(self: &Arc<Self>) -> Enumerator {
                Enumerator::Str(&[$(stringify!($field),)* $($extra),*])
            }
        }
    };
}

template_object!(
    DealView,
    [
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
        closed_on,
        in_period,
        created,
        account,
        next_step,
        next_step_date,
        decision_maker,
        dm_engaged,
        roi_accepted,
        champion,
        reason,
        last_activity,
        days_since_activity,
        push_count,
        stage_regressions,
        days_in_stage,
        amount_change_since,
        flags,
    ],
    ["tags", "log", "tasks", "fields", "body"],
    written
);

/// The deal's own words, from the record itself.
fn written(deal: &DealView, key: &str) -> Option<Value> {
    let record = &deal.written.deal().record;
    Some(match key {
        "tags" => Value::from_serialize(&record.tags),
        "log" => Value::from_serialize(&record.body.log),
        "tasks" => Value::from_serialize(&record.body.tasks),
        "fields" => Value::from_serialize(&record.fields),
        "body" => Value::from(record.body.text.as_str()),
        _ => return None,
    })
}

template_object!(
    Review,
    [
        deal,
        decision_maker_engaged,
        roi_accepted,
        decision_maker_asked,
        roi_asked,
        next_step,
        next_step_date,
        buying_signals,
        who_what_when,
        gaps,
        log_since,
    ],
    [],
    |_, _| None
);

template_object!(
    DealSynopsis,
    [deal, reasons, log_since, asks],
    [],
    |_, _| None
);

template_object!(
    TaskView,
    [record, title, path],
    ["text", "done", "due", "done_on", "manager", "line", "private"],
    task_field
);

/// The task's own fields, which a task view shows beside its record's.
fn task_field(view: &TaskView, key: &str) -> Option<Value> {
    let task = &view.task;
    Some(match key {
        "text" => Value::from(task.text.as_str()),
        "done" => Value::from(task.done),
        "due" => Value::from_serialize(task.due),
        "done_on" => Value::from_serialize(task.done_on),
        "manager" => Value::from(task.manager),
        "line" => Value::from(task.line),
        "private" => Value::from(task.private),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::report::{self, ReportOptions};
    use crate::model::Index;
    use crate::model::{AnyRecord, Config, Kind, Period};
    use crate::parse::parse_file;
    use std::path::Path;

    /// Every key `--format json` writes reads the same through the object, and no other.
    fn same_as_json<T: serde::Serialize>(shared: &T) {
        let json = serde_json::to_value(shared).unwrap();
        let object = Value::from_serialize(shared);
        let mut keys: Vec<String> = object.try_iter().unwrap().map(|k| k.to_string()).collect();
        let mut expected: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        for key in &keys {
            let through_object = object.get_attr(key).unwrap();
            assert_eq!(
                serde_json::to_value(&through_object).unwrap(),
                json[key],
                "{key}"
            );
        }
    }

    #[test]
    fn every_shared_part_reads_the_same_as_its_json() {
        let config = Config::default();
        let text = "---\ntitle: Acme\namount: 1200\nstage: proposal\nclose_date: 2026-12-01\ncustom: [1, 2]\nbuying_signals: Asked for a contract\n---\nNotes.\n\n## Log\n- 2026-11-01: Call.\n\n## Tasks\n- [ ] Send @manager due:2026-11-30\n- [ ] Call back due:2026-11-25\n";
        let parsed = parse_file(
            Path::new("deals/acme.md"),
            text.as_bytes(),
            Some(Kind::Deal),
            &config,
        );
        let Some(AnyRecord::Deal(deal)) = parsed.record else {
            panic!("a deal: {:?}", parsed.diagnostics);
        };
        let index = Index::new(vec![deal], Vec::new(), Vec::new(), Vec::new());
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let options = ReportOptions {
            as_of,
            period: Period::quarter_of(as_of, 1),
            since: as_of,
            quota: None,
        };
        let prep = report::prep(&index, &config, &options, None);
        same_as_json(&prep.pipeline.deals[0]);
        same_as_json(&prep.reviews[0]);
        same_as_json(&prep.asks[0]);
        same_as_json(&prep.commitments.due_this_week[0]);
    }
}
