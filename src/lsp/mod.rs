//! `dealbook lsp`: a language server for the vault, so an editor shows `check`'s problems as
//! the rep types, completes stages, links and dates, explains numbers and problems on hover,
//! follows links, fixes what `set` would fix, and renames a record with every link to it.
//!
//! It answers one message at a time on one thread (the vault is in memory; every answer is a
//! lookup or one file's parse), reading the next while it works: changes that arrive together
//! are checked once. Open buffers are overlays on the vault (`Vault::set_overlay`), so problems
//! come from the unsaved text; a change re-reads only that file. Files other programs change
//! arrive from the client's file watcher, or dealbook's own when the client has none. It serves
//! the rep's own view.

mod actions;
mod completion;
mod diagnostics;
mod hints;
mod hover;
mod links;
mod navigation;
mod notifications;
mod rename;
mod requests;
mod server;
mod text;
mod transport;
mod uri;
mod watcher;
mod workspace;

pub use server::{serve, Ending};
