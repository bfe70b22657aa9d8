//! Plain typed data: what a vault holds once parsed.

mod config;
mod fields;
mod index;
mod period;
mod record;
pub mod schema;

pub use config::{
    folder_depth, is_currency_code, normalize, Activities, AskFrom, Audience, Config, FieldSource,
    Folders, ForecastCategory, Limits, Output, Problem, Silence, Stage, CONFIG_FILE, MAX_MONEY,
};
pub use fields::Fields;
pub use index::Index;
pub use period::{Period, PeriodKind};
pub use record::{
    Account, Activity, AnyRecord, Body, Contact, Deal, Kind, Link, LogEntry, Record, Section, Task,
    Value,
};
pub use schema::known_fields;
