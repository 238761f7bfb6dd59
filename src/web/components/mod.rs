//! The terminal's components, one per file.

pub mod line;
