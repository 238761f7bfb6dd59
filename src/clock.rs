//! Virtual time. Nothing in the core reads a real clock: the session owns a `SimTime` and passes it down.

use std::fmt;
use std::ops::{Add, Sub};

/// A point in virtual time: milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    /// 2025-07-01T10:00:00Z, the default start of a scripted session.
    pub const DEFAULT_START: SimTime = SimTime(1_751_364_000_000);

    pub const fn from_ms(ms: u64) -> SimTime {
        SimTime(ms)
    }
    pub const fn from_secs(s: u64) -> SimTime {
        SimTime(s * 1000)
    }
    pub const fn as_ms(self) -> u64 {
        self.0
    }
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }
    /// Time elapsed from `earlier` to `self`, zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> Millis {
        Millis(self.0.saturating_sub(earlier.0))
    }
    /// Calendar fields in UTC.
    pub fn civil(self) -> Civil {
        Civil::at((self.0 / 1000) as i64, (self.0 % 1000) as u32 * 1_000_000)
    }
    /// RFC 3339 with nanoseconds, as Go's `time.RFC3339Nano` prints a UTC time (trailing zeros trimmed).
    pub fn rfc3339_nano(self) -> String {
        let c = self.civil();
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        );
        if c.nanos != 0 {
            let frac = format!("{:09}", c.nanos);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push('Z');
        s
    }
}

/// A span of virtual time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Millis(pub u64);

impl Millis {
    pub const fn from_secs(s: u64) -> Millis {
        Millis(s * 1000)
    }
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }
}

impl Add<Millis> for SimTime {
    type Output = SimTime;
    fn add(self, d: Millis) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = Millis;
    fn sub(self, other: SimTime) -> Millis {
        self.since(other)
    }
}

/// Calendar fields of a `SimTime` in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

impl Civil {
    /// The UTC calendar fields of `secs` seconds (negative: before 1970) and `nanos` after the
    /// Unix epoch.
    pub fn at(secs: i64, nanos: u32) -> Civil {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            nanos,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }
}

pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

impl Civil {
    pub fn month_abbr(&self) -> &'static str {
        MONTHS[(self.month - 1) as usize]
    }
    pub fn weekday_abbr(&self) -> &'static str {
        WEEKDAYS[self.weekday as usize]
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339_nano())
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a calendar date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (the catalog's dates) into a `SimTime`.
pub fn parse_rfc3339(s: &str) -> Option<SimTime> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    let secs = days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    Some(SimTime::from_secs(secs.max(0) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_start_is_july_first_2025() {
        let c = SimTime::DEFAULT_START.civil();
        assert_eq!((c.year, c.month, c.day, c.hour), (2025, 7, 1, 10));
        assert_eq!(c.weekday_abbr(), "Tue");
        assert_eq!(
            SimTime::DEFAULT_START.rfc3339_nano(),
            "2025-07-01T10:00:00Z"
        );
    }

    #[test]
    fn civil_round_trips() {
        for d in [-1000i64, 0, 59, 60, 10_000, 20_000, 30_000] {
            let t = SimTime::from_secs((d.max(0) * 86_400) as u64);
            let c = t.civil();
            assert_eq!(days_from_civil(c.year, c.month, c.day), d.max(0));
        }
        assert_eq!(
            parse_rfc3339("2025-07-01T10:00:00Z"),
            Some(SimTime::DEFAULT_START)
        );
        assert_eq!(
            SimTime(1_751_364_000_123).rfc3339_nano(),
            "2025-07-01T10:00:00.123Z"
        );
    }
}
