//! `--where` expressions, a small strict language:
//!
//! ```text
//! expr    = or
//! or      = and { "or" and }
//! and     = not { "and" not }
//! not     = "not" not | primary
//! primary = "(" expr ")" | "exists" FIELD | "missing" FIELD
//!         | FIELD OP VALUE | FIELD "in" "(" VALUE { "," VALUE } ")"
//! OP      = "=" | "!=" | "<" | "<=" | ">" | ">=" | "~"
//! VALUE   = a word, or text in double or single quotes
//! ```
//!
//! Values are typed by their field (the field registry says which is a date, an amount, a
//! link…): a date is `YYYY-MM-DD` and compares as a date, a number must be a number, a link
//! compares by the record it names. An unknown field or a value that cannot mean anything is
//! an error that points at its column, never an empty answer.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::model::schema::{self, FieldType};
use crate::model::Kind;

/// What kind of value a field holds, for comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Text,
    Number,
    Date,
    Bool,
    /// A link to a record of this kind.
    Link(Kind),
    List,
}

/// The fields dealbook works out for a deal, usable in `--where`, `--sort` and `--columns`.
pub const COMPUTED: [(&str, Type); 12] = [
    ("probability", Type::Number),
    ("forecast", Type::Text),
    ("base_amount", Type::Number),
    ("weighted", Type::Number),
    ("open", Type::Bool),
    ("flags", Type::List),
    ("last_activity", Type::Date),
    ("days_in_stage", Type::Number),
    ("push_count", Type::Number),
    ("in_period", Type::Bool),
    ("account_name", Type::Text),
    ("currency", Type::Text),
];

/// The fields of a row of `list tasks`.
pub const TASK_FIELDS: [(&str, Type); 9] = [
    ("record", Type::Text),
    ("kind", Type::Text),
    ("path", Type::Text),
    ("line", Type::Number),
    ("done", Type::Bool),
    ("due", Type::Date),
    ("manager", Type::Bool),
    ("private", Type::Bool),
    ("text", Type::Text),
];

/// The fields a query over records of `kind` may name: dealbook's own (by their type), the
/// computed ones for deals, `id`, `path`, and the rep's own fields found in `rows` (compared
/// as numbers when both sides are numbers, else as text).
#[derive(Debug, Clone)]
pub struct Fields {
    known: Vec<(String, Type)>,
}

impl Fields {
    pub fn of(kind: Kind, rows: &[Map<String, Value>]) -> Fields {
        let mut known: Vec<(String, Type)> = schema::known_fields(kind)
            .iter()
            .map(|name| (name.to_string(), type_of(kind, name)))
            .collect();
        if kind == Kind::Deal {
            known.extend(COMPUTED.iter().map(|(n, t)| (n.to_string(), *t)));
        }
        known.extend([
            ("id".to_string(), Type::Text),
            ("path".to_string(), Type::Text),
        ]);
        for row in rows {
            for key in row.keys() {
                if !known.iter().any(|(k, _)| k == key) {
                    known.push((key.clone(), Type::Text));
                }
            }
        }
        Fields { known }
    }

    /// The fields of a listing of tasks.
    pub fn tasks() -> Fields {
        Fields {
            known: TASK_FIELDS
                .iter()
                .map(|(n, t)| (n.to_string(), *t))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<Type> {
        self.known.iter().find(|(k, _)| k == name).map(|(_, t)| *t)
    }

    /// The field `name`, or an error saying which was probably meant.
    pub fn check(&self, name: &str) -> Result<Type, String> {
        self.get(name).ok_or_else(|| {
            let near = self
                .known
                .iter()
                .map(|(k, _)| (strsim::damerau_levenshtein(name, k), k))
                .filter(|(d, _)| *d <= 2)
                .min();
            match near {
                Some((_, k)) => format!("unknown field `{name}`: did you mean `{k}`?"),
                None => format!("unknown field `{name}`: no record has it"),
            }
        })
    }
}

fn type_of(kind: Kind, name: &str) -> Type {
    match schema::spec_for(kind, name).map(|s| s.ty) {
        Some(FieldType::Money | FieldType::Percent) => Type::Number,
        Some(FieldType::Date) => Type::Date,
        Some(FieldType::Bool) => Type::Bool,
        Some(FieldType::List) => Type::List,
        Some(FieldType::Link) => Type::Link(match name {
            "account" => Kind::Account,
            _ => Kind::Contact,
        }),
        _ => Type::Text,
    }
}

/// Resolves what a link names (an id, a title or a name, a `[[wikilink]]`) to a record's id.
pub trait Links {
    fn resolve(&self, kind: Kind, text: &str) -> Option<String>;
}

impl Links for crate::model::Index {
    fn resolve(&self, kind: Kind, text: &str) -> Option<String> {
        let link = Some(crate::model::Link::parse(text));
        match kind {
            Kind::Account => self.account_for(&link).map(|a| a.record.id.clone()),
            Kind::Contact => self.contact_for(&link).map(|c| c.record.id.clone()),
            Kind::Deal => self.deal(&link?.target).map(|d| d.record.id.clone()),
        }
    }
}

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

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Exists(String),
    Compare(Condition),
    In(String, Type, Vec<Literal>),
}

#[derive(Debug, Clone, PartialEq)]
struct Condition {
    field: String,
    ty: Type,
    op: Op,
    value: Literal,
}

/// A value written in the query, checked against its field's type.
#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// A parsed `--where` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    expr: Expr,
}

/// What is wrong with an expression, and the column (from 1) of the offending character.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("bad --where expression at column {column}: {problem}\n  {expression}\n  {}^", " ".repeat(column.saturating_sub(1)))]
pub struct QueryError {
    pub expression: String,
    pub column: usize,
    pub problem: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Quoted(String),
    Op(Op),
    Open,
    Close,
    Comma,
}

/// Tokens with the column (from 1, in characters) each starts at.
fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, (usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let op = match two.as_str() {
            "!=" => Some((Op::Ne, 2)),
            "<=" => Some((Op::Le, 2)),
            ">=" => Some((Op::Ge, 2)),
            _ => match c {
                '=' => Some((Op::Eq, 1)),
                '<' => Some((Op::Lt, 1)),
                '>' => Some((Op::Gt, 1)),
                '~' => Some((Op::Contains, 1)),
                _ => None,
            },
        };
        if c.is_whitespace() {
            i += 1;
        } else if let Some((op, len)) = op {
            tokens.push((Token::Op(op), column));
            i += len;
        } else if "(),".contains(c) {
            let token = match c {
                '(' => Token::Open,
                ')' => Token::Close,
                _ => Token::Comma,
            };
            tokens.push((token, column));
            i += 1;
        } else if c == '"' || c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == c)
                .ok_or((column, "this quote is never closed".to_string()))?;
            tokens.push((
                Token::Quoted(chars[i + 1..i + 1 + end].iter().collect()),
                column,
            ));
            i += end + 2;
        } else if c == '!' {
            return Err((
                column,
                "`!` is only part of `!=`; for not, write `not`".into(),
            ));
        } else {
            let end = chars[i..]
                .iter()
                .position(|&d| d.is_whitespace() || "=!<>~(),\"'".contains(d))
                .map_or(chars.len(), |p| i + p);
            tokens.push((Token::Word(chars[i..end].iter().collect()), column));
            i = end;
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<(Token, usize)>,
    at: usize,
    end: usize,
    fields: &'a Fields,
}

type Parsed<T> = Result<T, (usize, String)>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn column(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(_, c)| *c)
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Parsed<Expr> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Parsed<Expr> {
        let mut left = self.not()?;
        while self.keyword("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Parsed<Expr> {
        if self.keyword("not") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Parsed<Expr> {
        let column = self.column();
        match self.peek().cloned() {
            None => Err((
                column,
                "a condition is missing here (like `stage=proposal`)".into(),
            )),
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.or()?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.at += 1;
                        Ok(inner)
                    }
                    _ => Err((self.column(), "`(` is not closed here; add `)`".into())),
                }
            }
            Some(Token::Word(w)) if ["exists", "missing"].contains(&w.to_lowercase().as_str()) => {
                self.at += 1;
                let (field, _) = self.field()?;
                let exists = Expr::Exists(field);
                Ok(if w.eq_ignore_ascii_case("exists") {
                    exists
                } else {
                    Expr::Not(Box::new(exists))
                })
            }
            Some(Token::Word(w)) if ["and", "or"].contains(&w.to_lowercase().as_str()) => {
                Err((column, format!("`{w}` needs a condition before it")))
            }
            Some(Token::Word(_)) => self.condition(),
            Some(token) => Err((
                column,
                format!("{} cannot start a condition", describe(&token)),
            )),
        }
    }

    /// A field name, checked.
    fn field(&mut self) -> Parsed<(String, Type)> {
        let column = self.column();
        match self.peek().cloned() {
            Some(Token::Word(name)) => {
                self.at += 1;
                let ty = self.fields.check(&name).map_err(|e| (column, e))?;
                Ok((name, ty))
            }
            Some(token) => Err((
                column,
                format!("a field name is needed here, not {}", describe(&token)),
            )),
            None => Err((column, "a field name is missing here".into())),
        }
    }

    fn condition(&mut self) -> Parsed<Expr> {
        let (field, ty) = self.field()?;
        let column = self.column();
        if self.keyword("in") {
            self.at += 1;
            if self.peek() != Some(&Token::Open) {
                return Err((
                    self.column(),
                    "`in` needs a list in parentheses: `in (a, b)`".into(),
                ));
            }
            self.at += 1;
            let mut values = vec![self.value(ty)?];
            while self.peek() == Some(&Token::Comma) {
                self.at += 1;
                values.push(self.value(ty)?);
            }
            if self.peek() != Some(&Token::Close) {
                return Err((
                    self.column(),
                    "the list after `in` is not closed here; add `)`".into(),
                ));
            }
            self.at += 1;
            return Ok(Expr::In(field, ty, values));
        }
        let op = match self.peek() {
            Some(Token::Op(op)) => *op,
            _ => {
                return Err((
                    column,
                    format!(
                    "an operator is needed after `{field}`: one of = != < <= > >= ~ or `in (…)`"
                ),
                ))
            }
        };
        self.at += 1;
        let value_column = self.column();
        let value = self.value(ty)?;
        let ordered = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
        if ordered && matches!(ty, Type::Bool | Type::List | Type::Link(_)) {
            return Err((
                value_column,
                format!("`{field}` has no order; use = != or ~"),
            ));
        }
        if ordered && ty == Type::Text && !matches!(value, Literal::Number(_)) {
            // Text fields of the rep's own may hold numbers; other text has no order.
            if self.fields.get(&field) == Some(Type::Text) && schema::spec(&field).is_some() {
                return Err((
                    value_column,
                    format!("`{field}` is text, which has no order; use = != or ~"),
                ));
            }
        }
        Ok(Expr::Compare(Condition {
            field,
            ty,
            op,
            value,
        }))
    }

    /// A value, read as its field's type.
    fn value(&mut self, ty: Type) -> Parsed<Literal> {
        let column = self.column();
        let text = match self.peek().cloned() {
            Some(Token::Word(w)) => w,
            Some(Token::Quoted(q)) => q,
            Some(token) => {
                return Err((
                    column,
                    format!("a value is needed here, not {}", describe(&token)),
                ))
            }
            None => return Err((column, "a value is missing here".into())),
        };
        self.at += 1;
        let literal = match ty {
            Type::Number => text
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Literal::Number)
                .ok_or(format!(
                    "\"{text}\" is not a number (write 100000, not 100k or $100,000)"
                )),
            Type::Date => crate::parse::body::parse_date(&text)
                .filter(|_| text.len() == 10)
                .map(|d| Literal::Text(d.to_string()))
                .ok_or(format!(
                    "\"{text}\" is not a date written YYYY-MM-DD, like 2027-01-01"
                )),
            Type::Bool => match text.to_lowercase().as_str() {
                "true" | "yes" => Ok(Literal::Bool(true)),
                "false" | "no" => Ok(Literal::Bool(false)),
                _ => Err(format!("\"{text}\" is not true or false")),
            },
            _ => Ok(text
                .parse::<f64>()
                .map_or(Literal::Text(text.clone()), |n| {
                    if ty == Type::Text {
                        Literal::Number(n)
                    } else {
                        Literal::Text(text.clone())
                    }
                })),
        };
        literal.map_err(|e| (column, e))
    }
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => format!("`{w}`"),
        Token::Quoted(q) => format!("\"{q}\""),
        Token::Op(_) => "an operator".into(),
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::Comma => "`,`".into(),
    }
}

impl Query {
    /// Parses `expression` for records with these fields.
    pub fn parse(expression: &str, fields: &Fields) -> Result<Query, QueryError> {
        let fail = |(column, problem): (usize, String)| QueryError {
            expression: expression.to_string(),
            column,
            problem,
        };
        let tokens = tokenize(expression).map_err(fail)?;
        let end = expression.chars().count() + 1;
        let mut parser = Parser {
            tokens,
            at: 0,
            end,
            fields,
        };
        let expr = parser.or().map_err(fail)?;
        if let Some((token, column)) = parser.tokens.get(parser.at) {
            let problem = match token {
                Token::Close => "this `)` closes nothing".to_string(),
                other => format!("expected `and` or `or` before {}", describe(other)),
            };
            return Err(fail((*column, problem)));
        }
        Ok(Query { expr })
    }

    pub fn matches(&self, row: &Map<String, Value>, links: &dyn Links) -> bool {
        eval(&self.expr, row, links)
    }
}

fn eval(expr: &Expr, row: &Map<String, Value>, links: &dyn Links) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, row, links) && eval(b, row, links),
        Expr::Or(a, b) => eval(a, row, links) || eval(b, row, links),
        Expr::Not(a) => !eval(a, row, links),
        Expr::Exists(field) => present(row, field).is_some(),
        Expr::In(field, ty, values) => values.iter().any(|value| {
            compare(
                &Condition {
                    field: field.clone(),
                    ty: *ty,
                    op: Op::Eq,
                    value: value.clone(),
                },
                row,
                links,
            )
        }),
        Expr::Compare(condition) => compare(condition, row, links),
    }
}

fn present<'a>(row: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    row.get(field).filter(|v| match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => true,
    })
}

fn compare(c: &Condition, row: &Map<String, Value>, links: &dyn Links) -> bool {
    let Some(value) = present(row, &c.field) else {
        // A missing value equals nothing, so it is "not equal" to anything.
        return c.op == Op::Ne;
    };
    let outcome = |ordering: Option<Ordering>| match c.op {
        Op::Eq => ordering == Some(Ordering::Equal),
        Op::Ne => ordering != Some(Ordering::Equal),
        Op::Lt => ordering == Some(Ordering::Less),
        Op::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => ordering == Some(Ordering::Greater),
        Op::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
        Op::Contains => false,
    };
    match (c.ty, value) {
        (_, Value::Array(items)) => {
            let one = |item: &Value| match c.op {
                Op::Contains => contains(item, &c.value),
                _ => order(item, &c.value) == Some(Ordering::Equal),
            };
            let any = items.iter().any(one);
            if c.op == Op::Ne {
                !items
                    .iter()
                    .any(|i| order(i, &c.value) == Some(Ordering::Equal))
            } else {
                any
            }
        }
        (_, value) if c.op == Op::Contains => contains(value, &c.value),
        (Type::Link(kind), value) => {
            let written = text(value);
            let wanted = match &c.value {
                Literal::Text(t) => t.clone(),
                other => literal_text(other),
            };
            let same = match (links.resolve(kind, &written), links.resolve(kind, &wanted)) {
                (Some(a), Some(b)) => a == b,
                _ => {
                    let target = crate::model::Link::parse(&written).target;
                    target.eq_ignore_ascii_case(wanted.trim())
                }
            };
            outcome(Some(if same {
                Ordering::Equal
            } else {
                Ordering::Less
            }))
        }
        (_, value) => outcome(order(value, &c.value)),
    }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Text(t) => t.clone(),
        Literal::Number(n) => n.to_string(),
        Literal::Bool(b) => b.to_string(),
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn contains(value: &Value, wanted: &Literal) -> bool {
    let wanted = match wanted {
        Literal::Text(t) => t.clone(),
        other => literal_text(other),
    };
    text(value).to_lowercase().contains(&wanted.to_lowercase())
}

/// A row's value against a query's: numbers as numbers, booleans as booleans, else text
/// ignoring case (dates are `YYYY-MM-DD`, which sorts as text). `None` when they do not compare.
fn order(value: &Value, wanted: &Literal) -> Option<Ordering> {
    match (value, wanted) {
        (Value::Number(n), Literal::Number(w)) => n.as_f64()?.partial_cmp(w),
        (Value::String(s), Literal::Number(w)) => s.trim().parse::<f64>().ok()?.partial_cmp(w),
        (Value::Bool(b), Literal::Bool(w)) => Some(b.cmp(w)),
        (Value::String(s), Literal::Bool(w)) => {
            let b = matches!(s.to_lowercase().as_str(), "true" | "yes");
            Some(b.cmp(w))
        }
        (value, Literal::Text(w)) => Some(text(value).to_lowercase().cmp(&w.to_lowercase())),
        (value, other) => Some(
            text(value)
                .to_lowercase()
                .cmp(&literal_text(other).to_lowercase()),
        ),
    }
}

/// Compares two rows' values of one field for `--sort`: numbers as numbers, else text
/// ignoring case; a missing value sorts last.
pub fn sort_order(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let key = |v: Option<&Value>| v.filter(|v| !v.is_null()).cloned();
    match (key(a), key(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(x), Some(y)) => text(&x).to_lowercase().cmp(&text(&y).to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct NoLinks;
    impl Links for NoLinks {
        fn resolve(&self, _: Kind, text: &str) -> Option<String> {
            let target = crate::model::Link::parse(text).target.to_lowercase();
            match target.as_str() {
                "acme" | "acme corp" => Some("acme".into()),
                _ => None,
            }
        }
    }

    fn row() -> Map<String, Value> {
        json!({"stage": "proposal", "amount": 48000, "tags": ["expansion", "q4"],
               "close_date": "2026-12-15", "title": "Acme renewal", "account": "[[Acme Corp]]",
               "flags": ["stale"], "weighted": 26400, "open": true})
        .as_object()
        .unwrap()
        .clone()
    }

    fn fields() -> Fields {
        Fields::of(Kind::Deal, &[row()])
    }

    fn check(expression: &str) -> bool {
        Query::parse(expression, &fields())
            .unwrap_or_else(|e| panic!("{e}"))
            .matches(&row(), &NoLinks)
    }

    #[test]
    fn operators_precedence_and_typed_values() {
        for (expression, expected) in [
            ("stage=proposal and amount>=10000", true),
            ("stage=Proposal", true),
            ("(stage=proposal or stage=demo) and amount>50000", false),
            ("(stage=proposal or stage=demo) and amount>40000", true),
            ("stage=demo or stage=proposal and amount>40000", true),
            ("stage=demo and amount>40000 or tags~expans", true),
            ("not stage=demo", true),
            ("not (stage=proposal or stage=demo)", false),
            ("close_date<2027-01-01", true),
            ("close_date<2026-12-15", false),
            ("close_date<=2026-12-15", true),
            ("title~\"acme ren\"", true),
            ("title~'ACME'", true),
            ("tags=q4", true),
            ("tags!=q4", false),
            ("tags~exp", true),
            ("stage!=demo", true),
            ("stage in (demo, proposal)", true),
            ("stage in (demo)", false),
            ("exists close_date", true),
            ("missing next_step", true),
            ("exists next_step", false),
            ("next_step!=x", true),
            ("next_step=x", false),
            ("account=acme", true),
            ("account=\"Acme Corp\"", true),
            ("account=globex", false),
            ("flags~stale", true),
            ("weighted>10000", true),
            ("open=true", true),
        ] {
            assert_eq!(check(expression), expected, "{expression}");
        }
    }

    #[test]
    fn malformed_expressions_are_errors_at_their_column() {
        for (bad, column, says) in [
            ("", 1, "a condition is missing"),
            ("stage", 6, "an operator is needed"),
            ("=x", 1, "cannot start a condition"),
            ("stage=x and", 12, "a condition is missing"),
            ("and stage=x", 1, "needs a condition before it"),
            ("stage=a stage=b", 9, "expected `and` or `or`"),
            ("stage=\"b", 7, "never closed"),
            ("stge=proposal", 1, "did you mean `stage`"),
            ("amount>", 8, "a value is missing"),
            ("amount>=100k", 9, "not a number"),
            ("close_date<2027-1-1", 12, "not a date written YYYY-MM-DD"),
            ("(stage=demo", 12, "not closed"),
            ("stage=demo)", 11, "closes nothing"),
            ("stage in demo", 10, "needs a list"),
            ("open>true", 6, "has no order"),
            ("!stage=demo", 1, "write `not`"),
            ("exists", 7, "a field name is missing"),
        ] {
            let err = Query::parse(bad, &fields()).unwrap_err();
            assert_eq!(
                (err.column, err.problem.contains(says)),
                (column, true),
                "{bad}: {err}"
            );
        }
    }
}
