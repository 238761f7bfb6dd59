//! `date` over the virtual clock: GNU coreutils' (Debian/Ubuntu images) and BusyBox's (busybox,
//! alpine), whose format conversions are glibc's `strftime` plus, in GNU's, `%N`, `%q` and `%:z`.
//! Containers have no TZ, so every time is UTC. Texts checked against GNU coreutils 9.1 and
//! BusyBox 1.35 (`-d @SECONDS`, every conversion below, -R, -I, the error messages).

use super::{Env, Tools};
use crate::clock::{days_from_civil, Civil, SimTime, MONTHS, WEEKDAYS};
use crate::proc::Captured;
use crate::vfs::join;

const MONTH_NAMES: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
];
const DAY_NAMES: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const BUSYBOX_USAGE: &str = "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.

Usage: date [OPTIONS] [+FMT] [[-s] TIME]

Display time (using +FMT), or set time

\t-u\t\tWork in UTC (don't convert to local time)
\t[-s] TIME\tSet time to TIME
\t-d TIME\t\tDisplay TIME, not 'now'
\t-D FMT\t\tFMT (strptime format) for -s/-d TIME conversion
\t-r FILE\t\tDisplay last modification time of FILE
\t-R\t\tOutput RFC-2822 date
\t-I[SPEC]\tOutput ISO-8601 date
\t\t\tSPEC=date (default), hours, minutes, seconds or ns

Recognized TIME formats:
\t@seconds_since_1970
\thh:mm[:ss]
\t[YYYY.]MM.DD-hh:mm[:ss]
\tYYYY-MM-DD hh:mm[:ss]
\t[[[[[YY]YY]MM]DD]hh]mm[.ss]
\t'date TIME' form accepts MMDDhhmm[[YY]YY][.ss] instead
";

/// A moment to show: seconds since the epoch (may be negative with GNU's `-d @-1`) and nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Moment {
    secs: i64,
    nanos: u32,
}

impl Moment {
    fn of(t: SimTime) -> Moment {
        Moment { secs: (t.as_ms() / 1000) as i64, nanos: (t.as_ms() % 1000) as u32 * 1_000_000 }
    }
    fn civil(self) -> Civil {
        Civil::at(self.secs, self.nanos)
    }
}

/// What the options asked for.
enum Shape {
    Default,
    Format(String),
    Rfc2822,
    /// `-I`: date, hours, minutes, seconds or ns.
    Iso(&'static str),
    /// GNU `--rfc-3339=`: date, seconds or ns.
    Rfc3339(&'static str),
}

pub fn date(env: &mut Env, args: &[String], out: &mut Captured) -> i32 {
    let gnu = env.tools == Tools::Gnu;
    let usage = |out: &mut Captured, msg: &str| {
        if gnu {
            out.err(&format!("date: {msg}\nTry 'date --help' for more information.\n"));
        } else {
            out.err(&format!("date: {msg}\n{BUSYBOX_USAGE}"));
        }
        1
    };
    let mut shape = Shape::Default;
    let mut when: Option<String> = None;
    let mut reference: Option<String> = None;
    let mut operands: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if only_operands || a == "-" || !a.starts_with('-') {
            operands.push(a);
            continue;
        }
        if a == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--").filter(|_| gnu) {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let value_or_next = |i: &mut usize| {
                value.clone().or_else(|| {
                    let v = args.get(*i).cloned();
                    *i += 1;
                    v
                })
            };
            match name {
                "utc" | "universal" => {}
                "date" | "reference" => match value_or_next(&mut i) {
                    Some(v) if name == "date" => when = Some(v),
                    Some(v) => reference = Some(v),
                    None => return usage(out, &format!("option '--{name}' requires an argument")),
                },
                "rfc-email" | "rfc-2822" => shape = Shape::Rfc2822,
                "iso-8601" => match iso_spec(value.as_deref().unwrap_or("date")) {
                    Some(s) => shape = Shape::Iso(s),
                    None => return bad_argument(out, "--iso-8601", value.as_deref().unwrap_or(""), "'hours', 'minutes', 'date', 'seconds', 'ns'"),
                },
                "rfc-3339" => match value.as_deref().and_then(rfc3339_spec) {
                    Some(s) => shape = Shape::Rfc3339(s),
                    None if value.is_none() => return usage(out, "option '--rfc-3339' requires an argument"),
                    None => return bad_argument(out, "--rfc-3339", value.as_deref().unwrap_or(""), "'date', 'seconds', 'ns'"),
                },
                _ => return usage(out, &format!("unrecognized option '{a}'")),
            }
            continue;
        }
        let flags = &a[1..];
        for (k, c) in flags.char_indices() {
            let rest = &flags[k + c.len_utf8()..];
            match c {
                'u' => {}
                'R' => shape = Shape::Rfc2822,
                'I' => {
                    match iso_spec(if rest.is_empty() { "date" } else { rest }) {
                        Some(s) => shape = Shape::Iso(s),
                        None if gnu => return bad_argument(out, "--iso-8601", rest, "'hours', 'minutes', 'date', 'seconds', 'ns'"),
                        None => return usage(out, &format!("invalid argument '{rest}' to '-I'")),
                    }
                    break;
                }
                'd' | 'r' => {
                    let v = if rest.is_empty() {
                        let v = args.get(i).cloned();
                        i += 1;
                        v
                    } else {
                        Some(rest.to_string())
                    };
                    match v {
                        Some(v) if c == 'd' => when = Some(v),
                        Some(v) => reference = Some(v),
                        None => return usage(out, &format!("option requires an argument -- '{c}'")),
                    }
                    break;
                }
                _ => return usage(out, &format!("invalid option -- '{c}'")),
            }
        }
    }
    let mut format_seen = false;
    for op in &operands {
        if let Some(f) = op.strip_prefix('+').filter(|_| !format_seen) {
            format_seen = true;
            shape = Shape::Format(f.to_string());
        } else if gnu && (when.is_some() || reference.is_some()) && !format_seen {
            return usage(out, &format!("the argument '{op}' lacks a leading '+';\nwhen using an option to specify date(s), any non-option\nargument must be a format string beginning with '+'"));
        } else if gnu && (format_seen || when.is_some() || reference.is_some() || operands.len() > 1) {
            return usage(out, &format!("extra operand '{op}'"));
        } else if !gnu && (format_seen || when.is_some() || reference.is_some()) {
            out.err(BUSYBOX_USAGE);
            return 1;
        } else {
            // Setting the clock needs CAP_SYS_TIME, which containers do not have.
            let year = Moment::of(env.now).civil().year;
            return match parse_set(op, year) {
                None => {
                    out.err(&format!("date: invalid date '{op}'\n"));
                    1
                }
                Some(m) if gnu => {
                    out.err("date: cannot set date: Operation not permitted\n");
                    out.out(&render(m, &shape, gnu));
                    1
                }
                Some(m) => {
                    out.err("date: can't set date: Operation not permitted\n");
                    out.out(&render(m, &shape, gnu));
                    0
                }
            };
        }
    }
    let now = Moment::of(env.now);
    let moment = if let Some(path) = reference {
        let full = join(env.cwd, &path);
        match env.fs.get(&full) {
            Some(node) => Moment::of(node.meta.mtime),
            None if gnu => {
                out.err(&format!("date: {path}: No such file or directory\n"));
                return 1;
            }
            None => {
                out.err(&format!("date: can't stat '{path}': No such file or directory\n"));
                return 1;
            }
        }
    } else if let Some(w) = when {
        match parse_date(&w, now, gnu) {
            Some(m) => m,
            None => {
                out.err(&format!("date: invalid date '{w}'\n"));
                return 1;
            }
        }
    } else {
        now
    };
    out.out(&render(moment, &shape, gnu));
    0
}

fn bad_argument(out: &mut Captured, option: &str, value: &str, valid: &str) -> i32 {
    let list: String = valid.split(", ").map(|v| format!("\n  - {v}")).collect();
    out.err(&format!("date: invalid argument '{value}' for '{option}'\nValid arguments are:{list}\nTry 'date --help' for more information.\n"));
    1
}

fn iso_spec(s: &str) -> Option<&'static str> {
    ["date", "hours", "minutes", "seconds", "ns"].into_iter().find(|v| *v == s)
}

fn rfc3339_spec(s: &str) -> Option<&'static str> {
    ["date", "seconds", "ns"].into_iter().find(|v| *v == s)
}

fn render(m: Moment, shape: &Shape, gnu: bool) -> String {
    let f = match shape {
        Shape::Default => "%a %b %e %H:%M:%S %Z %Y",
        Shape::Format(f) => f.as_str(),
        Shape::Rfc2822 => "%a, %d %b %Y %H:%M:%S %z",
        Shape::Iso("date") | Shape::Rfc3339("date") => "%Y-%m-%d",
        Shape::Iso("hours") => "%Y-%m-%dT%H+00:00",
        Shape::Iso("minutes") => "%Y-%m-%dT%H:%M+00:00",
        Shape::Iso("seconds") => "%Y-%m-%dT%H:%M:%S+00:00",
        Shape::Iso(_) => return format!("{},{:09}+00:00\n", strftime(m, "%Y-%m-%dT%H:%M:%S", gnu), m.nanos),
        Shape::Rfc3339("seconds") => "%Y-%m-%d %H:%M:%S+00:00",
        Shape::Rfc3339(_) => return format!("{}.{:09}+00:00\n", strftime(m, "%Y-%m-%d %H:%M:%S", gnu), m.nanos),
    };
    format!("{}\n", strftime(m, f, gnu))
}

/// `-d TIME`: `@SECONDS`, `YYYY-MM-DD[ hh:mm[:ss]]`, `hh:mm[:ss]` (today), and in GNU's also
/// `now`, `today`, `yesterday`, `tomorrow`, a `T` between date and time and fractional seconds.
fn parse_date(s: &str, now: Moment, gnu: bool) -> Option<Moment> {
    let s = if gnu { s.trim() } else { s };
    if let Some(n) = s.strip_prefix('@') {
        if gnu {
            let (int, frac) = n.split_once('.').unwrap_or((n, ""));
            let digits = int.strip_prefix(['-', '+']).unwrap_or(int);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let secs: i64 = int.parse().ok()?;
            let nanos: u32 = format!("{:0<9}", &frac[..frac.len().min(9)]).parse().ok()?;
            if secs < 0 && nanos > 0 {
                return Some(Moment { secs: secs.checked_sub(1)?, nanos: 1_000_000_000 - nanos });
            }
            return Some(Moment { secs, nanos });
        }
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return Some(Moment { secs: n.parse().ok()?, nanos: 0 });
    }
    let today = now.secs.div_euclid(86_400) * 86_400;
    if gnu {
        match s.to_ascii_lowercase().as_str() {
            "now" => return Some(now),
            "today" => return Some(now),
            "yesterday" => return Some(Moment { secs: now.secs - 86_400, ..now }),
            "tomorrow" => return Some(Moment { secs: now.secs + 86_400, ..now }),
            _ => {}
        }
    }
    let (day, time) = match s.split_once(if gnu && s.contains('T') { 'T' } else { ' ' }) {
        Some((d, t)) => (Some(d), Some(t)),
        None if s.contains('-') => (Some(s), None),
        None => (None, Some(s)),
    };
    let base = match day {
        Some(d) => {
            let mut p = d.splitn(3, '-');
            let (y, m, dd) = (p.next()?, p.next()?, p.next()?);
            let num = |x: &str| x.bytes().all(|b| b.is_ascii_digit()).then(|| x.parse::<u32>().ok()).flatten();
            let (y, m, dd) = (num(y)?, num(m)?, num(dd)?);
            if !(1..=12).contains(&m) || dd == 0 || dd > days_in_month(i64::from(y), m) {
                return None;
            }
            days_from_civil(i64::from(y), m, dd) * 86_400
        }
        None => today,
    };
    let secs = match time {
        Some(t) => {
            let parts: Vec<&str> = t.split(':').collect();
            if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit())) {
                return None;
            }
            let v: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            let (h, mi, se) = (v[0], v[1], v.get(2).copied().unwrap_or(0));
            if h > 23 || mi > 59 || se > 60 {
                return None;
            }
            h * 3600 + mi * 60 + se
        }
        None => 0,
    };
    Some(Moment { secs: base + secs, nanos: 0 })
}

/// A `date MMDDhhmm[[CC]YY][.ss]` operand (the year defaults to this one).
fn parse_set(s: &str, this_year: i64) -> Option<Moment> {
    let (main, ss) = s.split_once('.').unwrap_or((s, "00"));
    if !matches!(main.len(), 8 | 10 | 12) || ss.len() != 2 || !main.bytes().chain(ss.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| main[r].parse::<u32>().ok();
    let (mo, d, h, mi) = (n(0..2)?, n(2..4)?, n(4..6)?, n(6..8)?);
    let year = match main.len() {
        12 => i64::from(n(8..12)?),
        10 => {
            let yy = i64::from(n(8..10)?);
            if yy < 69 { 2000 + yy } else { 1900 + yy }
        }
        _ => this_year,
    };
    let se: i64 = ss.parse().ok()?;
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(year, mo) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(Moment { secs: days_from_civil(year, mo, d) * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + se, nanos: 0 })
}

fn leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Day of the year, 0-based.
fn yday(c: &Civil) -> i64 {
    days_from_civil(c.year, c.month, c.day) - days_from_civil(c.year, 1, 1)
}

/// ISO 8601 week-based year and week number.
fn iso_week(c: &Civil) -> (i64, i64) {
    let wday = (i64::from(c.weekday) + 6) % 7; // Monday = 0
    let yd = yday(c);
    let week = (yd - wday + 10) / 7;
    if week < 1 {
        let py = c.year - 1;
        let pdays = if leap(py) { 366 } else { 365 };
        let pyd = yd + pdays;
        return (py, (pyd - wday + 10) / 7);
    }
    let days = if leap(c.year) { 366 } else { 365 };
    if week == 53 && yd - wday + 3 >= days {
        return (c.year + 1, 1);
    }
    (c.year, week)
}

/// glibc `strftime` over UTC, with GNU date's `%N`, `%q` and `%:z` when `gnu`. Flags `-` (no
/// padding), `_` (spaces), `0` (zeros), `^` (upper case), `#` (swap case) and a field width
/// work as glibc's do; an unknown conversion is copied as it is.
fn strftime(m: Moment, f: &str, gnu: bool) -> String {
    let c = m.civil();
    let chars: Vec<char> = f.chars().collect();
    let mut s = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            s.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut pad: Option<char> = None;
        let mut upper = false;
        let mut swap = false;
        while let Some(&fl) = chars.get(i) {
            match fl {
                '-' | '_' | '0' => pad = Some(fl),
                '^' => upper = true,
                '#' => swap = true,
                _ => break,
            }
            i += 1;
        }
        let mut width: Option<usize> = None;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            // Wider fields than a terminal line are not worth the memory.
            width = Some((width.unwrap_or(0) * 10 + d as usize).min(4096));
            i += 1;
        }
        let mut colons = 0;
        while gnu && chars.get(i) == Some(&':') {
            colons += 1;
            i += 1;
        }
        let Some(&conv) = chars.get(i) else {
            s.extend(&chars[start..]);
            break;
        };
        i += 1;
        // (text, default width, numeric default pad)
        let num = |v: i64, w: usize, p: char| Field::Num(v, w, p);
        let text = |t: String| Field::Text(t);
        let hour12 = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
        let field = match (conv, colons) {
            ('a', 0) => text(WEEKDAYS[c.weekday as usize].to_string()),
            ('A', 0) => text(DAY_NAMES[c.weekday as usize].to_string()),
            ('b' | 'h', 0) => text(MONTHS[c.month as usize - 1].to_string()),
            ('B', 0) => text(MONTH_NAMES[c.month as usize - 1].to_string()),
            ('c', 0) => text(strftime(m, "%a %b %e %H:%M:%S %Y", gnu)),
            ('C', 0) => num(c.year.div_euclid(100), 2, '0'),
            ('d', 0) => num(i64::from(c.day), 2, '0'),
            ('D', 0) => text(strftime(m, "%m/%d/%y", gnu)),
            ('e', 0) => num(i64::from(c.day), 2, ' '),
            ('F', 0) => text(strftime(m, "%Y-%m-%d", gnu)),
            ('g', 0) => num(iso_week(&c).0.rem_euclid(100), 2, '0'),
            ('G', 0) => num(iso_week(&c).0, 1, '0'),
            ('H', 0) => num(i64::from(c.hour), 2, '0'),
            ('I', 0) => num(i64::from(hour12), 2, '0'),
            ('j', 0) => num(yday(&c) + 1, 3, '0'),
            ('k', 0) => num(i64::from(c.hour), 2, ' '),
            ('l', 0) => num(i64::from(hour12), 2, ' '),
            ('m', 0) => num(i64::from(c.month), 2, '0'),
            ('M', 0) => num(i64::from(c.minute), 2, '0'),
            ('n', 0) => text("\n".into()),
            ('N', 0) if gnu => {
                let digits = format!("{:09}", c.nanos);
                text(digits[..width.unwrap_or(9).clamp(1, 9)].to_string())
            }
            ('p', 0) => text(if c.hour < 12 { "AM" } else { "PM" }.into()),
            ('P', 0) => text(if c.hour < 12 { "am" } else { "pm" }.into()),
            ('q', 0) if gnu => num(i64::from((c.month - 1) / 3 + 1), 1, '0'),
            ('r', 0) => text(strftime(m, "%I:%M:%S %p", gnu)),
            ('R', 0) => text(strftime(m, "%H:%M", gnu)),
            ('s', 0) => num(m.secs, 1, '0'),
            ('S', 0) => num(i64::from(c.second), 2, '0'),
            ('t', 0) => text("\t".into()),
            ('T', 0) => text(strftime(m, "%H:%M:%S", gnu)),
            ('u', 0) => num(i64::from(if c.weekday == 0 { 7 } else { c.weekday }), 1, '0'),
            ('U', 0) => num((yday(&c) + 7 - i64::from(c.weekday)) / 7, 2, '0'),
            ('V', 0) => num(iso_week(&c).1, 2, '0'),
            ('w', 0) => num(i64::from(c.weekday), 1, '0'),
            ('W', 0) => num((yday(&c) + 7 - (i64::from(c.weekday) + 6) % 7) / 7, 2, '0'),
            ('x', 0) => text(strftime(m, "%m/%d/%y", gnu)),
            ('X', 0) => text(strftime(m, "%H:%M:%S", gnu)),
            ('y', 0) => num(c.year.rem_euclid(100), 2, '0'),
            ('Y', 0) => num(c.year, 1, '0'),
            ('z', 0) => text("+0000".into()),
            ('z', 1) => text("+00:00".into()),
            ('z', 2) => text("+00:00:00".into()),
            ('z', 3) => text("+00".into()),
            ('Z', 0) => text("UTC".into()),
            ('%', 0) => text("%".into()),
            _ => {
                s.extend(&chars[start..i]);
                continue;
            }
        };
        let mut piece = match field {
            Field::Num(v, w, default_pad) => {
                let p = pad.unwrap_or(default_pad);
                let w = width.unwrap_or(w);
                let digits = v.unsigned_abs().to_string();
                let sign = if v < 0 { "-" } else { "" };
                match p {
                    '-' => format!("{sign}{digits}"),
                    '_' | ' ' => format!("{:>w$}", format!("{sign}{digits}")),
                    _ => format!("{sign}{digits:0>w$}", w = w.saturating_sub(sign.len())),
                }
            }
            Field::Text(t) => {
                let w = width.unwrap_or(0);
                match pad {
                    Some('0') => format!("{t:0>w$}"),
                    Some('-') => t,
                    _ => format!("{t:>w$}"),
                }
            }
        };
        if upper || (swap && matches!(conv, 'a' | 'A' | 'b' | 'B' | 'h')) {
            piece = piece.to_uppercase();
        } else if swap && matches!(conv, 'p' | 'Z') {
            piece = piece.to_lowercase();
        }
        s.push_str(&piece);
    }
    s
}

enum Field {
    Num(i64, usize, char),
    Text(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Moment = Moment { secs: 1_751_364_000, nanos: 0 };

    #[test]
    fn every_conversion_as_gnu_date_prints_it() {
        // GNU coreutils 9.1: TZ=UTC date -d @1751364000 '+…'
        assert_eq!(
            strftime(T, "%Y %m %d %H %M %S %a %b %A %B %j %s %Z %z %e %T %D %F %R %p %u|%n|%t|%%", true),
            "2025 07 01 10 00 00 Tue Jul Tuesday July 182 1751364000 UTC +0000  1 10:00:00 07/01/25 2025-07-01 10:00 AM 2|\n|\t|%"
        );
        assert_eq!(
            strftime(T, "%-d %_m %k %l %I %y %C %h %U %w %G %V %P %N %c %x %X %r", true),
            "1  7 10 10 10 25 20 Jul 26 2 2025 27 am 000000000 Tue Jul  1 10:00:00 2025 07/01/25 10:00:00 10:00:00 AM"
        );
        assert_eq!(strftime(T, "%Q %:z %^a %10Y", true), "%Q +00:00 TUE 0000002025");
        // BusyBox hands the format to libc's strftime: no %N, no %:z.
        assert_eq!(strftime(T, "%N %:z %q", false), "%N %:z %q");
    }

    #[test]
    fn iso_weeks_at_year_ends() {
        let at = |y, m, d| Moment { secs: days_from_civil(y, m, d) * 86_400, nanos: 0 };
        // date -d 2024-12-30 +%G-%V → 2025-01; 2021-01-01 → 2020-53; 2026-12-31 → 2026-53
        assert_eq!(strftime(at(2024, 12, 30), "%G-%V %U %W", true), "2025-01 52 53");
        assert_eq!(strftime(at(2021, 1, 1), "%G-%V %U %W", true), "2020-53 00 00");
        assert_eq!(strftime(at(2026, 12, 31), "%G-%V", true), "2026-53");
    }

    #[test]
    fn dash_d_forms() {
        assert_eq!(parse_date("@0", T, true), Some(Moment { secs: 0, nanos: 0 }));
        assert_eq!(parse_date("@-1", T, true), Some(Moment { secs: -1, nanos: 0 }));
        assert_eq!(parse_date("@-1", T, false), None);
        assert_eq!(strftime(parse_date("@-1", T, true).unwrap(), "%a %b %e %T %Z %Y", true), "Wed Dec 31 23:59:59 UTC 1969");
        assert_eq!(parse_date("2025-07-04 12:30", T, false).map(|m| m.secs), Some(1_751_632_200));
        assert_eq!(parse_date("2025-07-04", T, true).map(|m| m.secs), Some(1_751_587_200));
        assert_eq!(parse_date("12:30:15", T, false).map(|m| m.secs), Some(1_751_373_015));
        assert_eq!(parse_date("foo", T, true), None);
        assert_eq!(parse_date("2025-02-30", T, true), None);
        assert_eq!(parse_date("@-9223372036854775808.5", T, true), None);
        assert_eq!(parse_date("@99999999999999999999", T, true), None);
        assert_eq!(strftime(T, "%99999999999Y", true).len(), 4096);
    }
}
