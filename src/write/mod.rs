//! Putting bytes on disk safely: atomic replacement that keeps permissions.

pub mod atomic;
