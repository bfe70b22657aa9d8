//! The links written in a document — a front-matter link field's value (`account: acme`,
//! `champion: "[[Bob Lee]]"`) or a `[[wikilink]]` anywhere — and the records they name, found
//! as the index finds them.

use std::ops::Range;

use super::text::Document;
use crate::model::schema::{self, FieldType};
use crate::model::{Config, Index, Kind, Link, Record};
use crate::parse::front_matter::{self, top_level_key, FrontMatter};
use crate::write::edit;

/// A link in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The field of dealbook's whose value it is, if it is one.
    pub field: Option<&'static str>,
    /// Where it is written: a wikilink with its brackets.
    pub span: Range<usize>,
    /// Where its target is written: what a rename rewrites.
    pub target: Range<usize>,
    pub link: Link,
}

/// The record a link names.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub kind: Kind,
    pub record: &'a Record,
    /// Its title or name.
    pub name: &'a str,
}

/// Every link in `doc`, in order.
pub fn in_document(doc: &Document, config: &Config) -> Vec<Written> {
    let fields = link_fields(doc, config);
    let mut found: Vec<Written> = fields
        .iter()
        .filter(|(_, value, _)| !doc.text[value.clone()].contains("[["))
        .map(|(field, value, _)| {
            let text = &doc.text[value.clone()];
            let unquoted = unquote(text);
            let at = value.start + (text.len() - text.trim_start_matches(['"', '\'']).len());
            let target = Link::target_range(unquoted);
            Written {
                field: Some(field),
                span: value.clone(),
                target: at + target.start..at + target.end,
                link: Link::parse(unquoted),
            }
        })
        .filter(|w| !w.link.target.is_empty())
        .collect();
    for span in wikilinks(&doc.text) {
        let field = fields
            .iter()
            .find(|(_, _, line)| line.contains(&span.start))
            .map(|(field, ..)| *field);
        let text = &doc.text[span.clone()];
        let target = Link::target_range(text);
        found.push(Written {
            field,
            target: span.start + target.start..span.start + target.end,
            link: Link::parse(text),
            span,
        });
    }
    found.sort_by_key(|w| w.span.start);
    found
}

/// The link at byte `offset` of `doc`.
pub fn at(doc: &Document, config: &Config, offset: usize) -> Option<Written> {
    in_document(doc, config)
        .into_iter()
        .find(|w| w.span.start <= offset && offset <= w.span.end)
}

/// The record a link names: a link field's by the field's kind; a wikilink's a contact, an
/// account or a deal, in that order.
pub fn resolve<'a>(index: &'a Index, written: &Written) -> Option<Target<'a>> {
    let link = Some(written.link.clone());
    let contact = || {
        let c = index.contact_for(&link)?;
        Some(Target {
            kind: Kind::Contact,
            record: &c.record,
            name: &c.name,
        })
    };
    let account = || {
        let a = index.account_for(&link)?;
        Some(Target {
            kind: Kind::Account,
            record: &a.record,
            name: &a.name,
        })
    };
    let deal = || {
        let wanted = written.link.target.to_lowercase();
        let d = index.deal(&written.link.target).or_else(|| {
            index
                .deals
                .iter()
                .find(|d| d.record.id.to_lowercase() == wanted || d.title.to_lowercase() == wanted)
        })?;
        Some(Target {
            kind: Kind::Deal,
            record: &d.record,
            name: &d.title,
        })
    };
    match written.field {
        Some(field) if target_kind(field) == Kind::Account => account(),
        Some(_) => contact(),
        None => contact().or_else(account).or_else(deal),
    }
}

/// The kind of record a link field names: `account` an account, the others a contact.
pub fn target_kind(field: &str) -> Kind {
    if field == "account" {
        Kind::Account
    } else {
        Kind::Contact
    }
}

/// The front matter's link fields: the field, its value's byte range and its line's.
fn link_fields(doc: &Document, config: &Config) -> Vec<(&'static str, Range<usize>, Range<usize>)> {
    let Some((first, last)) = front_matter_lines(doc) else {
        return Vec::new();
    };
    (first..last)
        .filter_map(|n| {
            let line = doc.line(n);
            let (key, rest) = top_level_key(line)?;
            let spec = schema::spec(config.field_for(key))?;
            if spec.ty != FieldType::Link {
                return None;
            }
            let start = line.len() - rest.trim_start().len();
            let end = edit::value_end(line, start);
            let at = doc.line_start(n);
            (end > start).then(|| (spec.name, at + start..at + end, at..at + line.len()))
        })
        .collect()
}

/// The lines (from 0) of the front matter between its fences.
pub fn front_matter_lines(doc: &Document) -> Option<(usize, usize)> {
    let text = doc.text.strip_prefix('\u{feff}').unwrap_or(&doc.text);
    match front_matter::split(text) {
        FrontMatter::Found(split) => Some((split.yaml_line - 1, split.body_line - 2)),
        FrontMatter::Unclosed => Some((1, doc.line_count())),
        FrontMatter::None => None,
    }
}

/// `"x"` or `'x'` → `x`.
fn unquote(text: &str) -> &str {
    let quoted = |q: char| text.len() >= 2 && text.starts_with(q) && text.ends_with(q);
    if quoted('"') || quoted('\'') {
        &text[1..text.len() - 1]
    } else {
        text
    }
}

/// The byte ranges of `[[…]]` on one line each, brackets included.
pub fn wikilinks(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("[[") {
        let start = from + open;
        let rest = &text[start + 2..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        match rest[..line_end].find("]]") {
            Some(close) if close > 0 && !rest[..close].contains("[[") => {
                found.push(start..start + 2 + close + 2);
                from = start + 2 + close + 2;
            }
            _ => from = start + 2,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_link_fields_and_wikilinks() {
        let text = "---\naccount: acme # ours\nchampion: \"[[contacts/bob-lee|Bob]]\"\ntitle: [[not a field]]\n---\nMet [[Jane Doe]] and [[]] [[x\n";
        let doc = Document::new(text.into(), 0);
        let found = in_document(&doc, &Config::default());
        let shown: Vec<(Option<&str>, &str, &str)> = found
            .iter()
            .map(|w| (w.field, &text[w.span.clone()], &text[w.target.clone()]))
            .collect();
        assert_eq!(
            shown,
            [
                (Some("account"), "acme", "acme"),
                (Some("champion"), "[[contacts/bob-lee|Bob]]", "bob-lee"),
                (None, "[[not a field]]", "not a field"),
                (None, "[[Jane Doe]]", "Jane Doe"),
            ]
        );
        let jane = text.find("Jane").unwrap();
        assert_eq!(
            at(&doc, &Config::default(), jane).map(|w| w.link.target),
            Some("Jane Doe".into())
        );
    }
}
