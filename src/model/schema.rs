//! dealbook's own front-matter fields, one line each: which records have them, what type their
//! values are, and whether the rep may hide them from the manager. Parsing, editing, redaction,
//! `list` and `check` all read this table, so a field added here is known everywhere.

use std::sync::OnceLock;

use super::record::Kind;

/// What a field's value is, as the rep writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// An amount in the deal's currency.
    Money,
    /// A number from 0 to 100.
    Percent,
    Bool,
    /// Another record, by id, name or `[[wikilink]]`.
    Link,
    List,
    /// One of the config's stages.
    Stage,
    /// pipeline, best_case, commit or omitted.
    Forecast,
    /// A three-letter currency code.
    Currency,
    /// deal, contact or account.
    RecordKind,
}

impl FieldType {
    /// What a value of this type is, in a few words (an editor shows it beside a field name).
    pub fn describe(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Date => "a date, YYYY-MM-DD",
            FieldType::Money => "an amount, a plain number",
            FieldType::Percent => "a number from 0 to 100",
            FieldType::Bool => "true or false",
            FieldType::Link => "a record's id, name or [[wikilink]]",
            FieldType::List => "a list",
            FieldType::Stage => "a stage from the config",
            FieldType::Forecast => "pipeline, best_case, commit or omitted",
            FieldType::Currency => "a three-letter currency code",
            FieldType::RecordKind => "deal, contact or account",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kinds: &'static [Kind],
    pub ty: FieldType,
    /// Why the field cannot be listed in `private_fields`; `None` when it can be hidden.
    pub never_private: Option<&'static str>,
}

impl FieldSpec {
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

const ALL: &[Kind] = &Kind::ALL;
const DEAL: &[Kind] = &[Kind::Deal];
const CONTACT: &[Kind] = &[Kind::Contact];
const ACCOUNT: &[Kind] = &[Kind::Account];
const DEAL_CONTACT: &[Kind] = &[Kind::Deal, Kind::Contact];
const CONTACT_ACCOUNT: &[Kind] = &[Kind::Contact, Kind::Account];

const fn field(name: &'static str, kinds: &'static [Kind], ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        kinds,
        ty,
        never_private: None,
    }
}

const fn public(
    name: &'static str,
    kinds: &'static [Kind],
    ty: FieldType,
    why: &'static str,
) -> FieldSpec {
    FieldSpec {
        name,
        kinds,
        ty,
        never_private: Some(why),
    }
}

use FieldType::*;

/// Every field dealbook reads, in the order new records and imports write them.
pub const FIELDS: &[FieldSpec] = &[
    public(
        "type",
        ALL,
        RecordKind,
        "it decides whether a file is a deal, a contact or an account",
    ),
    field("title", DEAL, Text),
    field("name", CONTACT_ACCOUNT, Text),
    field("account", DEAL_CONTACT, Link),
    field("amount", DEAL, Money),
    public(
        "currency",
        DEAL,
        Currency,
        "the manager's totals would read the amount in the wrong currency",
    ),
    public(
        "stage",
        DEAL,
        Stage,
        "every number in the manager's reports depends on it",
    ),
    field("probability", DEAL, Percent),
    field("forecast", DEAL, Forecast),
    field("close_date", DEAL, Date),
    field("next_step", DEAL, Text),
    field("next_step_date", DEAL, Date),
    field("decision_maker", DEAL, Link),
    field("dm_engaged", DEAL, Bool),
    field("roi_accepted", DEAL, Bool),
    field("champion", DEAL, Link),
    field("contact", DEAL, Link),
    field("last_activity", DEAL, Date),
    field("win_reason", DEAL, Text),
    field("loss_reason", DEAL, Text),
    field("role", CONTACT, Text),
    field("email", CONTACT, Text),
    field("phone", CONTACT, Text),
    field("last_contact", CONTACT, Date),
    field("industry", ACCOUNT, Text),
    field("website", ACCOUNT, Text),
    field("created", ALL, Date),
    public("private", ALL, Bool, "it is what hides a whole record"),
    field("tags", ALL, List),
    field("buying_signals", DEAL, Text),
    field("crm", ALL, Text),
    field("crm_id", ALL, Text),
];

/// The spec of one of dealbook's fields, whatever the kind.
pub fn spec(name: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.name == name)
}

/// The spec of a field this kind of record reads.
pub fn spec_for(kind: Kind, name: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.name == name && f.applies_to(kind))
}

/// The known field `key` is a typo of (within two edits), if any: `stgae` → `stage`.
pub fn near_miss(kind: Kind, key: &str) -> Option<&'static str> {
    known_fields(kind)
        .iter()
        .filter(|k| k.len() > 3 && **k != key && may_be_within_two_edits(key, k))
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, k)| k)
}

/// A cheap test that rules most pairs out before the edit distance is computed (every vault
/// field of the rep's own is checked against every known one): an edit changes the length by
/// at most one and the count of at most two characters by one each. Bytes stand for
/// characters in ASCII; anything else is left to the edit distance.
fn may_be_within_two_edits(a: &str, b: &str) -> bool {
    if !(a.is_ascii() && b.is_ascii()) {
        return true;
    }
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    let mut counts = [0i32; 256];
    a.bytes().for_each(|x| counts[usize::from(x)] += 1);
    b.bytes().for_each(|x| counts[usize::from(x)] -= 1);
    counts.iter().map(|c| c.unsigned_abs()).sum::<u32>() <= 4
}

/// The front-matter keys dealbook reads for each kind (after the `fields:` mapping).
pub fn known_fields(kind: Kind) -> &'static [&'static str] {
    static NAMES: OnceLock<[Vec<&'static str>; 3]> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        Kind::ALL.map(|kind| {
            FIELDS
                .iter()
                .filter(|f| f.applies_to(kind))
                .map(|f| f.name)
                .collect()
        })
    });
    &names[Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cheap_test_never_rules_out_a_near_miss() {
        for (a, b) in [
            ("emial", "email"),
            ("stgae", "stage"),
            ("amuont", "amount"),
            ("closedate", "close_date"),
            ("titel", "title"),
            ("stägé", "stage"),
        ] {
            assert!(strsim::damerau_levenshtein(a, b) <= 2, "{a} {b}");
            assert!(may_be_within_two_edits(a, b), "{a} {b}");
        }
        assert!(!may_be_within_two_edits("source", "stage"));
        assert!(!may_be_within_two_edits("personal_notes", "name"));
    }

    use super::*;

    #[test]
    fn each_field_once_and_every_kind_has_the_common_ones() {
        for (i, field) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS[..i].iter().all(|f| f.name != field.name),
                "{} twice",
                field.name
            );
        }
        for kind in Kind::ALL {
            for common in ["type", "created", "private", "tags"] {
                assert!(known_fields(kind).contains(&common), "{kind:?} {common}");
            }
        }
        assert_eq!(known_fields(Kind::Deal)[..3], ["type", "title", "account"]);
    }
}
