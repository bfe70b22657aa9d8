//! `--where` expressions: `stage=proposal and amount>=10000`, `tags~expansion`,
//! `close_date<2026-12-31`, joined with `and` / `or` (`and` binds tighter).

use std::cmp::Ordering;

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Condition {
    field: String,
    op: Op,
    value: String,
}

/// A parsed expression: any of these groups, each of which needs all its conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    any_of: Vec<Vec<Condition>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad --where expression `{expression}`: {problem}")]
pub struct FilterError {
    expression: String,
    problem: String,
}

const OPERATORS: [(&str, Op); 7] = [
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("!=", Op::Ne),
    ("=", Op::Eq),
    ("<", Op::Lt),
    (">", Op::Gt),
    ("~", Op::Contains),
];

impl Filter {
    pub fn parse(expression: &str) -> Result<Filter, FilterError> {
        let fail = |problem: String| FilterError {
            expression: expression.to_string(),
            problem,
        };
        let words = tokenize(expression).map_err(fail)?;
        let mut any_of = vec![Vec::new()];
        let mut expect_condition = true;
        for word in words {
            let joiner = word.to_ascii_lowercase();
            if joiner == "and" || joiner == "or" {
                if expect_condition {
                    return Err(fail(format!("`{word}` needs a condition before it")));
                }
                if joiner == "or" {
                    any_of.push(Vec::new());
                }
                expect_condition = true;
                continue;
            }
            if !expect_condition {
                return Err(fail(format!("expected `and` or `or` before `{word}`")));
            }
            let condition = condition(&word).map_err(fail)?;
            any_of.last_mut().expect("never empty").push(condition);
            expect_condition = false;
        }
        if expect_condition {
            return Err(fail(if any_of.len() == 1 && any_of[0].is_empty() {
                "it is empty; write conditions like `stage=proposal`".into()
            } else {
                "it ends without a condition after `and`/`or`".into()
            }));
        }
        Ok(Filter { any_of })
    }

    pub fn matches(&self, row: &Map<String, Value>) -> bool {
        self.any_of
            .iter()
            .any(|all| all.iter().all(|condition| condition.matches(row)))
    }
}

/// Splits on whitespace, keeping quoted values ("Send pricing") together.
fn tokenize(expression: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in expression.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (_, c) => word.push(c),
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".into());
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

fn condition(word: &str) -> Result<Condition, String> {
    let found = word.char_indices().find_map(|(i, _)| {
        OPERATORS
            .iter()
            .find(|(symbol, _)| word[i..].starts_with(symbol))
            .map(|(symbol, op)| (i, *symbol, *op))
    });
    let Some((at, symbol, op)) = found else {
        return Err(format!(
            "`{word}` has no operator; use one of = != < <= > >= ~"
        ));
    };
    let field = word[..at].trim();
    if field.is_empty() {
        return Err(format!("`{word}` has no field name before `{symbol}`"));
    }
    let value = &word[at + symbol.len()..];
    if value.starts_with(['=', '<', '>', '~', '!']) {
        return Err(format!("`{word}` has an operator dealbook does not know"));
    }
    Ok(Condition {
        field: field.to_string(),
        op,
        value: value.to_string(),
    })
}

impl Condition {
    fn matches(&self, row: &Map<String, Value>) -> bool {
        let field = row.get(&self.field).filter(|v| !v.is_null());
        match (self.op, field) {
            (Op::Ne, None) => !self.value.is_empty(),
            (Op::Eq, None) => self.value.is_empty(),
            (_, None) => false,
            (Op::Contains, Some(Value::Array(items))) => {
                items.iter().any(|item| contains(item, &self.value))
            }
            (Op::Contains, Some(value)) => contains(value, &self.value),
            (op, Some(value)) => {
                let ordering = compare(value, &self.value);
                match op {
                    Op::Eq => ordering == Some(Ordering::Equal),
                    Op::Ne => ordering != Some(Ordering::Equal),
                    Op::Lt => ordering == Some(Ordering::Less),
                    Op::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
                    Op::Gt => ordering == Some(Ordering::Greater),
                    Op::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
                    Op::Contains => unreachable!("handled above"),
                }
            }
        }
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn contains(value: &Value, wanted: &str) -> bool {
    text(value).to_lowercase().contains(&wanted.to_lowercase())
}

/// Numbers compare as numbers; everything else as text, ignoring case (dates written
/// YYYY-MM-DD sort correctly as text).
fn compare(value: &Value, wanted: &str) -> Option<Ordering> {
    match value {
        Value::Number(n) => n.as_f64()?.partial_cmp(&wanted.parse::<f64>().ok()?),
        Value::Array(items) => items
            .iter()
            .any(|item| compare(item, wanted) == Some(Ordering::Equal))
            .then_some(Ordering::Equal),
        other => Some(text(other).to_lowercase().cmp(&wanted.to_lowercase())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row() -> Map<String, Value> {
        json!({"stage": "proposal", "amount": 48000, "tags": ["expansion", "q4"],
               "close_date": "2026-12-15", "title": "Acme renewal"})
        .as_object()
        .unwrap()
        .clone()
    }

    fn check(expression: &str) -> bool {
        Filter::parse(expression).unwrap().matches(&row())
    }

    #[test]
    fn conditions() {
        assert!(check("stage=proposal and amount>=10000"));
        assert!(check("stage=Proposal"));
        assert!(!check("stage=proposal and amount>50000"));
        assert!(check("amount>50000 or tags~expans"));
        assert!(check("close_date<2026-12-31"));
        assert!(!check("close_date<2026-12-15"));
        assert!(check("title~\"acme ren\""));
        assert!(check("tags=q4"));
        assert!(check("stage!=demo"));
        assert!(!check("missing=x"));
        assert!(check("missing!=x"));
    }

    #[test]
    fn malformed_expressions_are_errors() {
        for bad in [
            "",
            "stage",
            "=x",
            "stage=x and",
            "and stage=x",
            "a=b c=d",
            "a=\"b",
            "a=>b",
        ] {
            let err = Filter::parse(bad).unwrap_err();
            assert!(
                err.to_string().starts_with("bad --where expression"),
                "{bad}"
            );
        }
    }
}
