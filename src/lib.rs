//! dealbook: a salesperson's book of business as plain text.
//!
//! Data flows one way: [`vault`] reads the files, [`parse`] turns them into [`model`] values
//! and [`diagnostic`]s, [`metrics`] computes, [`render`] produces text and [`write`] puts it
//! on disk; [`complete`] says what a word being typed may be; [`serve`] shows it all in a
//! browser, live. The library never prints or reads the environment; the CLI in `cli` does.

pub mod build;
pub mod complete;
pub mod diagnostic;
pub mod history;
pub mod lsp;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod query;
pub mod render;
pub mod serve;
pub mod vault;
pub mod write;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use model::Index;
pub use vault::Vault;
