//! BuildKit's `BFlags`.
