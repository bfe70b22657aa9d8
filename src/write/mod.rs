//! Putting bytes on disk safely: atomic replacement and minimal-diff edits of records.

pub mod atomic;
pub mod edit;
pub mod values;
