//! Turning the index and its numbers into text.

pub mod rows;
pub mod table;
