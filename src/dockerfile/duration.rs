//! Go's `time.ParseDuration`.
