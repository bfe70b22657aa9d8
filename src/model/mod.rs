//! Plain typed data: what a vault holds once parsed.

mod config;
mod fields;
mod period;
mod record;

pub use config::{normalize, Audience, Config, Folders, ForecastCategory, Output, Stage};
pub use fields::Fields;
pub use period::{Period, PeriodKind};
pub use record::{
    known_fields, Account, AnyRecord, Body, Contact, Deal, Kind, Link, LogEntry, Record, Section,
    Task, Value,
};
