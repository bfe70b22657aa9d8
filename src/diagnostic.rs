//! Problems found in a vault, each pinned to a place in a file.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Every kind of problem dealbook reports. The snake_case name is the stable code users see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    // errors
    YamlSyntax,
    WrongType,
    OutOfRange,
    InvalidDate,
    UnknownStage,
    MissingStage,
    DuplicateId,
    UnclosedFrontMatter,
    NotUtf8,
    Unreadable,
    BadConfig,
    // warnings
    NoCloseDate,
    CloseDatePast,
    NoNextStep,
    NextStepOverdue,
    Stale,
    NoAmount,
    NegativeAmount,
    CloseBeforeCreated,
    ClosedWithoutDate,
    ClosedInFuture,
    BrokenLink,
    UnknownKey,
    NoFxRate,
    SymlinkLoop,
    SymlinkOutside,
}

impl Code {
    pub const ALL: [Code; 26] = [
        Code::YamlSyntax,
        Code::WrongType,
        Code::OutOfRange,
        Code::InvalidDate,
        Code::UnknownStage,
        Code::MissingStage,
        Code::DuplicateId,
        Code::UnclosedFrontMatter,
        Code::NotUtf8,
        Code::Unreadable,
        Code::BadConfig,
        Code::NoCloseDate,
        Code::CloseDatePast,
        Code::NoNextStep,
        Code::NextStepOverdue,
        Code::Stale,
        Code::NoAmount,
        Code::NegativeAmount,
        Code::CloseBeforeCreated,
        Code::ClosedWithoutDate,
        Code::ClosedInFuture,
        Code::BrokenLink,
        Code::UnknownKey,
        Code::NoFxRate,
        Code::SymlinkLoop,
        Code::SymlinkOutside,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::YamlSyntax => "yaml_syntax",
            Code::WrongType => "wrong_type",
            Code::OutOfRange => "out_of_range",
            Code::InvalidDate => "invalid_date",
            Code::UnknownStage => "unknown_stage",
            Code::MissingStage => "missing_stage",
            Code::DuplicateId => "duplicate_id",
            Code::UnclosedFrontMatter => "unclosed_front_matter",
            Code::NotUtf8 => "not_utf8",
            Code::Unreadable => "unreadable",
            Code::BadConfig => "bad_config",
            Code::NoCloseDate => "no_close_date",
            Code::CloseDatePast => "close_date_past",
            Code::NoNextStep => "no_next_step",
            Code::NextStepOverdue => "next_step_overdue",
            Code::Stale => "stale",
            Code::NoAmount => "no_amount",
            Code::NegativeAmount => "negative_amount",
            Code::CloseBeforeCreated => "close_before_created",
            Code::ClosedWithoutDate => "closed_without_date",
            Code::ClosedInFuture => "closed_in_future",
            Code::BrokenLink => "broken_link",
            Code::UnknownKey => "unknown_key",
            Code::NoFxRate => "no_fx_rate",
            Code::SymlinkLoop => "symlink_loop",
            Code::SymlinkOutside => "symlink_outside",
        }
    }

    /// What the code means, in plain words, for the editor's hover: the text of README's
    /// "Errors explained" table, which a test holds to this.
    pub fn explain(self) -> &'static str {
        match self {
            Code::YamlSyntax => "the front matter is not valid YAML (unclosed quotes and brackets point where they open)",
            Code::WrongType => "e.g. `amount: \"$48,000\"` — amounts are plain numbers",
            Code::OutOfRange => "a number that cannot be meant: `amount: .inf`, `1e308`, a probability of 120",
            Code::InvalidDate => "e.g. `12/15/2026` — dates are YYYY-MM-DD",
            Code::UnknownStage => "a stage the config does not know (the message lists the known ones); the deal stays listed and exported, and the reports name it under \"Not counted\" until it is fixed",
            Code::MissingStage => "a deal without a `stage`; it stays listed and exported, and the reports name it under \"Not counted\" until it is fixed",
            Code::DuplicateId => "two records of one kind with the same file name",
            Code::UnclosedFrontMatter => "a `---` on line 1 with no closing `---`",
            Code::NotUtf8 => "the file is not UTF-8 text",
            Code::Unreadable => "a file that cannot be read (or is too large to: see [Hardening](#hardening))",
            Code::BadConfig => "a mistake in `dealbook.yaml`, each one reported at its value",
            Code::NoCloseDate => "data hygiene on open deals (seed 001): an open deal without a `close_date`",
            Code::CloseDatePast => "data hygiene on open deals (seed 001): its close date has passed",
            Code::NoNextStep => "data hygiene on open deals (seed 001): an open deal without a `next_step`",
            Code::NextStepOverdue => "data hygiene on open deals (seed 001): its `next_step_date` has passed",
            Code::Stale => "data hygiene on open deals (seed 001): no log entry for more than `stale_after_days`",
            Code::NoAmount => "data hygiene on open deals (seed 001): an open deal without an `amount`",
            Code::NegativeAmount => "a value that is surely a typo: `amount: -48000`",
            Code::CloseBeforeCreated => "a value that is surely a typo: a close date before `created`",
            Code::ClosedWithoutDate => "a won or lost deal with no `close_date`, so it counts in no period; `dealbook close` sets it",
            Code::ClosedInFuture => "a won or lost deal whose `close_date` is after `--as-of` (it then counts as closed on `--as-of`); `dealbook close` sets it",
            Code::BrokenLink => "`account`, `decision_maker`, `champion` or `contact` names no record",
            Code::UnknownKey => "a near miss of a known field (`close_dat` → did you mean `close_date`?)",
            Code::NoFxRate => "no rate for the deal's currency in `fx:`, so it is left out of totals",
            Code::SymlinkLoop => "a link loop that was skipped",
            Code::SymlinkOutside => "a link out of the vault, that was skipped",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::YamlSyntax
            | Code::WrongType
            | Code::OutOfRange
            | Code::InvalidDate
            | Code::UnknownStage
            | Code::MissingStage
            | Code::DuplicateId
            | Code::UnclosedFrontMatter
            | Code::NotUtf8
            | Code::Unreadable
            | Code::BadConfig => Severity::Error,
            _ => Severity::Warning,
        }
    }
}

/// A line and column in a file, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    pub fn new(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}:{}:{}: {}: {} [{}]", path.display(), line, column, severity_word(*severity), message, code.as_str())]
pub struct Diagnostic {
    /// Relative to the vault root.
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// The field it is about, if it is about one (for `checks:` to silence by field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, pos: Pos, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: pos.line,
            column: pos.column,
            severity: code.severity(),
            code,
            message: message.into(),
            field: None,
        }
    }

    /// The same diagnostic, about `field`.
    pub fn about(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(severity_word(*self))
    }
}

/// Sorts diagnostics the way `check` prints them: by file, then position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code))
    });
}
