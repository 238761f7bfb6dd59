//! Build checks.
