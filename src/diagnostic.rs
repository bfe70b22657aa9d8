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
