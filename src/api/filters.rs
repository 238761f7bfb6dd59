//! `filters.Args` as the Engine API carries them (`--filter key=value`), with moby's validation
//! errors and matching rules (api/types/filters/parse.go), and `timetypes.GetTimestamp`.

use std::collections::BTreeMap;

use super::ApiError;
use crate::clock::{parse_rfc3339, SimTime};

/// Filter pairs in the order given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters(pub Vec<(String, String)>);

impl Filters {
    /// `Validate`: every key must be accepted.
    pub fn validate(&self, accepted: &[&str]) -> Result<(), ApiError> {
        match self.0.iter().find(|(k, _)| !accepted.contains(&k.as_str())) {
            Some((k, _)) => Err(ApiError::bad_request(format!("invalid filter '{k}'"))),
            None => Ok(()),
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The values of `key` (each once, sorted as Go's map keys would be reported).
    pub fn get(&self, key: &str) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        crate::text::sort(&mut v);
        v.dedup();
        v
    }

    /// `GetBoolOrDefault`: `true`/`1`, `false`/`0` (any case); anything else is an error.
    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        let vals = self.get(key);
        let bad = || ApiError::bad_request(format!("invalid filter '{key}={}'", vals.join(",")));
        match vals.as_slice() {
            [] => Ok(default),
            [v] => match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    /// `MatchKVList`: every `key` or `key=value` filter of `field` is in `labels`.
    pub fn match_labels(&self, field: &str, labels: &BTreeMap<String, String>) -> bool {
        self.get(field).iter().all(|f| match f.split_once('=') {
            Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
            None => labels.contains_key(*f),
        })
    }
}

/// `timetypes.GetTimestamp`: a Go duration before `now` (`24h`, `10m`), a Unix time (`1700000000`,
/// `1700000000.5`), or an RFC 3339 date/time (`2025-07-01`, `2025-07-01T10:00:00Z`).
pub fn timestamp(value: &str, now: SimTime) -> Result<SimTime, ApiError> {
    if let Some(ms) = crate::text::go_duration_ms(value) {
        return Ok(SimTime(now.0.saturating_sub(ms)));
    }
    let secs = value.split('.').next().unwrap_or("");
    if !secs.is_empty() && secs.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(s) = secs.parse::<u64>() {
            return Ok(SimTime::from_secs(s));
        }
    }
    let full = if value.len() == 10 {
        format!("{value}T00:00:00Z")
    } else if !value.ends_with('Z') && !value.contains('+') && value.len() == 19 {
        format!("{value}Z")
    } else {
        value.to_string()
    };
    parse_rfc3339(&full).ok_or_else(|| {
        ApiError::bad_request(format!(
            "failed to parse value as time or duration: \"{value}\""
        ))
    })
}

/// Go's `path.Match` for reference filters: `*` and `?` do not cross `/`, `[…]` classes, `\`
/// escapes.
pub fn path_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('*') => {
                let rest = &p[1..];
                for i in 0..=s.len() {
                    if go(rest, &s[i..]) {
                        return true;
                    }
                    if i < s.len() && s[i] == '/' {
                        break;
                    }
                }
                false
            }
            Some('?') => !s.is_empty() && s[0] != '/' && go(&p[1..], &s[1..]),
            Some('[') => {
                let Some(c) = s.first() else { return false };
                let mut i = 1;
                let negate = p.get(1) == Some(&'^');
                if negate {
                    i += 1;
                }
                let mut matched = false;
                let mut first = true;
                while i < p.len() && (first || p[i] != ']') {
                    first = false;
                    let lo = p[i];
                    if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                        if lo <= *c && *c <= p[i + 2] {
                            matched = true;
                        }
                        i += 3;
                    } else {
                        if lo == *c {
                            matched = true;
                        }
                        i += 1;
                    }
                }
                if i >= p.len() {
                    return false;
                }
                matched != negate && go(&p[i + 1..], &s[1..])
            }
            Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && go(&p[2..], &s[1..]),
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    if p.len() > 256 || s.len() > 512 {
        return false;
    }
    go(&p, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_match() {
        assert!(path_match("busy*", "busybox"));
        assert!(!path_match("*", "me/app"));
        assert!(path_match("*/*", "me/app"));
        assert!(path_match("busybox:1.3?", "busybox:1.37"));
        assert!(path_match("[a-c]lpine", "alpine"));
        assert!(!path_match("[^a]lpine", "alpine"));
    }

    #[test]
    fn timestamps() {
        let now = SimTime::from_secs(1_751_364_000);
        assert_eq!(timestamp("1h", now).unwrap(), SimTime::from_secs(1_751_360_400));
        assert_eq!(timestamp("1751364000", now).unwrap(), now);
        assert_eq!(
            timestamp("2025-07-01T10:00:00Z", now).unwrap(),
            now
        );
        assert!(timestamp("soon", now).is_err());
    }
}
